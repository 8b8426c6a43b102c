// The in-memory index of ImageCaches that pod admission reads: a watch-fed Store (src/k8s/stores.ts) plus,
// per object, the candidate view pod-rules.ts needs (normalised images, size, age), computed once per watch
// event rather than per request, and an index by status.imageCacheId.
import { ECI_DEFAULTS } from "../../src/config";
import { KINDS } from "../../src/k8s/kinds";
import { Store } from "../../src/k8s/stores";
import { normaliseImage, type CacheCandidate } from "./admission/pod-rules";
import type { ImageCache } from "./crd/types";

export const CACHES_BY_ID = "imageCacheId";

export function candidateOf(ic: ImageCache): CacheCandidate {
  const images = Array.isArray(ic.spec?.images) ? ic.spec.images.filter((i) => typeof i === "string") : [];
  const created = Date.parse(ic.metadata?.creationTimestamp ?? "");
  return {
    name: ic.metadata?.name ?? "",
    imageCacheId: ic.status?.imageCacheId ?? "",
    phase: ic.status?.phase ?? "",
    images: new Set(images.map(normaliseImage)),
    sizeGiB:
      typeof ic.spec?.imageCacheSize === "number" ? ic.spec.imageCacheSize : ECI_DEFAULTS.imageCacheSizeGiB,
    createdMs: Number.isFinite(created) ? created : 0,
  };
}

export class ImageCacheIndex {
  readonly store: Store<ImageCache>;
  readonly #candidates = new Map<string, CacheCandidate>();

  constructor(store?: Store<ImageCache>) {
    this.store =
      store ??
      new Store<ImageCache>(KINDS.ImageCache, {
        [CACHES_BY_ID]: (ic) => (ic.status?.imageCacheId ? [ic.status.imageCacheId] : []),
      });
    for (const ic of this.store.list()) this.#candidates.set(ic.metadata?.name ?? "", candidateOf(ic));
    this.store.onChange((phase, ic) => {
      const name = ic.metadata?.name ?? "";
      if (phase === "DELETED") this.#candidates.delete(name);
      else this.#candidates.set(name, candidateOf(ic));
    });
  }

  /** Every cache's candidate view (Ready or not; pod-rules filters). */
  candidates(): Iterable<CacheCandidate> {
    return this.#candidates.values();
  }

  /** The caches whose status carries this cloud id. */
  withId(id: string): CacheCandidate[] {
    return this.store
      .byIndex(CACHES_BY_ID, id)
      .map((ic) => this.#candidates.get(ic.metadata?.name ?? ""))
      .filter((c): c is CacheCandidate => c !== undefined);
  }
}
