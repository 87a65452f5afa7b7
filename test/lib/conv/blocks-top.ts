// One top module holding several conv blocks side by side, each with its own `in<i>` and
// `out<i>` streams, so one Verilator (or Icarus) build checks many random configurations at
// once; the harness drives all streams in the same run, each with its own stall pattern.
import {
  connect,
  defineModule,
  input,
  instance,
  output,
  ports,
  Stream,
  UInt,
  type Value,
} from "../../../src/dsl/index.js";
import {
  ConvLayer,
  type ConvLayerParams,
  convLayerParts,
  MaxPool,
  type MaxPoolParams,
  maxPoolShape,
  Padding,
  type PaddingParams,
  paddingShape,
  type SlidingWindowParams,
  slidingWindowShape,
  windowBlock,
} from "../../../src/lib/conv/index.js";
import { mvauShape } from "../../../src/lib/mvau/index.js";

export type Block =
  | { kind: "window"; params: SlidingWindowParams }
  | { kind: "padding"; params: PaddingParams }
  | { kind: "pool"; params: MaxPoolParams }
  | { kind: "conv"; params: ConvLayerParams };

function widths(b: Block): [number, number] {
  switch (b.kind) {
    case "window":
      return [slidingWindowShape(b.params).beatWidth, slidingWindowShape(b.params).outBeatWidth];
    case "padding":
      return [paddingShape(b.params).beatWidth, paddingShape(b.params).beatWidth];
    case "pool":
      return [maxPoolShape(b.params).beatWidth, maxPoolShape(b.params).beatWidth];
    case "conv": {
      const parts = convLayerParts(b.params);
      return [slidingWindowShape(parts.window).beatWidth, mvauShape(parts.mvau).outWidth];
    }
  }
}

const definition = (b: Block) =>
  ({
    window: b.kind === "window" && windowBlock(b.params),
    padding: Padding,
    pool: MaxPool,
    conv: ConvLayer,
  })[b.kind];

export const BlocksTop = defineModule(
  (p: { tag: string; blocks: Block[] }) => `ConvBlocks_${p.tag}`,
  (p: { tag: string; blocks: Block[] }) => {
    const io = ports(
      Object.fromEntries(
        p.blocks.flatMap((b, i) => {
          const [inW, outW] = widths(b);
          return [
            [`in${i}`, input(Stream(UInt(inW)))],
            [`out${i}`, output(Stream(UInt(outW)))],
          ];
        }),
      ),
    ) as Record<string, Value>;
    p.blocks.forEach((b, i) => {
      const block = instance(`block${i}_${b.kind}`, definition(b) as never, b.params as never) as {
        in: Value;
        out: Value;
      };
      connect(block.in, io[`in${i}`]!);
      connect(io[`out${i}`]!, block.out);
    });
    return io;
  },
);
