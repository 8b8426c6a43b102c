// Pod admission for image caches (docs/eci-imagecache.md §5): an explicit cache id must name a Ready cache;
// automatic matching picks the best Ready cache by the ECI policy (image match degree, then matched size,
// then newest) and writes its id. Pure, never throws; the caches come from a watch-fed store (store.ts).
import type { AdmissionDecision } from "../../../src/admission/respond";
import { recordOf, stringAnnotations } from "../../../src/annotations/object";
import { POD_ANNOTATION_KEYS, POD_IMAGE_CACHE_REGISTRY } from "../annotations/registry";

/** What pod admission needs of one ImageCache (store.ts builds it from the object). */
export interface CacheCandidate {
  /** The ImageCache's name. */
  name: string;
  imageCacheId: string;
  phase: string;
  /** Normalised references (normaliseImage). */
  images: ReadonlySet<string>;
  /** GiB; the only size known here, used as the "matched size" criterion (see docs §5). */
  sizeGiB: number;
  /** metadata.creationTimestamp in ms. */
  createdMs: number;
}

export interface PodLike {
  metadata?: { annotations?: Record<string, string> };
  spec?: {
    containers?: Array<{ image?: string }>;
    initContainers?: Array<{ image?: string }>;
  };
}

/** Where the rules get Ready caches from: those holding at least one of these (normalised) images. */
export type CacheSource = (images: readonly string[]) => Iterable<CacheCandidate>;

/** Canonical key of the explicit cache id, the one the mutating webhook writes. */
export const SNAPSHOT_ID_KEY = POD_IMAGE_CACHE_REGISTRY.keyOf("snapshotId");

/** The cheapest test of all: does the pod carry any of our keys (any spelling)? */
export function podUsesImageCache(annotations: Record<string, string> | undefined): boolean {
  const map = recordOf(annotations);
  if (!map) return false;
  for (const k of POD_ANNOTATION_KEYS) if (k in map) return true;
  return false;
}

/**
 * `nginx` and `docker.io/library/nginx:latest` are the same image: Docker Hub's registry and `library/`
 * are filled in and `:latest` added when there is neither tag nor digest. Matching is then exact.
 */
export function normaliseImage(ref: string): string {
  let name = ref.trim();
  const at = name.indexOf("@");
  const digest = at >= 0 ? name.slice(at) : "";
  if (at >= 0) name = name.slice(0, at);
  const slash = name.indexOf("/");
  const first = slash >= 0 ? name.slice(0, slash) : "";
  const hasRegistry = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (!hasRegistry) name = `docker.io/${slash >= 0 ? name : `library/${name}`}`;
  else if (first === "index.docker.io") name = `docker.io${name.slice(first.length)}`;
  const lastPart = name.slice(name.lastIndexOf("/") + 1);
  if (!lastPart.includes(":") && !digest) name += ":latest";
  return name + digest;
}

/** The pod's distinct images (init containers too: the cache serves every container). */
export function podImages(pod: unknown): string[] {
  const spec = recordOf(recordOf(pod)?.spec) ?? {};
  const containers = (list: unknown): unknown[] => (Array.isArray(list) ? list : []);
  const all = [...containers(spec.initContainers), ...containers(spec.containers)]
    .map((c) => recordOf(c)?.image)
    .filter((i): i is string => typeof i === "string" && i.trim().length > 0)
    .map(normaliseImage);
  return [...new Set(all)];
}

export interface AutoMatchOptions {
  perfectMatch?: boolean;
  matchCountRequest?: number;
}

/** The best Ready cache for these images, or undefined (the pod then pulls its images). */
export function bestCache(
  images: readonly string[],
  caches: Iterable<CacheCandidate>,
  opts: AutoMatchOptions = {},
): CacheCandidate | undefined {
  // perfect-match wins over a count request (use-imagecache).
  const needed = opts.perfectMatch ? images.length : Math.max(1, opts.matchCountRequest ?? 1);
  let best: CacheCandidate | undefined;
  let bestMatched = 0;
  for (const c of caches) {
    if (c.phase !== "Ready" || !c.imageCacheId) continue;
    let matched = 0;
    for (const i of images) if (c.images.has(i)) matched++;
    if (matched === 0 || matched < needed) continue;
    if (!best || better(c, matched, best, bestMatched)) {
      best = c;
      bestMatched = matched;
    }
  }
  return best;
}

function better(a: CacheCandidate, aMatched: number, b: CacheCandidate, bMatched: number): boolean {
  if (aMatched !== bMatched) return aMatched > bMatched;
  if (a.sizeGiB !== b.sizeGiB) return a.sizeGiB > b.sizeGiB;
  if (a.createdMs !== b.createdMs) return a.createdMs > b.createdMs;
  return a.name < b.name; // deterministic among equals
}

export interface PodMutation {
  /** Annotations to set (the chosen cache), empty when nothing changes. */
  annotationsToAdd: Record<string, string>;
}

/**
 * Mutating: with automatic matching on and no explicit id, the best Ready cache's id. Takes the pod as
 * `unknown`: whatever the request carries, the answer is a mutation or none, never a throw.
 */
export function mutatePod(pod: unknown, caches: CacheSource): PodMutation {
  const annotations = stringAnnotations(pod);
  if (!podUsesImageCache(annotations)) return { annotationsToAdd: {} };
  const { config } = POD_IMAGE_CACHE_REGISTRY.parse(annotations);
  // An explicit id (even an invalid one, which validation rejects) wins over matching.
  if (POD_IMAGE_CACHE_REGISTRY.lookup(annotations, "snapshotId") || config.autoMatch !== true)
    return { annotationsToAdd: {} };
  const images = podImages(pod);
  const chosen = bestCache(images, caches(images), config);
  return { annotationsToAdd: chosen ? { [SNAPSHOT_ID_KEY]: chosen.imageCacheId } : {} };
}

/**
 * Validating: bad values are rejected; an explicit id must be the `status.imageCacheId` of exactly one
 * ImageCache, and that one Ready. `cachesWithId` are the ImageCaches whose status carries the id.
 */
export function validatePod(pod: unknown, cachesWithId: (id: string) => CacheCandidate[]): AdmissionDecision {
  const annotations = stringAnnotations(pod);
  if (!podUsesImageCache(annotations)) return { allowed: true, errors: [], warnings: [] };
  const { config, errors: parseErrors } = POD_IMAGE_CACHE_REGISTRY.parse(annotations);
  const errors = parseErrors.map((e) => e.message);
  const id = config.snapshotId;
  if (id) {
    const found = cachesWithId(id);
    if (found.length === 0) errors.push(`image cache ${id} not found`);
    else if (found.length > 1)
      errors.push(
        `image cache ${id} is claimed by several ImageCaches (${found.map((c) => c.name).join(", ")})`,
      );
    else if (found[0].phase !== "Ready")
      errors.push(`image cache ${id} is not Ready (phase=${found[0].phase || "unknown"})`);
  }
  return { allowed: errors.length === 0, errors, warnings: [] };
}
