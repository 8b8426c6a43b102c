// ALB emulator: server groups and their servers (create, list, add/remove servers, update, delete while
// unreferenced).
import { type HandlerCtx, type HandlerEntry, isoSeconds } from "../../core";
import { Errors } from "../../errors";
import type { Doc, Tx } from "../../store";
import { checkId, view, VPC_ID, wantedOrAny } from "../common";
import {
  arr,
  checkBatch,
  getSg,
  hasTags,
  job,
  LISTENER,
  type ListenerDoc,
  listPage,
  lockSg,
  obj,
  referencedGroups,
  RULE,
  type RuleDoc,
  type ServerDoc,
  SG,
  type SgDoc,
  status,
} from "./shared";

/** Add/Remove/ReplaceServers… take at most 200 servers per call (`AddedServers.N`, `RemovedServers.N` each). */
const MAX_SERVERS_PER_CALL = 200;

/** The health check the real API reports for fields a request leaves out. */
const HEALTH_CHECK_DEFAULTS = {
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
};
const STICKY_DEFAULTS = {
  StickySessionEnabled: false,
  StickySessionType: "",
  Cookie: "",
  CookieTimeout: 1000,
};

function checkHealthCheck(hc: Record<string, unknown>): void {
  const ranges: Array<[string, number, number]> = [
    ["HealthCheckInterval", 1, 50],
    ["HealthCheckTimeout", 1, 300],
    ["HealthyThreshold", 2, 10],
    ["UnhealthyThreshold", 2, 10],
    ["HealthCheckConnectPort", 0, 65535],
  ];
  for (const [k, min, max] of ranges) {
    const v = hc[k];
    if (v !== undefined && (typeof v !== "number" || v < min || v > max))
      throw Errors.invalidParam(`HealthCheckConfig.${k}`, `It must be within [${min}, ${max}].`);
  }
  const method = hc.HealthCheckMethod;
  if (method !== undefined && !(typeof method === "string" && ["HEAD", "GET", "POST"].includes(method)))
    throw Errors.invalidParam("HealthCheckConfig.HealthCheckMethod", "Allowed: HEAD, GET, POST.");
  const proto = hc.HealthCheckProtocol;
  if (proto !== undefined && !(typeof proto === "string" && ["HTTP", "HTTPS", "TCP", "gRPC"].includes(proto)))
    throw Errors.invalidParam("HealthCheckConfig.HealthCheckProtocol", "Allowed: HTTP, HTTPS, TCP, gRPC.");
  if (hc.HealthCheckCodes !== undefined && !Array.isArray(hc.HealthCheckCodes))
    hc.HealthCheckCodes = [hc.HealthCheckCodes];
}

function sgView(tx: Tx, g: SgDoc, nowMs: number): Doc {
  const related = new Set<string>();
  for (const l of tx.all<ListenerDoc>(LISTENER))
    if (referencedGroups(l.DefaultActions).includes(g.ServerGroupId)) related.add(l.LoadBalancerId);
  for (const r of tx.all<RuleDoc>(RULE))
    if (referencedGroups(r.RuleActions).includes(g.ServerGroupId)) related.add(r.LoadBalancerId);
  return {
    ...view(g),
    ServerCount: g._servers.length,
    RelatedLoadBalancerIds: [...related],
    ServerGroupStatus: nowMs < (g._configuringUntilMs ?? 0) ? "Configuring" : "Available",
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
  checkHealthCheck(hc);
  const g: SgDoc = {
    ServerGroupId: id,
    ServerGroupName: name,
    ServerGroupType: type,
    Protocol: ctx.p.oneOf("Protocol", ["HTTP", "HTTPS", "gRPC"] as const, "HTTP"),
    Scheduler: ctx.p.oneOf("Scheduler", ["Wrr", "Wlc", "Sch", "Uch"] as const, "Wrr"),
    VpcId: vpcId ?? "",
    RegionId: ctx.regionId,
    ResourceGroupId: ctx.p.str("ResourceGroupId") ?? "rg-default",
    HealthCheckConfig: { ...HEALTH_CHECK_DEFAULTS, ...hc, HealthCheckEnabled: hcEnabled },
    StickySessionConfig: { ...STICKY_DEFAULTS, ...(obj(ctx, "StickySessionConfig") ?? {}) },
    UpstreamKeepaliveEnabled: ctx.p.bool("UpstreamKeepaliveEnabled") ?? false,
    ...(obj(ctx, "UchConfig") ? { UchConfig: obj(ctx, "UchConfig") } : {}),
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
  const all = ctx.tx
    .all<SgDoc>(SG)
    .filter(
      (g) =>
        g.RegionId === ctx.regionId &&
        wantedOrAny(ids, g.ServerGroupId) &&
        wantedOrAny(names, g.ServerGroupName) &&
        (!vpcId || g.VpcId === vpcId) &&
        (!type || g.ServerGroupType === type) &&
        hasTags(g.Tags, tags),
    )
    .sort((a, b) => a._createdMs - b._createdMs);
  return listPage(ctx, "ServerGroups", all, (g) => sgView(ctx.tx, g, ctx.nowMs));
}

const serverKey = (s: { ServerId: string; ServerIp: string; Port: number }): string =>
  `${s.ServerId}|${s.ServerIp}|${s.Port}`;

function parseServers(ctx: HandlerCtx, forAdd: boolean, name = "Servers", optional = false): ServerDoc[] {
  const raw = arr(ctx, name);
  if (raw.length === 0 && !optional) throw Errors.missingParam(name);
  checkBatch(name, raw.length, MAX_SERVERS_PER_CALL);
  return raw.map((s, i) => {
    const serverType = typeof s.ServerType === "string" ? s.ServerType : undefined;
    const serverId = typeof s.ServerId === "string" ? s.ServerId : undefined;
    if (!serverType) throw Errors.missingParam(`${name}.${i + 1}.ServerType`);
    if (!serverId) throw Errors.missingParam(`${name}.${i + 1}.ServerId`);
    if (!["Ecs", "Eni", "Eci", "Ip", "Fc"].includes(serverType))
      throw Errors.invalidParam(`${name}.${i + 1}.ServerType`);
    if (["Eni", "Eci"].includes(serverType) && typeof s.ServerIp !== "string")
      throw Errors.missingParam(`${name}.${i + 1}.ServerIp`);
    const port = typeof s.Port === "number" ? s.Port : 0;
    if (forAdd && serverType !== "Fc" && (port < 1 || port > 65535))
      throw Errors.invalidParam(`${name}.${i + 1}.Port`);
    const weight = typeof s.Weight === "number" ? s.Weight : 100;
    if (weight < 0 || weight > 100) throw Errors.invalidParam(`${name}.${i + 1}.Weight`);
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

function withServers(ctx: HandlerCtx, servers: ServerDoc[], add: ServerDoc[]): ServerDoc[] {
  const m = new Map(servers.map((s) => [serverKey(s), s]));
  for (const s of add) m.set(serverKey(s), s);
  if (m.size > ctx.quotas.serversPerServerGroup)
    throw Errors.albQuotaOf("ServersNum", ctx.quotas.serversPerServerGroup);
  return [...m.values()];
}

/** Port 0 (absent) removes every port of that server. */
function withoutServers(servers: ServerDoc[], gone: ServerDoc[]): ServerDoc[] {
  return servers.filter(
    (s) =>
      !gone.some(
        (r) =>
          r.ServerId === s.ServerId &&
          (r.Port === 0 || r.Port === s.Port) &&
          (!r.ServerIp || r.ServerIp === s.ServerIp),
      ),
  );
}

function addServers(ctx: HandlerCtx): Doc {
  const current = getSg(ctx);
  const add = parseServers(ctx, true);
  const servers = withServers(ctx, current._servers, add);
  const g = lockSg(ctx, current);
  ctx.tx.put(SG, g.ServerGroupId, { ...g, _servers: servers });
  return { JobId: job(ctx, "AddServersToServerGroup", "servergroup", g.ServerGroupId, "Update") };
}

function removeServers(ctx: HandlerCtx): Doc {
  const current = getSg(ctx);
  const gone = parseServers(ctx, false);
  const g = lockSg(ctx, current);
  ctx.tx.put(SG, g.ServerGroupId, { ...g, _servers: withoutServers(g._servers, gone) });
  return { JobId: job(ctx, "RemoveServersFromServerGroup", "servergroup", g.ServerGroupId, "Update") };
}

/** Weights and descriptions of servers already in the group (ServerId, ServerIp and Port say which). */
function updateServersAttribute(ctx: HandlerCtx): Doc {
  const current = getSg(ctx);
  const changes = parseServers(ctx, true);
  const byKey = new Map(current._servers.map((s) => [serverKey(s), s]));
  changes.forEach((c, i) => {
    if (!byKey.has(serverKey(c)))
      throw Errors.albNotFound("BackendServer", `${c.ServerId}:${c.Port}`, `Servers.${i + 1}`);
  });
  const raw = arr(ctx, "Servers");
  const g = lockSg(ctx, current);
  const servers = g._servers.map((s) => {
    const i = changes.findIndex((c) => serverKey(c) === serverKey(s));
    if (i < 0) return s;
    // Only what the request names changes: an absent Weight keeps the old one.
    const weight = typeof raw[i].Weight === "number" ? changes[i].Weight : s.Weight;
    const description = typeof raw[i].Description === "string" ? changes[i].Description : s.Description;
    return {
      ...s,
      Weight: weight,
      Description: description,
      _pending: "Configuring",
      _readyAtMs: ctx.nowMs + ctx.transitions.albMs,
    };
  });
  ctx.tx.put(SG, g.ServerGroupId, { ...g, _servers: servers });
  return { JobId: job(ctx, "UpdateServerGroupServersAttribute", "servergroup", g.ServerGroupId, "Update") };
}

/** Removes and adds in one job (the removes first, so a server can move to another port). */
function replaceServers(ctx: HandlerCtx): Doc {
  const current = getSg(ctx);
  const add = parseServers(ctx, true, "AddedServers", true);
  const gone = parseServers(ctx, false, "RemovedServers", true);
  if (add.length === 0 && gone.length === 0) throw Errors.missingParam("AddedServers");
  const servers = withServers(ctx, withoutServers(current._servers, gone), add);
  const g = lockSg(ctx, current);
  ctx.tx.put(SG, g.ServerGroupId, { ...g, _servers: servers });
  return { JobId: job(ctx, "ReplaceServersInServerGroup", "servergroup", g.ServerGroupId, "Update") };
}

/**
 * The servers of one group (`ServerGroupId`), or of every group carrying the `Tag` filters: ServerGroupId is
 * optional and Tag matches the groups' tags (alibabacloud SDKs, alb-20200616 ListServerGroupServersRequest).
 */
function listServerGroupServers(ctx: HandlerCtx): Doc {
  const tags = ctx.p.tags();
  const groups = ctx.p.str("ServerGroupId")
    ? [getSg(ctx)]
    : ctx.tx
        .all<SgDoc>(SG)
        .filter((g) => g.RegionId === ctx.regionId && hasTags(g.Tags, tags))
        .sort((a, b) => a._createdMs - b._createdMs || (a.ServerGroupId < b.ServerGroupId ? -1 : 1));
  const ids = ctx.p.strList("ServerIds");
  const ips = ctx.p.strList("ServerIps");
  const all = groups.flatMap((g) =>
    g._servers
      .filter((s) => wantedOrAny(ids, s.ServerId) && wantedOrAny(ips, s.ServerIp))
      .map((s) => ({ g, s })),
  );
  return listPage(ctx, "Servers", all, ({ g, s }) => ({
    ...view(s),
    ServerGroupId: g.ServerGroupId,
    Status: status(s._readyAtMs, ctx.nowMs, s._pending ?? "Adding", "Available"),
  }));
}

function updateServerGroupAttribute(ctx: HandlerCtx): Doc {
  const current = getSg(ctx);
  const hc = obj(ctx, "HealthCheckConfig");
  if (hc) checkHealthCheck(hc);
  const sticky = obj(ctx, "StickySessionConfig");
  const scheduler = ctx.p.oneOf("Scheduler", ["Wrr", "Wlc", "Sch", "Uch"] as const);
  const keepalive = ctx.p.bool("UpstreamKeepaliveEnabled");
  const uch = obj(ctx, "UchConfig");
  const g = lockSg(ctx, current);
  ctx.tx.put(SG, g.ServerGroupId, {
    ...g,
    ServerGroupName: ctx.p.str("ServerGroupName") ?? g.ServerGroupName,
    Scheduler: scheduler ?? g.Scheduler,
    ...(keepalive !== undefined ? { UpstreamKeepaliveEnabled: keepalive } : {}),
    ...(uch ? { UchConfig: uch } : {}),
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

export const serverGroupHandlers: HandlerEntry[] = [
  ["CreateServerGroup", true, createServerGroup],
  ["ListServerGroups", false, listServerGroups],
  ["ListServerGroupServers", false, listServerGroupServers],
  ["AddServersToServerGroup", true, addServers],
  ["RemoveServersFromServerGroup", true, removeServers],
  ["ReplaceServersInServerGroup", true, replaceServers],
  ["UpdateServerGroupServersAttribute", true, updateServersAttribute],
  ["UpdateServerGroupAttribute", true, updateServerGroupAttribute],
  ["DeleteServerGroup", true, deleteServerGroup],
];
