import test from "node:test";
import assert from "node:assert/strict";
import { Store } from "../k8s/stores";
import { KINDS } from "../k8s/kinds";
import type { Leadership } from "../k8s/leader";
import { Controller, defaultWorkers, type ReconcileContext } from "./controller";
import { ControllerMetrics } from "./metrics";
import { Done, RequeueAfter, TerminalError, type ReconcileResult } from "./result";

type Obj = { metadata: { namespace?: string; name: string; resourceVersion?: string }; spec?: { v: number } };
const obj = (name: string, v = 1, rv = "1"): Obj => ({
  metadata: { namespace: "ns", name, resourceVersion: rv },
  spec: { v },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function harness(reconcile: (key: string, ctx: ReconcileContext) => Promise<ReconcileResult>) {
  const runs: string[] = [];
  const shown: Array<{ key: string; reason: string; terminal: boolean }> = [];
  const metrics = new ControllerMetrics();
  const c = new Controller({
    name: "test",
    workers: 2,
    backoffBaseMs: 5,
    backoffCapMs: 20,
    resyncIntervalMs: 60_000,
    metrics,
    log: () => undefined,
    reconcile: async (key, ctx) => {
      runs.push(key);
      return reconcile(key, ctx);
    },
    showFailure: async (key, f) => void shown.push({ key, reason: f.reason, terminal: f.terminal }),
  });
  return { c, runs, shown, metrics };
}

test("nothing reconciles before start(); stores are seeded first", async () => {
  const { c, runs } = harness(async () => Done);
  const on = c.watchPrimary<Obj>({ isRelevant: () => true, fingerprint: (o) => String(o.spec?.v) });
  on("ADDED", obj("a"));
  await sleep(10);
  assert.deepEqual(runs, []);
  await c.start();
  await c.queue.idle();
  assert.deepEqual(runs, ["ns/a"]);
  c.stop();
});

test("an event with the fingerprint of the last successful reconcile is our own write: no reconcile", async () => {
  const { c, runs } = harness(async (_key, ctx) => {
    ctx.observe("1");
    return Done;
  });
  const on = c.watchPrimary<Obj>({ isRelevant: () => true, fingerprint: (o) => String(o.spec?.v) });
  await c.start();
  on("ADDED", obj("a", 1));
  await c.queue.idle();
  on("MODIFIED", obj("a", 1, "2")); // e.g. our status write: same inputs
  await c.queue.idle();
  assert.deepEqual(runs, ["ns/a"]);
  on("MODIFIED", obj("a", 2, "3")); // a user edit
  await c.queue.idle();
  assert.deepEqual(runs, ["ns/a", "ns/a"]);
  c.stop();
});

test("an object that stops being relevant is reconciled once more (cleanup), then forgotten", async () => {
  let cleanups = 0;
  const { c, runs } = harness(async (_k, ctx) => {
    if (runs.length > 1) {
      cleanups++;
      ctx.forget(); // the cleanup pass: the object is no longer ours
    }
    return Done;
  });
  const on = c.watchPrimary<Obj>({
    isRelevant: (o) => (o.spec?.v ?? 0) > 0,
    fingerprint: (o) => String(o.spec?.v),
  });
  await c.start();
  on("ADDED", obj("a", 1));
  await c.queue.idle();
  on("MODIFIED", obj("a", 0, "2"));
  await c.queue.idle();
  assert.deepEqual(runs, ["ns/a", "ns/a"]);
  assert.equal(cleanups, 1);
  assert.deepEqual(c.knownKeys(), []);
  on("MODIFIED", obj("a", 0, "3"));
  await c.queue.idle();
  assert.equal(runs.length, 2);
  c.stop();
});

test("secondary kinds map to keys; a store change enqueues what mapToKeys returns", async () => {
  const { c, runs } = harness(async () => Done);
  const nodes = new Store<Obj>(KINDS.Node);
  nodes.markSynced();
  const on = c.watchPrimary<Obj>({ isRelevant: () => true, fingerprint: (o) => String(o.spec?.v) });
  c.watch(nodes, () => c.knownKeys());
  await c.start();
  on("ADDED", obj("a"));
  on("ADDED", obj("b"));
  await c.queue.idle();
  runs.length = 0;
  nodes.apply("ADDED", { metadata: { name: "n1" } });
  await c.queue.idle();
  assert.deepEqual(runs.sort(), ["ns/a", "ns/b"]);
  c.stop();
});

test("outcomes: requeue-after comes back, terminal is shown and not retried, errors back off and are shown", async () => {
  let n = 0;
  const { c, runs, shown, metrics } = harness(async (key) => {
    if (key === "ns/requeue") return ++n < 3 ? RequeueAfter(5, "soon") : Done;
    if (key === "ns/terminal") throw new TerminalError("BadManifest", "port 0 is out of range");
    if (key === "ns/flaky" && runs.filter((k) => k === key).length < 3) throw new Error("throttled");
    return Done;
  });
  const on = c.watchPrimary<Obj>({ isRelevant: () => true, fingerprint: (o) => String(o.spec?.v) });
  await c.start();
  for (const name of ["requeue", "terminal", "flaky"]) on("ADDED", obj(name));
  await sleep(200);
  assert.equal(runs.filter((k) => k === "ns/requeue").length, 3);
  assert.equal(runs.filter((k) => k === "ns/terminal").length, 1);
  assert.equal(runs.filter((k) => k === "ns/flaky").length, 3);
  assert.deepEqual(shown, [
    { key: "ns/terminal", reason: "BadManifest", terminal: true },
    { key: "ns/flaky", reason: "ReconcileFailed", terminal: false },
    { key: "ns/flaky", reason: "ReconcileFailed", terminal: false },
  ]);
  const counts = metrics.reconciles("test");
  assert.deepEqual(counts.total, { success: 2, requeue: 2, terminal: 1, error: 2 });
  assert.equal(counts.durationCount, 7);
  assert.equal(metrics.retries("test"), 2, "each failed reconcile is one backoff retry");
  c.stop();
});

class FakeLeadership implements Leadership {
  #leading = false;
  #cbs: Array<(l: boolean) => void> = [];
  #term = new AbortController();
  isLeader = () => this.#leading;
  onChange = (cb: (l: boolean) => void) => {
    this.#cbs.push(cb);
    return () => undefined;
  };
  signal = () => this.#term.signal;
  set(leading: boolean) {
    if (!leading) this.#term.abort();
    else this.#term = new AbortController();
    this.#leading = leading;
    this.#cbs.forEach((cb) => cb(leading));
  }
}

test("only the leader reconciles; losing leadership aborts the running reconcile and pauses the rest", async () => {
  const leadership = new FakeLeadership();
  let sawAbort = false;
  const { c, runs } = harness(async (_key, ctx) => {
    await sleep(30);
    if (ctx.signal.aborted) {
      sawAbort = true;
      throw new Error("stopped");
    }
    return Done;
  });
  const on = c.watchPrimary<Obj>({ isRelevant: () => true, fingerprint: (o) => String(o.spec?.v) });
  await c.start({ leadership });
  on("ADDED", obj("a"));
  await sleep(20);
  assert.deepEqual(runs, [], "a follower runs nothing");
  leadership.set(true);
  await sleep(5);
  assert.deepEqual(runs, ["ns/a"], "the new leader looks at every known key");
  leadership.set(false);
  await sleep(40);
  assert.equal(sawAbort, true, "the reconcile in flight saw its term end");
  on("ADDED", obj("b"));
  await sleep(20);
  assert.deepEqual(runs, ["ns/a"]);
  leadership.set(true);
  await c.queue.idle();
  await sleep(10);
  assert.deepEqual(runs.sort(), ["ns/a", "ns/a", "ns/b"]);
  c.stop();
});

test("default workers follow the cloud API's rate limit", () => {
  assert.equal(defaultWorkers(20), 20);
  assert.equal(defaultWorkers(0.5), 1);
  assert.equal(defaultWorkers(1), 1);
  assert.equal(defaultWorkers(10_000), 32);
});
