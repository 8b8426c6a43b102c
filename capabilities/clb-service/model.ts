// Desired (local) model of one CLB Service: what the cloud should look like, built only from
// Kubernetes objects (Service, Nodes, EndpointSlices). No I/O. plan.ts diffs it against remote.ts.
import type { V1EndpointSlice, V1Node } from "@kubernetes/client-node";
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

// ---------------------------------------------------------------- backends (§3)

/** The backend-related annotation values, already parsed. */
export interface BackendOptions {
  /** `service.beta.kubernetes.io/backend-type`: "eni" attaches pod IPs, "ecs" attaches nodes. */
  backendType: "ecs" | "eni";
  /** `backend-label`: keep nodes carrying all of these (AND). */
  backendLabels?: Record<string, string>;
  removeUnscheduledBackend: boolean;
  /** `default-weight` (0-100), default 100. */
  defaultWeight: number;
  /** `weight` (podPercent), only effective with `vgroup-port` on a reused SLB (§9 C8). */
  totalWeight?: number;
  ignoreWeightUpdate: boolean;
  /** `vgroup-port`: service port → user vserver group id (reused SLB only). */
  userGroupByPort: Map<number, string>;
}

const EXCLUDE_NODE_LABELS = [
  "node.kubernetes.io/exclude-from-external-load-balancers",
  "alpha.service-controller.kubernetes.io/exclude-balancer",
  "service.alibabacloud.com/exclude-node",
  "service.beta.kubernetes.io/exclude-node",
];
// [D] §9 C6: both master labels exclude a node.
const MASTER_LABELS = ["node-role.kubernetes.io/master", "node-role.kubernetes.io/control-plane"];
const VIRTUAL_KUBELET = { key: "type", value: "virtual-kubelet" };
const TAINT_TO_BE_DELETED = "ToBeDeletedByClusterAutoscaler";

export function isVirtualKubelet(node: V1Node): boolean {
  return node.metadata?.labels?.[VIRTUAL_KUBELET.key] === VIRTUAL_KUBELET.value;
}

/**
 * §3.2 steps 1-6: nodes that may become backends, before the per-backend exclusions (step 7).
 * Virtual-kubelet nodes skip the readiness checks.
 */
export function candidateNodes(nodes: V1Node[], opts: Pick<BackendOptions, "backendLabels" | "removeUnscheduledBackend">): V1Node[] {
  return nodes.filter(n => {
    const labels = n.metadata?.labels ?? {};
    if (opts.backendLabels && !Object.entries(opts.backendLabels).every(([k, v]) => labels[k] === v)) return false;
    if (MASTER_LABELS.some(l => l in labels)) return false;
    if ((n.spec?.taints ?? []).some(t => t.key === TAINT_TO_BE_DELETED)) return false;
    if (opts.removeUnscheduledBackend && n.spec?.unschedulable) return false;
    if (isVirtualKubelet(n)) return true;
    const ready = (n.status?.conditions ?? []).find(c => c.type === "Ready");
    return ready?.status === "True";
  });
}

/** §3.2 step 7: excluded by label, or an ACK hybrid node (not an ECS instance of this region). */
function excludedAsBackend(n: V1Node): boolean {
  const labels = n.metadata?.labels ?? {};
  return EXCLUDE_NODE_LABELS.some(l => l in labels) || (n.spec?.providerID ?? "").startsWith("ack-hybrid://");
}

/** `<region>.<instance-id>` or `alicloud://<region>.<instance-id>` → instance id. */
export function instanceIdFromProviderId(providerId: string | undefined): string | undefined {
  const raw = (providerId ?? "").replace(/^alicloud:\/\//, "");
  const dot = raw.indexOf(".");
  if (dot <= 0 || dot === raw.length - 1 || raw.includes("/")) return undefined;
  return raw.slice(dot + 1);
}

interface Endpoint {
  ip: string;
  port: number;
  nodeName?: string;
}

/**
 * §3.3: ready, non-terminating endpoints of one service port, deduplicated across slices. The port
 * number comes from the slice port of the same name (so a named targetPort resolves per slice).
 */
export function endpointsForPort(slices: V1EndpointSlice[], portName: string | undefined): Endpoint[] {
  const seen = new Map<string, Endpoint>();
  for (const s of slices) {
    if (s.addressType !== "IPv4") continue;
    const port = (s.ports ?? []).find(p => (p.name ?? "") === (portName ?? ""))?.port;
    if (port === undefined) continue; // a slice without that port name is skipped
    for (const e of s.endpoints ?? []) {
      if (e.conditions?.ready === false || e.conditions?.terminating === true) continue;
      for (const ip of e.addresses ?? []) {
        const k = `${ip}|${port}`;
        if (!seen.has(k)) seen.set(k, { ip, port, nodeName: e.nodeName });
      }
    }
  }
  return [...seen.values()].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.port - b.port));
}

/** podPercent (§3.4): max(1, ⌊W·share/count⌋), and W=0 gives 0. */
function percentWeight(total: number, share: number, count: number): number {
  if (total === 0 || count === 0) return 0;
  return Math.max(1, Math.floor((total * share) / count));
}

interface BackendBuild {
  backends: SlbBackendServer[];
  errors: ModelError[];
}

/**
 * ENI backends are pod IPs. Upstream resolves ServerId to the ENI id (DescribeNetworkInterfaces); the
 * provider has no ENI lookup, so the pod IP stands in as ServerId.
 */
function eniBackend(e: Endpoint, weight: number, description: string): SlbBackendServer {
  return { serverId: e.ip, serverIp: e.ip, port: e.port, type: "eni", description, weight };
}

/** ENI weight (§3.4): podPercent ⌊W/count⌋ (W=0 gives 0), else `default-weight`, or 1 for Local virtual-kubelet pods. */
function eniWeight(opts: BackendOptions, count: number, localVirtualKubelet: boolean): number {
  if (opts.totalWeight !== undefined) return opts.totalWeight === 0 ? 0 : Math.floor(opts.totalWeight / Math.max(1, count));
  return localVirtualKubelet ? 1 : opts.defaultWeight;
}

function ecsBackend(node: V1Node, nodePort: number, weight: number, description: string): SlbBackendServer | ModelError {
  const id = instanceIdFromProviderId(node.spec?.providerID);
  if (!id) {
    return {
      field: `node/${node.metadata?.name ?? ""}`,
      message: `providerID [${node.spec?.providerID ?? ""}] is invalid, expected: \${regionid}.\${nodeid}`,
    };
  }
  return { serverId: id, port: nodePort, weight, type: "ecs", description };
}

function isModelError(x: SlbBackendServer | ModelError): x is ModelError {
  return "message" in x;
}

export interface PortBackendInput {
  local: boolean;
  nodePort: number;
  portName?: string;
  description: string;
  nodes: V1Node[];
  slices: V1EndpointSlice[];
  opts: BackendOptions;
}

/** Backends of one service port (§3.1 modes, §3.4 weights). */
export function buildPortBackends(input: PortBackendInput): BackendBuild {
  const { opts, description } = input;
  const eps = endpointsForPort(input.slices, input.portName);
  if (opts.backendType === "eni") {
    const weight = eniWeight(opts, eps.length, false);
    return { backends: dedupeBackends(eps.map(e => eniBackend(e, weight, description))), errors: [] };
  }

  const candidates = candidateNodes(input.nodes, opts);
  const byName = new Map(candidates.map(n => [n.metadata?.name ?? "", n]));
  const errors: ModelError[] = [];
  const vkPods: Endpoint[] = [];
  const podsPerNode = new Map<string, number>();
  for (const e of eps) {
    if (!e.nodeName) {
      errors.push({ field: "endpoints", message: `NodeName is nil for ip ${e.ip}` });
      continue;
    }
    const node = byName.get(e.nodeName);
    if (!node) continue; // unknown or filtered node
    if (isVirtualKubelet(node)) vkPods.push(e);
    else podsPerNode.set(e.nodeName, (podsPerNode.get(e.nodeName) ?? 0) + 1);
  }
  // Local: nodes hosting ready pods; Cluster: every candidate node (virtual-kubelet pods are ENI backends).
  const ecsNodes = candidates.filter(
    n => !isVirtualKubelet(n) && !excludedAsBackend(n) && (!input.local || podsPerNode.has(n.metadata?.name ?? "")),
  );
  const podCount = [...podsPerNode.values()].reduce((a, b) => a + b, 0) + vkPods.length;
  const backendCount = ecsNodes.length + vkPods.length;
  const backends: SlbBackendServer[] = [];
  for (const n of ecsNodes) {
    const pods = podsPerNode.get(n.metadata?.name ?? "") ?? 0;
    const weight = ecsWeight(input.local, opts, pods, input.local ? podCount : backendCount);
    const b = ecsBackend(n, input.nodePort, weight, description);
    if (isModelError(b)) errors.push(b);
    else backends.push(b);
  }
  // podPercent divides by all backends; in Local mode by the pod count, before ECS dedup (§9 C10).
  const vkWeight = eniWeight(opts, input.local ? podCount : backendCount, input.local);
  backends.push(...vkPods.map(e => eniBackend(e, vkWeight, description)));
  return { backends: dedupeBackends(backends), errors };
}

function ecsWeight(local: boolean, opts: BackendOptions, podsOnNode: number, count: number): number {
  if (opts.totalWeight !== undefined) return percentWeight(opts.totalWeight, local ? podsOnNode : 1, count);
  // Local: the node's pod count, so traffic follows pods (use scheduler wrr); Cluster: default-weight.
  return local ? podsOnNode : opts.defaultWeight;
}

/** Two nodes with one instance id (or repeated IPs) would make the cloud call fail: keep the first. */
function dedupeBackends(bs: SlbBackendServer[]): SlbBackendServer[] {
  const seen = new Set<string>();
  const out: SlbBackendServer[] = [];
  for (const b of bs) {
    const k = `${b.type}|${b.serverId}|${b.serverIp ?? ""}|${b.port}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(b);
  }
  return out.sort((a, b) => (a.serverId < b.serverId ? -1 : a.serverId > b.serverId ? 1 : a.port - b.port));
}
