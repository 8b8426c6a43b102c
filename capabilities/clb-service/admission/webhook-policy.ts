// The Services webhook entry (docs/chart.md "Webhooks"): the API server calls the webhook only for
// LoadBalancer Services (or ones that were, so a type change is judged) and never for an object being
// deleted (finalizer removal must work even when admission is down). Evaluated in the API server (CEL).
import type { MatchCondition, WebhookPolicy } from "../../../src/admission/webhook-config";
import { WEBHOOK_DEFAULTS } from "../../../src/config";

export const SERVICE_MATCH_CONDITIONS: readonly MatchCondition[] = [
  {
    name: "not-being-deleted",
    expression: "object == null || !has(object.metadata.deletionTimestamp)",
  },
  {
    name: "load-balancer-services",
    expression:
      "(object != null && has(object.spec.type) && object.spec.type == 'LoadBalancer') || " +
      "(oldObject != null && has(oldObject.spec.type) && oldObject.spec.type == 'LoadBalancer')",
  },
];

export const SERVICES_WEBHOOK_POLICY: WebhookPolicy = {
  /** Entry name prefix: `<name>.<module uuid>.pepr.dev`. */
  name: "services",
  resources: ["services"],
  ...WEBHOOK_DEFAULTS.services,
  matchConditions: SERVICE_MATCH_CONDITIONS,
};
