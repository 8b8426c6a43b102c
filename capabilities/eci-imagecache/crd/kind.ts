// The Pepr (kubernetes-fluent-client) model of the ImageCache custom resource, registered with its group,
// version and plural so bindings and webhook rules name `imagecaches.eci.alibabacloud.com`.
import { a } from "pepr";
import { RegisterKind } from "kubernetes-fluent-client";
import { KINDS } from "../../../src/k8s/kinds";

export class ImageCacheKind extends a.GenericKind {}
RegisterKind(ImageCacheKind, {
  group: KINDS.ImageCache.group,
  version: KINDS.ImageCache.version,
  kind: KINDS.ImageCache.kind,
  plural: KINDS.ImageCache.plural,
});
