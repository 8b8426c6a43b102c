// plan(desired, remote): the pure diff between the local model (../model) and the cloud (../remote.ts): an
// ordered, deterministic list of actions with explicit dependencies, which apply() in ../perform.ts executes.
// Never an action on a listener, group or backend we do not own (§2.3-§3.5). This file holds the types and
// the entry point; one file per resource type does the diffing. § numbers refer to docs/clb-service.md.
import type {
  OnOff,
  SlbBackendServer,
  SlbCreateLoadBalancerRequest,
  SlbDomainExtension,
  SlbListener,
  SlbListenerAttributes,
  SlbListenerProtocol,
  SlbListenerSpec,
  SlbLoadBalancer,
  SlbVServerGroup,
  Tag,
} from "../../../src/cloud";
import type { Action as GenericAction, IdOrRef, Ref } from "../../../src/reconcile/actions";
import { OPERATOR_DEFAULTS } from "../../../src/config";
import type { DesiredModel } from "../model";
import { isOwnedByCluster, listenersManaged, notOwnedMessage } from "../tracking";
import { planCleanup } from "./cleanup";
import { planDomainExtensions } from "./domain-extensions";
import { planAbandonedLoadBalancers, planLoadBalancer, planReplaceUnreported } from "./load-balancer";
import { planListeners } from "./listeners";
import { planStaleGroups, planVServerGroups } from "./vserver-groups";

export { domainExtensionsToRecord } from "./domain-extensions";
export { formatAction } from "./format";

// ---------------------------------------------------------------- remote model

export interface RemoteModel {
  loadBalancer?: SlbLoadBalancer;
  /** How the SLB was found (§2.1). */
  foundBy?: "id" | "tag" | "name";
  /** Undefined when listeners were not read (reused SLB without force-override). */
  listeners?: SlbListener[];
  /**
   * Domain extensions of the HTTPS listeners that carry (or carried) a `domain-extensions` annotation,
   * by listener port. A port missing here was not read, and its extensions are never diffed.
   */
  domainExtensions?: RemoteDomainExtensions[];
  vServerGroups: SlbVServerGroup[];
  /** SLBs we created for this Service before it switched to a reused one, never reported (../remote.ts). */
  abandonedLoadBalancers?: SlbLoadBalancer[];
  /** A lookup problem that must stop the reconcile, e.g. several SLBs carry our tag. */
  lookupError?: string;
}

export interface RemoteDomainExtensions {
  listenerPort: number;
  extensions: SlbDomainExtension[];
}

// ---------------------------------------------------------------- actions

/** The id produced by an earlier action (by its key): a new SLB id or a new vserver group id. */
export type { IdOrRef, Ref };

export type ActionParams =
  | { kind: "CreateLoadBalancer"; request: SlbCreateLoadBalancerRequest }
  | { kind: "SetLoadBalancerName"; loadBalancerId: IdOrRef; name: string }
  | { kind: "SetDeleteProtection"; loadBalancerId: IdOrRef; value: OnOff }
  | {
      kind: "SetModificationProtection";
      loadBalancerId: IdOrRef;
      status: "ConsoleProtection" | "NonProtection";
      reason?: string;
    }
  | {
      kind: "ModifyInstanceChargeType";
      loadBalancerId: IdOrRef;
      chargeType: "PayBySpec" | "PayByCLCU";
      spec?: string;
    }
  | { kind: "ModifyInstanceSpec"; loadBalancerId: IdOrRef; spec: string }
  | {
      kind: "ModifyInternetSpec";
      loadBalancerId: IdOrRef;
      internetChargeType?: "paybytraffic" | "paybybandwidth";
      bandwidthMbps?: number;
    }
  | { kind: "TagLoadBalancer"; loadBalancerId: IdOrRef; tags: Tag[] }
  | { kind: "UntagLoadBalancer"; loadBalancerId: IdOrRef; tagKeys: string[] }
  | { kind: "DeleteLoadBalancer"; loadBalancerId: IdOrRef }
  | { kind: "CreateVServerGroup"; loadBalancerId: IdOrRef; name: string; backends: SlbBackendServer[] }
  | { kind: "DeleteVServerGroup"; vServerGroupId: string; name: string }
  | { kind: "AddBackendServers"; vServerGroupId: IdOrRef; name: string; backends: SlbBackendServer[] }
  | { kind: "RemoveBackendServers"; vServerGroupId: string; name: string; backends: SlbBackendServer[] }
  | { kind: "UpdateBackendServers"; vServerGroupId: string; name: string; backends: SlbBackendServer[] }
  | { kind: "CreateListener"; loadBalancerId: IdOrRef; vServerGroupId: IdOrRef; spec: SlbListenerSpec }
  | {
      kind: "UpdateListener";
      loadBalancerId: IdOrRef;
      port: number;
      protocol: SlbListenerProtocol;
      vServerGroupId?: IdOrRef;
      attrs: SlbListenerAttributes;
    }
  | { kind: "StartListener"; loadBalancerId: IdOrRef; port: number; protocol: SlbListenerProtocol }
  | { kind: "DeleteListener"; loadBalancerId: IdOrRef; port: number; protocol: SlbListenerProtocol }
  | {
      kind: "CreateDomainExtension";
      loadBalancerId: IdOrRef;
      listenerPort: number;
      domain: string;
      serverCertificateId: string;
    }
  | {
      /** SetDomainExtensionAttribute with the extension's id and the new certificate (§9 C11). */
      kind: "UpdateDomainExtension";
      domainExtensionId: string;
      listenerPort: number;
      domain: string;
      serverCertificateId: string;
    }
  | { kind: "DeleteDomainExtension"; domainExtensionId: string; listenerPort: number; domain: string };

export type ActionKind = ActionParams["kind"];

export type Action = GenericAction<ActionParams>;

export interface PlanError {
  /** Stable reason, e.g. "ReuseForbidden", "ImmutableChanged". */
  reason: string;
  message: string;
  /**
   * Retrying cannot help (a policy or ownership refusal): the controller shows it and waits for the
   * Service (or the operator's settings) to change, as for a bad annotation.
   */
  terminal?: boolean;
}

export interface Plan {
  actions: Action[];
  /** Problems found while planning. Actions still listed are safe to apply despite them. */
  errors: PlanError[];
  /** Notable but not failing, e.g. a group with zero backends (event UnAvailableLoadBalancer). */
  warnings: string[];
}

export interface PlanOptions {
  /**
   * `sg-batch-size` (§3.5): at most this many backends per add/remove/update action, clamped to
   * 1..40; default OPERATOR_DEFAULTS.backendBatchSize (40).
   */
  backendBatchSize?: number;
}

/** The effective batch size: an integer in 1..maxBackendBatchSize, the default when unset or not a number. */
export function backendBatchSize(n: number | undefined): number {
  if (n === undefined || !Number.isFinite(n)) return OPERATOR_DEFAULTS.backendBatchSize;
  return Math.min(OPERATOR_DEFAULTS.maxBackendBatchSize, Math.max(1, Math.floor(n)));
}

// ---------------------------------------------------------------- entry point

export function plan(desired: DesiredModel, remote: RemoteModel, opts: PlanOptions = {}): Plan {
  const out: Plan = { actions: [], errors: [], warnings: [] };
  if (remote.lookupError) {
    out.errors.push({ reason: "LoadBalancerLookupFailed", message: remote.lookupError });
    return out;
  }
  const batchSize = backendBatchSize(opts.backendBatchSize);
  planAbandonedLoadBalancers(
    (remote.abandonedLoadBalancers ?? []).filter((lb) => isOwnedByCluster(lb.tags, desired.clusterId)),
    out,
  );
  if (desired.deleting) {
    if (!createdSlbIsOurs(desired, remote, out)) return out;
    planCleanup(desired, remote, batchSize, out);
    return out;
  }
  planEnsure(desired, remote, batchSize, out);
  return out;
}

/**
 * README "Cluster identity": a created SLB (found by tag or name) is written to or deleted only when it
 * carries our cluster tag with this cluster's id. A reused SLB is the user's; its policy is checkReuse's.
 */
function createdSlbIsOurs(desired: DesiredModel, remote: RemoteModel, out: Plan): boolean {
  const lb = remote.loadBalancer;
  if (!lb || desired.loadBalancer.mode !== "create" || isOwnedByCluster(lb.tags, desired.clusterId))
    return true;
  out.errors.push({ reason: "NotOwned", message: notOwnedMessage(lb, desired.clusterId), terminal: true });
  return false;
}

function planEnsure(desired: DesiredModel, found: RemoteModel, batchSize: number, out: Plan): void {
  if (!createdSlbIsOurs(desired, found, out)) return;
  let remote = found;
  let replacing: { loadBalancerId: string; deleteKey: string } | undefined;
  const deleteKey = found.loadBalancer && planReplaceUnreported(desired, found.loadBalancer, out);
  if (deleteKey === false) return;
  if (found.loadBalancer && deleteKey) {
    // Planned as a fresh create: nothing on the replaced SLB is kept.
    replacing = { loadBalancerId: found.loadBalancer.loadBalancerId, deleteKey };
    remote = { vServerGroups: [] };
  }
  const lbId = planLoadBalancer(desired, remote.loadBalancer, out, replacing);
  if (lbId === undefined) return;
  const groups = planVServerGroups(desired, remote, lbId, batchSize, out);
  // A new SLB has no listeners yet. Listeners that were not read (a reused SLB without
  // force-override) cannot be diffed: planning against "none" would re-create them all.
  const read = !remote.loadBalancer || remote.listeners !== undefined;
  let listenerKeys: string[] = [];
  if (read && listenersManaged(desired)) {
    const listeners = planListeners(desired, remote, lbId, groups, out);
    planDomainExtensions(desired, remote, listeners.updated, lbId, out);
    listenerKeys = listeners.keys;
  }
  planStaleGroups(desired, remote, listenerKeys, batchSize, out);
}
