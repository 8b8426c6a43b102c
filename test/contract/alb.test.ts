// ALB through the typed SDK client: every method round-trips against the emulator.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { clientTokenFor, isCloudError, type AlbRuleAction, type AlbRuleCondition } from "../../src/cloud";
import { startHarness, type Harness } from "./harness";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const VPC_ID = "vpc-bp1albcontract0000001";
const ZONES = [
  { zoneId: "cn-hangzhou-h", vSwitchId: "vsw-bp1albzoneh00000001" },
  { zoneId: "cn-hangzhou-i", vSwitchId: "vsw-bp1albzonei00000001" },
];
const TAGS = [{ key: "ingress.k8s.alibaba/albconfig", value: "default" }];
/** Async ALB transitions take 1 s of virtual time. */
const SETTLE_MS = 2_000;

async function newAlb(name: string) {
  return h.cloud.alb.createLoadBalancer({
    loadBalancerName: name,
    vpcId: VPC_ID,
    addressType: "Internet",
    addressAllocatedMode: "Dynamic",
    addressIpVersion: "IPv4",
    loadBalancerEdition: "Standard",
    payType: "PostPay",
    zoneMappings: ZONES,
    deletionProtectionEnabled: false,
    tags: TAGS,
    clientToken: clientTokenFor(`uid-${name}`, "alb:create"),
  });
}

test("load balancer: create, provisioning to active, get and list by id, name and tag, delete", async () => {
  const { loadBalancerId } = await newAlb("alb-roundtrip");
  assert.match(loadBalancerId, /^alb-/);
  const provisioning = await h.cloud.alb.getLoadBalancer(loadBalancerId);
  assert.equal(provisioning.loadBalancerStatus, "Provisioning");
  await h.advanceClock(SETTLE_MS);

  const lb = await h.cloud.alb.getLoadBalancer(loadBalancerId);
  assert.equal(lb.loadBalancerStatus, "Active");
  assert.equal(lb.loadBalancerName, "alb-roundtrip");
  assert.equal(lb.vpcId, VPC_ID);
  assert.equal(lb.addressType, "Internet");
  assert.equal(lb.addressAllocatedMode, "Dynamic");
  assert.equal(lb.addressIpVersion, "IPv4");
  assert.equal(lb.loadBalancerEdition, "Standard");
  assert.equal(lb.deletionProtectionEnabled, false);
  assert.ok(lb.dnsName, "a DNS name is assigned");
  assert.deepEqual(
    lb.zoneMappings.map((z) => ({ zoneId: z.zoneId, vSwitchId: z.vSwitchId })),
    ZONES,
  );
  assert.deepEqual(lb.tags, TAGS);

  for (const query of [
    { loadBalancerIds: [loadBalancerId] },
    { loadBalancerNames: ["alb-roundtrip"] },
    { tags: TAGS },
  ]) {
    const found = await h.cloud.alb.listLoadBalancers(query);
    assert.deepEqual(
      found.map((l) => l.loadBalancerId),
      [loadBalancerId],
      JSON.stringify(query),
    );
    assert.deepEqual(found[0], lb, "the list result carries the full attribute, zone mappings included");
  }

  await h.cloud.alb.setDeletionProtection(loadBalancerId, true);
  assert.equal((await h.cloud.alb.getLoadBalancer(loadBalancerId)).deletionProtectionEnabled, true);
  await assert.rejects(h.cloud.alb.deleteLoadBalancer(loadBalancerId), (e) => isCloudError(e, "Conflict"));
  await h.cloud.alb.setDeletionProtection(loadBalancerId, false);
  assert.equal((await h.cloud.alb.getLoadBalancer(loadBalancerId)).deletionProtectionEnabled, false);

  await h.cloud.alb.deleteLoadBalancer(loadBalancerId);
  await assert.rejects(h.cloud.alb.getLoadBalancer(loadBalancerId), (e) => isCloudError(e, "NotFound"));
  await h.cloud.alb.deleteLoadBalancer(loadBalancerId).then(
    () => assert.fail("deleting twice is reported"),
    (e) => assert.ok(isCloudError(e, "NotFound")),
  );
});

test("a write on a Provisioning load balancer is Busy (IncorrectStatus.LoadBalancer)", async () => {
  const { loadBalancerId } = await newAlb("alb-busy");
  const { serverGroupId } = await h.cloud.alb.createServerGroup({
    serverGroupName: "sg-busy",
    serverGroupType: "Instance",
    vpcId: VPC_ID,
    healthCheckEnabled: false,
    tags: [],
    clientToken: clientTokenFor("uid-busy", "alb:sg"),
  });
  const noRetry = h.provider({ maxRetries: 0 });
  await assert.rejects(
    noRetry.cloud.alb.createListener({
      loadBalancerId,
      listenerPort: 80,
      listenerProtocol: "HTTP",
      defaultServerGroupId: serverGroupId,
      clientToken: clientTokenFor("uid-busy", "alb:listener:80"),
    }),
    (e) => isCloudError(e, "Busy") && e.code === "IncorrectStatus.LoadBalancer" && e.retryable,
  );
});

test("server groups, servers, listeners and rules round-trip", async () => {
  const { loadBalancerId } = await newAlb("alb-full");
  await h.advanceClock(SETTLE_MS);

  const sgTags = [{ key: "owner", value: "ns/ingress" }];
  const { serverGroupId: sg1 } = await h.cloud.alb.createServerGroup({
    serverGroupName: "sg-web",
    serverGroupType: "Instance",
    vpcId: VPC_ID,
    protocol: "HTTP",
    scheduler: "Wlc",
    healthCheckEnabled: true,
    tags: sgTags,
    clientToken: clientTokenFor("uid-full", "alb:sg:web"),
  });
  const { serverGroupId: sg2 } = await h.cloud.alb.createServerGroup({
    serverGroupName: "sg-api",
    serverGroupType: "Ip",
    vpcId: VPC_ID,
    healthCheckEnabled: false,
    tags: sgTags,
    clientToken: clientTokenFor("uid-full", "alb:sg:api"),
  });
  const groups = await h.cloud.alb.listServerGroups({ tags: sgTags });
  assert.deepEqual(groups.map((g) => g.serverGroupId).sort(), [sg1, sg2].sort());
  const web = groups.find((g) => g.serverGroupId === sg1);
  assert.deepEqual(web, {
    serverGroupId: sg1,
    serverGroupName: "sg-web",
    serverGroupType: "Instance",
    protocol: "HTTP",
    vpcId: VPC_ID,
    scheduler: "Wlc",
    healthCheckEnabled: true,
    tags: sgTags,
  });
  assert.deepEqual(
    (await h.cloud.alb.listServerGroups({ serverGroupIds: [sg2] })).map((g) => g.serverGroupType),
    ["Ip"],
  );

  // 25 servers: more than one AddServers batch.
  const servers = Array.from({ length: 25 }, (_, i) => ({
    serverId: `i-bp1albnode${String(i).padStart(9, "0")}`,
    serverType: "Ecs" as const,
    port: 30080,
    weight: 100,
    description: "ns/svc",
  }));
  await h.cloud.alb.addServers(sg1, servers);
  await h.cloud.alb.addServers(sg2, [
    { serverId: "10.0.0.9", serverIp: "10.0.0.9", serverType: "Ip", port: 8080, weight: 50 },
  ]);
  let listed = await h.cloud.alb.listServerGroupServers(sg1);
  assert.equal(listed.length, 25);
  assert.ok(listed.every((s) => s.status === "Adding" || s.status === "Available"));
  await h.advanceClock(SETTLE_MS);
  listed = await h.cloud.alb.listServerGroupServers(sg1);
  assert.deepEqual(
    { ...listed.find((s) => s.serverId === servers[0].serverId) },
    { ...servers[0], serverIp: undefined, status: "Available" },
  );
  const ipServers = await h.cloud.alb.listServerGroupServers(sg2);
  assert.equal(ipServers[0]?.serverIp, "10.0.0.9");
  assert.equal(ipServers[0]?.serverType, "Ip");
  await h.cloud.alb.removeServers(sg1, servers.slice(0, 24));
  await h.advanceClock(SETTLE_MS);
  assert.deepEqual(
    (await h.cloud.alb.listServerGroupServers(sg1)).map((s) => s.serverId),
    [servers[24].serverId],
  );

  const { listenerId } = await h.cloud.alb.createListener({
    loadBalancerId,
    listenerPort: 80,
    listenerProtocol: "HTTP",
    defaultServerGroupId: sg1,
    listenerDescription: "ingress http",
    clientToken: clientTokenFor("uid-full", "alb:listener:80"),
  });
  const { listenerId: httpsId } = await h.cloud.alb.createListener({
    loadBalancerId,
    listenerPort: 443,
    listenerProtocol: "HTTPS",
    defaultServerGroupId: sg1,
    certificateIds: ["1234567-cn-hangzhou"],
    clientToken: clientTokenFor("uid-full", "alb:listener:443"),
  });
  await h.advanceClock(SETTLE_MS);
  let listeners = await h.cloud.alb.listListeners(loadBalancerId);
  assert.deepEqual(listeners.map((l) => l.listenerPort).sort(), [443, 80]);
  const http = listeners.find((l) => l.listenerId === listenerId);
  assert.equal(http?.listenerProtocol, "HTTP");
  assert.equal(http?.listenerStatus, "Running");
  assert.equal(http?.listenerDescription, "ingress http");
  assert.equal(http?.defaultServerGroupId, sg1);
  assert.deepEqual(http?.certificateIds, []);
  assert.deepEqual(listeners.find((l) => l.listenerId === httpsId)?.certificateIds, ["1234567-cn-hangzhou"]);

  await h.cloud.alb.updateListener(listenerId, {
    listenerDescription: "changed",
    idleTimeout: 30,
    requestTimeout: 120,
    defaultServerGroupId: sg2,
  });
  await h.advanceClock(SETTLE_MS);
  listeners = await h.cloud.alb.listListeners(loadBalancerId);
  const updated = listeners.find((l) => l.listenerId === listenerId);
  assert.equal(updated?.listenerDescription, "changed");
  assert.equal(updated?.idleTimeout, 30);
  assert.equal(updated?.requestTimeout, 120);
  assert.equal(updated?.defaultServerGroupId, sg2);

  const conditions: AlbRuleCondition[] = [
    { type: "Host", values: ["www.example.com"] },
    { type: "Path", values: ["/api/*"] },
    { type: "Header", key: "x-env", values: ["canary"] },
    { type: "QueryString", key: "v", values: ["2"] },
  ];
  const actions: AlbRuleAction[] = [{ order: 1, type: "ForwardGroup", serverGroupIds: [sg2] }];
  const { ruleId } = await h.cloud.alb.createRule({
    listenerId,
    priority: 10,
    ruleName: "api",
    conditions,
    actions,
    clientToken: clientTokenFor("uid-full", "alb:rule:api"),
  });
  const redirect: AlbRuleAction = {
    order: 1,
    type: "Redirect",
    redirect: { protocol: "HTTPS", port: "443", httpCode: "301" },
  };
  const fixed: AlbRuleAction = {
    order: 1,
    type: "FixedResponse",
    fixedResponse: { httpCode: "404", content: "nope", contentType: "text/plain" },
  };
  const { ruleId: r2 } = await h.cloud.alb.createRule({
    listenerId,
    priority: 20,
    ruleName: "redirect",
    conditions: [{ type: "Path", values: ["/old"] }],
    actions: [redirect],
    clientToken: clientTokenFor("uid-full", "alb:rule:redirect"),
  });
  const { ruleId: r3 } = await h.cloud.alb.createRule({
    listenerId,
    priority: 30,
    ruleName: "fixed",
    conditions: [{ type: "Method", values: ["DELETE"] }],
    actions: [fixed],
    clientToken: clientTokenFor("uid-full", "alb:rule:fixed"),
  });
  let rules = await h.cloud.alb.listRules(listenerId);
  assert.deepEqual(
    rules.find((r) => r.ruleId === ruleId),
    { ruleId, listenerId, priority: 10, ruleName: "api", conditions, actions },
  );
  assert.deepEqual(rules.find((r) => r.ruleId === r2)?.actions, [redirect]);
  assert.deepEqual(rules.find((r) => r.ruleId === r3)?.actions, [fixed]);

  await h.cloud.alb.updateRule(ruleId, {
    priority: 5,
    conditions: [{ type: "Host", values: ["api.example.com"] }],
  });
  await h.advanceClock(SETTLE_MS);
  rules = await h.cloud.alb.listRules(listenerId);
  const changed = rules.find((r) => r.ruleId === ruleId);
  assert.equal(changed?.priority, 5);
  assert.deepEqual(changed?.conditions, [{ type: "Host", values: ["api.example.com"] }]);
  assert.deepEqual(changed?.actions, actions, "actions untouched");

  for (const id of [ruleId, r2, r3]) await h.cloud.alb.deleteRule(id);
  await h.advanceClock(SETTLE_MS);
  assert.deepEqual(await h.cloud.alb.listRules(listenerId), []);
  await h.cloud.alb.deleteListener(listenerId);
  await h.cloud.alb.deleteListener(httpsId);
  await h.advanceClock(SETTLE_MS);
  assert.deepEqual(await h.cloud.alb.listListeners(loadBalancerId), []);
  await h.cloud.alb.deleteServerGroup(sg1);
  await h.cloud.alb.deleteServerGroup(sg2);
  assert.deepEqual(await h.cloud.alb.listServerGroups({ tags: sgTags }), []);
});

test("ALB lists page with NextToken", async () => {
  const small = h.provider({ pageSize: 2 });
  const tags = [{ key: "alb-paging", value: "1" }];
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await small.cloud.alb.createServerGroup({
      serverGroupName: `sg-page-${i}`,
      serverGroupType: "Instance",
      vpcId: VPC_ID,
      healthCheckEnabled: false,
      tags,
      clientToken: clientTokenFor("uid-alb-paging", `alb:sg:${i}`),
    });
    ids.push(r.serverGroupId);
  }
  const since = await h.mark();
  const groups = await small.cloud.alb.listServerGroups({ tags });
  assert.deepEqual(groups.map((g) => g.serverGroupId).sort(), [...ids].sort());
  const calls = (await since()).filter((r) => r.action === "ListServerGroups");
  assert.equal(calls.length, 3);
});
