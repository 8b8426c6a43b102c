// CLB Services end to end: real kube-apiserver, the operator as a local process with URL webhooks,
// the official SDK adapter against the emulator. Create, defaults, dry-run, update, immutability,
// backends as nodes and endpoints change, type change and delete.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { CloudProvider } from "../../src/cloud";
import {
  P,
  cloudOf,
  createNodes,
  endpointSliceYaml,
  getService,
  loadBalancersOwnedBy,
  serviceYaml,
  setNodeReady,
  waitForIngress,
} from "../helpers/clb";
import { eventually, Stack, startStack } from "../helpers/stack";

let stack: Stack;
let cloud: CloudProvider;

before(async () => {
  stack = await startStack({ operator: "all", emulator: true });
  cloud = cloudOf(stack);
  createNodes(stack, ["n1", "n2", "n3"]);
});

after(async () => {
  await stack?.stop();
});

async function backendsOf(lbId: string): Promise<Array<{ serverId: string; port: number; weight: number }>> {
  const groups = await cloud.slb.listVServerGroups(lbId);
  return groups.flatMap((g) => g.backendServers).sort((a, b) => a.serverId.localeCompare(b.serverId));
}

async function onlyLoadBalancer(uid: string) {
  const lbs = await loadBalancersOwnedBy(cloud, uid);
  assert.equal(lbs.length, 1, `exactly one SLB for ${uid}`);
  return lbs[0];
}

test("a LoadBalancer Service gets defaults, a finalizer, an SLB with listener and backends, and an ingress IP", async () => {
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("web"));
  const ip = await waitForIngress(stack, "web");
  const svc = getService(stack, "web")!;
  assert.equal(svc.metadata.annotations?.[`${P}address-type`], "internet");
  assert.equal(svc.metadata.annotations?.[`${P}delete-protection`], "on");
  assert.ok(svc.metadata.finalizers?.includes("service.k8s.alibaba/resources"));
  const lb = await onlyLoadBalancer(svc.metadata.uid);
  assert.equal(lb.address, ip);
  assert.equal(svc.metadata.labels?.["service.k8s.alibaba/loadbalancer-id"], lb.loadBalancerId);
  const listeners = await cloud.slb.listListeners(lb.loadBalancerId);
  assert.equal(listeners.length, 1);
  assert.equal(listeners[0].listenerPort, 80);
  assert.equal(listeners[0].listenerProtocol, "tcp");
  assert.equal(listeners[0].status, "running");
  const nodePort = svc.spec.ports[0].nodePort;
  const backends = await backendsOf(lb.loadBalancerId);
  assert.deepEqual(
    backends.map((b) => [b.serverId, b.port, b.weight]),
    [
      ["i-n1", nodePort, 100],
      ["i-n2", nodePort, 100],
      ["i-n3", nodePort, 100],
    ],
  );
  const events = stack.kubectlOk([
    "get",
    "events",
    "--field-selector",
    "involvedObject.name=web",
    "-o",
    "name",
  ]);
  assert.ok(events.length > 0);
  assert.match(stack.kubectlOk(["describe", "svc", "web"]), /EnsuredLoadBalancer/);
});

test("kubectl apply --dry-run=server shows the defaults and changes nothing, in the cluster or the cloud", async () => {
  const before = (await cloud.slb.findLoadBalancers({})).length;
  const out = stack.kubectlOk(["apply", "--dry-run=server", "-o", "yaml", "-f", "-"], serviceYaml("dry"));
  assert.match(out, /alibaba-cloud-loadbalancer-address-type: internet/);
  assert.equal(getService(stack, "dry"), undefined);
  const bad = stack.kubectl(
    ["apply", "--dry-run=server", "-f", "-"],
    serviceYaml("dry", { [`${P}scheduler`]: "fastest" }),
  );
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /scheduler/);
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal((await cloud.slb.findLoadBalancers({})).length, before);
});

test("a mutable annotation change reaches the listener", async () => {
  stack.kubectlOk(["annotate", "svc", "web", `${P}scheduler=wrr`, `${P}persistence-timeout=60`]);
  const lb = await onlyLoadBalancer(getService(stack, "web")!.metadata.uid);
  await eventually(
    async () => {
      const [l] = await cloud.slb.listListeners(lb.loadBalancerId);
      return l.scheduler === "wrr" && l.persistenceTimeout === 60 ? true : undefined;
    },
    30_000,
    "listener scheduler wrr",
  );
});

test("an immutable annotation change is denied at apply time", () => {
  const r = stack.kubectl(["annotate", "--overwrite", "svc", "web", `${P}address-type=intranet`]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /address-type/);
});

test("a node that joins, turns NotReady or is cordoned changes only the backends", async () => {
  const lb = await onlyLoadBalancer(getService(stack, "web")!.metadata.uid);
  createNodes(stack, ["n4"]);
  await eventually(
    async () => ((await backendsOf(lb.loadBalancerId)).length === 4 ? true : undefined),
    30_000,
    "4 backends",
  );
  setNodeReady(stack, "n4", false);
  await eventually(
    async () => ((await backendsOf(lb.loadBalancerId)).length === 3 ? true : undefined),
    30_000,
    "3 backends",
  );
  // Cordoned nodes stay by default (remove-unscheduled-backend is off)...
  stack.kubectlOk(["cordon", "n3"]);
  await new Promise((r) => setTimeout(r, 2_000));
  assert.equal((await backendsOf(lb.loadBalancerId)).length, 3);
  // ...and go with remove-unscheduled-backend=on.
  stack.kubectlOk(["annotate", "svc", "web", `${P}remove-unscheduled-backend=on`]);
  await eventually(
    async () => ((await backendsOf(lb.loadBalancerId)).length === 2 ? true : undefined),
    30_000,
    "2 backends",
  );
  stack.kubectlOk(["uncordon", "n3"]);
  const listeners = await cloud.slb.listListeners(lb.loadBalancerId);
  assert.equal(listeners.length, 1, "listeners untouched by node churn");
});

test("Local traffic policy: only nodes with ready endpoints, weighted by pod count", async () => {
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("local", {}, { policy: "Local" }));
  stack.kubectlOk(
    ["apply", "-f", "-"],
    endpointSliceYaml("local", [
      { ip: "10.1.0.1", node: "n1" },
      { ip: "10.1.0.2", node: "n1" },
      { ip: "10.1.0.3", node: "n2" },
    ]),
  );
  await waitForIngress(stack, "local");
  const lb = await onlyLoadBalancer(getService(stack, "local")!.metadata.uid);
  const backends = await eventually(
    async () => {
      const b = await backendsOf(lb.loadBalancerId);
      return b.length === 2 ? b : undefined;
    },
    30_000,
    "2 Local backends",
  );
  assert.deepEqual(
    backends.map((b) => [b.serverId, b.weight]),
    [
      ["i-n1", 2],
      ["i-n2", 1],
    ],
  );
  // An endpoint moves to n3: backends follow.
  stack.kubectlOk(["apply", "-f", "-"], endpointSliceYaml("local", [{ ip: "10.1.0.9", node: "n3" }]));
  await eventually(
    async () => {
      const b = await backendsOf(lb.loadBalancerId);
      return b.length === 1 && b[0].serverId === "i-n3" ? true : undefined;
    },
    30_000,
    "backend on n3 only",
  );
});

test("changing the type away from LoadBalancer deletes the SLB and clears status and labels", async () => {
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("typechange"));
  await waitForIngress(stack, "typechange");
  const uid = getService(stack, "typechange")!.metadata.uid;
  await onlyLoadBalancer(uid);
  stack.kubectlOk([
    "patch",
    "svc",
    "typechange",
    "--type=merge",
    "-p",
    JSON.stringify({ spec: { type: "ClusterIP" } }),
  ]);
  await eventually(
    async () => ((await loadBalancersOwnedBy(cloud, uid)).length === 0 ? true : undefined),
    30_000,
    "SLB deleted",
  );
  await eventually(
    () => {
      const svc = getService(stack, "typechange")!;
      return !svc.metadata.finalizers?.length && !svc.metadata.labels?.["service.k8s.alibaba/loadbalancer-id"]
        ? true
        : undefined;
    },
    30_000,
    "finalizer and label removed",
  );
});

test("deleting the Service deletes its SLB (delete protection is lifted first) and then the Service", async () => {
  const uid = getService(stack, "web")!.metadata.uid;
  stack.kubectlOk(["delete", "svc", "web", "--wait=false"]);
  await eventually(() => (getService(stack, "web") === undefined ? true : undefined), 30_000, "Service gone");
  assert.equal((await loadBalancersOwnedBy(cloud, uid)).length, 0);
});

test("preserve-lb-on-delete keeps the SLB and releases our ownership tags", async () => {
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("keep", { [`${P}preserve-lb-on-delete`]: "true" }));
  await waitForIngress(stack, "keep");
  const svc = getService(stack, "keep")!;
  const lbId = svc.metadata.labels!["service.k8s.alibaba/loadbalancer-id"];
  stack.kubectlOk(["delete", "svc", "keep", "--wait=false"]);
  await eventually(
    () => (getService(stack, "keep") === undefined ? true : undefined),
    30_000,
    "Service gone",
  );
  const lb = await cloud.slb.getLoadBalancer(lbId);
  assert.equal(lb.deleteProtection, "off");
  assert.ok(!lb.tags.some((t) => t.key === "kubernetes.do.not.delete"), "ownership tag removed");
  assert.equal((await cloud.slb.listListeners(lbId)).length, 0, "our listeners removed");
});

test("odd input through the real webhook: always a clean allow or a deny with a message, never an error", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const keys = [
    "scheduler",
    "health-check-interval",
    "protocol-port",
    "address-type",
    "bandwidth",
    "additional-resource-tags",
    "cookie",
    "acl-id",
    "forward-port",
    "id",
  ];
  const values = [
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999",
    "1.5",
    "on",
    "ON",
    "rr",
    "http:80,https:443",
    "ünïcödé-✓",
    "🚀",
    "a".repeat(10_000),
    "k=v,k=w",
    "\u0000",
    "null",
    "[]",
    '{"a":1}',
    "tcp:0",
    "lb-",
  ];
  let denied = 0;
  for (let i = 0; i < 25; i++) {
    const annotations: Record<string, string> = {};
    const n = 1 + Math.floor(random() * 4);
    for (let j = 0; j < n; j++)
      annotations[`${P}${keys[Math.floor(random() * keys.length)]}`] =
        values[Math.floor(random() * values.length)];
    const r = stack.kubectl(["apply", "--dry-run=server", "-f", "-"], serviceYaml(`odd-${i}`, annotations));
    if (r.code === 0) continue;
    denied++;
    const text = r.stderr;
    const cleanDeny =
      /denied the request: .*annotation/.test(text) || /Invalid value|metadata\.annotations/.test(text);
    assert.ok(cleanDeny, `case ${i} ${JSON.stringify(annotations).slice(0, 200)}: ${text.slice(0, 300)}`);
    assert.doesNotMatch(text, /failed calling webhook|Internal Server Error|denied the request: \{\}/);
  }
  assert.ok(denied > 0, "the generator produced bad input");
});

test("a cloud-side failure shows on the Service: a Warning Event and the Synced condition False", async () => {
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("ghost", { [`${P}id`]: "lb-bp1doesnotexist000000" }));
  const condition = await eventually(
    () => {
      const c = getService(stack, "ghost")?.status?.conditions?.find(
        (x) => x.type === "alicloud-operator/LoadBalancerSynced",
      );
      return c?.status === "False" ? c : undefined;
    },
    30_000,
    "Synced=False",
  );
  assert.match(condition.message, /lb-bp1doesnotexist000000/);
  const events = stack.kubectlOk([
    "get",
    "events",
    "--field-selector",
    "involvedObject.name=ghost,type=Warning",
    "-o",
    "jsonpath={.items[*].reason}",
  ]);
  assert.match(events, /SyncLoadBalancerFailed/);
  stack.kubectlOk(["delete", "svc", "ghost", "--wait=false"]);
  await eventually(
    () => (getService(stack, "ghost") === undefined ? true : undefined),
    30_000,
    "ghost deleted",
  );
});

test("the hostname annotation is reported instead of the SLB address", async () => {
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("named", { [`${P}hostname`]: "shop.example.com" }));
  const reported = await waitForIngress(stack, "named");
  assert.equal(reported, "shop.example.com");
  assert.equal(getService(stack, "named")?.status?.loadBalancer?.ingress?.[0]?.ip, undefined);
});
