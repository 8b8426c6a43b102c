// plan(desired, remote): the pure diff between the ALB desired model (../model) and the cloud (../remote.ts):
// an ordered, deterministic list of actions with explicit dependencies, which ../perform.ts executes through
// src/reconcile/apply-graph.ts. Never an action on an ALB, listener or server group we do not own
// (../tracking.ts). This file holds the types and the entry point; one file per resource type does the
// diffing. § numbers refer to docs/alb-ingress.md.
import type { Tag } from "../../../src/cloud";
import type { Action as GenericAction, IdOrRef, Ref } from "../../../src/reconcile/actions";
import type {
  AlbEdition,
  AlbListenerProtocol,
  AlbScheduler,
  AlbServerGroupProtocol,
  DesiredModel,
  DesiredServer,
  DesiredZoneMapping,
  HealthCheckConfig,
  RuleAction,
  RuleCondition,
  StickySessionConfig,
} from "../model/types";
import { planCleanup } from "./cleanup";
import { decideListeners, planListeners } from "./listeners";
import { planLoadBalancer } from "./load-balancer";
import { planRules } from "./rules";
import { planServerGroups, planStaleServerGroups } from "./server-groups";

export { formatAction } from "./format";
export type { IdOrRef, Ref };

// ---------------------------------------------------------------- remote model

export interface RemoteLoadBalancer {
  loadBalancerId: string;
  loadBalancerName: string;
  status: string;
  dnsName: string;
  addressType: string;
  addressIpVersion: string;
  edition: string;
  vpcId: string;
  deletionProtectionEnabled: boolean;
  tags: Tag[];
}

export interface RemoteCertificate {
  certificateId: string;
  isDefault: boolean;
}

export interface RemoteRule {
  ruleId: string;
  name: string;
  priority: number;
  direction: "Request" | "Response";
  conditions: RuleCondition[];
  actions: RuleAction<string>[];
}

export interface RemoteListener {
  listenerId: string;
  port: number;
  protocol: AlbListenerProtocol;
  description: string;
  idleTimeoutSeconds: number;
  requestTimeoutSeconds: number;
  gzipEnabled: boolean;
  http2Enabled?: boolean;
  securityPolicyId?: string;
  defaultServerGroupId?: string;
  certificates: RemoteCertificate[];
  tags: Tag[];
  /** Undefined when not read (a user listener we may not take over). */
  rules?: RemoteRule[];
}

/** Attributes of a server group that UpdateServerGroupAttribute can change. */
export interface ServerGroupAttributes {
  scheduler: AlbScheduler;
  uchConfig?: { type: "QueryString"; value: string };
  healthCheck: HealthCheckConfig;
  stickySession: StickySessionConfig;
  upstreamKeepaliveEnabled: boolean;
}

export interface RemoteServerGroup extends ServerGroupAttributes {
  serverGroupId: string;
  name: string;
  protocol: AlbServerGroupProtocol;
  tags: Tag[];
  servers: DesiredServer[];
}

export interface RemoteModel {
  loadBalancer?: RemoteLoadBalancer;
  /** How the ALB was found: by `spec.config.id`, or by our ownership tags. */
  foundBy?: "id" | "tag";
  /** Undefined when the ALB was not found (nothing to read). */
  listeners?: RemoteListener[];
  /** Server groups carrying this AlbConfig's and this cluster's tags (../tracking.ts). */
  serverGroups: RemoteServerGroup[];
  /** A lookup problem that must stop the reconcile, e.g. two ALBs carry our tags. */
  lookupError?: string;
}

// ---------------------------------------------------------------- actions

export interface CreateLoadBalancerRequest {
  loadBalancerName: string;
  vpcId: string;
  addressType: "Internet" | "Intranet";
  addressAllocatedMode: "Dynamic" | "Fixed";
  addressIpVersion: "IPv4" | "DualStack";
  edition: AlbEdition;
  payType: "PostPay";
  resourceGroupId?: string;
  zoneMappings: DesiredZoneMapping[];
  deletionProtectionEnabled: boolean;
  tags: Tag[];
  clientToken: string;
}

export interface ServerGroupSpec extends ServerGroupAttributes {
  serverGroupName: string;
  protocol: AlbServerGroupProtocol;
  vpcId: string;
  tags: Tag[];
}

export interface ListenerAttributes {
  description?: string;
  idleTimeoutSeconds?: number;
  requestTimeoutSeconds?: number;
  gzipEnabled?: boolean;
  http2Enabled?: boolean;
  securityPolicyId?: string;
  /** The default certificate. */
  defaultCertificateId?: string;
}

export interface ListenerSpec extends ListenerAttributes {
  port: number;
  protocol: AlbListenerProtocol;
}

/** A rule as sent to CreateRules / UpdateRulesAttribute: groups by id, or by the Ref of their create. */
export interface RuleSpec {
  name: string;
  priority: number;
  direction: "Request" | "Response";
  conditions: RuleCondition[];
  actions: RuleAction<IdOrRef>[];
}

export type ActionParams =
  | { kind: "CreateLoadBalancer"; request: CreateLoadBalancerRequest }
  | { kind: "UpdateLoadBalancerName"; loadBalancerId: string; name: string }
  | { kind: "TagLoadBalancer"; loadBalancerId: string; tags: Tag[] }
  | { kind: "SetDeletionProtection"; loadBalancerId: string; enabled: boolean }
  | { kind: "DeleteLoadBalancer"; loadBalancerId: string }
  | { kind: "CreateServerGroup"; spec: ServerGroupSpec; clientToken: string }
  | { kind: "UpdateServerGroup"; serverGroupId: string; name: string; attrs: Partial<ServerGroupAttributes> }
  | { kind: "DeleteServerGroup"; serverGroupId: string; name: string }
  | { kind: "AddServers"; serverGroupId: IdOrRef; name: string; servers: DesiredServer[] }
  | { kind: "RemoveServers"; serverGroupId: string; name: string; servers: DesiredServer[] }
  | { kind: "UpdateServers"; serverGroupId: string; name: string; servers: DesiredServer[] }
  | {
      kind: "CreateListener";
      loadBalancerId: IdOrRef;
      spec: ListenerSpec;
      defaultServerGroupId: IdOrRef;
      tags: Tag[];
      clientToken: string;
    }
  | {
      kind: "UpdateListener";
      listenerId: string;
      port: number;
      attrs: ListenerAttributes;
      /** Re-point the default action. */
      defaultServerGroupId?: IdOrRef;
    }
  | { kind: "DeleteListener"; listenerId: string; port: number; protocol: AlbListenerProtocol }
  | { kind: "AddListenerCertificates"; listenerId: IdOrRef; port: number; certificateIds: string[] }
  | { kind: "RemoveListenerCertificates"; listenerId: string; port: number; certificateIds: string[] }
  | { kind: "CreateRules"; listenerId: IdOrRef; port: number; rules: RuleSpec[]; clientToken: string }
  | { kind: "UpdateRules"; listenerId: string; port: number; rules: (RuleSpec & { ruleId: string })[] }
  | { kind: "DeleteRules"; listenerId: string; port: number; ruleIds: string[] };

export type ActionKind = ActionParams["kind"];

export type Action = GenericAction<ActionParams>;

export interface PlanError {
  /** Stable reason, e.g. "ListenerInUse", "ReuseForbidden". */
  reason: string;
  message: string;
}

export interface Plan {
  actions: Action[];
  /** Problems found while planning. Actions still listed are safe to apply despite them. */
  errors: PlanError[];
  /** Notable but not failing, e.g. a server group with no servers. */
  warnings: string[];
}

export interface PlanOptions {
  /** Rules per Create/Update/DeleteRules action (1..10; ALB_DEFAULTS.rulesPerApiCall). */
  rulesPerCall?: number;
  /** Servers per Add/Remove/UpdateServers action (1..200; ALB_DEFAULTS.serversPerApiCall). */
  serversPerCall?: number;
}

// ---------------------------------------------------------------- entry point

export function plan(desired: DesiredModel, remote: RemoteModel, opts: PlanOptions = {}): Plan {
  const out: Plan = { actions: [], errors: [], warnings: [] };
  if (remote.lookupError) {
    out.errors.push({ reason: "LoadBalancerLookupFailed", message: remote.lookupError });
    return out;
  }
  if (desired.deleting) {
    planCleanup(desired, remote, opts, out);
    return out;
  }
  const lb = planLoadBalancer(desired, remote, out);
  if (lb === undefined) return out;
  const decisions = decideListeners(desired, remote, lb, out);
  const groups = planServerGroups(desired, remote, decisions, opts, out);
  const listeners = planListeners(desired, remote, lb, decisions, groups, out);
  const ruleKeys = planRules(desired, decisions, listeners, groups, opts, out);
  planStaleServerGroups(desired, remote, groups, [...listeners.releaseKeys, ...ruleKeys], out);
  return out;
}
