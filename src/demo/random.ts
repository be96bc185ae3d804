/**
 * A tiny deterministic pseudo-random number generator for the demo data.
 *
 * Why not Math.random: the demo data set must be the same on every run and in
 * every process (tests read expected values from it, the benchmark compares
 * runs), so everything random in `seed.ts` draws from one seeded generator.
 *
 * Why mulberry32: 32 bits of state, a handful of integer operations per draw,
 * good enough statistical quality for made-up shop data, and trivially
 * portable. It is NOT for anything security related.
 *
 * The knobs applied in `serviceServer.ts` (failure / malformed probabilities)
 * deliberately use Math.random instead: injected faults should not be replayable.
 */

// Globals captured once: under jest's vm sandbox every global lookup is slow,
// and the seed calls these hundreds of thousands of times.
const { floor, imul } = Math;

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** A new array with the elements of `items` in random order (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[];
}

/** The raw mulberry32 step function: returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  const int = (min: number, max: number): number => min + floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick() from an empty array');
      return items[floor(next() * items.length)] as T;
    },
    shuffled<T>(items: readonly T[]): T[] {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = floor(next() * (i + 1));
        const tmp = out[i] as T;
        out[i] = out[j] as T;
        out[j] = tmp;
      }
      return out;
    },
  };
}
