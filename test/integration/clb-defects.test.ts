// The CLB defects of issue 12 item 6 on a real control plane + the cloud emulator: a Service that goes
// LoadBalancer -> ClusterIP -> LoadBalancer gets a new SLB (no replayed create token) and cleanup clears its
// address; a failed cloud read shows as an Event and Synced=False; the legacy hostname key is honoured; an
// `id` added after our create but before the first successful sync leaves no orphan; §2.6 watch Events.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import type { FaultRule } from "../../src/emulator";
import { clientTokenFor, CloudProvider } from "../../src/cloud";
import {
  P,
  cloudOf,
  createNodes,
  getService,
  loadBalancersOwnedBy,
  serviceYaml,
  waitForIngress,
  emulatorFaults,
} from "../helpers/clb";
import { eventually, Stack, startStack } from "../helpers/stack";

const SYNCED = "alicloud-operator/LoadBalancerSynced";

let stack: Stack;
let cloud: CloudProvider;

before(async () => {
  stack = await startStack({
    operator: "all",
    emulator: true,
    operatorEnv: { OPERATOR_BACKOFF_BASE_MS: "200", OPERATOR_BACKOFF_CAP_MS: "2000" },
  });
  cloud = cloudOf(stack);
  createNodes(stack, ["n1", "n2"]);
});

after(async () => {
  await stack?.stop();
});

function faults(method: "POST" | "DELETE", rule?: FaultRule): Promise<void> {
  return emulatorFaults(stack, method, rule);
}

/** "<reason>: <message>" of the Service's Events of `type`. */
function events(name: string, type: "Normal" | "Warning"): string {
  return stack.kubectlOk([
    "get",
    "events",
    "--field-selector",
    `involvedObject.name=${name},type=${type}`,
    "-o",
    'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}',
  ]);
}

function syncedCondition(name: string) {
  return getService(stack, name)?.status?.conditions?.find((c) => c.type === SYNCED);
}

function setType(name: string, type: string): void {
  stack.kubectlOk(["patch", "svc", name, "--type=merge", "-p", JSON.stringify({ spec: { type } })]);
}

test("LoadBalancer -> ClusterIP -> LoadBalancer: cleanup clears the address, the return makes a new SLB", async () => {
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("cycle"));
  await waitForIngress(stack, "cycle");
  const uid = getService(stack, "cycle")!.metadata.uid;
  const [first] = await loadBalancersOwnedBy(cloud, uid);
  assert.ok(first);

  setType("cycle", "ClusterIP");
  await eventually(
    () => {
      const svc = getService(stack, "cycle")!;
      const clean =
        !svc.metadata.finalizers?.length &&
        !svc.status?.loadBalancer?.ingress?.length &&
        !svc.metadata.labels?.["service.k8s.alibaba/loadbalancer-id"];
      return clean ? true : undefined;
    },
    60_000,
    "cleanup cleared finalizer, address and label",
  );
  assert.deepEqual(await loadBalancersOwnedBy(cloud, uid), []);

  setType("cycle", "LoadBalancer");
  const ip = await waitForIngress(stack, "cycle");
  const owned = await loadBalancersOwnedBy(cloud, uid);
  assert.equal(owned.length, 1);
  assert.notEqual(owned[0].loadBalancerId, first.loadBalancerId, "a new SLB, not the replayed deleted one");
  assert.equal(ip, owned[0].address);
  const svc = getService(stack, "cycle")!;
  assert.equal(svc.metadata.labels?.["service.k8s.alibaba/loadbalancer-id"], owned[0].loadBalancerId);
  await eventually(() => (syncedCondition("cycle")?.status === "True" ? true : undefined), 30_000, "Synced");
  const normal = events("cycle", "Normal");
  assert.match(normal, /TypeChanged: type change LoadBalancer - ClusterIP/);
  assert.match(normal, /TypeChanged: type change ClusterIP - LoadBalancer/);
});

test("a failed cloud read ends as SyncLoadBalancerFailed and Synced=False, then converges", async () => {
  await faults("POST", {
    id: "describe-denied",
    match: { product: "slb", action: "DescribeLoadBalancers" },
    error: {
      httpStatus: 403,
      code: "Forbidden.RAM",
      message: "User not authorized to operate on the specified resource.",
    },
  });
  try {
    stack.kubectlOk(["apply", "-f", "-"], serviceYaml("read-fails"));
    await eventually(
      () => (/SyncLoadBalancerFailed: .*Forbidden/.test(events("read-fails", "Warning")) ? true : undefined),
      60_000,
      "a SyncLoadBalancerFailed Event",
    );
    const cond = await eventually(() => syncedCondition("read-fails"), 30_000, "the Synced condition");
    assert.equal(cond.status, "False");
    assert.equal(getService(stack, "read-fails")?.status?.loadBalancer?.ingress, undefined);
  } finally {
    await faults("DELETE");
  }
  await waitForIngress(stack, "read-fails");
  await eventually(
    () => (syncedCondition("read-fails")?.status === "True" ? true : undefined),
    30_000,
    "Synced",
  );
});

test("the legacy alicloud-loadbalancer-hostname key is reported; changing it is an AnnotationChanged Event", async () => {
  const legacy = "service.beta.kubernetes.io/alicloud-loadbalancer-hostname";
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("legacy-host", { [legacy]: "web.example.com" }));
  assert.equal(await waitForIngress(stack, "legacy-host"), "web.example.com");
  stack.kubectlOk(["annotate", "--overwrite", "svc", "legacy-host", `${legacy}=www.example.com`]);
  await eventually(
    () =>
      getService(stack, "legacy-host")?.status?.loadBalancer?.ingress?.[0]?.hostname === "www.example.com"
        ? true
        : undefined,
    30_000,
    "the new hostname",
  );
  assert.match(
    events("legacy-host", "Normal"),
    /AnnotationChanged: The service will be updated because the annotations has been changed\./,
  );
});

test("an id added after our create, before the first successful sync: our SLB is deleted, not orphaned", async () => {
  await faults("POST", {
    id: "no-listeners",
    match: { product: "slb", action: "CreateLoadBalancerTCPListener" },
    error: { httpStatus: 503, code: "ServiceUnavailable" },
  });
  let uid = "";
  let userAddress = "";
  try {
    stack.kubectlOk(["apply", "-f", "-"], serviceYaml("adopt"));
    uid = await eventually(() => getService(stack, "adopt")?.metadata.uid, 10_000, "uid");
    await eventually(
      async () => ((await loadBalancersOwnedBy(cloud, uid)).length === 1 ? true : undefined),
      60_000,
      "our SLB created",
    );
    await eventually(
      () => (/SyncLoadBalancerFailed/.test(events("adopt", "Warning")) ? true : undefined),
      60_000,
      "the failed sync shown",
    );
    const svc = getService(stack, "adopt")!;
    assert.equal(svc.status?.loadBalancer?.ingress, undefined, "a failed sync reports no address");
    assert.equal(svc.metadata.labels?.["service.k8s.alibaba/loadbalancer-id"], undefined, "nor the label");
    // Meanwhile (listeners still failing, so no sync can succeed first) the user decides to reuse an SLB
    // of their own: admitted, since nothing was reported.
    const user = await cloud.slb.createLoadBalancer({
      loadBalancerName: "user-made",
      addressType: "internet",
      tags: [],
      clientToken: clientTokenFor("test-user", "adopt-target"),
    });
    userAddress = user.address;
    stack.kubectlOk([
      "annotate",
      "svc",
      "adopt",
      `${P}id=${user.loadBalancerId}`,
      `${P}force-override-listeners=true`,
    ]);
    await eventually(
      async () => ((await loadBalancersOwnedBy(cloud, uid)).length === 0 ? true : undefined),
      60_000,
      "the SLB we created is gone",
    );
  } finally {
    await faults("DELETE");
  }
  assert.equal(await waitForIngress(stack, "adopt"), userAddress);
  assert.deepEqual(await loadBalancersOwnedBy(cloud, uid), []);
});
