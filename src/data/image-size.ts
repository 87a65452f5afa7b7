// Image dimensions read from the file header, so an oversized image is refused before decoding
// allocates width × height × 4 bytes (a 875 KB PNG can declare 30000 × 30000 pixels).

/** Largest image side and area accepted (64 Mpixel = 256 MB decoded as RGBA; X-rays are ~5 Mpixel). */
export const MAX_IMAGE_SIDE = 16384;
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk or a JPEG's start-of-frame marker; undefined if not found. */
export function headerSize(buf: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length >= 24 && PNG_SIGNATURE.every((b, i) => buf[i] === b)) {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8) {
    let p = 2;
    while (p + 9 <= buf.length) {
      if (buf[p] !== 0xff) return undefined;
      const marker = buf[p + 1]!;
      if (marker === 0xff) {
        p++; // fill byte
        continue;
      }
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: view.getUint16(p + 5), width: view.getUint16(p + 7) };
      }
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        p += 2;
        continue;
      }
      p += 2 + view.getUint16(p + 2);
    }
  }
  return undefined;
}

/** The reason an image of this size is refused, or undefined if it is acceptable. */
export function sizeProblem(size: { width: number; height: number }): string | undefined {
  const { width, height } = size;
  if (width === 0 || height === 0) return `is empty (${width} × ${height} pixels)`;
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    return `is ${width} × ${height} pixels; loom reads images up to ${MAX_IMAGE_SIDE} pixels a side and ${MAX_IMAGE_PIXELS / (1024 * 1024)} Mpixel (downscale it first)`;
  }
  return undefined;
}
