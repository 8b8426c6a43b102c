// Unit tests of the retry loop and backoff (retry.ts), on fake sleeps.
import test from "node:test";
import assert from "node:assert/strict";
import { backoffDelayMs, withRetry, type RetryPolicy } from "./retry";

const policy: RetryPolicy = { maxRetries: 3, baseMs: 100, capMs: 1_000 };

class Failure extends Error {
  constructor(
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super("failure");
  }
}

function fakeDeps(random = () => 0.999999) {
  const sleeps: number[] = [];
  return { sleeps, deps: { sleep: async (ms: number) => void sleeps.push(ms), random } };
}

test("backoff grows exponentially within the full-jitter ceiling and is capped", () => {
  const top = () => 0.999999;
  assert.equal(backoffDelayMs(0, policy, top), 100);
  assert.equal(backoffDelayMs(1, policy, top), 200);
  assert.equal(backoffDelayMs(2, policy, top), 400);
  assert.equal(backoffDelayMs(10, policy, top), 1_000, "capped at capMs");
  assert.equal(
    backoffDelayMs(3, policy, () => 0),
    0,
    "full jitter reaches zero",
  );
  for (let i = 0; i < 100; i++) {
    const d = backoffDelayMs(2, policy, Math.random);
    assert.ok(d >= 0 && d <= 400, `delay ${d} outside [0, 400]`);
  }
});

test("a server retry-after hint is a floor, itself capped", () => {
  assert.equal(
    backoffDelayMs(0, policy, () => 0, 750),
    750,
  );
  assert.equal(
    backoffDelayMs(0, policy, () => 0, 60_000),
    1_000,
    "hint capped at capMs",
  );
  assert.equal(
    backoffDelayMs(2, policy, () => 0.999999, 10),
    400,
    "jitter above the hint wins",
  );
});

test("withRetry retries retryable failures and returns the eventual success", async () => {
  const { sleeps, deps } = fakeDeps();
  let calls = 0;
  const result = await withRetry(
    async (attempt) => {
      calls++;
      if (attempt < 2) throw new Failure(true);
      return "ok";
    },
    { policy, deps, normalise: (e) => e as Failure, isRetryable: (e) => e.retryable },
  );
  assert.equal(result, "ok");
  assert.equal(calls, 3);
  assert.deepEqual(sleeps, [100, 200]);
});

test("withRetry does not retry a non-retryable failure", async () => {
  const { sleeps, deps } = fakeDeps();
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw new Failure(false);
      },
      { policy, deps, normalise: (e) => e as Failure, isRetryable: (e) => e.retryable },
    ),
    Failure,
  );
  assert.equal(calls, 1);
  assert.deepEqual(sleeps, []);
});

test("withRetry gives up after maxRetries and rethrows the last error", async () => {
  const { sleeps, deps } = fakeDeps(() => 0);
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw new Failure(true, 300);
      },
      {
        policy,
        deps,
        normalise: (e) => e as Failure,
        isRetryable: (e) => e.retryable,
        retryAfterMs: (e) => e.retryAfterMs,
      },
    ),
    Failure,
  );
  assert.equal(calls, policy.maxRetries + 1);
  assert.deepEqual(sleeps, [300, 300, 300], "retry-after honoured on every retry");
});

test("withRetry normalises raw errors before deciding and throws the normalised error", async () => {
  const { deps } = fakeDeps();
  const seen: string[] = [];
  await assert.rejects(
    withRetry<never, Failure>(
      async () => {
        throw new Error("raw");
      },
      {
        policy: { ...policy, maxRetries: 1 },
        deps,
        normalise: () => new Failure(true),
        isRetryable: (e) => {
          seen.push(e.constructor.name);
          return e.retryable;
        },
      },
    ),
    Failure,
  );
  assert.deepEqual(seen, ["Failure"], "asked once: the last attempt is out of retries anyway");
});
