// The pods webhook entry (README "ImageCache"): failures ignored, a short timeout, system namespaces
// excluded, and only pods that carry one of our annotation keys (any spelling) are sent to the webhook at
// all: every other pod is created without a call to us, whether the operator is up or not.
import type { MatchCondition, WebhookPolicy } from "../../../src/admission/webhook-config";
import { WEBHOOK_DEFAULTS } from "../../../src/config";
import { POD_ANNOTATION_KEYS } from "../annotations/registry";

/** CEL: the pod has at least one of these annotation keys. */
export function podAnnotationCondition(keys: readonly string[]): MatchCondition {
  const list = keys.map((k) => `'${k.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`).join(", ");
  return {
    name: "asks-for-an-image-cache",
    expression: `object != null && has(object.metadata.annotations) && [${list}].exists(k, k in object.metadata.annotations)`,
  };
}

export const PODS_WEBHOOK_POLICY: WebhookPolicy = {
  /** Entry name prefix: `<name>.<module uuid>.pepr.dev`. */
  name: "pods",
  resources: ["pods"],
  ...WEBHOOK_DEFAULTS.pods,
  matchConditions: [podAnnotationCondition(POD_ANNOTATION_KEYS)],
};
