// ENI backends (§3.1): a pod IP becomes a backend whose ServerId is the ENI carrying that IP. The
// lookup is a cloud read (read stage, next to remote.ts); applying its result to the desired model is
// pure, so plan() only ever sees resolved backends.
//   - IP with an ENI              → ServerId = ENI id
//   - IP outside the VPC's blocks → skipped (event SkipSyncBackends "… whose ip is not in vpc cidrs")
//   - IP in the VPC with no ENI   → invalid: dropped, its group is only added to (no removals or
//     updates), a warning event, the pod's readiness-gate condition False, and the reconcile fails so
//     the key retries with backoff until the ENI appears.
import type { EcsProvider, VpcProvider } from "../../src/cloud";
import { inAnyCidr } from "../../src/lib/ip";
import type { DesiredModel } from "./model";

export interface EniLookup {
  /** Pod IP → ENI id, for the IPs that have one. */
  eniByIp: ReadonlyMap<string, string>;
  /** The VPC's IPv4 and IPv6 blocks; read only when some IP has no ENI. */
  vpcCidrs?: readonly string[];
}

export interface EniResolution {
  model: DesiredModel;
  /** Pod IPs outside the VPC: left out (upstream: not an error). */
  skippedIps: string[];
  /** Pod IPs in the VPC without an ENI: invalid backends. */
  invalidIps: string[];
}

/** The pod IPs of every ENI backend in the model, sorted and unique. */
export function eniBackendIps(model: DesiredModel): string[] {
  const ips = new Set<string>();
  for (const g of model.vServerGroups)
    for (const b of g.backends) if (b.type === "eni" && b.serverIp) ips.add(b.serverIp);
  return [...ips].sort();
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

/** Pure: fills in ENI ids, drops skipped and invalid IPs, marks groups holding invalid ones. */
export function resolveEniBackends(model: DesiredModel, lookup: EniLookup): EniResolution {
  const skipped = new Set<string>();
  const invalid = new Set<string>();
  const vServerGroups = model.vServerGroups.map((g) => {
    const groupInvalid: string[] = [];
    const backends = g.backends.flatMap((b) => {
      if (b.type !== "eni") return [b];
      const ip = b.serverIp ?? "";
      const eni = lookup.eniByIp.get(ip);
      if (eni) return [{ ...b, serverId: eni }];
      if (inAnyCidr(lookup.vpcCidrs ?? [], ip)) {
        invalid.add(ip);
        groupInvalid.push(ip);
      } else {
        skipped.add(ip);
      }
      return [];
    });
    backends.sort((a, b) =>
      a.serverId !== b.serverId ? (a.serverId < b.serverId ? -1 : 1) : a.port - b.port,
    );
    return groupInvalid.length > 0
      ? { ...g, backends, invalidBackendIps: [...new Set(groupInvalid)].sort() }
      : { ...g, backends };
  });
  return {
    model: { ...model, vServerGroups },
    skippedIps: [...skipped].sort(),
    invalidIps: [...invalid].sort(),
  };
}
