// SLB emulator: vserver groups and their backend servers (ECS, ENI, ECI, IP), with the per-SLB backend quota.
// Backend health is in health.ts.
import { type HandlerCtx, type HandlerEntry, isoSeconds } from "../../core";
import { Errors } from "../../errors";
import type { Doc } from "../../store";
import { checkId, ciInt, ciStr, isObject, removeTags, setTags, tagsOf } from "../common";
import { type Backend, getLb, listenersOf, TAG, tagView, VSG, VSG_ID, type VsgDoc } from "./shared";

function getVsg(ctx: HandlerCtx): VsgDoc {
  const id = checkId("VServerGroupId", ctx.p.req("VServerGroupId"), VSG_ID);
  const g = ctx.tx.get<VsgDoc>(VSG, id);
  if (!g) throw Errors.slbVsgNotFound(id);
  return g;
}

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

export const vServerGroupHandlers: HandlerEntry[] = [
  ["CreateVServerGroup", true, createVServerGroup],
  ["DescribeVServerGroups", false, describeVServerGroups],
  ["DescribeVServerGroupAttribute", false, describeVServerGroupAttribute],
  ["AddVServerGroupBackendServers", true, addBackends],
  ["RemoveVServerGroupBackendServers", true, removeBackends],
  ["ModifyVServerGroupBackendServers", true, modifyBackends],
  ["SetVServerGroupAttribute", true, setVServerGroupAttribute],
  ["DeleteVServerGroup", true, deleteVServerGroup],
];
