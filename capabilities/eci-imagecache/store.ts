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

/** Ready caches with a cloud id: the only ones automatic matching may choose. */
const choosable = (c: CacheCandidate) => c.phase === "Ready" && c.imageCacheId !== "";

export class ImageCacheIndex {
  readonly store: Store<ImageCache>;
  readonly #candidates = new Map<string, CacheCandidate>();
  /** Normalised image -> choosable caches holding it, so a pod only looks at caches it could use. */
  readonly #readyByImage = new Map<string, Set<CacheCandidate>>();

  constructor(store?: Store<ImageCache>) {
    this.store =
      store ??
      new Store<ImageCache>(KINDS.ImageCache, {
        [CACHES_BY_ID]: (ic) => (ic.status?.imageCacheId ? [ic.status.imageCacheId] : []),
      });
    for (const ic of this.store.list()) this.#put(ic.metadata?.name ?? "", candidateOf(ic));
    this.store.onChange((phase, ic) => {
      const name = ic.metadata?.name ?? "";
      this.#put(name, phase === "DELETED" ? undefined : candidateOf(ic));
    });
  }

  #put(name: string, next: CacheCandidate | undefined): void {
    const prev = this.#candidates.get(name);
    if (prev && choosable(prev))
      for (const image of prev.images) {
        const set = this.#readyByImage.get(image);
        set?.delete(prev);
        if (set?.size === 0) this.#readyByImage.delete(image);
      }
    if (!next) {
      this.#candidates.delete(name);
      return;
    }
    this.#candidates.set(name, next);
    if (choosable(next))
      for (const image of next.images) {
        let set = this.#readyByImage.get(image);
        if (!set) this.#readyByImage.set(image, (set = new Set()));
        set.add(next);
      }
  }

  /** Ready caches holding at least one of these normalised images (the pod rules' CacheSource). */
  readyCachesFor(images: readonly string[]): Set<CacheCandidate> {
    const out = new Set<CacheCandidate>();
    for (const image of images) for (const c of this.#readyByImage.get(image) ?? []) out.add(c);
    return out;
  }

  /** The caches whose status carries this cloud id. */
  withId(id: string): CacheCandidate[] {
    return this.store
      .byIndex(CACHES_BY_ID, id)
      .map((ic) => this.#candidates.get(ic.metadata?.name ?? ""))
      .filter((c): c is CacheCandidate => c !== undefined);
  }
}
