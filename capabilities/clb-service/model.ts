// Desired (local) model of one CLB Service: what the cloud should look like, built only from
// Kubernetes objects (Service, Nodes, EndpointSlices). No I/O. plan.ts diffs it against remote.ts.
import type { OnOff, SlbAddressType, SlbBackendServer, SlbListenerAttributes, SlbListenerProtocol, Tag } from "../../src/cloud/types";

// ---------------------------------------------------------------- types

export interface ServiceRef {
  namespace: string;
  name: string;
  uid: string;
  /** metadata.generation: part of the create token, so a new intent never replays an old create. */
  generation?: number;
}

export interface DesiredLoadBalancer {
  /** "create": the controller creates and owns the SLB. "reuse": the `id` annotation names a user SLB (§2). */
  mode: "create" | "reuse";
  reuseId?: string;
  /** "a" + Service UID without dashes, cut to 32 characters (§2.1). */
  defaultName: string;
  /** Desired instance name. Always set in create mode; only when annotated in reuse mode. */
  name?: string;
  // Create-time (immutable) attributes: sent on create, compared (error on mismatch) afterwards.
  addressType?: SlbAddressType;
  addressIPVersion?: "ipv4" | "ipv6";
  networkType?: "classic" | "vpc";
  vSwitchId?: string;
  address?: string;
  masterZoneId?: string;
  slaveZoneId?: string;
  resourceGroupId?: string;
  // Mutable attributes: undefined = not managed (left as the cloud has it).
  loadBalancerSpec?: string;
  instanceChargeType?: "PayBySpec" | "PayByCLCU";
  internetChargeType?: "paybytraffic" | "paybybandwidth";
  bandwidthMbps?: number;
  deleteProtection?: OnOff;
  modificationProtectionStatus?: "ConsoleProtection" | "NonProtection";
  modificationProtectionReason?: string;
  /** Ownership tags written at create time (create mode only). */
  defaultTags: Tag[];
  /** `additional-resource-tags`. */
  additionalTags: Tag[];
  /**
   * Additional tag keys this controller applied on an earlier reconcile. Only these may be untagged when
   * they leave the annotation: we never remove a tag we did not add (§9 C3).
   */
  appliedTagKeys: string[];
  forceOverrideListeners: boolean;
  preserveOnDelete: boolean;
  /** `external-ip-type: eip`: the status IP is an EIP, so the "associated with ip" reuse check is skipped. */
  externalIpIsEip: boolean;
}

export interface DesiredListener {
  port: number;
  protocol: SlbListenerProtocol;
  /** `k8s/<port>/<svc>/<ns>/<clusterId>`: ownership marker (§2.3). */
  description: string;
  /** Name (ownership key) of the DesiredVServerGroup this listener forwards to. */
  vServerGroupName: string;
  /** Annotation-driven attributes valid for this protocol; excludes vgroup, description and forwarding. */
  attributes: SlbListenerAttributes;
  /** `forward-port`: this HTTP listener redirects to the HTTPS listener on that port. */
  forwardPort?: number;
}

export interface DesiredVServerGroup {
  /** `k8s/<vgPort>/<svc>/<ns>/<clusterId>`: the group name and every backend's description (§3.5). */
  name: string;
  servicePort: number;
  /** `vgroup-port`: bind this existing user group (reused SLB) instead of creating one. */
  userGroupId?: string;
  backends: SlbBackendServer[];
  ignoreWeightUpdate: boolean;
}

export interface DesiredModel {
  service: ServiceRef;
  clusterId: string;
  /** Cleanup instead of ensure (deletionTimestamp set, or no longer CLB-managed). */
  deleting: boolean;
  statusIngress: { ip?: string; hostname?: string }[];
  loadBalancer: DesiredLoadBalancer;
  listeners: DesiredListener[];
  vServerGroups: DesiredVServerGroup[];
}

export interface ModelError {
  /** Annotation key, node name or other object the error is about. */
  field: string;
  message: string;
}

// ---------------------------------------------------------------- ownership keys

export const TAG_DO_NOT_DELETE = "kubernetes.do.not.delete";
export const TAG_CLUSTER = "ack.aliyun.com";
export const TAG_REUSED_BY_USER = "kubernetes.reused.by.user";
/** Annotation the reconciler maintains with the additional tag keys it applied (comma list). */
export const APPLIED_TAG_KEYS_ANNOTATION = "clb.alicloud-operator.io/applied-tag-keys";

export interface OwnerKey {
  /** Listener port, NodePort or target port (number or name). */
  port: string;
  service: string;
  namespace: string;
  clusterId: string;
}

/** `k8s/<port>/<svc>/<ns>/<clusterId>`, used for listener descriptions, group names and backend descriptions. */
export function ownerKey(port: number | string, svc: ServiceRef, clusterId: string): string {
  return `k8s/${port}/${svc.name}/${svc.namespace}/${clusterId}`;
}

export function parseOwnerKey(s: string | undefined): OwnerKey | undefined {
  if (!s) return undefined;
  const parts = s.split("/");
  if (parts.length !== 5 || parts[0] !== "k8s" || parts.some(p => p === "")) return undefined;
  return { port: parts[1], service: parts[2], namespace: parts[3], clusterId: parts[4] };
}

/** True when `s` parses as an ownership key of this Service in this cluster (upstream isPortManagedByMyService). */
export function isOwnedBy(s: string | undefined, svc: ServiceRef, clusterId: string): boolean {
  const k = parseOwnerKey(s);
  return k !== undefined && k.service === svc.name && k.namespace === svc.namespace && k.clusterId === clusterId;
}

/** "a" + UID without dashes, cut to 32 characters (upstream GetDefaultLoadBalancerName). */
export function defaultLoadBalancerName(uid: string): string {
  return `a${uid.replace(/-/g, "")}`.slice(0, 32);
}
