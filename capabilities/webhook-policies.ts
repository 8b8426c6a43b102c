// The webhook entries each capability wants split out of Pepr's one entry (src/admission/webhook-config.ts):
// the local runner (src/operator/local.ts) and the chart (scripts/package-chart.ts) both register these.
import type { WebhookPolicy } from "../src/admission/webhook-config";
import { SERVICES_WEBHOOK_POLICY } from "./clb-service/admission/webhook-policy";
import { PODS_WEBHOOK_POLICY } from "./eci-imagecache/admission/webhook-policy";

export const WEBHOOK_POLICIES: readonly WebhookPolicy[] = [PODS_WEBHOOK_POLICY, SERVICES_WEBHOOK_POLICY];
