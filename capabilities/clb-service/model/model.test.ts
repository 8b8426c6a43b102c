// Desired-model tests: the node filter (§3.2), endpoints (§3.3), weights (§3.4 incl. C10) and the
// full buildDesiredModel over a Service.
import test from "node:test";
import assert from "node:assert/strict";
import type {
  IntOrString,
  V1EndpointSlice,
  V1Node,
  V1Pod,
  V1Service,
  V1ServicePort,
} from "@kubernetes/client-node";
import {
  APPLIED_DOMAIN_EXTENSIONS_ANNOTATION,
  APPLIED_TAG_KEYS_ANNOTATION,
  buildDesiredModel,
  buildPortBackends,
  listenerAttributes,
  candidateNodes,
  defaultLoadBalancerName,
  endpointsForPort,
  endpointsWithReadiness,
  instanceIdFromProviderId,
  notReadyEndpointPods,
  podKey,
  readinessGateType,
  isOwnedBy,
  parseOwnerKey,
  type BackendOptions,
  UNRESOLVED_ENI,
} from "./model";

function node(
  name: string,
  opts: {
    labels?: Record<string, string>;
    ready?: boolean;
    providerID?: string;
    unschedulable?: boolean;
    taint?: string;
  } = {},
): V1Node {
  return {
    metadata: { name, labels: opts.labels ?? {} },
    spec: {
      providerID: opts.providerID ?? `cn-hangzhou.i-${name}`,
      unschedulable: opts.unschedulable,
      taints: opts.taint ? [{ key: opts.taint, effect: "NoSchedule" }] : undefined,
    },
    status: { conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }] },
  };
}

function slice(
  name: string,
  port: { name?: string; port: number },
  eps: { ip: string; node?: string; ready?: boolean; terminating?: boolean }[],
): V1EndpointSlice {
  return {
    metadata: { name },
    addressType: "IPv4",
    ports: [{ name: port.name, port: port.port, protocol: "TCP" }],
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      nodeName: e.node,
      conditions: { ready: e.ready ?? true, terminating: e.terminating },
    })),
  };
}

const opts = (o: Partial<BackendOptions> = {}): BackendOptions => ({
  backendType: "ecs",
  removeUnscheduledBackend: false,
  defaultWeight: 100,
  ignoreWeightUpdate: false,
  userGroupByPort: new Map(),
  ...o,
});

const DESC = "k8s/30080/web/default/c1";

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

test("Cluster mode: every candidate node at default-weight; exclusion labels and ack-hybrid dropped", () => {
  const nodes = [
    node("a"),
    node("b"),
    node("x", { labels: { "node.kubernetes.io/exclude-from-external-load-balancers": "true" } }),
    node("y", { labels: { "service.beta.kubernetes.io/exclude-node": "" } }),
    node("h", { providerID: "ack-hybrid://cn-hangzhou.i-h" }),
  ];
  const r = buildPortBackends({
    local: false,
    nodePort: 30080,
    description: DESC,
    nodes,
    slices: [],
    opts: opts({ defaultWeight: 80 }),
  });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(
    r.backends.map((b) => [b.serverId, b.port, b.weight, b.type, b.description]),
    [
      ["i-a", 30080, 80, "ecs", DESC],
      ["i-b", 30080, 80, "ecs", DESC],
    ],
  );
});

test("unparseable providerID is an error", () => {
  const r = buildPortBackends({
    local: false,
    nodePort: 30080,
    description: DESC,
    nodes: [node("a", { providerID: "bogus" })],
    slices: [],
    opts: opts(),
  });
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0].message, /expected: \$\{regionid\}\.\$\{nodeid\}/);
});

const podsOn112 = [
  slice("s1", { port: 8080 }, [
    { ip: "10.0.0.1", node: "n1" },
    { ip: "10.0.0.2", node: "n1" },
    { ip: "10.0.0.3", node: "n2" },
  ]),
];

test("Local mode: weight = pods on the node; nodes without pods left out (UT:TestPodNumberAlgorithm_LocalMode)", () => {
  const r = buildPortBackends({
    local: true,
    nodePort: 30080,
    description: DESC,
    nodes: [node("n1"), node("n2"), node("n3")],
    slices: podsOn112,
    opts: opts(),
  });
  assert.deepEqual(
    r.backends.map((b) => [b.serverId, b.weight]),
    [
      ["i-n1", 2],
      ["i-n2", 1],
    ],
  );
});

test("C10: Local + weight=100 with 3 pods on 2 nodes gives 66 and 33", () => {
  const r = buildPortBackends({
    local: true,
    nodePort: 30080,
    description: DESC,
    nodes: [node("n1"), node("n2")],
    slices: podsOn112,
    opts: opts({ totalWeight: 100 }),
  });
  assert.deepEqual(
    r.backends.map((b) => [b.serverId, b.weight]),
    [
      ["i-n1", 66],
      ["i-n2", 33],
    ],
  );
});

test("podPercent in Cluster mode: max(1, floor(W/#backends)); W=0 gives 0", () => {
  const nodes = [node("n1"), node("n2"), node("n3")];
  const w = (total: number) =>
    buildPortBackends({
      local: false,
      nodePort: 30080,
      description: DESC,
      nodes,
      slices: [],
      opts: opts({ totalWeight: total }),
    }).backends.map((b) => b.weight);
  assert.deepEqual(w(100), [33, 33, 33]);
  assert.deepEqual(w(2), [1, 1, 1]);
  assert.deepEqual(w(0), [0, 0, 0]);
});

test("ENI mode: pod IPs at the endpoint port, type eni, default-weight; ServerId left for ENI resolution", () => {
  const r = buildPortBackends({
    local: false,
    nodePort: 30080,
    description: "k8s/8080/web/default/c1",
    nodes: [],
    slices: podsOn112,
    opts: opts({ backendType: "eni", defaultWeight: 50 }),
  });
  assert.deepEqual(
    r.backends.map((b) => [b.serverId, b.serverIp, b.port, b.type, b.weight]),
    [
      [UNRESOLVED_ENI, "10.0.0.1", 8080, "eni", 50],
      [UNRESOLVED_ENI, "10.0.0.2", 8080, "eni", 50],
      [UNRESOLVED_ENI, "10.0.0.3", 8080, "eni", 50],
    ],
  );
});

test("ENI podPercent: max(1, floor(W/#pods)), W=0 gives 0", () => {
  const w = (total: number) =>
    buildPortBackends({
      local: false,
      nodePort: 0,
      description: DESC,
      nodes: [],
      slices: podsOn112,
      opts: opts({ backendType: "eni", totalWeight: total }),
    }).backends.map((b) => b.weight);
  assert.deepEqual(w(100), [33, 33, 33]);
  assert.deepEqual(w(2), [1, 1, 1]);
  assert.deepEqual(w(0), [0, 0, 0]);
});

test("virtual-kubelet pods become ENI backends (Local: weight 1)", () => {
  const nodes = [node("n1"), node("vk", { labels: { type: "virtual-kubelet" } })];
  const slices = [
    slice("s", { port: 8080 }, [
      { ip: "10.0.0.1", node: "n1" },
      { ip: "10.0.0.9", node: "vk" },
    ]),
  ];
  const r = buildPortBackends({
    local: true,
    nodePort: 30080,
    description: DESC,
    nodes,
    slices,
    opts: opts(),
  });
  assert.deepEqual(
    r.backends.map((b) => [b.serverId, b.serverIp, b.type, b.port, b.weight]),
    [
      [UNRESOLVED_ENI, "10.0.0.9", "eni", 8080, 1],
      ["i-n1", undefined, "ecs", 30080, 1],
    ],
  );
});

test("endpoints: not-ready and terminating skipped, dedup across slices, named port per slice", () => {
  const slices = [
    slice("s1", { name: "web", port: 8080 }, [
      { ip: "10.0.0.1", node: "n1" },
      { ip: "10.0.0.2", node: "n1", ready: false },
      { ip: "10.0.0.3", node: "n1", terminating: true },
    ]),
    slice("s2", { name: "web", port: 8080 }, [{ ip: "10.0.0.1", node: "n1" }]),
    slice("s3", { name: "web", port: 9090 }, [{ ip: "10.0.0.4", node: "n2" }]),
    slice("s4", { name: "metrics", port: 9100 }, [{ ip: "10.0.0.5", node: "n2" }]),
  ];
  assert.deepEqual(
    endpointsForPort(slices, "web").map((e) => `${e.ip}:${e.port}`),
    ["10.0.0.1:8080", "10.0.0.4:9090"],
  );
});

test("an endpoint without nodeName is an error in node modes", () => {
  const slices = [slice("s", { port: 8080 }, [{ ip: "10.0.0.1" }])];
  const r = buildPortBackends({
    local: true,
    nodePort: 30080,
    description: DESC,
    nodes: [node("n1")],
    slices,
    opts: opts(),
  });
  assert.match(r.errors[0].message, /NodeName is nil for ip 10.0.0.1/);
});

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

test("tcp/udp attributes: drain timeout only while draining, proxy protocol as boolean", () => {
  const c = {
    connectionDrain: "off",
    connectionDrainTimeoutSeconds: 30,
    proxyProtocol: "on",
    persistenceTimeoutSeconds: 5,
    idleTimeoutSeconds: 9,
  } as const;
  assert.deepEqual(listenerAttributes("tcp", c), {
    connectionDrain: "off",
    proxyProtocolV2Enabled: true,
    persistenceTimeout: 5,
  });
  assert.deepEqual(listenerAttributes("udp", { ...c, connectionDrain: "on" }), {
    connectionDrain: "on",
    connectionDrainTimeout: 30,
    proxyProtocolV2Enabled: true,
  });
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

test("reuse mode: no defaults, vgroup-port binds the user group and enables weight (C8)", () => {
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
  assert.equal(g443.userGroupId, undefined);
  assert.deepEqual(
    g443.backends.map((b) => b.weight),
    [100, 100],
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

// ---------------------------------------------------------------- readiness gates (§3.3), IPv6 (row 62)

const GATE = readinessGateType("web");

function pod(
  name: string,
  opts: { gate?: boolean; containersReady?: boolean; namespace?: string } = {},
): V1Pod {
  return {
    metadata: { name, namespace: opts.namespace ?? "shop" },
    spec: {
      containers: [],
      readinessGates: opts.gate ? [{ conditionType: GATE }] : undefined,
    },
    status: {
      conditions: [{ type: "ContainersReady", status: opts.containersReady ? "True" : "False" }],
    },
  };
}

function podSlice(
  eps: { ip: string; pod: string; node?: string; ready: boolean; terminating?: boolean }[],
  family: "IPv4" | "IPv6" = "IPv4",
): V1EndpointSlice {
  return {
    metadata: { name: `s-${family}`, namespace: "shop" },
    addressType: family,
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      nodeName: e.node,
      conditions: { ready: e.ready, terminating: e.terminating },
      targetRef: { kind: "Pod", name: e.pod, namespace: "shop" },
    })),
  };
}

test("not-ready endpoints count only with this Service's readiness gate and ContainersReady; unknown or unready gated pods ask for a requeue", () => {
  const slices = [
    podSlice([
      { ip: "10.0.0.1", pod: "ready", ready: true },
      { ip: "10.0.0.2", pod: "gated-ready", ready: false },
      { ip: "10.0.0.3", pod: "gated-starting", ready: false },
      { ip: "10.0.0.4", pod: "no-gate", ready: false },
      { ip: "10.0.0.5", pod: "unknown", ready: false },
      { ip: "10.0.0.6", pod: "gated-terminating", ready: false, terminating: true },
    ]),
  ];
  assert.deepEqual(notReadyEndpointPods(slices), [
    "shop/gated-ready",
    "shop/gated-starting",
    "shop/no-gate",
    "shop/unknown",
  ]);
  const pods = new Map(
    [
      pod("gated-ready", { gate: true, containersReady: true }),
      pod("gated-starting", { gate: true, containersReady: false }),
      pod("no-gate", { containersReady: true }),
      pod("gated-terminating", { gate: true, containersReady: true }),
    ].map((p) => [podKey(p), p]),
  );
  const r = endpointsWithReadiness(slices, "http", { pods, gateType: GATE });
  assert.deepEqual(
    r.endpoints.map((e) => [e.ip, e.pod, e.gated ?? false]),
    [
      ["10.0.0.1", "shop/ready", false],
      ["10.0.0.2", "shop/gated-ready", true],
    ],
  );
  assert.equal(r.potentialReady, true);
  // Without the unknown and the starting pod nothing is pending.
  const settled = endpointsWithReadiness(
    [podSlice([{ ip: "10.0.0.2", pod: "gated-ready", ready: false }])],
    "http",
    {
      pods,
      gateType: GATE,
    },
  );
  assert.equal(settled.potentialReady, false);
  // Another Service's gate does not count.
  const other = endpointsWithReadiness(slices, "http", { pods, gateType: readinessGateType("api") });
  assert.deepEqual(
    other.endpoints.map((e) => e.ip),
    ["10.0.0.1"],
  );
});

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
    [pod("b", { gate: true, containersReady: true }), pod("c", { gate: true })].map((p) => [podKey(p), p]),
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
