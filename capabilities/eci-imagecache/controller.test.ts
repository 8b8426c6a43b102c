// ImageCacheReconciler against typed test doubles (API server, Events, ECI): the order of its writes
// (finalizer, intent, create, status), polling with a growing delay, adoption after a crash, updates,
// expiry, foreign caches and deletion. The real stack is test/integration/imagecache-*.
import test from "node:test";
import assert from "node:assert/strict";
import type { EciImageCache, EciProvider } from "../../src/cloud";
import { clientTokenFor } from "../../src/cloud";
import type { ReconcileContext } from "../../src/controller/controller";
import type { ClusterClient } from "../../src/k8s/client";
import type { EventRecorder } from "../../src/k8s/events";
import { recording, type Recording } from "../../test/helpers/recording";
import { ImageCacheReconciler, pollDelayMs } from "./controller";
import { ImageCacheLister } from "./remote";
import type { ImageCache } from "./crd/types";
import { IMC_REASONS, SYNCED_CONDITION } from "./reasons";
import { CREATE_INTENT_ANNOTATION, TAG_IMAGE_CACHE_UID } from "./tracking";

const UID = "0b6f6f2e-1111-4222-8333-444455556666";
const FINALIZER = "eci.alibabacloud.com/imagecache";
const POLL = { initialMs: 1_000, factor: 2, maxMs: 5_000 };

type Obj = Record<string, unknown>;

/** Merge patch (RFC 7386): null deletes, objects merge, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Obj =
    target && typeof target === "object" && !Array.isArray(target) ? { ...(target as Obj) } : {};
  for (const [k, v] of Object.entries(patch as Obj)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function imageCache(extra: Partial<ImageCache> = {}): ImageCache {
  return {
    apiVersion: "eci.alibabacloud.com/v1",
    kind: "ImageCache",
    ...extra,
    metadata: { name: "web", uid: UID, generation: 1, resourceVersion: "1", ...extra.metadata },
    spec: { images: ["nginx:1.27"], imageCacheSize: 20, ...extra.spec },
  };
}

interface Harness {
  reconciler: ImageCacheReconciler;
  client: Recording<ClusterClient>;
  events: Recording<EventRecorder>;
  eci: Recording<EciProvider>;
  current(): ImageCache | undefined;
  caches: Map<string, EciImageCache>;
}

function harness(
  ic: ImageCache | undefined,
  caches: EciImageCache[] = [],
  secrets: Record<string, Obj> = {},
): Harness {
  let current = ic && structuredClone(ic);
  let rv = 1;
  const store = new Map(caches.map((c) => [c.imageCacheId, c]));
  let seq = 0;
  const write = (body: unknown) => {
    current = mergePatch(current, body) as ImageCache;
    current.metadata!.resourceVersion = String(++rv);
    return structuredClone(current);
  };
  const client = recording<ClusterClient>({
    get: async <T>(kind: { kind: string }, key: { namespace?: string; name: string }) => {
      if (kind.kind === "Secret") return secrets[`${key.namespace}:${key.name}`] as T | undefined;
      return current && (structuredClone(current) as T);
    },
    patch: async <T>(_k: unknown, _key: unknown, body: object) => write(body) as T,
    patchStatus: async <T>(_k: unknown, _key: unknown, body: object) => write(body) as T,
  });
  const events = recording<EventRecorder>({ record: async () => undefined });
  const eci = recording<EciProvider>({
    createImageCache: async (req) => {
      const imageCacheId = `imc-test${++seq}`;
      store.set(imageCacheId, {
        imageCacheId,
        imageCacheName: req.imageCacheName,
        status: "Preparing",
        progress: "0%",
        images: req.images,
        imageCacheSize: req.imageCacheSize ?? 20,
        creationTime: "2026-01-01T00:00:00Z",
        events: [],
        tags: req.tags,
      });
      return { imageCacheId };
    },
    describeImageCaches: async (q) =>
      [...store.values()].filter(
        (c) =>
          (!q.imageCacheId || c.imageCacheId === q.imageCacheId) &&
          (q.tags ?? []).every((t) => c.tags.some((x) => x.key === t.key && x.value === t.value)),
      ),
    updateImageCache: async (id) => {
      store.set(id, { ...store.get(id)!, status: "Updating" });
    },
    deleteImageCache: async (id) => {
      store.delete(id);
    },
  });
  let tick = 0;
  // Every read is fresh: a listing never answers a second time (the shared listing has its own test).
  const lister = new ImageCacheLister(eci, "c1", 0, () => ++tick);
  const reconciler = new ImageCacheReconciler({
    lister,
    client,
    events,
    eci,
    clusterId: "c1",
    poll: POLL,
    now: () => new Date("2026-01-01T00:00:10Z"),
  });
  return { reconciler, client, events, eci, current: () => current, caches: store };
}

function ctx(): ReconcileContext & { forgotten: boolean } {
  const c = {
    signal: new AbortController().signal,
    forgotten: false,
    observe: () => undefined,
    forget: () => {
      c.forgotten = true;
    },
  };
  return c;
}

const reasons = (h: Harness) => h.events.calls.map((c) => c.args[3]);

test("pollDelayMs grows by the factor and stops at the cap", () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((n) => pollDelayMs(n, POLL)),
    [1_000, 2_000, 4_000, 5_000, 5_000],
  );
});

test("create: finalizer, then the intent, then CreateImageCache with its token and our tags, then the id in status", async () => {
  const h = harness(imageCache());
  const r = await h.reconciler.reconcile("web", ctx());
  assert.equal(r.kind, "requeueAfter");
  const order = h.client.calls.map((c) => `${c.method}:${Object.keys((c.args[2] ?? {}) as Obj).join(",")}`);
  assert.deepEqual(order.slice(0, 4), ["get:", "patch:metadata", "patch:metadata", "patchStatus:status"]);
  const ic = h.current()!;
  assert.deepEqual(ic.metadata?.finalizers, [FINALIZER]);
  const intent = ic.metadata?.annotations?.[CREATE_INTENT_ANNOTATION];
  assert.ok(intent);
  const create = h.eci.calls.find((c) => c.method === "createImageCache")!.args[0] as {
    clientToken: string;
    tags: Array<{ key: string; value: string }>;
    imageCacheName: string;
  };
  assert.equal(create.clientToken, clientTokenFor(UID, `eci-imagecache:create:${intent}`));
  assert.deepEqual(create.tags, [
    { key: TAG_IMAGE_CACHE_UID, value: UID },
    { key: "ack.aliyun.com", value: "c1" },
  ]);
  assert.equal(create.imageCacheName, "web-0b6f6f2e");
  assert.equal(ic.status?.imageCacheId, "imc-test1");
  assert.equal(ic.status?.phase, "Preparing");
  assert.equal(ic.status?.observedGeneration, 1);
  assert.ok(reasons(h).includes(IMC_REASONS.creating));
});

test("polling: the delay grows while the phase stays, resets on a new phase; Ready ends it with an Event and True", async () => {
  const h = harness(imageCache());
  const delays: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await h.reconciler.reconcile("web", ctx());
    assert.equal(r.kind, "requeueAfter");
    delays.push((r as { delayMs: number }).delayMs);
  }
  assert.deepEqual(delays, [1_000, 2_000, 4_000]);
  const id = h.current()!.status!.imageCacheId!;
  h.caches.set(id, { ...h.caches.get(id)!, status: "Creating", progress: "40%" });
  assert.equal(((await h.reconciler.reconcile("web", ctx())) as { delayMs: number }).delayMs, 1_000);
  assert.equal(h.current()!.status?.progress, "40%");
  h.caches.set(id, {
    ...h.caches.get(id)!,
    status: "Ready",
    progress: "100%",
    events: [
      {
        name: id,
        type: "Normal",
        reason: "Succeeded",
        message: "done",
        count: 1,
        firstTimestamp: "t1",
        lastTimestamp: "t1",
      },
    ],
  });
  assert.equal((await h.reconciler.reconcile("web", ctx())).kind, "done");
  const st = h.current()!.status!;
  assert.deepEqual([st.phase, st.progress], ["Ready", "100%"]);
  assert.deepEqual(
    st.events?.map((e) => e.name),
    ["Succeeded"],
  );
  assert.equal(st.conditions?.find((c) => c.type === SYNCED_CONDITION)?.status, "True");
  assert.ok(reasons(h).includes(IMC_REASONS.ready));
  assert.ok(reasons(h).includes("Succeeded"), "the cloud's event is mirrored as a Kubernetes Event");
  // A resync with nothing new writes nothing.
  const writes = h.client.calls.filter((c) => c.method !== "get").length;
  await h.reconciler.reconcile("web", ctx());
  assert.equal(h.client.calls.filter((c) => c.method !== "get").length, writes);
});

test("a crash after the create: the cache is found by its tag and adopted, no second create", async () => {
  const h = harness(
    imageCache({ metadata: { finalizers: [FINALIZER], annotations: { [CREATE_INTENT_ANNOTATION]: "i1" } } }),
    [
      {
        imageCacheId: "imc-before",
        imageCacheName: "web-0b6f6f2e",
        status: "Creating",
        progress: "10%",
        images: ["nginx:1.27"],
        imageCacheSize: 20,
        creationTime: "t",
        events: [],
        tags: [{ key: TAG_IMAGE_CACHE_UID, value: UID }],
      },
    ],
  );
  await h.reconciler.reconcile("web", ctx());
  assert.equal(h.eci.calls.filter((c) => c.method === "createImageCache").length, 0);
  assert.equal(h.current()!.status?.imageCacheId, "imc-before");
  assert.equal(h.current()!.status?.observedGeneration, 1, "same images and size: the spec was sent");
});

test("a spec change on a Ready cache sends UpdateImageCache once; Failed shows the cloud's reason", async () => {
  const ready: EciImageCache = {
    imageCacheId: "imc-r",
    imageCacheName: "n",
    status: "Ready",
    progress: "100%",
    images: ["nginx:1.27"],
    imageCacheSize: 20,
    creationTime: "t",
    events: [],
    tags: [{ key: TAG_IMAGE_CACHE_UID, value: UID }],
  };
  const h = harness(
    imageCache({
      metadata: { generation: 2, finalizers: [FINALIZER] },
      spec: { images: ["nginx:1.28"] },
      status: { imageCacheId: "imc-r", phase: "Ready", observedGeneration: 1 },
    }),
    [ready],
  );
  const r = await h.reconciler.reconcile("web", ctx());
  assert.equal(r.kind, "requeueAfter");
  const updates = h.eci.calls.filter((c) => c.method === "updateImageCache");
  assert.equal(updates.length, 1);
  assert.deepEqual((updates[0].args[1] as { images: string[] }).images, ["nginx:1.28"]);
  assert.deepEqual([h.current()!.status?.phase, h.current()!.status?.observedGeneration], ["Updating", 2]);
  h.caches.set("imc-r", {
    ...h.caches.get("imc-r")!,
    status: "UpdateFailed",
    events: [
      {
        name: "imc-r",
        type: "Warning",
        reason: "Failed",
        message: "Failed to pull image x",
        count: 1,
        firstTimestamp: "a",
        lastTimestamp: "a",
      },
    ],
  });
  assert.equal((await h.reconciler.reconcile("web", ctx())).kind, "done");
  assert.equal(h.eci.calls.filter((c) => c.method === "updateImageCache").length, 1, "no update loop");
  const cond = h.current()!.status?.conditions?.find((c) => c.type === SYNCED_CONDITION);
  assert.deepEqual(
    [cond?.status, cond?.message],
    ["False", "image cache UpdateFailed: Failed to pull image x"],
  );
  assert.ok(reasons(h).includes(IMC_REASONS.failed));
});

test("expiry: the cache gone after an expireDateTime makes the object Expired, and it stays so", async () => {
  const h = harness(
    imageCache({
      metadata: { finalizers: [FINALIZER] },
      status: {
        imageCacheId: "imc-gone",
        phase: "Ready",
        expireDateTime: "2026-01-02T00:00:00Z",
        observedGeneration: 1,
      },
    }),
  );
  assert.equal((await h.reconciler.reconcile("web", ctx())).kind, "done");
  assert.equal(h.current()!.status?.phase, "Expired");
  assert.ok(reasons(h).includes(IMC_REASONS.expired));
  const calls = h.eci.calls.length;
  await h.reconciler.reconcile("web", ctx());
  assert.equal(h.eci.calls.length, calls, "Expired: no more cloud calls");
  assert.equal(h.eci.calls.filter((c) => c.method === "createImageCache").length, 0);
});

test("vanished before expiry: a new intent and a new cache", async () => {
  const h = harness(
    imageCache({
      metadata: { finalizers: [FINALIZER], annotations: { [CREATE_INTENT_ANNOTATION]: "old" } },
      status: { imageCacheId: "imc-gone", phase: "Ready", observedGeneration: 1 },
    }),
  );
  await h.reconciler.reconcile("web", ctx());
  assert.ok(reasons(h).includes(IMC_REASONS.vanished));
  assert.notEqual(h.current()!.metadata?.annotations?.[CREATE_INTENT_ANNOTATION], "old");
  assert.equal(h.current()!.status?.imageCacheId, "imc-test1");
});

test("a cache not tagged with this object's UID is never touched", async () => {
  const foreign: EciImageCache = {
    imageCacheId: "imc-f",
    imageCacheName: "f",
    status: "Ready",
    progress: "100%",
    images: ["x"],
    imageCacheSize: 20,
    creationTime: "t",
    events: [],
    tags: [{ key: TAG_IMAGE_CACHE_UID, value: "someone-else" }],
  };
  const h = harness(
    imageCache({
      metadata: { generation: 3, finalizers: [FINALIZER] },
      status: { imageCacheId: "imc-f", phase: "Ready", observedGeneration: 1 },
    }),
    [foreign],
  );
  await assert.rejects(h.reconciler.reconcile("web", ctx()), /not this ImageCache's/);
  const del = harness(
    imageCache({
      metadata: { deletionTimestamp: "now", finalizers: [FINALIZER] },
      status: { imageCacheId: "imc-f" },
    }),
    [foreign],
  );
  await del.reconciler.reconcile("web", ctx());
  for (const x of [h, del])
    assert.deepEqual(
      x.eci.calls.filter((c) => c.method !== "describeImageCaches"),
      [],
    );
  assert.deepEqual(del.current()!.metadata?.finalizers, [], "our finalizer still comes off");
});

test("delete: our cache (by id and by tag) is deleted, then the finalizer and the intent come off", async () => {
  const ours = (id: string): EciImageCache => ({
    imageCacheId: id,
    imageCacheName: id,
    status: "Ready",
    progress: "100%",
    images: ["x"],
    imageCacheSize: 20,
    creationTime: "t",
    events: [],
    tags: [{ key: TAG_IMAGE_CACHE_UID, value: UID }],
  });
  const h = harness(
    imageCache({
      metadata: {
        deletionTimestamp: "now",
        finalizers: [FINALIZER],
        annotations: { [CREATE_INTENT_ANNOTATION]: "i" },
      },
      status: { imageCacheId: "imc-a" },
    }),
    [ours("imc-a"), ours("imc-orphan")],
  );
  const c = ctx();
  assert.equal((await h.reconciler.reconcile("web", c)).kind, "done");
  assert.deepEqual(
    h.eci.calls.filter((x) => x.method === "deleteImageCache").map((x) => x.args[0]),
    ["imc-a", "imc-orphan"],
  );
  assert.deepEqual(h.current()!.metadata?.finalizers, []);
  assert.equal(h.current()!.metadata?.annotations?.[CREATE_INTENT_ANNOTATION], undefined);
  assert.ok(c.forgotten);
});

test("a missing pull secret: Warning and condition False naming the Secret, nothing created", async () => {
  const h = harness(
    imageCache({ spec: { images: ["r.example.com/app:1"], imagePullSecrets: ["default:regcred"] } }),
  );
  await assert.rejects(h.reconciler.reconcile("web", ctx()), /pull secret default:regcred not found/);
  assert.equal(h.eci.calls.filter((c) => c.method === "createImageCache").length, 0);
  const cond = h.current()!.status?.conditions?.find((c) => c.type === SYNCED_CONDITION);
  assert.deepEqual([cond?.status, cond?.reason], ["False", IMC_REASONS.pullSecretFailed]);
});

test("pull secret credentials go to the cloud and nowhere else", async () => {
  const password = "s3cret-pw";
  const dockerconfig = Buffer.from(
    JSON.stringify({ auths: { "r.example.com": { username: "u", password } } }),
  ).toString("base64");
  const h = harness(
    imageCache({ spec: { images: ["r.example.com/app:1"], imagePullSecrets: ["default:regcred"] } }),
    [],
    {
      "default:regcred": {
        type: "kubernetes.io/dockerconfigjson",
        data: { ".dockerconfigjson": dockerconfig },
      },
    },
  );
  await h.reconciler.reconcile("web", ctx());
  const create = h.eci.calls.find((c) => c.method === "createImageCache")!.args[0] as {
    imageRegistryCredentials: unknown;
  };
  assert.deepEqual(create.imageRegistryCredentials, [{ server: "r.example.com", userName: "u", password }]);
  assert.ok(!JSON.stringify(h.current()).includes(password), "not in the object");
  assert.ok(!JSON.stringify(h.events.calls).includes(password), "not in Events");
  const secretReads = h.client.calls.filter((c) => (c.args[0] as { kind: string }).kind === "Secret");
  assert.deepEqual(
    secretReads.map((c) => c.method),
    ["get"],
  );
});

test("a bad spec that bypassed the webhook: Warning and condition False, nothing created", async () => {
  const h = harness(imageCache({ spec: { images: ["r.example.com/app:1"], imageCacheSize: 5 } }));
  await assert.rejects(h.reconciler.reconcile("web", ctx()), /bad ImageCache: .*imageCacheSize/);
  assert.equal(h.eci.calls.filter((c) => c.method === "createImageCache").length, 0);
  const cond = h.current()!.status?.conditions?.find((c) => c.type === SYNCED_CONDITION);
  assert.deepEqual([cond?.status, cond?.reason], ["False", IMC_REASONS.syncFailed]);
});
