// ALB end to end on the real control plane + emulator (the official SDK adapter over the wire): the seed's
// cafe example becomes one ALB with an HTTP:80 listener, /tea and /coffee rules and NodePort server groups,
// both Ingresses of the group get its hostname; a second Ingress with an order; delete flows.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import type { CloudProvider } from "../../src/cloud";
import {
  albConfigYaml,
  albsOf,
  applyOk,
  deleteAndWait,
  getObject,
  ingressClassYaml,
  ingressYaml,
  rulesOf,
  startAlbStack,
  waitForHostname,
  ALB,
} from "../helpers/alb";
import { eventually, type Stack } from "../helpers/stack";

let stack: Stack;
let cloud: CloudProvider;

before(async () => {
  ({ stack, cloud } = await startAlbStack(["tea-svc", "coffee-svc", "juice-svc"]));
  applyOk(stack, albConfigYaml("cafe"), ingressClassYaml("alb", "cafe"));
});

after(async () => {
  await stack?.stop();
});

test("cafe: one ALB, an HTTP:80 listener, the /tea and /coffee rules, NodePort groups, a hostname", async () => {
  applyOk(
    stack,
    ingressYaml("cafe-ingress", {
      host: "cafe.example.com",
      paths: [
        { path: "/tea", service: "tea-svc" },
        { path: "/coffee", service: "coffee-svc" },
      ],
    }),
  );
  const hostname = await waitForHostname(stack, "cafe-ingress");
  const albs = await albsOf(cloud, "cafe");
  assert.equal(albs.length, 1, "exactly one ALB");
  const alb = albs[0];
  assert.equal(alb.dnsName, hostname);
  assert.equal(alb.deletionProtectionEnabled, true);
  const ac = getObject(stack, "albconfig", "cafe");
  assert.equal(ac?.status?.loadBalancer?.id, alb.loadBalancerId);
  assert.equal(ac?.status?.loadBalancer?.dnsname, hostname);
  assert.ok(ac?.metadata.finalizers?.includes("ingress.k8s.alibaba/resources"));
  assert.ok(
    getObject(stack, "ingress", "cafe-ingress", "default")?.metadata.finalizers?.includes(
      "ingress.k8s.alibaba/resources",
    ),
  );
  const listeners = await cloud.alb.listListeners(alb.loadBalancerId);
  assert.deepEqual(
    listeners.map((l) => `${l.listenerProtocol}:${l.listenerPort}`),
    ["HTTP:80"],
  );
  const rules = (await rulesOf(cloud, alb.loadBalancerId)).get("HTTP:80") ?? [];
  assert.deepEqual(
    rules.map((r) => [r.priority, r.conditions.map((c) => `${c.type}=${c.values.join("|")}`).join(" ")]),
    [
      [1, "Host=cafe.example.com Path=/tea|/tea/*"],
      [2, "Host=cafe.example.com Path=/coffee|/coffee/*"],
    ],
  );
  const groups = await cloud.alb.listServerGroups({
    tags: [{ key: "ingress.k8s.alibaba/albconfig", value: "cafe" }],
  });
  assert.equal(groups.length, 3, "tea, coffee and the listener's default group");
  const tea = groups.find((g) =>
    g.tags.some((t) => t.key === "ingress.k8s.alibaba/service_name" && t.value === "tea-svc"),
  );
  assert.ok(tea);
  const servers = await cloud.alb.listServerGroupServers(tea.serverGroupId);
  assert.deepEqual(servers.map((s) => s.serverId).sort(), ["i-n1", "i-n2"]);
  assert.match(stack.kubectlOk(["describe", "ingress", "cafe-ingress"]), /SuccessfullyReconciled/);
});

test("a second Ingress with a lower order takes the first priorities; both get the hostname", async () => {
  applyOk(
    stack,
    ingressYaml("juice", {
      host: "juice.example.com",
      paths: [{ path: "/", service: "juice-svc" }],
      annotations: { [`${ALB}order`]: "5" },
    }),
  );
  const hostname = await waitForHostname(stack, "juice");
  assert.equal(hostname, await waitForHostname(stack, "cafe-ingress"));
  const [alb] = await albsOf(cloud, "cafe");
  await eventually(
    async () => {
      const rules = (await rulesOf(cloud, alb.loadBalancerId)).get("HTTP:80") ?? [];
      return rules.length === 3 && rules[0].conditions.some((c) => c.values.includes("juice.example.com"))
        ? true
        : undefined;
    },
    30_000,
    "juice's rule first",
  );
  assert.equal((await albsOf(cloud, "cafe")).length, 1, "still one ALB");
});

test("deleting an Ingress removes its rules and groups and lets it go; the AlbConfig then deletes its ALB", async () => {
  const [alb] = await albsOf(cloud, "cafe");
  await deleteAndWait(stack, "ingress", "juice");
  const rules = (await rulesOf(cloud, alb.loadBalancerId)).get("HTTP:80") ?? [];
  assert.equal(rules.length, 2);
  assert.ok(!rules.some((r) => r.conditions.some((c) => c.values.includes("juice.example.com"))));
  await eventually(
    async () => {
      const gs = await cloud.alb.listServerGroups({
        tags: [{ key: "ingress.k8s.alibaba/ingress_name", value: "juice" }],
      });
      return gs.length === 0 ? true : undefined;
    },
    30_000,
    "juice's group deleted",
  );
  // An AlbConfig with members is refused at delete; after its last Ingress it goes, and its ALB with it.
  const refused = stack.kubectl(["delete", "albconfig", "cafe", "--wait=false"]);
  assert.notEqual(refused.code, 0);
  await deleteAndWait(stack, "ingress", "cafe-ingress");
  await deleteAndWait(stack, "albconfig", "cafe", 60_000);
  assert.deepEqual(await albsOf(cloud, "cafe"), []);
  assert.deepEqual(
    await cloud.alb.listServerGroups({ tags: [{ key: "ingress.k8s.alibaba/albconfig", value: "cafe" }] }),
    [],
  );
});
