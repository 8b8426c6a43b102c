// Cluster identity, reuse policy and cloud defaults (README "Cluster identity", "Reuse policy", "Cloud
// defaults"): two clusters (two control planes, two operators, neither given CLUSTER_ID) on one emulator
// share a reused SLB without touching each other's listeners and vserver groups; cluster B runs with the
// policy settings (namespace allow-list, tag mode, public SLBs forbidden, a default resource group).
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { clientTokenFor, type CloudProvider } from "../../src/cloud";
import { EMULATOR_DEFAULTS } from "../../src/config";
import { startLocalOperator } from "../../src/operator/local";
import {
  P,
  cloudOf,
  createNodes,
  getService,
  loadBalancersOwnedBy,
  serviceYaml,
  waitForIngress,
  warningEvents,
} from "../helpers/clb";
import { eventually, startStack, type Stack } from "../helpers/stack";

const REUSE_TAG = "alicloud-operator.io/reuse-namespaces";
const RESOURCE_GROUP = "rg-acfmpolicy";

let a: Stack;
let b: Stack;
let cloud: CloudProvider;
let sharedLbId: string;
let untaggedLbId: string;

function kubeSystemUid(stack: Stack): string {
  return stack.kubectlOk(["get", "namespace", "kube-system", "-o", "jsonpath={.metadata.uid}"]);
}

/** A hand-made intranet SLB in the emulator's vSwitch (public ones are forbidden in cluster B). */
async function userSlb(name: string, tags: { key: string; value: string }[]): Promise<string> {
  const created = await cloud.slb.createLoadBalancer({
    loadBalancerName: name,
    addressType: "intranet",
    vSwitchId: EMULATOR_DEFAULTS.vpc.vSwitchId,
    tags,
    clientToken: clientTokenFor("test-user", name),
  });
  return created.loadBalancerId;
}

before(async () => {
  a = await startStack({ operator: "all", emulator: true });
  cloud = cloudOf(a);
  b = await startStack({
    operator: "all",
    operatorEnv: {
      ...a.cloudEnv,
      OPERATOR_REUSE_ALLOWED_NAMESPACES: "default",
      OPERATOR_REUSE_REQUIRE_NAMESPACE_TAG: "true",
      OPERATOR_FORBID_PUBLIC_LB: "true",
      ALIBABA_CLOUD_RESOURCE_GROUP_ID: RESOURCE_GROUP,
    },
  });
  b.cloudEnv = a.cloudEnv;
  createNodes(a, ["n1", "n2"]);
  createNodes(b, ["m1", "m2"]);
  b.kubectlOk(["create", "namespace", "team-b"]);
  sharedLbId = await userSlb("shared-by-two-clusters", [{ key: REUSE_TAG, value: "default" }]);
  untaggedLbId = await userSlb("not-opened-to-reuse", [{ key: "team", value: "db" }]);
});

after(async () => {
  await b?.stop();
  await a?.stop();
});

test("unset CLUSTER_ID defaults to the kube-system Namespace UID, different per cluster, in the tags", async () => {
  const [uidA, uidB] = [kubeSystemUid(a), kubeSystemUid(b)];
  assert.match(uidA, /^[0-9a-f-]{36}$/);
  assert.notEqual(uidA, uidB);
  a.kubectlOk(["apply", "-f", "-"], serviceYaml("own", {}, { ports: [{ port: 80 }] }));
  await waitForIngress(a, "own");
  const [lb] = await loadBalancersOwnedBy(cloud, getService(a, "own")!.metadata.uid);
  assert.equal(lb.tags.find((t) => t.key === "ack.aliyun.com")?.value, uidA);
  const listeners = await cloud.slb.listListeners(lb.loadBalancerId);
  assert.deepEqual(
    listeners.map((l) => l.description),
    [`k8s/80/own/default/${uidA}`],
  );
});

test("two clusters reuse one SLB with same-named Services: deleting one leaves the other's listeners and groups", async () => {
  const [uidA, uidB] = [kubeSystemUid(a), kubeSystemUid(b)];
  const shared = (port: number) =>
    serviceYaml(
      "shared",
      { [`${P}id`]: sharedLbId, [`${P}force-override-listeners`]: "true" },
      { ports: [{ port }] },
    );
  a.kubectlOk(["apply", "-f", "-"], shared(80));
  await waitForIngress(a, "shared");
  b.kubectlOk(["apply", "-f", "-"], shared(81));
  await waitForIngress(b, "shared");
  const owners = async () =>
    (await cloud.slb.listListeners(sharedLbId)).map((l) => `${l.listenerPort} ${l.description}`).sort();
  const both = [`80 k8s/80/shared/default/${uidA}`, `81 k8s/81/shared/default/${uidB}`];
  await eventually(
    async () => (JSON.stringify(await owners()) === JSON.stringify(both) ? true : undefined),
    30_000,
    "one listener of each cluster",
  );
  const groupsOf = async (clusterId: string) =>
    (await cloud.slb.listVServerGroups(sharedLbId)).filter((g) =>
      g.vServerGroupName.endsWith(`/${clusterId}`),
    );
  const groupsB = await groupsOf(uidB);
  assert.equal(groupsB.length, 1);
  assert.deepEqual(groupsB[0].backendServers.map((s) => s.serverId).sort(), ["i-m1", "i-m2"]);

  // Each cluster resyncs with the other's listener in place and leaves it alone.
  a.kubectlOk(["annotate", "svc", "shared", `${P}name=renamed-by-a`]);
  await eventually(
    async () =>
      (await cloud.slb.getLoadBalancer(sharedLbId)).loadBalancerName === "renamed-by-a" ? true : undefined,
    30_000,
    "cluster A's resync",
  );
  assert.deepEqual(await owners(), both);

  a.kubectlOk(["delete", "svc", "shared", "--wait=false"]);
  await eventually(
    () => (getService(a, "shared") === undefined ? true : undefined),
    120_000,
    "cluster A's Service gone",
  ).catch((e: unknown) => {
    throw new Error(`${String(e)}\n${warningEvents(a, "shared")}`);
  });
  assert.deepEqual(await owners(), [`81 k8s/81/shared/default/${uidB}`]);
  assert.deepEqual(await groupsOf(uidA), []);
  const after = await groupsOf(uidB);
  assert.deepEqual(
    after.map((g) => [g.vServerGroupId, g.backendServers.map((s) => s.serverId).sort()]),
    [[groupsB[0].vServerGroupId, ["i-m1", "i-m2"]]],
  );
  await cloud.slb.getLoadBalancer(sharedLbId); // the reused SLB itself stays
});

test("a created SLB is touched only with this cluster's tag: another cluster's is neither changed nor deleted", async () => {
  a.kubectlOk(["apply", "-f", "-"], serviceYaml("foreign", {}, { type: "ClusterIP" }));
  const uid = getService(a, "foreign")!.metadata.uid;
  const defaultName = `a${uid.replace(/-/g, "")}`.slice(0, 32);
  // An SLB carrying this Service's default-name tag, but another cluster's id.
  const { loadBalancerId } = await cloud.slb.createLoadBalancer({
    loadBalancerName: defaultName,
    addressType: "internet",
    tags: [
      { key: "kubernetes.do.not.delete", value: defaultName },
      { key: "ack.aliyun.com", value: "another-cluster" },
    ],
    clientToken: clientTokenFor("test-user", `foreign-${uid}`),
  });
  a.kubectlOk([
    "patch",
    "svc",
    "foreign",
    "--type=merge",
    "-p",
    JSON.stringify({ spec: { type: "LoadBalancer" } }),
  ]);
  await eventually(
    () =>
      /SyncLoadBalancerFailed: .*is not owned by this cluster/.test(warningEvents(a, "foreign"))
        ? true
        : undefined,
    60_000,
    "NotOwned on the Service",
  );
  const condition = getService(a, "foreign")!.status?.conditions?.find((c) =>
    c.type.endsWith("LoadBalancerSynced"),
  );
  assert.equal(condition?.status, "False");
  assert.match(condition?.message ?? "", /ack\.aliyun\.com=another-cluster/);
  assert.deepEqual(await cloud.slb.listListeners(loadBalancerId), []);
  assert.deepEqual(await cloud.slb.listVServerGroups(loadBalancerId), []);

  a.kubectlOk(["delete", "svc", "foreign", "--wait=false"]);
  await eventually(
    () =>
      /CleanLoadBalancerFailed: .*is not owned by this cluster/.test(warningEvents(a, "foreign"))
        ? true
        : undefined,
    60_000,
    "cleanup refused",
  );
  const still = await cloud.slb.getLoadBalancer(loadBalancerId);
  assert.equal(still.tags.find((t) => t.key === "ack.aliyun.com")?.value, "another-cluster");
  // The way out the message names for a Service whose SLB is not ours: take the finalizer off.
  a.kubectlOk([
    "patch",
    "svc",
    "foreign",
    "--type=json",
    "-p",
    '[{"op":"remove","path":"/metadata/finalizers"}]',
  ]);
});

test("reuse allow-list: admission rejects reuse from another namespace, naming the policy", () => {
  const r = b.kubectl(
    ["apply", "-f", "-"],
    serviceYaml("reuser", { [`${P}id`]: sharedLbId }, { namespace: "team-b", ports: [{ port: 90 }] }),
  );
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /OPERATOR_REUSE_ALLOWED_NAMESPACES=default does not allow namespace team-b/);
  assert.equal(getService(b, "reuser", "team-b"), undefined);
});

test("reuse tag mode: an SLB without the namespace tag is refused by the controller and left untouched", async () => {
  const r = b.kubectl(
    ["apply", "-f", "-"],
    serviceYaml("untagged", { [`${P}id`]: untaggedLbId }, { ports: [{ port: 90 }] }),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Warning: .*alicloud-operator\.io\/reuse-namespaces/);
  await eventually(
    () =>
      /SyncLoadBalancerFailed: .*OPERATOR_REUSE_REQUIRE_NAMESPACE_TAG=true .* may not be reused from namespace default/.test(
        warningEvents(b, "untagged"),
      )
        ? true
        : undefined,
    60_000,
    "ReuseForbidden on the Service",
  );
  const lb = await cloud.slb.getLoadBalancer(untaggedLbId);
  assert.deepEqual(lb.tags, [{ key: "team", value: "db" }], "not even the reused.by.user tag");
  assert.deepEqual(await cloud.slb.listVServerGroups(untaggedLbId), []);
  assert.equal(getService(b, "untagged")?.status?.loadBalancer?.ingress, undefined);
});

test("forbidden public SLBs and cloud defaults: internet rejected; intranet gets the default vSwitch, VPC and resource group", async () => {
  const pub = b.kubectl(["apply", "-f", "-"], serviceYaml("public", {}, { ports: [{ port: 80 }] }));
  assert.notEqual(pub.code, 0);
  assert.match(pub.stderr, /internet SLBs are forbidden in this cluster \(OPERATOR_FORBID_PUBLIC_LB=true\)/);

  b.kubectlOk(["apply", "-f", "-"], serviceYaml("private", { [`${P}address-type`]: "intranet" }));
  await waitForIngress(b, "private");
  const [lb] = await loadBalancersOwnedBy(cloud, getService(b, "private")!.metadata.uid);
  assert.deepEqual(
    [lb.addressType, lb.networkType, lb.vSwitchId, lb.vpcId, lb.resourceGroupId],
    ["intranet", "vpc", EMULATOR_DEFAULTS.vpc.vSwitchId, EMULATOR_DEFAULTS.vpc.vpcId, RESOURCE_GROUP],
  );
});

test("a wrong setting stops the operator at start-up with a message naming the variable, value and what is allowed", async () => {
  const dir = join(a.dir, "bad-settings");
  await assert.rejects(
    startLocalOperator({
      kubeconfigPath: a.cp.kubeconfigPath,
      dir,
      env: { ...a.cloudEnv, OPERATOR_DEFAULT_BACKEND_TYPE: "pods" },
      mode: "watcher",
    }),
    /operator exited with 1/,
  );
  // The log is written by this process from the child's pipe: wait for it to land.
  await eventually(
    () =>
      /bad configuration: OPERATOR_DEFAULT_BACKEND_TYPE "pods" is not allowed; allowed: ecs, eni/.test(
        readFileSync(join(dir, "operator.log"), "utf8"),
      )
        ? true
        : undefined,
    10_000,
    "the start-up message in the operator log",
  );
});
