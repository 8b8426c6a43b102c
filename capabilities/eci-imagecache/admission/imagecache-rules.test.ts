// ImageCache admission rules: every spec rule, the default size, the object annotations, and spec changes
// only while Ready or UpdateFailed.
import test from "node:test";
import assert from "node:assert/strict";
import type { ImageCache } from "../crd/types";
import {
  imageCacheDefaults,
  imageReferenceProblem,
  parsePullSecretRef,
  validateImageCache,
} from "./imagecache-rules";

const ic = (spec: unknown, extra: Partial<ImageCache> = {}): ImageCache =>
  ({ metadata: { name: "c" }, spec, ...extra }) as ImageCache;

test("image references", () => {
  for (const ok of [
    "nginx",
    "nginx:1.27",
    "registry.cn-hangzhou.aliyuncs.com/eci_open/nginx:1.14.2",
    "localhost:5000/a/b/c:v1",
    `app@sha256:${"0".repeat(64)}`,
  ])
    assert.equal(imageReferenceProblem(ok), undefined, ok);
  assert.equal(imageReferenceProblem(""), "is empty");
  assert.equal(imageReferenceProblem("nginx 1"), "contains whitespace");
  assert.match(imageReferenceProblem("Nginx")!, /not an image reference/);
  assert.match(imageReferenceProblem("nginx:")!, /not an image reference/);
});

test("pull secret references are namespace:secretName with DNS names", () => {
  assert.deepEqual(parsePullSecretRef("default:regcred"), { namespace: "default", name: "regcred" });
  assert.deepEqual(parsePullSecretRef("a:b.c"), { namespace: "a", name: "b.c" });
  assert.equal(parsePullSecretRef("regcred"), "is not namespace:secretName");
  assert.equal(parsePullSecretRef("a:b:c"), "is not namespace:secretName");
  assert.match(parsePullSecretRef("Default:x") as string, /invalid namespace/);
  assert.match(parsePullSecretRef("default:X_y") as string, /invalid Secret name/);
});

test("every spec problem at once", () => {
  const d = validateImageCache({
    ic: ic({
      images: ["nginx", "nginx", "bad image"],
      imagePullSecrets: ["nocolon"],
      imageCacheSize: 19,
      retentionDays: 65537,
    }),
    operation: "CREATE",
  });
  assert.equal(d.allowed, false);
  assert.deepEqual(d.errors, [
    'spec.images[1] "nginx" is listed twice',
    'spec.images[2] "bad image" contains whitespace',
    'spec.imagePullSecrets[0] "nocolon" is not namespace:secretName',
    "spec.imageCacheSize 19 must be an integer 20-32768 (GiB)",
    "spec.retentionDays 65537 must be an integer 1-65536 (days)",
  ]);
  assert.deepEqual(validateImageCache({ ic: ic(undefined), operation: "CREATE" }).errors, [
    "spec is required",
  ]);
  assert.deepEqual(validateImageCache({ ic: ic({ images: [] }), operation: "CREATE" }).errors, [
    "spec.images must list at least one image",
  ]);
  const many = Array.from({ length: 21 }, (_, i) => `app:${i}`);
  assert.match(validateImageCache({ ic: ic({ images: many }), operation: "CREATE" }).errors[0], /at most 20/);
  const good = ic({
    images: ["nginx"],
    imagePullSecrets: ["default:regcred"],
    imageCacheSize: 32768,
    retentionDays: 1,
  });
  assert.equal(validateImageCache({ ic: good, operation: "CREATE" }).allowed, true);
});

test("default size 20 only when absent", () => {
  assert.deepEqual(imageCacheDefaults(ic({ images: ["nginx"] })), { imageCacheSize: 20 });
  assert.deepEqual(imageCacheDefaults(ic({ images: ["nginx"], imageCacheSize: 40 })), {});
  assert.deepEqual(imageCacheDefaults(ic(undefined)), {});
});

test("object annotations are validated", () => {
  const d = validateImageCache({
    ic: ic(
      { images: ["nginx"] },
      {
        metadata: {
          name: "c",
          annotations: {
            "k8s.aliyun.com/imc-enable-reuse": "yes",
            "k8s.aliyun.com/vswitch-ids": "vsw-a,vsw-a",
          },
        },
      },
    ),
    operation: "CREATE",
  });
  assert.equal(d.errors.length, 2);
  assert.match(d.errors[0], /imc-enable-reuse: "yes" is not allowed/);
  assert.match(d.errors[1], /vswitch-ids: "vsw-a,vsw-a" repeats vsw-a/);
});

test("updates: spec changes only while Ready or UpdateFailed; immutable annotations frozen; status-only writes pass", () => {
  const old = (phase?: string): ImageCache =>
    ({
      metadata: { name: "c", annotations: { "k8s.aliyun.com/vswitch-ids": "vsw-a" } },
      spec: { images: ["nginx"], imageCacheSize: 20 },
      status: phase ? { imageCacheId: "imc-1", phase } : undefined,
    }) as ImageCache;
  const changed = {
    metadata: { name: "c", annotations: { "k8s.aliyun.com/vswitch-ids": "vsw-a" } },
    spec: { images: ["nginx", "redis"] },
  } as ImageCache;
  for (const phase of ["Ready", "UpdateFailed"])
    assert.equal(
      validateImageCache({ ic: changed, old: old(phase), operation: "UPDATE" }).allowed,
      true,
      phase,
    );
  assert.equal(
    validateImageCache({ ic: changed, old: old(), operation: "UPDATE" }).allowed,
    true,
    "not created yet",
  );
  assert.deepEqual(validateImageCache({ ic: changed, old: old("Creating"), operation: "UPDATE" }).errors, [
    "spec can change only while the image cache is Ready or UpdateFailed (phase=Creating)",
  ]);
  assert.match(
    validateImageCache({ ic: changed, old: old("Failed"), operation: "UPDATE" }).errors[0],
    /phase=Failed\); delete and recreate/,
  );
  // Same spec (the default spelled out or not): allowed in any phase.
  const same = { ...old("Creating"), spec: { images: ["nginx"] } } as ImageCache;
  assert.equal(validateImageCache({ ic: same, old: old("Creating"), operation: "UPDATE" }).allowed, true);
  const moved = {
    ...old("Ready"),
    metadata: { name: "c", annotations: { "k8s.aliyun.com/vswitch-ids": "vsw-b" } },
  } as ImageCache;
  assert.match(
    validateImageCache({ ic: moved, old: old("Ready"), operation: "UPDATE" }).errors[0],
    /annotation k8s.aliyun.com\/vswitch-ids cannot change once the ImageCache exists/,
  );
});
