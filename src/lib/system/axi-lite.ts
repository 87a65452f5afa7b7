// The AXI4-Lite slave interface as a port bundle, seen from the master's side: fields the slave
// drives are flipped. On a top-level port named `s_axi_control` the flattened names
// (`s_axi_control_awvalid`, …) are the ones Vivado's IP packager infers as an AXI4-Lite slave.
import { Bool, Bundle, flipped, UInt } from "../../dsl/index.js";

/** Data width of the control interface (AXI4-Lite allows 32 or 64; PYNQ's MMIO uses 32). */
export const AXI_LITE_DATA_BITS = 32;

export function AxiLite(addrWidth: number) {
  const data = UInt(AXI_LITE_DATA_BITS);
  return Bundle({
    awvalid: Bool,
    awready: flipped(Bool),
    awaddr: UInt(addrWidth),
    wvalid: Bool,
    wready: flipped(Bool),
    wdata: data,
    wstrb: UInt(AXI_LITE_DATA_BITS / 8),
    bvalid: flipped(Bool),
    bready: Bool,
    bresp: flipped(UInt(2)),
    arvalid: Bool,
    arready: flipped(Bool),
    araddr: UInt(addrWidth),
    rvalid: flipped(Bool),
    rready: Bool,
    rdata: flipped(data),
    rresp: flipped(UInt(2)),
  });
}
