import test from "node:test";
import assert from "node:assert/strict";
import type { V1Service } from "@kubernetes/client-node";
import { canonicalJson, serviceFingerprint } from "../../capabilities/clb-service/controller";

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
