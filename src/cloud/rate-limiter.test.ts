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
