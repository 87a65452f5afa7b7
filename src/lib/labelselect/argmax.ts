// Arg-max over a stream of scores ("label select" in FINN): NF beats of PE packed scores make
// one vector; after the last beat the index of the largest score leaves. Ties go to the lowest
// index, as numpy's argmax does, because every comparison is a strict "greater than".
import {
  Bool,
  defineModule,
  ElaborationError,
  type Expr,
  fire,
  input,
  lit,
  mux,
  output,
  ports,
  reg,
  SInt,
  Stream,
  UInt,
  when,
} from "../../dsl/index.js";

export interface ArgmaxParams {
  /** Scores per input beat. */
  pe: number;
  /** Beats per vector: the vector has pe · nf scores. */
  nf: number;
  scoreWidth: number;
  signed: boolean;
}

export function argmaxIndexWidth(p: ArgmaxParams): number {
  return Math.max(1, Math.ceil(Math.log2(p.pe * p.nf)));
}

export const Argmax = defineModule(
  (p: ArgmaxParams) => `Argmax_${p.pe}x${p.nf}_${p.signed ? "s" : "u"}${p.scoreWidth}`,
  (p: ArgmaxParams) => {
    if (p.pe < 1 || p.nf < 1) throw new ElaborationError("Argmax needs pe ≥ 1 and nf ≥ 1");
    const scoreType = p.signed ? SInt(p.scoreWidth) : UInt(p.scoreWidth);
    const indexWidth = argmaxIndexWidth(p);
    const io = ports({
      in: input(Stream(UInt(p.pe * p.scoreWidth))),
      out: output(Stream(UInt(indexWidth))),
    });
    const foldWidth = Math.max(1, Math.ceil(Math.log2(p.nf)));
    const fold = reg("fold", UInt(foldWidth), { init: 0 });
    const bestScore = reg("best_score", scoreType, { init: 0 });
    const bestIndex = reg("best_index", UInt(indexWidth), { init: 0 });
    const outValid = reg("out_valid_q", Bool, { init: 0 });
    const outIndex = reg("out_index_q", UInt(indexWidth), { init: 0 });

    const score = (i: number): Expr => {
      const bits = io.in.data.bits((i + 1) * p.scoreWidth - 1, i * p.scoreWidth);
      return p.signed ? bits.asSInt() : bits;
    };
    const beatBase = p.nf === 1 ? undefined : fold.zext(indexWidth).mulw(p.pe);
    const indexOf = (i: number): Expr => (beatBase ? beatBase.add(i) : lit(i, UInt(indexWidth)));

    // Best of this beat, scanning upwards with strict comparisons so the first maximum wins.
    let beatScore: Expr = score(0);
    let beatIndex: Expr = indexOf(0);
    for (let i = 1; i < p.pe; i++) {
      const better = score(i).gt(beatScore);
      beatScore = mux(better, score(i), beatScore);
      beatIndex = mux(better, indexOf(i), beatIndex);
    }
    const first = fold.eq(0);
    const takeBeat = first.or(beatScore.gt(bestScore)).named("takeBeat");
    const newScore = mux(takeBeat, beatScore, bestScore);
    const newIndex = mux(takeBeat, beatIndex, bestIndex);
    const last = fold.eq(p.nf - 1).named("lastFold");

    // A beat may enter unless the finished result is still waiting for the consumer.
    io.in.ready.set(outValid.not().or(io.out.ready));
    when(fire(io.out).named("outFire"), () => outValid.next(0));
    when(fire(io.in).named("inFire"), () => {
      bestScore.next(newScore);
      bestIndex.next(newIndex);
      fold.next(mux(last, lit(0, UInt(foldWidth)), fold.add(1)));
      when(last, () => {
        outValid.next(1);
        outIndex.next(newIndex);
      });
    });
    io.out.valid.set(outValid);
    io.out.data.set(outIndex);
    return io;
  },
);
