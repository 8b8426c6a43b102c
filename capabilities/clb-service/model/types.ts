// Types of the CLB desired model: what the cloud should look like for one Service (built by the other
// files of this folder, diffed by plan/). Types only; no logic. § numbers refer to docs/clb-service.md.
import type { V1EndpointSlice, V1Node, V1Pod, V1Service } from "@kubernetes/client-node";
import type {
  OnOff,
  SlbAddressType,
  SlbBackendServer,
  SlbListenerAttributes,
  SlbListenerProtocol,
  Tag,
} from "../../../src/cloud";
import type { NodeSelection } from "../../../src/backends/nodes";
import type { CloudSettings, ReusePolicy } from "../../../src/operator/settings";

export interface ServiceRef {
  namespace: string;
  name: string;
  uid: string;
  /**
   * The create intent (CREATE_INTENT_ANNOTATION in ../tracking.ts): part of the create token, so a new
   * intent never replays an old create. Undefined until the reconciler writes it.
   */
  createIntent?: string;
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
  /**
   * What the cluster settings add to a create (src/operator/settings.ts): the cluster's VPC (sent with a
   * vSwitch), the default vSwitch of an intranet SLB that names none, the default resource group. Create
   * mode only; never compared with an existing SLB, so changing a setting does not flag old SLBs.
   */
  cloudDefaults?: { vpcId?: string; vSwitchId?: string; resourceGroupId?: string };
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
  /** `hostname` (any spelling, §3.6): reported in status instead of an address. */
  hostname?: string;
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
  /** HTTPS only, `domain-extensions`: extra SNI certificates, by domain. Absent: none wanted. */
  domainExtensions?: DesiredDomainExtension[];
}

export interface DesiredDomainExtension {
  domain: string;
  serverCertificateId: string;
}

export interface DesiredVServerGroup {
  /** `k8s/<vgPort>/<svc>/<ns>/<clusterId>`: the group name and every backend's description (§3.5). */
  name: string;
  servicePort: number;
  /** `vgroup-port`: bind this existing user group (reused SLB) instead of creating one. */
  userGroupId?: string;
  backends: SlbBackendServer[];
  ignoreWeightUpdate: boolean;
  /**
   * Pod IPs of ENI backends that lie in the VPC but have no ENI (§3.1, set by ENI resolution): the
   * group only gets additions until they resolve; nothing of it is removed or updated.
   */
  invalidBackendIps?: string[];
}

export interface DesiredModel {
  service: ServiceRef;
  clusterId: string;
  /** Cleanup instead of ensure (deletionTimestamp set, or no longer CLB-managed). */
  deleting: boolean;
  /**
   * Cluster policy plan/ enforces against the cloud (README "Reuse policy", "Cloud defaults"); absent
   * when the settings are the defaults. The namespace allow-list needs no cloud: it is a model error.
   */
  policy?: ClbPolicy;
  statusIngress: { ip?: string; hostname?: string }[];
  /**
   * The Service has been given an SLB before (it has an ingress or the loadbalancer-id label). Only
   * then can an SLB of ours have lost its ownership tag, so only then is the by-name lookup needed.
   */
  provisionedBefore: boolean;
  loadBalancer: DesiredLoadBalancer;
  listeners: DesiredListener[];
  vServerGroups: DesiredVServerGroup[];
  /**
   * Domains whose extensions this controller created or re-pointed on an earlier reconcile. Only these
   * may be deleted when they leave the annotation: an extension someone else added stays (§2).
   */
  appliedDomainExtensions?: string[];
  /** Endpoint address family of the backends (§1 row 62: IPv6 only with ip-version and backend-ip-version ipv6). */
  addressFamily?: "IPv4" | "IPv6";
  /** A not-ready endpoint may soon count (its pod is unknown or not ContainersReady, §3.3): requeue. */
  potentialReadyEndpoints?: boolean;
  /** Pod ("<ns>/<name>") behind each endpoint address used for a backend. */
  podByIp?: Record<string, string>;
  /**
   * Pods counted although not ready, because they carry this Service's readiness gate and are
   * ContainersReady (§3.3): their gate condition goes True once their backend is registered.
   */
  gatedPods?: string[];
}

export interface ClbPolicy {
  /** OPERATOR_FORBID_PUBLIC_LB: never create or reuse an internet SLB. */
  forbidPublicLoadBalancer?: boolean;
  /** Tag mode of the reuse policy (OPERATOR_REUSE_REQUIRE_NAMESPACE_TAG): needs the reused SLB's tags. */
  reuse?: ReusePolicy;
}

export interface ModelError {
  /** Annotation key, node name or other object the error is about. */
  field: string;
  message: string;
}

/** The backend-related annotation values, already parsed. */
export interface BackendOptions extends NodeSelection {
  /** `service.beta.kubernetes.io/backend-type`: "eni" attaches pod IPs, "ecs" attaches nodes. */
  backendType: "ecs" | "eni";
  /** `default-weight` (0-100), default 100. */
  defaultWeight: number;
  /**
   * `weight` (podPercent): set only with `vgroup-port` on a reused SLB (§9 C8), and then for every
   * vserver group of the Service, bound or not (as upstream).
   */
  totalWeight?: number;
  ignoreWeightUpdate: boolean;
  /** `vgroup-port`: service port → user vserver group id (reused SLB only). */
  userGroupByPort: Map<number, string>;
}

export interface BuildInput {
  svc: V1Service;
  nodes: V1Node[];
  endpointSlices: V1EndpointSlice[];
  /**
   * Pods behind not-ready endpoints (notReadyEndpointPods), by "<ns>/<name>": a not-ready endpoint
   * counts only when its pod carries this Service's readiness gate and is ContainersReady (§3.3).
   */
  pods?: ReadonlyMap<string, V1Pod>;
  clusterId: string;
  /** Cluster-wide settings and policy; absent means the defaults (DEFAULT_CLOUD_SETTINGS). */
  settings?: CloudSettings;
  /** Cleanup: listeners and groups are empty (upstream builds an empty local model), backends are not built. */
  deleting?: boolean;
}

export interface BuildResult {
  /** Undefined only when the Service lacks identity (no uid/name). */
  model?: DesiredModel;
  errors: ModelError[];
}
