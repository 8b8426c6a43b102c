// CLB's side of ENI resolution (§3.1): the shared src/backends/eni.ts applied to the desired model's vserver groups.
// Pure: fills in ENI ids, drops skipped and invalid pod IPs, and marks a group holding invalid ones (it is then only
// added to until they resolve; see plan/vserver-groups.ts). § numbers refer to docs/clb-service.md.
import { classifyIp, unresolvedIps, type EniLookup, type IpResolution } from "../../src/backends/eni";
import type { DesiredModel } from "./model";

export interface EniResolution extends IpResolution {
  model: DesiredModel;
}

/** The pod IPs of every ENI backend in the model, sorted and unique. */
export function eniBackendIps(model: DesiredModel): string[] {
  const ips = new Set<string>();
  for (const g of model.vServerGroups)
    for (const b of g.backends) if (b.type === "eni" && b.serverIp) ips.add(b.serverIp);
  return [...ips].sort();
}

/** Fills in ENI ids, drops skipped and invalid IPs, marks groups holding invalid ones. */
export function resolveEniBackends(model: DesiredModel, lookup: EniLookup): EniResolution {
  const ips = new Set<string>();
  const vServerGroups = model.vServerGroups.map((g) => {
    const groupInvalid: string[] = [];
    const backends = g.backends.flatMap((b) => {
      if (b.type !== "eni") return [b];
      const ip = b.serverIp ?? "";
      ips.add(ip);
      const status = classifyIp(lookup, ip);
      if (status.kind === "resolved") return [{ ...b, serverId: status.eniId }];
      if (status.kind === "invalid") groupInvalid.push(ip);
      return [];
    });
    backends.sort((a, b) =>
      a.serverId !== b.serverId ? (a.serverId < b.serverId ? -1 : 1) : a.port - b.port,
    );
    return groupInvalid.length > 0
      ? { ...g, backends, invalidBackendIps: [...new Set(groupInvalid)].sort() }
      : { ...g, backends };
  });
  return { model: { ...model, vServerGroups }, ...unresolvedIps(lookup, ips) };
}
