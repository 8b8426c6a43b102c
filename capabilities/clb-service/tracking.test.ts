// The CLB ownership contract: default names, owner keys, which tags are ours or protected, the
// applied-* bookkeeping lists, when listeners are ours to manage, and the readiness gate type.
import test from "node:test";
import assert from "node:assert/strict";
import {
  defaultLoadBalancerName,
  hasOwnershipTag,
  isOwnedBy,
  isProtectedTagKey,
  listenersManaged,
  parseAppliedList,
  parseOwnerKey,
  serviceReadinessGate,
} from "./tracking";

test("default name: 'a' + uid without dashes, 32 chars (UT:TestGetDefaultLoadBalancerName)", () => {
  assert.equal(
    defaultLoadBalancerName("5e4dbfc9-c2ae-4642-b033-5607860aef6a"),
    "a5e4dbfc9c2ae4642b0335607860aef6",
  );
});

test("owner keys parse and match only this service/namespace/cluster", () => {
  assert.deepEqual(parseOwnerKey("k8s/80/web/default/c1"), {
    port: "80",
    service: "web",
    namespace: "default",
    clusterId: "c1",
  });
  assert.equal(parseOwnerKey("user listener"), undefined);
  assert.equal(parseOwnerKey("k8s/80/web/default"), undefined);
  const svc = { name: "web", namespace: "default", uid: "u" };
  assert.ok(isOwnedBy("k8s/tcp/web/default/c1", svc, "c1"));
  assert.ok(!isOwnedBy("k8s/80/web/other/c1", svc, "c1"));
  assert.ok(!isOwnedBy("k8s/80/web/default/c2", svc, "c1"));
});

test("ownership tags mark our SLBs; protected keys are ours and the cloud's acs: keys", () => {
  assert.ok(hasOwnershipTag([{ key: "kubernetes.do.not.delete", value: "a1" }]));
  assert.ok(hasOwnershipTag([{ key: "ack.aliyun.com", value: "c1" }]));
  assert.ok(!hasOwnershipTag([{ key: "kubernetes.reused.by.user", value: "true" }]));
  for (const k of ["acs:rm:rgId", "kubernetes.do.not.delete", "ack.aliyun.com", "kubernetes.reused.by.user"])
    assert.ok(isProtectedTagKey(k), k);
  assert.ok(!isProtectedTagKey("team"));
});

test("applied-* lists: comma separated, trimmed, empty entries dropped", () => {
  assert.deepEqual(parseAppliedList("team, old,,"), ["team", "old"]);
  assert.deepEqual(parseAppliedList(undefined), []);
});

test("listeners are ours on a created SLB, on a reused one only with force-override", () => {
  const lb = (mode: "create" | "reuse", forceOverrideListeners: boolean) => ({
    loadBalancer: { mode, forceOverrideListeners },
  });
  assert.ok(listenersManaged(lb("create", false)));
  assert.ok(!listenersManaged(lb("reuse", false)));
  assert.ok(listenersManaged(lb("reuse", true)));
});

test("readiness gate of a Service: service.readiness.alibabacloud.com/<name>", () => {
  assert.equal(serviceReadinessGate("web"), "service.readiness.alibabacloud.com/web");
});
