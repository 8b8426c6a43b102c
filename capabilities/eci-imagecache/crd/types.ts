// The ImageCache custom resource (eci.alibabacloud.com/v1, cluster-scoped) as TypeScript types. The field
// lists below are checked against crds/imagecaches.eci.alibabacloud.com.yaml by types.test.ts, so the
// types and the CRD's schema cannot drift apart.
import type { Condition } from "../../../src/k8s/status";

export const IMAGE_CACHE_SPEC_FIELDS = [
  "images",
  "imagePullSecrets",
  "imageCacheSize",
  "retentionDays",
] as const;
export const IMAGE_CACHE_STATUS_FIELDS = [
  "imageCacheId",
  "phase",
  "progress",
  "startTime",
  "lastUpdatedTime",
  "expireDateTime",
  "observedGeneration",
  "events",
  "conditions",
] as const;
/** Cloud statuses, plus `Expired`: the operator's own, once the cloud deleted an expired cache. */
export const IMAGE_CACHE_PHASES = [
  "Preparing",
  "Creating",
  "Ready",
  "Failed",
  "Updating",
  "UpdateFailed",
  "Expired",
] as const;
export const IMAGE_CACHE_EVENT_FIELDS = [
  "name",
  "type",
  "message",
  "count",
  "firstTimestamp",
  "lastTimestamp",
] as const;

export type ImageCachePhase = (typeof IMAGE_CACHE_PHASES)[number];

export interface ImageCacheSpec {
  images: string[];
  /** Each `namespace:secretName` of a kubernetes.io/dockerconfigjson Secret. */
  imagePullSecrets?: string[];
  /** GiB, 20-32768; default 20. */
  imageCacheSize?: number;
  /** Days, 1-65536; absent: never expires. */
  retentionDays?: number;
}

/** One of the cloud's events on the cache, as mirrored into status. */
export interface ImageCacheStatusEvent {
  name: string;
  type: string;
  message: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
}

export interface ImageCacheStatus {
  imageCacheId?: string;
  phase?: ImageCachePhase;
  progress?: string;
  startTime?: string;
  lastUpdatedTime?: string;
  expireDateTime?: string;
  /** The generation whose spec was last sent to the cloud (create or update). */
  observedGeneration?: number;
  events?: ImageCacheStatusEvent[];
  conditions?: Condition[];
}

export interface ImageCache {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    finalizers?: string[];
  };
  spec?: ImageCacheSpec;
  status?: ImageCacheStatus;
}

type Check<A extends string, B extends string> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
// Compile-time: the field lists name exactly the interfaces' keys.
export const SPEC_FIELDS_MATCH: Check<(typeof IMAGE_CACHE_SPEC_FIELDS)[number], keyof ImageCacheSpec> = true;
export const STATUS_FIELDS_MATCH: Check<(typeof IMAGE_CACHE_STATUS_FIELDS)[number], keyof ImageCacheStatus> =
  true;
export const EVENT_FIELDS_MATCH: Check<
  (typeof IMAGE_CACHE_EVENT_FIELDS)[number],
  keyof ImageCacheStatusEvent
> = true;
