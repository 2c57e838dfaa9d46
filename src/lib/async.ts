/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/**
 * `p`, or a rejection with `timeoutError()` once `ms` milliseconds have passed first (the timer is
 * cleared either way). `ms` of zero or less waits for `p` as long as it takes. A rejection that is
 * not an Error is wrapped in one.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, timeoutError: () => Error = () => new Error(`timed out after ${ms} ms`)): Promise<T> {
  if (!(ms > 0)) {
    return p;
  }
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timeoutError()), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
