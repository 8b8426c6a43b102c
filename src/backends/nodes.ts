// Nodes as load-balancer backends, for every capability (CLB now, ALB next): which nodes may carry traffic, the ECS
// instance id behind a node, and which node changes can change backends at all. Pure functions over V1Node; nothing
// here knows about SLB, vserver groups or weights. § numbers refer to docs/clb-service.md.
import type { V1Node } from "@kubernetes/client-node";

/** Labels that take a node out of every load balancer (Kubernetes and Alibaba Cloud CCM spellings). */
const EXCLUDE_NODE_LABELS = [
  "node.kubernetes.io/exclude-from-external-load-balancers",
  "alpha.service-controller.kubernetes.io/exclude-balancer",
  "service.alibabacloud.com/exclude-node",
  "service.beta.kubernetes.io/exclude-node",
];
// §9 C6 (our decision): both master labels exclude a node.
const MASTER_LABELS = ["node-role.kubernetes.io/master", "node-role.kubernetes.io/control-plane"];
const VIRTUAL_KUBELET = { key: "type", value: "virtual-kubelet" };
const TAINT_TO_BE_DELETED = "ToBeDeletedByClusterAutoscaler";

/** Which nodes a Service's backends may come from. */
export interface NodeSelection {
  /** `backend-label`-style filter: keep nodes carrying all of these (AND). */
  backendLabels?: Record<string, string>;
  /** Leave out cordoned (unschedulable) nodes. */
  removeUnscheduledBackend: boolean;
}

/** A virtual-kubelet node (ECI): its pods are backends themselves, the node never is. */
export function isVirtualKubelet(node: V1Node): boolean {
  return node.metadata?.labels?.[VIRTUAL_KUBELET.key] === VIRTUAL_KUBELET.value;
}

/**
 * §3.2 steps 1-6: nodes that may become backends, before the per-backend exclusions (step 7).
 * Virtual-kubelet nodes skip the readiness checks.
 */
export function candidateNodes(nodes: V1Node[], opts: NodeSelection): V1Node[] {
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
export function excludedAsBackend(n: V1Node): boolean {
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

function readyStatus(n: V1Node): string | undefined {
  return n.status?.conditions?.find((c) => c.type === "Ready")?.status;
}

/** Only label, schedulability, readiness, taint and providerID changes can change backends. */
export function nodeChangeMatters(before: V1Node, after: V1Node): boolean {
  return (
    JSON.stringify(before.metadata?.labels ?? {}) !== JSON.stringify(after.metadata?.labels ?? {}) ||
    !!before.spec?.unschedulable !== !!after.spec?.unschedulable ||
    readyStatus(before) !== readyStatus(after) ||
    JSON.stringify(before.spec?.taints ?? []) !== JSON.stringify(after.spec?.taints ?? []) ||
    before.spec?.providerID !== after.spec?.providerID
  );
}
