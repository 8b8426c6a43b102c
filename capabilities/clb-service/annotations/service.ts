// What the CLB capability reads off a whole Service beyond single annotations: whether it is CLB-managed
// (§0), the listener protocol of each port (§1.2) and the SLB it asks to reuse, with the reuse rules (§2.5).
// Pure and total: every function accepts any value and never throws. § numbers refer to docs/clb-service.md.
import {
  ANNOTATION_PREFIX,
  LEGACY_ANNOTATION_PREFIX,
  parseAnnotation,
  parseClbAnnotations,
} from "./registry";
import { LISTENER_PROTOCOLS, type ClbAnnotationConfig, type ListenerProtocol } from "./types";
import { objectAnnotations, recordOf, stringAnnotations } from "../../../src/annotations/object";

/** Label the controller writes with the SLB id (§1.4); R1/R3 read it. */
export const LOADBALANCER_ID_LABEL = "service.k8s.alibaba/loadbalancer-id";
/** Routing keys (§1.4): not CLB attributes, they decide whether the Service is CLB-managed at all. */
export const SERVICE_CLASS_ANNOTATION = "service.beta.kubernetes.io/class";
export const ROUTING_SUFFIXES = { tunnelType: "tunnel-type", lbType: "type" } as const;

/** metadata.annotations as a plain map (values may still be non-strings on hostile input). */
export const serviceAnnotations = objectAnnotations;
export { stringAnnotations };

function hasRoutingKey(annotations: Record<string, unknown>, suffix: string): boolean {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(annotations, k);
  return has(ANNOTATION_PREFIX + suffix) || has(LEGACY_ANNOTATION_PREFIX + suffix);
}

/** §0: type LoadBalancer, no loadBalancerClass, no non-empty `service.beta.kubernetes.io/class`, no tunnel-type, no `P`+type. */
export function isClbManagedService(svc: unknown): boolean {
  try {
    const spec = recordOf(recordOf(svc)?.spec);
    if (!spec || spec.type !== "LoadBalancer") return false;
    if (spec.loadBalancerClass !== undefined && spec.loadBalancerClass !== null) return false;
    const annotations = serviceAnnotations(svc);
    const cls = annotations[SERVICE_CLASS_ANNOTATION];
    if (cls !== undefined && cls !== null && cls !== "") return false;
    if (hasRoutingKey(annotations, ROUTING_SUFFIXES.tunnelType)) return false;
    if (hasRoutingKey(annotations, ROUTING_SUFFIXES.lbType)) return false;
    return true;
  } catch {
    return false;
  }
}

export interface ResolvedListenerPort {
  /** Index in spec.ports. */
  index: number;
  name?: string;
  port: number;
  protocol: ListenerProtocol;
  /** Where the protocol came from. */
  source: "protocol-port" | "spec";
  /** spec.ports[].protocol as written (default TCP). */
  specProtocol: string;
  nodePort?: number;
  targetPort?: number | string;
}

/**
 * Listener protocol per Service port: the protocol-port entry for that port, else spec.ports[].protocol
 * lowercased (§1.2). Ports without a valid number, or with a protocol CLB cannot serve (SCTP), are left out.
 */
export function resolveListenerProtocols(svc: unknown, config?: ClbAnnotationConfig): ResolvedListenerPort[] {
  const out: ResolvedListenerPort[] = [];
  try {
    const cfg = config ?? parseClbAnnotations(stringAnnotations(svc)).config;
    const ports = recordOf(recordOf(svc)?.spec)?.ports;
    if (!Array.isArray(ports)) return out;
    ports.forEach((raw, index) => {
      const p = recordOf(raw);
      if (!p) return;
      const port = p.port;
      if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) return;
      const specProtocol = typeof p.protocol === "string" && p.protocol !== "" ? p.protocol : "TCP";
      const mapped = cfg.protocolPort?.find((e) => e.port === port);
      const fromSpec = LISTENER_PROTOCOLS.find((x) => x === specProtocol.toLowerCase());
      const protocol = mapped?.protocol ?? fromSpec;
      if (!protocol) return;
      const entry: ResolvedListenerPort = {
        index,
        port,
        protocol,
        source: mapped ? "protocol-port" : "spec",
        specProtocol,
      };
      if (typeof p.name === "string") entry.name = p.name;
      if (typeof p.nodePort === "number") entry.nodePort = p.nodePort;
      if (typeof p.targetPort === "number" || typeof p.targetPort === "string")
        entry.targetPort = p.targetPort;
      out.push(entry);
    });
  } catch {
    // hostile input: return what we have
  }
  return out;
}

/** Listener key transport (R2): TCP for tcp/http/https, UDP for udp. */
export function listenerTransport(protocol: ListenerProtocol): "TCP" | "UDP" {
  return protocol === "udp" ? "UDP" : "TCP";
}

// ---------------------------------------------------------------- reuse rules (doc text, §2.5)

/** Reuse rules for `P`+id; R1-R4 are enforced by validateService, R5 by the reconciler, R6 by mutateService. */
export const REUSE_RULES: ReadonlyArray<{ id: string; title: string; text: string; enforcedBy: string }> = [
  {
    id: "R1",
    title: "Not controller-owned",
    text: "An `id` of X is rejected if another Service in any namespace has the label `service.k8s.alibaba/loadbalancer-id=X` and no `id` annotation itself (the controller created that SLB for it).",
    enforcedBy: "validating webhook",
  },
  {
    id: "R2",
    title: "No listener-port overlap on a shared SLB",
    text: "Rejected if another Service has the same `id` and both share a listener key (port, transport); transport is TCP for tcp/http/https and UDP for udp, so TCP:80 and UDP:80 can coexist. Applies regardless of `force-override-listeners`.",
    enforcedBy: "validating webhook",
  },
  {
    id: "R3",
    title: "`id` is immutable",
    text: "On UPDATE, adding, changing or removing `id` is rejected while the old object has a non-empty `status.loadBalancer.ingress` or the label `service.k8s.alibaba/loadbalancer-id`.",
    enforcedBy: "validating webhook",
  },
  {
    id: "R4",
    title: "`vgroup-port` needs `id`",
    text: "`vgroup-port` without `id` is rejected; `weight` without `vgroup-port` is admitted with a warning and has no effect; with it, `weight` applies to every vserver group of the Service (as upstream), not only the bound ones.",
    enforcedBy: "validating webhook",
  },
  {
    id: "R5",
    title: "Reused-SLB immutables",
    text: "If `address-type`, `ip-version`, `resource-group-id`, `master-zoneid` or `slave-zoneid` is set on a reused SLB it must match the SLB; otherwise a `SyncLoadBalancerFailed` warning event is emitted and the Service is requeued.",
    enforcedBy: "reconciler, needs the cloud",
  },
  {
    id: "R6",
    title: "No default annotations on a reused SLB",
    text: "When `id` is present the mutating webhook adds none of the `address-type`, `ip-version`, `delete-protection`, `modification-protection` defaults.",
    enforcedBy: "mutating webhook",
  },
];

/** The SLB id a Service asks to reuse, in any spelling (canonical, legacy, vendor alias); undefined when absent or invalid. */
export function requestedLoadBalancerId(svc: unknown): string | undefined {
  const r = parseAnnotation(serviceAnnotations(svc), "loadBalancerId");
  return r.present && "value" in r ? r.value : undefined;
}
