// Arg-max over a stream of scores ("label select" in FINN): NF beats of PE packed scores make
// one vector; after the last beat the index of the largest score leaves. Ties go to the lowest
// index, as numpy's argmax does, because every comparison is a strict "greater than". A beat's
// PE scores meet in a registered comparison tree (⌈log2 PE⌉ stages) before the running best.
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

/**
 * Register stages between a beat and the running best: one per level of the beat's comparison
 * tree, so no path holds more than one comparison and its multiplexer (a chain of nine
 * comparisons over ten scores was 17 LUT levels on UltraScale+, over the 5-level budget).
 */
export function argmaxPipelineStages(p: Pick<ArgmaxParams, "pe">): number {
  return Math.ceil(Math.log2(p.pe));
}

/** A candidate in the comparison tree: a score and its index within the beat. */
interface Candidate {
  score: Expr;
  index: Expr;
}

export const Argmax = defineModule(
  (p: ArgmaxParams) => `Argmax_${p.pe}x${p.nf}_${p.signed ? "s" : "u"}${p.scoreWidth}`,
  (p: ArgmaxParams) => {
    if (p.pe < 1 || p.nf < 1) throw new ElaborationError("Argmax needs pe ≥ 1 and nf ≥ 1");
    const scoreType = p.signed ? SInt(p.scoreWidth) : UInt(p.scoreWidth);
    const indexWidth = argmaxIndexWidth(p);
    const laneWidth = Math.max(1, Math.ceil(Math.log2(p.pe)));
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

    // The whole pipeline moves together, unless the finished result still waits for the consumer.
    const advance = outValid.not().or(io.out.ready).named("advance");
    io.in.ready.set(advance);

    // The beat's best by a tree of strict comparisons: the right (higher-index) candidate wins
    // only when greater, so the first maximum wins. Each level's winners are registered.
    let level: Candidate[] = Array.from({ length: p.pe }, (_, i) => {
      const bits = io.in.data.bits((i + 1) * p.scoreWidth - 1, i * p.scoreWidth);
      return { score: p.signed ? bits.asSInt() : bits, index: lit(i, UInt(laneWidth)) };
    });
    let valid: Expr = io.in.valid;
    for (let stage = 0; level.length > 1; stage++) {
      const next: Candidate[] = [];
      for (let i = 0; i < level.length; i += 2) {
        const [a, b] = [level[i]!, level[i + 1]];
        const won = b ? b.score.gt(a.score) : undefined;
        const score = reg(`tree${stage}_score_${next.length}`, scoreType, { init: 0 });
        const index = reg(`tree${stage}_index_${next.length}`, UInt(laneWidth), { init: 0 });
        when(advance, () => {
          score.next(won && b ? mux(won, b.score, a.score) : a.score);
          index.next(won && b ? mux(won, b.index, a.index) : a.index);
        });
        next.push({ score, index });
      }
      const v = reg(`tree${stage}_valid`, Bool, { init: 0 });
      when(advance, () => v.next(valid));
      valid = v;
      level = next;
    }
    const beat = level[0]!;

    const beatBase = p.nf === 1 ? undefined : fold.zext(indexWidth).mulw(p.pe);
    const lane = p.pe === 1 ? lit(0, UInt(indexWidth)) : beat.index.zext(indexWidth);
    const beatIndex = beatBase ? beatBase.add(lane) : lane;
    const first = fold.eq(0);
    const takeBeat = first.or(beat.score.gt(bestScore)).named("takeBeat");
    const newScore = mux(takeBeat, beat.score, bestScore);
    const newIndex = mux(takeBeat, beatIndex, bestIndex);
    const last = fold.eq(p.nf - 1).named("lastFold");

    when(fire(io.out).named("outFire"), () => outValid.next(0));
    when(valid.and(advance).named("beatTaken"), () => {
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
