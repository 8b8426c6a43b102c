// VPC 2016-04-28 and ECS 2014-05-26, as far as CLB backends and Service status need them:
// - one VPC (EMULATOR_DEFAULTS.vpc): DescribeVpcAttribute/DescribeVSwitches answer with its CIDR blocks,
//   and every well-formed vSwitch id is a vSwitch of it (vSwitch CIDRs are not modelled);
// - elastic network interfaces (CreateNetworkInterface, Attach/Detach/DeleteNetworkInterface,
//   Assign/UnassignPrivateIpAddresses, DescribeNetworkInterfaces): what an ENI-mode backend's ServerId is;
// - elastic IPs (Allocate/Associate/Unassociate/ReleaseEipAddress, DescribeEipAddresses): what
//   `external-ip-type: eip` reports. Association is synchronous (the real API passes through Associating).
// Response shapes follow the Go Tea models (XML-style wrappers: `NetworkInterfaceSets.NetworkInterfaceSet[]`).
import { EMULATOR_DEFAULTS } from "../../config";
import { canonicalIp, inAnyCidr, intToIpv4, ipFamily, ipv4ToInt, parseCidr } from "../../lib/ip";
import { type Handler, type HandlerCtx, isoSeconds, page, productHandlers } from "../core";
import { Errors } from "../errors";
import type { Doc, Tx } from "../store";
import {
  checkId,
  COLLECTIONS,
  INSTANCE_ID,
  seededVSwitch,
  seededVSwitches,
  unbindEips,
  view,
  VPC_ID,
  VSW_ID,
} from "./common";

const VPC = EMULATOR_DEFAULTS.vpc;
const ENI = COLLECTIONS.ecsEni;
const EIP = COLLECTIONS.vpcEip;
const ENI_ID = /^eni-[a-z0-9]{6,40}$/;
const EIP_ID = /^eip-[a-z0-9]{6,40}$/;
const SG_ID = /^sg-[a-z0-9]{6,40}$/;
/** Per-call limits of DescribeNetworkInterfaces (`PrivateIpAddress.N`, `NetworkInterfaceId.N`, `Ipv6Address.N`). */
const MAX_FILTER_VALUES = 100;
/** Secondary private IPs per ENI (the smallest instance-type limit; real limits depend on the instance type). */
const MAX_PRIVATE_IPS_PER_ENI = 10;
/** `AllocationId` / `EipAddress` filters of DescribeEipAddresses take up to 50 comma-separated values. */
const MAX_EIP_FILTER_VALUES = 50;

type EniStatus = "Available" | "InUse";

interface PrivateIp {
  PrivateIpAddress: string;
  Primary: boolean;
}

interface EniDoc extends Doc {
  NetworkInterfaceId: string;
  NetworkInterfaceName: string;
  Description: string;
  Status: EniStatus;
  Type: "Secondary" | "Trunk";
  RegionId: string;
  VpcId: string;
  VSwitchId: string;
  ZoneId: string;
  PrivateIpAddress: string;
  MacAddress: string;
  InstanceId: string;
  CreationTime: string;
  ResourceGroupId: string;
  OwnerId: string;
  ServiceManaged: boolean;
  SecurityGroupIds: { SecurityGroupId: string[] };
  PrivateIpSets: { PrivateIpSet: PrivateIp[] };
  Ipv6Sets: { Ipv6Set: Array<{ Ipv6Address: string }> };
  Tags: { Tag: Array<{ TagKey: string; TagValue: string }> };
}

interface EipDoc extends Doc {
  AllocationId: string;
  IpAddress: string;
  RegionId: string;
  Status: "Available" | "InUse";
  InstanceId: string;
  InstanceType: string;
  InstanceRegionId: string;
  PrivateIpAddress: string;
  Bandwidth: string;
  InternetChargeType: "PayByBandwidth" | "PayByTraffic";
  ChargeType: "PostPaid" | "PrePaid";
  ISP: string;
  Netmode: "public";
  Mode: "NAT";
  Name: string;
  Description: string;
  ResourceGroupId: string;
  AllocationTime: string;
  OperationLocks: { LockReason: unknown[] };
  Tags: { Tag: Array<{ Key: string; Value: string }> };
}

// ---------------------------------------------------------------- VPC and vSwitches

function describeVpcAttribute(ctx: HandlerCtx): Doc {
  const vpcId = checkId("VpcId", ctx.p.req("VpcId"), VPC_ID);
  return {
    VpcId: vpcId,
    VpcName: vpcId,
    RegionId: ctx.regionId,
    Status: "Available",
    CidrBlock: VPC.cidrBlock,
    SecondaryCidrBlocks: { SecondaryCidrBlock: [] },
    Ipv6CidrBlock: VPC.ipv6CidrBlock,
    Ipv6CidrBlocks: { Ipv6CidrBlock: [{ Ipv6CidrBlock: VPC.ipv6CidrBlock, Ipv6Isp: "BGP" }] },
    EnabledIpv6: true,
    VSwitchIds: { VSwitchId: [VPC.vSwitchId] },
    IsDefault: false,
  };
}

function describeVSwitches(ctx: HandlerCtx): Doc {
  const vswId = ctx.p.str("VSwitchId");
  const vpcId = ctx.p.str("VpcId");
  const zoneId = ctx.p.str("ZoneId");
  if (vpcId) checkId("VpcId", vpcId, VPC_ID);
  const pageNumber = ctx.p.int("PageNumber", { min: 1 }) ?? 1;
  const pageSize = ctx.p.int("PageSize", { min: 1, max: 50 }) ?? 10;
  const item = (v: { vSwitchId: string; zoneId: string; cidrBlock: string }) => ({
    VSwitchId: v.vSwitchId,
    VpcId: VPC.vpcId,
    ZoneId: v.zoneId,
    CidrBlock: v.cidrBlock,
    AvailableIpAddressCount: 250,
    Status: "Available",
    VSwitchName: v.vSwitchId,
  });
  let all: Doc[];
  if (vswId) {
    checkId("VSwitchId", vswId, VSW_ID);
    // Any other well-formed id is a vSwitch of the VPC too (zone as asked, else -k), as before the seeds.
    const v = seededVSwitch(ctx.regionId, vswId) ?? {
      vSwitchId: vswId,
      zoneId: zoneId ?? `${ctx.regionId}-k`,
      cidrBlock: VPC.cidrBlock,
    };
    all = [{ ...item(v), VpcId: vpcId ?? VPC.vpcId }].filter((x) => !zoneId || x.ZoneId === zoneId);
  } else {
    // Listing by VPC (or zone): the seeded vSwitches of the emulator's VPC.
    all = (vpcId && vpcId !== VPC.vpcId ? [] : seededVSwitches(ctx.regionId))
      .filter((v) => !zoneId || v.zoneId === zoneId)
      .map(item);
  }
  const items = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  return {
    VSwitches: { VSwitch: items },
    TotalCount: all.length,
    PageNumber: pageNumber,
    PageSize: pageSize,
  };
}

// ---------------------------------------------------------------- ENIs (ECS)

function getEni(ctx: HandlerCtx, id = ctx.p.req("NetworkInterfaceId")): EniDoc {
  checkId("NetworkInterfaceId", id, ENI_ID);
  const eni = ctx.tx.get<EniDoc>(ENI, id);
  if (!eni || eni.RegionId !== ctx.regionId) throw Errors.eniNotFound(id);
  return eni;
}

/** Every private IPv4 and IPv6 address in use in the VPC. */
function usedAddresses(tx: Tx): Set<string> {
  const used = new Set<string>();
  for (const e of tx.all<EniDoc>(ENI)) {
    for (const ip of e.PrivateIpSets.PrivateIpSet) used.add(ip.PrivateIpAddress);
    for (const ip of e.Ipv6Sets.Ipv6Set) used.add(ip.Ipv6Address);
  }
  return used;
}

function checkIpv4(ip: string, used: Set<string>): string {
  if (ipFamily(ip) !== 4) throw Errors.invalidParam("PrivateIpAddress", `Malformed IPv4 address "${ip}".`);
  if (!inAnyCidr([VPC.cidrBlock], ip)) throw Errors.privateIpMismatch(ip);
  if (used.has(ip)) throw Errors.privateIpDuplicated(ip);
  used.add(ip);
  return ip;
}

function checkIpv6(ip: string, used: Set<string>): string {
  if (ipFamily(ip) !== 6) throw Errors.invalidParam("Ipv6Address", `Malformed IPv6 address "${ip}".`);
  const canon = canonicalIp(ip);
  if (!inAnyCidr([VPC.ipv6CidrBlock], canon)) throw Errors.privateIpMismatch(ip);
  if (used.has(canon)) throw Errors.privateIpDuplicated(ip);
  used.add(canon);
  return canon;
}

/** The lowest free IPv4 address of the VPC (skipping the first 10 of the block, as vSwitches reserve some). */
function nextFreeIpv4(used: Set<string>): string {
  const cidr = parseCidr(VPC.cidrBlock)!;
  const base = ipv4ToInt(cidr.address);
  const size = 2 ** (32 - cidr.prefix);
  for (let i = 10; i < size - 1; i++) {
    const ip = intToIpv4(base + i);
    if (!used.has(ip)) {
      used.add(ip);
      return ip;
    }
  }
  throw Errors.vpcAddressExhausted();
}

function nextFreeIpv6(ctx: HandlerCtx, used: Set<string>): string {
  const prefix = parseCidr(VPC.ipv6CidrBlock)!.address.replace(/::$/, "");
  for (;;) {
    const hex = () => Math.floor(ctx.ids.next() * 0x10000).toString(16);
    const ip = canonicalIp(`${prefix}:${hex()}:${hex()}:${hex()}:${hex()}`);
    if (inAnyCidr([VPC.ipv6CidrBlock], ip) && !used.has(ip)) {
      used.add(ip);
      return ip;
    }
  }
}

function secondaryIps(ctx: HandlerCtx, used: Set<string>, have: number): string[] {
  const explicit = ctx.p.strList("PrivateIpAddress");
  const count = ctx.p.int("SecondaryPrivateIpAddressCount", { min: 1, max: MAX_PRIVATE_IPS_PER_ENI });
  if (explicit.length > 0 && count !== undefined)
    throw Errors.invalidParam("SecondaryPrivateIpAddressCount", "Use it or PrivateIpAddress.N, not both.");
  const ips = explicit.map((ip) => checkIpv4(ip, used));
  for (let i = 0; i < (count ?? 0); i++) ips.push(nextFreeIpv4(used));
  if (have + ips.length > MAX_PRIVATE_IPS_PER_ENI + 1)
    throw Errors.invalidParam(
      "PrivateIpAddress",
      `At most ${MAX_PRIVATE_IPS_PER_ENI} secondary private IPs.`,
    );
  return ips;
}

function ipv6Ips(ctx: HandlerCtx, used: Set<string>): string[] {
  const explicit = ctx.p.strList("Ipv6Address");
  const count = ctx.p.int("Ipv6AddressCount", { min: 1, max: MAX_PRIVATE_IPS_PER_ENI });
  if (explicit.length > 0 && count !== undefined)
    throw Errors.invalidParam("Ipv6AddressCount", "Use it or Ipv6Address.N, not both.");
  const ips = explicit.map((ip) => checkIpv6(ip, used));
  for (let i = 0; i < (count ?? 0); i++) ips.push(nextFreeIpv6(ctx, used));
  return ips;
}

function macAddress(ctx: HandlerCtx): string {
  const octet = () =>
    Math.floor(ctx.ids.next() * 256)
      .toString(16)
      .padStart(2, "0");
  return `00:16:3e:${octet()}:${octet()}:${octet()}`;
}

function createNetworkInterface(ctx: HandlerCtx): Doc {
  const { p, tx } = ctx;
  p.req("RegionId");
  const vSwitchId = checkId("VSwitchId", p.req("VSwitchId"), VSW_ID);
  const groups = [...new Set([p.str("SecurityGroupId"), ...p.strList("SecurityGroupIds")])].filter(
    (g): g is string => g !== undefined,
  );
  if (groups.length === 0) throw Errors.missingParam("SecurityGroupId");
  for (const g of groups) checkId("SecurityGroupId", g, SG_ID);
  const type = p.oneOf("InstanceType", ["Secondary", "Trunk"] as const, "Secondary")!;
  const used = usedAddresses(tx);
  const primaryParam = p.str("PrimaryIpAddress");
  const primary = primaryParam ? checkIpv4(primaryParam, used) : nextFreeIpv4(used);
  const secondary = secondaryIps(ctx, used, 1);
  const ipv6 = ipv6Ips(ctx, used);
  const id = ctx.ids.id("eni-", 20, true);
  const eni: EniDoc = {
    NetworkInterfaceId: id,
    NetworkInterfaceName: p.str("NetworkInterfaceName") ?? "",
    Description: p.str("Description") ?? "",
    Status: "Available",
    Type: type,
    RegionId: ctx.regionId,
    VpcId: VPC.vpcId,
    VSwitchId: vSwitchId,
    ZoneId: `${ctx.regionId}-k`,
    PrivateIpAddress: primary,
    MacAddress: macAddress(ctx),
    InstanceId: "",
    CreationTime: isoSeconds(ctx.nowMs),
    ResourceGroupId: p.str("ResourceGroupId") ?? "rg-default",
    OwnerId: ctx.accountId,
    ServiceManaged: false,
    SecurityGroupIds: { SecurityGroupId: groups },
    PrivateIpSets: {
      PrivateIpSet: [
        { PrivateIpAddress: primary, Primary: true },
        ...secondary.map((ip) => ({ PrivateIpAddress: ip, Primary: false })),
      ],
    },
    Ipv6Sets: { Ipv6Set: ipv6.map((ip) => ({ Ipv6Address: ip })) },
    Tags: { Tag: p.tags().map((t) => ({ TagKey: t.Key, TagValue: t.Value })) },
  };
  tx.put(ENI, id, eni);
  return view(eni);
}

function setEni(tx: Tx, eni: EniDoc, patch: Partial<EniDoc>): EniDoc {
  const next = { ...eni, ...patch };
  tx.put(ENI, eni.NetworkInterfaceId, next);
  return next;
}

function attachNetworkInterface(ctx: HandlerCtx): Doc {
  const eni = getEni(ctx);
  const instanceId = checkId("InstanceId", ctx.p.req("InstanceId"), INSTANCE_ID);
  if (eni.Status !== "Available") throw Errors.eniState(eni.Status);
  setEni(ctx.tx, eni, { Status: "InUse", InstanceId: instanceId });
  return {};
}

function detachNetworkInterface(ctx: HandlerCtx): Doc {
  const eni = getEni(ctx);
  const instanceId = checkId("InstanceId", ctx.p.req("InstanceId"), INSTANCE_ID);
  if (eni.Status !== "InUse" || eni.InstanceId !== instanceId) throw Errors.eniState(eni.Status);
  setEni(ctx.tx, eni, { Status: "Available", InstanceId: "" });
  return {};
}

function deleteNetworkInterface(ctx: HandlerCtx): Doc {
  const eni = getEni(ctx);
  if (eni.Status !== "Available") throw Errors.eniState(eni.Status);
  unbindEips(ctx.tx, "NetworkInterface", eni.NetworkInterfaceId);
  ctx.tx.del(ENI, eni.NetworkInterfaceId);
  return {};
}

function assignPrivateIpAddresses(ctx: HandlerCtx): Doc {
  const eni = getEni(ctx);
  const have = eni.PrivateIpSets.PrivateIpSet.length;
  const ips = secondaryIps(ctx, usedAddresses(ctx.tx), have);
  if (ips.length === 0) throw Errors.missingParam("PrivateIpAddress");
  setEni(ctx.tx, eni, {
    PrivateIpSets: {
      PrivateIpSet: [
        ...eni.PrivateIpSets.PrivateIpSet,
        ...ips.map((ip) => ({ PrivateIpAddress: ip, Primary: false })),
      ],
    },
  });
  return {
    AssignedPrivateIpAddressesSet: {
      NetworkInterfaceId: eni.NetworkInterfaceId,
      PrivateIpSet: { PrivateIpAddress: ips },
    },
  };
}

function unassignPrivateIpAddresses(ctx: HandlerCtx): Doc {
  const eni = getEni(ctx);
  const ips = ctx.p.strList("PrivateIpAddress");
  if (ips.length === 0) throw Errors.missingParam("PrivateIpAddress");
  const secondary = eni.PrivateIpSets.PrivateIpSet.filter((ip) => !ip.Primary).map(
    (ip) => ip.PrivateIpAddress,
  );
  for (const ip of ips) if (!secondary.includes(ip)) throw Errors.privateIpNotAssigned(ip);
  setEni(ctx.tx, eni, {
    PrivateIpSets: {
      PrivateIpSet: eni.PrivateIpSets.PrivateIpSet.filter((ip) => !ips.includes(ip.PrivateIpAddress)),
    },
  });
  return {};
}

/** A list filter (`Name.N`) with the API's per-call limit. */
function listFilter(ctx: HandlerCtx, name: string): string[] | undefined {
  const values = ctx.p.strList(name);
  if (values.length > MAX_FILTER_VALUES)
    throw Errors.invalidParam(`${name}.N`, `At most ${MAX_FILTER_VALUES} values.`);
  return values.length > 0 ? values : undefined;
}

function describeNetworkInterfaces(ctx: HandlerCtx): Doc {
  const { p } = ctx;
  p.req("RegionId");
  const vpcId = p.str("VpcId");
  if (vpcId) checkId("VpcId", vpcId, VPC_ID);
  const vSwitchId = p.str("VSwitchId");
  const ids = listFilter(ctx, "NetworkInterfaceId");
  const privateIps = listFilter(ctx, "PrivateIpAddress");
  const ipv6 = listFilter(ctx, "Ipv6Address")?.map(canonicalIp);
  const primary = p.str("PrimaryIpAddress");
  const instanceId = p.str("InstanceId");
  const status = p.oneOf("Status", ["Available", "Attaching", "InUse", "Detaching", "Deleting"] as const);
  const type = p.oneOf("Type", ["Primary", "Secondary", "Trunk", "Member"] as const);
  const name = p.str("NetworkInterfaceName");
  const sg = p.str("SecurityGroupId");
  const tags = p.tags();
  const items = ctx.tx
    .all<EniDoc>(ENI)
    .filter(
      (e) =>
        e.RegionId === ctx.regionId &&
        (!vpcId || e.VpcId === vpcId) &&
        (!vSwitchId || e.VSwitchId === vSwitchId) &&
        (!ids || ids.includes(e.NetworkInterfaceId)) &&
        (!privateIps ||
          e.PrivateIpSets.PrivateIpSet.some((ip) => privateIps.includes(ip.PrivateIpAddress))) &&
        (!ipv6 || e.Ipv6Sets.Ipv6Set.some((ip) => ipv6.includes(ip.Ipv6Address))) &&
        (!primary || e.PrivateIpAddress === primary) &&
        (!instanceId || e.InstanceId === instanceId) &&
        (!status || e.Status === status) &&
        (!type || e.Type === type) &&
        (!name || e.NetworkInterfaceName === name) &&
        (!sg || e.SecurityGroupIds.SecurityGroupId.includes(sg)) &&
        tags.every((t) =>
          e.Tags.Tag.some((h) => h.TagKey === t.Key && (t.Value === "" || h.TagValue === t.Value)),
        ),
    )
    .sort((a, b) => (a.NetworkInterfaceId < b.NetworkInterfaceId ? -1 : 1));
  // NextToken/MaxResults paging (recommended) or the legacy PageNumber/PageSize.
  const maxResults = p.int("MaxResults", { min: 1, max: 500 });
  const nextToken = p.str("NextToken");
  if (maxResults !== undefined || nextToken !== undefined) {
    const pg = page(items, nextToken, maxResults ?? 10);
    return {
      NetworkInterfaceSets: { NetworkInterfaceSet: pg.items.map(view) },
      NextToken: pg.nextToken,
      TotalCount: items.length,
    };
  }
  const pageNumber = p.int("PageNumber", { min: 1 }) ?? 1;
  const pageSize = p.int("PageSize", { min: 1, max: 1000 }) ?? 10;
  return {
    NetworkInterfaceSets: {
      NetworkInterfaceSet: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map(view),
    },
    NextToken: "",
    TotalCount: items.length,
    PageNumber: pageNumber,
    PageSize: pageSize,
  };
}

// ---------------------------------------------------------------- EIPs (VPC)

function getEip(ctx: HandlerCtx): EipDoc {
  const id = checkId("AllocationId", ctx.p.req("AllocationId"), EIP_ID);
  const eip = ctx.tx.get<EipDoc>(EIP, id);
  if (!eip || eip.RegionId !== ctx.regionId) throw Errors.eipNotFound(id);
  return eip;
}

function eipsOfRegion(ctx: HandlerCtx): EipDoc[] {
  return ctx.tx.all<EipDoc>(EIP).filter((e) => e.RegionId === ctx.regionId);
}

function allocateEipAddress(ctx: HandlerCtx): Doc {
  const { p, tx } = ctx;
  p.req("RegionId");
  if (eipsOfRegion(ctx).length >= ctx.quotas.eipsPerAccount) throw Errors.eipQuota(ctx.quotas.eipsPerAccount);
  const id = ctx.ids.id("eip-", 24, true);
  const taken = new Set(tx.all<EipDoc>(EIP).map((e) => e.IpAddress));
  let ip: string;
  do {
    const octet = () => 1 + Math.floor(ctx.ids.next() * 253);
    ip = `39.${96 + Math.floor(ctx.ids.next() * 8)}.${octet()}.${octet()}`;
  } while (taken.has(ip));
  const eip: EipDoc = {
    AllocationId: id,
    IpAddress: ip,
    RegionId: ctx.regionId,
    Status: "Available",
    InstanceId: "",
    InstanceType: "",
    InstanceRegionId: "",
    PrivateIpAddress: "",
    Bandwidth: String(p.int("Bandwidth", { min: 1, max: 1000 }) ?? 5),
    InternetChargeType: p.oneOf(
      "InternetChargeType",
      ["PayByBandwidth", "PayByTraffic"] as const,
      "PayByBandwidth",
    )!,
    ChargeType: p.oneOf("InstanceChargeType", ["PostPaid", "PrePaid"] as const, "PostPaid")!,
    ISP: p.oneOf("ISP", ["BGP", "BGP_PRO"] as const, "BGP")!,
    Netmode: "public",
    Mode: "NAT",
    Name: p.str("Name") ?? "",
    Description: p.str("Description") ?? "",
    ResourceGroupId: p.str("ResourceGroupId") ?? "rg-default",
    AllocationTime: isoSeconds(ctx.nowMs),
    OperationLocks: { LockReason: [] },
    Tags: { Tag: [] },
  };
  tx.put(EIP, id, eip);
  return {
    AllocationId: id,
    EipAddress: ip,
    ResourceGroupId: eip.ResourceGroupId,
    ...(eip.ChargeType === "PrePaid" ? { OrderId: Math.floor(ctx.ids.next() * 1e15) } : {}),
  };
}

const INSTANCE_TYPES = [
  "EcsInstance",
  "SlbInstance",
  "Nat",
  "HaVip",
  "NetworkInterface",
  "IpAddress",
] as const;

function associateEipAddress(ctx: HandlerCtx): Doc {
  const eip = getEip(ctx);
  const instanceId = ctx.p.req("InstanceId");
  const instanceType = ctx.p.oneOf("InstanceType", INSTANCE_TYPES, "EcsInstance")!;
  if (eip.Status !== "Available") throw Errors.eipStatus();
  let privateIp = "";
  switch (instanceType) {
    case "SlbInstance": {
      const lb = ctx.tx.get<Doc>(COLLECTIONS.slbLb, instanceId);
      if (!lb || lb.RegionId !== ctx.regionId) throw Errors.eipInstanceNotFound(instanceId);
      // Only a private (VPC) CLB can take an EIP; an internet CLB has its own public address.
      if (lb.AddressType !== "intranet")
        throw Errors.eipInstanceStatus("Only an internal-facing CLB instance can be associated with an EIP.");
      break;
    }
    case "NetworkInterface": {
      const eni = ctx.tx.get<EniDoc>(ENI, instanceId);
      if (!eni || eni.RegionId !== ctx.regionId) throw Errors.eipInstanceNotFound(instanceId);
      privateIp = ctx.p.str("PrivateIpAddress") ?? eni.PrivateIpAddress;
      if (!eni.PrivateIpSets.PrivateIpSet.some((ip) => ip.PrivateIpAddress === privateIp))
        throw Errors.invalidParam("PrivateIpAddress", "The address is not one of the ENI's.");
      break;
    }
    case "EcsInstance":
      // ECS instances are not modelled: any well-formed id exists.
      checkId("InstanceId", instanceId, INSTANCE_ID);
      break;
    default:
      throw Errors.eipInstanceType(instanceType);
  }
  ctx.tx.put(EIP, eip.AllocationId, {
    ...eip,
    Status: "InUse",
    InstanceId: instanceId,
    InstanceType: instanceType,
    InstanceRegionId: ctx.regionId,
    PrivateIpAddress: privateIp,
  });
  return {};
}

function unassociateEipAddress(ctx: HandlerCtx): Doc {
  const eip = getEip(ctx);
  const instanceId = ctx.p.req("InstanceId");
  const instanceType = ctx.p.oneOf("InstanceType", INSTANCE_TYPES);
  if (
    eip.Status !== "InUse" ||
    eip.InstanceId !== instanceId ||
    (instanceType !== undefined && eip.InstanceType !== instanceType)
  )
    throw Errors.eipStatus();
  ctx.tx.put(EIP, eip.AllocationId, {
    ...eip,
    Status: "Available",
    InstanceId: "",
    InstanceType: "",
    InstanceRegionId: "",
    PrivateIpAddress: "",
  });
  return {};
}

function releaseEipAddress(ctx: HandlerCtx): Doc {
  const eip = getEip(ctx);
  if (eip.Status !== "Available") throw Errors.eipStatus();
  ctx.tx.del(EIP, eip.AllocationId);
  return {};
}

function commaList(ctx: HandlerCtx, name: string): string[] | undefined {
  const raw = ctx.p.str(name);
  if (raw === undefined) return undefined;
  const values = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (values.length > MAX_EIP_FILTER_VALUES)
    throw Errors.invalidParam(name, `At most ${MAX_EIP_FILTER_VALUES} comma-separated values.`);
  return values;
}

function describeEipAddresses(ctx: HandlerCtx): Doc {
  const { p } = ctx;
  p.req("RegionId");
  const ids = commaList(ctx, "AllocationId");
  const addresses = commaList(ctx, "EipAddress");
  const status = p.oneOf("Status", [
    "Associating",
    "Unassociating",
    "InUse",
    "Available",
    "Releasing",
  ] as const);
  const instanceType = p.oneOf("AssociatedInstanceType", INSTANCE_TYPES);
  const instanceId = p.str("AssociatedInstanceId");
  const isp = p.str("ISP");
  const chargeType = p.oneOf("ChargeType", ["PostPaid", "PrePaid"] as const);
  const pageNumber = p.int("PageNumber", { min: 1 }) ?? 1;
  const pageSize = p.int("PageSize", { min: 1, max: 100 }) ?? 10;
  const items = eipsOfRegion(ctx)
    .filter(
      (e) =>
        (!ids || ids.includes(e.AllocationId)) &&
        (!addresses || addresses.includes(e.IpAddress)) &&
        (!status || e.Status === status) &&
        (!instanceType || e.InstanceType === instanceType) &&
        (!instanceId || e.InstanceId === instanceId) &&
        (!isp || e.ISP === isp) &&
        (!chargeType || e.ChargeType === chargeType),
    )
    .sort((a, b) => (a.AllocationId < b.AllocationId ? -1 : 1));
  return {
    EipAddresses: {
      EipAddress: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map(view),
    },
    TotalCount: items.length,
    PageNumber: pageNumber,
    PageSize: pageSize,
  };
}

// ---------------------------------------------------------------- handler table

export const vpcEcsHandlers: Handler[] = [
  ...productHandlers("vpc", [
    ["DescribeVpcAttribute", false, describeVpcAttribute],
    ["DescribeVSwitches", false, describeVSwitches],
    ["AllocateEipAddress", true, allocateEipAddress],
    ["AssociateEipAddress", true, associateEipAddress],
    ["UnassociateEipAddress", true, unassociateEipAddress],
    ["ReleaseEipAddress", true, releaseEipAddress],
    ["DescribeEipAddresses", false, describeEipAddresses],
  ]),
  ...productHandlers("ecs", [
    ["CreateNetworkInterface", true, createNetworkInterface],
    ["AttachNetworkInterface", true, attachNetworkInterface],
    ["DetachNetworkInterface", true, detachNetworkInterface],
    ["DeleteNetworkInterface", true, deleteNetworkInterface],
    ["AssignPrivateIpAddresses", true, assignPrivateIpAddresses],
    ["UnassignPrivateIpAddresses", true, unassignPrivateIpAddresses],
    ["DescribeNetworkInterfaces", false, describeNetworkInterfaces],
  ]),
];
