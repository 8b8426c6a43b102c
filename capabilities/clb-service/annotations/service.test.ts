// Tests for service.ts: which Services are CLB-managed, the listener protocol of each port, the reused SLB id.
// § numbers refer to docs/clb-service.md.
import test from "node:test";
import assert from "node:assert/strict";
import { ANNOTATION_PREFIX, LEGACY_ANNOTATION_PREFIX } from "./registry";
import { isClbManagedService, requestedLoadBalancerId, resolveListenerProtocols } from "./service";

const P = ANNOTATION_PREFIX;
const L = LEGACY_ANNOTATION_PREFIX;

test("isClbManagedService (§0)", () => {
  const lb = (extra: Record<string, unknown> = {}, annotations: Record<string, string> = {}) => ({
    metadata: { name: "s", namespace: "default", annotations },
    spec: { type: "LoadBalancer", ports: [{ port: 80 }], ...extra },
  });
  assert.equal(isClbManagedService(lb()), true);
  assert.equal(isClbManagedService(lb({}, { "service.beta.kubernetes.io/class": "" })), true);
  assert.equal(isClbManagedService(lb({ type: "ClusterIP" })), false);
  assert.equal(isClbManagedService(lb({ type: "NodePort" })), false);
  assert.equal(isClbManagedService(lb({ loadBalancerClass: "alibabacloud.com/nlb" })), false);
  assert.equal(isClbManagedService(lb({ loadBalancerClass: "" })), false);
  assert.equal(isClbManagedService(lb({}, { "service.beta.kubernetes.io/class": "other" })), false);
  assert.equal(isClbManagedService(lb({}, { [`${P}tunnel-type`]: "" })), false);
  assert.equal(isClbManagedService(lb({}, { [`${L}tunnel-type`]: "x" })), false);
  assert.equal(isClbManagedService(lb({}, { [`${P}type`]: "nlb" })), false);
  assert.equal(isClbManagedService(lb({}, { [`${P}type`]: "clb" })), false);
  for (const junk of [
    undefined,
    null,
    1,
    "x",
    [],
    {},
    { spec: null },
    { spec: { type: "LoadBalancer" }, metadata: null },
  ]) {
    assert.doesNotThrow(() => isClbManagedService(junk));
  }
  assert.equal(isClbManagedService({ spec: { type: "LoadBalancer" }, metadata: null }), true);
});

test("resolveListenerProtocols: protocol-port entry, else spec protocol lowercased", () => {
  const svc = {
    metadata: { annotations: { [`${P}protocol-port`]: "https:443,http:80,udp:53,https:8443" } },
    spec: {
      type: "LoadBalancer",
      ports: [
        { name: "web", port: 80, protocol: "TCP", targetPort: 8080, nodePort: 30080 },
        { port: 443, protocol: "TCP", targetPort: "https" },
        { port: 53, protocol: "TCP" },
        { port: 54, protocol: "UDP" },
        { port: 22 },
        { port: 7, protocol: "SCTP" },
        { port: "x" },
        null,
      ],
    },
  };
  const got = resolveListenerProtocols(svc);
  assert.deepEqual(
    got.map((l) => [l.index, l.port, l.protocol, l.source]),
    [
      [0, 80, "http", "protocol-port"],
      [1, 443, "https", "protocol-port"],
      [2, 53, "udp", "protocol-port"],
      [3, 54, "udp", "spec"],
      [4, 22, "tcp", "spec"],
    ],
  );
  assert.equal(got[0].name, "web");
  assert.equal(got[0].nodePort, 30080);
  assert.equal(got[1].targetPort, "https");
  for (const junk of [undefined, null, {}, { spec: { ports: "x" } }, { spec: { ports: [1, "a", null] } }])
    assert.deepEqual(resolveListenerProtocols(junk), []);
});

test("requestedLoadBalancerId reads every spelling", () => {
  const withAnn = (a: Record<string, unknown>) => ({ metadata: { annotations: a } });
  assert.equal(requestedLoadBalancerId(withAnn({ [`${P}id`]: "lb-1" })), "lb-1");
  assert.equal(requestedLoadBalancerId(withAnn({ [`${L}id`]: "lb-2" })), "lb-2");
  assert.equal(requestedLoadBalancerId(withAnn({ "kubernetes.io/elb.id": "lb-3" })), "lb-3");
  assert.equal(requestedLoadBalancerId(withAnn({ [`${P}id`]: "" })), undefined);
  assert.equal(requestedLoadBalancerId(null), undefined);
});
