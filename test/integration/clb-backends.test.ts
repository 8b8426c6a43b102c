// ENI backends, readiness gates and EIP status end to end: real kube-apiserver, the operator as a
// local process, the official SDK against the emulator, whose ENIs and EIPs the tests create through
// the real ECS/VPC API (as Terway or a person would).
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import type { CloudProvider, SlbBackendServer } from "../../src/cloud";
import {
  P,
  cloudOf,
  createNodes,
  getService,
  loadBalancersOwnedBy,
  serviceYaml,
  waitForIngress,
} from "../helpers/clb";
import { eventually, Stack, startStack } from "../helpers/stack";
import { cloudScene, type CloudScene } from "../helpers/vpc-ecs";

const ENI = { "service.beta.kubernetes.io/backend-type": "eni" };
const SYNCED = "alicloud-operator/LoadBalancerSynced";

let stack: Stack;
let cloud: CloudProvider;
let scene: CloudScene;

before(async () => {
  stack = await startStack({
    operator: "all",
    emulator: true,
    // Quick retries, so a reconcile failing on a missing ENI retries within seconds. The periodic
    // resync keeps its default (10 min): what converges below does so by retry, requeue or event.
    operatorEnv: { OPERATOR_BACKOFF_BASE_MS: "1000", OPERATOR_BACKOFF_CAP_MS: "4000" },
  });
  cloud = cloudOf(stack);
  scene = cloudScene(stack.emulator!.url);
  createNodes(stack, ["n1", "n2"]);
});

after(async () => {
  await stack?.stop();
});

interface SliceEndpoint {
  ip: string;
  node: string;
  ready?: boolean;
  pod?: string;
}

/** An EndpointSlice (port p0 → 8080) whose endpoints may point at pods and be not ready. */
function applySlice(service: string, endpoints: SliceEndpoint[]): void {
  stack.kubectlOk(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        name: `${service}-test`,
        namespace: "default",
        labels: { "kubernetes.io/service-name": service, "endpointslice.kubernetes.io/managed-by": "tests" },
      },
      addressType: "IPv4",
      ports: [{ name: "p0", port: 8080, protocol: "TCP" }],
      endpoints: endpoints.map((e) => ({
        addresses: [e.ip],
        nodeName: e.node,
        conditions: { ready: e.ready ?? true },
        targetRef: e.pod ? { kind: "Pod", namespace: "default", name: e.pod } : undefined,
      })),
    }),
  );
}

/** A pod (never scheduled: there is no kubelet) with this Service's readiness gate. */
function createGatedPod(name: string, service: string, containersReady: boolean): void {
  stack.kubectlOk(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: "default", labels: { app: service } },
      spec: {
        containers: [{ name: "app", image: "registry.invalid/app:1" }],
        readinessGates: [{ conditionType: `service.readiness.alibabacloud.com/${service}` }],
      },
    }),
  );
  setContainersReady(name, containersReady);
}

function setContainersReady(pod: string, ready: boolean): void {
  const now = new Date().toISOString();
  stack.kubectlOk([
    "patch",
    "pod",
    pod,
    "--subresource=status",
    "--type=merge",
    "-p",
    JSON.stringify({
      status: {
        conditions: [{ type: "ContainersReady", status: ready ? "True" : "False", lastTransitionTime: now }],
      },
    }),
  ]);
}

/** A Service change the operator reconciles on (what the 10-minute resync would also do, sooner). */
function poke(service: string, n: number): void {
  stack.kubectlOk(["annotate", "--overwrite", "svc", service, `test.alicloud-operator.io/poke=${n}`]);
}

function gateCondition(pod: string, service: string): { status: string; reason: string } | undefined {
  const json = JSON.parse(stack.kubectlOk(["get", "pod", pod, "-o", "json"])) as {
    status?: { conditions?: Array<{ type: string; status: string; reason: string }> };
  };
  return json.status?.conditions?.find((c) => c.type === `service.readiness.alibabacloud.com/${service}`);
}

function eventsOf(name: string, reason: string): string[] {
  const out = stack.kubectlOk([
    "get",
    "events",
    "--field-selector",
    `involvedObject.name=${name},reason=${reason}`,
    "-o",
    'jsonpath={range .items[*]}{.type}: {.message}{"\\n"}{end}',
  ]);
  return out.split("\n").filter(Boolean);
}

async function lbOf(name: string): Promise<string> {
  const uid = getService(stack, name)!.metadata.uid;
  const lbs = await eventually(
    async () => {
      const found = await loadBalancersOwnedBy(cloud, uid);
      return found.length === 1 ? found : undefined;
    },
    60_000,
    `the SLB of ${name}`,
  );
  return lbs[0].loadBalancerId;
}

async function backendsOf(lbId: string): Promise<SlbBackendServer[]> {
  const groups = await cloud.slb.listVServerGroups(lbId);
  return groups
    .flatMap((g) => g.backendServers)
    .sort((a, b) => (a.serverIp ?? "").localeCompare(b.serverIp ?? ""));
}

const triple = (bs: SlbBackendServer[]) => bs.map((b) => [b.serverId, b.serverIp, b.port, b.type]);

test("ENI backends carry the ENI ids of the pod IPs; a pod IP outside the VPC is skipped with an event", async () => {
  const eniA = await scene.createAttachedEni(["192.168.100.11", "192.168.100.12"]);
  const eniB = await scene.createAttachedEni(["192.168.100.21"], { instanceId: "i-bp1testnode0002" });
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("pods", ENI));
  applySlice("pods", [
    { ip: "192.168.100.11", node: "n1" },
    { ip: "192.168.100.12", node: "n1" },
    { ip: "192.168.100.21", node: "n2" },
    { ip: "10.200.0.5", node: "n2" },
  ]);
  await waitForIngress(stack, "pods");
  const lbId = await lbOf("pods");
  const backends = await eventually(
    async () => {
      const bs = await backendsOf(lbId);
      return bs.length === 3 ? bs : undefined;
    },
    60_000,
    "three ENI backends",
  );
  assert.deepEqual(triple(backends), [
    [eniA, "192.168.100.11", 8080, "eni"],
    [eniA, "192.168.100.12", 8080, "eni"],
    [eniB, "192.168.100.21", 8080, "eni"],
  ]);
  await eventually(
    () => (eventsOf("pods", "SkipSyncBackends").some((e) => e.includes("10.200.0.5")) ? true : undefined),
    30_000,
    "the SkipSyncBackends event",
  );
  assert.deepEqual(eventsOf("pods", "SkipSyncBackends"), [
    "Normal: Not sync pods [10.200.0.5] whose ip is not in vpc cidrs",
  ]);
  assert.equal(getService(stack, "pods")!.status?.conditions?.find((c) => c.type === SYNCED)?.status, "True");
});

test("a pod IP in the VPC with no ENI: warning, gate False, retries until the ENI appears, then converges", async () => {
  const eni = await scene.createAttachedEni(["192.168.101.5"]);
  createGatedPod("late-0", "late", true);
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("late", ENI));
  applySlice("late", [
    { ip: "192.168.101.5", node: "n1" },
    // Not ready (its gate is not True yet) but ContainersReady with the gate: it counts (docs/clb-service.md §3.3).
    { ip: "192.168.101.6", node: "n1", ready: false, pod: "late-0" },
  ]);
  await eventually(
    () => (eventsOf("late", "SkipSyncBackends").length > 0 ? true : undefined),
    60_000,
    "the invalid-backend warning",
  );
  assert.deepEqual(eventsOf("late", "SkipSyncBackends"), [
    "Warning: Not sync pods [192.168.101.6] whose eni is invalid",
  ]);
  await eventually(
    () => (gateCondition("late-0", "late")?.status === "False" ? true : undefined),
    30_000,
    "gate condition False",
  );
  assert.equal(gateCondition("late-0", "late")?.reason, "ServerInvalidServer");
  const svc = getService(stack, "late")!;
  const synced = svc.status?.conditions?.find((c) => c.type === SYNCED);
  assert.equal(synced?.status, "False");
  assert.match(synced?.message ?? "", /can not find eni for pod ips \[192\.168\.101\.6\]/);
  const lbId = await lbOf("late");
  // The valid backend is registered meanwhile; the SLB got its address.
  assert.deepEqual(triple(await backendsOf(lbId)), [[eni, "192.168.101.5", 8080, "eni"]]);
  assert.ok(svc.status?.loadBalancer?.ingress?.[0]?.ip);

  // Nothing changes in Kubernetes from here on: only the operator's retries can pick the new ENI up.
  await scene.assignIps(eni, ["192.168.101.6"]);
  await eventually(
    async () => ((await backendsOf(lbId)).length === 2 ? true : undefined),
    60_000,
    "the second ENI backend",
  );
  assert.deepEqual(triple(await backendsOf(lbId)), [
    [eni, "192.168.101.5", 8080, "eni"],
    [eni, "192.168.101.6", 8080, "eni"],
  ]);
  await eventually(
    () => (gateCondition("late-0", "late")?.status === "True" ? true : undefined),
    30_000,
    "gate condition True",
  );
  assert.equal(gateCondition("late-0", "late")?.reason, "ServerRegistered");
  await eventually(
    () =>
      getService(stack, "late")?.status?.conditions?.find((c) => c.type === SYNCED)?.status === "True"
        ? true
        : undefined,
    30_000,
    "Synced True",
  );
});

test("readiness gates: a gated pod gets True once registered; one not yet ContainersReady is picked up by the 10 s requeue", async () => {
  createGatedPod("gated-0", "gated", true);
  createGatedPod("gated-1", "gated", false);
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("gated", {}, { policy: "Local" }));
  applySlice("gated", [
    { ip: "10.1.0.1", node: "n1", ready: false, pod: "gated-0" },
    { ip: "10.1.0.2", node: "n2", ready: false, pod: "gated-1" },
  ]);
  await waitForIngress(stack, "gated");
  const lbId = await lbOf("gated");
  await eventually(
    () => (gateCondition("gated-0", "gated")?.status === "True" ? true : undefined),
    60_000,
    "gated-0 True",
  );
  assert.equal(gateCondition("gated-0", "gated")?.reason, "ServerRegistered");
  // Local mode: only n1 hosts a counted pod; gated-1 (not ContainersReady) does not count yet.
  const nodePort = getService(stack, "gated")!.spec.ports[0].nodePort;
  assert.deepEqual(
    (await backendsOf(lbId)).map((b) => [b.serverId, b.port]),
    [["i-n1", nodePort]],
  );
  assert.equal(gateCondition("gated-1", "gated"), undefined);

  // A pod status change is not an event the operator watches: the requeue after 10 s finds it.
  setContainersReady("gated-1", true);
  await eventually(
    () => (gateCondition("gated-1", "gated")?.status === "True" ? true : undefined),
    40_000,
    "gated-1 True",
  );
  assert.deepEqual((await backendsOf(lbId)).map((b) => b.serverId).sort(), ["i-n1", "i-n2"]);
});

test("external-ip-type eip: the SLB address and FailedSetEIPAddress until an EIP is bound, then the EIP", async () => {
  stack.kubectlOk(
    ["apply", "-f", "-"],
    serviceYaml("edge", { [`${P}address-type`]: "intranet", [`${P}external-ip-type`]: "eip" }),
  );
  const slbIp = await waitForIngress(stack, "edge");
  const lbId = await lbOf("edge");
  const lb = await cloud.slb.getLoadBalancer(lbId);
  assert.equal(slbIp, lb.address);
  await eventually(
    () => (eventsOf("edge", "FailedSetEIPAddress").length > 0 ? true : undefined),
    30_000,
    "FailedSetEIPAddress",
  );
  assert.match(
    eventsOf("edge", "FailedSetEIPAddress")[0],
    /^Warning: get eip error, set external ip to slb ip$/,
  );

  const eip = await scene.bindEip(lbId);
  assert.notEqual(eip.ipAddress, slbIp);
  // Binding an EIP is invisible to Kubernetes: the next reconcile (resync or any event) reads it.
  poke("edge", 1);
  await eventually(
    () => {
      const ingress = getService(stack, "edge")?.status?.loadBalancer?.ingress ?? [];
      return ingress.length === 1 && ingress[0].ip === eip.ipAddress ? true : undefined;
    },
    30_000,
    "the EIP in the ingress",
  );
  await scene.unbindEip(eip.allocationId, lbId);
  poke("edge", 2);
  await eventually(
    () => (getService(stack, "edge")?.status?.loadBalancer?.ingress?.[0]?.ip === slbIp ? true : undefined),
    30_000,
    "back to the SLB address",
  );
});
