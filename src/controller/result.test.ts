import test from "node:test";
import assert from "node:assert/strict";
import { Done, RequeueAfter, settle, ShownError, TerminalError } from "./result";

test("done forgets the key and counts a success", () => {
  assert.deepEqual(settle({ result: Done }), { verdict: { kind: "forget" }, label: "success" });
});

test("requeue-after comes back after the delay, without backoff", () => {
  assert.deepEqual(settle({ result: RequeueAfter(10_000, "endpoints may become ready") }), {
    verdict: { kind: "after", delayMs: 10_000 },
    label: "requeue",
  });
  assert.deepEqual(RequeueAfter(-5, "x"), { kind: "requeueAfter", delayMs: 0, reason: "x" });
});

test("a terminal error is not retried, and is shown unless the reconcile showed it", () => {
  const unshown = settle({ error: new TerminalError("SyncLoadBalancerFailed", "bad annotation") });
  assert.deepEqual(unshown, {
    verdict: { kind: "forget" },
    label: "terminal",
    unshownFailure: { reason: "SyncLoadBalancerFailed", message: "bad annotation", terminal: true },
  });
  const shown = settle({ error: new TerminalError("SyncLoadBalancerFailed", "bad", { shown: true }) });
  assert.equal(shown.unshownFailure, undefined);
  assert.equal(shown.verdict.kind, "forget");
});

test("any other error backs off; only errors the reconcile did not show are shown", () => {
  const boom = new Error("connect ECONNREFUSED");
  const s = settle({ error: boom });
  assert.deepEqual(s.verdict, { kind: "backoff", error: boom });
  assert.equal(s.label, "error");
  assert.deepEqual(s.unshownFailure, {
    reason: "ReconcileFailed",
    message: "connect ECONNREFUSED",
    terminal: false,
  });
  const shown = settle({ error: new ShownError("SyncLoadBalancerFailed", "Throttling") });
  assert.equal(shown.verdict.kind, "backoff");
  assert.equal(shown.unshownFailure, undefined);
});

test("typed cloud errors bring their own short description", () => {
  const cloudLike = Object.assign(new Error("long"), { toShortString: () => "Throttling (request id r-1)" });
  assert.equal(settle({ error: cloudLike }).unshownFailure?.message, "Throttling (request id r-1)");
  assert.equal(settle({ error: "a string" }).unshownFailure?.message, "a string");
});
