// SLB wire fidelity: what the Go and TypeScript SDKs put on the wire (the metadata spellings, docs/emulator.md
// Parameter names) goes through the official SDK into the emulator, one table per action; plus the real
// service's answers to undeclared parameters, a VSwitchId alone, unknown vSwitches and zones, ACL id lists,
// XForwardedFor_* defaults and a bandwidth -> traffic charge type change.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import OpenApi, { $OpenApiUtil } from "@alicloud/openapi-core";
import { RuntimeOptions } from "@darabonba/typescript";
import { API_VERSIONS, rpcParams } from "../../src/cloud";
import { EMULATOR_DEFAULTS } from "../../src/config";
import { handlerTable } from "../../src/emulator/server";
import { SLB_PARAM_ACTIONS } from "../../src/emulator/handlers/slb/params";
import { EMU_ENV, emulatorSdkConfig, OWNER_TAGS, startHarness, type Harness } from "./harness";

let h: Harness;
let v3: OpenApi;
let v2: OpenApi;
before(async () => {
  h = await startHarness();
  const config = (extra: Record<string, unknown>) => emulatorSdkConfig(h.url, extra);
  v3 = new OpenApi(config({}));
  // Signature V2 with every parameter in the query, as the Go SDK signs.
  v2 = new OpenApi(config({ signatureAlgorithm: "v2" }));
});
after(async () => {
  await h?.close();
});

type Wire = Record<string, string | number>;
// Response bodies are untyped JSON; the tests assert on their exact field names.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

/** One SLB call through the official SDK; `sign: "v2"` signs like the Go SDK. */
async function slb(action: string, query: Wire, sign: "v2" | "v3" = "v3"): Promise<Body> {
  const res = await (sign === "v2" ? v2 : v3).callApi(
    rpcParams(action, API_VERSIONS.slb),
    new $OpenApiUtil.OpenApiRequest({
      query: $OpenApiUtil.default.query({ RegionId: EMU_ENV.ALIBABA_CLOUD_REGION_ID, ...query }),
    }),
    new RuntimeOptions({}),
  );
  return res.body as Body;
}

/** The SDK error code of a failed call. */
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

let lbSeq = 0;
async function newLb(extra: Wire = {}): Promise<string> {
  const res = await slb("CreateLoadBalancer", {
    LoadBalancerName: `wire-${++lbSeq}`,
    AddressType: "intranet",
    VSwitchId: EMULATOR_DEFAULTS.vpc.vSwitchId,
    ...extra,
  });
  return String(res.LoadBalancerId);
}

async function newVsg(lbId: string): Promise<string> {
  const res = await slb("CreateVServerGroup", {
    LoadBalancerId: lbId,
    VServerGroupName: "k8s/30080/web/default/c",
  });
  return String(res.VServerGroupId);
}

async function newAcl(name: string): Promise<string> {
  return String((await slb("CreateAccessControlList", { AclName: name })).AclId);
}

/** One row: the wire spelling, the value sent, and the field of Describe*ListenerAttribute that shows it. */
type Row = [wire: string, value: string | number, described: string];

/** Sends every row of `rows` on `action`, then checks each one is described back and nothing was ignored. */
async function assertTable(
  action: string,
  base: Wire,
  rows: readonly Row[],
  describe: () => Promise<Body>,
  sign: "v2" | "v3" = "v3",
): Promise<void> {
  const query: Wire = { ...base, ...Object.fromEntries(rows.map(([wire, value]) => [wire, value])) };
  const ignored = await ignoredDuring(() => slb(action, query, sign));
  assert.deepEqual(ignored, {}, `${action}: every spelling is declared`);
  const got = await describe();
  for (const [wire, value, described] of rows)
    assert.equal(String(got[described]), String(value), `${action}: ${wire} -> ${described}`);
}

// ---------------------------------------------------------------- 1. spellings, one table per action

const TCP_CREATE: readonly Row[] = [
  ["Bandwidth", -1, "Bandwidth"],
  ["Scheduler", "rr", "Scheduler"],
  ["PersistenceTimeout", 30, "PersistenceTimeout"],
  ["EstablishedTimeout", 600, "EstablishedTimeout"],
  ["HealthCheckSwitch", "on", "HealthCheck"],
  ["HealthCheckType", "http", "HealthCheckType"],
  ["HealthCheckURI", "/healthz", "HealthCheckURI"],
  ["HealthCheckDomain", "$_ip", "HealthCheckDomain"],
  ["HealthCheckHttpCode", "http_2xx", "HealthCheckHttpCode"],
  ["HealthCheckConnectPort", 8080, "HealthCheckConnectPort"],
  ["HealthCheckConnectTimeout", 4, "HealthCheckConnectTimeout"],
  ["HealthyThreshold", 4, "HealthyThreshold"],
  ["UnhealthyThreshold", 5, "UnhealthyThreshold"],
  // The metadata spelling: lower-case h (alibaba-cloud-sdk-go services/slb create_load_balancer_tcp_listener.go).
  ["healthCheckInterval", 7, "HealthCheckInterval"],
  ["ConnectionDrain", "on", "ConnectionDrain"],
  ["ConnectionDrainTimeout", 60, "ConnectionDrainTimeout"],
  ["ProxyProtocolV2Enabled", "true", "ProxyProtocolV2Enabled"],
  ["Description", "k8s/80/web/default/c", "Description"],
];
const TCP_SET: readonly Row[] = [
  ["Scheduler", "wrr", "Scheduler"],
  ["HealthCheckInterval", 9, "HealthCheckInterval"],
  ["HealthCheckConnectTimeout", 6, "HealthCheckConnectTimeout"],
  ["EstablishedTimeout", 300, "EstablishedTimeout"],
  ["Description", "changed", "Description"],
];
const UDP_CREATE: readonly Row[] = [
  ["Bandwidth", -1, "Bandwidth"],
  ["Scheduler", "wrr", "Scheduler"],
  ["HealthCheckSwitch", "on", "HealthCheck"],
  ["HealthCheckConnectPort", 53, "HealthCheckConnectPort"],
  ["HealthCheckConnectTimeout", 3, "HealthCheckConnectTimeout"],
  ["HealthyThreshold", 2, "HealthyThreshold"],
  ["UnhealthyThreshold", 2, "UnhealthyThreshold"],
  // Metadata spellings (create_load_balancer_udp_listener.go): healthCheckInterval, healthCheckReq, healthCheckExp.
  ["healthCheckInterval", 5, "HealthCheckInterval"],
  ["healthCheckReq", "hello", "HealthCheckReq"],
  ["healthCheckExp", "ok", "HealthCheckExp"],
  ["Description", "k8s/53/dns/default/c", "Description"],
];
const UDP_SET: readonly Row[] = [
  // On the set the interval is PascalCase, the request and expected answer stay lower-case.
  ["HealthCheckInterval", 8, "HealthCheckInterval"],
  ["healthCheckReq", "ping", "HealthCheckReq"],
  ["healthCheckExp", "pong", "HealthCheckExp"],
];
const HTTP_CREATE: readonly Row[] = [
  ["Bandwidth", -1, "Bandwidth"],
  ["Scheduler", "wlc", "Scheduler"],
  ["HealthCheck", "on", "HealthCheck"],
  ["HealthCheckURI", "/ready", "HealthCheckURI"],
  ["HealthCheckDomain", "example.com", "HealthCheckDomain"],
  ["HealthCheckHttpCode", "http_2xx,http_3xx", "HealthCheckHttpCode"],
  ["HealthCheckMethod", "get", "HealthCheckMethod"],
  ["HealthCheckTimeout", 4, "HealthCheckTimeout"],
  ["HealthCheckInterval", 3, "HealthCheckInterval"],
  ["HealthCheckConnectPort", 8080, "HealthCheckConnectPort"],
  ["HealthyThreshold", 3, "HealthyThreshold"],
  ["UnhealthyThreshold", 3, "UnhealthyThreshold"],
  ["StickySession", "on", "StickySession"],
  ["StickySessionType", "insert", "StickySessionType"],
  ["CookieTimeout", 1800, "CookieTimeout"],
  ["IdleTimeout", 30, "IdleTimeout"],
  ["RequestTimeout", 90, "RequestTimeout"],
  ["Gzip", "off", "Gzip"],
  ["XForwardedFor", "on", "XForwardedFor"],
  ["XForwardedFor_proto", "on", "XForwardedFor_proto"],
  ["XForwardedFor_SLBIP", "on", "XForwardedFor_SLBIP"],
  ["XForwardedFor_SLBID", "on", "XForwardedFor_SLBID"],
  ["XForwardedFor_SLBPORT", "on", "XForwardedFor_SLBPORT"],
  ["XForwardedFor_ClientSrcPort", "on", "XForwardedFor_ClientSrcPort"],
  ["Description", "k8s/8080/web/default/c", "Description"],
];
const HTTP_SET: readonly Row[] = [
  ["StickySessionType", "server", "StickySessionType"],
  ["Cookie", "SESSIONID", "Cookie"],
  ["XForwardedFor_SLBIP", "off", "XForwardedFor_SLBIP"],
  ["HealthCheckInterval", 5, "HealthCheckInterval"],
];
const HTTPS_CREATE: readonly Row[] = [
  ["Bandwidth", -1, "Bandwidth"],
  ["HealthCheck", "off", "HealthCheck"],
  ["StickySession", "off", "StickySession"],
  ["TLSCipherPolicy", "tls_cipher_policy_1_2", "TLSCipherPolicy"],
  ["EnableHttp2", "off", "EnableHttp2"],
  ["XForwardedFor_proto", "on", "XForwardedFor_proto"],
  ["XForwardedFor_SLBID", "on", "XForwardedFor_SLBID"],
  ["HealthCheckInterval", 4, "HealthCheckInterval"],
  ["IdleTimeout", 20, "IdleTimeout"],
];
const HTTPS_SET: readonly Row[] = [
  ["EnableHttp2", "on", "EnableHttp2"],
  ["XForwardedFor_ClientSrcPort", "on", "XForwardedFor_ClientSrcPort"],
  ["RequestTimeout", 120, "RequestTimeout"],
];

function describeListener(lbId: string, proto: string, port: number): () => Promise<Body> {
  return () =>
    slb(`DescribeLoadBalancer${proto}ListenerAttribute`, { LoadBalancerId: lbId, ListenerPort: port });
}

for (const sign of ["v3", "v2"] as const) {
  test(`listener create/set tables: every metadata spelling is taken and described back (${sign})`, async () => {
    const lbId = await newLb();
    const vsg = await newVsg(lbId);
    const cert = String(
      (
        await slb("UploadServerCertificate", {
          ServerCertificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
          PrivateKey: "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n",
        })
      ).ServerCertificateId,
    );
    const cases: Array<
      [proto: string, port: number, create: readonly Row[], set: readonly Row[], extra: Wire]
    > = [
      ["TCP", 80, TCP_CREATE, TCP_SET, {}],
      ["UDP", 53, UDP_CREATE, UDP_SET, {}],
      ["HTTP", 8080, HTTP_CREATE, HTTP_SET, {}],
      ["HTTPS", 443, HTTPS_CREATE, HTTPS_SET, { ServerCertificateId: cert }],
    ];
    for (const [proto, port, create, set, extra] of cases) {
      const base = { LoadBalancerId: lbId, ListenerPort: port, VServerGroupId: vsg, ...extra };
      const describe = describeListener(lbId, proto, port);
      await assertTable(`CreateLoadBalancer${proto}Listener`, base, create, describe, sign);
      await assertTable(`SetLoadBalancer${proto}ListenerAttribute`, base, set, describe, sign);
    }
  });
}

test("camelCase metadata names are also taken in PascalCase (clients written from the API reference send that)", async () => {
  const lbId = await newLb();
  const vsg = await newVsg(lbId);
  const base = { LoadBalancerId: lbId, VServerGroupId: vsg, Bandwidth: -1 };
  await assertTable(
    "CreateLoadBalancerTCPListener",
    { ...base, ListenerPort: 81 },
    [["HealthCheckInterval", 6, "HealthCheckInterval"]],
    describeListener(lbId, "TCP", 81),
  );
  await assertTable(
    "CreateLoadBalancerUDPListener",
    { ...base, ListenerPort: 54 },
    [
      ["HealthCheckInterval", 6, "HealthCheckInterval"],
      ["HealthCheckReq", "q", "HealthCheckReq"],
      ["HealthCheckExp", "a", "HealthCheckExp"],
    ],
    describeListener(lbId, "UDP", 54),
  );
});

test("CreateLoadBalancer table: every spelling the SDKs send, read back from DescribeLoadBalancerAttribute", async () => {
  const rows: readonly Row[] = [
    ["AddressType", "intranet", "AddressType"],
    ["VSwitchId", EMULATOR_DEFAULTS.vpc.vSwitchId, "VSwitchId"],
    ["VpcId", EMULATOR_DEFAULTS.vpc.vpcId, "VpcId"],
    ["LoadBalancerName", "wire-create-table", "LoadBalancerName"],
    ["LoadBalancerSpec", "slb.s1.small", "LoadBalancerSpec"],
    ["AddressIPVersion", "ipv4", "AddressIPVersion"],
    ["MasterZoneId", "cn-hangzhou-h", "MasterZoneId"],
    ["SlaveZoneId", "cn-hangzhou-i", "SlaveZoneId"],
    ["DeleteProtection", "on", "DeleteProtection"],
    ["ModificationProtectionStatus", "ConsoleProtection", "ModificationProtectionStatus"],
    ["ModificationProtectionReason", "managed", "ModificationProtectionReason"],
    ["ResourceGroupId", "rg-wire", "ResourceGroupId"],
    ["InstanceChargeType", "PayBySpec", "InstanceChargeType"],
    ["InternetChargeType", "paybytraffic", "InternetChargeType"],
  ];
  let lbId = "";
  const query: Wire = {
    ...Object.fromEntries(rows.map(([wire, value]) => [wire, value])),
    ClientToken: "wire-create-table",
    "Tag.1.Key": OWNER_TAGS[0].key,
    "Tag.1.Value": OWNER_TAGS[0].value,
    // The Go SDK's owner fields and the legacy access_key_id are declared on every action.
    OwnerAccount: "owner",
    ResourceOwnerAccount: "owner",
  };
  const ignored = await ignoredDuring(async () => {
    lbId = String((await slb("CreateLoadBalancer", query, "v2")).LoadBalancerId);
  });
  assert.deepEqual(ignored, {});
  const got = await slb("DescribeLoadBalancerAttribute", { LoadBalancerId: lbId });
  for (const [wire, value, described] of rows) assert.equal(String(got[described]), String(value), wire);
  assert.deepEqual(got.Tags.Tag, [{ TagKey: OWNER_TAGS[0].key, TagValue: OWNER_TAGS[0].value }]);
});

test("the parameter table covers every SLB action the emulator serves", () => {
  const served = handlerTable()
    .filter((row) => row.product === "slb")
    .map((row) => row.action)
    .sort();
  assert.deepEqual([...SLB_PARAM_ACTIONS].sort(), served);
});

test("the adapter sends nothing an SLB action does not declare", async () => {
  const ignored = await ignoredDuring(async () => {
    const { loadBalancerId } = await h.cloud.slb.createLoadBalancer({
      loadBalancerName: "wire-adapter",
      addressType: "intranet",
      vSwitchId: EMULATOR_DEFAULTS.vpc.vSwitchId,
      masterZoneId: "cn-hangzhou-h",
      slaveZoneId: "cn-hangzhou-i",
      deleteProtection: "off",
      tags: OWNER_TAGS,
      clientToken: "wire-adapter",
    });
    const { vServerGroupId } = await h.cloud.slb.createVServerGroup(loadBalancerId, "k8s/1/a/b/c", [
      { serverId: "i-bp1wire000000000001", port: 30080, weight: 100, type: "ecs" },
    ]);
    await h.cloud.slb.createListener(loadBalancerId, {
      listenerPort: 80,
      listenerProtocol: "tcp",
      vServerGroupId,
      healthCheckInterval: 3,
      healthCheckSwitch: "on",
      healthyThreshold: 3,
    });
    await h.cloud.slb.createListener(loadBalancerId, {
      listenerPort: 53,
      listenerProtocol: "udp",
      vServerGroupId,
      healthCheckInterval: 4,
    });
    await h.cloud.slb.createListener(loadBalancerId, {
      listenerPort: 8080,
      listenerProtocol: "http",
      vServerGroupId,
      healthCheck: "on",
      healthCheckInterval: 5,
      xForwardedFor_proto: "on",
    });
    await h.cloud.slb.updateListener(loadBalancerId, 80, "tcp", { healthCheckInterval: 6 });
    await h.cloud.slb.startListener(loadBalancerId, 80, "tcp");
    await h.cloud.slb.listListeners(loadBalancerId);
    await h.cloud.slb.modifyInternetSpec(loadBalancerId, { internetChargeType: "paybytraffic" });
    await h.cloud.slb.tagLoadBalancer(loadBalancerId, [{ key: "team", value: "net" }]);
    await h.cloud.slb.deleteListener(loadBalancerId, 53, "udp");
    await h.cloud.slb.deleteLoadBalancer(loadBalancerId);
  });
  assert.deepEqual(ignored, {});
});

// ---------------------------------------------------------------- 2. undeclared parameters

test("undeclared parameters are ignored, as the real gateway does, and named in the request log", async () => {
  const lbId = await newLb();
  const vsg = await newVsg(lbId);
  const ignored = await ignoredDuring(() =>
    slb("CreateLoadBalancerTCPListener", {
      LoadBalancerId: lbId,
      ListenerPort: 90,
      VServerGroupId: vsg,
      Bandwidth: -1,
      NoSuchParameter: "x",
      // Neither the metadata spelling nor its PascalCase form: not taken (case-insensitive matching is unconfirmed).
      HEALTHCHECKINTERVAL: 9,
      // No SLB action but CreateLoadBalancer declares ClientToken.
      ClientToken: "not-declared-here",
    }),
  );
  assert.deepEqual(ignored, {
    CreateLoadBalancerTCPListener: ["ClientToken", "HEALTHCHECKINTERVAL", "NoSuchParameter"],
  });
  const got = await describeListener(lbId, "TCP", 90)();
  assert.equal(got.HealthCheckInterval, 2, "the default, not the ignored value");
});

// ---------------------------------------------------------------- 3. VpcId from the vSwitch; unknown vSwitch

test("CreateLoadBalancer with only a VSwitchId takes the VPC of the vSwitch; an unknown vSwitch is refused", async () => {
  const res = await slb("CreateLoadBalancer", {
    AddressType: "intranet",
    VSwitchId: EMULATOR_DEFAULTS.vpc.vSwitchId,
  });
  assert.equal(res.VpcId, EMULATOR_DEFAULTS.vpc.vpcId);
  assert.equal(res.NetworkType, "vpc");
  const got = await slb("DescribeLoadBalancerAttribute", { LoadBalancerId: res.LoadBalancerId });
  assert.equal(got.VpcId, EMULATOR_DEFAULTS.vpc.vpcId);

  // Another vSwitch of the region (its id carries the region code) is in the same VPC.
  const other = await slb("CreateLoadBalancer", {
    AddressType: "intranet",
    VSwitchId: "vsw-bp1other0000000001",
  });
  assert.equal(other.VpcId, EMULATOR_DEFAULTS.vpc.vpcId);

  // A vSwitch of no VPC here (another region's code): the VPC/ECS not-found code (unverified for SLB).
  assert.equal(
    await codeOf(
      slb("CreateLoadBalancer", { AddressType: "intranet", VSwitchId: "vsw-2zeelsewhere00000001" }),
    ),
    "InvalidVSwitchId.NotFound",
  );
  assert.equal(await codeOf(slb("CreateLoadBalancer", { VSwitchId: "not-a-vswitch" })), "InvalidParameter");
});

// ---------------------------------------------------------------- 4. XForwardedFor_* default to off

test("HTTP and HTTPS listeners report the XForwardedFor_* switches a create leaves out as off", async () => {
  const lbId = await newLb();
  const vsg = await newVsg(lbId);
  const cert = String(
    (
      await slb("UploadServerCertificate", {
        ServerCertificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        PrivateKey: "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n",
      })
    ).ServerCertificateId,
  );
  await slb("CreateLoadBalancerHTTPListener", {
    LoadBalancerId: lbId,
    ListenerPort: 80,
    VServerGroupId: vsg,
    HealthCheck: "off",
    StickySession: "off",
  });
  await slb("CreateLoadBalancerHTTPSListener", {
    LoadBalancerId: lbId,
    ListenerPort: 443,
    VServerGroupId: vsg,
    Bandwidth: -1,
    HealthCheck: "off",
    StickySession: "off",
    ServerCertificateId: cert,
  });
  const common = {
    XForwardedFor: "on",
    XForwardedFor_proto: "off",
    XForwardedFor_SLBIP: "off",
    XForwardedFor_SLBID: "off",
    XForwardedFor_SLBPORT: "off",
    XForwardedFor_ClientSrcPort: "off",
  };
  const pick = (b: Body, keys: string[]) => Object.fromEntries(keys.map((k) => [k, b[k]]));
  const http = await describeListener(lbId, "HTTP", 80)();
  assert.deepEqual(pick(http, Object.keys(common)), common);
  const httpsOnly = {
    XForwardedFor_ClientCertSubjectDN: "off",
    XForwardedFor_ClientCertIssuerDN: "off",
    XForwardedFor_ClientCertFingerprint: "off",
    XForwardedFor_ClientCertClientVerify: "off",
  };
  const https = await describeListener(lbId, "HTTPS", 443)();
  assert.deepEqual(pick(https, [...Object.keys(common), ...Object.keys(httpsOnly)]), {
    ...common,
    ...httpsOnly,
  });

  const [listed] = (
    await slb("DescribeLoadBalancerListeners", { "LoadBalancerId.1": lbId, ListenerProtocol: "http" })
  ).Listeners as Body[];
  assert.deepEqual(pick(listed.HTTPListenerConfig, Object.keys(common)), common);
});

// ---------------------------------------------------------------- 5. comma-separated AclId

test("a comma-separated AclId binds several ACLs on create and set; each must exist", async () => {
  const lbId = await newLb();
  const vsg = await newVsg(lbId);
  const [a, b, c] = [await newAcl("wire-a"), await newAcl("wire-b"), await newAcl("wire-c")];
  await slb("CreateLoadBalancerTCPListener", {
    LoadBalancerId: lbId,
    ListenerPort: 80,
    VServerGroupId: vsg,
    Bandwidth: -1,
    AclStatus: "on",
    AclType: "white",
    AclId: `${a},${b}`,
  });
  let got = await describeListener(lbId, "TCP", 80)();
  assert.deepEqual(got.AclIds.AclId, [a, b]);
  assert.equal(got.AclId, `${a},${b}`);

  await slb("SetLoadBalancerTCPListenerAttribute", {
    LoadBalancerId: lbId,
    ListenerPort: 80,
    AclId: `${b}, ${c}`,
  });
  got = await describeListener(lbId, "TCP", 80)();
  assert.deepEqual(got.AclIds.AclId, [b, c]);
  const [listed] = (await slb("DescribeLoadBalancerListeners", { "LoadBalancerId.1": lbId }))
    .Listeners as Body[];
  assert.deepEqual(listed.AclIds, [b, c]);

  // Every ACL of the list is in use; the one dropped by the set is free again.
  const acl = await slb("DescribeAccessControlListAttribute", { AclId: c });
  assert.equal(acl.RelatedListeners.RelatedListener.length, 1);
  assert.equal(await codeOf(slb("DeleteAccessControlList", { AclId: b })), "AclInUsed");
  await slb("DeleteAccessControlList", { AclId: a });

  assert.equal(
    await codeOf(
      slb("SetLoadBalancerTCPListenerAttribute", {
        LoadBalancerId: lbId,
        ListenerPort: 80,
        AclId: `${b},acl-bp1missing000000000`,
      }),
    ),
    "AclNotExist",
  );
});

// ---------------------------------------------------------------- 6. unknown zones

test("unknown MasterZoneId/SlaveZoneId are refused (InvalidParameter; the real code is unverified)", async () => {
  for (const [param, zone] of [
    ["MasterZoneId", "cn-hangzhou-z"],
    ["MasterZoneId", "cn-beijing-a"],
    ["SlaveZoneId", "cn-hangzhou-hh"],
    ["SlaveZoneId", "nowhere"],
  ] as const) {
    assert.equal(await codeOf(newLb({ [param]: zone })), "InvalidParameter", `${param}=${zone}`);
  }
  const lbId = await newLb({ MasterZoneId: "cn-hangzhou-b", SlaveZoneId: "cn-hangzhou-k" });
  const got = await slb("DescribeLoadBalancerAttribute", { LoadBalancerId: lbId });
  assert.equal(got.MasterZoneId, "cn-hangzhou-b");
  assert.equal(got.SlaveZoneId, "cn-hangzhou-k");
});

// ---------------------------------------------------------------- 7. bandwidth -> traffic waits for the next day

test("pay-by-bandwidth -> pay-by-traffic takes effect at the next 00:00 (UTC+8); the other way at once", async () => {
  const lbId = await newLb({ AddressType: "internet", InternetChargeType: "paybybandwidth", Bandwidth: 10 });
  const chargeType = async () => {
    const attr = await slb("DescribeLoadBalancerAttribute", { LoadBalancerId: lbId });
    const list = await slb("DescribeLoadBalancers", { LoadBalancerId: lbId });
    const item = list.LoadBalancers.LoadBalancer[0] as Body;
    return [attr.InternetChargeType, item.InternetChargeTypeAlias, String(item.InternetChargeType)];
  };
  assert.deepEqual(await chargeType(), ["paybybandwidth", "paybybandwidth", "3"]);

  const { nowMs } = (await (await fetch(`${h.url}/_emulator/health`)).json()) as { nowMs: number };
  const dayMs = 86_400_000;
  const offsetMs = EMULATOR_DEFAULTS.billingDayUtcOffsetMs;
  const untilMidnightMs = (Math.floor((nowMs + offsetMs) / dayMs) + 1) * dayMs - offsetMs - nowMs;

  await slb("ModifyLoadBalancerInternetSpec", { LoadBalancerId: lbId, InternetChargeType: "paybytraffic" });
  assert.deepEqual(await chargeType(), ["paybybandwidth", "paybybandwidth", "3"], "still bandwidth today");
  if (untilMidnightMs > 60_000) {
    await h.advanceClock(untilMidnightMs - 60_000);
    assert.deepEqual(
      await chargeType(),
      ["paybybandwidth", "paybybandwidth", "3"],
      "a minute before midnight",
    );
  }
  await h.advanceClock(Math.min(untilMidnightMs, 60_000) + 1_000);
  assert.deepEqual(await chargeType(), ["paybytraffic", "paybytraffic", "4"], "the next day");

  await slb("ModifyLoadBalancerInternetSpec", {
    LoadBalancerId: lbId,
    InternetChargeType: "paybybandwidth",
    Bandwidth: 20,
  });
  assert.deepEqual(
    await chargeType(),
    ["paybybandwidth", "paybybandwidth", "3"],
    "traffic -> bandwidth at once",
  );
  const attr = await slb("DescribeLoadBalancerAttribute", { LoadBalancerId: lbId });
  assert.equal(attr.Bandwidth, 20);

  // A change back before the day comes cancels the waiting one.
  await slb("ModifyLoadBalancerInternetSpec", { LoadBalancerId: lbId, InternetChargeType: "paybytraffic" });
  await slb("ModifyLoadBalancerInternetSpec", { LoadBalancerId: lbId, InternetChargeType: "paybybandwidth" });
  await h.advanceClock(dayMs);
  assert.deepEqual(await chargeType(), ["paybybandwidth", "paybybandwidth", "3"]);
});
