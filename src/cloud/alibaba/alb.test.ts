// Unit tests of the ALB adapter (alb.ts) over a recording RPC client: every request is what the official TS SDK
// (@alicloud/alb20200616) sends for the same values (same names, nesting, query/body split), and the PascalCase
// answers map to the AlbProvider types.
import test from "node:test";
import assert from "node:assert/strict";
import AlbClient, * as alb from "@alicloud/alb20200616";
import OpenApi, { $OpenApiUtil } from "@alicloud/openapi-core";
import { TokenBucket } from "../rate-limiter";
import { Redactor } from "../redact";
import type { AlbRuleAction, AlbRuleCondition, AlbRuleSpec, AlbServer } from "../types";
import { actionFromWire, actionToWire, AlibabaAlbProvider, conditionFromWire, conditionToWire } from "./alb";
import { Transport } from "./transport";
import type { WireObject } from "./wire";

interface Sent {
  action: string;
  query: Record<string, string>;
  body?: Record<string, string>;
}

type CallApi = (
  params: { action: string },
  req: { query?: Record<string, string>; body?: unknown },
) => unknown;

type Answers = Record<string, WireObject | (() => WireObject)>;

/** A callApi that records what it was given and answers `answers[action]` (default: a JobId). */
function recorder(sent: Sent[], answers: Answers): CallApi {
  return async (params, req) => {
    sent.push({
      action: params.action,
      query: { ...req.query },
      ...(req.body !== undefined ? { body: { ...(req.body as Record<string, string>) } } : {}),
    });
    const answer = answers[params.action] ?? { JobId: `job-${params.action}` };
    const body = typeof answer === "function" ? answer() : structuredClone(answer);
    return { statusCode: 200, headers: {}, body };
  };
}

function clientWith(callApi: CallApi): OpenApi {
  const c = new OpenApi(new $OpenApiUtil.Config({ endpoint: "127.0.0.1:1", protocol: "http" }));
  Object.assign(c, { callApi });
  return c;
}

function provider(answers: Answers = {}): { p: AlibabaAlbProvider; sent: Sent[] } {
  const sent: Sent[] = [];
  const client = clientWith(recorder(sent, answers));
  const instant = { nowMs: () => 0, sleep: async () => undefined };
  const t = new Transport({
    regionId: "cn-hangzhou",
    redactor: new Redactor(),
    bucketFor: () => new TokenBucket(1000, 1000, instant),
    retryPolicy: { maxRetries: 0, baseMs: 1, capMs: 1 },
    retryDeps: { sleep: async () => undefined, random: () => 0 },
    rpcClients: { slb: client, alb: client, eci: client, ecs: client, vpc: client, cas: client },
  });
  return { p: new AlibabaAlbProvider(t), sent };
}

// ---------------------------------------------------------------- the official SDK's serialisation

interface ModelClass {
  new (map: Record<string, unknown>): object;
  names(): Record<string, string>;
  types(): Record<string, unknown>;
}

const isModelClass = (t: unknown): t is ModelClass => typeof t === "function" && "names" in t;

/** `Rules.1.RuleConditions.1.Type=Host` back to `{Rules: [{RuleConditions: [{Type: "Host"}]}]}`. */
function unflatten(flat: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split(".");
    let node = root as Record<string | number, unknown>;
    parts.forEach((part, i) => {
      const k = /^\d+$/.test(part) ? Number(part) - 1 : part;
      if (i === parts.length - 1) node[k] = value;
      else node = (node[k] ??= /^\d+$/.test(parts[i + 1]) ? [] : {}) as Record<string | number, unknown>;
    });
  }
  return root;
}

/** The SDK model for wire-named params; fails on a name the model does not declare (the SDK would drop it). */
function toModel(clz: ModelClass, wire: Record<string, unknown>): object {
  const fieldOf = new Map(Object.entries(clz.names()).map(([field, name]) => [name, field]));
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(wire)) {
    const field = fieldOf.get(name);
    assert.ok(field, `${clz.name} declares no ${name}`);
    fields[field] = toField(clz.types()[field], value);
  }
  return new clz(fields);
}

function toField(type: unknown, value: unknown): unknown {
  if (isModelClass(type)) return toModel(type, value as Record<string, unknown>);
  const itemType = (type as { itemType?: unknown }).itemType;
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? v : toField(itemType, v)));
  return value;
}

/** What the typed SDK client sends for the params the adapter sent (RegionId aside: the transport adds it). */
async function sdkSends(ours: Sent): Promise<Sent> {
  const { RegionId: _region, ...query } = ours.query;
  const params = { ...unflatten(query), ...unflatten(ours.body ?? {}) };
  const sent: Sent[] = [];
  const client = new AlbClient(new $OpenApiUtil.Config({ endpoint: "127.0.0.1:1", protocol: "http" }));
  Object.assign(client, { callApi: recorder(sent, {}) });
  const method = ours.action[0].toLowerCase() + ours.action.slice(1);
  const call = (client as unknown as Record<string, (req?: object) => Promise<unknown>>)[method].bind(client);
  const requestClass = (alb as unknown as Record<string, unknown>)[`${ours.action}Request`];
  if (isModelClass(requestClass)) await call(toModel(requestClass, params));
  else {
    assert.deepEqual(params, {}, `${ours.action} takes no params`);
    await call();
  }
  return sent[0];
}

const TAGS = [
  { key: "ingress.k8s.alibaba/albconfig", value: "default" },
  { key: "empty", value: "" },
];
const CONDITIONS: AlbRuleCondition[] = [
  { type: "Host", values: ["a.example.com", "*.b.example.com"] },
  { type: "Path", values: ["/x"] },
  { type: "Method", values: ["GET", "POST"] },
  { type: "SourceIp", values: ["10.0.0.0/8"] },
  { type: "Header", key: "X-H", values: ["1", "2"] },
  { type: "QueryString", key: "q", values: ["1", "2"] },
  { type: "Cookie", key: "c", values: ["v"] },
];
const ACTIONS: AlbRuleAction[] = [
  {
    order: 1,
    type: "ForwardGroup",
    forwardGroup: {
      serverGroupTuples: [{ serverGroupId: "sgp-1", weight: 80 }, { serverGroupId: "sgp-2" }],
      stickySession: { enabled: true, timeout: 100 },
    },
  },
  { order: 2, type: "Redirect", redirect: { protocol: "HTTPS", port: "443", httpCode: "301", path: "/p" } },
  {
    order: 3,
    type: "FixedResponse",
    fixedResponse: { httpCode: "503", content: "down", contentType: "text/plain" },
  },
  { order: 4, type: "Rewrite", rewrite: { host: "h", path: "/r", query: "a=1" } },
  { order: 5, type: "InsertHeader", insertHeader: { key: "X-A", value: "1", valueType: "UserDefined" } },
  { order: 6, type: "RemoveHeader", removeHeader: { key: "X-R" } },
  { order: 7, type: "TrafficLimit", trafficLimit: { qps: 100, perIpQps: 10 } },
  {
    order: 8,
    type: "TrafficMirror",
    trafficMirror: { targetType: "ForwardGroupMirror", serverGroupTuples: [{ serverGroupId: "sgp-m" }] },
  },
  {
    order: 9,
    type: "Cors",
    cors: {
      allowOrigin: ["*"],
      allowMethods: ["GET"],
      allowHeaders: [],
      allowCredentials: "off",
      maxAge: 600,
    },
  },
];
const rule = (priority: number): AlbRuleSpec => ({
  priority,
  ruleName: `r${priority}`,
  conditions: CONDITIONS,
  actions: ACTIONS,
  direction: "Request",
});
const SERVERS: AlbServer[] = [
  { serverId: "i-1", serverType: "Ecs", port: 80, weight: 100 },
  { serverId: "10.0.0.1", serverType: "Ip", serverIp: "10.0.0.1", port: 8080, weight: 0, description: "d" },
];
const HEALTH_CHECK = {
  healthCheckEnabled: true,
  healthCheckProtocol: "HTTP" as const,
  healthCheckMethod: "GET" as const,
  healthCheckPath: "/healthz",
  healthCheckHost: "h.example.com",
  healthCheckCodes: ["http_2xx", "http_3xx"],
  healthCheckConnectPort: 0,
  healthCheckInterval: 2,
  healthCheckTimeout: 5,
  healthyThreshold: 3,
  unhealthyThreshold: 3,
  healthCheckHttpVersion: "HTTP1.1" as const,
};

/** Every ALB action the adapter calls, with every field it can send. */
async function everyCall(p: AlibabaAlbProvider): Promise<void> {
  await p.listLoadBalancers({
    loadBalancerIds: ["alb-1"],
    loadBalancerNames: ["n"],
    vpcIds: ["vpc-1"],
    tags: TAGS,
  });
  await p.createLoadBalancer({
    loadBalancerName: "n",
    vpcId: "vpc-1",
    addressType: "Internet",
    addressAllocatedMode: "Fixed",
    addressIpVersion: "DualStack",
    loadBalancerEdition: "Standard",
    payType: "PostPay",
    zoneMappings: [
      { zoneId: "z1", vSwitchId: "vsw-1" },
      { zoneId: "z2", vSwitchId: "vsw-2", allocationId: "eip-1" },
    ],
    resourceGroupId: "rg-1",
    deletionProtectionEnabled: true,
    modificationProtection: { status: "ConsoleProtection", reason: "managed" },
    tags: TAGS,
    clientToken: "tok",
  });
  await p.updateLoadBalancer("alb-1", {
    loadBalancerName: "m",
    modificationProtection: { status: "NonProtection" },
  });
  await p.deleteLoadBalancer("alb-1", { disableProtection: true });
  await p.setDeletionProtection("alb-1", true);
  await p.listAsynJobs({ jobIds: ["job-1"], resourceIds: ["alb-1"] });
  const listener = {
    listenerDescription: "d",
    idleTimeout: 15,
    requestTimeout: 60,
    gzipEnabled: false,
    http2Enabled: true,
    securityPolicyId: "tls_cipher_policy_1_2",
    defaultCertificateId: "cert-1",
    xForwardedForConfig: {
      xForwardedForEnabled: true,
      xForwardedForSLBIdEnabled: false,
      xForwardedForHostEnabled: true,
    },
  };
  await p.createListener({
    ...listener,
    loadBalancerId: "alb-1",
    listenerPort: 443,
    listenerProtocol: "HTTPS",
    defaultServerGroupId: "sgp-1",
    tags: TAGS,
    clientToken: "tl",
  });
  await p.listListeners("alb-1");
  await p.updateListener("lsn-1", { ...listener, defaultServerGroupId: "sgp-2" });
  await p.startListener("lsn-1");
  await p.stopListener("lsn-1");
  await p.deleteListener("lsn-1");
  await p.listListenerCertificates("lsn-1");
  await p.associateAdditionalCertificates("lsn-1", ["cert-2", "cert-3"]);
  await p.dissociateAdditionalCertificates("lsn-1", ["cert-2"]);
  await p.listRules("lsn-1");
  await p.createRules("lsn-1", [rule(1), rule(2)], "tok-r");
  await p.updateRules([
    { ruleId: "rule-1", ...rule(1) },
    { ruleId: "rule-2", priority: 5 },
  ]);
  await p.deleteRules(["rule-1", "rule-2"]);
  const group = {
    serverGroupName: "g",
    scheduler: "Uch" as const,
    healthCheckConfig: HEALTH_CHECK,
    stickySessionConfig: {
      stickySessionEnabled: true,
      stickySessionType: "Insert" as const,
      cookieTimeout: 1000,
    },
    upstreamKeepaliveEnabled: true,
    uchConfig: { type: "QueryString" as const, value: "u" },
  };
  await p.createServerGroup({
    ...group,
    serverGroupType: "Instance",
    vpcId: "vpc-1",
    protocol: "HTTPS",
    resourceGroupId: "rg-1",
    tags: TAGS,
    clientToken: "tsg",
  });
  await p.listServerGroups({
    serverGroupIds: ["sgp-1"],
    serverGroupNames: ["g"],
    vpcId: "vpc-1",
    tags: TAGS,
  });
  await p.updateServerGroup("sgp-1", group);
  await p.deleteServerGroup("sgp-1");
  await p.listServerGroupServers("sgp-1");
  await p.addServers("sgp-1", SERVERS);
  await p.removeServers("sgp-1", SERVERS);
  await p.updateServers("sgp-1", SERVERS);
  await p.replaceServers("sgp-1", SERVERS, SERVERS.slice(1));
  await p.tagResources("loadbalancer", ["alb-1", "alb-2"], TAGS);
  await p.untagResources("servergroup", ["sgp-1"], ["a", "b"]);
  await p.untagResources("acl", ["acl-1"]);
  await p.listTagResources({ resourceType: "loadbalancer", resourceIds: ["alb-1"], tags: TAGS });
  await p.createAcl({ aclName: "a", tags: TAGS, clientToken: "ta" });
  await p.listAcls({ aclIds: ["acl-1"], aclNames: ["a"], tags: TAGS });
  await p.listAclEntries("acl-1");
  await p.addAclEntries("acl-1", [{ entry: "10.0.0.0/8", description: "d" }, { entry: "1.1.1.1/32" }]);
  await p.removeAclEntries("acl-1", ["10.0.0.0/8"]);
  await p.associateAclsWithListener("lsn-1", ["acl-1", "acl-2"], "White");
  await p.dissociateAclsFromListener("lsn-1", ["acl-1"]);
  await p.deleteAcl("acl-1");
  await p.listSystemSecurityPolicies();
}

test("every request is what the official TS SDK sends for the same values, body params in the body", async () => {
  const { p, sent } = provider({
    ListLoadBalancers: { LoadBalancers: [{ LoadBalancerId: "alb-1" }] },
    ListListeners: { Listeners: [{ ListenerId: "lsn-1" }] },
    // One rule of the batch is gone: the adapter deletes the others one by one (DeleteRule).
    DeleteRules: () => {
      throw Object.assign(new Error("gone"), { code: "ResourceNotFound.Rule", statusCode: 404 });
    },
  });
  await everyCall(p);
  assert.equal(new Set(sent.map((s) => s.action)).size, 44, "every action the adapter uses");
  for (const ours of sent) {
    assert.equal(ours.query.RegionId, "cn-hangzhou");
    const { RegionId: _region, ...query } = ours.query;
    assert.deepEqual({ ...ours, query }, await sdkSends(ours), ours.action);
  }
  const createRules = sent.find((s) => s.action === "CreateRules");
  assert.equal(createRules?.body?.["Rules.2.RuleConditions.7.CookieConfig.Values.1.Key"], "c");
  assert.equal(createRules?.body?.["Rules.1.RuleActions.7.TrafficLimitConfig.QPS"], "100");
  assert.equal(createRules?.query.ListenerId, "lsn-1");
  const listener = sent.find((s) => s.action === "CreateListener");
  assert.equal(listener?.query["XForwardedForConfig.XForwardedForSLBIdEnabled"], "false");
  assert.equal(
    listener?.query["DefaultActions.1.ForwardGroupConfig.ServerGroupTuples.1.ServerGroupId"],
    "sgp-1",
  );
});

test("the checker fails on a param the SDK does not declare", async () => {
  await assert.rejects(
    sdkSends({ action: "StartListener", query: { ListenerId: "lsn-1", ListenerIds: "x" } }),
    /declares no ListenerIds/,
  );
  await assert.rejects(
    sdkSends({
      action: "CreateRules",
      query: {},
      body: { "Rules.1.RuleConditions.1.HostConfg.Values.1": "h" },
    }),
    /declares no HostConfg/,
  );
});

test("rule conditions and actions survive the wire both ways; the mirror group takes no weights", () => {
  for (const c of CONDITIONS) assert.deepEqual(conditionFromWire(conditionToWire(c)), c);
  for (const a of ACTIONS) assert.deepEqual(actionFromWire(actionToWire(a)), a);
  const mirror = actionToWire({
    order: 1,
    type: "TrafficMirror",
    trafficMirror: {
      targetType: "ForwardGroupMirror",
      serverGroupTuples: [{ serverGroupId: "sgp-m", weight: 5 }],
    },
  });
  assert.deepEqual(mirror.TrafficMirrorConfig, {
    TargetType: "ForwardGroupMirror",
    MirrorGroupConfig: { ServerGroupTuples: [{ ServerGroupId: "sgp-m" }] },
  });
});

test("answers map to the provider types: load balancer, listener, rules, server groups, jobs", async () => {
  const { p } = provider({
    GetLoadBalancerAttribute: {
      LoadBalancerId: "alb-1",
      LoadBalancerName: "n",
      LoadBalancerStatus: "Active",
      DNSName: "alb-1.cn-hangzhou.alb.aliyuncs.com",
      AddressType: "Intranet",
      AddressAllocatedMode: "Fixed",
      AddressIpVersion: "IPv4",
      LoadBalancerEdition: "Standard",
      VpcId: "vpc-1",
      LoadBalancerBillingConfig: { PayType: "PostPay" },
      ZoneMappings: [
        {
          ZoneId: "z1",
          VSwitchId: "vsw-1",
          LoadBalancerAddresses: [
            { Address: "1.1.1.1", IntranetAddress: "10.0.0.1" },
            { AllocationId: "eip-1" },
          ],
        },
      ],
      DeletionProtectionConfig: { Enabled: "true" },
      ModificationProtectionConfig: { Status: "ConsoleProtection", Reason: "managed" },
      LoadBalancerOperationLocks: [{ LockType: "SecurityLocked", LockReason: "r" }],
      Tags: [
        { Key: "k", Value: "v" },
        { Key: "", Value: "dropped" },
      ],
    },
    GetListenerAttribute: {
      ListenerId: "lsn-1",
      LoadBalancerId: "alb-1",
      ListenerPort: "443",
      ListenerProtocol: "HTTPS",
      ListenerStatus: "Running",
      GzipEnabled: true,
      Certificates: [{ CertificateId: "cert-1" }],
      DefaultActions: [
        { Type: "ForwardGroup", ForwardGroupConfig: { ServerGroupTuples: [{ ServerGroupId: "sgp-d" }] } },
      ],
      XForwardedForConfig: { XForwardedForEnabled: true, XForwardedForProtoEnabled: false },
      AclConfig: { AclType: "White", AclRelations: [{ AclId: "acl-1" }, { AclId: "acl-2" }] },
    },
    ListRules: {
      Rules: [
        {
          RuleId: "rule-1",
          ListenerId: "lsn-1",
          LoadBalancerId: "alb-1",
          Priority: 10,
          RuleName: "r1",
          RuleStatus: "Available",
          Direction: "Request",
          RuleConditions: CONDITIONS.map(conditionToWire),
          RuleActions: ACTIONS.map(actionToWire),
        },
      ],
    },
    ListServerGroups: {
      ServerGroups: [
        {
          ServerGroupId: "sgp-1",
          ServerGroupName: "g",
          ServerGroupType: "Ip",
          ServerGroupStatus: "Available",
          Protocol: "HTTP",
          VpcId: "vpc-1",
          Scheduler: "Wrr",
          HealthCheckConfig: { HealthCheckEnabled: false, HealthCheckCodes: ["http_2xx"] },
          StickySessionConfig: { StickySessionEnabled: false, Cookie: "" },
          ServerCount: 2,
          RelatedLoadBalancerIds: ["alb-1"],
        },
      ],
    },
    ListAsynJobs: {
      Jobs: [
        {
          Id: "job-1",
          ApiName: "CreateListener",
          ResourceType: "listener",
          ResourceId: "lsn-1,lsn-2",
          Status: "Failed",
          ErrorCode: "E",
        },
      ],
    },
  });
  assert.deepEqual(await p.getLoadBalancer("alb-1"), {
    loadBalancerId: "alb-1",
    loadBalancerName: "n",
    loadBalancerStatus: "Active",
    dnsName: "alb-1.cn-hangzhou.alb.aliyuncs.com",
    addressType: "Intranet",
    addressAllocatedMode: "Fixed",
    addressIpVersion: "IPv4",
    ipv6AddressType: undefined,
    loadBalancerEdition: "Standard",
    vpcId: "vpc-1",
    resourceGroupId: undefined,
    payType: "PostPay",
    zoneMappings: [
      {
        zoneId: "z1",
        vSwitchId: "vsw-1",
        allocationId: "eip-1",
        address: "1.1.1.1",
        intranetAddress: "10.0.0.1",
      },
    ],
    deletionProtectionEnabled: true,
    modificationProtection: { status: "ConsoleProtection", reason: "managed" },
    operationLocks: [{ lockType: "SecurityLocked", lockReason: "r" }],
    tags: [{ key: "k", value: "v" }],
  });
  const l = await p.getListener("lsn-1");
  assert.equal(l.listenerPort, 443);
  assert.equal(l.defaultCertificateId, "cert-1");
  assert.equal(l.defaultServerGroupId, "sgp-d");
  assert.equal(l.gzipEnabled, true);
  assert.equal(l.http2Enabled, undefined);
  assert.deepEqual(l.xForwardedForConfig, { xForwardedForEnabled: true, xForwardedForProtoEnabled: false });
  assert.deepEqual(l.aclConfig, { aclType: "White", aclIds: ["acl-1", "acl-2"] });
  const [r] = await p.listRules("lsn-1");
  assert.deepEqual(r.conditions, CONDITIONS);
  assert.deepEqual(r.actions, ACTIONS);
  const [g] = await p.listServerGroups({});
  assert.deepEqual(g.healthCheckConfig.healthCheckCodes, ["http_2xx"]);
  assert.deepEqual(g.stickySessionConfig, { stickySessionEnabled: false });
  assert.equal(g.serverCount, 2);
  assert.deepEqual(await p.listAsynJobs({ jobIds: ["job-1"] }), [
    {
      jobId: "job-1",
      apiName: "CreateListener",
      resourceType: "listener",
      resourceIds: ["lsn-1", "lsn-2"],
      status: "Failed",
      errorCode: "E",
    },
  ]);
});
