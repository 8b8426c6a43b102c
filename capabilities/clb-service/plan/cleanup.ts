// Planner for cleanup (docs/clb-service.md §2.4): a created SLB is deleted (or, with preserve-lb-on-delete,
// handed back unprotected and untagged with our listeners and groups removed); on a reused SLB only our
// listeners (with force-override), groups and backends go. Nothing not owned by this Service is touched.
import type { SlbLoadBalancer } from "../../../src/cloud";
import type { DesiredModel } from "../model";
import { hasOwnershipTag, isOwnedBy, isOwnershipTagKey } from "../tracking";
import { push } from "./common";
import type { Plan, RemoteModel } from "./index";
import { planListenerDeletes } from "./listeners";
import { releaseGroups } from "./vserver-groups";

export function planCleanup(desired: DesiredModel, remote: RemoteModel, batchSize: number, out: Plan): void {
  const lb = remote.loadBalancer;
  if (!lb) return; // nothing left in the cloud: cleanup is done
  const d = desired.loadBalancer;
  if (d.mode === "create" && !d.preserveOnDelete) {
    const deps: string[] = [];
    if (lb.deleteProtection === "on") {
      deps.push(
        push(out, "lb:delete-protection", {
          kind: "SetDeleteProtection",
          loadBalancerId: lb.loadBalancerId,
          value: "off",
        }),
      );
    }
    push(out, "lb:delete", { kind: "DeleteLoadBalancer", loadBalancerId: lb.loadBalancerId }, deps);
    return;
  }
  if (d.mode === "reuse" && hasOwnershipTag(lb.tags)) {
    return; // we never got to manage a forbidden SLB, so there is nothing of ours on it
  }
  if (d.mode === "create") planPreserve(lb, out);
  const listenerKeys = cleanupListeners(desired, remote, lb, out);
  releaseGroups(desired, remote.vServerGroups, listenerKeys, batchSize, out);
  if (d.mode === "create") untagOwnership(lb, out);
}

/** preserve-lb-on-delete: hand the SLB back unprotected, so another Service can reuse it. */
function planPreserve(lb: SlbLoadBalancer, out: Plan): void {
  const id = lb.loadBalancerId;
  if (lb.deleteProtection === "on")
    push(out, "lb:delete-protection", { kind: "SetDeleteProtection", loadBalancerId: id, value: "off" });
  if (lb.modificationProtectionStatus !== "NonProtection") {
    push(out, "lb:modification-protection", {
      kind: "SetModificationProtection",
      loadBalancerId: id,
      status: "NonProtection",
    });
  }
}

function untagOwnership(lb: SlbLoadBalancer, out: Plan): void {
  const keys = lb.tags
    .map((t) => t.key)
    .filter(isOwnershipTagKey)
    .sort();
  if (keys.length > 0)
    push(out, "lb:untag", { kind: "UntagLoadBalancer", loadBalancerId: lb.loadBalancerId, tagKeys: keys });
}

/** Our listeners only: always on a preserved created SLB, on a reused SLB only with force-override. */
function cleanupListeners(
  desired: DesiredModel,
  remote: RemoteModel,
  lb: SlbLoadBalancer,
  out: Plan,
): string[] {
  if (desired.loadBalancer.mode === "reuse" && !desired.loadBalancer.forceOverrideListeners) return [];
  const ours = (remote.listeners ?? []).filter((r) =>
    isOwnedBy(r.description, desired.service, desired.clusterId),
  );
  return [...planListenerDeletes(ours, lb.loadBalancerId, out).values()];
}
