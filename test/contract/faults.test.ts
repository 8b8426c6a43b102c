// Retries under injected faults, and idempotent creates after a lost response.
import test, { after, before, afterEach } from "node:test";
import assert from "node:assert/strict";
import { clientTokenFor, isCloudError } from "../../src/cloud";
import { startHarness, type Harness } from "./harness";

let h: Harness;
before(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.clearFaults();
});
after(async () => {
  await h?.close();
});

test("SLB calls succeed under 20% injected throttling, by retrying with backoff", async () => {
  await h.addFault({
    match: { product: "slb" },
    probability: 0.2,
    error: {
      httpStatus: 400,
      code: "Throttling.User",
      message: "Request was denied due to user flow control.",
    },
  });
  const retriesBefore = h.events.filter((e) => e.type === "retry").length;
  const tag = { key: "throttle-test", value: "1" };
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) {
    const { loadBalancerId } = await h.cloud.slb.createLoadBalancer({
      loadBalancerName: `lb-throttle-${i}`,
      tags: [tag],
      clientToken: clientTokenFor("uid-throttle", `clb:create:${i}`),
    });
    ids.push(loadBalancerId);
    const { vServerGroupId } = await h.cloud.slb.createVServerGroup(
      loadBalancerId,
      `k8s/80/web-${i}/default/cid`,
      [],
    );
    await h.cloud.slb.createListener(loadBalancerId, {
      listenerPort: 80,
      listenerProtocol: "tcp",
      vServerGroupId,
    });
    await h.cloud.slb.startListener(loadBalancerId, 80, "tcp");
    assert.equal((await h.cloud.slb.getLoadBalancer(loadBalancerId)).loadBalancerName, `lb-throttle-${i}`);
  }
  await h.clearFaults();
  const found = await h.cloud.slb.findLoadBalancers({ tags: [tag] });
  assert.deepEqual(
    found.map((l) => l.loadBalancerId).sort(),
    [...ids].sort(),
    "exactly one LB per create, despite retries",
  );
  const retries = h.events.filter((e) => e.type === "retry").slice(retriesBefore);
  assert.ok(retries.length > 0, "the fault fired and the adapter retried");
  assert.ok(retries.every((e) => e.type === "retry" && e.kind === "Throttled"));
  const throttled = (await h.requests()).filter((r) => r.code === "Throttling.User");
  assert.ok(throttled.length > 0, "the emulator logged throttled answers");
});

test("idempotent create after a simulated crash: the LB is created, the answer lost, the retry returns the same LB", async () => {
  await h.addFault({
    match: { product: "slb", action: "CreateLoadBalancer" },
    failNext: 1,
    phase: "post",
    error: {
      httpStatus: 503,
      code: "ServiceUnavailable",
      message: "The request has failed due to a temporary failure of the server.",
    },
  });
  const tag = { key: "kubernetes.do.not.delete", value: "acrashretry0000000000000000000001" };
  const clientToken = clientTokenFor("uid-crash", "clb:create");
  const since = await h.mark();
  const { loadBalancerId } = await h.cloud.slb.createLoadBalancer({
    loadBalancerName: "lb-crash",
    tags: [tag],
    clientToken,
  });

  const found = await h.cloud.slb.findLoadBalancers({ tags: [tag] });
  assert.deepEqual(
    found.map((l) => l.loadBalancerId),
    [loadBalancerId],
    "exactly one LB exists",
  );

  const creates = (await since()).filter((r) => r.action === "CreateLoadBalancer");
  assert.equal(creates.length, 2, "first attempt (answer lost) + one retry");
  assert.equal(creates[0]?.status, 503);
  assert.ok(creates[0]?.fault?.length, "the first answer was the injected post-phase fault");
  assert.equal(creates[1]?.status, 200);
  assert.equal(
    creates[1]?.replayed,
    true,
    "the retry carried the same ClientToken and was answered from the first result",
  );
});

test("a crash-and-restart of the operator re-sends the same token and gets the same LB", async () => {
  const tag = { key: "kubernetes.do.not.delete", value: "arestart00000000000000000000001" };
  const req = {
    loadBalancerName: "lb-restart",
    tags: [tag],
    clientToken: clientTokenFor("uid-restart", "clb:create"),
  };
  const first = await h.cloud.slb.createLoadBalancer(req);
  const restarted = h.provider();
  const second = await restarted.cloud.slb.createLoadBalancer(req);
  assert.equal(second.loadBalancerId, first.loadBalancerId);
  assert.equal((await h.cloud.slb.findLoadBalancers({ tags: [tag] })).length, 1);
});

test("ECI and ALB creates are idempotent after a lost response too", async () => {
  await h.addFault({
    match: { product: "eci", action: "CreateImageCache" },
    failNext: 1,
    phase: "post",
    error: { httpStatus: 503, code: "ServiceUnavailable", message: "x" },
  });
  const { imageCacheId } = await h.cloud.eci.createImageCache({
    imageCacheName: "crash-cache",
    images: ["registry.example.com/app:1"],
    tags: [{ key: "owner", value: "crash" }],
    clientToken: clientTokenFor("uid-eci-crash", "eci:create"),
  });
  const caches = await h.cloud.eci.describeImageCaches({ imageCacheName: "crash-cache" });
  assert.deepEqual(
    caches.map((c) => c.imageCacheId),
    [imageCacheId],
  );

  await h.addFault({
    match: { product: "alb", action: "CreateServerGroup" },
    failNext: 1,
    phase: "post",
    error: { httpStatus: 503, code: "ServiceUnavailable", message: "x" },
  });
  const tag = { key: "owner", value: "alb-crash" };
  const { serverGroupId } = await h.cloud.alb.createServerGroup({
    serverGroupName: "sg-crash",
    serverGroupType: "Instance",
    vpcId: "vpc-bp1a2b3c4d5e6f7g8h9i0",
    healthCheckConfig: { healthCheckEnabled: false },
    tags: [tag],
    clientToken: clientTokenFor("uid-alb-crash", "alb:sg"),
  });
  const groups = await h.cloud.alb.listServerGroups({ tags: [tag] });
  assert.deepEqual(
    groups.map((g) => g.serverGroupId),
    [serverGroupId],
  );
});

test("CreateVServerGroup has no ClientToken: after a lost answer the adapter adopts the group instead of making a twin", async () => {
  const { loadBalancerId } = await h.cloud.slb.createLoadBalancer({
    loadBalancerName: "lb-lost-vsg",
    tags: [],
    clientToken: clientTokenFor("uid-lost-vsg", "clb:create"),
  });
  await h.addFault({
    match: { product: "slb", action: "CreateVServerGroup" },
    failNext: 1,
    phase: "post",
    error: { httpStatus: 503, code: "ServiceUnavailable", message: "x" },
  });
  const since = await h.mark();
  const backends = [{ serverId: "i-bp1lostvsg0000000001", port: 30080, weight: 100, type: "ecs" as const }];
  const { vServerGroupId } = await h.cloud.slb.createVServerGroup(
    loadBalancerId,
    "k8s/30080/lost/default/cid",
    backends,
  );
  const groups = await h.cloud.slb.listVServerGroups(loadBalancerId);
  assert.deepEqual(
    groups.map((g) => g.vServerGroupId),
    [vServerGroupId],
    "exactly one group",
  );
  assert.equal(groups[0]?.backendServers.length, 1);
  const creates = (await since()).filter((r) => r.action === "CreateVServerGroup");
  assert.equal(creates.length, 1, "adopted, not re-created");
});

test("CreateDomainExtension has no ClientToken: after a lost answer the adapter adopts the extension, no DomainExist", async () => {
  const { loadBalancerId } = await h.cloud.slb.createLoadBalancer({
    loadBalancerName: "lb-lost-domain",
    tags: [],
    clientToken: clientTokenFor("uid-lost-domain", "clb:create"),
  });
  const { vServerGroupId } = await h.cloud.slb.createVServerGroup(
    loadBalancerId,
    "k8s/443/lost/default/cid",
    [],
  );
  await h.cloud.slb.createListener(loadBalancerId, {
    listenerPort: 443,
    listenerProtocol: "https",
    vServerGroupId,
    serverCertificateId: "cert-default",
  });
  await h.addFault({
    match: { product: "slb", action: "CreateDomainExtension" },
    failNext: 1,
    phase: "post",
    error: { httpStatus: 503, code: "ServiceUnavailable", message: "x" },
  });
  const since = await h.mark();
  const { domainExtensionId } = await h.cloud.slb.createDomainExtension(
    loadBalancerId,
    443,
    "www.lost.example",
    "cert-www",
  );
  const all = await h.cloud.slb.listDomainExtensions(loadBalancerId, 443);
  assert.deepEqual(all, [{ domainExtensionId, domain: "www.lost.example", serverCertificateId: "cert-www" }]);
  const creates = (await since()).filter((r) => r.action === "CreateDomainExtension");
  assert.equal(creates.length, 1, "adopted, not re-created");
});

test("a lost delete answer followed by NotFound on retry counts as deleted", async () => {
  const { loadBalancerId } = await h.cloud.slb.createLoadBalancer({
    loadBalancerName: "lb-lost-delete",
    tags: [],
    clientToken: clientTokenFor("uid-lost-delete", "clb:create"),
  });
  await h.addFault({
    match: { product: "slb", action: "DeleteLoadBalancer" },
    failNext: 1,
    phase: "post",
    error: { httpStatus: 503, code: "ServiceUnavailable", message: "x" },
  });
  await h.cloud.slb.deleteLoadBalancer(loadBalancerId);
  await assert.rejects(h.cloud.slb.getLoadBalancer(loadBalancerId), (e) => isCloudError(e, "NotFound"));
});

test("a slow answer fails with Timeout at readTimeoutMs, not at the SDK's 3 s default", async () => {
  await h.addFault({ match: { product: "slb", action: "DescribeLoadBalancers" }, latencyMs: [1_500, 1_500] });
  const impatient = h.provider({ readTimeoutMs: 300, connectTimeoutMs: 5_000, maxRetries: 0 });
  const started = Date.now();
  await assert.rejects(impatient.cloud.slb.findLoadBalancers({}), (e) => isCloudError(e, "Timeout"));
  const elapsedMs = Date.now() - started;
  assert.ok(elapsedMs < 1_400, `timed out after ${elapsedMs} ms`);

  // And a generous read timeout really waits longer than the 3 s httpx default would allow.
  await h.clearFaults();
  await h.addFault({ match: { product: "slb", action: "DescribeLoadBalancers" }, latencyMs: [3_500, 3_500] });
  const patient = h.provider({ readTimeoutMs: 8_000, connectTimeoutMs: 8_000, maxRetries: 0 });
  await patient.cloud.slb.findLoadBalancers({});
});
