// SLB emulator: load balancer instances (create, describe, delete, name, protections, spec and charge type).
// Listeners, vserver groups and tags have their own files.
import { EMULATOR_DEFAULTS } from "../../../config";
import { type HandlerCtx, type HandlerEntry, isoSeconds, regionCode } from "../../core";
import { Errors } from "../../errors";
import type { Doc, Tx } from "../../store";
import {
  checkId,
  hasAllTags,
  removeTags,
  setTags,
  tagsOf,
  unbindEips,
  view,
  VPC_ID,
  VSW_ID,
} from "../common";
import {
  DOMAIN_EXT,
  getLb,
  LB,
  LB_ID,
  type LbDoc,
  legacyTags,
  LISTENER,
  listenerKey,
  listenersOf,
  TAG,
  tagView,
  VSG,
  type VsgDoc,
} from "./shared";

function lbView(tx: Tx, lb: LbDoc): Doc {
  return { ...view(lb), Tags: tagView(tagsOf(tx, TAG, lb.LoadBalancerId)) };
}

/**
 * The vSwitches of the emulator's one VPC (EMULATOR_DEFAULTS.vpc): its own vSwitch and every well-formed id
 * that carries the code of the request's region (`vsw-bp1…` in cn-hangzhou), as real ids do. Anything else
 * does not exist.
 */
function vSwitchExists(regionId: string, vSwitchId: string): boolean {
  return vSwitchId === EMULATOR_DEFAULTS.vpc.vSwitchId || vSwitchId.startsWith(`vsw-${regionCode(regionId)}`);
}

/** A zone of the region: `<regionId>-<letter>`, the letters in EMULATOR_DEFAULTS.zoneLetters. */
function zoneParam(ctx: HandlerCtx, param: "MasterZoneId" | "SlaveZoneId"): string | undefined {
  const zoneId = ctx.p.str(param);
  if (zoneId === undefined) return undefined;
  const prefix = `${ctx.regionId}-`;
  const letter = zoneId.startsWith(prefix) ? zoneId.slice(prefix.length) : "";
  if (letter.length !== 1 || !EMULATOR_DEFAULTS.zoneLetters.includes(letter))
    throw Errors.slbZoneNotFound(param, zoneId);
  return zoneId;
}

/** 00:00 of the billing day after `nowMs` (EMULATOR_DEFAULTS.billingDayUtcOffsetMs), in ms since the epoch. */
function nextBillingDayMs(nowMs: number): number {
  const dayMs = 86_400_000;
  const offsetMs = EMULATOR_DEFAULTS.billingDayUtcOffsetMs;
  return (Math.floor((nowMs + offsetMs) / dayMs) + 1) * dayMs - offsetMs;
}

/** A charge type change waiting for its day (only bandwidth -> traffic waits). */
interface PendingChargeType {
  internetChargeType: "paybytraffic";
  effectiveMs: number;
}

/** The load balancer as of `nowMs`: a pending charge type change whose day has come is applied. */
function settled(lb: LbDoc, nowMs: number): LbDoc {
  const pending = lb._pendingChargeType as PendingChargeType | undefined;
  if (!pending || nowMs < pending.effectiveMs) return lb;
  const { _pendingChargeType: _done, ...rest } = lb;
  return {
    ...rest,
    InternetChargeType: pending.internetChargeType,
    InternetChargeTypeAlias: pending.internetChargeType,
  } as LbDoc;
}

function randomOctet(ctx: HandlerCtx): number {
  return 1 + Math.floor(ctx.ids.next() * 253);
}

function createLoadBalancer(ctx: HandlerCtx): Doc {
  const { p, tx } = ctx;
  p.req("RegionId");
  const addressType = p.oneOf("AddressType", ["internet", "intranet"] as const, "internet")!;
  const vSwitchId = p.str("VSwitchId");
  if (vSwitchId) {
    checkId("VSwitchId", vSwitchId, VSW_ID);
    if (!vSwitchExists(ctx.regionId, vSwitchId)) throw Errors.slbVSwitchNotFound(vSwitchId);
  }
  // The real service takes the VPC from the vSwitch: with only a VSwitchId the VPC is the emulator's one.
  const vpcId = p.str("VpcId") ?? (vSwitchId ? EMULATOR_DEFAULTS.vpc.vpcId : undefined);
  if (vpcId) checkId("VpcId", vpcId, VPC_ID);
  const masterZoneId = zoneParam(ctx, "MasterZoneId");
  const slaveZoneId = zoneParam(ctx, "SlaveZoneId");
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
    MasterZoneId: masterZoneId ?? `${ctx.regionId}-k`,
    SlaveZoneId: slaveZoneId ?? `${ctx.regionId}-j`,
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
    .map((lb) => settled(lb, ctx.nowMs))
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
  const lb = settled(getLb(ctx), ctx.nowMs);
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
  const lb = settled(getLb(ctx), ctx.nowMs);
  ctx.tx.put(LB, lb.LoadBalancerId, { ...lb, ...patch });
  return extra;
}

const orderId = (ctx: HandlerCtx): Doc => ({ OrderId: Math.floor(ctx.ids.next() * 1e15) });

/**
 * Pay-by-bandwidth -> pay-by-traffic takes effect at 00:00 of the next billing day; until then Describe shows
 * the old type (what the real API reports meanwhile is not documented). Every other change is at once, and a
 * new change replaces one still waiting.
 */
function modifyInternetSpec(ctx: HandlerCtx): Doc {
  const t = ctx.p.oneOf("InternetChargeType", ["paybytraffic", "paybybandwidth"] as const);
  const bw = ctx.p.int("Bandwidth", { min: 1, max: 5120 });
  const lb = settled(getLb(ctx), ctx.nowMs);
  const patch: Record<string, unknown> = { _pendingChargeType: undefined };
  if (t === "paybytraffic" && lb.InternetChargeType === "paybybandwidth") {
    const pending: PendingChargeType = { internetChargeType: t, effectiveMs: nextBillingDayMs(ctx.nowMs) };
    patch._pendingChargeType = pending;
  } else if (t) Object.assign(patch, { InternetChargeType: t, InternetChargeTypeAlias: t });
  if (bw !== undefined) patch.Bandwidth = bw;
  return updateLb(ctx, patch, orderId(ctx));
}

function modifyInstanceChargeType(ctx: HandlerCtx): Doc {
  const t = ctx.p.reqOneOf("InstanceChargeType", ["PayBySpec", "PayByCLCU"] as const);
  const spec = ctx.p.str("LoadBalancerSpec");
  if (t === "PayBySpec" && !spec) throw Errors.missingParam("LoadBalancerSpec");
  return updateLb(
    ctx,
    { InstanceChargeType: t, LoadBalancerSpec: t === "PayByCLCU" ? "" : spec },
    orderId(ctx),
  );
}

export const loadBalancerHandlers: HandlerEntry[] = [
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
      const v = ctx.p.reqOneOf("DeleteProtection", ["on", "off"] as const);
      return updateLb(ctx, { DeleteProtection: v });
    },
  ],
  [
    "SetLoadBalancerModificationProtection",
    true,
    (ctx) => {
      ctx.p.req("RegionId");
      const v = ctx.p.reqOneOf("ModificationProtectionStatus", [
        "ConsoleProtection",
        "NonProtection",
      ] as const);
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
];
