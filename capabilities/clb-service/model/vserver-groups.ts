// The desired vserver group of one Service port and its backends (§3.1 modes, §3.4 weights): ECS nodes (Cluster/Local)
// or pod IPs (ENI, virtual-kubelet pods), from the shared src/backends helpers. Pure: an ENI backend's ServerId stays
// empty here and is filled in by ENI resolution (../eni.ts, read stage). § numbers refer to docs/clb-service.md.
import type { V1EndpointSlice, V1Node } from "@kubernetes/client-node";
import {
  endpointsWithReadiness,
  percentWeight,
  placeEndpoints,
  type Endpoint,
  type EndpointOptions,
} from "../../../src/backends/endpoints";
import {
  candidateNodes,
  excludedAsBackend,
  instanceIdFromProviderId,
  isVirtualKubelet,
} from "../../../src/backends/nodes";
import type { SlbBackendServer } from "../../../src/cloud";
import { dropUndefined } from "../../../src/lib/objects";
import type { ClbAnnotationConfig, ResolvedListenerPort } from "../annotations";
import { ownerKey } from "../tracking";
import type { BackendOptions, DesiredVServerGroup, ModelError, ServiceRef } from "./types";

/**
 * An ENI backend's ServerId is the id of the ENI that carries the pod IP. The model has no cloud access:
 * it leaves ServerId empty and ENI resolution (../eni.ts, in the read stage) fills it in.
 */
export const UNRESOLVED_ENI = "";

/** The backend annotations of a Service, parsed once for all its ports. */
export function backendOptions(
  c: ClbAnnotationConfig,
  reuse: boolean,
  defaultBackendType: "ecs" | "eni" = "ecs",
): BackendOptions {
  const userGroups = reuse ? (c.vgroupPort ?? []) : [];
  return {
    // No annotation: the cluster default (OPERATOR_DEFAULT_BACKEND_TYPE, src/operator/settings.ts).
    backendType: c.backendType ?? defaultBackendType,
    backendLabels: c.backendLabel,
    removeUnscheduledBackend: c.removeUnscheduledBackend === "on",
    defaultWeight: c.defaultWeight ?? 100,
    ignoreWeightUpdate: c.ignoreWeightUpdate === "on",
    // R4 / §9 C8: vgroup-port (and so weight) only means something on a reused SLB.
    userGroupByPort: new Map(userGroups.map((v) => [v.port, v.vGroupId])),
    // With vgroup-port, weight weighs every group of the Service, not only the bound ones: upstream
    // (kubernetes/cloud-provider-alibaba-cloud pkg/controller/service/clbv1/vgroups.go,
    // buildVGroupForServicePort) sets VGroupWeight on each port's group once vgroup-port is non-empty.
    totalWeight: userGroups.length > 0 ? c.weight : undefined,
  };
}

/** What every port of one Service shares when its group is built. */
export interface GroupContext {
  service: ServiceRef;
  clusterId: string;
  backendOpts: BackendOptions;
  /** externalTrafficPolicy Local. */
  local: boolean;
  nodes: V1Node[];
  endpointSlices: V1EndpointSlice[];
  endpointOpts: EndpointOptions;
}

export interface GroupBuild {
  /** Undefined when the port cannot have a group (an ECS port without nodePort): see errors. */
  group?: DesiredVServerGroup;
  errors: ModelError[];
  /** The endpoints the backends came from (pods for readiness gates and ENI events). */
  endpoints: Endpoint[];
  potentialReady: boolean;
}

/** The vserver group of port `p`, named by its owner key (§3.5: NodePort for ECS, targetPort for ENI). */
export function desiredVServerGroup(p: ResolvedListenerPort, ctx: GroupContext): GroupBuild {
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
  const opts = ctx.backendOpts;
  const built = buildPortBackends({
    local: ctx.local,
    nodePort: p.nodePort ?? 0,
    portName: p.name,
    description: name,
    nodes: ctx.nodes,
    slices: ctx.endpointSlices,
    opts,
    endpoints: ctx.endpointOpts,
  });
  const group: DesiredVServerGroup = dropUndefined({
    name,
    servicePort: p.port,
    userGroupId,
    backends: built.backends,
    ignoreWeightUpdate: opts.ignoreWeightUpdate,
  });
  return { group, errors: built.errors, endpoints: built.endpoints, potentialReady: built.potentialReady };
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

interface BackendBuild {
  backends: SlbBackendServer[];
  errors: ModelError[];
  /** The endpoints the backends came from (pods for readiness gates and ENI events). */
  endpoints: Endpoint[];
  potentialReady: boolean;
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
  const { podsPerNode, virtualKubeletPods: vkPods, withoutNode } = placeEndpoints(eps, byName);
  const errors: ModelError[] = withoutNode.map((e) => ({
    field: "endpoints",
    message: `NodeName is nil for ip ${e.ip}`,
  }));
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

function ecsWeight(local: boolean, opts: BackendOptions, podsOnNode: number, count: number): number {
  if (opts.totalWeight !== undefined) return percentWeight(opts.totalWeight, local ? podsOnNode : 1, count);
  // Local: the node's pod count, so traffic follows pods (use scheduler wrr); Cluster: default-weight.
  return local ? podsOnNode : opts.defaultWeight;
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
