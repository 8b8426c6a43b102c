// ALB through the typed SDK client: every AlbProvider method round-trips against the emulator, with the API's
// asynchronous statuses, batch limits (counted in the emulator's request log), defaults and error kinds.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import {
  ALB_BATCH_LIMITS,
  clientTokenFor,
  isCloudError,
  type AlbRuleAction,
  type AlbRuleCondition,
  type AlbRuleSpec,
  type AlbServer,
} from "../../src/cloud";
import { startHarness, type Harness } from "./harness";

let h: Harness;
before(async () => {
  h = await startHarness();
  // Provisioning far longer than a loaded machine takes between two calls: statuses change only when a test
  // moves the clock. Configuring windows stay short (0.3 s), which the transport's Busy retries ride out.
  await transitions({ albMs: ALB_MS });
});
after(async () => {
  await h?.close();
});

const VPC_ID = "vpc-bp1emulator000000001";
const ZONES = [
  { zoneId: "cn-hangzhou-h", vSwitchId: "vsw-bp1emulatorzoneh0001" },
  { zoneId: "cn-hangzhou-i", vSwitchId: "vsw-bp1emulatorzonei0001" },
];
const TAGS = [{ key: "ingress.k8s.alibaba/albconfig", value: "default" }];
const CERT = "12000001-cn-hangzhou";
const WILDCARD_CERT = "12000002-cn-hangzhou";
/** ALB Provisioning/Adding/jobs take this long in virtual time (set in `before`), Configuring 0.3 s. */
const ALB_MS = 60_000;
const SETTLE_MS = ALB_MS + 1_000;

async function newAlb(name: string): Promise<string> {
  const { loadBalancerId } = await h.cloud.alb.createLoadBalancer({
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
  return loadBalancerId;
}

async function newGroup(name: string, tags = TAGS): Promise<string> {
  const { serverGroupId } = await h.cloud.alb.createServerGroup({
    serverGroupName: name,
    serverGroupType: "Instance",
    vpcId: VPC_ID,
    healthCheckConfig: { healthCheckEnabled: false },
    tags,
    clientToken: clientTokenFor(`uid-${name}`, "alb:sg"),
  });
  return serverGroupId;
}

async function newListener(lb: string, port: number, sg: string, https = false): Promise<string> {
  const { listenerId } = await h.cloud.alb.createListener({
    loadBalancerId: lb,
    listenerPort: port,
    listenerProtocol: https ? "HTTPS" : "HTTP",
    defaultServerGroupId: sg,
    ...(https ? { defaultCertificateId: CERT } : {}),
    clientToken: clientTokenFor(`uid-${lb}`, `alb:listener:${port}`),
  });
  await h.advanceClock(SETTLE_MS);
  return listenerId;
}

async function callsDuring(action: string, fn: () => Promise<unknown>): Promise<number> {
  const since = await h.mark();
  await fn();
  return (await since()).filter((r) => r.action === action && r.status === 200).length;
}

test("load balancer: Provisioning then Active (waitForLoadBalancerActive), get/list, update, protection, delete", async () => {
  const id = await newAlb("alb-roundtrip");
  assert.match(id, /^alb-/);
  assert.equal((await h.cloud.alb.getLoadBalancer(id)).loadBalancerStatus, "Provisioning");
  await assert.rejects(
    h.cloud.alb.waitForLoadBalancerActive(id, { timeoutMs: 30, pollIntervalMs: 10 }),
    (e) => isCloudError(e, "Timeout"),
  );
  // The job of the create is listed although the answer carries no JobId.
  const jobs = await h.cloud.alb.listAsynJobs({ resourceIds: [id] });
  assert.deepEqual(
    jobs.map((j) => [j.apiName, j.status]),
    [["CreateLoadBalancer", "Processing"]],
  );
  await h.advanceClock(SETTLE_MS);
  const lb = await h.cloud.alb.waitForLoadBalancerActive(id, { pollIntervalMs: 10 });
  assert.equal(lb.loadBalancerStatus, "Active");
  assert.equal((await h.cloud.alb.listAsynJobs({ resourceIds: [id] }))[0]?.status, "Succeeded");
  assert.equal(lb.loadBalancerName, "alb-roundtrip");
  assert.equal(lb.vpcId, VPC_ID);
  assert.equal(lb.addressType, "Internet");
  assert.equal(lb.loadBalancerEdition, "Standard");
  assert.equal(lb.payType, "PostPay");
  assert.equal(lb.deletionProtectionEnabled, false);
  assert.deepEqual(lb.modificationProtection, { status: "NonProtection" });
  assert.deepEqual(lb.operationLocks, []);
  assert.ok(lb.dnsName.startsWith(`${id}.`), "a DNS name is assigned");
  assert.deepEqual(
    lb.zoneMappings.map((z) => ({ zoneId: z.zoneId, vSwitchId: z.vSwitchId })),
    ZONES,
  );
  assert.ok(
    lb.zoneMappings.every((z) => z.address),
    "every zone has an address",
  );
  assert.deepEqual(lb.tags, TAGS);

  for (const query of [
    { loadBalancerIds: [id] },
    { loadBalancerNames: ["alb-roundtrip"] },
    { tags: TAGS, vpcIds: [VPC_ID] },
  ]) {
    const found = await h.cloud.alb.listLoadBalancers(query);
    assert.deepEqual(found, [lb], JSON.stringify(query));
  }

  const { jobId } = await h.cloud.alb.updateLoadBalancer(id, {
    loadBalancerName: "alb-renamed",
    modificationProtection: { status: "ConsoleProtection", reason: "managed-by-k8s" },
  });
  assert.ok(jobId, "UpdateLoadBalancerAttribute answers a JobId");
  await h.advanceClock(SETTLE_MS);
  await h.cloud.alb.waitForJobs([jobId], { pollIntervalMs: 10 });
  const renamed = await h.cloud.alb.getLoadBalancer(id);
  assert.equal(renamed.loadBalancerName, "alb-renamed");
  assert.deepEqual(renamed.modificationProtection, { status: "ConsoleProtection", reason: "managed-by-k8s" });
  assert.deepEqual(await h.cloud.alb.updateLoadBalancer(id, {}), {}, "nothing to change: no call");

  await h.cloud.alb.setDeletionProtection(id, true);
  assert.equal((await h.cloud.alb.getLoadBalancer(id)).deletionProtectionEnabled, true);
  await assert.rejects(h.cloud.alb.deleteLoadBalancer(id), (e) => isCloudError(e, "Conflict"));
  await h.advanceClock(SETTLE_MS);
  await h.cloud.alb.deleteLoadBalancer(id, { disableProtection: true });
  await assert.rejects(h.cloud.alb.getLoadBalancer(id), (e) => isCloudError(e, "NotFound"));
  assert.deepEqual(await h.cloud.alb.deleteLoadBalancer(id), {}, "already gone counts as done");
});

test("zone mappings: two different zones, each vSwitch in its own zone", async () => {
  const create = (zoneMappings: Array<{ zoneId: string; vSwitchId: string }>) =>
    h.cloud.alb.createLoadBalancer({
      loadBalancerName: "alb-zones",
      vpcId: VPC_ID,
      addressType: "Intranet",
      loadBalancerEdition: "Basic",
      payType: "PostPay",
      zoneMappings,
      tags: [],
      clientToken: clientTokenFor("uid-zones", JSON.stringify(zoneMappings)),
    });
  const bad = (e: unknown) => isCloudError(e, "InvalidParameter") && e.code === "InvalidParameter";
  await assert.rejects(create([ZONES[0]]), bad);
  await assert.rejects(
    create([ZONES[0], { zoneId: "cn-hangzhou-h", vSwitchId: "vsw-bp1emulatorzonej0001" }]),
    bad,
  );
  await assert.rejects(
    create([ZONES[0], { zoneId: "cn-hangzhou-h", vSwitchId: "vsw-bp1otherzoneh000001" }]),
    bad,
  );
  await assert.rejects(
    create([ZONES[0], { zoneId: "cn-hangzhou-z", vSwitchId: "vsw-bp1otherzonez000001" }]),
    bad,
  );
});

test("VPC vSwitch lookups: the default VPC has vSwitches in at least two zones", async () => {
  const all = await h.cloud.vpc.listVSwitches({ vpcId: VPC_ID });
  assert.ok(new Set(all.map((v) => v.zoneId)).size >= 2, JSON.stringify(all));
  assert.ok(all.every((v) => v.vpcId === VPC_ID && v.status === "Available"));
  const inH = await h.cloud.vpc.listVSwitches({ vpcId: VPC_ID, zoneId: "cn-hangzhou-h" });
  assert.deepEqual(
    inH.map((v) => v.vSwitchId),
    ["vsw-bp1emulatorzoneh0001"],
  );
  const byId = await h.cloud.vpc.listVSwitches({ vSwitchIds: ["vsw-bp1emulatorzonei0001"] });
  assert.deepEqual(
    byId.map((v) => [v.vSwitchId, v.zoneId]),
    [["vsw-bp1emulatorzonei0001", "cn-hangzhou-i"]],
  );
  const small = h.provider({ pageSize: 1 });
  assert.deepEqual(await small.cloud.vpc.listVSwitches({ vpcId: VPC_ID }), all, "paged to the end");
});

/** Sets the emulator's transition durations (virtual ms) for one test. */
async function transitions(t: Record<string, number>): Promise<void> {
  const res = await fetch(`${h.url}/_emulator/transitions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(t),
  });
  assert.equal(res.status, 200, await res.text());
}

test("busy: a Provisioning instance, a Configuring instance and a Provisioning listener refuse changes (retryable)", async (t) => {
  // Windows far longer than a loaded machine takes between two calls; the clock is moved explicitly.
  await transitions({ albConfiguringMs: 60_000 });
  t.after(() => transitions({ albConfiguringMs: 300 }));
  const noRetry = h.provider({ maxRetries: 0 });
  const lb = await newAlb("alb-busy");
  const sg = await newGroup("sg-busy");
  const listen = (port: number) =>
    noRetry.cloud.alb.createListener({
      loadBalancerId: lb,
      listenerPort: port,
      listenerProtocol: "HTTP",
      defaultServerGroupId: sg,
      clientToken: clientTokenFor("uid-busy", `alb:listener:${port}`),
    });
  await assert.rejects(
    listen(80),
    (e) => isCloudError(e, "Busy") && e.code === "IncorrectStatus.LoadBalancer" && e.retryable,
  );
  await h.advanceClock(SETTLE_MS);
  await listen(80);
  // The instance applies that change for a while: another one meanwhile meets the lock.
  await assert.rejects(listen(81), (e) => isCloudError(e, "Busy") && e.code === "Conflict.Lock");
  assert.equal((await h.cloud.alb.getLoadBalancer(lb)).loadBalancerStatus, "Configuring");
  await h.advanceClock(60_000);
  // The instance is free again; a new listener is Provisioning again.
  await transitions({ albMs: 120_000 });
  t.after(() => transitions({ albMs: ALB_MS }));
  const { listenerId } = await listen(81);
  await h.advanceClock(60_000);
  // The instance is free again, the new listener still Provisioning.
  const rule: AlbRuleSpec = {
    priority: 1,
    ruleName: "r",
    conditions: [{ type: "Path", values: ["/x"] }],
    actions: [
      { order: 1, type: "ForwardGroup", forwardGroup: { serverGroupTuples: [{ serverGroupId: sg }] } },
    ],
  };
  await assert.rejects(
    noRetry.cloud.alb.createRules(listenerId, [rule], clientTokenFor("uid-busy", "rules")),
    (e) => isCloudError(e, "Busy") && e.code === "IncorrectStatus.Listener",
  );
  await h.advanceClock(120_000);
  const { ruleIds } = await noRetry.cloud.alb.createRules(
    listenerId,
    [rule],
    clientTokenFor("uid-busy", "rules"),
  );
  assert.equal(ruleIds.length, 1);
  // Server groups: one change at a time.
  const servers: AlbServer[] = [{ serverId: "i-bp1busy000000001", serverType: "Ecs", port: 80, weight: 100 }];
  await noRetry.cloud.alb.addServers(sg, servers);
  await assert.rejects(
    noRetry.cloud.alb.removeServers(sg, servers),
    (e) => isCloudError(e, "Busy") && e.code === "IncorrectStatus.ServerGroup",
  );
});

test("server groups: API defaults, update, servers in batches of 200, replace, remove, delete in use", async () => {
  const sgTags = [{ key: "owner", value: "ns/ingress" }];
  const { serverGroupId: sg } = await h.cloud.alb.createServerGroup({
    serverGroupName: "sg-web",
    serverGroupType: "Instance",
    vpcId: VPC_ID,
    healthCheckConfig: { healthCheckEnabled: true },
    tags: sgTags,
    clientToken: clientTokenFor("uid-sg-web", "alb:sg"),
  });
  const [group] = await h.cloud.alb.listServerGroups({ serverGroupIds: [sg] });
  assert.deepEqual(group, {
    serverGroupId: sg,
    serverGroupName: "sg-web",
    serverGroupType: "Instance",
    serverGroupStatus: "Available",
    protocol: "HTTP",
    vpcId: VPC_ID,
    scheduler: "Wrr",
    healthCheckConfig: {
      healthCheckEnabled: true,
      healthCheckProtocol: "HTTP",
      healthCheckMethod: "HEAD",
      healthCheckPath: "/",
      healthCheckCodes: ["http_2xx"],
      healthCheckConnectPort: 0,
      healthCheckInterval: 2,
      healthCheckTimeout: 5,
      healthyThreshold: 3,
      unhealthyThreshold: 3,
      healthCheckHttpVersion: "HTTP1.1",
    },
    stickySessionConfig: { stickySessionEnabled: false, cookieTimeout: 1000 },
    upstreamKeepaliveEnabled: false,
    serverCount: 0,
    relatedLoadBalancerIds: [],
    tags: sgTags,
  });

  await h.cloud.alb.updateServerGroup(sg, {
    scheduler: "Wlc",
    healthCheckConfig: {
      healthCheckEnabled: true,
      healthCheckMethod: "GET",
      healthCheckPath: "/healthz",
      healthCheckCodes: ["http_2xx", "http_3xx"],
      healthCheckTimeout: 3,
    },
    stickySessionConfig: { stickySessionEnabled: true, stickySessionType: "Insert", cookieTimeout: 500 },
  });
  await h.advanceClock(SETTLE_MS);
  const [updated] = await h.cloud.alb.listServerGroups({ serverGroupNames: ["sg-web"] });
  assert.equal(updated.scheduler, "Wlc");
  assert.equal(updated.healthCheckConfig.healthCheckMethod, "GET");
  assert.equal(updated.healthCheckConfig.healthCheckPath, "/healthz");
  assert.deepEqual(updated.healthCheckConfig.healthCheckCodes, ["http_2xx", "http_3xx"]);
  assert.equal(updated.healthCheckConfig.healthCheckTimeout, 3);
  assert.equal(updated.healthCheckConfig.healthCheckInterval, 2, "untouched fields keep their value");
  assert.deepEqual(updated.stickySessionConfig, {
    stickySessionEnabled: true,
    stickySessionType: "Insert",
    cookieTimeout: 500,
  });

  // 250 servers: two AddServersToServerGroup calls (200 + 50).
  const servers: AlbServer[] = Array.from({ length: 250 }, (_, i) => ({
    serverId: `i-bp1albnode${String(i).padStart(9, "0")}`,
    serverType: "Ecs",
    port: 30080,
    weight: 100,
    description: "ns/svc",
  }));
  const addCalls = await callsDuring("AddServersToServerGroup", async () => {
    await h.cloud.alb.addServers(sg, servers.slice(0, 200));
    await h.advanceClock(SETTLE_MS);
    await h.cloud.alb.addServers(sg, servers.slice(200));
  });
  assert.equal(addCalls, 2);
  assert.equal(Math.ceil(servers.length / ALB_BATCH_LIMITS.serversPerCall), 2);
  let listed = await h.cloud.alb.listServerGroupServers(sg);
  assert.equal(listed.length, 250);
  // Every group carrying the tags in one paged listing (no ServerGroupId): each server names its group, and a
  // group without the tags is left out.
  const { serverGroupId: other } = await h.cloud.alb.createServerGroup({
    serverGroupName: "sg-other",
    serverGroupType: "Instance",
    vpcId: VPC_ID,
    healthCheckConfig: { healthCheckEnabled: false },
    tags: [{ key: "owner", value: "ns/other" }],
    clientToken: clientTokenFor("uid-sg-other", "alb:sg"),
  });
  await h.cloud.alb.addServers(other, servers.slice(0, 1));
  const listCalls = await callsDuring("ListServerGroupServers", async () => {
    const tagged = await h.cloud.alb.listServersOfTaggedGroups(sgTags);
    assert.equal(tagged.length, 250);
    assert.deepEqual([...new Set(tagged.map((s) => s.serverGroupId))], [sg]);
    assert.deepEqual(
      tagged.map(({ serverGroupId: _g, ...rest }) => rest),
      listed,
    );
  });
  assert.equal(listCalls, Math.ceil(250 / 100), "pages of 100");
  assert.deepEqual(
    (await h.cloud.alb.listServersOfTaggedGroups([{ key: "owner", value: "ns/other" }])).map((s) => [
      s.serverGroupId,
      s.serverId,
    ]),
    [[other, servers[0].serverId]],
  );
  assert.deepEqual(
    listed.map((s) => s.status),
    [...Array<string>(200).fill("Available"), ...Array<string>(50).fill("Adding")],
  );
  await h.advanceClock(SETTLE_MS);
  listed = await h.cloud.alb.listServerGroupServers(sg);
  assert.deepEqual(listed[0], { ...servers[0], status: "Available" });

  // Replace: 249 out, one moves port, one ENI in, in one job.
  const eni: AlbServer = {
    serverId: "eni-bp1albeni00000001",
    serverType: "Eni",
    serverIp: "192.168.1.9",
    port: 8080,
    weight: 50,
  };
  // The second call meets the group still Configuring from the first: retried until it is free (0.3 s).
  const patient = h.provider({ maxRetries: 12, retryBaseMs: 50, retryCapMs: 400 });
  const jobs = await patient.cloud.alb.replaceServers(sg, [eni, { ...servers[249], port: 30081 }], servers);
  assert.equal(jobs.length, 2, "250 removals: two calls");
  await h.advanceClock(SETTLE_MS);
  listed = await h.cloud.alb.listServerGroupServers(sg);
  assert.deepEqual(
    listed.map((s) => [s.serverId, s.port, s.serverIp]).sort(),
    [
      [eni.serverId, 8080, "192.168.1.9"],
      [servers[249].serverId, 30081, undefined],
    ].sort(),
  );
  // Weights change in place (UpdateServerGroupServersAttribute): Configuring, then Available.
  await h.cloud.alb.updateServers(sg, [{ ...eni, weight: 10 }]);
  let eniNow = (await h.cloud.alb.listServerGroupServers(sg)).find((s) => s.serverId === eni.serverId);
  assert.deepEqual([eniNow?.weight, eniNow?.status], [10, "Configuring"]);
  await h.advanceClock(SETTLE_MS);
  eniNow = (await h.cloud.alb.listServerGroupServers(sg)).find((s) => s.serverId === eni.serverId);
  assert.deepEqual([eniNow?.weight, eniNow?.status], [10, "Available"]);
  await assert.rejects(
    h.cloud.alb.updateServers(sg, [{ ...eni, port: 9999 }]),
    (e) => isCloudError(e, "NotFound") && e.code === "ResourceNotFound.BackendServer",
  );
  await h.cloud.alb.removeServers(sg, [eni]);
  await h.advanceClock(SETTLE_MS);
  assert.deepEqual(
    (await h.cloud.alb.listServerGroupServers(sg)).map((s) => s.serverId),
    [servers[249].serverId],
  );

  const lb = await newAlb("alb-sg-in-use");
  await h.advanceClock(SETTLE_MS);
  const listenerId = await newListener(lb, 80, sg);
  assert.deepEqual((await h.cloud.alb.listServerGroups({ serverGroupIds: [sg] }))[0].relatedLoadBalancerIds, [
    lb,
  ]);
  const noRetry = h.provider({ maxRetries: 0 });
  await assert.rejects(
    noRetry.cloud.alb.deleteServerGroup(sg),
    (e) => isCloudError(e) && e.code === "ResourceInUse.ServerGroup",
  );
  await h.cloud.alb.deleteListener(listenerId);
  await h.advanceClock(SETTLE_MS);
  await h.cloud.alb.deleteServerGroup(sg);
  assert.deepEqual(await h.cloud.alb.listServerGroups({ tags: sgTags }), []);
  assert.deepEqual(await h.cloud.alb.deleteServerGroup(sg), {}, "already gone counts as done");
});

test("listeners: defaults, HTTPS with a CAS certificate, additional certificates, update, stop/start, ACLs", async () => {
  const lb = await newAlb("alb-listeners");
  const sg = await newGroup("sg-listeners");
  const sg2 = await newGroup("sg-listeners-2");
  await h.advanceClock(SETTLE_MS);
  const http = await newListener(lb, 80, sg);
  const https = await newListener(lb, 443, sg, true);
  const listeners = await h.cloud.alb.listListeners(lb);
  assert.deepEqual(
    listeners.map((l) => [l.listenerPort, l.listenerProtocol, l.listenerStatus]),
    [
      [80, "HTTP", "Running"],
      [443, "HTTPS", "Running"],
    ],
  );
  const [h80, h443] = listeners;
  assert.deepEqual(
    { ...h80, xForwardedForConfig: h80.xForwardedForConfig?.xForwardedForEnabled },
    {
      listenerId: http,
      loadBalancerId: lb,
      listenerPort: 80,
      listenerProtocol: "HTTP",
      listenerStatus: "Running",
      listenerDescription: "",
      idleTimeout: 15,
      requestTimeout: 60,
      gzipEnabled: true,
      http2Enabled: false,
      securityPolicyId: undefined,
      defaultCertificateId: undefined,
      defaultServerGroupId: sg,
      xForwardedForConfig: true,
      tags: [],
    },
  );
  assert.equal(h443.http2Enabled, true);
  assert.equal(h443.securityPolicyId, "tls_cipher_policy_1_0");
  assert.equal(h443.defaultCertificateId, CERT);

  await assert.rejects(
    h.cloud.alb.createListener({
      loadBalancerId: lb,
      listenerPort: 8443,
      listenerProtocol: "HTTPS",
      defaultServerGroupId: sg,
      defaultCertificateId: "99999999-cn-hangzhou",
      clientToken: clientTokenFor("uid-l", "8443"),
    }),
    (e) => isCloudError(e, "NotFound") && e.code === "ResourceNotFound.Certificate",
  );

  // 21 additional certificates would be two calls; the emulator knows 4, so two of them, one call.
  const calls = await callsDuring("AssociateAdditionalCertificatesWithListener", () =>
    h.cloud.alb.associateAdditionalCertificates(https, [WILDCARD_CERT, "12000003-cn-hangzhou"]),
  );
  assert.equal(calls, 1);
  await h.advanceClock(SETTLE_MS);
  assert.deepEqual(
    (await h.cloud.alb.listListenerCertificates(https)).map((c) => [c.certificateId, c.isDefault, c.status]),
    [
      [CERT, true, "Associated"],
      [WILDCARD_CERT, false, "Associated"],
      ["12000003-cn-hangzhou", false, "Associated"],
    ],
  );
  await h.cloud.alb.dissociateAdditionalCertificates(https, ["12000003-cn-hangzhou"]);
  await h.advanceClock(SETTLE_MS);
  assert.deepEqual(
    (await h.cloud.alb.listListenerCertificates(https)).map((c) => c.certificateId),
    [CERT, WILDCARD_CERT],
  );

  await h.cloud.alb.updateListener(https, {
    listenerDescription: "ingress https",
    idleTimeout: 30,
    requestTimeout: 120,
    gzipEnabled: false,
    http2Enabled: false,
    securityPolicyId: "tls_cipher_policy_1_2",
    defaultCertificateId: WILDCARD_CERT,
    defaultServerGroupId: sg2,
    xForwardedForConfig: { xForwardedForProtoEnabled: true },
  });
  await h.advanceClock(SETTLE_MS);
  const changed = await h.cloud.alb.getListener(https);
  assert.equal(changed.listenerDescription, "ingress https");
  assert.equal(changed.idleTimeout, 30);
  assert.equal(changed.requestTimeout, 120);
  assert.equal(changed.gzipEnabled, false);
  assert.equal(changed.http2Enabled, false);
  assert.equal(changed.securityPolicyId, "tls_cipher_policy_1_2");
  assert.equal(changed.defaultCertificateId, WILDCARD_CERT);
  assert.equal(changed.defaultServerGroupId, sg2);
  assert.equal(changed.xForwardedForConfig?.xForwardedForProtoEnabled, true);
  assert.deepEqual(
    (await h.cloud.alb.listListenerCertificates(https))
      .filter((c) => c.isDefault)
      .map((c) => c.certificateId),
    [WILDCARD_CERT],
  );
  assert.deepEqual(await h.cloud.alb.updateListener(https, {}), {}, "nothing to change: no call");

  const policies = await h.cloud.alb.listSystemSecurityPolicies();
  assert.ok(
    policies.some((p) => p.securityPolicyId === "tls_cipher_policy_1_0" && p.tlsVersions.includes("TLSv1.2")),
  );

  await h.cloud.alb.stopListener(http);
  await h.advanceClock(SETTLE_MS);
  assert.equal((await h.cloud.alb.getListener(http)).listenerStatus, "Stopped");
  await h.cloud.alb.startListener(http);
  await h.advanceClock(SETTLE_MS);
  assert.equal((await h.cloud.alb.getListener(http)).listenerStatus, "Running");

  // ACLs: 25 entries are two AddEntriesToAcl calls.
  const { aclId } = await h.cloud.alb.createAcl({
    aclName: "acl-alb-listeners-80",
    tags: TAGS,
    clientToken: clientTokenFor("uid-acl", "acl"),
  });
  const entries = Array.from({ length: 25 }, (_, i) => ({ entry: `10.0.${i}.0/24`, description: `e${i}` }));
  const entryCalls = await callsDuring("AddEntriesToAcl", async () => {
    await h.cloud.alb.addAclEntries(aclId, entries.slice(0, 20));
    await h.advanceClock(SETTLE_MS);
    await h.cloud.alb.addAclEntries(aclId, entries.slice(20));
  });
  assert.equal(entryCalls, 2);
  assert.deepEqual(await h.cloud.alb.listAclEntries(aclId), entries);
  assert.deepEqual(
    (await h.cloud.alb.listAcls({ aclNames: ["acl-alb-listeners-80"] })).map((a) => [a.aclId, a.tags]),
    [[aclId, TAGS]],
  );
  await h.advanceClock(SETTLE_MS);
  await h.cloud.alb.removeAclEntries(aclId, ["10.0.0.0/24"]);
  assert.equal((await h.cloud.alb.listAclEntries(aclId)).length, 24);
  await h.cloud.alb.associateAclsWithListener(http, [aclId], "White");
  await h.advanceClock(SETTLE_MS);
  assert.deepEqual((await h.cloud.alb.getListener(http)).aclConfig, { aclType: "White", aclIds: [aclId] });
  await assert.rejects(
    h.cloud.alb.deleteAcl(aclId),
    (e) => isCloudError(e, "Conflict") && e.code === "ResourceInUse.Acl",
  );
  await h.cloud.alb.dissociateAclsFromListener(http, [aclId]);
  await h.advanceClock(SETTLE_MS);
  assert.equal((await h.cloud.alb.getListener(http)).aclConfig, undefined);
  await h.cloud.alb.deleteAcl(aclId);
  assert.deepEqual(await h.cloud.alb.listAcls({ aclIds: [aclId] }), []);

  await h.cloud.alb.deleteListener(http);
  await h.advanceClock(SETTLE_MS);
  await h.cloud.alb.deleteListener(https);
  await h.advanceClock(SETTLE_MS);
  assert.deepEqual(await h.cloud.alb.listListeners(lb), []);
  assert.deepEqual(await h.cloud.alb.deleteListener(http), {}, "already gone counts as done");
});

test("rules: batch create (10 per call), every condition and action kind round-trips, batch update and delete", async () => {
  const lb = await newAlb("alb-rules");
  const sg = await newGroup("sg-rules");
  const canary = await newGroup("sg-rules-canary");
  await h.advanceClock(SETTLE_MS);
  const listenerId = await newListener(lb, 80, sg);

  const conditions: AlbRuleCondition[] = [
    { type: "Host", values: ["www.example.com"] },
    { type: "Path", values: ["/api", "/api/*"] },
    { type: "Header", key: "x-env", values: ["canary"] },
    { type: "QueryString", key: "v", values: ["2"] },
    { type: "Cookie", key: "beta", values: ["always"] },
    { type: "Method", values: ["GET", "POST"] },
    { type: "SourceIp", values: ["10.0.0.0/8"] },
  ];
  const weighted: AlbRuleAction = {
    order: 1,
    type: "ForwardGroup",
    forwardGroup: {
      serverGroupTuples: [
        { serverGroupId: sg, weight: 80 },
        { serverGroupId: canary, weight: 20 },
      ],
    },
  };
  const kinds: AlbRuleAction[][] = [
    [weighted],
    [
      {
        order: 1,
        type: "Redirect",
        redirect: {
          protocol: "HTTPS",
          port: "443",
          httpCode: "308",
          host: "${host}",
          path: "${path}",
          query: "${query}",
        },
      },
    ],
    [
      {
        order: 1,
        type: "FixedResponse",
        fixedResponse: { httpCode: "404", content: "nope", contentType: "text/plain" },
      },
    ],
    [
      { order: 1, type: "Rewrite", rewrite: { host: "${host}", path: "/v2/$1", query: "${query}" } },
      {
        order: 2,
        type: "InsertHeader",
        insertHeader: { key: "x-from", value: "alb", valueType: "UserDefined" },
      },
      { order: 3, type: "RemoveHeader", removeHeader: { key: "x-debug" } },
      { order: 4, type: "TrafficLimit", trafficLimit: { qps: 100, perIpQps: 10 } },
      { order: 5, type: "ForwardGroup", forwardGroup: { serverGroupTuples: [{ serverGroupId: sg }] } },
    ],
    [
      {
        order: 1,
        type: "Cors",
        cors: {
          allowOrigin: ["*"],
          allowMethods: ["GET"],
          allowHeaders: ["x-a"],
          exposeHeaders: ["x-b"],
          allowCredentials: "on",
          maxAge: 600,
        },
      },
      { order: 2, type: "ForwardGroup", forwardGroup: { serverGroupTuples: [{ serverGroupId: sg }] } },
    ],
  ];
  const specs: AlbRuleSpec[] = Array.from({ length: 23 }, (_, i) => ({
    priority: i + 1,
    ruleName: `rule-80-${i + 1}`,
    conditions: i === 0 ? conditions : [{ type: "Path", values: [`/p${i}`] }],
    actions: kinds[i % kinds.length],
  }));
  let result: { ruleIds: string[]; jobIds: string[] } = { ruleIds: [], jobIds: [] };
  const token = clientTokenFor("uid-rules", "create");
  // Each batch locks the listener for a moment (0.3 s): the transport retries (Busy) until it is free again.
  const patient = h.provider({ maxRetries: 12, retryBaseMs: 50, retryCapMs: 400 });
  const calls = await callsDuring("CreateRules", async () => {
    result = await patient.cloud.alb.createRules(listenerId, specs, token);
  });
  assert.equal(calls, Math.ceil(23 / ALB_BATCH_LIMITS.rulesPerCall));
  assert.equal(result.jobIds.length, 3);
  assert.equal(new Set(result.ruleIds).size, 23);
  assert.ok(result.ruleIds.every((id) => /^rule-/.test(id)));
  await h.advanceClock(SETTLE_MS);
  await h.cloud.alb.waitForJobs(result.jobIds, { pollIntervalMs: 10 });

  let rules = await h.cloud.alb.listRules(listenerId);
  assert.deepEqual(
    rules.map((r) => r.ruleId),
    result.ruleIds,
    "listed by priority, in the order given",
  );
  specs.forEach((spec, i) =>
    assert.deepEqual(
      rules[i],
      {
        ...spec,
        ruleId: result.ruleIds[i],
        listenerId,
        loadBalancerId: lb,
        ruleStatus: "Available",
        direction: "Request",
      },
      spec.ruleName,
    ),
  );

  // A retried CreateRules (same token) is replayed, not duplicated.
  await h.cloud.alb.createRules(listenerId, specs.slice(0, 10), token).catch(() => undefined);
  assert.equal((await h.cloud.alb.listRules(listenerId)).length, 23);

  // Priority clash: Conflict.
  const noRetry = h.provider({ maxRetries: 0 });
  await h.advanceClock(SETTLE_MS);
  await assert.rejects(
    noRetry.cloud.alb.createRules(
      listenerId,
      [{ ...specs[1], ruleName: "dup" }],
      clientTokenFor("uid-rules", "dup"),
    ),
    (e) => isCloudError(e, "Conflict"),
  );

  // Update 12: two calls; swap the priorities of the first two in one batch.
  const updates = result.ruleIds.slice(0, 12).map((ruleId, i) => ({
    ruleId,
    priority: i === 0 ? 2 : i === 1 ? 1 : 100 + i,
    ...(i === 0 ? { conditions: [{ type: "Host" as const, values: ["api.example.com"] }] } : {}),
  }));
  await h.advanceClock(SETTLE_MS);
  const updateCalls = await callsDuring("UpdateRulesAttribute", () => patient.cloud.alb.updateRules(updates));
  assert.equal(updateCalls, 2);
  await h.advanceClock(SETTLE_MS);
  rules = await h.cloud.alb.listRules(listenerId);
  const first = rules.find((r) => r.ruleId === result.ruleIds[0]);
  assert.equal(first?.priority, 2);
  assert.deepEqual(first?.conditions, [{ type: "Host", values: ["api.example.com"] }]);
  assert.deepEqual(first?.actions, specs[0].actions, "actions untouched");
  assert.equal(rules.find((r) => r.ruleId === result.ruleIds[1])?.priority, 1);

  // Delete all 23 in one DeleteRules call (at most 100 per call); deleting again is a no-op.
  const deleteCalls = await callsDuring("DeleteRules", () => h.cloud.alb.deleteRules(result.ruleIds));
  assert.equal(deleteCalls, 1);
  await h.advanceClock(SETTLE_MS);
  assert.deepEqual(await h.cloud.alb.listRules(listenerId), []);
  await h.cloud.alb.deleteRules(result.ruleIds);
});

test("tags: TagResources, UnTagResources and ListTagResources on instances and server groups", async () => {
  const lb = await newAlb("alb-tags");
  const sg = await newGroup("sg-tags", []);
  const extra = [
    { key: "team", value: "web" },
    { key: "env", value: "prod" },
  ];
  await h.cloud.alb.tagResources("loadbalancer", [lb], extra);
  await h.cloud.alb.tagResources("servergroup", [sg], extra);
  const lbTags = await h.cloud.alb.listTagResources({ resourceType: "loadbalancer", resourceIds: [lb] });
  assert.deepEqual(
    lbTags.map((t) => t.tag),
    [...TAGS, ...extra],
  );
  assert.deepEqual(
    (
      await h.cloud.alb.listTagResources({
        resourceType: "servergroup",
        tags: [{ key: "team", value: "web" }],
      })
    )
      .filter((t) => t.resourceId === sg)
      .map((t) => t.tag.key),
    ["team", "env"],
  );
  await h.cloud.alb.untagResources("loadbalancer", [lb], ["team"]);
  assert.deepEqual((await h.cloud.alb.getLoadBalancer(lb)).tags, [...TAGS, { key: "env", value: "prod" }]);
  await h.cloud.alb.untagResources("servergroup", [sg]);
  assert.deepEqual((await h.cloud.alb.listServerGroups({ serverGroupIds: [sg] }))[0].tags, []);
  await assert.rejects(h.cloud.alb.tagResources("loadbalancer", ["alb-bp1doesnotexist000000"], extra), (e) =>
    isCloudError(e, "NotFound"),
  );
});

test("CAS certificates: listed with domains, found by keyword, detail by id, ALB ids", async () => {
  const all = await h.cloud.cas.listCertificates();
  assert.deepEqual(
    all.map((c) => [c.certIdentifier, c.commonName, c.expired]),
    [
      [CERT, "cafe.example.com", false],
      [WILDCARD_CERT, "*.example.com", false],
      ["12000003-cn-hangzhou", "foo.bar.com", false],
      ["12000004-cn-hangzhou", "old.example.com", true],
    ],
  );
  assert.deepEqual(all[1].sans, ["*.example.com", "example.com"]);
  assert.deepEqual(
    (await h.cloud.cas.listCertificates({ keyword: "bar.com" })).map((c) => c.certId),
    [12000003],
  );
  const small = h.provider({ pageSize: 1 });
  assert.deepEqual(await small.cloud.cas.listCertificates(), all, "paged with CurrentPage/ShowSize");
  assert.deepEqual(await h.cloud.cas.getCertificate(12000001), all[0]);
  await assert.rejects(h.cloud.cas.getCertificate(1), (e) => isCloudError(e, "NotFound"));
});

test("injected throttling and busy errors on ALB actions are retried; the batch is applied once", async () => {
  const lb = await newAlb("alb-faults");
  const sg = await newGroup("sg-faults");
  await h.advanceClock(SETTLE_MS);
  const listenerId = await newListener(lb, 80, sg);
  await h.addFault({
    match: { product: "alb", action: "CreateRules" },
    failNext: 2,
    error: {
      httpStatus: 400,
      code: "Throttling.User",
      message: "Request was denied due to user flow control.",
    },
  });
  await h.addFault({
    match: { product: "alb", action: "AddServersToServerGroup" },
    failNext: 1,
    error: { httpStatus: 400, code: "IncorrectStatus.ServerGroup", message: "busy" },
  });
  // An ambiguous answer: the rules are created, the answer lost; the retry is replayed by its ClientToken.
  await h.addFault({
    match: { product: "alb", action: "CreateRules" },
    failNext: 1,
    phase: "post",
    error: { httpStatus: 503, code: "ServiceUnavailable", message: "x" },
  });
  const specs: AlbRuleSpec[] = [1, 2, 3].map((p) => ({
    priority: p,
    ruleName: `r${p}`,
    conditions: [{ type: "Path", values: [`/f${p}`] }],
    actions: [
      { order: 1, type: "ForwardGroup", forwardGroup: { serverGroupTuples: [{ serverGroupId: sg }] } },
    ],
  }));
  const { ruleIds } = await h.cloud.alb.createRules(listenerId, specs, clientTokenFor("uid-faults", "rules"));
  await h.cloud.alb.addServers(sg, [
    { serverId: "i-bp1faults00000001", serverType: "Ecs", port: 80, weight: 100 },
  ]);
  await h.clearFaults();
  const rules = await h.cloud.alb.listRules(listenerId);
  assert.deepEqual(
    rules.map((r) => r.ruleId),
    ruleIds,
    "no duplicate rules",
  );
  assert.equal((await h.cloud.alb.listServerGroupServers(sg)).length, 1);
  const retried = h.events.filter((e) => e.type === "retry" && e.action === "alb:CreateRules");
  assert.ok(retried.length >= 3, JSON.stringify(retried));
});
