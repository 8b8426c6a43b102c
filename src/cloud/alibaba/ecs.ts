// ECS (2014-05-26) elastic network interfaces over the generic openapi-core `callApi`: only the lookup
// ENI-mode CLB backends need (pod IP → ENI id).

import { canonicalIp, ipFamily } from "../../lib/ip";
import type { EcsNetworkInterface, EcsProvider } from "../types";
import type { Transport } from "./transport";
import { allPages, chunk, list, oneOf, reqStr, str, type WireObject } from "./wire";

/** DescribeNetworkInterfaces takes at most 100 values per `PrivateIpAddress.N` / `Ipv6Address.N`. */
export const MAX_ADDRESSES_PER_DESCRIBE = 100;

export function networkInterfaceFromWire(e: WireObject): EcsNetworkInterface {
  const primary = reqStr(e, "PrivateIpAddress");
  const privateIps = list(e, "PrivateIpSets", "PrivateIpSet")
    .map((p) => str(p, "PrivateIpAddress"))
    .filter((ip): ip is string => ip !== undefined);
  return {
    networkInterfaceId: reqStr(e, "NetworkInterfaceId"),
    status: oneOf(
      str(e, "Status"),
      ["Available", "Attaching", "InUse", "Detaching", "Deleting"] as const,
      "Available",
    ),
    type: oneOf(str(e, "Type"), ["Primary", "Secondary", "Trunk", "Member"] as const, "Secondary"),
    vpcId: reqStr(e, "VpcId"),
    vSwitchId: reqStr(e, "VSwitchId"),
    instanceId: str(e, "InstanceId"),
    primaryIpAddress: primary,
    privateIpAddresses: privateIps.length > 0 ? privateIps : primary ? [primary] : [],
    ipv6Addresses: list(e, "Ipv6Sets", "Ipv6Set")
      .map((p) => str(p, "Ipv6Address"))
      .filter((ip): ip is string => ip !== undefined)
      .map(canonicalIp),
  };
}

export class AlibabaEcsProvider implements EcsProvider {
  constructor(private readonly t: Transport) {}

  async findNetworkInterfacesByPrivateIp(
    vpcId: string,
    ips: readonly string[],
  ): Promise<Map<string, EcsNetworkInterface>> {
    const wanted = [...new Set(ips)];
    const v4 = wanted.filter((ip) => ipFamily(ip) === 4);
    // IPv6 addresses are matched in canonical form; remember how the caller spelled them.
    const v6ByCanonical = new Map(
      wanted.filter((ip) => ipFamily(ip) === 6).map((ip) => [canonicalIp(ip), ip]),
    );
    const out = new Map<string, EcsNetworkInterface>();
    for (const batch of chunk(v4, MAX_ADDRESSES_PER_DESCRIBE)) {
      for (const eni of await this.describe(vpcId, "PrivateIpAddress", batch)) {
        for (const ip of eni.privateIpAddresses) if (batch.includes(ip)) out.set(ip, eni);
      }
    }
    for (const batch of chunk([...v6ByCanonical.keys()], MAX_ADDRESSES_PER_DESCRIBE)) {
      for (const eni of await this.describe(vpcId, "Ipv6Address", batch)) {
        for (const ip of eni.ipv6Addresses) {
          const asGiven = v6ByCanonical.get(ip);
          if (asGiven !== undefined) out.set(asGiven, eni);
        }
      }
    }
    return out;
  }

  /** One filtered DescribeNetworkInterfaces, following NextToken to the end. */
  private async describe(
    vpcId: string,
    filter: "PrivateIpAddress" | "Ipv6Address",
    values: string[],
  ): Promise<EcsNetworkInterface[]> {
    return allPages(async (nextToken) => {
      const body = await this.t.rpc("ecs", "DescribeNetworkInterfaces", {
        VpcId: vpcId,
        Status: "InUse",
        [filter]: values,
        MaxResults: this.t.pageSize,
        NextToken: nextToken,
      });
      return {
        items: list(body, "NetworkInterfaceSets", "NetworkInterfaceSet").map(networkInterfaceFromWire),
        nextToken: str(body, "NextToken"),
      };
    });
  }
}
