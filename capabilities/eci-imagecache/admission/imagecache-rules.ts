// Admission rules of ImageCache objects (docs/eci-imagecache.md §2, §3): the default size, every spec
// rule, the object annotations, and spec changes only in the phases that allow them. Pure; never throws.
import type { AdmissionDecision } from "../../../src/admission/respond";
import { ECI_DEFAULTS } from "../../../src/config";
import { IMAGE_CACHE_REGISTRY } from "../annotations/registry";
import type { ImageCache } from "../crd/types";

export const MAX_IMAGES = 20;
export const SIZE_RANGE_GIB = { min: 20, max: 32768 } as const;
export const RETENTION_RANGE_DAYS = { min: 1, max: 65536 } as const;
/** Phases in which the cloud takes an UpdateImageCache (§3). */
export const UPDATABLE_PHASES: readonly string[] = ["Ready", "UpdateFailed"];

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
/** registry[:port]/path[:tag][@digest], as the distribution reference grammar (lowercase path). */
const IMAGE_REFERENCE = new RegExp(
  `^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?/)?` +
    `${COMPONENT}(?:/${COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `ref` is not an image reference, or undefined when it is one. */
export function imageReferenceProblem(ref: unknown): string | undefined {
  if (typeof ref !== "string" || ref.length === 0) return "is empty";
  if (/\s/.test(ref)) return "contains whitespace";
  if (ref.length > 512) return "is longer than 512 characters";
  return IMAGE_REFERENCE.test(ref) ? undefined : "is not an image reference (registry/name:tag)";
}

/** `namespace:secretName` split, or a problem phrase. */
export function parsePullSecretRef(ref: unknown): { namespace: string; name: string } | string {
  if (typeof ref !== "string") return "is not a string";
  const parts = ref.split(":");
  if (parts.length !== 2) return "is not namespace:secretName";
  const [namespace, name] = parts;
  if (namespace.length > 63 || !DNS_LABEL.test(namespace))
    return `has an invalid namespace ${JSON.stringify(namespace)}`;
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name))
    return `has an invalid Secret name ${JSON.stringify(name)}`;
  return { namespace, name };
}

function intInRange(v: unknown, range: { min: number; max: number }): boolean {
  return typeof v === "number" && Number.isInteger(v) && v >= range.min && v <= range.max;
}

/** Every problem of the spec, each a full sentence part. */
export function specProblems(spec: unknown): string[] {
  if (!spec || typeof spec !== "object") return ["spec is required"];
  const s = spec as Record<string, unknown>;
  const out: string[] = [];
  const images = s.images;
  if (!Array.isArray(images) || images.length === 0) out.push("spec.images must list at least one image");
  else {
    if (images.length > MAX_IMAGES)
      out.push(`spec.images has ${images.length} images; at most ${MAX_IMAGES}`);
    const seen = new Set<unknown>();
    images.forEach((img, i) => {
      const p = imageReferenceProblem(img);
      if (p) out.push(`spec.images[${i}] ${JSON.stringify(img)} ${p}`);
      else if (seen.has(img)) out.push(`spec.images[${i}] ${JSON.stringify(img)} is listed twice`);
      seen.add(img);
    });
  }
  if (s.imagePullSecrets !== undefined) {
    if (!Array.isArray(s.imagePullSecrets))
      out.push("spec.imagePullSecrets must be a list of namespace:secretName");
    else {
      const seen = new Set<unknown>();
      s.imagePullSecrets.forEach((ref: unknown, i) => {
        const p = parsePullSecretRef(ref);
        if (typeof p === "string") out.push(`spec.imagePullSecrets[${i}] ${JSON.stringify(ref)} ${p}`);
        else if (seen.has(ref))
          out.push(`spec.imagePullSecrets[${i}] ${JSON.stringify(ref)} is listed twice`);
        seen.add(ref);
      });
    }
  }
  if (s.imageCacheSize !== undefined && !intInRange(s.imageCacheSize, SIZE_RANGE_GIB))
    out.push(
      `spec.imageCacheSize ${JSON.stringify(s.imageCacheSize)} must be an integer ${SIZE_RANGE_GIB.min}-${SIZE_RANGE_GIB.max} (GiB)`,
    );
  if (s.retentionDays !== undefined && !intInRange(s.retentionDays, RETENTION_RANGE_DAYS))
    out.push(
      `spec.retentionDays ${JSON.stringify(s.retentionDays)} must be an integer ${RETENTION_RANGE_DAYS.min}-${RETENTION_RANGE_DAYS.max} (days)`,
    );
  return out;
}

/** The defaults the mutating webhook writes: `spec.imageCacheSize` when absent. */
export function imageCacheDefaults(ic: ImageCache): { imageCacheSize?: number } {
  const spec = ic.spec as unknown;
  if (!spec || typeof spec !== "object") return {};
  return (spec as { imageCacheSize?: unknown }).imageCacheSize === undefined
    ? { imageCacheSize: ECI_DEFAULTS.imageCacheSizeGiB }
    : {};
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The spec with its default filled, so "absent" and "20" compare equal. */
function normalisedSpec(ic: ImageCache | undefined): unknown {
  const spec = ic?.spec;
  if (!spec || typeof spec !== "object") return spec;
  return { ...spec, imageCacheSize: spec.imageCacheSize ?? ECI_DEFAULTS.imageCacheSizeGiB };
}

export function validateImageCache(input: {
  ic: ImageCache;
  old?: ImageCache;
  operation: "CREATE" | "UPDATE";
}): AdmissionDecision {
  const { ic, old, operation } = input;
  const errors = specProblems(ic.spec);
  const annotations = ic.metadata?.annotations;
  errors.push(...IMAGE_CACHE_REGISTRY.parse(annotations).errors.map((e) => e.message));
  if (operation === "UPDATE" && old) {
    const phase = old.status?.phase;
    const created = !!old.status?.imageCacheId || phase !== undefined;
    if (
      created &&
      !sameJson(normalisedSpec(ic), normalisedSpec(old)) &&
      !UPDATABLE_PHASES.includes(phase ?? "")
    )
      errors.push(
        `spec can change only while the image cache is Ready or UpdateFailed (phase=${phase ?? "unknown"})` +
          (phase === "Failed" || phase === "Expired" ? "; delete and recreate the ImageCache instead" : ""),
      );
    for (const row of IMAGE_CACHE_REGISTRY.rows) {
      if (row.mutability !== "immutable") continue;
      const before = IMAGE_CACHE_REGISTRY.rawValue(old.metadata?.annotations, row.field);
      const after = IMAGE_CACHE_REGISTRY.rawValue(annotations, row.field);
      if (before !== after)
        errors.push(
          `annotation ${row.key} cannot change once the ImageCache exists (was ${JSON.stringify(before ?? null)}, now ${JSON.stringify(after ?? null)})`,
        );
    }
  }
  return { allowed: errors.length === 0, errors, warnings: [] };
}
