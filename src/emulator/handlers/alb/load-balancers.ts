// ALB emulator: load balancer instances (create, get, list, delete, deletion protection). Listeners, server
// groups and rules have their own files.
import { type HandlerCtx, type HandlerEntry, isoSeconds } from "../../core";
import { Errors } from "../../errors";
import type { Doc } from "../../store";
import { checkId, view, VPC_ID, VSW_ID, wantedOrAny } from "../common";
import {
  arr,
  getLb,
  hasTags,
  job,
  LB,
  type LbDoc,
  LISTENER,
  type ListenerDoc,
  listPage,
  RULE,
  type RuleDoc,
  status,
} from "./shared";

function lbView(lb: LbDoc, nowMs: number): Doc {
  return { ...view(lb), LoadBalancerStatus: status(lb._readyAtMs, nowMs, "Provisioning", "Active") };
}

function createLoadBalancer(ctx: HandlerCtx): Doc {
  const { p } = ctx;
  const vpcId = checkId("VpcId", p.req("VpcId"), VPC_ID);
  const addressType = p.reqOneOf("AddressType", ["Internet", "Intranet"] as const);
  const edition = p.reqOneOf("LoadBalancerEdition", ["Basic", "Standard", "StandardWithWaf"] as const);
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
    .map((lb) => lbView(lb, ctx.nowMs))
    .filter((lb) => !wantStatus || lb.LoadBalancerStatus === wantStatus);
  return listPage(ctx, "LoadBalancers", all, (lb) => lb);
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

export const loadBalancerHandlers: HandlerEntry[] = [
  ["CreateLoadBalancer", true, createLoadBalancer],
  ["GetLoadBalancerAttribute", false, (ctx) => ({ ...lbView(getLb(ctx), ctx.nowMs) })],
  ["ListLoadBalancers", false, listLoadBalancers],
  ["DeleteLoadBalancer", true, deleteLoadBalancer],
  ["EnableDeletionProtection", true, setDeletionProtection(true)],
  ["DisableDeletionProtection", true, setDeletionProtection(false)],
];
