// The desired SLB instance of one Service: create or reuse, create-time and mutable attributes, tags
// (from the parsed annotations and the ownership contract in ../tracking.ts). Pure; no listeners here.
import type { V1Service } from "@kubernetes/client-node";
import { dropUndefined } from "../../../src/lib/objects";
import type { ClbAnnotationConfig } from "../annotations";
import {
  APPLIED_TAG_KEYS_ANNOTATION,
  defaultLoadBalancerName,
  parseAppliedList,
  TAG_CLUSTER,
  TAG_DO_NOT_DELETE,
} from "../tracking";
import type { CloudSettings } from "../../../src/operator/settings";
import type { DesiredLoadBalancer } from "./types";

/**
 * The cluster settings a create adds (README "Cloud defaults"): none on a reused SLB (R6: we never
 * default anything there); the default vSwitch only for an intranet SLB that names none, with the VPC.
 */
function cloudDefaults(
  c: ClbAnnotationConfig,
  reuse: boolean,
  settings: CloudSettings,
): DesiredLoadBalancer["cloudDefaults"] {
  if (reuse) return undefined;
  const vSwitchId =
    c.addressType === "intranet" && c.vSwitchId === undefined ? settings.vSwitchIds[0] : undefined;
  const defaults = dropUndefined({
    vpcId: settings.vpcId,
    vSwitchId,
    resourceGroupId: c.resourceGroupId === undefined ? settings.resourceGroupId : undefined,
  });
  return Object.keys(defaults).length > 0 ? defaults : undefined;
}

export function desiredLoadBalancer(
  svc: V1Service,
  c: ClbAnnotationConfig,
  clusterId: string,
  settings: CloudSettings,
): DesiredLoadBalancer {
  const defaultName = defaultLoadBalancerName(svc.metadata?.uid ?? "");
  const reuse = c.loadBalancerId !== undefined;
  return dropUndefined({
    mode: reuse ? "reuse" : "create",
    reuseId: c.loadBalancerId,
    defaultName,
    name: c.loadBalancerName ?? (reuse ? undefined : defaultName),
    addressType: c.addressType,
    addressIPVersion: c.ipVersion,
    networkType: c.networkType,
    vSwitchId: c.vSwitchId,
    address: c.ipAddress,
    masterZoneId: c.masterZoneId,
    slaveZoneId: c.slaveZoneId,
    resourceGroupId: c.resourceGroupId,
    loadBalancerSpec: c.loadBalancerSpec,
    instanceChargeType: c.instanceChargeType,
    internetChargeType: c.internetChargeType,
    bandwidthMbps: c.bandwidthMbps,
    deleteProtection: c.deleteProtection,
    modificationProtectionStatus: c.modificationProtection,
    // Upstream's reason; it is what the console shows as "why is this protected".
    modificationProtectionReason:
      c.modificationProtection === "ConsoleProtection" ? "managed.by.ack" : undefined,
    cloudDefaults: cloudDefaults(c, reuse, settings),
    defaultTags: reuse
      ? []
      : [
          { key: TAG_DO_NOT_DELETE, value: defaultName },
          { key: TAG_CLUSTER, value: clusterId },
        ],
    additionalTags: Object.entries(c.additionalResourceTags ?? {}).map(([key, value]) => ({ key, value })),
    appliedTagKeys: parseAppliedList(svc.metadata?.annotations?.[APPLIED_TAG_KEYS_ANNOTATION]),
    forceOverrideListeners: c.forceOverrideListeners === true,
    preserveOnDelete: c.preserveLbOnDelete === true,
    externalIpIsEip: c.externalIpType === "eip",
    hostname: c.hostname,
  });
}
