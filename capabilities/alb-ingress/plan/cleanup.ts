// Planner for an AlbConfig being deleted: our ALB goes (deletion protection lifted first, listeners and
// rules go with it), then our server groups. On an adopted ALB only what is ours goes: the listeners we
// created, the rules that use our server groups on listeners we took over, then our groups; the ALB stays.
import type { DesiredModel } from "../model/types";
import { isOwnedBy } from "../tracking";
import { batchKey, batches, push, rulesPerCall } from "./common";
import type { Plan, PlanOptions, RemoteModel } from "./index";
import { groupsOfAction, ownedRemoteGroups } from "./server-groups";

export function planCleanup(desired: DesiredModel, remote: RemoteModel, opts: PlanOptions, out: Plan): void {
  const { name: albConfig } = desired.albConfig;
  const groups = ownedRemoteGroups(desired, remote).sort((a, b) => (a.name < b.name ? -1 : 1));
  const lb = remote.loadBalancer;
  const after: string[] = [];
  if (lb && isOwnedBy(lb.tags, albConfig, desired.clusterId) && desired.loadBalancer.mode === "create") {
    const deps: string[] = [];
    if (lb.deletionProtectionEnabled)
      deps.push(
        push(out, "alb:deletion-protection", {
          kind: "SetDeletionProtection",
          loadBalancerId: lb.loadBalancerId,
          enabled: false,
        }),
      );
    after.push(
      push(out, "alb:delete", { kind: "DeleteLoadBalancer", loadBalancerId: lb.loadBalancerId }, deps),
    );
  } else if (lb) {
    const ourGroupIds = new Set(groups.map((g) => g.serverGroupId));
    const perCall = rulesPerCall(opts);
    for (const l of [...(remote.listeners ?? [])].sort((a, b) => a.port - b.port)) {
      if (isOwnedBy(l.tags, albConfig, desired.clusterId)) {
        after.push(
          push(out, `listener:${l.protocol}:${l.port}:delete`, {
            kind: "DeleteListener",
            listenerId: l.listenerId,
            port: l.port,
            protocol: l.protocol,
          }),
        );
        continue;
      }
      const ours = (l.rules ?? [])
        .filter((r) => r.actions.some((a) => groupsOfAction(a).some((g) => ourGroupIds.has(g))))
        .sort((a, b) => a.priority - b.priority)
        .map((r) => r.ruleId);
      const parts = batches(ours, perCall);
      const base = `rules:${l.protocol}:${l.port}`;
      // One rule call of a listener at a time (rules.ts).
      parts.forEach((ruleIds, i) =>
        after.push(
          push(
            out,
            batchKey(`${base}:delete`, i, parts.length),
            { kind: "DeleteRules", listenerId: l.listenerId, port: l.port, ruleIds },
            [],
            base,
          ),
        ),
      );
    }
  }
  for (const g of groups)
    push(
      out,
      `sg:${g.name}:delete`,
      { kind: "DeleteServerGroup", serverGroupId: g.serverGroupId, name: g.name },
      after,
    );
}
