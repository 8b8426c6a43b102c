import { createHash } from "node:crypto";

/**
 * Deterministic idempotency token for a create call. The same owner and purpose always give the same
 * token, so a create that is retried after a crash or a lost response is de-duplicated by the cloud
 * instead of making a second resource. Alibaba accepts at most 64 ASCII characters: a hex SHA-256 is
 * exactly 64.
 *
 * `purpose` must change whenever a *new* resource is intended, because the cloud replays the first
 * response for the same token for up to 24 h, even if that resource has since been deleted. Do not use
 * `metadata.generation` for that: many kinds (core Services among them) never set it. Use a value kept
 * on the object per intent instead (capabilities/clb-service/tracking.ts CREATE_INTENT_ANNOTATION).
 */
export function clientTokenFor(ownerUid: string, purpose: string): string {
  if (!ownerUid) throw new Error("clientTokenFor: ownerUid is required");
  if (!purpose) throw new Error("clientTokenFor: purpose is required");
  // NUL separator: ("ab","c") and ("a","bc") must not collide.
  return createHash("sha256").update(`${ownerUid}\u0000${purpose}`, "utf8").digest("hex");
}
