// AlbJobWaiter: the jobs of every waiter are polled together (at most 20 ids a call), a waiter resolves once
// all its jobs succeeded, a failed job or a poll error rejects only the waiters that wait on it, and a waiter
// times out on its own deadline.
import test from "node:test";
import assert from "node:assert/strict";
import type { AlbJob } from "../types";
import { CloudError } from "../errors";
import { AlbJobWaiter } from "./alb-jobs";

/** A fake cloud: job `id` succeeds after `doneAfterPolls[id]` polls (Failed when negative); a virtual clock. */
function fakeCloud(doneAfterPolls: Record<string, number>, opts: { failPollAt?: number } = {}) {
  let nowMs = 0;
  const calls: string[][] = [];
  const seen = new Map<string, number>();
  const waiter = new AlbJobWaiter({
    listAsynJobs: async (jobIds) => {
      calls.push(jobIds);
      if (opts.failPollAt === calls.length)
        throw new CloudError({ kind: "Throttled", code: "Throttling.User", message: "slow down" });
      return jobIds.map((jobId): AlbJob => {
        const n = (seen.get(jobId) ?? 0) + 1;
        seen.set(jobId, n);
        const after = doneAfterPolls[jobId];
        const status = after < 0 ? "Failed" : n >= after ? "Succeeded" : "Processing";
        return {
          jobId,
          apiName: "CreateServerGroup",
          resourceType: "servergroup",
          resourceIds: [],
          status,
          ...(after < 0 ? { errorCode: "QuotaExceeded" } : {}),
        };
      });
    },
    sleep: async (ms) => {
      nowMs += ms;
      await new Promise((r) => setImmediate(r));
    },
    now: () => nowMs,
  });
  return { waiter, calls, now: () => nowMs };
}

test("concurrent waiters share their polls, 20 ids a call at most", async () => {
  const ids = Array.from({ length: 30 }, (_, i) => `job-${i}`);
  const cloud = fakeCloud(Object.fromEntries(ids.map((id) => [id, 2])));
  await Promise.all(ids.map((id) => cloud.waiter.wait([id], { pollIntervalMs: 100 })));
  // Two polls of 30 pending ids: 2 calls each (20 + 10), not 30 waiters x 2 polls.
  assert.deepEqual(
    cloud.calls.map((c) => c.length),
    [20, 10, 20, 10],
  );
  assert.equal(cloud.now(), 200);
});

test("a waiter resolves once all of its jobs succeeded; an empty list resolves at once", async () => {
  const cloud = fakeCloud({ a: 1, b: 3 });
  await cloud.waiter.wait([]);
  assert.equal(cloud.calls.length, 0);
  await cloud.waiter.wait(["a", "b"], { pollIntervalMs: 50 });
  assert.equal(cloud.now(), 150);
  assert.deepEqual(cloud.calls.at(-1), ["b"], "a succeeded job is not asked for again");
});

test("a failed job rejects only its waiters, with the job's error code as a Conflict", async () => {
  const cloud = fakeCloud({ ok: 2, bad: -1 });
  const [ok, bad] = await Promise.allSettled([
    cloud.waiter.wait(["ok"], { pollIntervalMs: 10 }),
    cloud.waiter.wait(["bad"], { pollIntervalMs: 10 }),
  ]);
  assert.equal(ok.status, "fulfilled");
  assert.equal(bad.status, "rejected");
  const e = bad.reason as CloudError;
  assert.equal(e.kind, "Conflict");
  assert.equal(e.code, "QuotaExceeded");
  assert.match(e.message, /alb:CreateServerGroup: job bad failed/);
});

test("a poll error rejects the waiters of that batch; later waits poll again", async () => {
  const cloud = fakeCloud({ a: 5, b: 1 }, { failPollAt: 1 });
  await assert.rejects(cloud.waiter.wait(["a"], { pollIntervalMs: 10 }), /slow down/);
  await cloud.waiter.wait(["b"], { pollIntervalMs: 10 });
});

test("each waiter times out on its own deadline, naming the jobs still pending", async () => {
  const cloud = fakeCloud({ slow: 1_000, quick: 2 });
  const [slow, quick] = await Promise.allSettled([
    cloud.waiter.wait(["slow"], { pollIntervalMs: 100, timeoutMs: 350 }),
    cloud.waiter.wait(["quick"], { pollIntervalMs: 100, timeoutMs: 10_000 }),
  ]);
  assert.equal(quick.status, "fulfilled");
  assert.equal(slow.status, "rejected");
  const e = slow.reason as CloudError;
  assert.equal(e.kind, "Timeout");
  assert.match(e.message, /timed out after 350 ms waiting for ALB jobs slow/);
  assert.ok(cloud.now() <= 400, `gave up at ${cloud.now()} ms`);
});
