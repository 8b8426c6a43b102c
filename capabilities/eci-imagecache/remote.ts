// Cloud reads of image caches shared by every reconcile of the process: one DescribeImageCaches listing of
// the cluster's caches (by the cluster tag, 100 a page) answers the polls of all caches for `maxAgeMs`,
// instead of one describe per cache per poll (docs/eci-imagecache.md §4). A cache missing from the
// listing is looked up by id before anyone concludes it is gone.
import type { EciImageCache, EciProvider } from "../../src/cloud";
import { TAG_CLUSTER } from "./tracking";

interface Listing {
  startedAtMs: number;
  caches: Promise<Map<string, EciImageCache>>;
}

export class ImageCacheLister {
  readonly #eci: EciProvider;
  readonly #clusterId: string;
  readonly #maxAgeMs: number;
  readonly #nowMs: () => number;
  #listing: Listing | undefined;

  constructor(eci: EciProvider, clusterId: string, maxAgeMs: number, nowMs: () => number = Date.now) {
    this.#eci = eci;
    this.#clusterId = clusterId;
    this.#maxAgeMs = maxAgeMs;
    this.#nowMs = nowMs;
  }

  /**
   * The cache with this id, from a listing that started at or after `notBeforeMs` (the caller's last write
   * to it) and is at most maxAgeMs old; undefined when the cloud has no such cache.
   */
  async byId(id: string, notBeforeMs = 0): Promise<EciImageCache | undefined> {
    const hit = (await this.#fresh(notBeforeMs)).get(id);
    if (hit) return hit;
    return (await this.#eci.describeImageCaches({ imageCacheId: id }))[0];
  }

  #fresh(notBeforeMs: number): Promise<Map<string, EciImageCache>> {
    const now = this.#nowMs();
    const l = this.#listing;
    if (l && l.startedAtMs >= notBeforeMs && now - l.startedAtMs <= this.#maxAgeMs) return l.caches;
    const caches = this.#eci
      .describeImageCaches({ tags: [{ key: TAG_CLUSTER, value: this.#clusterId }] })
      .then((list) => new Map(list.map((c) => [c.imageCacheId, c])));
    const listing: Listing = { startedAtMs: now, caches };
    this.#listing = listing;
    // A failed listing is not reused.
    caches.catch(() => {
      if (this.#listing === listing) this.#listing = undefined;
    });
    return caches;
  }
}
