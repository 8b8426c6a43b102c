// buildDesiredModel over a Service: instance, listeners, vserver groups, readiness-gated pods and IPv6 backends
// together (the parts have their own tests beside them; model goldens are golden.test.ts).
// § numbers refer to docs/clb-service.md.
import test from "node:test";
import assert from "node:assert/strict";
import type { IntOrString, V1EndpointSlice, V1Service, V1ServicePort } from "@kubernetes/client-node";
import { podKey } from "../../../src/backends/endpoints";
import { node, pod, podSlice } from "../../../test/helpers/k8s-objects";
import {
  APPLIED_DOMAIN_EXTENSIONS_ANNOTATION,
  APPLIED_TAG_KEYS_ANNOTATION,
  serviceReadinessGate,
} from "../tracking";
import { buildDesiredModel, UNRESOLVED_ENI } from ".";

// ---------------------------------------------------------------- buildDesiredModel over a Service

const P = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-";
const UID = "5e4dbfc9-c2ae-4642-b033-5607860aef6a";

function service(
  annotations: Record<string, string>,
  ports: V1ServicePort[],
  policy?: "Local" | "Cluster",
): V1Service {
  return {
    metadata: { name: "web", namespace: "shop", uid: UID, annotations },
    spec: { type: "LoadBalancer", externalTrafficPolicy: policy, ports },
  };
}

const twoPorts: V1ServicePort[] = [
  { name: "http", port: 80, protocol: "TCP", nodePort: 30080, targetPort: 8080 },
  { name: "tls", port: 443, protocol: "TCP", nodePort: 30443, targetPort: "https" as unknown as IntOrString },
];

test("create mode: default name, ownership tags, additional tags, applied-tag bookkeeping", () => {
  const svc = service(
    { [P + "additional-resource-tags"]: "team=a,env=prod", [APPLIED_TAG_KEYS_ANNOTATION]: "team,old" },
    twoPorts,
  );
  const { model, errors } = buildDesiredModel({ svc, nodes: [], endpointSlices: [], clusterId: "c1" });
  assert.deepEqual(errors, []);
  const lb = model!.loadBalancer;
  assert.equal(lb.mode, "create");
  assert.equal(lb.name, "a5e4dbfc9c2ae4642b0335607860aef6");
  assert.deepEqual(lb.defaultTags, [
    { key: "kubernetes.do.not.delete", value: "a5e4dbfc9c2ae4642b0335607860aef6" },
    { key: "ack.aliyun.com", value: "c1" },
  ]);
  assert.deepEqual(
    lb.additionalTags.map((t) => `${t.key}=${t.value}`),
    ["team=a", "env=prod"],
  );
  assert.deepEqual(lb.appliedTagKeys, ["team", "old"]);
});

test("listeners: protocol-port, descriptions, group names, per-protocol attributes, forward-port", () => {
  const svc = service(
    {
      [P + "protocol-port"]: "http:80,https:443",
      [P + "cert-id"]: "cert-1",
      [P + "forward-port"]: "80:443",
      [P + "scheduler"]: "wrr",
      [P + "persistence-timeout"]: "30",
      [P + "idle-timeout"]: "20",
      [P + "sticky-session"]: "on",
      [P + "sticky-session-type"]: "insert",
      [P + "cookie-timeout"]: "1800",
      [P + "cookie"]: "ignored-for-insert",
    },
    twoPorts,
  );
  const { model, errors } = buildDesiredModel({ svc, nodes: [], endpointSlices: [], clusterId: "c1" });
  assert.deepEqual(errors, []);
  const [l80, l443] = model!.listeners;
  assert.deepEqual(
    { ...l80, attributes: undefined },
    {
      port: 80,
      protocol: "http",
      description: "k8s/80/web/shop/c1",
      vServerGroupName: "k8s/30080/web/shop/c1",
      forwardPort: 443,
      attributes: undefined,
    },
  );
  // persistence-timeout is tcp-only; cookie is for sticky type "server" only
  assert.deepEqual(l80.attributes, {
    scheduler: "wrr",
    idleTimeout: 20,
    stickySession: "on",
    stickySessionType: "insert",
    cookieTimeout: 1800,
  });
  assert.equal(l443.attributes.serverCertificateId, "cert-1");
  assert.equal(l443.forwardPort, undefined);
});

test("forward-port: an entry naming a port the Service does not have is ignored (as upstream)", () => {
  const onePort = [twoPorts[0]];
  const svc = service(
    {
      [P + "protocol-port"]: "http:80,https:443",
      [P + "cert-id"]: "cert-1",
      [P + "forward-port"]: "80:443,81:443",
    },
    onePort,
  );
  const { model, errors } = buildDesiredModel({ svc, nodes: [], endpointSlices: [], clusterId: "c1" });
  assert.deepEqual(errors, []);
  assert.deepEqual(
    model!.listeners.map((l) => [l.port, l.protocol, l.forwardPort]),
    [[80, "http", undefined]],
  );
  // the same annotations with port 443 present forward as before
  const both = buildDesiredModel({
    svc: service(svc.metadata!.annotations!, twoPorts),
    nodes: [],
    endpointSlices: [],
    clusterId: "c1",
  }).model!;
  assert.deepEqual(
    both.listeners.map((l) => [l.port, l.protocol, l.forwardPort]),
    [
      [80, "http", 443],
      [443, "https", undefined],
    ],
  );
});

test('domain-extensions "": https listeners want no extensions (an empty list), no error', () => {
  const svc = service(
    {
      [P + "protocol-port"]: "http:80,https:443",
      [P + "cert-id"]: "cert-1",
      [P + "domain-extensions"]: "",
      [APPLIED_DOMAIN_EXTENSIONS_ANNOTATION]: "www.example.com",
    },
    twoPorts,
  );
  const { model, errors } = buildDesiredModel({ svc, nodes: [], endpointSlices: [], clusterId: "c1" });
  assert.deepEqual(errors, []);
  const [l80, l443] = model!.listeners;
  assert.equal(l80.domainExtensions, undefined);
  assert.deepEqual(l443.domainExtensions, []);
  // what we added before is still known, so the planner can remove it
  assert.deepEqual(model!.appliedDomainExtensions, ["www.example.com"]);
});

test("domain-extensions: on https listeners only, sorted by domain; applied domains read back", () => {
  const svc = service(
    {
      [P + "protocol-port"]: "http:80,https:443",
      [P + "cert-id"]: "cert-1",
      [P + "domain-extensions"]: "www.example.com:cert-www,*.example.org:cert-org",
      [APPLIED_DOMAIN_EXTENSIONS_ANNOTATION]: "www.example.com, old.example.com",
    },
    twoPorts,
  );
  const { model, errors } = buildDesiredModel({ svc, nodes: [], endpointSlices: [], clusterId: "c1" });
  assert.deepEqual(errors, []);
  const [l80, l443] = model!.listeners;
  assert.equal(l80.domainExtensions, undefined);
  assert.deepEqual(l443.domainExtensions, [
    { domain: "*.example.org", serverCertificateId: "cert-org" },
    { domain: "www.example.com", serverCertificateId: "cert-www" },
  ]);
  assert.deepEqual(model!.appliedDomainExtensions, ["www.example.com", "old.example.com"]);

  const plain = buildDesiredModel({
    svc: service({ [P + "protocol-port"]: "https:443", [P + "cert-id"]: "cert-1" }, twoPorts),
    nodes: [],
    endpointSlices: [],
    clusterId: "c1",
  }).model!;
  assert.ok(plain.listeners.every((l) => l.domainExtensions === undefined));
  assert.deepEqual(plain.appliedDomainExtensions, []);
});

test("ENI mode: group named by targetPort (number or name), pod IP backends described by the group name", () => {
  const svc = service({ "service.beta.kubernetes.io/backend-type": "eni" }, twoPorts);
  const slices: V1EndpointSlice[] = [
    {
      metadata: { name: "s" },
      addressType: "IPv4",
      ports: [
        { name: "http", port: 8080 },
        { name: "tls", port: 8443 },
      ],
      endpoints: [{ addresses: ["10.0.0.1"], nodeName: "n1", conditions: { ready: true } }],
    },
  ];
  const { model } = buildDesiredModel({ svc, nodes: [], endpointSlices: slices, clusterId: "c1" });
  assert.deepEqual(
    model!.vServerGroups.map((g) => g.name),
    ["k8s/8080/web/shop/c1", "k8s/https/web/shop/c1"],
  );
  assert.deepEqual(model!.vServerGroups[1].backends, [
    {
      serverId: UNRESOLVED_ENI,
      serverIp: "10.0.0.1",
      port: 8443,
      type: "eni",
      description: "k8s/https/web/shop/c1",
      weight: 100,
    },
  ]);
});

test("reuse mode: no defaults, vgroup-port binds the user group and weight weighs every group (C8, as upstream)", () => {
  const svc = service(
    { [P + "id"]: "lb-user", [P + "vgroup-port"]: "rsp-u:80", [P + "weight"]: "60" },
    twoPorts,
  );
  const nodes = [node("n1"), node("n2")];
  const { model, errors } = buildDesiredModel({ svc, nodes, endpointSlices: [], clusterId: "c1" });
  assert.deepEqual(errors, []);
  assert.equal(model!.loadBalancer.mode, "reuse");
  assert.equal(model!.loadBalancer.name, undefined);
  assert.deepEqual(model!.loadBalancer.defaultTags, []);
  const [g80, g443] = model!.vServerGroups;
  assert.equal(g80.userGroupId, "rsp-u");
  assert.deepEqual(
    g80.backends.map((b) => b.weight),
    [30, 30],
  );
  // upstream sets VGroupWeight on every port's group once vgroup-port is set, bound or not
  assert.equal(g443.userGroupId, undefined);
  assert.deepEqual(
    g443.backends.map((b) => b.weight),
    [30, 30],
  );
});

test("reuse mode: weight without vgroup-port is ignored on every group (C8)", () => {
  const svc = service({ [P + "id"]: "lb-user", [P + "weight"]: "60" }, twoPorts);
  const { model, errors } = buildDesiredModel({
    svc,
    nodes: [node("n1"), node("n2")],
    endpointSlices: [],
    clusterId: "c1",
  });
  assert.deepEqual(errors, []);
  assert.deepEqual(
    model!.vServerGroups.map((g) => [g.userGroupId, g.backends.map((b) => b.weight)]),
    [
      [undefined, [100, 100]],
      [undefined, [100, 100]],
    ],
  );
});

test("vgroup-port and weight are ignored without id (R4, C8)", () => {
  const svc = service({ [P + "vgroup-port"]: "rsp-u:80", [P + "weight"]: "60" }, twoPorts);
  const { model } = buildDesiredModel({ svc, nodes: [node("n1")], endpointSlices: [], clusterId: "c1" });
  assert.ok(
    model!.vServerGroups.every(
      (g) => g.userGroupId === undefined && g.backends.every((b) => b.weight === 100),
    ),
  );
});

test("annotation errors surface as model errors; deleting skips listeners and backends", () => {
  const svc = service({ [P + "default-weight"]: "abc", [P + "preserve-lb-on-delete"]: "true" }, twoPorts);
  const ensure = buildDesiredModel({ svc, nodes: [], endpointSlices: [], clusterId: "c1" });
  assert.equal(ensure.errors.length, 1);
  const cleanup = buildDesiredModel({
    svc,
    nodes: [node("bad", { providerID: "x" })],
    endpointSlices: [],
    clusterId: "c1",
    deleting: true,
  });
  assert.equal(cleanup.model!.deleting, true);
  assert.equal(cleanup.model!.loadBalancer.preserveOnDelete, true);
  assert.deepEqual(cleanup.model!.listeners, []);
  assert.deepEqual(cleanup.model!.vServerGroups, []);
});

test("a port without nodePort in ECS mode is an error for that port only", () => {
  const svc = service({}, [{ name: "a", port: 80, protocol: "TCP" }, twoPorts[1]]);
  const { model, errors } = buildDesiredModel({ svc, nodes: [], endpointSlices: [], clusterId: "c1" });
  assert.equal(errors.length, 1);
  assert.deepEqual(
    model!.listeners.map((l) => l.port),
    [443],
  );
});

// ---------------------------------------------------------------- readiness gates (§3.3), IPv6 (§1 row 62)

const GATE = serviceReadinessGate("web");

test("buildDesiredModel: gated pods, pods by IP and the requeue hint; a gated not-ready pod makes its node a Local backend", () => {
  const svc = service({}, [twoPorts[0]], "Local");
  const slices = [
    podSlice([
      { ip: "10.0.0.1", pod: "a", node: "n1", ready: true },
      { ip: "10.0.0.2", pod: "b", node: "n2", ready: false },
      { ip: "10.0.0.3", pod: "c", node: "n3", ready: false },
    ]),
  ];
  const pods = new Map(
    [pod("b", { gate: GATE, containersReady: true }), pod("c", { gate: GATE })].map((p) => [podKey(p), p]),
  );
  const { model, errors } = buildDesiredModel({
    svc,
    nodes: [node("n1"), node("n2"), node("n3")],
    endpointSlices: slices,
    pods,
    clusterId: "c1",
  });
  assert.deepEqual(errors, []);
  assert.deepEqual(
    model!.vServerGroups[0].backends.map((b) => [b.serverId, b.weight]),
    [
      ["i-n1", 1],
      ["i-n2", 1],
    ],
  );
  assert.deepEqual(model!.gatedPods, ["shop/b"]);
  assert.deepEqual(model!.podByIp, { "10.0.0.1": "shop/a", "10.0.0.2": "shop/b" });
  assert.equal(model!.potentialReadyEndpoints, true);
  assert.equal(model!.addressFamily, "IPv4");
});

test("backend-ip-version ipv6 with ip-version ipv6 uses the IPv6 slices (canonical addresses); otherwise IPv4", () => {
  const slices = [
    podSlice([{ ip: "10.0.0.1", pod: "a", node: "n1", ready: true }]),
    podSlice([{ ip: "2408:4005:03cd:ab00:0:0:0:A1", pod: "a", node: "n1", ready: true }], "IPv6"),
  ];
  const eni = { "service.beta.kubernetes.io/backend-type": "eni" };
  const build = (annotations: Record<string, string>) =>
    buildDesiredModel({
      svc: service({ ...eni, ...annotations }, [twoPorts[0]]),
      nodes: [node("n1")],
      endpointSlices: slices,
      clusterId: "c1",
    }).model!;
  const v6 = build({ [P + "ip-version"]: "ipv6", [P + "backend-ip-version"]: "ipv6" });
  assert.equal(v6.addressFamily, "IPv6");
  assert.deepEqual(
    v6.vServerGroups[0].backends.map((b) => b.serverIp),
    ["2408:4005:3cd:ab00::a1"],
  );
  // backend-ip-version alone (an IPv4 SLB) keeps IPv4 backends, as upstream does.
  for (const a of [{ [P + "backend-ip-version"]: "ipv6" }, { [P + "ip-version"]: "ipv6" }, {}]) {
    const m = build(a);
    assert.equal(m.addressFamily, "IPv4", JSON.stringify(a));
    assert.deepEqual(
      m.vServerGroups[0].backends.map((b) => b.serverIp),
      ["10.0.0.1"],
    );
  }
  // ECS backends in Local mode: the nodes hosting IPv6 endpoints.
  const local = buildDesiredModel({
    svc: service({ [P + "ip-version"]: "ipv6", [P + "backend-ip-version"]: "ipv6" }, [twoPorts[0]], "Local"),
    nodes: [node("n1"), node("n2")],
    endpointSlices: [
      podSlice([{ ip: "10.0.0.9", pod: "z", node: "n2", ready: true }]),
      podSlice([{ ip: "2408:4005:3cd:ab00::a1", pod: "a", node: "n1", ready: true }], "IPv6"),
    ],
    clusterId: "c1",
  }).model!;
  assert.deepEqual(
    local.vServerGroups[0].backends.map((b) => b.serverId),
    ["i-n1"],
  );
});
