/** A promise with its two ends, to settle later: what a flush waits on. */
export interface SettleLater {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function settleLater(): SettleLater {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  // Whoever flushes handles a failure; writes nobody waits for must not crash the process.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
