/**
 * Splits participants [0, total) into `shards` contiguous id ranges of near-equal size whose
 * boundaries fall on multiples of `alignment` (an officer's caseload, whose participants must be
 * settled together).
 */
export function shardRanges(total: number, shards: number, alignment = 1): { firstId: number; size: number }[] {
  const blocks = Math.ceil(total / alignment);
  const count = Math.max(1, Math.min(shards, blocks));
  return Array.from({ length: count }, (_, index) => {
    const firstId = Math.min(total, Math.floor((blocks * index) / count) * alignment);
    const end = Math.min(total, Math.floor((blocks * (index + 1)) / count) * alignment);
    return { firstId, size: end - firstId };
  });
}
