// ECI image cache ownership contract (docs/eci-imagecache.md §4): how the controller marks the cloud cache
// it made, finds it again after a crash, and what it never touches.
//
// - A cache we create carries the tags `alicloud-operator.io/imagecache-uid=<ImageCache UID>` and
//   `ack.aliyun.com=<cluster id>` (set atomically by CreateImageCache). Only a cache whose uid tag names
//   this ImageCache is ever updated or deleted; anything else is left alone.
// - The create's ClientToken comes from the UID and a create intent kept in an annotation, written before
//   the first CreateImageCache: a retry after a crash replays the same create (no second cache), and a
//   cache that must be created again (it vanished) gets a new intent.
// - Before creating, the controller looks for a cache with its uid tag and adopts it.
import { randomUUID } from "node:crypto";
import type { Tag } from "../../src/cloud";

export const TAG_IMAGE_CACHE_UID = "alicloud-operator.io/imagecache-uid";
export const TAG_CLUSTER = "ack.aliyun.com";

/** Annotation holding the create intent (see above). */
export const CREATE_INTENT_ANNOTATION = "eci.alicloud-operator.io/create-intent";

export function newCreateIntent(): string {
  return randomUUID();
}

export function ownershipTags(uid: string, clusterId: string): Tag[] {
  return [
    { key: TAG_IMAGE_CACHE_UID, value: uid },
    { key: TAG_CLUSTER, value: clusterId },
  ];
}

export function isOwnedBy(tags: readonly Tag[], uid: string): boolean {
  return tags.some((t) => t.key === TAG_IMAGE_CACHE_UID && t.value === uid);
}

/**
 * The cloud name of the cache: the object's name made to fit `[a-z0-9][a-z0-9-]{1,127}` (dots become
 * dashes) plus 8 characters of the UID, so two objects named alike never share a name.
 */
export function cloudCacheName(name: string, uid: string): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
      .replace(/^-+/, "")
      .slice(0, 110) || "ic";
  return `${base}-${uid.replace(/-/g, "").slice(0, 8)}`;
}
