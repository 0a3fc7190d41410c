/** Splits participants [0, total) into `shards` contiguous id ranges of near-equal size. */
export function shardRanges(total: number, shards: number): { firstId: number; size: number }[] {
  const count = Math.max(1, Math.min(shards, total));
  return Array.from({ length: count }, (_, index) => {
    const firstId = Math.floor((total * index) / count);
    return { firstId, size: Math.floor((total * (index + 1)) / count) - firstId };
  });
}
