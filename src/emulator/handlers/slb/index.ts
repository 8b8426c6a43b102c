// SLB (CLB) 2014-05-15. Response shapes follow the Go Tea models: older actions wrap lists the
// XML way (`LoadBalancers.LoadBalancer[]`), DescribeLoadBalancerListeners returns a plain array.
import { createHash } from "node:crypto";
import {
  type Handler,
  type HandlerCtx,
  type HandlerEntry,
  isoSeconds,
  page,
  type Params,
  productHandlers,
} from "../../core";
import { Errors } from "../../errors";
import type { Doc, Tx } from "../../store";
import {
  checkId,
  ciInt,
  COLLECTIONS,
  ciStr,
  hasAllTags,
  isObject,
  removeTags,
  setTags,
  tagsOf,
  type TagDoc,
  unbindEips,
  view,
  VPC_ID,
  VSW_ID,
} from "../common";

const LB = COLLECTIONS.slbLb;
const LISTENER = "slb.listener";
const VSG = "slb.vsg";
const TAG = "slb.tag";
const CERT = "slb.cert";
const DOMAIN_EXT = "slb.domainExt";
const ACL = "slb.acl";
const ACL_ID = /^acl-[a-z0-9]{6,40}$/;
/** Per region; the real limit is account-configurable (unverified default). */
const ACLS_PER_REGION = 50;
const ENTRIES_PER_CALL = 50;

const LB_ID = /^lb-[a-z0-9]{8,40}$/;
const VSG_ID = /^rsp-[a-z0-9]{6,40}$/;
const DE_ID = /^de-[a-z0-9]{6,40}$/;

type Proto = "tcp" | "udp" | "http" | "https";
const PROTOS: readonly Proto[] = ["tcp", "udp", "http", "https"];

interface LbDoc extends Doc {
  LoadBalancerId: string;
  RegionId: string;
  LoadBalancerName: string;
  Address: string;
  AddressType: string;
  DeleteProtection: string;
  _createdMs: number;
}

interface Backend extends Doc {
  ServerId: string;
  Port: number;
  Weight: number;
  Type: string;
  ServerIp?: string;
  Description?: string;
}

interface VsgDoc extends Doc {
  VServerGroupId: string;
  VServerGroupName: string;
  LoadBalancerId: string;
  RegionId: string;
  BackendServers: Backend[];
}

interface ListenerDoc extends Doc {
  LoadBalancerId: string;
  ListenerPort: number;
  ListenerProtocol: Proto;
  Status: "running" | "stopped";
  /** Every attribute the caller set, typed. */
  _attrs: Record<string, string | number>;
}

// ---------------------------------------------------------------- lookups

function getLb(ctx: HandlerCtx, id?: string): LbDoc {
  const lbId = checkId("LoadBalancerId", id ?? ctx.p.req("LoadBalancerId"), LB_ID);
  const lb = ctx.tx.get<LbDoc>(LB, lbId);
  if (!lb) throw Errors.slbNotFound(lbId);
  return lb;
}

function getVsg(ctx: HandlerCtx): VsgDoc {
  const id = checkId("VServerGroupId", ctx.p.req("VServerGroupId"), VSG_ID);
  const g = ctx.tx.get<VsgDoc>(VSG, id);
  if (!g) throw Errors.slbVsgNotFound(id);
  return g;
}

const listenerKey = (lbId: string, proto: Proto, port: number): string => `${lbId}/${proto}/${port}`;

function listenersOf(tx: Tx, lbId: string): ListenerDoc[] {
  return tx.all<ListenerDoc>(LISTENER).filter((l) => l.LoadBalancerId === lbId);
}

/** Finds a listener by port and (optional) protocol; TCP and UDP may share a port. */
function findListener(ctx: HandlerCtx, lb: LbDoc, proto?: Proto): ListenerDoc {
  const port = ctx.p.reqInt("ListenerPort", { min: 1, max: 65535 });
  const want = proto ?? ctx.p.oneOf("ListenerProtocol", PROTOS);
  const hit = listenersOf(ctx.tx, lb.LoadBalancerId).find(
    (l) => l.ListenerPort === port && (want === undefined || l.ListenerProtocol === want),
  );
  if (!hit) throw Errors.slbListenerNotFound(port);
  return hit;
}

function tagView(tags: TagDoc[]): { Tag: Array<{ TagKey: string; TagValue: string }> } {
  return { Tag: tags.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })) };
}

/** Legacy `Tags='[{"TagKey":"k","TagValue":"v"}]'` parameter. */
function legacyTags(p: Params, required: boolean): Array<{ Key: string; Value: string }> {
  const raw = p.json("Tags");
  if (raw === undefined) {
    if (required) throw Errors.missingParam("Tags");
    return [];
  }
  if (!Array.isArray(raw)) throw Errors.invalidParam("Tags", "It must be a JSON array.");
  return raw.map((t) => {
    if (!isObject(t)) throw Errors.invalidParam("Tags");
    const key = ciStr(t, "TagKey") ?? ciStr(t, "Key");
    if (!key) throw Errors.invalidParam("Tags", "TagKey is required.");
    return { Key: key, Value: ciStr(t, "TagValue") ?? ciStr(t, "Value") ?? "" };
  });
}

function lbView(tx: Tx, lb: LbDoc): Doc {
  return { ...view(lb), Tags: tagView(tagsOf(tx, TAG, lb.LoadBalancerId)) };
}

function randomOctet(ctx: HandlerCtx): number {
  return 1 + Math.floor(ctx.ids.next() * 253);
}

// ---------------------------------------------------------------- load balancers

function createLoadBalancer(ctx: HandlerCtx): Doc {
  const { p, tx } = ctx;
  p.req("RegionId");
  const addressType = p.oneOf("AddressType", ["internet", "intranet"] as const, "internet")!;
  const vpcId = p.str("VpcId");
  if (vpcId) checkId("VpcId", vpcId, VPC_ID);
  const vSwitchId = p.str("VSwitchId");
  if (vSwitchId) checkId("VSwitchId", vSwitchId, VSW_ID);
  const spec = p.str("LoadBalancerSpec");
  if (spec && !/^slb\.[a-z0-9.]+$/i.test(spec)) throw Errors.invalidParam("LoadBalancerSpec");
  const tags = p.tags();
  if (tags.length > 20) throw Errors.slbTooManyTags();
  if (tx.all(LB).length >= ctx.quotas.slbPerAccount) throw Errors.slbQuotaLb(ctx.quotas.slbPerAccount);

  const id = ctx.ids.id("lb-", 22, true);
  const internetChargeType = p.oneOf(
    "InternetChargeType",
    ["paybytraffic", "paybybandwidth"] as const,
    "paybytraffic",
  )!;
  const address =
    p.str("Address") ??
    (addressType === "internet"
      ? `47.${96 + Math.floor(ctx.ids.next() * 32)}.${randomOctet(ctx)}.${randomOctet(ctx)}`
      : `192.168.${randomOctet(ctx)}.${randomOctet(ctx)}`);
  const lb: LbDoc = {
    LoadBalancerId: id,
    LoadBalancerName: p.str("LoadBalancerName") ?? `auto_named_slb_${id.slice(-6)}`,
    RegionId: ctx.regionId,
    RegionIdAlias: ctx.regionId,
    Address: address,
    AddressType: addressType,
    AddressIPVersion: p.oneOf("AddressIPVersion", ["ipv4", "ipv6"] as const, "ipv4")!,
    NetworkType: vSwitchId ? "vpc" : "classic",
    VpcId: vpcId ?? "",
    VSwitchId: vSwitchId ?? "",
    LoadBalancerStatus: "active",
    DeleteProtection: p.oneOf("DeleteProtection", ["on", "off"] as const, "off")!,
    ModificationProtectionStatus: p.oneOf(
      "ModificationProtectionStatus",
      ["ConsoleProtection", "NonProtection"] as const,
      "NonProtection",
    )!,
    ModificationProtectionReason: p.str("ModificationProtectionReason") ?? "",
    InstanceChargeType: p.oneOf("InstanceChargeType", ["PayBySpec", "PayByCLCU"] as const, "PayBySpec")!,
    LoadBalancerSpec: spec ?? "",
    InternetChargeType: internetChargeType,
    InternetChargeTypeAlias: internetChargeType,
    Bandwidth: p.int("Bandwidth", { min: -1, max: 5120 }) ?? 5120,
    MasterZoneId: p.str("MasterZoneId") ?? `${ctx.regionId}-k`,
    SlaveZoneId: p.str("SlaveZoneId") ?? `${ctx.regionId}-j`,
    ResourceGroupId: p.str("ResourceGroupId") ?? "rg-default",
    PayType: "PayOnDemand",
    CreateTime: isoSeconds(ctx.nowMs),
    CreateTimeStamp: ctx.nowMs,
    _createdMs: ctx.nowMs,
  };
  tx.put(LB, id, lb);
  setTags(tx, TAG, "instance", id, tags);
  return {
    LoadBalancerId: id,
    Address: address,
    NetworkType: lb.NetworkType,
    VpcId: lb.VpcId,
    VSwitchId: lb.VSwitchId,
    LoadBalancerName: lb.LoadBalancerName,
    AddressIPVersion: lb.AddressIPVersion,
    ResourceGroupId: lb.ResourceGroupId,
    OrderId: Math.floor(ctx.ids.next() * 1e15),
  };
}

function describeLoadBalancers(ctx: HandlerCtx): Doc {
  const { p, tx } = ctx;
  p.req("RegionId");
  const ids = p
    .str("LoadBalancerId")
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  ids?.forEach((id) => checkId("LoadBalancerId", id, LB_ID));
  const wantTags = [...p.tags(), ...legacyTags(p, false)];
  const name = p.str("LoadBalancerName");
  const address = p.str("Address");
  const vpcId = p.str("VpcId");
  const vSwitchId = p.str("VSwitchId");
  const addressType = p.str("AddressType");
  const status = p.str("LoadBalancerStatus");
  const pageNumber = p.int("PageNumber", { min: 1 }) ?? 1;
  const pageSize = p.int("PageSize", { min: 1, max: 100 }) ?? 10;
  const all = tx
    .all<LbDoc>(LB)
    .filter(
      (lb) =>
        lb.RegionId === ctx.regionId &&
        (!ids || ids.includes(lb.LoadBalancerId)) &&
        (!name || lb.LoadBalancerName === name) &&
        (!address || lb.Address === address) &&
        (!vpcId || lb.VpcId === vpcId) &&
        (!vSwitchId || lb.VSwitchId === vSwitchId) &&
        (!addressType || lb.AddressType === addressType) &&
        (!status || lb.LoadBalancerStatus === status) &&
        hasAllTags(tagsOf(tx, TAG, lb.LoadBalancerId), wantTags),
    )
    .sort((a, b) => a._createdMs - b._createdMs);
  const items = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map((lb) => ({
    ...lbView(tx, lb),
    // The list API reports the charge type as a code and the readable name as the alias.
    InternetChargeType: lb.InternetChargeType === "paybybandwidth" ? "3" : "4",
  }));
  return {
    LoadBalancers: { LoadBalancer: items },
    TotalCount: all.length,
    PageNumber: pageNumber,
    PageSize: pageSize,
  };
}

function describeLoadBalancerAttribute(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  const listeners = listenersOf(ctx.tx, lb.LoadBalancerId).sort((a, b) => a.ListenerPort - b.ListenerPort);
  const backends = ctx.tx
    .all<VsgDoc>(VSG)
    .filter((g) => g.LoadBalancerId === lb.LoadBalancerId)
    .flatMap((g) =>
      g.BackendServers.map((b) => ({
        ServerId: b.ServerId,
        Weight: b.Weight,
        Type: b.Type,
        ServerIp: b.ServerIp ?? "",
      })),
    );
  return {
    ...lbView(ctx.tx, lb),
    ListenerPorts: { ListenerPort: listeners.map((l) => l.ListenerPort) },
    ListenerPortsAndProtocal: {
      ListenerPortAndProtocal: listeners.map((l) => ({
        ListenerPort: l.ListenerPort,
        ListenerProtocal: l.ListenerProtocol,
      })),
    },
    ListenerPortsAndProtocol: {
      ListenerPortAndProtocol: listeners.map((l) => ({
        ListenerPort: l.ListenerPort,
        ListenerProtocol: l.ListenerProtocol,
        Description: l._attrs.Description ?? "",
      })),
    },
    BackendServers: { BackendServer: backends },
  };
}

function deleteLoadBalancer(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  if (lb.DeleteProtection === "on") throw Errors.slbDeleteProtected();
  const { tx } = ctx;
  const id = lb.LoadBalancerId;
  // Cascade: listeners, vserver groups, domain extensions and every tag of those resources.
  for (const l of listenersOf(tx, id)) {
    tx.del(LISTENER, listenerKey(id, l.ListenerProtocol, l.ListenerPort));
    removeTags(tx, TAG, `${id}-${l.ListenerProtocol}-${l.ListenerPort}`);
  }
  for (const g of tx.all<VsgDoc>(VSG).filter((g) => g.LoadBalancerId === id)) {
    tx.del(VSG, g.VServerGroupId);
    removeTags(tx, TAG, g.VServerGroupId);
  }
  for (const d of tx.all<Doc>(DOMAIN_EXT).filter((d) => d._lbId === id))
    tx.del(DOMAIN_EXT, String(d.DomainExtensionId));
  removeTags(tx, TAG, id);
  unbindEips(tx, "SlbInstance", id);
  tx.del(LB, id);
  return {};
}

function updateLb(ctx: HandlerCtx, patch: Record<string, unknown>, extra: Doc = {}): Doc {
  const lb = getLb(ctx);
  ctx.tx.put(LB, lb.LoadBalancerId, { ...lb, ...patch });
  return extra;
}

const orderId = (ctx: HandlerCtx): Doc => ({ OrderId: Math.floor(ctx.ids.next() * 1e15) });

function modifyInternetSpec(ctx: HandlerCtx): Doc {
  const t = ctx.p.oneOf("InternetChargeType", ["paybytraffic", "paybybandwidth"] as const);
  const bw = ctx.p.int("Bandwidth", { min: 1, max: 5120 });
  const patch: Record<string, unknown> = {};
  if (t) Object.assign(patch, { InternetChargeType: t, InternetChargeTypeAlias: t });
  if (bw !== undefined) patch.Bandwidth = bw;
  return updateLb(ctx, patch, orderId(ctx));
}

function modifyInstanceChargeType(ctx: HandlerCtx): Doc {
  const t = ctx.p.oneOf("InstanceChargeType", ["PayBySpec", "PayByCLCU"] as const);
  if (!t) throw Errors.missingParam("InstanceChargeType");
  const spec = ctx.p.str("LoadBalancerSpec");
  if (t === "PayBySpec" && !spec) throw Errors.missingParam("LoadBalancerSpec");
  return updateLb(
    ctx,
    { InstanceChargeType: t, LoadBalancerSpec: t === "PayByCLCU" ? "" : spec },
    orderId(ctx),
  );
}

// ---------------------------------------------------------------- tags

const TAG_RESOURCE_TYPES = [
  "instance",
  "certificate",
  "acl",
  "listener",
  "vservergroup",
  "masterslaveservergroup",
] as const;

function tagTargets(ctx: HandlerCtx): { type: string; ids: string[] } {
  ctx.p.req("RegionId");
  const type = ctx.p.oneOf("ResourceType", TAG_RESOURCE_TYPES);
  if (!type) throw Errors.missingParam("ResourceType");
  const ids = ctx.p.strList("ResourceId");
  if (ids.length === 0) throw Errors.missingParam("ResourceId.N");
  if (ids.length > 20) throw Errors.invalidParam("ResourceId.N", "At most 20 resources.");
  for (const id of ids) {
    if (type === "instance") getLb(ctx, id);
    if (type === "vservergroup" && !ctx.tx.get(VSG, id)) throw Errors.slbVsgNotFound(id);
    if (type === "acl" && !ctx.tx.get(ACL, id)) throw Errors.slbAclNotFound(id);
  }
  return { type, ids };
}

function tagResources(ctx: HandlerCtx): Doc {
  const { type, ids } = tagTargets(ctx);
  const tags = ctx.p.tags();
  if (tags.length === 0) throw Errors.missingParam("Tag.N");
  for (const id of ids) setTags(ctx.tx, TAG, type, id, tags);
  return {};
}

function untagResources(ctx: HandlerCtx): Doc {
  const { ids } = tagTargets(ctx);
  const keys = ctx.p.strList("TagKey");
  const all = ctx.p.bool("All") ?? false;
  if (!all && keys.length === 0) return {}; // the real API treats this as a no-op
  for (const id of ids) removeTags(ctx.tx, TAG, id, all ? undefined : keys);
  return {};
}

function listTagResources(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const type = ctx.p.oneOf("ResourceType", TAG_RESOURCE_TYPES);
  if (!type) throw Errors.missingParam("ResourceType");
  const ids = ctx.p.strList("ResourceId");
  const want = ctx.p.tags();
  const all = ctx.tx
    .all<TagDoc>(TAG)
    .filter((t) => t.ResourceType === type && (ids.length === 0 || ids.includes(t.ResourceId)));
  const matchingResources = new Set(
    [...new Set(all.map((t) => t.ResourceId))].filter((r) =>
      hasAllTags(
        all.filter((t) => t.ResourceId === r),
        want,
      ),
    ),
  );
  const rows = all
    .filter((t) => matchingResources.has(t.ResourceId))
    .sort((a, b) => (a.ResourceId + a.TagKey < b.ResourceId + b.TagKey ? -1 : 1))
    .map((t) => ({
      ResourceId: t.ResourceId,
      ResourceType: t.ResourceType,
      TagKey: t.TagKey,
      TagValue: t.TagValue,
    }));
  const pg = page(rows, ctx.p.str("NextToken"), 50);
  return { TagResources: { TagResource: pg.items }, NextToken: pg.nextToken };
}

function addTags(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  const tags = legacyTags(ctx.p, true);
  if (tags.length > 10) throw Errors.invalidParam("Tags", "At most 10 tags per call.");
  setTags(ctx.tx, TAG, "instance", lb.LoadBalancerId, tags);
  return {};
}

function removeTagsAction(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  const keys = legacyTags(ctx.p, true).map((t) => t.Key);
  removeTags(ctx.tx, TAG, lb.LoadBalancerId, keys);
  return {};
}

function describeTags(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const lbIds = ctx.p.str("LoadBalancerId")?.split(",").filter(Boolean);
  const want = legacyTags(ctx.p, false);
  const counts = new Map<string, { TagKey: string; TagValue: string; InstanceCount: number }>();
  for (const t of ctx.tx.all<TagDoc>(TAG)) {
    if (t.ResourceType !== "instance" || (lbIds && !lbIds.includes(t.ResourceId))) continue;
    if (
      want.length > 0 &&
      !want.some((w) => w.Key === t.TagKey && (w.Value === "" || w.Value === t.TagValue))
    )
      continue;
    const k = `${t.TagKey}\u0000${t.TagValue}`;
    const c = counts.get(k) ?? { TagKey: t.TagKey, TagValue: t.TagValue, InstanceCount: 0 };
    c.InstanceCount++;
    counts.set(k, c);
  }
  const items = [...counts.values()];
  return { TagSets: { TagSet: items }, TotalCount: items.length, PageNumber: 1, PageSize: items.length };
}

// ---------------------------------------------------------------- listeners

/** Every listener attribute we store, with numeric ones typed (Go's fuzzy decoder takes either). */
const NUMERIC_ATTRS = new Set([
  "BackendServerPort",
  "Bandwidth",
  "PersistenceTimeout",
  "EstablishedTimeout",
  "ConnectionDrainTimeout",
  "HealthCheckConnectTimeout",
  "HealthCheckTimeout",
  "CookieTimeout",
  "IdleTimeout",
  "RequestTimeout",
  "ForwardPort",
  "HealthCheckConnectPort",
  "HealthyThreshold",
  "UnhealthyThreshold",
  "HealthCheckInterval",
]);
const STRING_ATTRS = [
  "VServerGroupId",
  "Description",
  "Scheduler",
  "ConnectionDrain",
  "ProxyProtocolV2Enabled",
  "HealthCheckSwitch",
  "HealthCheckType",
  "HealthCheck",
  "HealthCheckMethod",
  "StickySession",
  "StickySessionType",
  "Cookie",
  "XForwardedFor",
  "XForwardedFor_proto",
  "XForwardedFor_SLBPORT",
  "XForwardedFor_ClientSrcPort",
  "XForwardedFor_SLBIP",
  "XForwardedFor_SLBID",
  "ListenerForward",
  "ServerCertificateId",
  "CACertificateId",
  "TLSCipherPolicy",
  "EnableHttp2",
  "Gzip",
  "HealthCheckURI",
  "HealthCheckDomain",
  "HealthCheckHttpCode",
  "AclStatus",
  "AclId",
  "AclType",
  "MasterSlaveServerGroupId",
];
const ON_OFF_ATTRS = new Set([
  "ConnectionDrain",
  "HealthCheckSwitch",
  "HealthCheck",
  "StickySession",
  "XForwardedFor",
  "XForwardedFor_proto",
  "XForwardedFor_SLBPORT",
  "XForwardedFor_ClientSrcPort",
  "XForwardedFor_SLBIP",
  "XForwardedFor_SLBID",
  "ListenerForward",
  "EnableHttp2",
  "Gzip",
  "AclStatus",
]);
/** Attributes shown at the top level of DescribeLoadBalancerListeners; the rest go into the config. */
const TOP_LEVEL = new Set([
  "VServerGroupId",
  "Description",
  "Bandwidth",
  "Scheduler",
  "BackendServerPort",
  "AclId",
  "AclStatus",
  "AclType",
]);

const DEFAULTS: Record<Proto, Record<string, string | number>> = {
  tcp: {
    Scheduler: "wrr",
    Bandwidth: -1,
    HealthCheckSwitch: "on",
    HealthCheckType: "tcp",
    PersistenceTimeout: 0,
    EstablishedTimeout: 900,
    HealthyThreshold: 3,
    UnhealthyThreshold: 3,
    HealthCheckInterval: 2,
    HealthCheckConnectTimeout: 5,
    ConnectionDrain: "off",
    AclStatus: "off",
  },
  udp: {
    Scheduler: "wrr",
    Bandwidth: -1,
    HealthCheckSwitch: "on",
    HealthyThreshold: 3,
    UnhealthyThreshold: 3,
    HealthCheckInterval: 2,
    HealthCheckConnectTimeout: 5,
    ConnectionDrain: "off",
    AclStatus: "off",
  },
  http: {
    Scheduler: "wrr",
    Bandwidth: -1,
    HealthCheck: "off",
    StickySession: "off",
    XForwardedFor: "on",
    IdleTimeout: 15,
    RequestTimeout: 60,
    Gzip: "on",
    ListenerForward: "off",
    AclStatus: "off",
  },
  https: {
    Scheduler: "wrr",
    Bandwidth: -1,
    HealthCheck: "off",
    StickySession: "off",
    XForwardedFor: "on",
    IdleTimeout: 15,
    RequestTimeout: 60,
    Gzip: "on",
    EnableHttp2: "on",
    TLSCipherPolicy: "tls_cipher_policy_1_0",
    AclStatus: "off",
  },
};

function readAttrs(ctx: HandlerCtx, lbId: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const name of NUMERIC_ATTRS) {
    const v = ctx.p.int(name, { min: name === "Bandwidth" ? -1 : 0 });
    if (v !== undefined) out[name] = v;
  }
  for (const name of STRING_ATTRS) {
    const v = ON_OFF_ATTRS.has(name) ? ctx.p.oneOf(name, ["on", "off"] as const) : ctx.p.str(name);
    if (v !== undefined) out[name] = v;
  }
  if (out.Scheduler !== undefined)
    out.Scheduler = ctx.p.oneOf("Scheduler", ["wrr", "rr", "wlc", "sch", "tch", "qch"] as const)!;
  if (typeof out.AclId === "string") {
    checkId("AclId", out.AclId, ACL_ID);
    if (!ctx.tx.get(ACL, out.AclId)) throw Errors.slbAclNotFound(out.AclId);
  }
  if (out.AclType !== undefined) out.AclType = ctx.p.oneOf("AclType", ["white", "black"] as const)!;
  const vsgId = out.VServerGroupId;
  if (typeof vsgId === "string") {
    checkId("VServerGroupId", vsgId, VSG_ID);
    const g = ctx.tx.get<VsgDoc>(VSG, vsgId);
    if (!g || g.LoadBalancerId !== lbId) throw Errors.slbVsgNotFound(vsgId);
  }
  return out;
}

function createListener(proto: Proto) {
  return (ctx: HandlerCtx): Doc => {
    const lb = getLb(ctx);
    const port = ctx.p.reqInt("ListenerPort", { min: 1, max: 65535 });
    if (proto !== "http") ctx.p.reqInt("Bandwidth", { min: -1, max: 5120 });
    if (proto === "http" || proto === "https") ctx.p.req("HealthCheck");
    const attrs = readAttrs(ctx, lb.LoadBalancerId);
    if (!attrs.VServerGroupId && attrs.BackendServerPort === undefined)
      throw Errors.missingParam("BackendServerPort");
    if (proto === "https" && !attrs.ServerCertificateId) throw Errors.missingParam("ServerCertificateId");
    const existing = listenersOf(ctx.tx, lb.LoadBalancerId);
    // Only TCP and UDP may share a port.
    const clash = existing.find(
      (l) =>
        l.ListenerPort === port &&
        !(
          new Set([l.ListenerProtocol, proto]).size === 2 &&
          [l.ListenerProtocol, proto].every((x) => x === "tcp" || x === "udp")
        ),
    );
    if (clash) throw Errors.slbListenerExists();
    if (existing.length >= ctx.quotas.listenersPerSlb)
      throw Errors.slbQuotaListener(ctx.quotas.listenersPerSlb);
    const doc: ListenerDoc = {
      LoadBalancerId: lb.LoadBalancerId,
      ListenerPort: port,
      ListenerProtocol: proto,
      Status: "stopped", // new listeners start stopped, as in the real API
      _attrs: { ...DEFAULTS[proto], ...attrs },
      _createdMs: ctx.nowMs,
    };
    ctx.tx.put(LISTENER, listenerKey(lb.LoadBalancerId, proto, port), doc);
    setTags(ctx.tx, TAG, "listener", `${lb.LoadBalancerId}-${proto}-${port}`, ctx.p.tags());
    return {};
  };
}

function setListenerAttribute(proto: Proto) {
  return (ctx: HandlerCtx): Doc => {
    const lb = getLb(ctx);
    const l = findListener(ctx, lb, proto);
    const attrs = readAttrs(ctx, lb.LoadBalancerId);
    const merged = { ...l._attrs, ...attrs };
    if (ctx.p.oneOf("VServerGroup", ["on", "off"] as const) === "off") delete merged.VServerGroupId;
    ctx.tx.put(LISTENER, listenerKey(lb.LoadBalancerId, proto, l.ListenerPort), { ...l, _attrs: merged });
    return {};
  };
}

function describeListenerAttribute(proto: Proto) {
  return (ctx: HandlerCtx): Doc => {
    const lb = getLb(ctx);
    const l = findListener(ctx, lb, proto);
    const out: Doc = {
      LoadBalancerId: lb.LoadBalancerId,
      ListenerPort: l.ListenerPort,
      ListenerProtocol: proto,
      Status: l.Status,
      ...l._attrs,
      AclIds: { AclId: typeof l._attrs.AclId === "string" ? [l._attrs.AclId] : [] },
    };
    if (proto === "http" || proto === "https") out.Rules = { Rule: [] };
    return out;
  };
}

function listenerListView(l: ListenerDoc): Doc {
  const top: Doc = {};
  const config: Doc = {};
  for (const [k, v] of Object.entries(l._attrs)) (TOP_LEVEL.has(k) ? top : config)[k] = v;
  return {
    LoadBalancerId: l.LoadBalancerId,
    ListenerPort: l.ListenerPort,
    ListenerProtocol: l.ListenerProtocol,
    Status: l.Status,
    Description: "",
    VServerGroupId: "",
    ...top,
    AclIds: typeof l._attrs.AclId === "string" ? [l._attrs.AclId] : [],
    [`${l.ListenerProtocol.toUpperCase()}ListenerConfig`]: config,
  };
}

function describeLoadBalancerListeners(ctx: HandlerCtx): Doc {
  const ids = ctx.p.strList("LoadBalancerId");
  if (ids.length > 10) throw Errors.invalidParam("LoadBalancerId.N", "At most 10 ids.");
  ids.forEach((id) => checkId("LoadBalancerId", id, LB_ID));
  const proto = ctx.p.oneOf("ListenerProtocol", PROTOS);
  const port = ctx.p.int("ListenerPort", { min: 1, max: 65535 });
  const maxResults = ctx.p.int("MaxResults", { min: 1, max: 100 }) ?? 20;
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
        (ids.length === 0 || ids.includes(l.LoadBalancerId)) &&
        (!proto || l.ListenerProtocol === proto) &&
        (port === undefined || l.ListenerPort === port),
    )
    .sort((a, b) =>
      a.LoadBalancerId === b.LoadBalancerId
        ? a.ListenerPort - b.ListenerPort
        : a.LoadBalancerId < b.LoadBalancerId
          ? -1
          : 1,
    );
  const pg = page(all, ctx.p.str("NextToken"), maxResults);
  return {
    Listeners: pg.items.map(listenerListView),
    NextToken: pg.nextToken,
    TotalCount: all.length,
    MaxResults: maxResults,
  };
}

function setListenerStatus(status: "running" | "stopped") {
  return (ctx: HandlerCtx): Doc => {
    const lb = getLb(ctx);
    const l = findListener(ctx, lb);
    ctx.tx.put(LISTENER, listenerKey(lb.LoadBalancerId, l.ListenerProtocol, l.ListenerPort), {
      ...l,
      Status: status,
    });
    return {};
  };
}

function deleteListener(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  const l = findListener(ctx, lb);
  ctx.tx.del(LISTENER, listenerKey(lb.LoadBalancerId, l.ListenerProtocol, l.ListenerPort));
  removeTags(ctx.tx, TAG, `${lb.LoadBalancerId}-${l.ListenerProtocol}-${l.ListenerPort}`);
  for (const d of ctx.tx.all<Doc>(DOMAIN_EXT)) {
    if (d._lbId === lb.LoadBalancerId && d.ListenerPort === l.ListenerPort)
      ctx.tx.del(DOMAIN_EXT, String(d.DomainExtensionId));
  }
  return {};
}

// ---------------------------------------------------------------- vserver groups

const BACKEND_TYPES = ["ecs", "eni", "eci", "ip"] as const;

/** Parses the `BackendServers` JSON: keys case-insensitive, numbers or strings, unknown keys ignored. */
function parseBackends(ctx: HandlerCtx, name: string, required: boolean): Backend[] {
  const raw = ctx.p.json(name);
  if (raw === undefined) {
    if (required) throw Errors.missingParam(name);
    return [];
  }
  if (!Array.isArray(raw)) throw Errors.invalidParam(name, "It must be a JSON array.");
  if (raw.length > 20) throw Errors.invalidParam(name, "At most 20 backend servers per call.");
  return raw.map((o) => {
    if (!isObject(o)) throw Errors.invalidParam(name);
    const serverId = ciStr(o, "ServerId");
    if (!serverId || !/^[A-Za-z0-9._:-]+$/.test(serverId))
      throw Errors.invalidParam(name, "ServerId is missing or malformed.");
    const type = (ciStr(o, "Type") ?? "ecs").toLowerCase();
    if (!(BACKEND_TYPES as readonly string[]).includes(type))
      throw Errors.invalidParam(name, `Unknown Type "${type}".`);
    const port = ciInt(o, "Port", name);
    const weight = ciInt(o, "Weight", name) ?? 100;
    if (port !== undefined && (port < 1 || port > 65535))
      throw Errors.invalidParam(name, "Port must be within [1, 65535].");
    if (weight < 0 || weight > 100) throw Errors.invalidParam(name, "Weight must be within [0, 100].");
    const b: Backend = { ServerId: serverId, Port: port ?? 0, Weight: weight, Type: type };
    const ip = ciStr(o, "ServerIp");
    if (ip) b.ServerIp = ip;
    const desc = ciStr(o, "Description");
    if (desc !== undefined) b.Description = desc;
    return b;
  });
}

const backendKey = (b: Backend): string =>
  `${b.ServerId}|${b.Port}|${b.Type === "eni" ? (b.ServerIp ?? "") : ""}`;

function requirePorts(name: string, list: Backend[]): void {
  if (list.some((b) => b.Port === 0))
    throw Errors.invalidParam(name, "Port is required for vserver group backends.");
}

function checkBackendQuota(
  ctx: HandlerCtx,
  lbId: string,
  replacing: VsgDoc | undefined,
  next: Backend[],
): void {
  const others = ctx.tx
    .all<VsgDoc>(VSG)
    .filter((g) => g.LoadBalancerId === lbId && g.VServerGroupId !== replacing?.VServerGroupId)
    .reduce((n, g) => n + g.BackendServers.length, 0);
  if (others + next.length > ctx.quotas.backendsPerSlb)
    throw Errors.slbQuotaBackends(ctx.quotas.backendsPerSlb);
}

const backendsView = (list: Backend[]): Doc => ({
  BackendServer: list.map((b) => ({ Description: "", ServerIp: "", ...b })),
});

function createVServerGroup(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const lb = getLb(ctx);
  const backends = parseBackends(ctx, "BackendServers", false);
  requirePorts("BackendServers", backends);
  checkBackendQuota(ctx, lb.LoadBalancerId, undefined, backends);
  const id = ctx.ids.id("rsp-", 20, true);
  const g: VsgDoc = {
    VServerGroupId: id,
    VServerGroupName: ctx.p.str("VServerGroupName") ?? id,
    LoadBalancerId: lb.LoadBalancerId,
    RegionId: lb.RegionId,
    BackendServers: dedupe(backends),
    CreateTime: isoSeconds(ctx.nowMs),
    _createdMs: ctx.nowMs,
  };
  ctx.tx.put(VSG, id, g);
  setTags(ctx.tx, TAG, "vservergroup", id, ctx.p.tags());
  return { VServerGroupId: id, BackendServers: backendsView(g.BackendServers) };
}

function dedupe(list: Backend[]): Backend[] {
  const m = new Map<string, Backend>();
  for (const b of list) m.set(backendKey(b), b);
  return [...m.values()];
}

function describeVServerGroups(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const lb = getLb(ctx);
  const listeners = listenersOf(ctx.tx, lb.LoadBalancerId);
  const groups = ctx.tx
    .all<VsgDoc>(VSG)
    .filter((g) => g.LoadBalancerId === lb.LoadBalancerId)
    .sort((a, b) => Number(a._createdMs) - Number(b._createdMs))
    .map((g) => ({
      VServerGroupId: g.VServerGroupId,
      VServerGroupName: g.VServerGroupName,
      ServerCount: g.BackendServers.length,
      CreateTime: g.CreateTime,
      AssociatedObjects: {
        Listeners: {
          Listener: listeners
            .filter((l) => l._attrs.VServerGroupId === g.VServerGroupId)
            .map((l) => ({ Protocol: l.ListenerProtocol, Port: l.ListenerPort })),
        },
        Rules: { Rule: [] },
      },
      Tags: tagView(tagsOf(ctx.tx, TAG, g.VServerGroupId)),
    }));
  return { VServerGroups: { VServerGroup: groups } };
}

function describeVServerGroupAttribute(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const g = getVsg(ctx);
  return {
    VServerGroupId: g.VServerGroupId,
    VServerGroupName: g.VServerGroupName,
    LoadBalancerId: g.LoadBalancerId,
    CreateTime: g.CreateTime,
    BackendServers: backendsView(g.BackendServers),
    Tags: tagView(tagsOf(ctx.tx, TAG, g.VServerGroupId)),
  };
}

function saveVsg(ctx: HandlerCtx, g: VsgDoc, backends: Backend[]): Doc {
  checkBackendQuota(ctx, g.LoadBalancerId, g, backends);
  const next = { ...g, BackendServers: backends };
  ctx.tx.put(VSG, g.VServerGroupId, next);
  return { VServerGroupId: g.VServerGroupId, BackendServers: backendsView(backends) };
}

function addBackends(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const g = getVsg(ctx);
  const add = parseBackends(ctx, "BackendServers", true);
  requirePorts("BackendServers", add);
  // Re-adding an existing (ServerId, Port) updates it in place rather than duplicating it.
  return saveVsg(ctx, g, dedupe([...g.BackendServers, ...add]));
}

function removeBackends(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const g = getVsg(ctx);
  const gone = new Set(parseBackends(ctx, "BackendServers", true).map(backendKey));
  return saveVsg(
    ctx,
    g,
    g.BackendServers.filter((b) => !gone.has(backendKey(b))),
  );
}

function modifyBackends(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const g = getVsg(ctx);
  const oldKeys = new Set(parseBackends(ctx, "OldBackendServers", true).map(backendKey));
  const add = parseBackends(ctx, "NewBackendServers", true);
  requirePorts("NewBackendServers", add);
  return saveVsg(ctx, g, dedupe([...g.BackendServers.filter((b) => !oldKeys.has(backendKey(b))), ...add]));
}

function setVServerGroupAttribute(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const g = getVsg(ctx);
  const updates = new Map(parseBackends(ctx, "BackendServers", false).map((b) => [backendKey(b), b]));
  // Only weight and description of existing members change; unknown members are ignored.
  const backends = g.BackendServers.map((b) => {
    const u = updates.get(backendKey(b));
    return u
      ? { ...b, Weight: u.Weight, ...(u.Description !== undefined ? { Description: u.Description } : {}) }
      : b;
  });
  const name = ctx.p.str("VServerGroupName");
  ctx.tx.put(VSG, g.VServerGroupId, {
    ...g,
    VServerGroupName: name ?? g.VServerGroupName,
    BackendServers: backends,
  });
  return {
    VServerGroupId: g.VServerGroupId,
    VServerGroupName: name ?? g.VServerGroupName,
    BackendServers: backendsView(backends),
  };
}

function deleteVServerGroup(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const g = getVsg(ctx);
  if (listenersOf(ctx.tx, g.LoadBalancerId).some((l) => l._attrs.VServerGroupId === g.VServerGroupId))
    throw Errors.slbVsgInUse();
  ctx.tx.del(VSG, g.VServerGroupId);
  removeTags(ctx.tx, TAG, g.VServerGroupId);
  return {};
}

// ---------------------------------------------------------------- certificates, domain extensions, health

function uploadServerCertificate(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const pem = ctx.p.str("ServerCertificate");
  const aliId = ctx.p.str("AliCloudCertificateId");
  if (!pem && !aliId) throw Errors.missingParam("ServerCertificate");
  if (pem && !ctx.p.str("PrivateKey")) throw Errors.missingParam("PrivateKey");
  if (pem && !pem.includes("-----BEGIN CERTIFICATE-----"))
    throw Errors.invalidParam("ServerCertificate", "Not a PEM certificate.");
  const id = `${ctx.accountId}-${ctx.ids.base36(11)}`;
  const fingerprint = createHash("sha1")
    .update(pem ?? aliId ?? "")
    .digest("hex")
    .match(/../g)!
    .join(":");
  const doc: Doc = {
    ServerCertificateId: id,
    ServerCertificateName: ctx.p.str("ServerCertificateName") ?? id,
    Fingerprint: fingerprint,
    CommonName: "emulator.local",
    SubjectAlternativeNames: { SubjectAlternativeName: [] },
    ExpireTime: isoSeconds(ctx.nowMs + 365 * 86_400_000),
    ExpireTimeStamp: ctx.nowMs + 365 * 86_400_000,
    CreateTime: isoSeconds(ctx.nowMs),
    CreateTimeStamp: ctx.nowMs,
    RegionId: ctx.regionId,
    IsAliCloudCertificate: aliId ? 1 : 0,
    AliCloudCertificateId: aliId ?? "",
  };
  ctx.tx.put(CERT, id, doc);
  return doc;
}

function describeServerCertificates(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const id = ctx.p.str("ServerCertificateId");
  const certs = ctx.tx
    .all<Doc>(CERT)
    .filter((c) => c.RegionId === ctx.regionId && (!id || c.ServerCertificateId === id));
  return { ServerCertificates: { ServerCertificate: certs.map(view) } };
}

function getCert(ctx: HandlerCtx): Doc {
  const id = ctx.p.req("ServerCertificateId");
  const c = ctx.tx.get<Doc>(CERT, id);
  if (!c) throw Errors.slbCertNotFound(id);
  return c;
}

function createDomainExtension(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  const port = ctx.p.reqInt("ListenerPort", { min: 1, max: 65535 });
  const domain = ctx.p.req("Domain");
  const certId = ctx.p.req("ServerCertificateId");
  if (!ctx.tx.get(LISTENER, listenerKey(lb.LoadBalancerId, "https", port)))
    throw Errors.slbListenerNotFound(port);
  const dup = ctx.tx
    .all<Doc>(DOMAIN_EXT)
    .some((d) => d._lbId === lb.LoadBalancerId && d.ListenerPort === port && d.Domain === domain);
  if (dup) throw Errors.slbDomainExists();
  const id = ctx.ids.id("de-", 20, true);
  ctx.tx.put(DOMAIN_EXT, id, {
    DomainExtensionId: id,
    Domain: domain,
    ServerCertificateId: certId,
    ListenerPort: port,
    _lbId: lb.LoadBalancerId,
  });
  return { DomainExtensionId: id, ListenerPort: port };
}

function getDomainExt(ctx: HandlerCtx): Doc {
  const id = checkId("DomainExtensionId", ctx.p.req("DomainExtensionId"), DE_ID);
  const d = ctx.tx.get<Doc>(DOMAIN_EXT, id);
  if (!d) throw Errors.slbDomainExtNotFound(id);
  return d;
}

function describeDomainExtensions(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  const port = ctx.p.reqInt("ListenerPort", { min: 1, max: 65535 });
  const id = ctx.p.str("DomainExtensionId");
  const items = ctx.tx
    .all<Doc>(DOMAIN_EXT)
    .filter(
      (d) => d._lbId === lb.LoadBalancerId && d.ListenerPort === port && (!id || d.DomainExtensionId === id),
    )
    .map((d) => ({
      DomainExtensionId: d.DomainExtensionId,
      Domain: d.Domain,
      ServerCertificateId: d.ServerCertificateId,
    }));
  return { DomainExtensions: { DomainExtension: items } };
}

function describeHealthStatus(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  const port = ctx.p.int("ListenerPort", { min: 1, max: 65535 });
  const proto = ctx.p.oneOf("ListenerProtocol", PROTOS);
  const rows: Doc[] = [];
  for (const l of listenersOf(ctx.tx, lb.LoadBalancerId)) {
    if ((port !== undefined && l.ListenerPort !== port) || (proto && l.ListenerProtocol !== proto)) continue;
    const g =
      typeof l._attrs.VServerGroupId === "string"
        ? ctx.tx.get<VsgDoc>(VSG, l._attrs.VServerGroupId)
        : undefined;
    for (const b of g?.BackendServers ?? []) {
      rows.push({
        ListenerPort: l.ListenerPort,
        Protocol: l.ListenerProtocol,
        ServerId: b.ServerId,
        ServerIp: b.ServerIp ?? "",
        Port: b.Port,
        // Nothing is ever dialed: a running listener reports its backends healthy.
        ServerHealthStatus: l.Status === "running" ? "normal" : "unavailable",
      });
    }
  }
  return { BackendServers: { BackendServer: rows } };
}

// ---------------------------------------------------------------- access control lists

interface AclDoc extends Doc {
  AclId: string;
  AclName: string;
  AddressIPVersion: string;
  RegionId: string;
  AclEntrys: Array<{ AclEntryIP: string; AclEntryComment: string }>;
}

const CIDR = /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-fA-F:]+(\/\d{1,3})?)$/;

function getAcl(ctx: HandlerCtx): AclDoc {
  ctx.p.req("RegionId");
  const id = checkId("AclId", ctx.p.req("AclId"), ACL_ID);
  const a = ctx.tx.get<AclDoc>(ACL, id);
  if (!a) throw Errors.slbAclNotFound(id);
  return a;
}

/** `AclEntrys='[{"entry":"10.0.0.0/24","comment":"x"}]'` (keys case-insensitive). */
function parseAclEntries(ctx: HandlerCtx): Array<{ AclEntryIP: string; AclEntryComment: string }> {
  const raw = ctx.p.json("AclEntrys");
  if (raw === undefined) throw Errors.missingParam("AclEntrys");
  if (!Array.isArray(raw)) throw Errors.invalidParam("AclEntrys", "It must be a JSON array.");
  if (raw.length === 0) throw Errors.slbAclEntryEmpty();
  if (raw.length > ENTRIES_PER_CALL)
    throw Errors.invalidParam("AclEntrys", `At most ${ENTRIES_PER_CALL} entries per call.`);
  return raw.map((e) => {
    if (!isObject(e)) throw Errors.invalidParam("AclEntrys");
    const ip = ciStr(e, "entry") ?? ciStr(e, "AclEntryIP");
    if (!ip || !CIDR.test(ip)) throw Errors.invalidParam("AclEntrys", `Malformed entry "${ip ?? ""}".`);
    return { AclEntryIP: ip, AclEntryComment: ciStr(e, "comment") ?? ciStr(e, "AclEntryComment") ?? "" };
  });
}

function aclListeners(tx: Tx, aclId: string): ListenerDoc[] {
  return tx.all<ListenerDoc>(LISTENER).filter((l) => l._attrs.AclId === aclId);
}

function createAcl(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const name = ctx.p.req("AclName");
  const inRegion = ctx.tx.all<AclDoc>(ACL).filter((a) => a.RegionId === ctx.regionId);
  if (inRegion.some((a) => a.AclName === name)) throw Errors.slbAclNameExists();
  if (inRegion.length >= ACLS_PER_REGION) throw Errors.slbAclQuota(ACLS_PER_REGION);
  const id = ctx.ids.id("acl-", 20, true);
  ctx.tx.put(ACL, id, {
    AclId: id,
    AclName: name,
    AddressIPVersion: ctx.p.oneOf("AddressIPVersion", ["ipv4", "ipv6"] as const, "ipv4")!,
    RegionId: ctx.regionId,
    ResourceGroupId: ctx.p.str("ResourceGroupId") ?? "rg-default",
    AclEntrys: [],
    CreateTime: isoSeconds(ctx.nowMs),
    _createdMs: ctx.nowMs,
  });
  setTags(ctx.tx, TAG, "acl", id, ctx.p.tags());
  return { AclId: id };
}

function describeAcls(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const name = ctx.p.str("AclName");
  const ipv = ctx.p.str("AddressIPVersion");
  const pageNumber = ctx.p.int("Page", { min: 1 }) ?? 1;
  const pageSize = ctx.p.int("PageSize", { min: 1, max: 100 }) ?? 50;
  const all = ctx.tx
    .all<AclDoc>(ACL)
    .filter(
      (a) =>
        a.RegionId === ctx.regionId && (!name || a.AclName === name) && (!ipv || a.AddressIPVersion === ipv),
    )
    .sort((a, b) => Number(a._createdMs) - Number(b._createdMs));
  const items = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map((a) => ({
    AclId: a.AclId,
    AclName: a.AclName,
    AddressIPVersion: a.AddressIPVersion,
    ResourceGroupId: a.ResourceGroupId,
    CreateTime: a.CreateTime,
    Tags: tagView(tagsOf(ctx.tx, TAG, a.AclId)),
  }));
  return {
    Acls: { Acl: items },
    TotalCount: all.length,
    Count: items.length,
    PageNumber: pageNumber,
    PageSize: pageSize,
  };
}

function describeAclAttribute(ctx: HandlerCtx): Doc {
  const a = getAcl(ctx);
  return {
    AclId: a.AclId,
    AclName: a.AclName,
    AddressIPVersion: a.AddressIPVersion,
    ResourceGroupId: a.ResourceGroupId,
    CreateTime: a.CreateTime,
    TotalAclEntry: a.AclEntrys.length,
    AclEntrys: { AclEntry: a.AclEntrys },
    RelatedListeners: {
      RelatedListener: aclListeners(ctx.tx, a.AclId).map((l) => ({
        LoadBalancerId: l.LoadBalancerId,
        ListenerPort: l.ListenerPort,
        Protocol: l.ListenerProtocol,
        AclType: l._attrs.AclType ?? "white",
      })),
    },
    Tags: tagView(tagsOf(ctx.tx, TAG, a.AclId)),
  };
}

function addAclEntries(ctx: HandlerCtx): Doc {
  const a = getAcl(ctx);
  const m = new Map(a.AclEntrys.map((e) => [e.AclEntryIP, e]));
  for (const e of parseAclEntries(ctx)) m.set(e.AclEntryIP, e);
  ctx.tx.put(ACL, a.AclId, { ...a, AclEntrys: [...m.values()] });
  return {};
}

function removeAclEntries(ctx: HandlerCtx): Doc {
  const a = getAcl(ctx);
  const gone = new Set(parseAclEntries(ctx).map((e) => e.AclEntryIP));
  ctx.tx.put(ACL, a.AclId, { ...a, AclEntrys: a.AclEntrys.filter((e) => !gone.has(e.AclEntryIP)) });
  return {};
}

function setAclAttribute(ctx: HandlerCtx): Doc {
  const a = getAcl(ctx);
  const name = ctx.p.req("AclName");
  if (
    ctx.tx
      .all<AclDoc>(ACL)
      .some((x) => x.RegionId === a.RegionId && x.AclName === name && x.AclId !== a.AclId)
  ) {
    throw Errors.slbAclNameExists();
  }
  ctx.tx.put(ACL, a.AclId, { ...a, AclName: name });
  return {};
}

function deleteAcl(ctx: HandlerCtx): Doc {
  const a = getAcl(ctx);
  if (aclListeners(ctx.tx, a.AclId).length > 0) throw Errors.slbAclInUse();
  ctx.tx.del(ACL, a.AclId);
  removeTags(ctx.tx, TAG, a.AclId);
  return {};
}

// ---------------------------------------------------------------- table

export const slbHandlers: Handler[] = productHandlers("slb", [
  ["CreateLoadBalancer", true, createLoadBalancer],
  ["DescribeLoadBalancers", false, describeLoadBalancers],
  ["DescribeLoadBalancerAttribute", false, describeLoadBalancerAttribute],
  ["DeleteLoadBalancer", true, deleteLoadBalancer],
  ["SetLoadBalancerName", true, (ctx) => updateLb(ctx, { LoadBalancerName: ctx.p.req("LoadBalancerName") })],
  [
    "SetLoadBalancerDeleteProtection",
    true,
    (ctx) => {
      ctx.p.req("RegionId");
      const v = ctx.p.oneOf("DeleteProtection", ["on", "off"] as const);
      if (!v) throw Errors.missingParam("DeleteProtection");
      return updateLb(ctx, { DeleteProtection: v });
    },
  ],
  [
    "SetLoadBalancerModificationProtection",
    true,
    (ctx) => {
      ctx.p.req("RegionId");
      const v = ctx.p.oneOf("ModificationProtectionStatus", ["ConsoleProtection", "NonProtection"] as const);
      if (!v) throw Errors.missingParam("ModificationProtectionStatus");
      return updateLb(ctx, {
        ModificationProtectionStatus: v,
        ModificationProtectionReason:
          v === "NonProtection" ? "" : (ctx.p.str("ModificationProtectionReason") ?? ""),
      });
    },
  ],
  [
    "ModifyLoadBalancerInstanceSpec",
    true,
    (ctx) => {
      const spec = ctx.p.req("LoadBalancerSpec");
      if (!/^slb\.[a-z0-9.]+$/i.test(spec)) throw Errors.invalidParam("LoadBalancerSpec");
      return updateLb(ctx, { LoadBalancerSpec: spec, InstanceChargeType: "PayBySpec" }, orderId(ctx));
    },
  ],
  ["ModifyLoadBalancerInternetSpec", true, modifyInternetSpec],
  ["ModifyLoadBalancerInstanceChargeType", true, modifyInstanceChargeType],
  ["TagResources", true, tagResources],
  ["UntagResources", true, untagResources],
  ["ListTagResources", false, listTagResources],
  ["AddTags", true, addTags],
  ["RemoveTags", true, removeTagsAction],
  ["DescribeTags", false, describeTags],
  ...PROTOS.flatMap((p): HandlerEntry[] => {
    const P = p.toUpperCase();
    return [
      [`CreateLoadBalancer${P}Listener`, true, createListener(p)],
      [`SetLoadBalancer${P}ListenerAttribute`, true, setListenerAttribute(p)],
      [`DescribeLoadBalancer${P}ListenerAttribute`, false, describeListenerAttribute(p)],
    ];
  }),
  ["StartLoadBalancerListener", true, setListenerStatus("running")],
  ["StopLoadBalancerListener", true, setListenerStatus("stopped")],
  ["DeleteLoadBalancerListener", true, deleteListener],
  ["DescribeLoadBalancerListeners", false, describeLoadBalancerListeners],
  ["CreateVServerGroup", true, createVServerGroup],
  ["DescribeVServerGroups", false, describeVServerGroups],
  ["DescribeVServerGroupAttribute", false, describeVServerGroupAttribute],
  ["AddVServerGroupBackendServers", true, addBackends],
  ["RemoveVServerGroupBackendServers", true, removeBackends],
  ["ModifyVServerGroupBackendServers", true, modifyBackends],
  ["SetVServerGroupAttribute", true, setVServerGroupAttribute],
  ["DeleteVServerGroup", true, deleteVServerGroup],
  ["UploadServerCertificate", true, uploadServerCertificate],
  ["DescribeServerCertificates", false, describeServerCertificates],
  [
    "SetServerCertificateName",
    true,
    (ctx) => {
      const c = getCert(ctx);
      ctx.tx.put(CERT, String(c.ServerCertificateId), {
        ...c,
        ServerCertificateName: ctx.p.req("ServerCertificateName"),
      });
      return {};
    },
  ],
  [
    "DeleteServerCertificate",
    true,
    (ctx) => {
      const c = getCert(ctx);
      ctx.tx.del(CERT, String(c.ServerCertificateId));
      return {};
    },
  ],
  ["CreateDomainExtension", true, createDomainExtension],
  [
    "SetDomainExtensionAttribute",
    true,
    (ctx) => {
      const d = getDomainExt(ctx);
      ctx.tx.put(DOMAIN_EXT, String(d.DomainExtensionId), {
        ...d,
        ServerCertificateId: ctx.p.req("ServerCertificateId"),
      });
      return {};
    },
  ],
  [
    "DeleteDomainExtension",
    true,
    (ctx) => {
      const d = getDomainExt(ctx);
      ctx.tx.del(DOMAIN_EXT, String(d.DomainExtensionId));
      return {};
    },
  ],
  ["DescribeDomainExtensions", false, describeDomainExtensions],
  ["DescribeHealthStatus", false, describeHealthStatus],
  ["CreateAccessControlList", true, createAcl],
  ["DescribeAccessControlLists", false, describeAcls],
  ["DescribeAccessControlListAttribute", false, describeAclAttribute],
  ["AddAccessControlListEntry", true, addAclEntries],
  ["RemoveAccessControlListEntry", true, removeAclEntries],
  ["SetAccessControlListAttribute", true, setAclAttribute],
  ["DeleteAccessControlList", true, deleteAcl],
]);
