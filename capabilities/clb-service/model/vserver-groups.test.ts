// Backends of one port (§3.1 modes, §3.4 weights incl. C10): ECS nodes in Cluster and Local mode, pod IPs in ENI mode
// and for virtual-kubelet pods, and the errors a port can have. § numbers refer to docs/clb-service.md.
import test from "node:test";
import assert from "node:assert/strict";
import { node, slice } from "../../../test/helpers/k8s-objects";
import type { BackendOptions } from "./types";
import { backendOptions, buildPortBackends, UNRESOLVED_ENI } from "./vserver-groups";

const opts = (o: Partial<BackendOptions> = {}): BackendOptions => ({
  backendType: "ecs",
  removeUnscheduledBackend: false,
  defaultWeight: 100,
  ignoreWeightUpdate: false,
  userGroupByPort: new Map(),
  ...o,
});

const DESC = "k8s/30080/web/default/c1";

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

test("backendOptions: weight counts only with vgroup-port on a reused SLB, and then for every group (C8)", () => {
  const vgroupPort = [{ vGroupId: "rsp-u", port: 80 }];
  const reused = backendOptions({ vgroupPort, weight: 60 }, true);
  assert.equal(reused.totalWeight, 60);
  assert.deepEqual([...reused.userGroupByPort], [[80, "rsp-u"]]);
  // upstream (pkg/controller/service/clbv1/vgroups.go) ignores both on an SLB it created
  const created = backendOptions({ vgroupPort, weight: 60 }, false);
  assert.equal(created.totalWeight, undefined);
  assert.equal(created.userGroupByPort.size, 0);
  assert.equal(backendOptions({ weight: 60 }, true).totalWeight, undefined);
  assert.equal(backendOptions({ vgroupPort }, true).totalWeight, undefined);
});
