// The escape hatch for vendor primitives and hand-written Verilog: a module whose body is
// not Loom's. It has typed ports like any module, and its instances are checked as usual.
import { currentModule } from "./builder.js";
import { defineModule, type ModuleDef, type PortSpec, ports } from "./module.js";

export interface BlackBoxSpec<S extends Record<string, PortSpec>> {
  /** Name of the Verilog module (for example a Xilinx primitive such as "DSP48E2"). */
  verilogName: string;
  ports: S;
  /** Verilog parameters passed with #(...). */
  parameters?: Record<string, number | string>;
  /** Verilog source to ship with the design (omit for primitives the vendor tools provide). */
  source?: string;
  /** Connect the design's clock and reset to the black box's ports of the same names. */
  clocked?: boolean;
}

export function blackBox<S extends Record<string, PortSpec>>(
  spec: BlackBoxSpec<S>,
): ModuleDef<void, ReturnType<typeof ports<S>>> {
  return defineModule(spec.verilogName, () => {
    const io = ports(spec.ports);
    currentModule().blackBox = {
      verilogName: spec.verilogName,
      parameters: spec.parameters ?? {},
      source: spec.source,
      clocked: spec.clocked ?? false,
    };
    return io;
  });
}
