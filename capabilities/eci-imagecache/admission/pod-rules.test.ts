// Pod admission rules: the cheap path, image normalisation, the auto-match policy order and options, the
// explicit id's checks and their messages.
import test from "node:test";
import assert from "node:assert/strict";
import {
  bestCache,
  mutatePod,
  normaliseImage,
  podImages,
  podUsesImageCache,
  SNAPSHOT_ID_KEY,
  validatePod,
  type CacheCandidate,
  type PodLike,
} from "./pod-rules";

const K = "k8s.aliyun.com/";

function cache(name: string, images: string[], extra: Partial<CacheCandidate> = {}): CacheCandidate {
  return {
    name,
    imageCacheId: `imc-${name}`,
    phase: "Ready",
    images: new Set(images.map(normaliseImage)),
    sizeGiB: 20,
    createdMs: 1_000,
    ...extra,
  };
}

function pod(
  annotations: Record<string, string> | undefined,
  images: string[],
  init: string[] = [],
): PodLike {
  return {
    metadata: { annotations },
    spec: {
      containers: images.map((image) => ({ image })),
      initContainers: init.map((image) => ({ image })),
    },
  };
}

test("normaliseImage: Docker Hub names, library/, :latest, registries with ports, digests", () => {
  assert.equal(normaliseImage("nginx"), "docker.io/library/nginx:latest");
  assert.equal(normaliseImage("nginx:1.27"), "docker.io/library/nginx:1.27");
  assert.equal(normaliseImage("docker.io/library/nginx:1.27"), "docker.io/library/nginx:1.27");
  assert.equal(normaliseImage("index.docker.io/library/nginx:1.27"), "docker.io/library/nginx:1.27");
  assert.equal(normaliseImage("bitnami/redis"), "docker.io/bitnami/redis:latest");
  assert.equal(
    normaliseImage("registry.cn-hangzhou.aliyuncs.com/ns/app:v1"),
    "registry.cn-hangzhou.aliyuncs.com/ns/app:v1",
  );
  assert.equal(normaliseImage("localhost:5000/app"), "localhost:5000/app:latest");
  const d = `@sha256:${"a".repeat(64)}`;
  assert.equal(normaliseImage(`app${d}`), `docker.io/library/app${d}`);
});

test("podUsesImageCache: only our keys (any spelling) take the slow path", () => {
  assert.equal(podUsesImageCache(undefined), false);
  assert.equal(podUsesImageCache({ "app.kubernetes.io/name": "x" }), false);
  for (const k of [
    "eci-image-snapshot-id",
    "eci-imc-id",
    "eci-image-cache",
    "eci-auto-imc",
    "imc-perfect-match",
    "imc-match-count-request",
  ])
    assert.equal(podUsesImageCache({ [K + k]: "x" }), true, k);
  assert.deepEqual(podImages(pod({}, ["nginx", "nginx:latest"], ["busybox"])), [
    "docker.io/library/busybox:latest",
    "docker.io/library/nginx:latest",
  ]);
});

test("auto-match order: match degree, then size, then newest; only Ready caches with a match", () => {
  const images = ["nginx:1.27", "redis:7"].map(normaliseImage);
  const one = cache("one", ["nginx:1.27"], { sizeGiB: 500 });
  const both = cache("both", ["nginx:1.27", "redis:7", "busybox"]);
  const bothBig = cache("both-big", ["nginx:1.27", "redis:7"], { sizeGiB: 40 });
  const bothNewer = cache("both-newer", ["nginx:1.27", "redis:7"], { createdMs: 2_000 });
  const bothNotReady = cache("both-creating", ["nginx:1.27", "redis:7"], { phase: "Creating", sizeGiB: 999 });
  const other = cache("other", ["mysql:8"]);
  assert.equal(bestCache(images, [one, other])?.name, "one", "a partial match beats none");
  assert.equal(bestCache(images, [one, both])?.name, "both", "degree first");
  assert.equal(bestCache(images, [both, bothBig, one])?.name, "both-big", "then size");
  assert.equal(bestCache(images, [both, bothNewer])?.name, "both-newer", "then newest");
  assert.equal(bestCache(images, [bothNotReady, other]), undefined, "no Ready candidate");
  assert.equal(bestCache(images, [cache("noid", ["nginx:1.27"], { imageCacheId: "" })]), undefined);
});

test("perfect-match and match-count-request; perfect-match wins when both are set", () => {
  const images = ["nginx:1.27", "redis:7", "busybox"].map(normaliseImage);
  const two = cache("two", ["nginx:1.27", "redis:7"]);
  const three = cache("three", ["nginx:1.27", "redis:7", "busybox"], { createdMs: 0 });
  assert.equal(bestCache(images, [two], { perfectMatch: true }), undefined);
  assert.equal(bestCache(images, [two, three], { perfectMatch: true })?.name, "three");
  assert.equal(bestCache(images, [two], { matchCountRequest: 2 })?.name, "two");
  assert.equal(bestCache(images, [two], { matchCountRequest: 3 }), undefined);
  assert.equal(bestCache(images, [two], { perfectMatch: true, matchCountRequest: 1 }), undefined);
});

test("mutatePod: writes the chosen id for eci-image-cache/eci-auto-imc true; the explicit id wins; no candidate: unchanged", () => {
  const caches = () => [cache("web", ["nginx:1.27"])];
  assert.deepEqual(
    mutatePod(pod({ [K + "eci-image-cache"]: "true" }, ["nginx:1.27"]), caches).annotationsToAdd,
    {
      [SNAPSHOT_ID_KEY]: "imc-web",
    },
  );
  assert.deepEqual(
    mutatePod(pod({ [K + "eci-auto-imc"]: "true" }, ["nginx:1.27"]), caches).annotationsToAdd,
    {
      [SNAPSHOT_ID_KEY]: "imc-web",
    },
  );
  assert.deepEqual(
    mutatePod(
      pod({ [K + "eci-image-cache"]: "true", [K + "eci-imc-id"]: "imc-mine" }, ["nginx:1.27"]),
      caches,
    ).annotationsToAdd,
    {},
  );
  assert.deepEqual(
    mutatePod(pod({ [K + "eci-image-cache"]: "false" }, ["nginx:1.27"]), caches).annotationsToAdd,
    {},
  );
  assert.deepEqual(
    mutatePod(pod({ [K + "eci-image-cache"]: "true" }, ["mysql"]), caches).annotationsToAdd,
    {},
  );
  assert.deepEqual(mutatePod(pod(undefined, ["nginx:1.27"]), caches).annotationsToAdd, {});
});

test("validatePod: explicit id must be one Ready cache; messages name the cache and its phase; bad values rejected", () => {
  const byId = (list: CacheCandidate[]) => (id: string) => list.filter((c) => c.imageCacheId === id);
  const ready = cache("web", ["nginx"]);
  const creating = cache("slow", ["nginx"], { phase: "Creating" });
  const ok = validatePod(pod({ [SNAPSHOT_ID_KEY]: "imc-web" }, ["nginx"]), byId([ready]));
  assert.equal(ok.allowed, true);
  const notReady = validatePod(pod({ [K + "eci-imc-id"]: "imc-slow" }, ["nginx"]), byId([creating]));
  assert.deepEqual(notReady.errors, ["image cache imc-slow is not Ready (phase=Creating)"]);
  const missing = validatePod(pod({ [SNAPSHOT_ID_KEY]: "imc-nope" }, ["nginx"]), byId([ready]));
  assert.deepEqual(missing.errors, ["image cache imc-nope not found"]);
  const twice = validatePod(
    pod({ [SNAPSHOT_ID_KEY]: "imc-web" }, ["nginx"]),
    byId([ready, { ...ready, name: "copy" }]),
  );
  assert.match(twice.errors[0], /claimed by several ImageCaches \(web, copy\)/);
  const bad = validatePod(pod({ [K + "eci-image-cache"]: "yes" }, ["nginx"]), byId([]));
  assert.equal(bad.allowed, false);
  assert.match(bad.errors[0], /eci-image-cache: "yes" is not allowed; allowed true, false/);
  assert.equal(validatePod(pod({ other: "x" }, ["nginx"]), () => assert.fail("not consulted")).allowed, true);
});

test("odd pods: undefined, null, arrays, numbers and wrong-typed fields never throw; they read as no annotations or no images", () => {
  const odd: unknown[] = [
    undefined,
    null,
    42,
    "pod",
    [],
    { metadata: null },
    { metadata: { annotations: null } },
    { metadata: { annotations: ["k8s.aliyun.com/eci-image-cache"] } },
    { metadata: { annotations: { [K + "eci-image-cache"]: true } } },
    { metadata: { annotations: { [K + "eci-image-cache"]: "true" } }, spec: null },
    { metadata: { annotations: { [K + "eci-image-cache"]: "true" } }, spec: { containers: "nginx" } },
    {
      metadata: { annotations: { [K + "eci-image-cache"]: "true" } },
      spec: { containers: [null, 7, { image: 7 }] },
    },
    {
      metadata: { annotations: { [K + "eci-image-cache"]: "true" } },
      spec: { containers: [{ image: "  " }] },
    },
  ];
  const source = () => [cache("web", ["nginx:1.27"])];
  for (const p of odd) {
    assert.deepEqual(mutatePod(p, source).annotationsToAdd, {}, JSON.stringify(p));
    assert.equal(validatePod(p, () => []).allowed, true, JSON.stringify(p));
    assert.deepEqual(podImages(p), [], JSON.stringify(p));
  }
  // A non-string value next to a real key: the real key still counts.
  const mixed = { metadata: { annotations: { a: 1, [K + "eci-imc-id"]: "imc-x" } }, spec: {} };
  assert.deepEqual(validatePod(mixed, () => []).errors, ["image cache imc-x not found"]);
});
