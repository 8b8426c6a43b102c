// Pod readiness gates for load-balancer backends (upstream kubernetes/cloud-provider-alibaba-cloud
// pkg/controller/helper/pod_utils.go), for every capability: the gate type `<prefix>/<service>`, which
// pods count, and which gate conditions to write: True (ServerRegistered) once a pod's backend is in its
// server group, False (ServerInvalidServer) when its backend is invalid (a pod IP without an ENI).
// Pure: the controller reads pods and patches; the prefix is the capability's (CLB: tracking.ts).
// § numbers refer to docs/clb-service.md.
import type { V1Pod } from "@kubernetes/client-node";

export const REASON_REGISTERED = "ServerRegistered";
export const MESSAGE_REGISTERED = "The backend has been added to the server group";
export const REASON_INVALID = "ServerInvalidServer";
export const MESSAGE_INVALID =
  "The backend failed to add to the server group because of the server is invalid";

/** `<prefix>/<service-name>`: the pod condition type a Service's readiness gate waits for. */
export function readinessGateType(prefix: string, serviceName: string): string {
  return `${prefix}/${serviceName}`;
}

export function hasReadinessGate(pod: V1Pod, gateType: string): boolean {
  return (pod.spec?.readinessGates ?? []).some((g) => g.conditionType === gateType);
}

export function isContainersReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === "ContainersReady" && c.status === "True");
}

/** What a built model knows about the pods behind its backends. */
export interface GatedBackends {
  /** Pod ("<ns>/<name>") behind each endpoint address used for a backend. */
  podByIp?: Record<string, string>;
  /** Pods counted although not ready, because they carry the gate and are ContainersReady. */
  gatedPods?: string[];
}

export interface GateUpdate {
  /** "<namespace>/<name>" */
  pod: string;
  status: "True" | "False";
  reason: string;
  message: string;
}

/**
 * Which gate conditions to set after a reconcile:
 * - False for every pod whose IP is an invalid ENI backend;
 * - True for every gated pod (counted while not ready, §3.3) with at least one registered address,
 *   but only when the cloud changes all succeeded (`applied`), so True always means "in the group".
 * Pods whose IPs were skipped (outside the VPC) are left alone.
 */
export function readinessUpdates(
  model: GatedBackends,
  eni: { skippedIps: readonly string[]; invalidIps: readonly string[] } | undefined,
  applied: boolean,
): GateUpdate[] {
  const podByIp = model.podByIp ?? {};
  const notRegistered = new Set([...(eni?.skippedIps ?? []), ...(eni?.invalidIps ?? [])]);
  const invalidPods = new Set(
    (eni?.invalidIps ?? []).map((ip) => podByIp[ip]).filter((p) => p !== undefined),
  );
  const out: GateUpdate[] = [...invalidPods].sort().map((pod) => ({
    pod,
    status: "False",
    reason: REASON_INVALID,
    message: MESSAGE_INVALID,
  }));
  if (!applied) return out;
  for (const pod of model.gatedPods ?? []) {
    if (invalidPods.has(pod)) continue;
    const ips = Object.entries(podByIp)
      .filter(([, p]) => p === pod)
      .map(([ip]) => ip);
    if (!ips.some((ip) => !notRegistered.has(ip))) continue;
    out.push({ pod, status: "True", reason: REASON_REGISTERED, message: MESSAGE_REGISTERED });
  }
  return out;
}

/**
 * The status patch (strategic merge: conditions merge by type; the uid makes it apply to this pod
 * incarnation only) for one update, or undefined when the pod has no such gate or already shows it.
 */
export function gateConditionPatch(
  pod: V1Pod,
  gateType: string,
  update: GateUpdate,
  now: Date,
): object | undefined {
  if (!hasReadinessGate(pod, gateType)) return undefined;
  const existing = (pod.status?.conditions ?? []).find((c) => c.type === gateType);
  if (
    existing &&
    existing.status === update.status &&
    existing.reason === update.reason &&
    existing.message === update.message
  )
    return undefined;
  const transition = !existing || existing.status !== update.status;
  return {
    metadata: { uid: pod.metadata?.uid },
    status: {
      conditions: [
        {
          type: gateType,
          status: update.status,
          reason: update.reason,
          message: update.message,
          // Keep the old transition time when only the reason or message changes.
          lastTransitionTime: transition ? now.toISOString() : existing.lastTransitionTime,
          lastProbeTime: null,
        },
      ],
    },
  };
}
