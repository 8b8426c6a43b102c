// ALB emulator: server groups and their servers (create, list, add/remove servers, update, delete while
// unreferenced).
import { type HandlerCtx, type HandlerEntry, isoSeconds } from "../../core";
import { Errors } from "../../errors";
import type { Doc, Tx } from "../../store";
import { checkId, view, VPC_ID, wantedOrAny } from "../common";
import {
  arr,
  getSg,
  hasTags,
  job,
  LISTENER,
  type ListenerDoc,
  listPage,
  obj,
  referencedGroups,
  RULE,
  type RuleDoc,
  type ServerDoc,
  SG,
  type SgDoc,
  status,
} from "./shared";

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
  return listPage(ctx, "ServerGroups", all, (g) => sgView(ctx.tx, g));
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
  const all = g._servers.filter((s) => wantedOrAny(ids, s.ServerId) && wantedOrAny(ips, s.ServerIp));
  return listPage(ctx, "Servers", all, (s) => ({
    ...view(s),
    ServerGroupId: g.ServerGroupId,
    Status: status(s._readyAtMs, ctx.nowMs, "Adding", "Available"),
  }));
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

export const serverGroupHandlers: HandlerEntry[] = [
  ["CreateServerGroup", true, createServerGroup],
  ["ListServerGroups", false, listServerGroups],
  ["ListServerGroupServers", false, listServerGroupServers],
  ["AddServersToServerGroup", true, addServers],
  ["RemoveServersFromServerGroup", true, removeServers],
  ["UpdateServerGroupAttribute", true, updateServerGroupAttribute],
  ["DeleteServerGroup", true, deleteServerGroup],
];
