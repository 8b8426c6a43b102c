// Planner for the ALB instance: create it (with its ownership tags, deletion protection on and a create
// token), or check the one found (by id: adoption rules; by tag: immutables), and bring the attributes we
// may change into line. An adopted ALB's attributes change only with forceOverride (§C3).
import type { Tag } from "../../../src/cloud";
import type { DesiredModel } from "../model/types";
import { isControllerMade, isOwnedBy, isProtectedTagKey, ownershipTags } from "../tracking";
import { createToken, push } from "./common";
import type { IdOrRef, Plan, RemoteLoadBalancer, RemoteModel } from "./index";

export interface LoadBalancerPlan {
  id: IdOrRef;
  /** The ALB was made by this AlbConfig: everything on it is ours. */
  owned: boolean;
}

export function planLoadBalancer(
  desired: DesiredModel,
  remote: RemoteModel,
  out: Plan,
): LoadBalancerPlan | undefined {
  const want = desired.loadBalancer;
  const found = remote.loadBalancer;
  const { name: albConfig } = desired.albConfig;
  if (want.mode === "reuse") {
    if (!found) {
      out.errors.push({
        reason: "LoadBalancerNotFound",
        message: `ALB ${want.reuseId ?? ""} named by spec.config.id was not found`,
      });
      return undefined;
    }
    const ours = isOwnedBy(found.tags, albConfig, desired.clusterId);
    if (isControllerMade(found.tags) && !ours) {
      out.errors.push({
        reason: "ReuseForbidden",
        message: `ALB ${found.loadBalancerId} was created by the controller for another AlbConfig; it cannot be reused`,
      });
      return undefined;
    }
    if (!checkUsable(found, out)) return undefined;
    if (want.forceOverride) planAttributes(desired, found, out);
    return { id: found.loadBalancerId, owned: ours };
  }
  if (!found) {
    if (desired.reportedLoadBalancerId) {
      // Never silently re-create: the user's DNS points at the one that was deleted.
      out.errors.push({
        reason: "LoadBalancerDeleted",
        message: `ALB loadBalancer : ${desired.reportedLoadBalancerId} has been deleted on the console , please delete related albconfig first`,
      });
      return undefined;
    }
    const zones = new Set(want.zoneMappings.map((z) => z.zoneId));
    if (zones.size < 2) {
      out.errors.push({
        reason: "ZoneMappingsInvalid",
        message: `an ALB needs vSwitches in at least two zones; have ${want.zoneMappings.map((z) => `${z.vSwitchId}(${z.zoneId})`).join(", ") || "none"}`,
      });
      return undefined;
    }
    const request = {
      loadBalancerName: want.name,
      vpcId: want.vpcId,
      addressType: want.addressType,
      addressAllocatedMode: want.addressAllocatedMode,
      addressIpVersion: want.addressIpVersion,
      edition: want.edition,
      payType: want.payType,
      ...(want.resourceGroupId ? { resourceGroupId: want.resourceGroupId } : {}),
      zoneMappings: want.zoneMappings,
      deletionProtectionEnabled: want.deletionProtectionEnabled,
      tags: [...ownershipTags(albConfig, desired.clusterId), ...userTags(want.userTags)],
    };
    const key = push(out, "alb:create", {
      kind: "CreateLoadBalancer",
      request: { ...request, clientToken: createToken(desired, "alb") },
    });
    return { id: { ref: key }, owned: true };
  }
  if (!checkUsable(found, out)) return undefined;
  const immutable: string[] = [];
  if (found.addressType !== want.addressType)
    immutable.push(`addressType ${found.addressType} -> ${want.addressType}`);
  if (found.addressIpVersion !== want.addressIpVersion)
    immutable.push(`addressIpVersion ${found.addressIpVersion} -> ${want.addressIpVersion}`);
  if (immutable.length > 0)
    out.errors.push({
      reason: "ImmutableChanged",
      message: `ALB ${found.loadBalancerId}: cannot change ${immutable.join(", ")}; delete and re-create the AlbConfig`,
    });
  planAttributes(desired, found, out);
  if (want.deletionProtectionEnabled && !found.deletionProtectionEnabled)
    push(out, "alb:deletion-protection", {
      kind: "SetDeletionProtection",
      loadBalancerId: found.loadBalancerId,
      enabled: true,
    });
  return { id: found.loadBalancerId, owned: true };
}

function checkUsable(found: RemoteLoadBalancer, out: Plan): boolean {
  if (found.status !== "CreateFailed") return true;
  out.errors.push({ reason: "LoadBalancerFailed", message: `ALB ${found.loadBalancerId} is CreateFailed` });
  return false;
}

/** User tags with our ownership keys and the cloud's own keys filtered out. */
function userTags(tags: Tag[]): Tag[] {
  return tags.filter((t) => !isProtectedTagKey(t.key));
}

function planAttributes(desired: DesiredModel, found: RemoteLoadBalancer, out: Plan): void {
  const want = desired.loadBalancer;
  const id = found.loadBalancerId;
  if (want.name && want.name !== found.loadBalancerName)
    push(out, "alb:name", { kind: "UpdateLoadBalancerName", loadBalancerId: id, name: want.name });
  if (want.edition !== found.edition)
    // No edition change in the cloud layer: reported, not planned.
    out.warnings.push(`ALB ${id} is edition ${found.edition}; the AlbConfig asks for ${want.edition}`);
  const missing = userTags(want.userTags).filter(
    (t) => !found.tags.some((f) => f.key === t.key && f.value === t.value),
  );
  if (missing.length > 0)
    push(out, "alb:tags", { kind: "TagLoadBalancer", loadBalancerId: id, tags: missing });
}
