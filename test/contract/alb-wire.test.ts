// ALB and CAS wire fidelity through the official SDK's generic client: Go SDK (V2, query, string numbers) and TS SDK
// (form body) shapes, JSON-style structured params, per-call batch limits, reported defaults, undeclared params,
// DryRun, ClientToken replays, quotas, and CreateLoadBalancer's answer without a JobId.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import OpenApi, { $OpenApiUtil } from "@alicloud/openapi-core";
import { RuntimeOptions } from "@darabonba/typescript";
import { API_VERSIONS, rpcParams } from "../../src/cloud";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { handlerTable } from "../../src/emulator/server";
import { ALB_PARAM_ACTIONS } from "../../src/emulator/handlers/alb/params";
import { emulatorSdkConfig, startHarness, type Harness } from "./harness";

let h: Harness;
let v3: OpenApi;
let v2: OpenApi;
before(async () => {
  h = await startHarness();
  v3 = new OpenApi(emulatorSdkConfig(h.url));
  v2 = new OpenApi(emulatorSdkConfig(h.url, { signatureAlgorithm: "v2" }));
  // Statuses change only when a test moves the clock, however slow the machine (docs/emulator.md, ALB).
  const res = await fetch(`${h.url}/_emulator/transitions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ albMs: ALB_MS }),
  });
  assert.equal(res.status, 200);
});
after(async () => {
  await h?.close();
});

type Wire = Record<string, string | number | boolean>;
// Response bodies are untyped JSON; the tests assert on their exact field names.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

interface CallOpts {
  /** `v2`: signed like the Go SDK, every parameter in the query. `v3` (default): the TS SDK, parameters in the body. */
  sign?: "v2" | "v3";
  client?: OpenApi;
  version?: string;
}

/** One ALB (or CAS) call through the official SDK's generic client. */
async function call(action: string, params: Wire, opts: CallOpts = {}): Promise<Body> {
  const flat = $OpenApiUtil.default.query(params);
  const go = opts.sign === "v2";
  const res = await (opts.client ?? (go ? v2 : v3)).callApi(
    rpcParams(action, opts.version ?? API_VERSIONS.alb),
    new $OpenApiUtil.OpenApiRequest(go ? { query: flat } : { body: flat }),
    new RuntimeOptions({}),
  );
  return res.body as Body;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return String((e as { code?: unknown }).code);
  }
  return "(no error)";
}

/** The parameters the emulator ignored on the calls `fn` makes, per action. */
async function ignoredDuring(fn: () => Promise<unknown>): Promise<Record<string, string[]>> {
  const since = await h.mark();
  await fn();
  const out: Record<string, string[]> = {};
  for (const r of await since()) if (r.ignoredParams?.length) out[r.action ?? ""] = r.ignoredParams;
  return out;
}

const ALB_MS = 60_000;
const SETTLE_MS = ALB_MS + 1_000;
const VPC = "vpc-bp1emulator000000001";

let seq = 0;
async function activeLb(): Promise<string> {
  const body = await call("CreateLoadBalancer", {
    LoadBalancerName: `wire-${++seq}`,
    VpcId: VPC,
    AddressType: "Intranet",
    LoadBalancerEdition: "Standard",
    "LoadBalancerBillingConfig.PayType": "PostPay",
    "ZoneMappings.1.ZoneId": "cn-hangzhou-h",
    "ZoneMappings.1.VSwitchId": "vsw-bp1emulatorzoneh0001",
    "ZoneMappings.2.ZoneId": "cn-hangzhou-i",
    "ZoneMappings.2.VSwitchId": "vsw-bp1emulatorzonei0001",
  });
  await h.advanceClock(SETTLE_MS);
  return String(body.LoadBalancerId);
}

async function group(): Promise<string> {
  const body = await call("CreateServerGroup", {
    ServerGroupName: `wire-sg-${++seq}`,
    VpcId: VPC,
    "HealthCheckConfig.HealthCheckEnabled": "true",
  });
  return String(body.ServerGroupId);
}

async function listener(lb: string, sg: string, port = 80): Promise<string> {
  const body = await call("CreateListener", {
    LoadBalancerId: lb,
    ListenerPort: port,
    ListenerProtocol: "HTTP",
    "DefaultActions.1.Type": "ForwardGroup",
    "DefaultActions.1.ForwardGroupConfig.ServerGroupTuples.1.ServerGroupId": sg,
  });
  await h.advanceClock(SETTLE_MS);
  return String(body.ListenerId);
}

/** Flattened `Rules.N` of CreateRules for `n` path rules starting at priority `from`. */
function rules(n: number, sg: string, from = 1, prefix = "Rules"): Wire {
  const out: Wire = {};
  for (let i = 1; i <= n; i++) {
    const p = `${prefix}.${i}`;
    out[`${p}.Priority`] = String(from + i - 1);
    out[`${p}.RuleName`] = `r${from + i - 1}`;
    out[`${p}.RuleConditions.1.Type`] = "Path";
    out[`${p}.RuleConditions.1.PathConfig.Values.1`] = `/p${from + i - 1}`;
    out[`${p}.RuleActions.1.Order`] = "1";
    out[`${p}.RuleActions.1.Type`] = "ForwardGroup";
    out[`${p}.RuleActions.1.ForwardGroupConfig.ServerGroupTuples.1.ServerGroupId`] = sg;
    out[`${p}.RuleActions.1.ForwardGroupConfig.ServerGroupTuples.1.Weight`] = "100";
  }
  return out;
}

test("every ALB action the emulator serves has its SDK parameter table", () => {
  const served = handlerTable()
    .filter((x) => x.product === "alb")
    .map((x) => x.action)
    .sort();
  assert.deepEqual([...ALB_PARAM_ACTIONS].sort(), served);
});

test("Go SDK wire: V2 signature, nested repeated lists in the query, numbers as strings", async () => {
  const lb = await activeLb();
  const sg = await group();
  const lsr = await listener(lb, sg);
  const res = await call(
    "CreateRules",
    {
      ListenerId: lsr,
      ...rules(2, sg),
      "Rules.1.RuleConditions.2.Type": "Header",
      "Rules.1.RuleConditions.2.HeaderConfig.Key": "x-env",
      "Rules.1.RuleConditions.2.HeaderConfig.Values.1": "canary",
      "Rules.1.RuleConditions.3.Type": "QueryString",
      "Rules.1.RuleConditions.3.QueryStringConfig.Values.1.Key": "v",
      "Rules.1.RuleConditions.3.QueryStringConfig.Values.1.Value": "2",
    },
    { sign: "v2" },
  );
  assert.equal(res.RuleIds.length, 2);
  const listed = await call("ListRules", { "ListenerIds.1": lsr }, { sign: "v2" });
  const first = listed.Rules[0];
  assert.equal(first.Priority, 1, "numbers come back as numbers");
  assert.deepEqual(first.RuleConditions, [
    { Type: "Path", PathConfig: { Values: ["/p1"] } },
    { Type: "Header", HeaderConfig: { Key: "x-env", Values: ["canary"] } },
    { Type: "QueryString", QueryStringConfig: { Values: [{ Key: "v", Value: "2" }] } },
  ]);
  assert.deepEqual(first.RuleActions, [
    {
      Order: 1,
      Type: "ForwardGroup",
      ForwardGroupConfig: { ServerGroupTuples: [{ ServerGroupId: sg, Weight: 100 }] },
    },
  ]);
});

test("JSON style: a structured parameter as one JSON string is the same as its flattened form", async () => {
  const lb = await activeLb();
  const sg = await group();
  const lsr = await listener(lb, sg);
  await call("CreateRules", {
    ListenerId: lsr,
    Rules: JSON.stringify([
      {
        Priority: 7,
        RuleName: "json",
        RuleConditions: [{ Type: "Host", HostConfig: { Values: ["json.example.com"] } }],
        RuleActions: [
          { Order: "1", Type: "FixedResponse", FixedResponseConfig: { HttpCode: "503", Content: "down" } },
        ],
      },
      {
        Priority: 8,
        RuleName: "json-redirect",
        RuleConditions: [{ Type: "Path", PathConfig: { Values: ["/old"] } }],
        RuleActions: [
          { Order: 1, Type: "Redirect", RedirectConfig: { Protocol: "HTTPS", Port: 443, HttpCode: "308" } },
        ],
      },
    ]),
  });
  const [rule, redirect] = (await call("ListRules", { "ListenerIds.1": lsr })).Rules;
  // RedirectConfig.Port is a string in the API model, however it was sent.
  assert.deepEqual(redirect.RuleActions[0].RedirectConfig, {
    Protocol: "HTTPS",
    Port: "443",
    HttpCode: "308",
  });
  assert.equal(rule.Priority, 7);
  assert.deepEqual(rule.RuleConditions, [{ Type: "Host", HostConfig: { Values: ["json.example.com"] } }]);
  assert.deepEqual(rule.RuleActions, [
    { Order: 1, Type: "FixedResponse", FixedResponseConfig: { HttpCode: "503", Content: "down" } },
  ]);
  assert.equal(await codeOf(call("CreateRules", { ListenerId: lsr, Rules: "[{" })), "InvalidParameter");
});

test("batch limits: 10 rules per CreateRules/UpdateRulesAttribute, 100 DeleteRules ids, 200 servers, 20 ACL entries, 3 ACLs", async () => {
  const lb = await activeLb();
  const sg = await group();
  const lsr = await listener(lb, sg);
  assert.equal(await codeOf(call("CreateRules", { ListenerId: lsr, ...rules(11, sg) })), "InvalidParameter");
  const created = await call("CreateRules", { ListenerId: lsr, ...rules(10, sg) });
  assert.equal(created.RuleIds.length, 10);
  await h.advanceClock(SETTLE_MS);
  const ids: string[] = created.RuleIds.map((r: Body) => r.RuleId);
  const update: Wire = {};
  for (let i = 0; i < 11; i++) {
    update[`Rules.${i + 1}.RuleId`] = ids[i % 10];
    update[`Rules.${i + 1}.RuleName`] = `u${i}`;
  }
  assert.equal(await codeOf(call("UpdateRulesAttribute", update)), "InvalidParameter");
  const tooMany: Wire = {};
  for (let i = 1; i <= 101; i++) tooMany[`RuleIds.${i}`] = ids[i % 10];
  assert.equal(await codeOf(call("DeleteRules", tooMany, { sign: "v2" })), "InvalidParameter");

  const servers = (n: number, name = "Servers"): Wire => {
    const out: Wire = {};
    for (let i = 1; i <= n; i++) {
      out[`${name}.${i}.ServerId`] = `i-bp1wire${String(i).padStart(8, "0")}`;
      out[`${name}.${i}.ServerType`] = "Ecs";
      out[`${name}.${i}.Port`] = "80";
    }
    return out;
  };
  assert.equal(
    await codeOf(call("AddServersToServerGroup", { ServerGroupId: sg, ...servers(201) })),
    "InvalidParameter",
  );
  // The TS SDK puts RemovedServers in the query: 200 of them make a ~20 KiB URL, which the gateway takes.
  await call("AddServersToServerGroup", { ServerGroupId: sg, ...servers(200) });
  await h.advanceClock(SETTLE_MS);
  await call(
    "ReplaceServersInServerGroup",
    { ServerGroupId: sg, ...servers(200, "RemovedServers") },
    { sign: "v2" },
  );
  assert.equal((await call("ListServerGroupServers", { ServerGroupId: sg })).TotalCount, 0);

  const acl = String((await call("CreateAcl", { AclName: "wire-acl" })).AclId);
  const entries: Wire = {};
  for (let i = 1; i <= 21; i++) entries[`AclEntries.${i}.Entry`] = `10.1.${i}.0/24`;
  assert.equal(await codeOf(call("AddEntriesToAcl", { AclId: acl, ...entries })), "InvalidParameter");
  const acls: Wire = { ListenerId: lsr, AclType: "White" };
  for (let i = 1; i <= 4; i++) acls[`AclIds.${i}`] = acl;
  assert.equal(await codeOf(call("AssociateAclsWithListener", acls)), "InvalidParameter");
  assert.equal(
    await codeOf(call("AddEntriesToAcl", { AclId: acl, "AclEntries.1.Entry": "10.0.0.0/33" })),
    "InvalidParameter",
  );
});

test("defaults the API reports for fields a request leaves out", async () => {
  const lb = await activeLb();
  const sg = await group();
  const lsr = await listener(lb, sg);
  const l = await call("GetListenerAttribute", { ListenerId: lsr });
  assert.deepEqual(
    [l.IdleTimeout, l.RequestTimeout, l.GzipEnabled, l.Http2Enabled, l.ListenerStatus],
    [15, 60, true, false, "Running"],
  );
  assert.equal(l.XForwardedForConfig.XForwardedForEnabled, true);
  const [g] = (await call("ListServerGroups", { "ServerGroupIds.1": sg })).ServerGroups;
  assert.deepEqual(g.HealthCheckConfig, {
    HealthCheckEnabled: true,
    HealthCheckProtocol: "HTTP",
    HealthCheckMethod: "HEAD",
    HealthCheckPath: "/",
    HealthCheckCodes: ["http_2xx"],
    HealthCheckConnectPort: 0,
    HealthCheckHttpVersion: "HTTP1.1",
    HealthCheckInterval: 2,
    HealthCheckTimeout: 5,
    HealthyThreshold: 3,
    UnhealthyThreshold: 3,
  });
  assert.equal(g.Scheduler, "Wrr");
  assert.equal(g.Protocol, "HTTP");
  assert.equal(g.StickySessionConfig.StickySessionEnabled, false);
  assert.equal(
    await codeOf(
      call("CreateServerGroup", {
        ServerGroupName: "x",
        VpcId: VPC,
        "HealthCheckConfig.HealthCheckEnabled": "true",
        "HealthCheckConfig.HealthCheckInterval": "51",
      }),
    ),
    "InvalidParameter",
  );
});

test("CreateLoadBalancer answers no JobId; its job is listed by resource id; DryRun creates nothing", async () => {
  const body = await call("CreateLoadBalancer", {
    LoadBalancerName: "wire-job",
    VpcId: VPC,
    AddressType: "Internet",
    LoadBalancerEdition: "Basic",
    "LoadBalancerBillingConfig.PayType": "PostPay",
    "ZoneMappings.1.ZoneId": "cn-hangzhou-h",
    "ZoneMappings.1.VSwitchId": "vsw-bp1emulatorzoneh0001",
    "ZoneMappings.2.ZoneId": "cn-hangzhou-j",
    "ZoneMappings.2.VSwitchId": "vsw-bp1emulatorzonej0001",
  });
  assert.deepEqual(Object.keys(body).sort(), ["LoadBalancerId", "RequestId"]);
  const jobs = (await call("ListAsynJobs", { "ResourceIds.1": body.LoadBalancerId })).Jobs;
  assert.deepEqual(
    jobs.map((j: Body) => [j.ApiName, j.ResourceType, j.Status]),
    [["CreateLoadBalancer", "loadbalancer", "Processing"]],
  );
  await h.advanceClock(SETTLE_MS);
  const sg = await group();
  const dry = await codeOf(
    call("CreateListener", {
      LoadBalancerId: body.LoadBalancerId,
      ListenerPort: 80,
      ListenerProtocol: "HTTP",
      "DefaultActions.1.Type": "ForwardGroup",
      "DefaultActions.1.ForwardGroupConfig.ServerGroupTuples.1.ServerGroupId": sg,
      DryRun: "true",
    }),
  );
  assert.equal(dry, "DryRunOperation");
  assert.equal((await call("ListListeners", { "LoadBalancerIds.1": body.LoadBalancerId })).TotalCount, 0);
  assert.equal(
    (await call("GetLoadBalancerAttribute", { LoadBalancerId: body.LoadBalancerId })).LoadBalancerStatus,
    "Active",
    "a DryRun does not lock the instance",
  );
});

test("ClientToken on CreateRules: the same request is replayed, another one with the token is refused", async () => {
  const lb = await activeLb();
  const sg = await group();
  const lsr = await listener(lb, sg);
  const req = { ListenerId: lsr, ClientToken: "wire-rules-token", ...rules(2, sg) };
  const first = await call("CreateRules", req);
  const again = await call("CreateRules", req);
  assert.deepEqual(again.RuleIds, first.RuleIds);
  assert.equal((await call("ListRules", { "ListenerIds.1": lsr })).TotalCount, 2);
  assert.equal(await codeOf(call("CreateRules", { ...req, ...rules(1, sg, 5) })), "IdempotenceParamNotMatch");
});

test("undeclared parameters are ignored (and logged); the adapter sends none", async () => {
  const ignored = await ignoredDuring(() =>
    call("ListLoadBalancers", { MaxResults: 10, Bogus: "1", "Tag.1.Key": "a", "Tag.1.Value": "b" }),
  );
  assert.deepEqual(ignored, { ListLoadBalancers: ["Bogus"] });
  const byAdapter = await ignoredDuring(async () => {
    const { loadBalancerId } = await h.cloud.alb.createLoadBalancer({
      loadBalancerName: "wire-adapter",
      vpcId: VPC,
      addressType: "Intranet",
      loadBalancerEdition: "Standard",
      payType: "PostPay",
      zoneMappings: [
        { zoneId: "cn-hangzhou-h", vSwitchId: "vsw-bp1emulatorzoneh0001" },
        { zoneId: "cn-hangzhou-i", vSwitchId: "vsw-bp1emulatorzonei0001" },
      ],
      modificationProtection: { status: "ConsoleProtection", reason: "k8s" },
      tags: [{ key: "a", value: "b" }],
      clientToken: "wire-adapter-token",
    });
    await h.advanceClock(SETTLE_MS);
    const { serverGroupId } = await h.cloud.alb.createServerGroup({
      serverGroupName: "wire-adapter",
      serverGroupType: "Instance",
      vpcId: VPC,
      scheduler: "Wlc",
      healthCheckConfig: { healthCheckEnabled: true, healthCheckPath: "/hz", healthCheckCodes: ["http_2xx"] },
      stickySessionConfig: { stickySessionEnabled: false },
      tags: [],
      clientToken: "wire-adapter-sg",
    });
    const { listenerId } = await h.cloud.alb.createListener({
      loadBalancerId,
      listenerPort: 443,
      listenerProtocol: "HTTPS",
      defaultServerGroupId: serverGroupId,
      defaultCertificateId: "12000001-cn-hangzhou",
      securityPolicyId: "tls_cipher_policy_1_2",
      idleTimeout: 20,
      xForwardedForConfig: { xForwardedForProtoEnabled: true },
      clientToken: "wire-adapter-listener",
    });
    await h.advanceClock(SETTLE_MS);
    await h.cloud.alb.listListeners(loadBalancerId);
    await h.cloud.alb.listTagResources({ resourceType: "loadbalancer", resourceIds: [loadBalancerId] });
    await h.cloud.alb.listAsynJobs({ resourceIds: [listenerId] });
  });
  assert.deepEqual(byAdapter, {});
});

test("quotas: listeners per instance", async () => {
  const emu: RunningEmulator = await startEmulator({ port: 0, quotas: { listenersPerAlb: 1 } });
  try {
    const client = new OpenApi(emulatorSdkConfig(emu.url));
    const c = (action: string, p: Wire) => call(action, p, { client });
    const lb = String(
      (
        await c("CreateLoadBalancer", {
          VpcId: VPC,
          AddressType: "Intranet",
          LoadBalancerEdition: "Basic",
          "LoadBalancerBillingConfig.PayType": "PostPay",
          "ZoneMappings.1.ZoneId": "cn-hangzhou-h",
          "ZoneMappings.1.VSwitchId": "vsw-bp1emulatorzoneh0001",
          "ZoneMappings.2.ZoneId": "cn-hangzhou-i",
          "ZoneMappings.2.VSwitchId": "vsw-bp1emulatorzonei0001",
        })
      ).LoadBalancerId,
    );
    await fetch(`${emu.url}/_emulator/clock/advance`, {
      method: "POST",
      body: JSON.stringify({ ms: SETTLE_MS }),
    });
    const sg = String(
      (
        await c("CreateServerGroup", {
          ServerGroupName: "q",
          VpcId: VPC,
          "HealthCheckConfig.HealthCheckEnabled": "false",
        })
      ).ServerGroupId,
    );
    const lsr = (port: number) =>
      c("CreateListener", {
        LoadBalancerId: lb,
        ListenerPort: port,
        ListenerProtocol: "HTTP",
        "DefaultActions.1.Type": "ForwardGroup",
        "DefaultActions.1.ForwardGroupConfig.ServerGroupTuples.1.ServerGroupId": sg,
      });
    await lsr(80);
    await fetch(`${emu.url}/_emulator/clock/advance`, {
      method: "POST",
      body: JSON.stringify({ ms: SETTLE_MS }),
    });
    assert.equal(await codeOf(lsr(81)), "QuotaExceeded.ListenersNum");
  } finally {
    await emu.close();
  }
});

test("CAS (cas 2020-04-07) over the Go SDK wire: ListUserCertificateOrder and GetUserCertificateDetail shapes", async () => {
  const cas = (action: string, p: Wire) => call(action, p, { sign: "v2", version: API_VERSIONS.cas });
  const list = await cas("ListUserCertificateOrder", { OrderType: "CERT", ShowSize: "2", CurrentPage: "2" });
  assert.deepEqual(
    [list.TotalCount, list.ShowSize, list.CurrentPage, list.CertificateOrderList.length],
    [4, 2, 2, 2],
  );
  const item = list.CertificateOrderList[0];
  assert.deepEqual(
    [item.CertificateId, item.Name, item.CommonName, item.Sans, item.Expired, item.Upload],
    [12000003, "foo-bar", "foo.bar.com", "foo.bar.com,www.foo.bar.com", false, true],
  );
  assert.match(item.EndDate, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal((await cas("ListUserCertificateOrder", { OrderType: "CPACK" })).TotalCount, 0, "no orders");
  // The keyword matches domains (any substring), not names.
  assert.deepEqual(
    (
      await cas("ListUserCertificateOrder", { OrderType: "UPLOAD", Keyword: "example.com" })
    ).CertificateOrderList.map((c: Body) => c.CertificateId),
    [12000001, 12000002, 12000004],
  );
  assert.equal(
    (await cas("ListUserCertificateOrder", { OrderType: "CERT", Keyword: "cafe-example" })).TotalCount,
    0,
  );
  const detail = await cas("GetUserCertificateDetail", { CertId: "12000002", CertFilter: "true" });
  assert.deepEqual(
    [detail.Id, detail.Common, detail.Sans, detail.Cert],
    [12000002, "*.example.com", "*.example.com,example.com", undefined],
  );
  assert.equal(await codeOf(cas("GetUserCertificateDetail", { CertId: "5" })), "NotFound");
});
