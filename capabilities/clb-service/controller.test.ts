// The CLB controller's pure helpers: the fingerprint that skips our own writes, the applied-domain bookkeeping, and the
// Service status ingress for hostname and external-ip-type eip. § numbers refer to docs/clb-service.md.
import test from "node:test";
import assert from "node:assert/strict";
import type { V1Service } from "@kubernetes/client-node";
import { canonicalJson, ingressFor, nextAppliedDomains, serviceFingerprint } from "./controller";

const raw = {
  metadata: {
    uid: "u1",
    annotations: { b: "2", a: "1", "alicloud-operator.pepr.dev/clb-service": "succeeded" },
    finalizers: ["service.k8s.alibaba/resources"],
  },
  spec: { type: "LoadBalancer", ports: [{ port: 80, protocol: "TCP", targetPort: 8080 }] },
} as V1Service;

test("the fingerprint ignores key order, undefined fields, Pepr bookkeeping and our own writes", () => {
  const model = {
    metadata: {
      annotations: { a: "1", b: "2" },
      uid: "u1",
      labels: { "service.k8s.alibaba/loadbalancer-id": "lb-1" },
    },
    spec: { ports: [{ targetPort: 8080, protocol: "TCP", port: 80, name: undefined }], type: "LoadBalancer" },
    status: { loadBalancer: { ingress: [{ ip: "47.1.1.1" }] } },
  } as unknown as V1Service;
  assert.equal(serviceFingerprint(model), serviceFingerprint(raw));
});

test("the fingerprint changes with the spec, an annotation or deletion", () => {
  const base = serviceFingerprint(raw);
  assert.notEqual(
    serviceFingerprint({ ...raw, spec: { ...raw.spec, externalTrafficPolicy: "Local" } }),
    base,
  );
  assert.notEqual(
    serviceFingerprint({ ...raw, metadata: { ...raw.metadata, annotations: { a: "1", b: "3" } } }),
    base,
  );
  assert.notEqual(
    serviceFingerprint({ ...raw, metadata: { ...raw.metadata, deletionTimestamp: new Date() } }),
    base,
  );
});

test("canonicalJson sorts keys at every depth", () => {
  assert.equal(canonicalJson({ b: [{ d: 1, c: 2 }], a: null }), '{"a":null,"b":[{"c":2,"d":1}]}');
});

test("our applied-domain-extensions bookkeeping is not a change of the Service", () => {
  const withBookkeeping = structuredClone(raw);
  withBookkeeping.metadata!.annotations!["clb.alicloud-operator.io/applied-domain-extensions"] = "a.com";
  assert.equal(serviceFingerprint(withBookkeeping), serviceFingerprint(raw));
});

test("applied domain extensions: exact after a synced reconcile, only ever growing after a failed one", () => {
  const svc = (applied?: string) =>
    ({
      metadata: {
        annotations: applied ? { "clb.alicloud-operator.io/applied-domain-extensions": applied } : {},
      },
    }) as V1Service;
  // First success records the annotation's domains, sorted.
  assert.equal(nextAppliedDomains(svc(), true, true, ["www.b.com", "a.com"]), "a.com,www.b.com");
  // Nothing changed: no write.
  assert.equal(nextAppliedDomains(svc("a.com,www.b.com"), true, true, ["a.com", "www.b.com"]), undefined);
  // A domain left the annotation and its delete went through: dropped; all gone: the annotation goes.
  assert.equal(nextAppliedDomains(svc("a.com,www.b.com"), true, true, ["a.com"]), "a.com");
  assert.equal(nextAppliedDomains(svc("a.com"), true, true, []), "");
  // A failed reconcile keeps what may exist in the cloud and adds what it may have created.
  assert.equal(nextAppliedDomains(svc("a.com"), true, false, ["c.com"]), "a.com,c.com");
  assert.equal(nextAppliedDomains(svc("a.com"), true, false, []), undefined);
  // No SLB, or listeners not ours to manage (reused without force-override): leave it alone.
  assert.equal(nextAppliedDomains(svc("a.com"), false, true, []), undefined);
  assert.equal(nextAppliedDomains(svc("a.com"), true, true, undefined), undefined);
});

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
