// Fixed-seed PRNG for property and fuzz smoke tests (mulberry32): the same inputs on every run.

/** Uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integers in [0, n). */
export function prng(seed: number): (n: number) => number {
  const next = mulberry32(seed);
  return (n: number): number => Math.floor(next() * n);
}
