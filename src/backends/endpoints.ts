// Endpoints as load-balancer backends, for every capability: the endpoints of one service port read from EndpointSlices
// (address family, ready and terminating, readiness-gated pods), and the Cluster/Local weight helpers (pods per node,
// percent weight). Pure; no SLB or ALB types here. § numbers refer to docs/clb-service.md.
import type { V1Endpoint, V1EndpointSlice, V1Node, V1Pod } from "@kubernetes/client-node";
import { canonicalIp } from "../lib/ip";
import { dropUndefined } from "../lib/objects";
import { isVirtualKubelet } from "./nodes";
import { hasReadinessGate, isContainersReady } from "./readiness-gates";

export interface Endpoint {
  ip: string;
  port: number;
  nodeName?: string;
  /** "<namespace>/<name>" of the pod behind the address (targetRef kind Pod). */
  pod?: string;
  /** Counted although not ready: the pod carries the readiness gate and is ContainersReady (§3.3). */
  gated?: boolean;
}

/** "<namespace>/<name>": how pods are keyed everywhere (the pods map, `Endpoint.pod`). */
export function podKey(pod: { metadata?: { namespace?: string; name?: string } }): string {
  return `${pod.metadata?.namespace ?? "default"}/${pod.metadata?.name ?? ""}`;
}

/** The pod key behind an endpoint, or undefined when its targetRef is not a Pod. */
function endpointPod(slice: V1EndpointSlice, e: V1Endpoint): string | undefined {
  if (e.targetRef?.kind !== "Pod") return undefined;
  return podKey({
    metadata: { namespace: e.targetRef.namespace ?? slice.metadata?.namespace, name: e.targetRef.name },
  });
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
    for (const e of s.endpoints ?? []) {
      const pod = endpointPod(s, e);
      if (e.conditions?.ready === false && e.conditions?.terminating !== true && pod) out.add(pod);
    }
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
      const pod = endpointPod(s, e);
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
          seen.set(k, dropUndefined({ ip, port, nodeName: e.nodeName, pod, gated: gated || undefined }));
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

// ---------------------------------------------------------------- weights (§3.4)

/** Where the endpoints of one port run, relative to the candidate nodes. */
export interface EndpointPlacement {
  /** Endpoint count per candidate node that is not virtual-kubelet (Local mode weights by it). */
  podsPerNode: Map<string, number>;
  /** Endpoints on virtual-kubelet nodes: pods that are backends themselves. */
  virtualKubeletPods: Endpoint[];
  /** Endpoints that name no node at all (node-backed modes cannot place them). */
  withoutNode: Endpoint[];
}

/** Sorts endpoints onto the candidate nodes; endpoints on unknown or filtered-out nodes are dropped. */
export function placeEndpoints(
  endpoints: Endpoint[],
  candidatesByName: ReadonlyMap<string, V1Node>,
): EndpointPlacement {
  const out: EndpointPlacement = { podsPerNode: new Map(), virtualKubeletPods: [], withoutNode: [] };
  for (const e of endpoints) {
    if (!e.nodeName) {
      out.withoutNode.push(e);
      continue;
    }
    const node = candidatesByName.get(e.nodeName);
    if (!node) continue; // unknown or filtered node
    if (isVirtualKubelet(node)) out.virtualKubeletPods.push(e);
    else out.podsPerNode.set(e.nodeName, (out.podsPerNode.get(e.nodeName) ?? 0) + 1);
  }
  return out;
}

/** podPercent (§3.4): max(1, ⌊W·share/count⌋), and W=0 gives 0. */
export function percentWeight(total: number, share: number, count: number): number {
  if (total === 0 || count === 0) return 0;
  return Math.max(1, Math.floor((total * share) / count));
}
