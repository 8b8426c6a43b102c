// The operator's own series, in one process-wide registry that src/operator/telemetry.ts appends to Pepr's
// /metrics: cloud calls (fed by the cloud layer's CloudEvent stream), admission requests (timed in the webhook
// process) and the gauges read at scrape time. The controller series live in src/controller/metrics.ts.
// The table of every series and the alerts worth setting: README.md, "Metrics".
import type { CloudEvent } from "../cloud";
import { CloudReachability } from "./health";
import { Registry } from "./prometheus";

export const operatorRegistry = new Registry();

/** Seconds; cloud calls take milliseconds to tens of seconds (timeouts, retries are separate calls). */
const CLOUD_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds; fine at the low end, where a webhook's own time lies (the admission bench reads its p99 from these). */
export const ADMISSION_BUCKETS = [
  0.0005, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.0065, 0.008, 0.01, 0.0125, 0.015, 0.02, 0.025, 0.035,
  0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** The code label of a cloud call that succeeded (Alibaba has no success code). */
export const CLOUD_OK = "OK";

const cloudRequests = operatorRegistry.counter(
  "alicloud_operator_cloud_requests_total",
  "Alibaba Cloud API calls (each attempt, retries included) by product, action and error code (OK on success).",
  ["product", "action", "code"],
);
const cloudDuration = operatorRegistry.histogram(
  "alicloud_operator_cloud_request_duration_seconds",
  "Latency of Alibaba Cloud API calls (each attempt, without the client-side rate-limit wait).",
  ["product", "action"],
  CLOUD_BUCKETS,
);
const cloudRateLimitWait = operatorRegistry.counter(
  "alicloud_operator_cloud_rate_limit_wait_seconds_total",
  "Time calls waited for the client-side rate limiter, by product.",
  ["product"],
);

const admissionRequests = operatorRegistry.counter(
  "alicloud_operator_admission_requests_total",
  "Admission reviews answered, by webhook (mutate, validate), kind, operation and decision (allowed, patched, denied, error).",
  ["webhook", "kind", "operation", "decision"],
);
const admissionDuration = operatorRegistry.histogram(
  "alicloud_operator_admission_duration_seconds",
  "Time the webhook process took to answer an admission review, from the request to the last byte of the reply.",
  ["webhook", "kind"],
  ADMISSION_BUCKETS,
);

/** Gauges read at scrape time; their collectors are set where the values live (src/operator/telemetry.ts). */
export const certificateExpiry = operatorRegistry.gauge(
  "alicloud_operator_webhook_certificate_expiry_timestamp_seconds",
  "NotAfter of the serving certificate the process loaded, in Unix seconds.",
);
export const leaderStatus = operatorRegistry.gauge(
  "leader_election_master_status",
  "1 while this process holds the controllers' Lease, else 0 (as client-go's leader election reports it).",
  ["name"],
);
export const readinessStatus = operatorRegistry.gauge(
  "alicloud_operator_ready",
  "1 when every readiness check passes (what /readyz answers), else 0.",
);

/** The process's view of the cloud, for readiness: fed by the same events as the series above. */
export const cloudReachability = new CloudReachability();

/** The cloud layer's event hook (`createCloudProvider(config, { onEvent: observeCloudEvent })`). */
export function observeCloudEvent(e: CloudEvent): void {
  if (e.type === "call") {
    cloudRequests.inc({ product: e.family, action: e.action, code: e.code ?? CLOUD_OK });
    cloudDuration.observe({ product: e.family, action: e.action }, e.durationMs / 1000);
    cloudReachability.record(e);
  } else if (e.type === "rateLimited") {
    cloudRateLimitWait.inc({ product: e.family }, e.waitMs / 1000);
  }
}

export type AdmissionDecision = "allowed" | "patched" | "denied" | "error";

export interface AdmissionObservation {
  webhook: "mutate" | "validate";
  kind: string;
  operation: string;
  decision: AdmissionDecision;
  durationSeconds: number;
}

export function recordAdmission(o: AdmissionObservation): void {
  admissionRequests.inc({ webhook: o.webhook, kind: o.kind, operation: o.operation, decision: o.decision });
  admissionDuration.observe({ webhook: o.webhook, kind: o.kind }, o.durationSeconds);
}
