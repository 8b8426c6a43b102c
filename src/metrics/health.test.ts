import test from "node:test";
import assert from "node:assert/strict";
import { CloudReachability, Health } from "./health";

test("readiness passes only when every check does; a throwing check fails with its message", () => {
  const h = new Health();
  assert.deepEqual(h.readiness(), { ready: true, checks: [] });
  let seeded = false;
  h.addReadinessCheck("stores", () => ({ ok: seeded, detail: seeded ? "seeded" : "seeding" }));
  const remove = h.addReadinessCheck("boom", () => {
    throw new Error("cannot read");
  });
  assert.deepEqual(h.readiness(), {
    ready: false,
    checks: [
      { name: "stores", ok: false, detail: "seeding" },
      { name: "boom", ok: false, detail: "check failed: cannot read" },
    ],
  });
  remove();
  seeded = true;
  assert.deepEqual(h.readiness(), { ready: true, checks: [{ name: "stores", ok: true, detail: "seeded" }] });
});

test("cloud reachability follows the last call: transport, availability and auth failures make it unreachable", () => {
  const c = new CloudReachability();
  assert.equal(c.status().ok, true, "no call yet: nothing says it is unreachable");
  const call = { type: "call", family: "slb", action: "DescribeLoadBalancers", durationMs: 3 } as const;
  c.record({ ...call, code: "network.ECONNREFUSED", kind: "Unavailable" }, Date.UTC(2026, 0, 1));
  assert.deepEqual(c.status(), {
    ok: false,
    detail:
      "last cloud call slb:DescribeLoadBalancers at 2026-01-01T00:00:00.000Z failed: network.ECONNREFUSED (Unavailable)",
  });
  c.record({ ...call, code: "InvalidLoadBalancerId.NotFound", kind: "NotFound" });
  assert.equal(c.status().ok, true, "an API error is an answer");
  c.record({ ...call, code: "InvalidAccessKeyId.NotFound", kind: "Auth" });
  assert.equal(c.status().ok, false, "credentials the cloud refuses: nothing will work");
  c.record({ ...call, code: "RequestTimeout", kind: "Timeout" });
  assert.equal(c.status().ok, false);
  c.record(call);
  assert.equal(c.status().ok, true);
});
