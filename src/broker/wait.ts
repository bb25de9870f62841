/**
 * Waiting, with a bound, for a condition the broker cannot subscribe to cheaply (a change the
 * controller committed becoming visible in this broker's metadata, a new partition's leader
 * being elected). Polls every `WAIT_POLL_MS`: these waits are rare (admin calls) and short.
 */

const WAIT_POLL_MS = 5;

/** Resolves true once `condition()` holds, false when `timeoutMs` passed first. */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() >= deadline) return false;
    await new Promise<void>((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
  return true;
}
