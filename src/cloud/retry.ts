// Exponential backoff with full jitter (AWS architecture blog: "Exponential Backoff And Jitter").
// Pure apart from the injected `sleep` and `random`, so unit tests run without real time.

export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  /** Upper bound of the first retry's delay. */
  baseMs: number;
  /** No single delay is longer than this, server hints included. */
  capMs: number;
}

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1). */
  random: () => number;
}

export const realRetryDeps: RetryDeps = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Delay before retry number `retry` (0-based): uniform in [0, min(cap, base * 2^retry)], but never
 * shorter than the server's `retryAfterMs` hint (itself capped, so a bogus hint cannot stall us).
 */
export function backoffDelayMs(
  retry: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceilingMs = Math.min(policy.capMs, policy.baseMs * 2 ** retry);
  const jitteredMs = Math.floor(random() * (ceilingMs + 1));
  if (retryAfterMs !== undefined && retryAfterMs > 0) {
    return Math.max(jitteredMs, Math.min(retryAfterMs, policy.capMs));
  }
  return jitteredMs;
}

export interface RetryOptions<E extends Error> {
  policy: RetryPolicy;
  deps: RetryDeps;
  /** Maps whatever `op` threw to the error handed to the other callbacks and finally rethrown. */
  normalise: (e: unknown) => E;
  isRetryable: (e: E) => boolean;
  retryAfterMs?: (e: E) => number | undefined;
  onRetry?: (e: E, retry: number, delayMs: number) => void;
}

/** Runs `op` (given the 0-based attempt number) until it succeeds, fails for good, or retries run out. */
export async function withRetry<T, E extends Error>(
  op: (attempt: number) => Promise<T>,
  opts: RetryOptions<E>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op(attempt);
    } catch (raw) {
      const e = opts.normalise(raw);
      if (attempt >= opts.policy.maxRetries || !opts.isRetryable(e)) throw e;
      const delayMs = backoffDelayMs(attempt, opts.policy, opts.deps.random, opts.retryAfterMs?.(e));
      opts.onRetry?.(e, attempt, delayMs);
      await opts.deps.sleep(delayMs);
    }
  }
}
