// VPC (2016-04-28) over the generic openapi-core `callApi`: the VPC's CIDR blocks (is a pod IP in the
// VPC?) and the EIPs bound to a CLB instance (`external-ip-type: eip`).

import { CloudError } from "../errors";
import type { VpcAttributes, VpcEip, VpcProvider, VpcVSwitch } from "../types";
import type { Transport } from "./transport";
import { list, MAX_PAGES, num, oneOf, reqStr, str, strList, type WireObject } from "./wire";

/** DescribeVSwitches pages hold at most 50 entries. */
const MAX_VSWITCH_PAGE_SIZE = 50;

export function vSwitchFromWire(v: WireObject): VpcVSwitch {
  return {
    vSwitchId: reqStr(v, "VSwitchId"),
    vpcId: reqStr(v, "VpcId"),
    zoneId: reqStr(v, "ZoneId"),
    cidrBlock: reqStr(v, "CidrBlock"),
    availableIpAddressCount: num(v, "AvailableIpAddressCount") ?? 0,
    status: oneOf(str(v, "Status"), ["Pending", "Available"] as const, "Available"),
  };
}

/** DescribeEipAddresses pages hold at most 100 entries. */
const MAX_EIP_PAGE_SIZE = 100;

export function eipFromWire(e: WireObject): VpcEip {
  return {
    allocationId: reqStr(e, "AllocationId"),
    ipAddress: reqStr(e, "IpAddress"),
    status: oneOf(
      str(e, "Status"),
      ["Associating", "Unassociating", "InUse", "Available", "Releasing"] as const,
      "Available",
    ),
    instanceId: str(e, "InstanceId"),
    instanceType: str(e, "InstanceType"),
    bandwidthMbps: num(e, "Bandwidth"),
  };
}

export function vpcFromWire(v: WireObject): VpcAttributes {
  const primary = str(v, "CidrBlock");
  const ipv6 = list(v, "Ipv6CidrBlocks", "Ipv6CidrBlock")
    .map((b) => str(b, "Ipv6CidrBlock"))
    .filter((b): b is string => b !== undefined);
  const ipv6Primary = str(v, "Ipv6CidrBlock");
  return {
    vpcId: reqStr(v, "VpcId"),
    cidrBlocks: [...(primary ? [primary] : []), ...strList(v, "SecondaryCidrBlocks", "SecondaryCidrBlock")],
    ipv6CidrBlocks: [...new Set([...(ipv6Primary ? [ipv6Primary] : []), ...ipv6])],
  };
}

export class AlibabaVpcProvider implements VpcProvider {
  constructor(private readonly t: Transport) {}

  async getVpc(vpcId: string): Promise<VpcAttributes> {
    return vpcFromWire(await this.t.rpc("vpc", "DescribeVpcAttribute", { VpcId: vpcId }));
  }

  async findEipsBoundTo(loadBalancerId: string): Promise<VpcEip[]> {
    const out: VpcEip[] = [];
    const pageSize = Math.min(this.t.pageSize, MAX_EIP_PAGE_SIZE);
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = await this.t.rpc("vpc", "DescribeEipAddresses", {
        AssociatedInstanceType: "SlbInstance",
        AssociatedInstanceId: loadBalancerId,
        PageNumber: page,
        PageSize: pageSize,
      });
      const items = list(body, "EipAddresses", "EipAddress").map(eipFromWire);
      out.push(...items);
      const total = num(body, "TotalCount") ?? 0;
      if (items.length === 0 || out.length >= total) break;
    }
    // The filter is the server's; never report an EIP that is not bound to this instance.
    return out
      .filter((e) => e.instanceId === loadBalancerId)
      .sort((a, b) => (a.allocationId < b.allocationId ? -1 : a.allocationId > b.allocationId ? 1 : 0));
  }

  async listVSwitches(query: {
    vpcId?: string;
    zoneId?: string;
    vSwitchIds?: string[];
  }): Promise<VpcVSwitch[]> {
    if (query.vSwitchIds !== undefined) {
      const out: VpcVSwitch[] = [];
      for (const id of query.vSwitchIds) {
        try {
          out.push(
            ...(await this.#describeVSwitches({ VSwitchId: id, VpcId: query.vpcId, ZoneId: query.zoneId })),
          );
        } catch (e) {
          if (!(e instanceof CloudError && e.kind === "NotFound")) throw e;
        }
      }
      return out.filter((v) => query.vSwitchIds?.includes(v.vSwitchId));
    }
    return this.#describeVSwitches({ VpcId: query.vpcId, ZoneId: query.zoneId });
  }

  async #describeVSwitches(filter: Record<string, string | undefined>): Promise<VpcVSwitch[]> {
    const out: VpcVSwitch[] = [];
    const pageSize = Math.min(this.t.pageSize, MAX_VSWITCH_PAGE_SIZE);
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = await this.t.rpc("vpc", "DescribeVSwitches", {
        ...filter,
        PageNumber: page,
        PageSize: pageSize,
      });
      const items = list(body, "VSwitches", "VSwitch").map(vSwitchFromWire);
      out.push(...items);
      const total = num(body, "TotalCount") ?? 0;
      if (items.length === 0 || out.length >= total) break;
    }
    return out;
  }
}
