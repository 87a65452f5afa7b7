// The control register map of a Loom system, shared by the hardware (control.ts), the host
// drivers and the documentation, so all three agree on every offset.

export interface ControlRegister {
  name: string;
  /** Byte offset on the AXI4-Lite interface. */
  offset: number;
  access: "ro" | "rw";
  doc: string;
}

export const CONTROL_REGISTERS = [
  {
    name: "BUILD_ID",
    offset: 0x00,
    access: "ro",
    doc: "identifies the generated design (the driver checks it)",
  },
  {
    name: "BATCH_SIZE",
    offset: 0x04,
    access: "rw",
    doc: "images per DMA transfer: TLAST follows the last one (0 counts as 1; reset value 1)",
  },
  {
    name: "IMAGES_DONE",
    offset: 0x08,
    access: "ro",
    doc: "images whose result has left the output stream since reset (wraps at 2^32)",
  },
  {
    name: "CYCLES_LO",
    offset: 0x0c,
    access: "ro",
    doc: "clock cycles from a batch's first input beat to its TLAST beat, low word; reading it latches the high word",
  },
  {
    name: "CYCLES_HI",
    offset: 0x10,
    access: "ro",
    doc: "high word of the cycle count, as latched by the last CYCLES_LO read",
  },
  { name: "IN_BEATS", offset: 0x14, access: "ro", doc: "input stream beats per image" },
  { name: "OUT_BEATS", offset: 0x18, access: "ro", doc: "output stream beats per image" },
] as const satisfies readonly ControlRegister[];

export type ControlRegisterName = (typeof CONTROL_REGISTERS)[number]["name"];

/** Address bits of the control interface (a 64-byte window). */
export const CONTROL_ADDR_BITS = 6;

export function registerOffset(name: ControlRegisterName): number {
  return CONTROL_REGISTERS.find((r) => r.name === name)!.offset;
}
