/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** How far `value` sits above a history, in robust units, and the numbers behind it. */
export interface RobustScore {
  /** The modified z-score (Iglewicz and Hoaglin): 0.6745 (x − median) / MAD. */
  score: number;
  median: number;
  /** Median absolute deviation of the history. */
  mad: number;
  /** `mad`, or the mean-absolute-deviation fallback used when half the history is identical, or the caller's floor. */
  scale: "mad" | "mean_absolute_deviation" | "floor" | "none";
}

/**
 * The modified z-score of `value` against `history`: the median and the median absolute deviation
 * ignore the outliers a mean and a standard deviation would chase, so a few bad intervals in the
 * history do not hide the next one. When the MAD is 0 (most intervals had the same count, often
 * 0 errors), the mean absolute deviation stands in (scaled by 0.7979, its ratio to a standard
 * deviation); when that is 0 too, any rise is infinitely unusual and a fall is not at all.
 * `minMad` floors the MAD (see `assess`, which floors it at the Poisson noise of the median count).
 *
 * @example
 * modifiedZScore([0, 1, 0, 2, 1, 0, 1], 40).score; // ≈ 26: far outside this plugin's normal
 */
export function modifiedZScore(history: readonly number[], value: number, options: { minMad?: number } = {}): RobustScore {
  const center = median(history);
  const deviations = history.map((entry) => Math.abs(entry - center));
  const mad = median(deviations);
  const floor = options.minMad ?? 0;
  // A few samples can cluster by chance and make a tiny MAD: the caller's floor (the noise its
  // data cannot avoid) keeps that from turning ordinary values into outliers.
  if (floor > 0 && floor >= mad) return { score: (0.6745 * (value - center)) / floor, median: center, mad, scale: "floor" };
  if (mad > 0) return { score: (0.6745 * (value - center)) / mad, median: center, mad, scale: "mad" };
  const meanDeviation = deviations.reduce((sum, entry) => sum + entry, 0) / Math.max(1, deviations.length);
  if (meanDeviation > 0) return { score: (value - center) / (1.253314 * meanDeviation), median: center, mad, scale: "mean_absolute_deviation" };
  return { score: value > center ? Number.POSITIVE_INFINITY : 0, median: center, mad, scale: "none" };
}
