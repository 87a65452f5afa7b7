// A WebAssembly SIMD matrix-product kernel, assembled here byte by byte (no toolchain needed):
//
//   C[i, j] = Σ_k A[i, k] · B[k, j]    for i < m (a multiple of 4), j < n (a multiple of 8)
//
// with A addressed through two byte strides (row, step along k) so that the same kernel reads A
// or Aᵀ, and B, C row-major with byte strides ldb, ldc. Each 4 × 8 block of C lives in eight
// f32x4 registers; per k it loads two vectors of B and splats four entries of A. Products and
// sums are separate IEEE single-precision operations in increasing k (no fused multiply-add),
// so results do not depend on the machine, the blocking or how rows are shared among threads.

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const str = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

// Instructions used by the kernel.
const get = (l: number) => [0x20, ...uleb(l)];
const set = (l: number) => [0x21, ...uleb(l)];
const i32 = (v: number) => [0x41, ...sleb(v)];
const add = [0x6a];
const sub = [0x6b];
const mul = [0x6c];
const geU = [0x4f];
const eqz = [0x45];
const block = [0x02, 0x40];
const loop = [0x03, 0x40];
const end = [0x0b];
const br = (d: number) => [0x0c, ...uleb(d)];
const brIf = (d: number) => [0x0d, ...uleb(d)];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const mem = (align: number, offset: number) => [...uleb(align), ...uleb(offset)];
const v128Load = (offset: number) => simd(0x00, ...mem(4, offset));
const v128Store = (offset: number) => simd(0x0b, ...mem(4, offset));
const load32Splat = simd(0x09, ...mem(2, 0));
const f32x4Add = simd(0xe4);
const f32x4Mul = simd(0xe6);
const v128Zero = simd(0x0c, ...new Array<number>(16).fill(0));

// Parameters (all i32; addresses and strides in bytes).
const [M, N, K, A, A_ROW, A_STEP, B, LDB, C, LDC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
// Locals.
const [ROW, COL, LEFT, PB, PA0] = [10, 11, 12, 13, 14]; // PA0..PA3 = 14..17
const ACC0 = 18; // ACC0..ACC7 = 18..25 (row r, half h at ACC0 + 2r + h)
const [VB0, VB1, VA] = [26, 27, 28];

function body(): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p);
  };
  emit(i32(0), set(ROW), block, loop, get(ROW), get(M), geU, brIf(1));
  emit(i32(0), set(COL), block, loop, get(COL), get(N), geU, brIf(1));
  for (let a = 0; a < 8; a++) emit(v128Zero, set(ACC0 + a));
  // PA_r = A + (ROW + r)·A_ROW; PB = B + 4·COL; LEFT = K
  for (let r = 0; r < 4; r++) emit(get(A), get(ROW), i32(r), add, get(A_ROW), mul, add, set(PA0 + r));
  emit(get(B), get(COL), i32(4), mul, add, set(PB), get(K), set(LEFT));
  emit(block, loop, get(LEFT), eqz, brIf(1));
  emit(get(PB), v128Load(0), set(VB0), get(PB), v128Load(16), set(VB1));
  for (let r = 0; r < 4; r++) {
    emit(get(PA0 + r), load32Splat, set(VA));
    for (let h = 0; h < 2; h++)
      emit(get(ACC0 + 2 * r + h), get(VA), get(VB0 + h), f32x4Mul, f32x4Add, set(ACC0 + 2 * r + h));
  }
  for (let r = 0; r < 4; r++) emit(get(PA0 + r), get(A_STEP), add, set(PA0 + r));
  emit(get(PB), get(LDB), add, set(PB), get(LEFT), i32(1), sub, set(LEFT), br(0), end, end);
  // Store the block: row r at C + (ROW + r)·LDC + 4·COL.
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) {
      emit(get(C), get(ROW), i32(r), add, get(LDC), mul, add, get(COL), i32(4), mul, add);
      emit(get(ACC0 + 2 * r + h), v128Store(16 * h));
    }
  }
  emit(get(COL), i32(8), add, set(COL), br(0), end, end);
  emit(get(ROW), i32(4), add, set(ROW), br(0), end, end);
  const locals = vec([
    [...uleb(8), I32],
    [...uleb(11), V128],
  ]);
  const fn = [...locals, ...code, ...end];
  return [...uleb(fn.length), ...fn];
}

/** The kernel module: imports memory "env"."memory", exports "gemm". */
export function gemmModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const type = vec([[0x60, ...vec(new Array(10).fill([I32])), ...vec([])]]);
  const limits = shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const imports = vec([[...str("env"), ...str("memory"), 0x02, ...limits]]);
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, type),
    ...section(2, imports),
    ...section(3, vec([uleb(0)])),
    ...section(7, vec([[...str("gemm"), 0x00, ...uleb(0)]])),
    ...section(10, vec([body()])),
  ]);
}

export type GemmKernel = (
  m: number,
  n: number,
  k: number,
  a: number,
  aRow: number,
  aStep: number,
  b: number,
  ldb: number,
  c: number,
  ldc: number,
) => void;

export function instantiateGemm(memory: WebAssembly.Memory, shared = false): GemmKernel {
  const module = new WebAssembly.Module(gemmModuleBytes(shared));
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports.gemm as GemmKernel;
}
