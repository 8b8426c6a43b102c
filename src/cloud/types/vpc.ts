// VPC 2016-04-28 (VPC attributes, elastic IPs): the typed results and provider interface the controllers use.
// No HTTP, no SDK types (the adapter is src/cloud/alibaba/vpc.ts).

export interface VpcAttributes {
  vpcId: string;
  /** The primary IPv4 block first, then the secondary blocks. */
  cidrBlocks: string[];
  ipv6CidrBlocks: string[];
}

export interface VpcEip {
  allocationId: string;
  ipAddress: string;
  status: "Associating" | "Unassociating" | "InUse" | "Available" | "Releasing";
  instanceId?: string;
  instanceType?: string;
  bandwidthMbps?: number;
}

export interface VpcVSwitch {
  vSwitchId: string;
  vpcId: string;
  zoneId: string;
  cidrBlock: string;
  availableIpAddressCount: number;
  status: "Pending" | "Available";
}

export interface VpcProvider {
  /** Throws CloudError kind NotFound for an unknown VPC. */
  getVpc(vpcId: string): Promise<VpcAttributes>;
  /** The EIPs bound to this CLB instance (AssociatedInstanceType SlbInstance), in allocation-id order. */
  findEipsBoundTo(loadBalancerId: string): Promise<VpcEip[]>;
  /**
   * vSwitches (DescribeVSwitches, all pages): of a VPC, optionally of one zone, or the given ids (one call each,
   * as the API takes a single VSwitchId; unknown ids are absent from the result). ALB zone mappings need the zone
   * of each vSwitch, and an AlbConfig without vSwitches discovers them here.
   */
  listVSwitches(query: { vpcId?: string; zoneId?: string; vSwitchIds?: string[] }): Promise<VpcVSwitch[]>;
}
