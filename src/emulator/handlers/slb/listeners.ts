// SLB emulator: listeners of the four protocols (create, attributes, start/stop, delete, list) with the
// per-protocol defaults the real API fills in. Certificates and domain extensions are separate files.
import { type HandlerCtx, type HandlerEntry, page } from "../../core";
import { Errors } from "../../errors";
import type { Doc } from "../../store";
import { checkId, childrenOfLoadBalancersIn, removeTags, setTags, wantedOrAny } from "../common";
import {
  ACL,
  ACL_ID,
  aclIdsOf,
  DOMAIN_EXT,
  getLb,
  LB,
  LB_ID,
  type LbDoc,
  LISTENER,
  type ListenerDoc,
  listenerKey,
  listenersOf,
  type Proto,
  PROTOS,
  TAG,
  VSG,
  VSG_ID,
  type VsgDoc,
} from "./shared";

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

/** HTTPS only: headers that carry facts of the client certificate. */
const XFF_CLIENT_CERT = [
  "XForwardedFor_ClientCertSubjectDN",
  "XForwardedFor_ClientCertIssuerDN",
  "XForwardedFor_ClientCertFingerprint",
  "XForwardedFor_ClientCertClientVerify",
];

/**
 * The XForwardedFor_* switches HTTP and HTTPS listeners report, `off` unless a create or set turns them on
 * (the Describe*ListenerAttribute response models of alibabacloud-go/slb-20140515 list these fields).
 */
const XFF_OFF = {
  XForwardedFor_proto: "off",
  XForwardedFor_SLBIP: "off",
  XForwardedFor_SLBID: "off",
  XForwardedFor_SLBPORT: "off",
  XForwardedFor_ClientSrcPort: "off",
};

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
  ...Object.keys(XFF_OFF),
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
  // UDP health check request and expected answer (metadata spelling `healthCheckReq`/`healthCheckExp`).
  "HealthCheckReq",
  "HealthCheckExp",
  ...XFF_CLIENT_CERT.flatMap((name) => [name, `${name}Alias`]),
];
const ON_OFF_ATTRS = new Set([
  "ConnectionDrain",
  "HealthCheckSwitch",
  "HealthCheck",
  "StickySession",
  "XForwardedFor",
  ...Object.keys(XFF_OFF),
  "ListenerForward",
  "EnableHttp2",
  "Gzip",
  "AclStatus",
  ...XFF_CLIENT_CERT,
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

const L4_HEALTH_DEFAULTS = {
  HealthyThreshold: 3,
  UnhealthyThreshold: 3,
  HealthCheckInterval: 2,
  HealthCheckConnectTimeout: 5,
  ConnectionDrain: "off",
  AclStatus: "off",
};
const L7_DEFAULTS = {
  Scheduler: "wrr",
  Bandwidth: -1,
  HealthCheck: "off",
  StickySession: "off",
  XForwardedFor: "on",
  ...XFF_OFF,
  IdleTimeout: 15,
  RequestTimeout: 60,
  Gzip: "on",
};
const DEFAULTS: Record<Proto, Record<string, string | number>> = {
  tcp: {
    Scheduler: "wrr",
    Bandwidth: -1,
    HealthCheckSwitch: "on",
    HealthCheckType: "tcp",
    PersistenceTimeout: 0,
    EstablishedTimeout: 900,
    ...L4_HEALTH_DEFAULTS,
  },
  udp: { Scheduler: "wrr", Bandwidth: -1, HealthCheckSwitch: "on", ...L4_HEALTH_DEFAULTS },
  http: { ...L7_DEFAULTS, ListenerForward: "off", AclStatus: "off" },
  https: {
    ...L7_DEFAULTS,
    ...Object.fromEntries(XFF_CLIENT_CERT.map((name) => [name, "off"])),
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
    // A comma-separated list binds several ACLs (Describe answers them in AclIds); each must exist.
    const ids = aclIdsOf(out.AclId);
    for (const id of ids) {
      checkId("AclId", id, ACL_ID);
      if (!ctx.tx.get(ACL, id)) throw Errors.slbAclNotFound(id);
    }
    out.AclId = ids.join(",");
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
      ...describedAttrs(l),
      AclIds: { AclId: aclIdsOf(l._attrs.AclId) },
    };
    if (proto === "http" || proto === "https") out.Rules = { Rule: [] };
    return out;
  };
}

/**
 * The stored attributes under the names the Describe answers use: TCP and UDP take the health check switch as
 * HealthCheckSwitch but report it as HealthCheck (the Describe*ListenerAttribute and DescribeLoadBalancerListeners
 * response models of alibabacloud-go/slb-20140515).
 */
function describedAttrs(l: ListenerDoc): Record<string, string | number> {
  if (l.ListenerProtocol !== "tcp" && l.ListenerProtocol !== "udp") return l._attrs;
  const { HealthCheckSwitch: healthCheck, ...rest } = l._attrs;
  return healthCheck === undefined ? rest : { ...rest, HealthCheck: healthCheck };
}

function listenerListView(l: ListenerDoc): Doc {
  const top: Doc = {};
  const config: Doc = {};
  for (const [k, v] of Object.entries(describedAttrs(l))) (TOP_LEVEL.has(k) ? top : config)[k] = v;
  return {
    LoadBalancerId: l.LoadBalancerId,
    ListenerPort: l.ListenerPort,
    ListenerProtocol: l.ListenerProtocol,
    Status: l.Status,
    Description: "",
    VServerGroupId: "",
    ...top,
    AclIds: aclIdsOf(l._attrs.AclId),
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
  const all = childrenOfLoadBalancersIn<ListenerDoc>(ctx.tx, LB, LISTENER, ctx.regionId)
    .filter(
      (l) =>
        wantedOrAny(ids, l.LoadBalancerId) &&
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

export const listenerHandlers: HandlerEntry[] = [
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
];
