// The Event reasons and the condition type of ImageCaches, as constants: the controller writes only these,
// and docs/eci-imagecache.md §4 lists them. Cloud events are mirrored under the cloud's own reason.

export const IMC_REASONS = {
  /** Normal: CreateImageCache was sent (or a cache of ours found after a restart was adopted). */
  creating: "CreatingImageCache",
  /** Normal: the cache is Ready. */
  ready: "ImageCacheReady",
  /** Normal: UpdateImageCache was sent for a changed spec. */
  updating: "UpdatingImageCache",
  /** Warning: the cloud ended the cache Failed or UpdateFailed; the message is the cloud's. */
  failed: "ImageCacheFailed",
  /** Warning: a pull secret could not be turned into registry credentials. */
  pullSecretFailed: "PullSecretFailed",
  /** Warning: a cloud or API call failed; retried with backoff. */
  syncFailed: "SyncImageCacheFailed",
  /** Normal: the cloud deleted the cache at its expiry; the object stays, phase Expired. */
  expired: "ImageCacheExpired",
  /** Warning: the cache vanished before its expiry; a new one is created. */
  vanished: "ImageCacheVanished",
  /** Normal: the cloud cache is gone, the finalizer comes off next. */
  deleted: "DeletedImageCache",
  /** Warning: deleting the cloud cache failed; the finalizer stays until it succeeds. */
  deleteFailed: "DeleteImageCacheFailed",
} as const;

/** The condition that says whether the cloud cache matches the object (True once Ready). */
export const SYNCED_CONDITION = "alicloud-operator/ImageCacheSynced";
