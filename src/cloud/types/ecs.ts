// ECS 2014-05-26 elastic network interfaces: the typed results and provider interface the controllers use.
// No HTTP, no SDK types (the adapter is src/cloud/alibaba/ecs.ts).

export type EcsNetworkInterfaceStatus = "Available" | "Attaching" | "InUse" | "Detaching" | "Deleting";

export interface EcsNetworkInterface {
  networkInterfaceId: string;
  status: EcsNetworkInterfaceStatus;
  type: "Primary" | "Secondary" | "Trunk" | "Member";
  vpcId: string;
  vSwitchId: string;
  instanceId?: string;
  /** The primary private IPv4 address. */
  primaryIpAddress: string;
  /** Every private IPv4 address: the primary and the secondary ones. */
  privateIpAddresses: string[];
  /** IPv6 addresses in canonical (compressed, lower-case) text. */
  ipv6Addresses: string[];
}

export interface EcsProvider {
  /**
   * The in-use ENIs of `vpcId` that carry any of `ips` (IPv4 as a primary or secondary private address,
   * IPv6 by Ipv6Address), keyed by the address as given. Addresses with no ENI are absent from the map.
   * Batched: DescribeNetworkInterfaces takes at most 100 addresses per call.
   */
  findNetworkInterfacesByPrivateIp(
    vpcId: string,
    ips: readonly string[],
  ): Promise<Map<string, EcsNetworkInterface>>;
}
