// Desired (local) model of one CLB Service: what the cloud should look like, built only from
// Kubernetes objects (Service, Nodes, EndpointSlices). No I/O. plan.ts diffs it against remote.ts.
import type { V1EndpointSlice, V1Node, V1Pod, V1Service } from "@kubernetes/client-node";
import { canonicalIp } from "../../src/lib/ip";
import type {
  OnOff,
  SlbAddressType,
  SlbBackendServer,
  SlbListenerAttributes,
  SlbListenerProtocol,
  Tag,
} from "../../src/cloud";
import {
  parseClbAnnotations,
  resolveListenerProtocols,
  stringAnnotations,
  LOADBALANCER_ID_LABEL,
  type ClbAnnotationConfig,
  type ResolvedListenerPort,
} from "./annotations";

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
/** Annotation the reconciler maintains with the extension domains it created or updated (comma list). */
export const APPLIED_DOMAIN_EXTENSIONS_ANNOTATION = "clb.alicloud-operator.io/applied-domain-extensions";

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
  if (parts.length !== 5 || parts[0] !== "k8s" || parts.some((p) => p === "")) return undefined;
  return { port: parts[1], service: parts[2], namespace: parts[3], clusterId: parts[4] };
}

/** True when `s` parses as an ownership key of this Service in this cluster (upstream isPortManagedByMyService). */
export function isOwnedBy(s: string | undefined, svc: ServiceRef, clusterId: string): boolean {
  const k = parseOwnerKey(s);
  return (
    k !== undefined && k.service === svc.name && k.namespace === svc.namespace && k.clusterId === clusterId
  );
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
export function candidateNodes(
  nodes: V1Node[],
  opts: Pick<BackendOptions, "backendLabels" | "removeUnscheduledBackend">,
): V1Node[] {
  return nodes.filter((n) => {
    const labels = n.metadata?.labels ?? {};
    if (opts.backendLabels && !Object.entries(opts.backendLabels).every(([k, v]) => labels[k] === v))
      return false;
    if (MASTER_LABELS.some((l) => l in labels)) return false;
    if ((n.spec?.taints ?? []).some((t) => t.key === TAINT_TO_BE_DELETED)) return false;
    if (opts.removeUnscheduledBackend && n.spec?.unschedulable) return false;
    if (isVirtualKubelet(n)) return true;
    const ready = (n.status?.conditions ?? []).find((c) => c.type === "Ready");
    return ready?.status === "True";
  });
}

/** §3.2 step 7: excluded by label, or an ACK hybrid node (not an ECS instance of this region). */
function excludedAsBackend(n: V1Node): boolean {
  const labels = n.metadata?.labels ?? {};
  return (
    EXCLUDE_NODE_LABELS.some((l) => l in labels) || (n.spec?.providerID ?? "").startsWith("ack-hybrid://")
  );
}

/** `<region>.<instance-id>` or `alicloud://<region>.<instance-id>` → instance id. */
export function instanceIdFromProviderId(providerId: string | undefined): string | undefined {
  const raw = (providerId ?? "").replace(/^alicloud:\/\//, "");
  const dot = raw.indexOf(".");
  if (dot <= 0 || dot === raw.length - 1 || raw.includes("/")) return undefined;
  return raw.slice(dot + 1);
}

export interface Endpoint {
  ip: string;
  port: number;
  nodeName?: string;
  /** "<namespace>/<name>" of the pod behind the address (targetRef kind Pod). */
  pod?: string;
  /** Counted although not ready: the pod carries the readiness gate and is ContainersReady (§3.3). */
  gated?: boolean;
}

/** `service.readiness.alibabacloud.com/<service-name>` (upstream helper/pod_utils.go). */
export const READINESS_GATE_PREFIX = "service.readiness.alibabacloud.com";

export function readinessGateType(serviceName: string): string {
  return `${READINESS_GATE_PREFIX}/${serviceName}`;
}

export function podKey(pod: { metadata?: { namespace?: string; name?: string } }): string {
  return `${pod.metadata?.namespace ?? "default"}/${pod.metadata?.name ?? ""}`;
}

export function hasReadinessGate(pod: V1Pod, gateType: string): boolean {
  return (pod.spec?.readinessGates ?? []).some((g) => g.conditionType === gateType);
}

export function isContainersReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === "ContainersReady" && c.status === "True");
}

export interface EndpointOptions {
  /** Address family of the slices to read (default IPv4). */
  family?: "IPv4" | "IPv6";
  /** Pods by "<ns>/<name>", for not-ready endpoints; with `gateType`. */
  pods?: ReadonlyMap<string, V1Pod>;
  /** This Service's readiness gate condition type; without it not-ready endpoints never count. */
  gateType?: string;
}

export interface EndpointsResult {
  endpoints: Endpoint[];
  /** A not-ready endpoint whose pod is unknown or not yet ContainersReady may count soon: requeue. */
  potentialReady: boolean;
}

/** The pods (by "<ns>/<name>") behind not-ready, non-terminating endpoints: the ones §3.3 needs to look at. */
export function notReadyEndpointPods(slices: V1EndpointSlice[]): string[] {
  const out = new Set<string>();
  for (const s of slices)
    for (const e of s.endpoints ?? [])
      if (e.conditions?.ready === false && e.conditions?.terminating !== true && e.targetRef?.kind === "Pod")
        out.add(`${e.targetRef.namespace ?? s.metadata?.namespace ?? "default"}/${e.targetRef.name ?? ""}`);
  return [...out].sort();
}

/**
 * §3.3: ready, non-terminating endpoints of one service port, deduplicated across slices. The port
 * number comes from the slice port of the same name (so a named targetPort resolves per slice). A
 * not-ready endpoint counts only if its pod has this Service's readiness gate and is ContainersReady;
 * if the pod is unknown or not yet ContainersReady, `potentialReady` asks for a requeue.
 */
export function endpointsWithReadiness(
  slices: V1EndpointSlice[],
  portName: string | undefined,
  opts: EndpointOptions = {},
): EndpointsResult {
  const family = opts.family ?? "IPv4";
  const seen = new Map<string, Endpoint>();
  let potentialReady = false;
  for (const s of slices) {
    if (s.addressType !== family) continue;
    const port = (s.ports ?? []).find((p) => (p.name ?? "") === (portName ?? ""))?.port;
    if (port === undefined) continue; // a slice without that port name is skipped
    for (const e of s.endpoints ?? []) {
      if (e.conditions?.terminating === true) continue;
      const pod =
        e.targetRef?.kind === "Pod"
          ? `${e.targetRef.namespace ?? s.metadata?.namespace ?? "default"}/${e.targetRef.name ?? ""}`
          : undefined;
      let gated = false;
      if (e.conditions?.ready === false) {
        if (!pod || !opts.gateType) continue;
        const p = opts.pods?.get(pod);
        if (!p) {
          potentialReady = true; // not (yet) seen: it may carry the gate
          continue;
        }
        if (!hasReadinessGate(p, opts.gateType)) continue;
        if (!isContainersReady(p)) {
          potentialReady = true;
          continue;
        }
        gated = true;
      }
      for (const raw of e.addresses ?? []) {
        const ip = canonicalIp(raw);
        const k = `${ip}|${port}`;
        if (!seen.has(k))
          seen.set(k, dropEmpty({ ip, port, nodeName: e.nodeName, pod, gated: gated || undefined }));
      }
    }
  }
  const endpoints = [...seen.values()].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.port - b.port));
  return { endpoints, potentialReady };
}

/** Ready endpoints only (no pod information): see endpointsWithReadiness. */
export function endpointsForPort(slices: V1EndpointSlice[], portName: string | undefined): Endpoint[] {
  return endpointsWithReadiness(slices, portName).endpoints;
}

/** podPercent (§3.4): max(1, ⌊W·share/count⌋), and W=0 gives 0. */
function percentWeight(total: number, share: number, count: number): number {
  if (total === 0 || count === 0) return 0;
  return Math.max(1, Math.floor((total * share) / count));
}

interface BackendBuild {
  backends: SlbBackendServer[];
  errors: ModelError[];
  /** The endpoints the backends came from (pods for readiness gates and ENI events). */
  endpoints: Endpoint[];
  potentialReady: boolean;
}

/**
 * An ENI backend's ServerId is the id of the ENI that carries the pod IP. The model has no cloud access:
 * it leaves ServerId empty and ENI resolution (eni.ts, in the read stage) fills it in.
 */
export const UNRESOLVED_ENI = "";

function eniBackend(e: Endpoint, weight: number, description: string): SlbBackendServer {
  return { serverId: UNRESOLVED_ENI, serverIp: e.ip, port: e.port, type: "eni", description, weight };
}

/**
 * ENI weight (§3.4). podPercent: max(1, ⌊W/count⌋) like Cluster, except virtual-kubelet pods in Local
 * mode get a plain ⌊W/count⌋. podNumber: `default-weight`, or 1 for Local virtual-kubelet pods.
 */
function eniWeight(opts: BackendOptions, count: number, localVirtualKubelet: boolean): number {
  const w = opts.totalWeight;
  if (w === undefined) return localVirtualKubelet ? 1 : opts.defaultWeight;
  return localVirtualKubelet ? Math.floor(w / Math.max(1, count)) : percentWeight(w, 1, count);
}

function ecsBackend(
  node: V1Node,
  nodePort: number,
  weight: number,
  description: string,
): SlbBackendServer | ModelError {
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
  /** Which endpoints count (address family, readiness gates); default: ready IPv4 endpoints. */
  endpoints?: EndpointOptions;
}

/** Backends of one service port (§3.1 modes, §3.4 weights). */
export function buildPortBackends(input: PortBackendInput): BackendBuild {
  const { opts, description } = input;
  const { endpoints: eps, potentialReady } = endpointsWithReadiness(
    input.slices,
    input.portName,
    input.endpoints,
  );
  if (opts.backendType === "eni") {
    const weight = eniWeight(opts, eps.length, false);
    return {
      backends: dedupeBackends(eps.map((e) => eniBackend(e, weight, description))),
      errors: [],
      endpoints: eps,
      potentialReady,
    };
  }

  const candidates = candidateNodes(input.nodes, opts);
  const byName = new Map(candidates.map((n) => [n.metadata?.name ?? "", n]));
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
    (n) =>
      !isVirtualKubelet(n) &&
      !excludedAsBackend(n) &&
      (!input.local || podsPerNode.has(n.metadata?.name ?? "")),
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
  backends.push(...vkPods.map((e) => eniBackend(e, vkWeight, description)));
  // Endpoints whose node is a backend (or that are backends themselves): the ones now registered.
  const registered = eps.filter((e) => {
    const n = e.nodeName ? byName.get(e.nodeName) : undefined;
    return n !== undefined && (isVirtualKubelet(n) || ecsNodes.includes(n));
  });
  return { backends: dedupeBackends(backends), errors, endpoints: registered, potentialReady };
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

// ---------------------------------------------------------------- buildDesiredModel

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
  /** Cleanup: listeners and groups are empty (upstream builds an empty local model), backends are not built. */
  deleting?: boolean;
}

export interface BuildResult {
  /** Undefined only when the Service lacks identity (no uid/name). */
  model?: DesiredModel;
  errors: ModelError[];
}

/** Service + Nodes + EndpointSlices → desired model (§1-§3). Never throws; problems are in `errors`. */
export function buildDesiredModel(input: BuildInput): BuildResult {
  const { svc, clusterId } = input;
  const meta = svc.metadata ?? {};
  if (!meta.uid || !meta.name)
    return { errors: [{ field: "metadata", message: "Service has no uid or name" }] };
  const service: ServiceRef = {
    namespace: meta.namespace ?? "default",
    name: meta.name,
    uid: meta.uid,
    generation: meta.generation,
  };
  const parsed = parseClbAnnotations(stringAnnotations(svc));
  const errors: ModelError[] = parsed.errors.map((e) => ({ field: e.key, message: e.message }));
  const config = parsed.config;
  const model: DesiredModel = {
    service,
    clusterId,
    deleting: input.deleting ?? false,
    statusIngress: (svc.status?.loadBalancer?.ingress ?? []).map((i) =>
      dropEmpty({ ip: i.ip, hostname: i.hostname }),
    ),
    provisionedBefore:
      (svc.status?.loadBalancer?.ingress ?? []).length > 0 || !!meta.labels?.[LOADBALANCER_ID_LABEL],
    loadBalancer: desiredLoadBalancer(svc, config, clusterId),
    listeners: [],
    vServerGroups: [],
    appliedDomainExtensions: commaList(meta.annotations?.[APPLIED_DOMAIN_EXTENSIONS_ANNOTATION]),
  };
  if (model.deleting) return { model, errors };
  const ports = resolveListenerProtocols(svc, config);
  const backendOpts = backendOptions(config, model.loadBalancer.mode === "reuse");
  const local = svc.spec?.externalTrafficPolicy === "Local";
  // §1 row 62 (U:backend.go setAddressIpVersion): IPv6 backends only on an IPv6 SLB; otherwise IPv4.
  const family = config.ipVersion === "ipv6" && config.backendIpVersion === "ipv6" ? "IPv6" : "IPv4";
  const endpointOpts: EndpointOptions = {
    family,
    pods: input.pods,
    gateType: readinessGateType(service.name),
  };
  const podByIp: Record<string, string> = {};
  const gated = new Set<string>();
  let potentialReady = false;
  for (const p of ports) {
    const built = buildPort(p, { service, clusterId, config, backendOpts, local, input, endpointOpts });
    for (const e of built.endpoints) {
      if (e.pod) podByIp[e.ip] = e.pod;
      if (e.pod && e.gated) gated.add(e.pod);
    }
    potentialReady ||= built.potentialReady;
    errors.push(...built.errors);
    if (!built.group || !built.listener) continue;
    const dup = model.vServerGroups.find(
      (g) => (g.userGroupId ?? g.name) === (built.group!.userGroupId ?? built.group!.name),
    );
    if (!dup) model.vServerGroups.push(built.group); // ENI ports sharing a targetPort share one group
    model.listeners.push(built.listener);
  }
  model.addressFamily = family;
  if (potentialReady) model.potentialReadyEndpoints = true;
  if (Object.keys(podByIp).length > 0) model.podByIp = podByIp;
  if (gated.size > 0) model.gatedPods = [...gated].sort();
  return { model, errors };
}

function desiredLoadBalancer(svc: V1Service, c: ClbAnnotationConfig, clusterId: string): DesiredLoadBalancer {
  const defaultName = defaultLoadBalancerName(svc.metadata?.uid ?? "");
  const reuse = c.loadBalancerId !== undefined;
  const applied = svc.metadata?.annotations?.[APPLIED_TAG_KEYS_ANNOTATION] ?? "";
  return dropEmpty({
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
    defaultTags: reuse
      ? []
      : [
          { key: TAG_DO_NOT_DELETE, value: defaultName },
          { key: TAG_CLUSTER, value: clusterId },
        ],
    additionalTags: Object.entries(c.additionalResourceTags ?? {}).map(([key, value]) => ({ key, value })),
    appliedTagKeys: commaList(applied),
    forceOverrideListeners: c.forceOverrideListeners === true,
    preserveOnDelete: c.preserveLbOnDelete === true,
    externalIpIsEip: c.externalIpType === "eip",
  });
}

function backendOptions(c: ClbAnnotationConfig, reuse: boolean): BackendOptions {
  return {
    backendType: c.backendType ?? "ecs",
    backendLabels: c.backendLabel,
    removeUnscheduledBackend: c.removeUnscheduledBackend === "on",
    defaultWeight: c.defaultWeight ?? 100,
    ignoreWeightUpdate: c.ignoreWeightUpdate === "on",
    // R4 / §9 C8: vgroup-port (and so weight) only means something on a reused SLB.
    userGroupByPort: new Map(reuse ? (c.vgroupPort ?? []).map((v) => [v.port, v.vGroupId]) : []),
    totalWeight: c.weight,
  };
}

interface PortContext {
  service: ServiceRef;
  clusterId: string;
  config: ClbAnnotationConfig;
  backendOpts: BackendOptions;
  local: boolean;
  input: BuildInput;
  endpointOpts: EndpointOptions;
}

interface PortBuild {
  group?: DesiredVServerGroup;
  listener?: DesiredListener;
  errors: ModelError[];
  endpoints: Endpoint[];
  potentialReady: boolean;
}

function buildPort(p: ResolvedListenerPort, ctx: PortContext): PortBuild {
  const eni = ctx.backendOpts.backendType === "eni";
  // §3.5: the group is keyed by NodePort (ECS) or targetPort (ENI, number or name).
  const vgPort = eni ? (p.targetPort ?? p.port) : p.nodePort;
  if (vgPort === undefined) {
    return {
      errors: [
        { field: `spec.ports[${p.index}]`, message: `port ${p.port} has no nodePort; ECS backends need one` },
      ],
      endpoints: [],
      potentialReady: false,
    };
  }
  const name = ownerKey(vgPort, ctx.service, ctx.clusterId);
  const userGroupId = ctx.backendOpts.userGroupByPort.get(p.port);
  const opts: BackendOptions = userGroupId ? ctx.backendOpts : { ...ctx.backendOpts, totalWeight: undefined };
  const built = buildPortBackends({
    local: ctx.local,
    nodePort: p.nodePort ?? 0,
    portName: p.name,
    description: name,
    nodes: ctx.input.nodes,
    slices: ctx.input.endpointSlices,
    opts,
    endpoints: ctx.endpointOpts,
  });
  const group: DesiredVServerGroup = dropEmpty({
    name,
    servicePort: p.port,
    userGroupId,
    backends: built.backends,
    ignoreWeightUpdate: opts.ignoreWeightUpdate,
  });
  const forward =
    p.protocol === "http" ? ctx.config.forwardPort?.find((f) => f.httpPort === p.port)?.httpsPort : undefined;
  const listener: DesiredListener = dropEmpty({
    port: p.port,
    protocol: p.protocol,
    description: ownerKey(p.port, ctx.service, ctx.clusterId),
    vServerGroupName: name,
    attributes: listenerAttributes(p.protocol, ctx.config),
    forwardPort: forward,
    domainExtensions: p.protocol === "https" ? domainExtensions(ctx.config) : undefined,
  });
  return {
    group,
    listener,
    errors: built.errors,
    endpoints: built.endpoints,
    potentialReady: built.potentialReady,
  };
}

/** §1.2 "Applies to": only the attributes the protocol's Set*ListenerAttribute accepts. */
export function listenerAttributes(
  protocol: SlbListenerProtocol,
  c: ClbAnnotationConfig,
): SlbListenerAttributes {
  const common: SlbListenerAttributes = {
    scheduler: c.scheduler,
    aclStatus: c.aclStatus,
    aclId: c.aclIds?.join(","),
    aclType: c.aclType,
  };
  const healthCommon: SlbListenerAttributes = {
    healthCheckConnectPort: c.healthCheckConnectPort,
    healthyThreshold: c.healthyThreshold,
    unhealthyThreshold: c.unhealthyThreshold,
    healthCheckInterval: c.healthCheckIntervalSeconds,
  };
  const httpCheck: SlbListenerAttributes = {
    healthCheckURI: c.healthCheckUri,
    healthCheckDomain: c.healthCheckDomain,
    healthCheckHttpCode: c.healthCheckHttpCodes?.join(","),
  };
  const l4: SlbListenerAttributes = {
    connectionDrain: c.connectionDrain,
    // The drain timeout is only accepted while draining is on.
    connectionDrainTimeout: c.connectionDrain === "on" ? c.connectionDrainTimeoutSeconds : undefined,
    proxyProtocolV2Enabled: c.proxyProtocol === undefined ? undefined : c.proxyProtocol === "on",
    healthCheckSwitch: c.healthCheckSwitch,
    healthCheckConnectTimeout: c.healthCheckConnectTimeoutSeconds,
    ...healthCommon,
  };
  switch (protocol) {
    case "udp":
      return dropEmpty({ ...common, ...l4 });
    case "tcp":
      return dropEmpty({
        ...common,
        ...l4,
        persistenceTimeout: c.persistenceTimeoutSeconds,
        establishedTimeout: c.establishedTimeoutSeconds,
        healthCheckType: c.healthCheckType,
        ...(c.healthCheckType === "http" ? httpCheck : {}),
      });
    case "http":
    case "https":
      return dropEmpty({
        ...common,
        ...l7Attributes(c, healthCommon, httpCheck),
        ...(protocol === "https" ? tlsAttributes(c) : {}),
      });
  }
}

function l7Attributes(
  c: ClbAnnotationConfig,
  healthCommon: SlbListenerAttributes,
  httpCheck: SlbListenerAttributes,
): SlbListenerAttributes {
  const sticky = c.stickySession === "on";
  const checking = c.healthCheckFlag === "on";
  return {
    idleTimeout: c.idleTimeoutSeconds,
    requestTimeout: c.requestTimeoutSeconds,
    stickySession: c.stickySession,
    // Sticky details are rejected by the API unless sticky sessions are on.
    stickySessionType: sticky ? c.stickySessionType : undefined,
    cookieTimeout: sticky && c.stickySessionType === "insert" ? c.cookieTimeoutSeconds : undefined,
    cookie: sticky && c.stickySessionType === "server" ? c.cookie : undefined,
    xForwardedFor_proto: c.xForwardedForProto,
    xForwardedFor_SLBPORT: c.xForwardedForSlbPort,
    xForwardedFor_ClientSrcPort: c.xForwardedForClientSrcPort,
    healthCheck: c.healthCheckFlag,
    // L7 check details only apply while the L7 check is on.
    ...(checking
      ? {
          ...healthCommon,
          ...httpCheck,
          healthCheckTimeout: c.healthCheckTimeoutSeconds,
          healthCheckMethod: c.healthCheckMethod,
        }
      : {}),
  };
}

/** `domain-extensions` (§1.2 row 45), sorted by domain; undefined when the annotation is absent. */
function domainExtensions(c: ClbAnnotationConfig): DesiredDomainExtension[] | undefined {
  if (!c.domainExtensions) return undefined;
  return c.domainExtensions
    .map((d) => ({ domain: d.domain, serverCertificateId: d.certId }))
    .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
}

function commaList(s: string | undefined): string[] {
  return (s ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
}

function tlsAttributes(c: ClbAnnotationConfig): SlbListenerAttributes {
  return { serverCertificateId: c.certId, tlsCipherPolicy: c.tlsCipherPolicy, enableHttp2: c.http2Enabled };
}

function dropEmpty<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
