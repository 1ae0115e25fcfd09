/** A small seeded PRNG (mulberry32), so a simulation is the same run every time. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An integer in [low, high] from `rng`. */
export function betweenOf(rng: () => number): (low: number, high: number) => number {
  return (low, high) => low + Math.floor(rng() * (high - low + 1));
}
