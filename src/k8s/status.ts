// Status conditions in the shape of metav1.Condition, as a pure list operation: a capability computes
// its conditions with setCondition() and writes them with one patchStatus. lastTransitionTime changes
// only when the status does (k8s.io/apimachinery pkg/api/meta/conditions.go SetStatusCondition).

export type ConditionStatus = "True" | "False" | "Unknown";

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export type ConditionInput = Omit<Condition, "lastTransitionTime">;

/** The apiserver's limit on a condition message (metav1.Condition: 32768). */
const MAX_CONDITION_MESSAGE = 32_000;

/**
 * The list with `c` set (added, or replacing the one of its type). Returns the same array when nothing
 * would change, so a caller can skip the write (`result === list`).
 */
export function setCondition(
  list: readonly Condition[] | undefined,
  c: ConditionInput,
  now: Date,
): Condition[] {
  const current = list ?? [];
  const existing = current.find((x) => x.type === c.type);
  const message = c.message.slice(0, MAX_CONDITION_MESSAGE);
  if (
    existing &&
    existing.status === c.status &&
    existing.reason === c.reason &&
    existing.message === message &&
    existing.observedGeneration === c.observedGeneration
  )
    return current as Condition[];
  const next: Condition = {
    type: c.type,
    status: c.status,
    reason: c.reason,
    message,
    lastTransitionTime:
      existing && existing.status === c.status ? existing.lastTransitionTime : now.toISOString(),
    ...(c.observedGeneration !== undefined ? { observedGeneration: c.observedGeneration } : {}),
  };
  return [...current.filter((x) => x.type !== c.type), next];
}

export function removeCondition(list: readonly Condition[] | undefined, type: string): Condition[] {
  return (list ?? []).filter((x) => x.type !== type);
}

export function findCondition(list: readonly Condition[] | undefined, type: string): Condition | undefined {
  return (list ?? []).find((x) => x.type === type);
}
