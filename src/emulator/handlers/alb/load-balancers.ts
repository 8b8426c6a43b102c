// ALB emulator: load balancer instances (create, get, list, delete, deletion protection). Listeners, server
// groups and rules have their own files.
import { EMULATOR_DEFAULTS } from "../../../config";
import { type HandlerCtx, type HandlerEntry, isoSeconds } from "../../core";
import { Errors } from "../../errors";
import type { Doc } from "../../store";
import { checkId, seededVSwitch, view, VPC_ID, VSW_ID, wantedOrAny } from "../common";
import {
  arr,
  getLb,
  hasTags,
  job,
  LB,
  type LbDoc,
  LISTENER,
  type ListenerDoc,
  lbStatus,
  listPage,
  lockLb,
  RULE,
  type RuleDoc,
} from "./shared";

function lbView(lb: LbDoc, nowMs: number): Doc {
  return { ...view(lb), LoadBalancerStatus: lbStatus(lb, nowMs) };
}

const ZONE_ID = /^[a-z]{2,}-[a-z0-9-]+-[a-z]$/;

function createLoadBalancer(ctx: HandlerCtx): Doc {
  const { p } = ctx;
  const vpcId = checkId("VpcId", p.req("VpcId"), VPC_ID);
  const addressType = p.reqOneOf("AddressType", ["Internet", "Intranet"] as const);
  const edition = p.reqOneOf("LoadBalancerEdition", ["Basic", "Standard", "StandardWithWaf"] as const);
  const payType = p.req("LoadBalancerBillingConfig.PayType");
  const zones = arr(ctx, "ZoneMappings");
  if (zones.length === 0) throw Errors.missingParam("ZoneMappings");
  if (zones.length < 2) throw Errors.invalidParam("ZoneMappings", "At least two zones are required.");
  const seenZones = new Set<string>();
  const zoneMappings = zones.map((z, i) => {
    const zoneId = typeof z.ZoneId === "string" ? z.ZoneId : undefined;
    const vsw = typeof z.VSwitchId === "string" ? z.VSwitchId : undefined;
    if (!zoneId) throw Errors.missingParam(`ZoneMappings.${i + 1}.ZoneId`);
    if (!vsw) throw Errors.missingParam(`ZoneMappings.${i + 1}.VSwitchId`);
    checkId(`ZoneMappings.${i + 1}.VSwitchId`, vsw, VSW_ID);
    const letters = EMULATOR_DEFAULTS.zoneLetters;
    if (
      !ZONE_ID.test(zoneId) ||
      !zoneId.startsWith(`${ctx.regionId}-`) ||
      !letters.includes(zoneId.slice(-1))
    )
      throw Errors.invalidParam(`ZoneMappings.${i + 1}.ZoneId`, `No zone ${zoneId} in ${ctx.regionId}.`);
    // A seeded vSwitch lives in one zone; the mapping must name it (other well-formed ids are taken as given).
    const seeded = seededVSwitch(ctx.regionId, vsw);
    if (seeded && seeded.zoneId !== zoneId)
      throw Errors.invalidParam(
        `ZoneMappings.${i + 1}.VSwitchId`,
        `${vsw} is in zone ${seeded.zoneId}, not ${zoneId}.`,
      );
    if (seenZones.has(zoneId))
      throw Errors.invalidParam("ZoneMappings", `Zone ${zoneId} is listed twice; the zones must differ.`);
    seenZones.add(zoneId);
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
    ModificationProtectionConfig: modificationProtection(ctx) ?? { Status: "NonProtection" },
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
  // The real answer carries no JobId (the only mutation without one), but the job is listed.
  job(ctx, "CreateLoadBalancer", "loadbalancer", id, "Create");
  return { LoadBalancerId: id };
}

function modificationProtection(ctx: HandlerCtx): Doc | undefined {
  const status = ctx.p.oneOf("ModificationProtectionConfig.Status", [
    "NonProtection",
    "ConsoleProtection",
  ] as const);
  if (status === undefined) return undefined;
  const reason = ctx.p.str("ModificationProtectionConfig.Reason");
  return status === "ConsoleProtection" ? { Status: status, Reason: reason ?? "" } : { Status: status };
}

function updateLoadBalancerAttribute(ctx: HandlerCtx): Doc {
  const current = getLb(ctx);
  const name = ctx.p.str("LoadBalancerName");
  if (name !== undefined && (name.length < 2 || name.length > 128))
    throw Errors.invalidParam("LoadBalancerName", "2 to 128 characters.");
  const mod = modificationProtection(ctx);
  const lb = lockLb(ctx, current);
  ctx.tx.put(LB, lb.LoadBalancerId, {
    ...lb,
    ...(name !== undefined ? { LoadBalancerName: name } : {}),
    ...(mod ? { ModificationProtectionConfig: mod } : {}),
  });
  return { JobId: job(ctx, "UpdateLoadBalancerAttribute", "loadbalancer", lb.LoadBalancerId, "Update") };
}

function listLoadBalancers(ctx: HandlerCtx): Doc {
  const ids = ctx.p.strList("LoadBalancerIds");
  const names = ctx.p.strList("LoadBalancerNames");
  const vpcs = ctx.p.strList("VpcIds");
  const tags = ctx.p.tags();
  const wantStatus = ctx.p.str("LoadBalancerStatus");
  const all = ctx.tx
    .all<LbDoc>(LB)
    .filter(
      (lb) =>
        lb.RegionId === ctx.regionId &&
        wantedOrAny(ids, lb.LoadBalancerId) &&
        wantedOrAny(names, lb.LoadBalancerName) &&
        wantedOrAny(vpcs, lb.VpcId) &&
        hasTags(lb.Tags, tags),
    )
    .sort((a, b) => a._createdMs - b._createdMs)
    .map((lb) => {
      // The list has no zone mappings (GetLoadBalancerAttribute does).
      const { ZoneMappings: _z, ...rest } = lbView(lb, ctx.nowMs);
      void _z;
      return rest;
    })
    .filter((lb) => !wantStatus || lb.LoadBalancerStatus === wantStatus);
  return listPage(ctx, "LoadBalancers", all, (lb) => lb);
}

function deleteLoadBalancer(ctx: HandlerCtx): Doc {
  const current = getLb(ctx);
  if (current.DeletionProtectionConfig.Enabled) throw Errors.albDeletionProtected(current.LoadBalancerId);
  const lb = lockLb(ctx, current);
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

export const loadBalancerHandlers: HandlerEntry[] = [
  ["CreateLoadBalancer", true, createLoadBalancer],
  ["GetLoadBalancerAttribute", false, (ctx) => ({ ...lbView(getLb(ctx), ctx.nowMs) })],
  ["ListLoadBalancers", false, listLoadBalancers],
  ["UpdateLoadBalancerAttribute", true, updateLoadBalancerAttribute],
  ["DeleteLoadBalancer", true, deleteLoadBalancer],
  ["EnableDeletionProtection", true, setDeletionProtection(true)],
  ["DisableDeletionProtection", true, setDeletionProtection(false)],
];
