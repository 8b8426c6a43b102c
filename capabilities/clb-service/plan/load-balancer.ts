// Planner for the SLB instance itself: find-or-create (§2.1), may this SLB be used at all (reuse
// checks, immutable attributes), and the diff of its mutable attributes and tags. Cleanup of the
// instance is cleanup.ts's. § numbers refer to docs/clb-service.md.
import type { SlbCreateLoadBalancerRequest, SlbLoadBalancer, Tag } from "../../../src/cloud";
import { clientTokenFor } from "../../../src/cloud";
import { dropUndefined } from "../../../src/lib/objects";
import { CLOUD_SETTINGS_ENV } from "../../../src/config";
import { reuseTagProblem } from "../../../src/operator/settings";
import type { DesiredModel } from "../model";
import { hasOwnershipTag, isProtectedTagKey, TAG_REUSED_BY_USER } from "../tracking";
import { push } from "./common";
import type { IdOrRef, Plan } from "./index";

const LB_CREATE_KEY = "lb:create";

/**
 * The SLB the rest of the plan works on: the found one (after the reuse checks, with its attribute
 * changes planned) or a Ref to its create. Undefined when nothing else may be planned.
 */
export function planLoadBalancer(
  desired: DesiredModel,
  lb: SlbLoadBalancer | undefined,
  out: Plan,
  replacing?: { loadBalancerId: string; deleteKey: string },
): IdOrRef | undefined {
  if (lb) {
    if (!checkReuse(desired, lb, out)) return undefined;
    planInstanceAttributes(desired, lb, out);
    return lb.loadBalancerId;
  }
  if (!mayCreate(desired, out)) return undefined;
  const request = createRequest(desired, replacing?.loadBalancerId);
  const deps = replacing ? [replacing.deleteKey] : [];
  return { ref: push(out, LB_CREATE_KEY, { kind: "CreateLoadBalancer", request }, deps) };
}

/**
 * A created SLB that was never reported (no address, no loadbalancer-id label: its sync never succeeded)
 * and whose immutable attributes the Service no longer asks for: admission lets such a change through
 * (a failed create must stay fixable), so the SLB is deleted and made again. Returns the delete's key,
 * or false when the policy refuses the new create (then nothing is planned).
 */
export function planReplaceUnreported(
  desired: DesiredModel,
  lb: SlbLoadBalancer,
  out: Plan,
): string | false | undefined {
  if (desired.loadBalancer.mode !== "create" || desired.provisionedBefore || desired.deleting)
    return undefined;
  const scratch: Plan = { actions: [], errors: [], warnings: [] };
  if (immutableMismatches(desired, lb, scratch) === 0) return undefined;
  // The replacement must be allowed first: never delete an SLB we could not make again.
  if (!createAllowed(desired, out)) return false;
  return planDelete(lb, "lb:replace", out);
}

/** Deletes SLBs of ours that the Service abandoned before they were ever reported (../remote.ts). */
export function planAbandonedLoadBalancers(lbs: SlbLoadBalancer[], out: Plan): void {
  for (const lb of lbs) planDelete(lb, `lb:abandoned:${lb.loadBalancerId}`, out);
}

/** Delete protection off (when on), then the delete; returns the delete's key. */
function planDelete(lb: SlbLoadBalancer, keyPrefix: string, out: Plan): string {
  const id = lb.loadBalancerId;
  const deps =
    lb.deleteProtection === "on"
      ? [
          push(out, `${keyPrefix}:delete-protection`, {
            kind: "SetDeleteProtection",
            loadBalancerId: id,
            value: "off",
          }),
        ]
      : [];
  return push(out, `${keyPrefix}:delete`, { kind: "DeleteLoadBalancer", loadBalancerId: id }, deps);
}

/** §2.1: no SLB found. A Service that already shows an address lost its SLB: never silently make a new one. */
function mayCreate(desired: DesiredModel, out: Plan): boolean {
  const d = desired.loadBalancer;
  if (d.mode === "reuse") {
    out.errors.push({
      reason: "LoadBalancerNotFound",
      message: `alicloud: can not find loadbalancer by id ${d.reuseId ?? ""}`,
    });
    return false;
  }
  const ips = desired.statusIngress.map((i) => i.ip ?? i.hostname).filter((ip): ip is string => !!ip);
  if (ips.length > 0) {
    out.errors.push({
      reason: "LoadBalancerNotFound",
      message: `alicloud: can not find loadbalancer, but it's defined in service [${ips.join(",")}] this may happen when you delete the loadbalancer`,
    });
    return false;
  }
  return createAllowed(desired, out);
}

/**
 * README "Cloud defaults", the controller's re-check of admission: no internet SLB while public ones are
 * forbidden (no address type means the cloud's default, internet), and no intranet SLB without a vSwitch
 * (the cloud would make a classic-network one, outside the cluster's VPC).
 */
function createAllowed(desired: DesiredModel, out: Plan): boolean {
  const d = desired.loadBalancer;
  if (desired.policy?.forbidPublicLoadBalancer && (d.addressType ?? "internet") === "internet") {
    out.errors.push({
      reason: "PublicLoadBalancerForbidden",
      message: `alicloud: internet SLBs are forbidden in this cluster (${CLOUD_SETTINGS_ENV.forbidPublicLoadBalancer}=true); set the annotation address-type to intranet`,
      terminal: true,
    });
    return false;
  }
  if (d.addressType === "intranet" && !d.vSwitchId && !d.cloudDefaults?.vSwitchId) {
    out.errors.push({
      reason: "VSwitchRequired",
      message: `alicloud: an intranet SLB needs a vSwitch: set the annotation vswitch-id, or ${CLOUD_SETTINGS_ENV.vSwitchIds} in the operator's environment`,
      terminal: true,
    });
    return false;
  }
  return true;
}

function createRequest(desired: DesiredModel, replacedId?: string): SlbCreateLoadBalancerRequest {
  const d = desired.loadBalancer;
  const isPayBySpec = d.instanceChargeType === "PayBySpec";
  const vSwitchId = d.vSwitchId ?? d.cloudDefaults?.vSwitchId;
  const req: SlbCreateLoadBalancerRequest = {
    loadBalancerName: d.name ?? d.defaultName,
    addressType: d.addressType,
    addressIPVersion: d.addressIPVersion,
    // A VPC SLB carries the cluster's VPC with its vSwitch (README "Cloud defaults").
    vpcId: vSwitchId ? d.cloudDefaults?.vpcId : undefined,
    vSwitchId,
    address: d.address,
    // §9 C1: no charge type means PayByCLCU; a spec only applies to PayBySpec.
    instanceChargeType: d.instanceChargeType ?? "PayByCLCU",
    loadBalancerSpec: isPayBySpec ? (d.loadBalancerSpec ?? "slb.s1.small") : undefined,
    internetChargeType: d.internetChargeType,
    bandwidth: d.internetChargeType === "paybybandwidth" ? d.bandwidthMbps : undefined,
    masterZoneId: d.masterZoneId,
    slaveZoneId: d.slaveZoneId,
    resourceGroupId: d.resourceGroupId ?? d.cloudDefaults?.resourceGroupId,
    deleteProtection: d.deleteProtection ?? "on",
    modificationProtectionStatus: d.modificationProtectionStatus ?? "ConsoleProtection",
    modificationProtectionReason: d.modificationProtectionReason,
    tags: [...d.defaultTags, ...d.additionalTags],
    clientToken: "",
  };
  const body = dropUndefined(req);
  // The cloud replays a token's first answer for 24 h and rejects it with other parameters. So the
  // token covers the create intent (../tracking.ts CREATE_INTENT_ANNOTATION: LoadBalancer→ClusterIP→
  // LoadBalancer must make a new SLB) and the request itself (a fixed annotation after a failed create
  // is a new intent); a plain retry, also after a restart, reuses it. A replacement also covers the SLB
  // it replaces, so changing an immutable attribute back never replays the first (deleted) SLB.
  const request = JSON.stringify({ ...body, clientToken: undefined });
  const replaces = replacedId ? `replaces/${replacedId}/` : "";
  body.clientToken = clientTokenFor(
    desired.service.uid,
    `clb/slb/${desired.service.createIntent ?? ""}/${replaces}${request}`,
  );
  return body;
}

/** §2.4 / R5: may we touch this SLB at all? Returns false when nothing else may be planned. */
function checkReuse(desired: DesiredModel, lb: SlbLoadBalancer, out: Plan): boolean {
  const d = desired.loadBalancer;
  if (d.mode !== "reuse") return true;
  if (hasOwnershipTag(lb.tags)) {
    out.errors.push({
      reason: "ReuseForbidden",
      message: `alicloud: the loadbalancer ${lb.loadBalancerId} can not be reused, can not reuse loadbalancer created by kubernetes.`,
    });
    return false;
  }
  const tagProblem = desired.policy?.reuse
    ? reuseTagProblem(desired.policy.reuse, desired.service.namespace, lb.loadBalancerId, lb.tags)
    : undefined;
  if (tagProblem) {
    out.errors.push({ reason: "ReuseForbidden", message: `alicloud: ${tagProblem}`, terminal: true });
    return false;
  }
  if (desired.policy?.forbidPublicLoadBalancer && lb.addressType === "internet") {
    out.errors.push({
      reason: "ReuseForbidden",
      message: `alicloud: the loadbalancer ${lb.loadBalancerId} is an internet SLB, and internet SLBs are forbidden in this cluster (${CLOUD_SETTINGS_ENV.forbidPublicLoadBalancer}=true)`,
      terminal: true,
    });
    return false;
  }
  const oldIp = desired.statusIngress.find((i) => i.ip)?.ip;
  if (oldIp && oldIp !== lb.address && !d.externalIpIsEip) {
    out.errors.push({
      reason: "ReuseForbidden",
      message: `service has been associated with ip [${oldIp}], cannot be bound to ip [${lb.address}]`,
    });
    return false;
  }
  // R5 on a reused SLB blocks everything (our decision, §4.5): the user named an SLB that is not the one
  // they described.
  return immutableMismatches(desired, lb, out) === 0;
}

/** Create-time attributes that differ from the SLB; each becomes an error (§1.1 immutable attributes, R5). */
function immutableMismatches(desired: DesiredModel, lb: SlbLoadBalancer, out: Plan): number {
  const d = desired.loadBalancer;
  const checks: [string, string | undefined, string | undefined][] = [
    ["AddressType", d.addressType, lb.addressType],
    ["AddressIPVersion", d.addressIPVersion, lb.addressIPVersion],
    ["ResourceGroupId", d.resourceGroupId, lb.resourceGroupId],
    ["master zone id", d.masterZoneId, lb.masterZoneId],
    ["slave zone id", d.slaveZoneId, lb.slaveZoneId],
    ["network type", d.networkType, lb.networkType],
    ["address", d.address, lb.address],
  ];
  let n = 0;
  for (const [what, want, have] of checks) {
    if (want === undefined || want === have) continue;
    n++;
    out.errors.push({
      reason: "ImmutableChanged",
      message: `alicloud: can not change LoadBalancer ${what} once created (want ${want}, have ${have ?? "unset"}). delete and retry`,
    });
  }
  return n;
}

function planInstanceAttributes(desired: DesiredModel, lb: SlbLoadBalancer, out: Plan): void {
  const d = desired.loadBalancer;
  const id = lb.loadBalancerId;
  // Created SLB: immutable drift is reported but does not block listeners and groups (§4.5).
  if (d.mode === "create") immutableMismatches(desired, lb, out);
  if (d.name !== undefined && d.name !== lb.loadBalancerName) {
    push(out, "lb:name", { kind: "SetLoadBalancerName", loadBalancerId: id, name: d.name });
  }
  if (d.deleteProtection !== undefined && d.deleteProtection !== lb.deleteProtection) {
    push(out, "lb:delete-protection", {
      kind: "SetDeleteProtection",
      loadBalancerId: id,
      value: d.deleteProtection,
    });
  }
  if (
    d.modificationProtectionStatus !== undefined &&
    d.modificationProtectionStatus !== lb.modificationProtectionStatus
  ) {
    push(out, "lb:modification-protection", {
      kind: "SetModificationProtection",
      loadBalancerId: id,
      status: d.modificationProtectionStatus,
      reason:
        d.modificationProtectionStatus === "ConsoleProtection" ? d.modificationProtectionReason : undefined,
    });
  }
  planBilling(desired, lb, out);
  planInternetSpec(desired, lb, out);
  planTags(desired, lb, out);
}

/** Upstream updateInstanceChargeTypeAndInstanceSpec: a charge-type change carries the spec; else a spec change alone. */
function planBilling(desired: DesiredModel, lb: SlbLoadBalancer, out: Plan): void {
  const d = desired.loadBalancer;
  const id = lb.loadBalancerId;
  if (d.instanceChargeType !== undefined && d.instanceChargeType !== lb.instanceChargeType) {
    const spec = d.instanceChargeType === "PayBySpec" ? (d.loadBalancerSpec ?? "slb.s1.small") : undefined;
    push(
      out,
      "lb:charge-type",
      dropUndefined({
        kind: "ModifyInstanceChargeType",
        loadBalancerId: id,
        chargeType: d.instanceChargeType,
        spec,
      }),
    );
    return;
  }
  const effectiveType = d.instanceChargeType ?? lb.instanceChargeType;
  if (
    effectiveType === "PayBySpec" &&
    d.loadBalancerSpec !== undefined &&
    d.loadBalancerSpec !== lb.loadBalancerSpec
  ) {
    push(out, "lb:spec", { kind: "ModifyInstanceSpec", loadBalancerId: id, spec: d.loadBalancerSpec });
  }
}

/** Internet billing and bandwidth apply to internet SLBs only; bandwidth only under paybybandwidth (§1.1 rows 10-11). */
function planInternetSpec(desired: DesiredModel, lb: SlbLoadBalancer, out: Plan): void {
  const d = desired.loadBalancer;
  if (lb.addressType !== "internet") return;
  const chargeType = d.internetChargeType ?? lb.internetChargeType;
  const chargeChanged = d.internetChargeType !== undefined && d.internetChargeType !== lb.internetChargeType;
  const bandwidthChanged =
    chargeType === "paybybandwidth" && d.bandwidthMbps !== undefined && d.bandwidthMbps !== lb.bandwidth;
  if (!chargeChanged && !bandwidthChanged) return;
  push(
    out,
    "lb:internet-spec",
    dropUndefined({
      kind: "ModifyInternetSpec",
      loadBalancerId: lb.loadBalancerId,
      internetChargeType: chargeChanged ? d.internetChargeType : undefined,
      bandwidthMbps: chargeType === "paybybandwidth" ? d.bandwidthMbps : undefined,
    }),
  );
}

/**
 * Tags (§2.2, §9 C3): add missing or changed ones; untag only keys we applied before and that left the
 * annotation. `acs:` keys and the ownership tags are never removed here.
 */
function planTags(desired: DesiredModel, lb: SlbLoadBalancer, out: Plan): void {
  const d = desired.loadBalancer;
  const have = new Map(lb.tags.map((t) => [t.key, t.value]));
  const want: Tag[] = [...d.defaultTags, ...d.additionalTags];
  // Upstream marks a reused SLB, but only while it has room (MaxLBTagNum = 10).
  if (d.mode === "reuse" && !have.has(TAG_REUSED_BY_USER) && lb.tags.length < 10) {
    want.push({ key: TAG_REUSED_BY_USER, value: "true" });
  }
  const toAdd = want.filter((t) => have.get(t.key) !== t.value);
  const wantKeys = new Set(want.map((t) => t.key));
  const toRemove = [...new Set(d.appliedTagKeys)]
    .filter((k) => have.has(k) && !wantKeys.has(k) && !isProtectedTagKey(k))
    .sort();
  const id = lb.loadBalancerId;
  if (toAdd.length > 0) push(out, "lb:tag", { kind: "TagLoadBalancer", loadBalancerId: id, tags: toAdd });
  if (toRemove.length > 0)
    push(out, "lb:untag", { kind: "UntagLoadBalancer", loadBalancerId: id, tagKeys: toRemove });
}
