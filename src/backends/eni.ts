// ENI resolution for pod-IP backends (§3.1), for every capability (CLB vserver groups, ALB server
// groups): a pod IP becomes a backend whose server id is the ENI carrying that IP. The lookup is a
// cloud read (the read stage); classifying its answer is pure, so planners only see resolved backends.
//   - IP with an ENI              → resolved: server id = ENI id
//   - IP outside the VPC's blocks → skipped (upstream: not an error, event SkipSyncBackends)
//   - IP in the VPC with no ENI   → invalid: the caller keeps its group add-only and retries later
// § numbers refer to docs/clb-service.md.
import type { EcsProvider, VpcProvider } from "../cloud";
import { inAnyCidr } from "../lib/ip";

export interface EniLookup {
  /** Pod IP → ENI id, for the IPs that have one. */
  eniByIp: ReadonlyMap<string, string>;
  /** The VPC's IPv4 and IPv6 blocks; read only when some IP has no ENI. */
  vpcCidrs?: readonly string[];
}

/** The cloud reads: ENIs of the VPC by pod IP, and the VPC's blocks only if some IP has no ENI. */
export async function lookupEnis(
  cloud: { ecs: EcsProvider; vpc: VpcProvider },
  vpcId: string,
  ips: readonly string[],
): Promise<EniLookup> {
  if (ips.length === 0) return { eniByIp: new Map() };
  const found = await cloud.ecs.findNetworkInterfacesByPrivateIp(vpcId, ips);
  const eniByIp = new Map([...found].map(([ip, eni]) => [ip, eni.networkInterfaceId]));
  if (ips.every((ip) => eniByIp.has(ip))) return { eniByIp };
  const vpc = await cloud.vpc.getVpc(vpcId);
  return { eniByIp, vpcCidrs: [...vpc.cidrBlocks, ...vpc.ipv6CidrBlocks] };
}

export type EniStatus = { kind: "resolved"; eniId: string } | { kind: "skipped" } | { kind: "invalid" };

/** One pod IP against the lookup. */
export function classifyIp(lookup: EniLookup, ip: string): EniStatus {
  const eniId = lookup.eniByIp.get(ip);
  if (eniId) return { kind: "resolved", eniId };
  return inAnyCidr(lookup.vpcCidrs ?? [], ip) ? { kind: "invalid" } : { kind: "skipped" };
}

export interface IpResolution {
  /** Pod IPs outside the VPC: left out (upstream: not an error). */
  skippedIps: string[];
  /** Pod IPs in the VPC without an ENI: invalid backends. */
  invalidIps: string[];
}

/** The skipped and invalid IPs among `ips`, each sorted and unique. */
export function unresolvedIps(lookup: EniLookup, ips: Iterable<string>): IpResolution {
  const skipped = new Set<string>();
  const invalid = new Set<string>();
  for (const ip of ips) {
    const s = classifyIp(lookup, ip).kind;
    if (s === "skipped") skipped.add(ip);
    else if (s === "invalid") invalid.add(ip);
  }
  return { skippedIps: [...skipped].sort(), invalidIps: [...invalid].sort() };
}
