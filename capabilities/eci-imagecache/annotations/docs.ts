// The ECI section of docs/annotations.md: the ImageCache object's annotations and the pod annotations.
// Docs only; scripts/gen-annotation-docs.ts renders it.
import { defineRegistryDocs } from "../../../src/annotations/docs";
import {
  IMAGE_CACHE_REGISTRY,
  POD_IMAGE_CACHE_REGISTRY,
  type ImageCacheAnnotationTypes,
  type PodImageCacheAnnotationTypes,
} from "./registry";

export const IMAGE_CACHE_ANNOTATION_DOCS = defineRegistryDocs<ImageCacheAnnotationTypes>({
  registry: IMAGE_CACHE_REGISTRY,
  title: "ECI ImageCache annotations",
  intro: [
    "Annotations on an `ImageCache` (`eci.alibabacloud.com/v1`, cluster-scoped). They shape the CreateImageCache call; " +
      "an absent key leaves the choice to the cloud. `immutable` keys cannot be added, changed or removed once the object exists.",
  ],
  groups: [{ group: "cache", title: "Cache creation" }],
  columns: [
    "key",
    "meaning",
    "values",
    "default",
    "mutability",
    { title: "API field", cell: (r) => (r.apiField ? r.apiField : "—") },
    "notes",
  ],
});

export const POD_IMAGE_CACHE_ANNOTATION_DOCS = defineRegistryDocs<PodImageCacheAnnotationTypes>({
  registry: POD_IMAGE_CACHE_REGISTRY,
  title: "ECI pod image cache annotations",
  intro: [
    "Annotations on a Pod, read on CREATE only (outside system namespaces). A pod with none of these keys is never " +
      "looked at further. The explicit id wins over automatic matching; the newer ECI names are accepted as aliases.",
  ],
  groups: [{ group: "pod", title: "Selecting a cache" }],
  columns: ["key", "meaning", "values", "default", "notes"],
});
