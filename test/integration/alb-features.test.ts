// ALB end to end, one AlbConfig per test on one stack: HTTPS with discovered certificates and ssl-redirect,
// a no-change reconcile that makes no mutating cloud call, canary by weight, reuse of an ALB by id (kept on
// delete), and injected throttling and busy errors that still converge with no duplicates.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import type { CloudProvider } from "../../src/cloud";
import { EMULATOR_DEFAULTS } from "../../src/config";
import { emulatorFaults } from "../helpers/clb";
import {
  ALB,
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
} from "../helpers/alb";
import { emulatorCalls, mutatingActions, resetCalls } from "../helpers/emulator";
import { eventually, type Stack } from "../helpers/stack";

let stack: Stack;
let cloud: CloudProvider;

before(async () => {
  ({ stack, cloud } = await startAlbStack(["tea-svc", "coffee-svc", "canary-svc"]));
});

after(async () => {
  await stack?.stop();
});

/** An AlbConfig and an IngressClass of the same name. */
function group(name: string): void {
  applyOk(stack, albConfigYaml(name), ingressClassYaml(name, name));
}

test("HTTPS: certificates discovered by host, ssl-redirect rules (308) on HTTP:80, forwards on HTTPS:443", async () => {
  group("secure");
  applyOk(
    stack,
    ingressYaml("secure", {
      className: "secure",
      host: "cafe.example.com",
      tlsHosts: ["cafe.example.com"],
      annotations: { [`${ALB}ssl-redirect`]: "true" },
      paths: [{ path: "/tea", service: "tea-svc" }],
    }),
  );
  await waitForHostname(stack, "secure");
  const [alb] = await albsOf(cloud, "secure");
  const listeners = await cloud.alb.listListeners(alb.loadBalancerId);
  assert.deepEqual(listeners.map((l) => `${l.listenerProtocol}:${l.listenerPort}`).sort(), [
    "HTTP:80",
    "HTTPS:443",
  ]);
  const https = listeners.find((l) => l.listenerProtocol === "HTTPS")!;
  const certs = await cloud.alb.listListenerCertificates(https.listenerId);
  // cafe.example.com is covered by the exact certificate and by *.example.com; ids sorted, the first is the default.
  assert.deepEqual(certs.map((c) => [c.certificateId, c.isDefault]).sort(), [
    [`12000001-${EMULATOR_DEFAULTS.regionId}`, true],
    [`12000002-${EMULATOR_DEFAULTS.regionId}`, false],
  ]);
  const rules = await rulesOf(cloud, alb.loadBalancerId);
  const redirect = rules.get("HTTP:80")?.[0]?.actions[0];
  assert.equal(redirect?.type, "Redirect");
  assert.equal(redirect?.redirect?.httpCode, "308");
  assert.equal(redirect?.redirect?.protocol, "HTTPS");
  assert.equal(rules.get("HTTPS:443")?.[0]?.actions[0]?.type, "ForwardGroup");
  const ac = getObject(stack, "albconfig", "secure") as unknown as {
    status: { loadBalancer: { listeners: { portAndProtocol: string }[] } };
  };
  assert.deepEqual(
    ac.status.loadBalancer.listeners.map((l) => l.portAndProtocol),
    ["80/HTTP", "443/HTTPS"],
  );
});

test("a reconcile with nothing to change makes no mutating cloud call", async () => {
  // The HTTPS group above has converged; an unrelated annotation makes the AlbConfig reconcile again.
  await resetCalls(stack.emulator!.url);
  stack.kubectlOk(["annotate", "albconfig", "secure", "example.com/touched=1"]);
  const calls = await eventually(
    async () => {
      const s = await emulatorCalls(stack.emulator!.url);
      return Object.keys(s).some((k) => k === "alb:ListListeners") ? s : undefined;
    },
    30_000,
    "a reconcile's reads",
  );
  await new Promise((r) => setTimeout(r, 2_000)); // let the reconcile finish
  const after = await emulatorCalls(stack.emulator!.url);
  assert.ok(calls["alb:ListListeners"] >= 1);
  assert.deepEqual(mutatingActions(after), []);
});

test("canary by weight: the main rule forwards 80/20 to the main and the canary groups", async () => {
  group("canary");
  applyOk(
    stack,
    ingressYaml("main", {
      className: "canary",
      host: "c.example.com",
      paths: [{ path: "/", service: "tea-svc" }],
    }),
  );
  applyOk(
    stack,
    ingressYaml("main-canary", {
      className: "canary",
      host: "c.example.com",
      paths: [{ path: "/", service: "canary-svc" }],
      annotations: { [`${ALB}canary`]: "true", [`${ALB}canary-weight`]: "20" },
    }),
  );
  await waitForHostname(stack, "main-canary");
  const [alb] = await albsOf(cloud, "canary");
  const weights = await eventually(
    async () => {
      const rules = (await rulesOf(cloud, alb.loadBalancerId)).get("HTTP:80") ?? [];
      const tuples = rules[0]?.actions[0]?.forwardGroup?.serverGroupTuples ?? [];
      return rules.length === 1 && tuples.length === 2 ? tuples.map((t) => t.weight).sort() : undefined;
    },
    30_000,
    "one rule with two weighted groups",
  );
  assert.deepEqual(weights, [20, 80]);
});

test("reuse by id: our listener and rules on the user's ALB; on delete the ALB and the user's listener stay", async () => {
  const vSwitches = await cloud.vpc.listVSwitches({ vpcId: EMULATOR_DEFAULTS.vpc.vpcId });
  const zones = [...new Map(vSwitches.map((v) => [v.zoneId, v.vSwitchId])).entries()].slice(0, 2);
  const { loadBalancerId } = await cloud.alb.createLoadBalancer({
    loadBalancerName: "user-alb",
    vpcId: EMULATOR_DEFAULTS.vpc.vpcId,
    addressType: "Internet",
    loadBalancerEdition: "Standard",
    payType: "PostPay",
    zoneMappings: zones.map(([zoneId, vSwitchId]) => ({ zoneId, vSwitchId })),
    tags: [{ key: "team", value: "web" }],
    clientToken: "user-alb-1",
  });
  await cloud.alb.waitForLoadBalancerActive(loadBalancerId);
  const userGroup = await cloud.alb.createServerGroup({
    serverGroupName: "user-group",
    serverGroupType: "Instance",
    vpcId: EMULATOR_DEFAULTS.vpc.vpcId,
    healthCheckConfig: { healthCheckEnabled: false },
    tags: [],
    clientToken: "user-group-1",
  });
  await cloud.alb.waitForJobs(userGroup.jobId ? [userGroup.jobId] : []);
  const userListener = await cloud.alb.createListener({
    loadBalancerId,
    listenerPort: 8080,
    listenerProtocol: "HTTP",
    defaultServerGroupId: userGroup.serverGroupId,
    clientToken: "user-listener-1",
  });
  await cloud.alb.waitForJobs(userListener.jobId ? [userListener.jobId] : []);
  applyOk(stack, albConfigYaml("reuse", { id: loadBalancerId }), ingressClassYaml("reuse", "reuse"));
  applyOk(
    stack,
    ingressYaml("reused", {
      className: "reuse",
      host: "r.example.com",
      paths: [{ path: "/", service: "tea-svc" }],
    }),
  );
  const hostname = await waitForHostname(stack, "reused");
  assert.equal(hostname, (await cloud.alb.getLoadBalancer(loadBalancerId)).dnsName);
  const listeners = await cloud.alb.listListeners(loadBalancerId);
  assert.deepEqual(listeners.map((l) => l.listenerPort).sort(), [80, 8080]);
  assert.equal(
    (await cloud.alb.getLoadBalancer(loadBalancerId)).loadBalancerName,
    "user-alb",
    "no forceOverride: not renamed",
  );

  await deleteAndWait(stack, "ingress", "reused");
  await deleteAndWait(stack, "albconfig", "reuse", 60_000);
  const kept = await cloud.alb.getLoadBalancer(loadBalancerId);
  assert.equal(kept.loadBalancerId, loadBalancerId, "the adopted ALB is never deleted");
  assert.deepEqual(
    (await cloud.alb.listListeners(loadBalancerId)).map((l) => l.listenerPort),
    [8080],
  );
  assert.equal((await cloud.alb.listServerGroups({ serverGroupIds: [userGroup.serverGroupId] })).length, 1);
  assert.deepEqual(
    await cloud.alb.listServerGroups({ tags: [{ key: "ingress.k8s.alibaba/albconfig", value: "reuse" }] }),
    [],
  );
});

test("injected throttling and busy errors: the ALB still converges, with no duplicate resource", async () => {
  await emulatorFaults(stack, "POST", {
    id: "throttle",
    match: { product: "alb", action: "Create*" },
    probability: 0.3,
    error: {
      httpStatus: 400,
      code: "Throttling.User",
      message: "Request was denied due to user flow control.",
    },
  });
  await emulatorFaults(stack, "POST", {
    id: "busy",
    match: { product: "alb", action: "*" },
    probability: 0.15,
    error: {
      httpStatus: 400,
      code: "IncorrectStatus.LoadBalancer",
      message: "The load balancer is being configured.",
    },
  });
  try {
    group("faulty");
    applyOk(
      stack,
      ingressYaml("faulty", {
        className: "faulty",
        host: "f.example.com",
        paths: [
          { path: "/tea", service: "tea-svc" },
          { path: "/coffee", service: "coffee-svc" },
        ],
      }),
    );
    await waitForHostname(stack, "faulty", "default", 120_000);
  } finally {
    await emulatorFaults(stack, "DELETE");
  }
  const albs = await albsOf(cloud, "faulty");
  assert.equal(albs.length, 1, "one ALB");
  const listeners = await cloud.alb.listListeners(albs[0].loadBalancerId);
  assert.equal(listeners.length, 1, "one listener");
  assert.equal((await cloud.alb.listRules(listeners[0].listenerId)).length, 2, "two rules");
  const groups = await cloud.alb.listServerGroups({
    tags: [{ key: "ingress.k8s.alibaba/albconfig", value: "faulty" }],
  });
  assert.equal(groups.length, 3, "tea, coffee, default: no duplicate group");
});
