// The escape hatch for vendor primitives and hand-written Verilog: a module whose body is
// not Loom's. It has typed ports like any module, and its instances are checked as usual.
//
// A vendor primitive (DSP48E2) is known to synthesis but not to Verilator, Icarus or Loom's
// interpreter. Its `model` is the primitive's behaviour written in Loom, for simulation only:
// the emitter writes it apart from the design's files (`EmittedDesign.simulationModels`, which
// synthesis never reads) and the interpreter runs it in the black box's place.
import { currentModule, ModuleBuilder, withModule } from "./builder.js";
import { ElaborationError } from "./errors.js";
import type { ModuleIR } from "./ir.js";
import { here } from "./location.js";
import { defineModule, type ModuleDef, type PortSpec, ports } from "./module.js";

type BlackBoxIo<S extends Record<string, PortSpec>> = ReturnType<typeof ports<S>>;

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
  /** The black box's clock input, driven by the design's clock (a primitive's "CLK"). */
  clockPort?: string;
  /**
   * The black box's behaviour in Loom, for simulation only (see the header): a body on the
   * same ports, clocked by the design's clock, without the design's reset. Its Verilog is
   * named `verilogName` and accepts `parameters`, so the design's instance is unchanged.
   */
  model?: (io: BlackBoxIo<S>) => void;
}

export function blackBox<S extends Record<string, PortSpec>>(
  spec: BlackBoxSpec<S>,
): ModuleDef<void, BlackBoxIo<S>> {
  if (spec.source !== undefined && spec.model) {
    throw new ElaborationError(
      `black box ${spec.verilogName}: give Verilog source or a Loom model, not both`,
    );
  }
  const location = here();
  return defineModule(spec.verilogName, () => {
    const io = ports(spec.ports);
    currentModule().blackBox = {
      verilogName: spec.verilogName,
      parameters: spec.parameters ?? {},
      source: spec.source,
      clocked: spec.clocked ?? false,
      clockPort: spec.clockPort,
      model: spec.model && elaborateModel(spec, spec.model, location),
    };
    return io;
  });
}

/** The model as a module of its own, on ports declared from the same spec. */
function elaborateModel<S extends Record<string, PortSpec>>(
  spec: BlackBoxSpec<S>,
  model: (io: BlackBoxIo<S>) => void,
  location: ReturnType<typeof here>,
): ModuleIR {
  const builder = new ModuleBuilder(spec.verilogName, spec.parameters ?? {}, location);
  withModule(builder, () => model(ports(spec.ports)));
  const ir = builder.finish();
  if (ir.instances.length > 0 || ir.regs.some((r) => r.reg?.init !== undefined)) {
    throw new ElaborationError(
      `the model of black box ${spec.verilogName} must be flat logic and registers without the design's reset`,
      location,
    );
  }
  return ir;
}
