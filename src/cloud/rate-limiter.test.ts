// Unit tests of the client-side token bucket (rate-limiter.ts), on a fake clock.
import test from "node:test";
import assert from "node:assert/strict";
import { TokenBucket, type Clock } from "./rate-limiter";

function fakeClock(): Clock & { advance: (ms: number) => void; slept: number[] } {
  let nowMs = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    nowMs: () => nowMs,
    advance: (ms) => void (nowMs += ms),
    // Sleeping moves fake time forward, like a real sleep would.
    sleep: async (ms) => {
      slept.push(ms);
      nowMs += ms;
    },
  };
}

test("the burst is available at once, then requests are spaced at the rate", async () => {
  const clock = fakeClock();
  const bucket = new TokenBucket(10, 3, clock);
  for (let i = 0; i < 3; i++) assert.equal(await bucket.acquire(), 0);
  assert.equal(await bucket.acquire(), 100, "4th request waits one token interval (100 ms at 10/s)");
  assert.equal(await bucket.acquire(), 100);
  assert.deepEqual(clock.slept, [100, 100]);
});

test("concurrent waiters queue up in arrival order", () => {
  const clock = fakeClock();
  const bucket = new TokenBucket(5, 1, clock);
  assert.equal(bucket.reserve(), 0);
  assert.equal(bucket.reserve(), 200);
  assert.equal(bucket.reserve(), 400);
  assert.equal(bucket.reserve(), 600);
});

test("idle time refills the bucket, but never beyond the burst", () => {
  const clock = fakeClock();
  const bucket = new TokenBucket(2, 2, clock);
  bucket.reserve();
  bucket.reserve();
  assert.equal(bucket.reserve(), 500, "empty: waits");
  clock.advance(60_000);
  assert.equal(bucket.reserve(), 0);
  assert.equal(bucket.reserve(), 0);
  assert.equal(bucket.reserve(), 500, "only `burst` tokens accumulated during the idle minute");
});

test("invalid settings are rejected", () => {
  assert.throws(() => new TokenBucket(0, 1));
  assert.throws(() => new TokenBucket(1, 0));
});

/** A clock whose sleeps end only when the test moves time on (`tick`), as concurrent callers see it. */
function steppedClock(): Clock & { tick: (ms: number) => Promise<void> } {
  let nowMs = 1_000_000;
  let timers: Array<{ atMs: number; wake: () => void }> = [];
  const settle = () => new Promise<void>((r) => setImmediate(r));
  return {
    nowMs: () => nowMs,
    sleep: (ms) => new Promise<void>((wake) => timers.push({ atMs: nowMs + ms, wake })),
    tick: async (ms) => {
      const until = nowMs + ms;
      for (;;) {
        await settle();
        const next = timers.filter((t) => t.atMs <= until).sort((a, b) => a.atMs - b.atMs)[0];
        if (!next) break;
        nowMs = next.atMs;
        timers = timers.filter((t) => t !== next);
        next.wake();
      }
      nowMs = until;
      await settle();
    },
  };
}

test("background callers take only unreserved tokens: a later foreground call goes first", async () => {
  const clock = steppedClock();
  const bucket = new TokenBucket(10, 1, clock);
  const order: string[] = [];
  assert.equal(bucket.reserve(), 0, "the burst token");
  const background = [1, 2, 3].map((i) =>
    bucket.acquireBackground().then(() => order.push(`background ${i}`)),
  );
  await clock.tick(50);
  // Arrives after the three background callers; reserves the next token on credit.
  assert.equal(bucket.reserve(), 50, "waits for the next token only, not behind the background queue");
  await clock.tick(50);
  assert.deepEqual(order, [], "the token that accrued went to the foreground reservation");
  await clock.tick(300);
  await Promise.all(background);
  assert.deepEqual(
    order,
    ["background 1", "background 2", "background 3"],
    "then the background lane, in order",
  );
});

test("background callers never put the balance in debt", async () => {
  const clock = steppedClock();
  const bucket = new TokenBucket(10, 2, clock);
  await Promise.all([bucket.acquireBackground(), bucket.acquireBackground()]);
  // Both burst tokens went to background work; a foreground caller waits one interval, no more.
  assert.equal(bucket.reserve(), 100);
});
