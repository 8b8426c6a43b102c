// Controller helpers that are pure: the Service status ingress for hostname and external-ip-type eip.
import test from "node:test";
import assert from "node:assert/strict";
import { ingressFor } from "./controller";

test("ingressFor: hostname wins, then one entry per EIP, else the SLB address (§3.6)", () => {
  const lb = { address: "192.168.5.5" };
  assert.deepEqual(ingressFor(lb, {}), [{ ip: "192.168.5.5" }]);
  assert.deepEqual(ingressFor(lb, { eipIps: [] }), [{ ip: "192.168.5.5" }]);
  assert.deepEqual(ingressFor(lb, { eipIps: ["39.96.1.1", "39.96.1.2"] }), [
    { ip: "39.96.1.1" },
    { ip: "39.96.1.2" },
  ]);
  assert.deepEqual(ingressFor(lb, { hostname: "a.example.com", eipIps: ["39.96.1.1"] }), [
    { hostname: "a.example.com" },
  ]);
  assert.deepEqual(ingressFor({ address: "" }, {}), []);
});
