/**
 * Splits `count` targets into waves: a canary cohort of `canaryPercent` % (at least one), then
 * waves that double in size, the last taking what is left. Returns each wave's size, in order.
 * Doubling keeps the number of waves (and so the time to repair) logarithmic in the fleet size
 * while each wave risks at most as many instances as every wave before it together passed.
 */
export function planWaves(count: number, canaryPercent: number): number[] {
  if (count <= 0) return [];
  const canary = Math.min(count, Math.max(1, Math.ceil((count * canaryPercent) / 100)));
  const sizes = [canary];
  let placed = canary;
  let next = canary * 2;
  while (placed < count) {
    const size = Math.min(next, count - placed);
    sizes.push(size);
    placed += size;
    next *= 2;
  }
  return sizes;
}

/** The wave index of each of `count` targets in order, per {@link planWaves}. */
export function waveOfEach(count: number, canaryPercent: number): number[] {
  return planWaves(count, canaryPercent).flatMap((size, wave) => Array.from({ length: size }, () => wave));
}
