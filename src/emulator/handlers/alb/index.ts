// ALB 2020-06-16. Every mutation is asynchronous in the real API: it returns a JobId, and statuses
// move Provisioning→Active/Running, Adding→Available, Processing→Succeeded. Here statuses are
// computed lazily from stored timestamps on the virtual clock (no timers, so restarts are exact).
import { type Handler, type HandlerCtx, isoSeconds, page, productHandlers, toList, type Tree } from "../../core";
import { Errors } from "../../errors";
import type { Doc, Tx } from "../../store";
import { checkId, VPC_ID, VSW_ID, view } from "../common";

const LB = "alb.lb";
const LISTENER = "alb.listener";
const SG = "alb.sg";
const RULE = "alb.rule";
const JOB = "alb.job";

const LB_ID = /^alb-[a-z0-9]{8,40}$/;
const LSR_ID = /^lsr-[a-z0-9]{8,40}$/;
const SGP_ID = /^sgp-[a-z0-9]{8,40}$/;
const RULE_ID = /^rule-[a-z0-9]{8,40}$/;

type Tag = { Key: string; Value: string };

interface LbDoc extends Doc {
  LoadBalancerId: string;
  LoadBalancerName: string;
  RegionId: string;
  VpcId: string;
  DeletionProtectionConfig: { Enabled: boolean; EnabledTime?: string };
  Tags: Tag[];
  _readyAtMs: number;
  _createdMs: number;
}

interface ListenerDoc extends Doc {
  ListenerId: string;
  LoadBalancerId: string;
  ListenerPort: number;
  ListenerProtocol: string;
  DefaultActions: Array<{
    Type: string;
    ForwardGroupConfig: { ServerGroupTuples: Array<{ ServerGroupId: string }> };
  }>;
  _readyAtMs: number;
  _createdMs: number;
}

interface ServerDoc extends Doc {
  ServerId: string;
  ServerType: string;
  ServerIp: string;
  Port: number;
  Weight: number;
  Description: string;
  _readyAtMs: number;
}

interface SgDoc extends Doc {
  ServerGroupId: string;
  ServerGroupName: string;
  VpcId: string;
  RegionId: string;
  Tags: Tag[];
  _servers: ServerDoc[];
  _createdMs: number;
}

interface RuleDoc extends Doc {
  RuleId: string;
  ListenerId: string;
  LoadBalancerId: string;
  Priority: number;
  RuleName: string;
  RuleConditions: unknown[];
  RuleActions: Array<Record<string, unknown>>;
  _readyAtMs: number;
  _createdMs: number;
}

// ---------------------------------------------------------------- helpers

/** Turns the flattened tree into JSON: numbered children become arrays, numeric leaves numbers. */
const NUMERIC_LEAVES = new Set([
  "Order",
  "Priority",
  "Weight",
  "Port",
  "HttpCode",
  "MaxAge",
  "QPS",
  "PerIpQps",
  "Timeout",
]);
const KEEP_STRING = new Set(["HttpCode"]); // the SDK models type HttpCode as a string
function normalize(t: Tree | string, key = ""): unknown {
  if (typeof t === "string") {
    if (t === "true" || t === "false") return t === "true";
    if (NUMERIC_LEAVES.has(key) && !KEEP_STRING.has(key) && /^-?\d+$/.test(t)) return Number(t);
    return t;
  }
  const keys = Object.keys(t);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) return toList(t).map((c) => normalize(c, key));
  return Object.fromEntries(keys.map((k) => [k, normalize(t[k], k)]));
}

function obj(ctx: HandlerCtx, name: string): Record<string, unknown> | undefined {
  const t = ctx.p.tree()[name];
  return t === undefined ? undefined : (normalize(t, name) as Record<string, unknown>);
}

function arr(ctx: HandlerCtx, name: string): Array<Record<string, unknown>> {
  const t = ctx.p.tree()[name];
  if (t === undefined) return [];
  const v = normalize(t, name);
  return (Array.isArray(v) ? v : [v]) as Array<Record<string, unknown>>;
}

function status(readyAtMs: number, nowMs: number, pending: string, done: string): string {
  return nowMs < readyAtMs ? pending : done;
}

function job(
  ctx: HandlerCtx,
  apiName: string,
  resourceType: string,
  resourceId: string,
  operateType: string,
): string {
  const id = ctx.ids.uuid();
  ctx.tx.put(JOB, id, {
    Id: id,
    ApiName: apiName,
    ResourceType: resourceType,
    ResourceId: resourceId,
    OperateType: operateType,
    CreateTime: ctx.nowMs,
    _readyAtMs: ctx.nowMs + ctx.transitions.albMs,
  });
  return id;
}

function getLb(ctx: HandlerCtx, id?: string): LbDoc {
  const lbId = checkId("LoadBalancerId", id ?? ctx.p.req("LoadBalancerId"), LB_ID);
  const lb = ctx.tx.get<LbDoc>(LB, lbId);
  if (!lb) throw Errors.albNotFound("LoadBalancer", lbId);
  return lb;
}

/** Children of a load balancer cannot change while it is still provisioning. */
function requireLbReady(ctx: HandlerCtx, lb: LbDoc): void {
  if (ctx.nowMs < lb._readyAtMs) {
    throw Errors.albIncorrectStatus(lb.LoadBalancerId, "Provisioning");
  }
}

function getListener(ctx: HandlerCtx): ListenerDoc {
  const id = checkId("ListenerId", ctx.p.req("ListenerId"), LSR_ID);
  const l = ctx.tx.get<ListenerDoc>(LISTENER, id);
  if (!l) throw Errors.albNotFound("Listener", id);
  return l;
}

function getSg(ctx: HandlerCtx, id?: string): SgDoc {
  const sgId = checkId("ServerGroupId", id ?? ctx.p.req("ServerGroupId"), SGP_ID);
  const g = ctx.tx.get<SgDoc>(SG, sgId);
  if (!g) throw Errors.albNotFound("ServerGroup", sgId);
  return g;
}

function getRule(ctx: HandlerCtx): RuleDoc {
  const id = checkId("RuleId", ctx.p.req("RuleId"), RULE_ID);
  const r = ctx.tx.get<RuleDoc>(RULE, id);
  if (!r) throw Errors.albNotFound("Rule", id);
  return r;
}

function hasTags(have: Tag[], want: Tag[]): boolean {
  return want.every((w) => have.some((h) => h.Key === w.Key && (w.Value === "" || h.Value === w.Value)));
}

/** Server group ids referenced by actions (listener default actions and rule actions). */
function referencedGroups(actions: Array<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const a of actions) {
    const fg = a.ForwardGroupConfig as { ServerGroupTuples?: Array<{ ServerGroupId?: string }> } | undefined;
    for (const t of fg?.ServerGroupTuples ?? []) if (t.ServerGroupId) out.push(t.ServerGroupId);
  }
  return out;
}

function checkGroupsExist(ctx: HandlerCtx, actions: Array<Record<string, unknown>>): void {
  for (const id of referencedGroups(actions)) getSg(ctx, id);
}

function listOpts(ctx: HandlerCtx): { maxResults: number; nextToken: string | undefined } {
  return {
    maxResults: ctx.p.int("MaxResults", { min: 1, max: 100 }) ?? 20,
    nextToken: ctx.p.str("NextToken"),
  };
}

// ---------------------------------------------------------------- load balancers

function lbView(lb: LbDoc, nowMs: number): Doc {
  return { ...view(lb), LoadBalancerStatus: status(lb._readyAtMs, nowMs, "Provisioning", "Active") };
}

function createLoadBalancer(ctx: HandlerCtx): Doc {
  const { p } = ctx;
  const vpcId = checkId("VpcId", p.req("VpcId"), VPC_ID);
  const addressType = p.oneOf("AddressType", ["Internet", "Intranet"] as const);
  if (!addressType) throw Errors.missingParam("AddressType");
  const edition = p.oneOf("LoadBalancerEdition", ["Basic", "Standard", "StandardWithWaf"] as const);
  if (!edition) throw Errors.missingParam("LoadBalancerEdition");
  const payType = p.req("LoadBalancerBillingConfig.PayType");
  const zones = arr(ctx, "ZoneMappings");
  if (zones.length === 0) throw Errors.missingParam("ZoneMappings");
  if (zones.length < 2) throw Errors.invalidParam("ZoneMappings", "At least two zones are required.");
  const zoneMappings = zones.map((z, i) => {
    const zoneId = typeof z.ZoneId === "string" ? z.ZoneId : undefined;
    const vsw = typeof z.VSwitchId === "string" ? z.VSwitchId : undefined;
    if (!zoneId) throw Errors.missingParam(`ZoneMappings.${i + 1}.ZoneId`);
    if (!vsw) throw Errors.missingParam(`ZoneMappings.${i + 1}.VSwitchId`);
    checkId(`ZoneMappings.${i + 1}.VSwitchId`, vsw, VSW_ID);
    const intranet = `192.168.${1 + Math.floor(ctx.ids.next() * 253)}.${1 + Math.floor(ctx.ids.next() * 253)}`;
    const address =
      addressType === "Internet"
        ? `47.${96 + Math.floor(ctx.ids.next() * 32)}.${1 + Math.floor(ctx.ids.next() * 253)}.${1 + Math.floor(ctx.ids.next() * 253)}`
        : intranet;
    return {
      ZoneId: zoneId,
      VSwitchId: vsw,
      Status: "Active",
      LoadBalancerAddresses: [
        {
          Address: address,
          IntranetAddress: intranet,
          AllocationId: typeof z.AllocationId === "string" ? z.AllocationId : "",
        },
      ],
    };
  });
  if (ctx.tx.all(LB).length >= ctx.quotas.albPerAccount) throw Errors.albQuota(ctx.quotas.albPerAccount);
  const id = ctx.ids.id("alb-", 18, false);
  const deletion = p.bool("DeletionProtectionEnabled") ?? false;
  const lb: LbDoc = {
    LoadBalancerId: id,
    LoadBalancerName: p.str("LoadBalancerName") ?? id,
    RegionId: ctx.regionId,
    VpcId: vpcId,
    AddressType: addressType,
    AddressAllocatedMode: p.oneOf("AddressAllocatedMode", ["Dynamic", "Fixed"] as const, "Dynamic"),
    AddressIpVersion: p.oneOf("AddressIpVersion", ["IPv4", "DualStack"] as const, "IPv4"),
    LoadBalancerEdition: edition,
    LoadBalancerBillingConfig: { PayType: payType },
    DeletionProtectionConfig: deletion
      ? { Enabled: true, EnabledTime: isoSeconds(ctx.nowMs) }
      : { Enabled: false },
    ModificationProtectionConfig: { Status: "NonProtection" },
    LoadBalancerBussinessStatus: "Normal",
    LoadBalancerOperationLocks: [],
    SecurityGroupIds: [],
    DNSName: `${id}.${ctx.regionId}.alb.aliyuncs.com`,
    ResourceGroupId: p.str("ResourceGroupId") ?? "rg-default",
    CreateTime: isoSeconds(ctx.nowMs),
    ZoneMappings: zoneMappings,
    Tags: p.tags(),
    _readyAtMs: ctx.nowMs + ctx.transitions.albMs,
    _createdMs: ctx.nowMs,
  };
  ctx.tx.put(LB, id, lb);
  return { LoadBalancerId: id, JobId: job(ctx, "CreateLoadBalancer", "loadbalancer", id, "Create") };
}

function listLoadBalancers(ctx: HandlerCtx): Doc {
  const ids = ctx.p.strList("LoadBalancerIds");
  const names = ctx.p.strList("LoadBalancerNames");
  const vpcs = ctx.p.strList("VpcIds");
  const tags = ctx.p.tags();
  const wantStatus = ctx.p.str("LoadBalancerStatus");
  const { maxResults, nextToken } = listOpts(ctx);
  const all = ctx.tx
    .all<LbDoc>(LB)
    .filter(
      (lb) =>
        lb.RegionId === ctx.regionId &&
        (ids.length === 0 || ids.includes(lb.LoadBalancerId)) &&
        (names.length === 0 || names.includes(lb.LoadBalancerName)) &&
        (vpcs.length === 0 || vpcs.includes(lb.VpcId)) &&
        hasTags(lb.Tags, tags),
    )
    .sort((a, b) => a._createdMs - b._createdMs)
    .map((lb) => lbView(lb, ctx.nowMs))
    .filter((lb) => !wantStatus || lb.LoadBalancerStatus === wantStatus);
  const pg = page(all, nextToken, maxResults);
  return { LoadBalancers: pg.items, TotalCount: all.length, MaxResults: maxResults, NextToken: pg.nextToken };
}

function deleteLoadBalancer(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  if (lb.DeletionProtectionConfig.Enabled) throw Errors.albDeletionProtected(lb.LoadBalancerId);
  // Cascade: listeners and their rules go with the instance; server groups are VPC-level and stay.
  for (const l of ctx.tx.all<ListenerDoc>(LISTENER).filter((l) => l.LoadBalancerId === lb.LoadBalancerId)) {
    ctx.tx.del(LISTENER, l.ListenerId);
  }
  for (const r of ctx.tx.all<RuleDoc>(RULE).filter((r) => r.LoadBalancerId === lb.LoadBalancerId))
    ctx.tx.del(RULE, r.RuleId);
  ctx.tx.del(LB, lb.LoadBalancerId);
  return { JobId: job(ctx, "DeleteLoadBalancer", "loadbalancer", lb.LoadBalancerId, "Delete") };
}

function setDeletionProtection(enabled: boolean) {
  return (ctx: HandlerCtx): Doc => {
    const lb = getLb(ctx, ctx.p.req("ResourceId"));
    ctx.tx.put(LB, lb.LoadBalancerId, {
      ...lb,
      DeletionProtectionConfig: enabled
        ? { Enabled: true, EnabledTime: isoSeconds(ctx.nowMs) }
        : { Enabled: false },
    });
    return {};
  };
}

// ---------------------------------------------------------------- listeners

function listenerView(l: ListenerDoc, nowMs: number): Doc {
  return { ...view(l), ListenerStatus: status(l._readyAtMs, nowMs, "Provisioning", "Running") };
}

function listenerFields(ctx: HandlerCtx): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const desc = ctx.p.str("ListenerDescription");
  if (desc !== undefined) out.ListenerDescription = desc;
  const idle = ctx.p.int("IdleTimeout", { min: 1, max: 600 });
  if (idle !== undefined) out.IdleTimeout = idle;
  const reqT = ctx.p.int("RequestTimeout", { min: 1, max: 600 });
  if (reqT !== undefined) out.RequestTimeout = reqT;
  const http2 = ctx.p.bool("Http2Enabled");
  if (http2 !== undefined) out.Http2Enabled = http2;
  const gzip = ctx.p.bool("GzipEnabled");
  if (gzip !== undefined) out.GzipEnabled = gzip;
  const sp = ctx.p.str("SecurityPolicyId");
  if (sp !== undefined) out.SecurityPolicyId = sp;
  const certs = arr(ctx, "Certificates");
  if (certs.length > 0)
    out.Certificates = certs.map((c) => ({
      CertificateId: typeof c.CertificateId === "string" ? c.CertificateId : "",
      IsDefault: true,
      Status: "Associated",
    }));
  const xff = obj(ctx, "XForwardedForConfig");
  if (xff) out.XForwardedForConfig = xff;
  const actions = arr(ctx, "DefaultActions");
  if (actions.length > 0) {
    actions.forEach((a, i) => {
      if (typeof a.Type !== "string") throw Errors.missingParam(`DefaultActions.${i + 1}.Type`);
    });
    checkGroupsExist(ctx, actions);
    out.DefaultActions = actions;
  }
  return out;
}

function createListener(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  const port = ctx.p.reqInt("ListenerPort", { min: 1, max: 65535 });
  const proto = ctx.p.oneOf("ListenerProtocol", ["HTTP", "HTTPS", "QUIC"] as const);
  if (!proto) throw Errors.missingParam("ListenerProtocol");
  if (ctx.p.tree().DefaultActions === undefined) throw Errors.missingParam("DefaultActions");
  const fields = listenerFields(ctx);
  if (proto !== "HTTP" && !fields.Certificates) throw Errors.missingParam("Certificates");
  requireLbReady(ctx, lb);
  const clash = ctx.tx
    .all<ListenerDoc>(LISTENER)
    .some((l) => l.LoadBalancerId === lb.LoadBalancerId && l.ListenerPort === port);
  if (clash) throw Errors.albListenerExists(port);
  const id = ctx.ids.id("lsr-", 18, false);
  const doc: ListenerDoc = {
    ListenerId: id,
    LoadBalancerId: lb.LoadBalancerId,
    ListenerPort: port,
    ListenerProtocol: proto,
    ListenerDescription: "",
    IdleTimeout: 15,
    RequestTimeout: 60,
    Http2Enabled: proto !== "HTTP",
    GzipEnabled: true,
    SecurityPolicyId: proto === "HTTP" ? "" : "tls_cipher_policy_1_0",
    Certificates: [],
    CaEnabled: false,
    XForwardedForConfig: {
      XForwardedForEnabled: true,
      XForwardedForProtoEnabled: false,
      XForwardedForSLBIdEnabled: false,
      XForwardedForSLBPortEnabled: false,
      XForwardedForClientSrcPortEnabled: false,
    },
    Tags: ctx.p.tags(),
    ...(fields as Partial<ListenerDoc>),
    DefaultActions: fields.DefaultActions as ListenerDoc["DefaultActions"],
    _readyAtMs: ctx.nowMs + ctx.transitions.albMs,
    _createdMs: ctx.nowMs,
  };
  ctx.tx.put(LISTENER, id, doc);
  return { ListenerId: id, JobId: job(ctx, "CreateListener", "listener", id, "Create") };
}

function listListeners(ctx: HandlerCtx): Doc {
  const lbIds = ctx.p.strList("LoadBalancerIds");
  const ids = ctx.p.strList("ListenerIds");
  const proto = ctx.p.str("ListenerProtocol");
  const { maxResults, nextToken } = listOpts(ctx);
  const regionLbs = new Set(
    ctx.tx
      .all<LbDoc>(LB)
      .filter((lb) => lb.RegionId === ctx.regionId)
      .map((lb) => lb.LoadBalancerId),
  );
  const all = ctx.tx
    .all<ListenerDoc>(LISTENER)
    .filter(
      (l) =>
        regionLbs.has(l.LoadBalancerId) &&
        (lbIds.length === 0 || lbIds.includes(l.LoadBalancerId)) &&
        (ids.length === 0 || ids.includes(l.ListenerId)) &&
        (!proto || l.ListenerProtocol === proto),
    )
    .sort((a, b) => a._createdMs - b._createdMs || a.ListenerPort - b.ListenerPort);
  const pg = page(all, nextToken, maxResults);
  return {
    Listeners: pg.items.map((l) => listenerView(l, ctx.nowMs)),
    TotalCount: all.length,
    MaxResults: maxResults,
    NextToken: pg.nextToken,
  };
}

function updateListenerAttribute(ctx: HandlerCtx): Doc {
  const l = getListener(ctx);
  const fields = listenerFields(ctx);
  // A configuration change puts the listener back into a short Configuring-like transition.
  ctx.tx.put(LISTENER, l.ListenerId, { ...l, ...fields, _readyAtMs: Math.max(l._readyAtMs, ctx.nowMs) });
  return { JobId: job(ctx, "UpdateListenerAttribute", "listener", l.ListenerId, "Update") };
}

function deleteListener(ctx: HandlerCtx): Doc {
  const l = getListener(ctx);
  for (const r of ctx.tx.all<RuleDoc>(RULE).filter((r) => r.ListenerId === l.ListenerId))
    ctx.tx.del(RULE, r.RuleId);
  ctx.tx.del(LISTENER, l.ListenerId);
  return { JobId: job(ctx, "DeleteListener", "listener", l.ListenerId, "Delete") };
}

// ---------------------------------------------------------------- server groups

function sgView(tx: Tx, g: SgDoc): Doc {
  const related = new Set<string>();
  for (const l of tx.all<ListenerDoc>(LISTENER))
    if (referencedGroups(l.DefaultActions).includes(g.ServerGroupId)) related.add(l.LoadBalancerId);
  for (const r of tx.all<RuleDoc>(RULE))
    if (referencedGroups(r.RuleActions).includes(g.ServerGroupId)) related.add(r.LoadBalancerId);
  return {
    ...view(g),
    ServerCount: g._servers.length,
    RelatedLoadBalancerIds: [...related],
    ServerGroupStatus: "Available",
  };
}

function createServerGroup(ctx: HandlerCtx): Doc {
  const name = ctx.p.req("ServerGroupName");
  const hcEnabled = ctx.p.bool("HealthCheckConfig.HealthCheckEnabled");
  if (hcEnabled === undefined) throw Errors.missingParam("HealthCheckConfig.HealthCheckEnabled");
  const type = ctx.p.oneOf("ServerGroupType", ["Instance", "Ip", "Fc"] as const, "Instance")!;
  const vpcId = ctx.p.str("VpcId");
  if (type !== "Fc" && !vpcId) throw Errors.missingParam("VpcId");
  if (vpcId) checkId("VpcId", vpcId, VPC_ID);
  const id = ctx.ids.id("sgp-", 18, false);
  const hc = obj(ctx, "HealthCheckConfig") ?? {};
  const g: SgDoc = {
    ServerGroupId: id,
    ServerGroupName: name,
    ServerGroupType: type,
    Protocol: ctx.p.oneOf("Protocol", ["HTTP", "HTTPS", "gRPC"] as const, "HTTP"),
    Scheduler: ctx.p.oneOf("Scheduler", ["Wrr", "Wlc", "Sch", "Uch"] as const, "Wrr"),
    VpcId: vpcId ?? "",
    RegionId: ctx.regionId,
    ResourceGroupId: ctx.p.str("ResourceGroupId") ?? "rg-default",
    HealthCheckConfig: {
      HealthCheckProtocol: "HTTP",
      HealthCheckPath: "/",
      HealthCheckInterval: 2,
      HealthyThreshold: 3,
      UnhealthyThreshold: 3,
      ...hc,
      HealthCheckEnabled: hcEnabled,
    },
    StickySessionConfig: obj(ctx, "StickySessionConfig") ?? { StickySessionEnabled: false },
    CreateTime: isoSeconds(ctx.nowMs),
    Tags: ctx.p.tags(),
    _servers: [],
    _createdMs: ctx.nowMs,
  };
  ctx.tx.put(SG, id, g);
  return { ServerGroupId: id, JobId: job(ctx, "CreateServerGroup", "servergroup", id, "Create") };
}

function listServerGroups(ctx: HandlerCtx): Doc {
  const ids = ctx.p.strList("ServerGroupIds");
  const names = ctx.p.strList("ServerGroupNames");
  const vpcId = ctx.p.str("VpcId");
  const type = ctx.p.str("ServerGroupType");
  const tags = ctx.p.tags();
  const { maxResults, nextToken } = listOpts(ctx);
  const all = ctx.tx
    .all<SgDoc>(SG)
    .filter(
      (g) =>
        g.RegionId === ctx.regionId &&
        (ids.length === 0 || ids.includes(g.ServerGroupId)) &&
        (names.length === 0 || names.includes(g.ServerGroupName)) &&
        (!vpcId || g.VpcId === vpcId) &&
        (!type || g.ServerGroupType === type) &&
        hasTags(g.Tags, tags),
    )
    .sort((a, b) => a._createdMs - b._createdMs);
  const pg = page(all, nextToken, maxResults);
  return {
    ServerGroups: pg.items.map((g) => sgView(ctx.tx, g)),
    TotalCount: all.length,
    MaxResults: maxResults,
    NextToken: pg.nextToken,
  };
}

const serverKey = (s: { ServerId: string; ServerIp: string; Port: number }): string =>
  `${s.ServerId}|${s.ServerIp}|${s.Port}`;

function parseServers(ctx: HandlerCtx, forAdd: boolean): ServerDoc[] {
  const raw = arr(ctx, "Servers");
  if (raw.length === 0) throw Errors.missingParam("Servers");
  if (raw.length > 200) throw Errors.invalidParam("Servers", "At most 200 servers per call.");
  return raw.map((s, i) => {
    const serverType = typeof s.ServerType === "string" ? s.ServerType : undefined;
    const serverId = typeof s.ServerId === "string" ? s.ServerId : undefined;
    if (!serverType) throw Errors.missingParam(`Servers.${i + 1}.ServerType`);
    if (!serverId) throw Errors.missingParam(`Servers.${i + 1}.ServerId`);
    if (!["Ecs", "Eni", "Eci", "Ip", "Fc"].includes(serverType))
      throw Errors.invalidParam(`Servers.${i + 1}.ServerType`);
    const port = typeof s.Port === "number" ? s.Port : 0;
    if (forAdd && serverType !== "Fc" && (port < 1 || port > 65535))
      throw Errors.invalidParam(`Servers.${i + 1}.Port`);
    const weight = typeof s.Weight === "number" ? s.Weight : 100;
    if (weight < 0 || weight > 100) throw Errors.invalidParam(`Servers.${i + 1}.Weight`);
    return {
      ServerId: serverId,
      ServerType: serverType,
      ServerIp: typeof s.ServerIp === "string" ? s.ServerIp : serverType === "Ip" ? serverId : "",
      Port: port,
      Weight: weight,
      Description: typeof s.Description === "string" ? s.Description : "",
      _readyAtMs: ctx.nowMs + ctx.transitions.albMs,
    };
  });
}

function addServers(ctx: HandlerCtx): Doc {
  const g = getSg(ctx);
  const add = parseServers(ctx, true);
  const m = new Map(g._servers.map((s) => [serverKey(s), s]));
  for (const s of add) m.set(serverKey(s), s);
  ctx.tx.put(SG, g.ServerGroupId, { ...g, _servers: [...m.values()] });
  return { JobId: job(ctx, "AddServersToServerGroup", "servergroup", g.ServerGroupId, "Update") };
}

function removeServers(ctx: HandlerCtx): Doc {
  const g = getSg(ctx);
  const gone = parseServers(ctx, false);
  // Port 0 (absent) removes every port of that server.
  const keep = g._servers.filter(
    (s) =>
      !gone.some(
        (r) =>
          r.ServerId === s.ServerId &&
          (r.Port === 0 || r.Port === s.Port) &&
          (!r.ServerIp || r.ServerIp === s.ServerIp),
      ),
  );
  ctx.tx.put(SG, g.ServerGroupId, { ...g, _servers: keep });
  return { JobId: job(ctx, "RemoveServersFromServerGroup", "servergroup", g.ServerGroupId, "Update") };
}

function listServerGroupServers(ctx: HandlerCtx): Doc {
  const g = getSg(ctx);
  const ids = ctx.p.strList("ServerIds");
  const ips = ctx.p.strList("ServerIps");
  const { maxResults, nextToken } = listOpts(ctx);
  const all = g._servers.filter(
    (s) => (ids.length === 0 || ids.includes(s.ServerId)) && (ips.length === 0 || ips.includes(s.ServerIp)),
  );
  const pg = page(all, nextToken, maxResults);
  return {
    Servers: pg.items.map((s) => ({
      ...view(s),
      ServerGroupId: g.ServerGroupId,
      Status: status(s._readyAtMs, ctx.nowMs, "Adding", "Available"),
    })),
    TotalCount: all.length,
    MaxResults: maxResults,
    NextToken: pg.nextToken,
  };
}

function updateServerGroupAttribute(ctx: HandlerCtx): Doc {
  const g = getSg(ctx);
  const hc = obj(ctx, "HealthCheckConfig");
  const sticky = obj(ctx, "StickySessionConfig");
  ctx.tx.put(SG, g.ServerGroupId, {
    ...g,
    ServerGroupName: ctx.p.str("ServerGroupName") ?? g.ServerGroupName,
    Scheduler: ctx.p.oneOf("Scheduler", ["Wrr", "Wlc", "Sch", "Uch"] as const) ?? g.Scheduler,
    ...(hc ? { HealthCheckConfig: { ...(g.HealthCheckConfig as object), ...hc } } : {}),
    ...(sticky ? { StickySessionConfig: { ...(g.StickySessionConfig as object), ...sticky } } : {}),
  });
  return { JobId: job(ctx, "UpdateServerGroupAttribute", "servergroup", g.ServerGroupId, "Update") };
}

function deleteServerGroup(ctx: HandlerCtx): Doc {
  const g = getSg(ctx);
  const used =
    ctx.tx
      .all<ListenerDoc>(LISTENER)
      .some((l) => referencedGroups(l.DefaultActions).includes(g.ServerGroupId)) ||
    ctx.tx.all<RuleDoc>(RULE).some((r) => referencedGroups(r.RuleActions).includes(g.ServerGroupId));
  if (used) throw Errors.albInUse("ServerGroup", g.ServerGroupId);
  ctx.tx.del(SG, g.ServerGroupId);
  return { JobId: job(ctx, "DeleteServerGroup", "servergroup", g.ServerGroupId, "Delete") };
}

// ---------------------------------------------------------------- rules

function parseRule(
  ctx: HandlerCtx,
  r: Record<string, unknown>,
  prefix: string,
  l: ListenerDoc,
  partial: boolean,
): Partial<RuleDoc> {
  const out: Partial<RuleDoc> = {};
  if (r.Priority !== undefined) {
    if (typeof r.Priority !== "number" || r.Priority < 1 || r.Priority > 10000)
      throw Errors.invalidParam(`${prefix}Priority`);
    out.Priority = r.Priority;
  } else if (!partial) throw Errors.missingParam(`${prefix}Priority`);
  if (typeof r.RuleName === "string") out.RuleName = r.RuleName;
  else if (!partial) throw Errors.missingParam(`${prefix}RuleName`);
  const conds = r.RuleConditions;
  if (conds !== undefined) {
    const list = (Array.isArray(conds) ? conds : [conds]) as Array<Record<string, unknown>>;
    list.forEach((c, i) => {
      if (typeof c.Type !== "string") throw Errors.missingParam(`${prefix}RuleConditions.${i + 1}.Type`);
    });
    out.RuleConditions = list;
  } else if (!partial) throw Errors.missingParam(`${prefix}RuleConditions`);
  const acts = r.RuleActions;
  if (acts !== undefined) {
    const list = (Array.isArray(acts) ? acts : [acts]) as Array<Record<string, unknown>>;
    list.forEach((a, i) => {
      if (typeof a.Type !== "string") throw Errors.missingParam(`${prefix}RuleActions.${i + 1}.Type`);
      if (typeof a.Order !== "number") throw Errors.missingParam(`${prefix}RuleActions.${i + 1}.Order`);
    });
    checkGroupsExist(ctx, list);
    out.RuleActions = list;
  } else if (!partial) throw Errors.missingParam(`${prefix}RuleActions`);
  if (out.Priority !== undefined) {
    const clash = ctx.tx
      .all<RuleDoc>(RULE)
      .some((x) => x.ListenerId === l.ListenerId && x.Priority === out.Priority && x.RuleId !== r.RuleId);
    if (clash) throw Errors.albPriorityConflict(out.Priority, l.ListenerId);
  }
  return out;
}

function putRule(
  ctx: HandlerCtx,
  l: ListenerDoc,
  fields: Partial<RuleDoc>,
  direction: string,
  tags: unknown,
): string {
  const id = ctx.ids.id("rule-", 18, false);
  const doc: RuleDoc = {
    RuleId: id,
    ListenerId: l.ListenerId,
    LoadBalancerId: l.LoadBalancerId,
    Priority: fields.Priority!,
    RuleName: fields.RuleName!,
    RuleConditions: fields.RuleConditions!,
    RuleActions: fields.RuleActions!,
    Direction: direction,
    Tags: tags,
    _readyAtMs: ctx.nowMs + ctx.transitions.albMs,
    _createdMs: ctx.nowMs,
  };
  ctx.tx.put(RULE, id, doc);
  return id;
}

function createRule(ctx: HandlerCtx): Doc {
  const l = getListener(ctx);
  requireLbReady(ctx, getLb(ctx, l.LoadBalancerId));
  const r: Record<string, unknown> = {
    Priority: ctx.p.int("Priority"),
    RuleName: ctx.p.str("RuleName"),
    RuleConditions: ctx.p.tree().RuleConditions === undefined ? undefined : arr(ctx, "RuleConditions"),
    RuleActions: ctx.p.tree().RuleActions === undefined ? undefined : arr(ctx, "RuleActions"),
  };
  const fields = parseRule(ctx, r, "", l, false);
  const id = putRule(ctx, l, fields, ctx.p.str("Direction") ?? "Request", ctx.p.tags());
  return { RuleId: id, JobId: job(ctx, "CreateRule", "rule", id, "Create") };
}

function createRules(ctx: HandlerCtx): Doc {
  const l = getListener(ctx);
  requireLbReady(ctx, getLb(ctx, l.LoadBalancerId));
  const rules = arr(ctx, "Rules");
  if (rules.length === 0) throw Errors.missingParam("Rules");
  const ids: Array<{ Priority: number; RuleId: string }> = [];
  rules.forEach((r, i) => {
    const fields = parseRule(ctx, r, `Rules.${i + 1}.`, l, false);
    const id = putRule(
      ctx,
      l,
      fields,
      typeof r.Direction === "string" ? r.Direction : "Request",
      r.Tag ?? [],
    );
    ids.push({ Priority: fields.Priority!, RuleId: id });
  });
  return {
    RuleIds: ids,
    JobId: job(ctx, "CreateRules", "rule", ids.map((x) => x.RuleId).join(","), "Create"),
  };
}

function listRules(ctx: HandlerCtx): Doc {
  const lsrIds = ctx.p.strList("ListenerIds");
  const lbIds = ctx.p.strList("LoadBalancerIds");
  const ids = ctx.p.strList("RuleIds");
  const direction = ctx.p.str("Direction");
  const { maxResults, nextToken } = listOpts(ctx);
  const all = ctx.tx
    .all<RuleDoc>(RULE)
    .filter(
      (r) =>
        (lsrIds.length === 0 || lsrIds.includes(r.ListenerId)) &&
        (lbIds.length === 0 || lbIds.includes(r.LoadBalancerId)) &&
        (ids.length === 0 || ids.includes(r.RuleId)) &&
        (!direction || r.Direction === direction),
    )
    .sort((a, b) => a.Priority - b.Priority);
  const pg = page(all, nextToken, maxResults);
  return {
    Rules: pg.items.map((r) => ({
      ...view(r),
      RuleStatus: status(r._readyAtMs, ctx.nowMs, "Provisioning", "Available"),
    })),
    TotalCount: all.length,
    MaxResults: maxResults,
    NextToken: pg.nextToken,
  };
}

function updateRuleAttribute(ctx: HandlerCtx): Doc {
  const rule = getRule(ctx);
  const l = ctx.tx.get<ListenerDoc>(LISTENER, rule.ListenerId)!;
  const r: Record<string, unknown> = {
    RuleId: rule.RuleId,
    Priority: ctx.p.int("Priority"),
    RuleName: ctx.p.str("RuleName"),
    RuleConditions: ctx.p.tree().RuleConditions === undefined ? undefined : arr(ctx, "RuleConditions"),
    RuleActions: ctx.p.tree().RuleActions === undefined ? undefined : arr(ctx, "RuleActions"),
  };
  const fields = parseRule(ctx, r, "", l, true);
  ctx.tx.put(RULE, rule.RuleId, { ...rule, ...fields });
  return { JobId: job(ctx, "UpdateRuleAttribute", "rule", rule.RuleId, "Update") };
}

function deleteRule(ctx: HandlerCtx): Doc {
  const r = getRule(ctx);
  ctx.tx.del(RULE, r.RuleId);
  return { JobId: job(ctx, "DeleteRule", "rule", r.RuleId, "Delete") };
}

function listAsynJobs(ctx: HandlerCtx): Doc {
  const ids = ctx.p.strList("JobIds");
  const resIds = ctx.p.strList("ResourceIds");
  const type = ctx.p.str("ResourceType");
  const api = ctx.p.str("ApiName");
  const { maxResults, nextToken } = listOpts(ctx);
  const all = ctx.tx
    .all<
      Doc & {
        Id: string;
        ResourceId: string;
        ResourceType: string;
        ApiName: string;
        CreateTime: number;
        _readyAtMs: number;
      }
    >(JOB)
    .filter(
      (j) =>
        (ids.length === 0 || ids.includes(j.Id)) &&
        (resIds.length === 0 || resIds.some((r) => j.ResourceId.split(",").includes(r))) &&
        (!type || j.ResourceType === type) &&
        (!api || j.ApiName === api),
    )
    .sort((a, b) => a.CreateTime - b.CreateTime);
  const pg = page(all, nextToken, maxResults);
  return {
    Jobs: pg.items.map((j) => {
      const done = ctx.nowMs >= j._readyAtMs;
      return {
        ...view(j),
        Status: done ? "Succeeded" : "Processing",
        ModifyTime: done ? j._readyAtMs : j.CreateTime,
        ErrorCode: "",
        ErrorMessage: "",
      };
    }),
    TotalCount: all.length,
    MaxResults: maxResults,
    NextToken: pg.nextToken,
  };
}

// ---------------------------------------------------------------- table

export const albHandlers: Handler[] = productHandlers("alb", [
  ["CreateLoadBalancer", true, createLoadBalancer],
  ["GetLoadBalancerAttribute", false, (ctx) => ({ ...lbView(getLb(ctx), ctx.nowMs) })],
  ["ListLoadBalancers", false, listLoadBalancers],
  ["DeleteLoadBalancer", true, deleteLoadBalancer],
  ["EnableDeletionProtection", true, setDeletionProtection(true)],
  ["DisableDeletionProtection", true, setDeletionProtection(false)],
  ["CreateListener", true, createListener],
  ["ListListeners", false, listListeners],
  ["GetListenerAttribute", false, (ctx) => listenerView(getListener(ctx), ctx.nowMs)],
  ["UpdateListenerAttribute", true, updateListenerAttribute],
  ["DeleteListener", true, deleteListener],
  ["CreateServerGroup", true, createServerGroup],
  ["ListServerGroups", false, listServerGroups],
  ["ListServerGroupServers", false, listServerGroupServers],
  ["AddServersToServerGroup", true, addServers],
  ["RemoveServersFromServerGroup", true, removeServers],
  ["UpdateServerGroupAttribute", true, updateServerGroupAttribute],
  ["DeleteServerGroup", true, deleteServerGroup],
  ["CreateRule", true, createRule],
  ["CreateRules", true, createRules],
  ["ListRules", false, listRules],
  ["UpdateRuleAttribute", true, updateRuleAttribute],
  ["DeleteRule", true, deleteRule],
  ["ListAsynJobs", false, listAsynJobs],
]);
