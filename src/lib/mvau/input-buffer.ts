// The MVAU's input buffer: two banks of SF words, so the next vector streams in while the
// current one is replayed for its neuron folds. Each input beat is written once; the reader
// replays bank `rBank` NF times and releases it after its last iteration.
//
// Invariants (banks fill and empty in order): `full` counts banks written completely and not
// yet released; the oldest of them is the reader's bank; the writer works on the bank after
// the full ones. So word `sf` of the reader's vector is present iff a bank is full or the
// writer, then on the reader's bank, is past `sf`. Reads and writes never touch the same word
// in one cycle.

import { memoryPlacement } from "../../core/memory-style.js";
import {
  addressWidth,
  Bool,
  defineModule,
  fire,
  input,
  mux,
  output,
  ports,
  ram,
  reg,
  Stream,
  UInt,
  when,
} from "../../dsl/index.js";

export interface InputBufferParams {
  /** Words per vector (synapse folds). */
  sf: number;
  /** Bits per word (SIMD packed elements). */
  width: number;
}

export const MvauInputBuffer = defineModule(
  (p: InputBufferParams) => `MvauInputBuffer_sf${p.sf}_w${p.width}`,
  (p: InputBufferParams) => {
    const sfBits = addressWidth(p.sf);
    const io = ports({
      in: input(Stream(UInt(p.width))),
      /** Word of the current vector the reader wants. */
      readSf: input(UInt(sfBits)),
      readEnable: input(Bool),
      /** The reader issues its last iteration on the current vector. */
      releaseBank: input(Bool),
      /** Word `readSf` of the current vector has been written. */
      wordReady: output(Bool),
      /** The word read in the previous cycle with readEnable high. */
      readData: output(UInt(p.width)),
    });
    const place = memoryPlacement({ use: "buffer", depth: 2 * p.sf, width: p.width });
    const words = ram("banks", UInt(p.width), 2 * p.sf, { style: place.pinned ? place.style : "auto" });
    const wSf = reg("writeSf", UInt(sfBits), { init: 0 });
    const wBank = reg("writeBank", Bool, { init: 0 });
    const rBank = reg("readBank", Bool, { init: 0 });
    const full = reg("fullBanks", UInt(2), { init: 0 });
    const addrOf = (bank: typeof wBank, sf: typeof wSf) =>
      mux(bank, sf.zext(addressWidth(2 * p.sf)).add(p.sf), sf);

    io.in.ready.set(full.ne(2));
    const write = fire(io.in).named("write");
    const writeLast = wSf.eq(p.sf - 1).named("writeLast");
    words.write(addrOf(wBank, wSf).trunc(addressWidth(2 * p.sf)), io.in.data, write);
    when(write, () => {
      wSf.next(wSf.add(1));
      when(writeLast, () => {
        wSf.next(0);
        wBank.next(wBank.not());
      });
    });
    const completes = write.and(writeLast).named("completes");
    when(completes.and(io.releaseBank.not()), () => full.next(full.add(1))).elsewhen(
      io.releaseBank.and(completes.not()),
      () => full.next(full.sub(1)),
    );
    when(io.releaseBank, () => rBank.next(rBank.not()));

    io.wordReady.set(full.ne(0).or(wSf.gt(io.readSf)));
    io.readData.set(words.read(addrOf(rBank, io.readSf).trunc(addressWidth(2 * p.sf)), io.readEnable));
    return io;
  },
);
