// Reading Yosys's `-v 3` section headers into a progress status (src/synth/yosys-progress.ts),
// on lines as Yosys 0.55 printed them for `read_verilog …; synth_xilinx` on two modules.
import { describe, expect, it } from "vitest";
import { YosysProgress } from "../../src/synth/yosys-progress.js";

const LOG = `1. Executing Verilog-2005 frontend: StreamFifo_d2_w4_registers.v
2. Executing Verilog-2005 frontend: StreamWidthConverter_i4_o16.v
3. Executing SYNTH_XILINX pass.
3.1. Executing Verilog-2005 frontend: /share/xilinx/cells_sim.v
3.4. Executing PROC pass (convert processes to netlists).
3.4.1. Executing PROC_CLEAN pass (remove empty switches from decision trees).
Warning: something Yosys wants said
3.40. Executing ABC pass (technology mapping using ABC).
3.40.1. Extracting gate netlist of module \`\\StreamWidthConverter_i4_o16' to \`<abc-temp-dir>/input.blif'..
3.40.2. Extracting gate netlist of module \`\\StreamFifo_d2_w4_registers' to \`<abc-temp-dir>/input.blif'..
3.41. Executing TECHMAP pass (map to technology primitives).
3.41.1. Executing Verilog-2005 frontend: /share/xilinx/ff_map.v
End of script. Logfile hash: 3841df2171, CPU: user 48.75s system 0.00s`;

describe("YosysProgress", () => {
  it("shows the current pass, and the module and its count in per-module passes", () => {
    const p = new YosysProgress(2);
    const seen: string[] = [];
    for (const line of LOG.split("\n")) if (p.line(line)) seen.push(p.status);
    expect(seen).toEqual([
      "1 Verilog-2005 frontend: StreamFifo_d2_w4_registers.v",
      "2 Verilog-2005 frontend: StreamWidthConverter_i4_o16.v",
      "3 SYNTH_XILINX pass",
      "3.1 Verilog-2005 frontend: /share/xilinx/cells_sim.v",
      "3.4 PROC pass (convert processes to netlists)",
      "3.40 ABC pass (technology mapping using ABC)",
      "3.40 ABC pass (technology mapping using ABC): module StreamWidthConverter_i4_o16 (1 of 2)",
      "3.40 ABC pass (technology mapping using ABC): module StreamFifo_d2_w4_registers (2 of 2)",
      "3.41 TECHMAP pass (map to technology primitives)",
    ]);
  });

  it("drops the total once a pass has seen more modules than it was told of", () => {
    const p = new YosysProgress(1);
    p.line("5.2. Executing ABC pass (technology mapping using ABC).");
    p.line("5.2.1. Extracting gate netlist of module `\\a' to `x'..");
    expect(p.status).toBe("5.2 ABC pass (technology mapping using ABC): module a (1 of 1)");
    p.line("5.2.2. Extracting gate netlist of module `\\b' to `x'..");
    expect(p.status).toBe("5.2 ABC pass (technology mapping using ABC): module b (2)");
    expect(new YosysProgress().status).toBe("");
  });
});
