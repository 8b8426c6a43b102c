// ECI image caches: the Pepr bindings only. ImageCache and Pod admission are admission/hooks.ts (glue) over
// admission/{imagecache-rules,pod-rules}.ts (pure); ImageCache watch events feed the controller (wiring.ts).
import { Capability, a } from "pepr";
import { watchAllPhases } from "../../src/k8s/watch-bindings";
import {
  mutateImageCacheRequest,
  mutatePodRequest,
  validateImageCacheRequest,
  validatePodRequest,
} from "./admission/hooks";
import { ImageCacheKind } from "./crd/kind";
import type { ImageCache } from "./crd/types";
import { imageCacheWiring } from "./wiring";

export const EciImageCache = new Capability({
  name: "eci-imagecache",
  description: "ImageCache objects become ECI image caches; pods may ask for one by id or automatically",
});

EciImageCache.When(ImageCacheKind)
  .IsCreatedOrUpdated()
  .Mutate(mutateImageCacheRequest)
  .Validate(validateImageCacheRequest);
// Pod annotations take effect at creation only: CREATE is all the webhook sees (its own entry, failure
// policy Ignore: src/admission/webhook-config.ts).
EciImageCache.When(a.Pod).IsCreated().Mutate(mutatePodRequest).Validate(validatePodRequest);
watchAllPhases(EciImageCache, ImageCacheKind, (ic, phase) =>
  imageCacheWiring().onImageCache(phase, ic as unknown as ImageCache),
);
