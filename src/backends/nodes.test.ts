// Nodes as backends: the candidate filter (§3.2), instance ids from providerID, and which node
// changes matter. § numbers refer to docs/clb-service.md.
import test from "node:test";
import assert from "node:assert/strict";
import type { V1Node } from "@kubernetes/client-node";
import { node } from "../../test/helpers/k8s-objects";
import { candidateNodes, excludedAsBackend, instanceIdFromProviderId, nodeChangeMatters } from "./nodes";

test("providerID: region.instance and alicloud:// parse, others do not", () => {
  assert.equal(instanceIdFromProviderId("cn-hangzhou.i-abc"), "i-abc");
  assert.equal(instanceIdFromProviderId("alicloud://cn-hangzhou.i-abc"), "i-abc");
  assert.equal(instanceIdFromProviderId("i-abc"), undefined);
  assert.equal(instanceIdFromProviderId("aws:///us-east-1a/i-abc"), undefined);
  assert.equal(instanceIdFromProviderId(undefined), undefined);
});

test("node filter: backend-label, master and control-plane, autoscaler taint, not-Ready, cordon only when asked (§3.2, C6)", () => {
  const nodes = [
    node("a", { labels: { pool: "x" } }),
    node("b", { labels: { pool: "y" } }),
    node("m", { labels: { pool: "x", "node-role.kubernetes.io/master": "" } }),
    node("cp", { labels: { pool: "x", "node-role.kubernetes.io/control-plane": "" } }),
    node("t", { labels: { pool: "x" }, taint: "ToBeDeletedByClusterAutoscaler" }),
    node("nr", { labels: { pool: "x" }, ready: false }),
    node("c", { labels: { pool: "x" }, unschedulable: true }),
    node("vk", { labels: { pool: "x", type: "virtual-kubelet" }, ready: false }),
  ];
  const names = (ns: V1Node[]) => ns.map((n) => n.metadata?.name);
  assert.deepEqual(names(candidateNodes(nodes, { removeUnscheduledBackend: false })), ["a", "b", "c", "vk"]);
  assert.deepEqual(
    names(candidateNodes(nodes, { removeUnscheduledBackend: true, backendLabels: { pool: "x" } })),
    ["a", "vk"],
  );
});

test("per-backend exclusions: exclusion labels and ack-hybrid nodes", () => {
  assert.ok(
    excludedAsBackend(
      node("x", { labels: { "node.kubernetes.io/exclude-from-external-load-balancers": "" } }),
    ),
  );
  assert.ok(excludedAsBackend(node("y", { labels: { "service.beta.kubernetes.io/exclude-node": "" } })));
  assert.ok(excludedAsBackend(node("h", { providerID: "ack-hybrid://cn-hangzhou.i-h" })));
  assert.ok(!excludedAsBackend(node("a")));
});

test("node changes matter only for labels, schedulability, readiness, taints and providerID", () => {
  const base = node("a", { labels: { pool: "x" } });
  const heartbeat: V1Node = {
    ...base,
    status: { ...base.status, nodeInfo: undefined, allocatable: { cpu: "2" } },
  };
  assert.ok(!nodeChangeMatters(base, heartbeat));
  assert.ok(nodeChangeMatters(base, node("a", { labels: { pool: "y" } })));
  assert.ok(nodeChangeMatters(base, node("a", { labels: { pool: "x" }, unschedulable: true })));
  assert.ok(nodeChangeMatters(base, node("a", { labels: { pool: "x" }, ready: false })));
  assert.ok(
    nodeChangeMatters(base, node("a", { labels: { pool: "x" }, taint: "ToBeDeletedByClusterAutoscaler" })),
  );
  assert.ok(nodeChangeMatters(base, node("a", { labels: { pool: "x" }, providerID: "cn-hangzhou.i-b" })));
});
