// Reusing an existing SLB by id: listeners only with force-override, port conflicts refused at
// admission (R2), an SLB created for another Service refused (R1), and the reused SLB survives delete.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { clientTokenFor, CloudProvider } from "../../src/cloud";
import { P, cloudOf, createNodes, getService, serviceYaml, waitForIngress } from "../helpers/clb";
import { eventually, Stack, startStack } from "../helpers/stack";

let stack: Stack;
let cloud: CloudProvider;
let userLbId: string;

before(async () => {
  stack = await startStack({ operator: "all", emulator: true });
  cloud = cloudOf(stack);
  createNodes(stack, ["n1", "n2"]);
  // An SLB the user made by hand: no ownership tags, one listener of their own on port 22.
  const created = await cloud.slb.createLoadBalancer({
    loadBalancerName: "user-made",
    addressType: "internet",
    tags: [{ key: "team", value: "web" }],
    clientToken: clientTokenFor("test-user", "user-made-lb"),
  });
  userLbId = created.loadBalancerId;
  const { vServerGroupId } = await cloud.slb.createVServerGroup(userLbId, "bastion", []);
  await cloud.slb.createListener(userLbId, {
    listenerPort: 22,
    listenerProtocol: "tcp",
    bandwidth: -1,
    vServerGroupId,
    description: "ssh by hand",
  });
});

after(async () => {
  await stack?.stop();
});

test("a Service reusing an SLB with force-override gets its listener; the user's listener is untouched", async () => {
  stack.kubectlOk(
    ["apply", "-f", "-"],
    serviceYaml(
      "reuse-a",
      { [`${P}id`]: userLbId, [`${P}force-override-listeners`]: "true" },
      { ports: [{ port: 80 }] },
    ),
  );
  const ip = await waitForIngress(stack, "reuse-a");
  const lb = await cloud.slb.getLoadBalancer(userLbId);
  assert.equal(lb.address, ip);
  const svc = getService(stack, "reuse-a")!;
  assert.equal(svc.metadata.annotations?.[`${P}address-type`], undefined, "no defaults on a reused SLB (R6)");
  const listeners = await eventually(
    async () => {
      const ls = await cloud.slb.listListeners(userLbId);
      return ls.length === 2 ? ls : undefined;
    },
    30_000,
    "two listeners",
  );
  assert.deepEqual(
    listeners.map((l) => l.listenerPort).sort((a, b) => a - b),
    [22, 80],
  );
  assert.equal(listeners.find((l) => l.listenerPort === 22)?.description, "ssh by hand");
});

test("a second Service on the same SLB and port is denied at apply time (R2); another port is fine", async () => {
  const r = stack.kubectl(
    ["apply", "-f", "-"],
    serviceYaml("reuse-b", { [`${P}id`]: userLbId }, { ports: [{ port: 80 }] }),
  );
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /port 80\/TCP/);
  assert.match(r.stderr, /default\/reuse-a/);
  // UDP 80 is another listener key (transport), and so is TCP 81.
  stack.kubectlOk(
    ["apply", "-f", "-"],
    serviceYaml(
      "reuse-b",
      { [`${P}id`]: userLbId, [`${P}force-override-listeners`]: "true" },
      { ports: [{ port: 80, protocol: "UDP" }, { port: 81 }] },
    ),
  );
  await waitForIngress(stack, "reuse-b");
  await eventually(
    async () => ((await cloud.slb.listListeners(userLbId)).length === 4 ? true : undefined),
    30_000,
    "four listeners",
  );
});

test("reusing an SLB the operator created for another Service is denied (R1)", async () => {
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("owned"));
  await waitForIngress(stack, "owned");
  const ownedId = getService(stack, "owned")!.metadata.labels!["service.k8s.alibaba/loadbalancer-id"];
  const r = stack.kubectl(
    ["apply", "-f", "-"],
    serviceYaml("thief", { [`${P}id`]: ownedId }, { ports: [{ port: 8080 }] }),
  );
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, new RegExp(`${ownedId}.*default/owned`));
});

test("the id annotation cannot change once the Service has an SLB (R3)", () => {
  const r = stack.kubectl(["annotate", "--overwrite", "svc", "reuse-a", `${P}id=lb-someotherone`]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /id/);
});

test("deleting Services that reused an SLB removes only their listeners; the SLB stays", async () => {
  stack.kubectlOk(["delete", "svc", "reuse-a", "reuse-b", "--wait=false"]);
  await eventually(
    () =>
      getService(stack, "reuse-a") === undefined && getService(stack, "reuse-b") === undefined
        ? true
        : undefined,
    30_000,
    "Services gone",
  );
  const lb = await cloud.slb.getLoadBalancer(userLbId);
  assert.equal(lb.loadBalancerId, userLbId);
  const listeners = await cloud.slb.listListeners(userLbId);
  assert.deepEqual(
    listeners.map((l) => l.listenerPort),
    [22],
  );
  const groups = await cloud.slb.listVServerGroups(userLbId);
  assert.deepEqual(
    groups.map((g) => g.vServerGroupName),
    ["bastion"],
    "our vserver groups removed, the user's kept",
  );
});
