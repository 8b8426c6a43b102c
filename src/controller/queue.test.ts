import test from "node:test";
import assert from "node:assert/strict";
import { WorkQueue, WorkQueueOptions } from "./queue";

const fast: WorkQueueOptions = {
  workers: 3,
  backoffBaseMs: 5,
  backoffCapMs: 40,
  ratePerSecond: 10_000,
  burst: 10_000,
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("coalesces a key added many times while it waits", async () => {
  const seen: string[] = [];
  const q = new WorkQueue(async (key) => void seen.push(key), { ...fast, workers: 1 });
  q.add("a");
  q.add("b");
  q.add("b");
  q.add("b");
  await q.idle();
  assert.deepEqual(seen, ["a", "b"]);
  q.stop();
});

test("a key added while processing runs once more afterwards, never concurrently", async () => {
  let running = 0;
  let maxRunning = 0;
  let runs = 0;
  const q = new WorkQueue(async () => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    runs++;
    await sleep(20);
    running--;
  }, fast);
  q.add("k");
  await sleep(5);
  q.add("k");
  q.add("k");
  await sleep(80);
  await q.idle();
  assert.equal(runs, 2);
  assert.equal(maxRunning, 1);
  q.stop();
});

test("bounds concurrency to the number of workers", async () => {
  let running = 0;
  let maxRunning = 0;
  const q = new WorkQueue(
    async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(10);
      running--;
    },
    { ...fast, workers: 2 },
  );
  for (let i = 0; i < 10; i++) q.add(`k${i}`);
  await q.idle();
  assert.equal(maxRunning, 2);
  q.stop();
});

test("retries a failing key with exponential backoff and resets on success", async () => {
  const times: number[] = [];
  const errors: number[] = [];
  const q = new WorkQueue(
    async () => {
      times.push(Date.now());
      if (times.length < 4) throw new Error("boom");
    },
    { ...fast, onError: (_k, _e, retryInMs) => errors.push(retryInMs) },
  );
  q.add("k");
  await sleep(200);
  assert.equal(times.length, 4);
  assert.deepEqual(errors, [5, 10, 20]);
  assert.equal(q.failures("k"), 0);
  assert.equal(q.backoffMs(10), 40, "capped");
  q.stop();
});

test("honours requeueAfterMs from a successful reconcile", async () => {
  let runs = 0;
  const q = new WorkQueue(async () => (++runs === 1 ? { requeueAfterMs: 15 } : undefined), fast);
  q.add("k");
  await sleep(60);
  assert.equal(runs, 2);
  q.stop();
});

test("fresh events are not held back by the global retry budget", async () => {
  const clock = 0;
  const starts: string[] = [];
  const q = new WorkQueue(async (key) => void starts.push(key), {
    ...fast,
    ratePerSecond: 1,
    burst: 1,
    now: () => clock,
  });
  for (let i = 0; i < 5; i++) q.add(`k${i}`);
  await q.idle();
  assert.equal(starts.length, 5, "the clock stands still, yet every new key ran");
  q.stop();
});

test("retries share a global token bucket: beyond the burst they wait for its next slot", async () => {
  const clock = 0;
  const retries: number[] = [];
  const q = new WorkQueue(
    async () => {
      throw new Error("cloud down");
    },
    {
      ...fast,
      backoffBaseMs: 1,
      backoffCapMs: 1,
      ratePerSecond: 10,
      burst: 2,
      now: () => clock,
      onError: (_k, _e, retryInMs) => retries.push(retryInMs),
    },
  );
  for (let i = 0; i < 5; i++) q.add(`k${i}`);
  await q.idle();
  // Two retries fit the burst (per-key backoff 1 ms); then 100 ms, 200 ms, 300 ms at 10/s.
  assert.deepEqual(retries, [1, 1, 100, 200, 300]);
  q.stop();
});

test("a paused queue keeps keys (coalesced) and runs them on resume", async () => {
  const seen: string[] = [];
  const q = new WorkQueue(async (key) => void seen.push(key), { ...fast, workers: 1 });
  q.pause();
  q.add("a");
  q.add("a");
  q.add("b");
  await sleep(20);
  assert.deepEqual(seen, []);
  assert.deepEqual(q.queuedKeys(), ["a", "b"]);
  q.resume();
  await q.idle();
  assert.deepEqual(seen, ["a", "b"]);
  q.stop();
});
