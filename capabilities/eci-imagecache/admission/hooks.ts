// Pepr glue for ImageCache and Pod admission: the decisions are the pure functions of imagecache-rules.ts
// and pod-rules.ts; this file gathers their inputs and shapes the response. The caches come from a
// watch-fed index (store.ts) started on the first admission request, never a LIST per request; the
// admission process reads no Secrets.
import type { PeprMutateRequest, PeprValidateRequest, a } from "pepr";
import type { ImageCacheKind } from "../crd/kind";
import { guardedValidate, respond } from "../../../src/admission/respond";
import { ECI_DEFAULTS } from "../../../src/config";
import { ClusterClient } from "../../../src/k8s/client";
import type { KubernetesObject } from "@kubernetes/client-node";
import { startInformer, type Store } from "../../../src/k8s/stores";
import type { ImageCache } from "../crd/types";
import { ImageCacheIndex } from "../store";
import { imageCacheDefaults, validateImageCache } from "./imagecache-rules";
import { stringAnnotations } from "../../../src/annotations/object";
import { mutatePod, podUsesImageCache, validatePod } from "./pod-rules";

let index: ImageCacheIndex | undefined;

/** The admission process's ImageCache index, started on first use (not at import: Pepr's build imports this). */
export function imageCacheIndex(): ImageCacheIndex {
  if (!index) {
    index = new ImageCacheIndex();
    const client = new ClusterClient();
    // Objects arrive as JSON (timestamps are strings): the store's type says so; client-node's says Date.
    startInformer(index.store as unknown as Store<ImageCache & KubernetesObject>, client.kubeConfig, client, {
      log: (m) => console.warn(`eci-imagecache admission: ${m}`),
    });
  }
  return index;
}

/** True once the index holds a full list, waiting at most `waitMs`. */
async function indexReady(ix: ImageCacheIndex, waitMs: number): Promise<boolean> {
  if (ix.store.synced) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((r) => (timer = setTimeout(r, waitMs)));
  await Promise.race([ix.store.whenSynced(), timeout]);
  clearTimeout(timer);
  return ix.store.synced;
}

export function mutateImageCacheRequest(req: PeprMutateRequest<ImageCacheKind>): void {
  imageCacheIndex(); // warm the index before the first pod asks
  const ic = req.Raw as unknown as ImageCache;
  if ((ic as { metadata?: { deletionTimestamp?: string } }).metadata?.deletionTimestamp) return;
  const defaults = imageCacheDefaults(ic);
  if (defaults.imageCacheSize !== undefined) req.Merge({ spec: defaults } as Partial<ImageCacheKind>);
}

export const validateImageCacheRequest = guardedValidate(
  "ImageCache",
  (req: PeprValidateRequest<ImageCacheKind>) => {
    const ic = req.Raw as unknown as ImageCache;
    if (ic.metadata?.deletionTimestamp) return req.Approve();
    const operation = String(req.Request.operation) === "UPDATE" ? "UPDATE" : "CREATE";
    const old = req.OldResource as unknown as ImageCache | undefined;
    return respond(req, validateImageCache({ ic, old, operation }));
  },
);

/** Mutating, CREATE only. Pods without our annotations return at once; never denies. */
export async function mutatePodRequest(req: PeprMutateRequest<a.Pod>): Promise<void> {
  const pod: unknown = req.Raw;
  if (!podUsesImageCache(stringAnnotations(pod))) return;
  const ix = imageCacheIndex();
  // Not synced in time: the pod passes unchanged (it pulls its images), rather than being held up.
  if (!(await indexReady(ix, ECI_DEFAULTS.podStoreWaitMs))) return;
  for (const [key, value] of Object.entries(
    mutatePod(pod, (images) => ix.readyCachesFor(images)).annotationsToAdd,
  ))
    req.SetAnnotation(key, value);
}

export const validatePodRequest = guardedValidate("Pod", async (req: PeprValidateRequest<a.Pod>) => {
  const pod: unknown = req.Raw;
  if (!podUsesImageCache(stringAnnotations(pod))) return req.Approve();
  const ix = imageCacheIndex();
  if (!(await indexReady(ix, ECI_DEFAULTS.podStoreWaitMs)))
    return req.Deny(
      "the webhook has not finished reading the cluster's ImageCaches to check the pod's image cache; try again in a few seconds",
    );
  return respond(
    req,
    validatePod(pod, (id) => ix.withId(id)),
  );
});
