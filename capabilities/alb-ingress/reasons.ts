// The Event reasons and the condition of the ALB controller, as constants: the controller writes only these,
// and the README lists them. Names follow the upstream ALB controller's Events
// (alibaba/alibaba-load-balancer-controller pkg/controller/helper/event.go) so ACK users find what they know.

export const ALB_REASONS = {
  /** Normal, on the AlbConfig and every member Ingress: the ALB matches them. */
  reconciled: "SuccessfullyReconciled",
  /** Warning: the AlbConfig or an Ingress cannot be turned into a model (bad annotation, missing Service...). */
  failedBuildModel: "FailedBuildModel",
  /** Warning: a cloud read or write failed, or the plan reported a conflict (listener in use...). */
  failedApplyModel: "FailedApplyModel",
  failedAddFinalizer: "FailedAddFinalizer",
  failedRemoveFinalizer: "FailedRemoveFinalizer",
  failedUpdateStatus: "FailedUpdateStatus",
  /** Normal, on the AlbConfig: its ALB (or, on an adopted ALB, what we made there) is gone. */
  deleted: "SuccessfullyDeleted",
  /** Warning: cleanup failed; the finalizer stays until it succeeds. */
  failedCleanup: "FailedCleanup",
  /** Warning: ENI backends whose pod IP has no ENI yet (the group is only added to). */
  invalidBackends: "SkipSyncBackends",
} as const;

export type AlbReason = (typeof ALB_REASONS)[keyof typeof ALB_REASONS];

/** The AlbConfig condition that says whether the last reconcile succeeded; its reason is the failure kind. */
export const ALB_SYNCED_CONDITION = "alicloud-operator/AlbSynced";
