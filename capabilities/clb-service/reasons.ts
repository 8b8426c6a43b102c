// The Event reasons and the condition type of CLB Services, as constants: the controller writes only
// these, and the README's troubleshooting table lists them. Names follow the upstream CCM's Events
// (cloud-provider-alibaba-cloud pkg/controller/helper/event.go) so ACK users find what they know.

export const CLB_REASONS = {
  /** Normal: the SLB, listeners and vserver groups match the Service. */
  ensured: "EnsuredLoadBalancer",
  /** Warning: a sync failed (cloud error, bad manifest, invalid backends); the message says why. */
  syncFailed: "SyncLoadBalancerFailed",
  /** Normal: the Service's cloud resources are gone (or released), the finalizer comes off next. */
  cleaned: "CleanLoadBalancer",
  /** Warning: cleanup failed; the finalizer stays until it succeeds. */
  cleanFailed: "CleanLoadBalancerFailed",
  /** Normal: a vserver group has no backends (traffic to that port fails). */
  unavailable: "UnAvailableLoadBalancer",
  /** Normal (outside the VPC) or Warning (no ENI): pods left out of the backends. */
  skipSyncBackends: "SkipSyncBackends",
  /** Warning: `external-ip-type: eip` but no EIP is bound to the SLB. */
  failedSetEip: "FailedSetEIPAddress",
  /** Warning: a pod readiness-gate condition could not be written. */
  failedReadinessGate: "FailedUpdateReadinessGate",
  // Watch changes (Normal), announced before the reconcile they cause (watch-events.ts):
  /** The Service became, or stopped being, a CLB Service (type or class). */
  typeChanged: "TypeChanged",
  /** A user annotation changed. */
  annotationChanged: "AnnotationChanged",
  /** The spec changed. */
  specChanged: "ServiceSpecChanged",
  /** The Service is being deleted. */
  deleteTimestampChanged: "DeleteTimestampChanged",
} as const;

export type ClbReason = (typeof CLB_REASONS)[keyof typeof CLB_REASONS];

/** The Service condition that says whether the last sync succeeded. */
export const SYNCED_CONDITION = "alicloud-operator/LoadBalancerSynced";
