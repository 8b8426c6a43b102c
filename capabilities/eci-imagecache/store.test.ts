// The pod webhook's ImageCache index: only Ready caches with a cloud id are offered, found by image, and the
// offer follows every watch event (phase changes, spec edits, deletes).
import test from "node:test";
import assert from "node:assert/strict";
import type { ImageCache } from "./crd/types";
import { ImageCacheIndex } from "./store";
import { normaliseImage } from "./admission/pod-rules";

function ic(name: string, images: string[], status: ImageCache["status"] = {}): ImageCache {
  return {
    apiVersion: "eci.alibabacloud.com/v1",
    kind: "ImageCache",
    metadata: { name, creationTimestamp: "2026-12-01T00:00:00Z" },
    spec: { images },
    status,
  } as ImageCache;
}

const names = (ix: ImageCacheIndex, ...images: string[]) =>
  [...ix.readyCachesFor(images.map(normaliseImage))].map((c) => c.name).sort();

test("readyCachesFor: by normalised image, Ready with an id only, following phase changes, edits and deletes", () => {
  const ix = new ImageCacheIndex();
  ix.store.apply("ADDED", ic("web", ["nginx:1.27", "redis"], { imageCacheId: "imc-web", phase: "Ready" }));
  ix.store.apply("ADDED", ic("slow", ["nginx:1.27"], { imageCacheId: "imc-slow", phase: "Creating" }));
  ix.store.apply("ADDED", ic("noid", ["nginx:1.27"], { phase: "Ready" }));
  assert.deepEqual(names(ix, "docker.io/library/nginx:1.27"), ["web"]);
  assert.deepEqual(names(ix, "mysql"), []);

  ix.store.apply("MODIFIED", ic("slow", ["nginx:1.27"], { imageCacheId: "imc-slow", phase: "Ready" }));
  assert.deepEqual(names(ix, "nginx:1.27"), ["slow", "web"]);
  assert.deepEqual(names(ix, "nginx:1.27", "redis"), ["slow", "web"], "a cache holding both appears once");

  // An edit that drops an image takes the cache off that image only.
  ix.store.apply("MODIFIED", ic("web", ["redis"], { imageCacheId: "imc-web", phase: "Ready" }));
  assert.deepEqual(names(ix, "nginx:1.27"), ["slow"]);
  assert.deepEqual(names(ix, "redis"), ["web"]);

  ix.store.apply("MODIFIED", ic("web", ["redis"], { imageCacheId: "imc-web", phase: "Expired" }));
  assert.deepEqual(names(ix, "redis"), []);
  ix.store.apply("DELETED", ic("slow", ["nginx:1.27"], { imageCacheId: "imc-slow", phase: "Ready" }));
  assert.deepEqual(names(ix, "nginx:1.27"), []);
  assert.deepEqual(
    ix.withId("imc-web").map((c) => c.phase),
    ["Expired"],
    "withId still sees caches in every phase (validation names the phase)",
  );
});
