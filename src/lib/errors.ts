// One line for any thrown value, for logs, Events and conditions: typed cloud errors bring their own
// short form (code and request id, never credentials), Kubernetes API errors their status and message.
import { describeK8sError } from "../k8s/client";

export function describeError(e: unknown): string {
  if (e && typeof e === "object" && "toShortString" in e && typeof e.toShortString === "function")
    return String((e as { toShortString(): string }).toShortString());
  return describeK8sError(e);
}
