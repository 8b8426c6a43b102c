// The controller kit against a real kube-apiserver: the generic client on a core kind and a custom
// resource (status subresource), finalizers under a conflicting concurrent writer, Event aggregation,
// and watch-fed stores (seeded list, informer adds, updates, deletes and indexes).
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import type { V1ConfigMap, V1Service } from "@kubernetes/client-node";
import { KubeConfig } from "@kubernetes/client-node";
import { Controller } from "../../src/controller/controller";
import { Done } from "../../src/controller/result";
import { ClusterClient, isConflict } from "../../src/k8s/client";
import { EventRecorder } from "../../src/k8s/events";
import { ensureFinalizer, removeFinalizer } from "../../src/k8s/finalizers";
import { KINDS, type KindRef } from "../../src/k8s/kinds";
import { setCondition } from "../../src/k8s/status";
import { seedStore, startInformer, Store } from "../../src/k8s/stores";
import { eventually, Stack, startStack } from "../helpers/stack";

let stack: Stack;
let client: ClusterClient;
let kc: KubeConfig;
const CONFIG_MAP: KindRef = {
  group: "",
  version: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  namespaced: true,
};
const FINALIZER = "test.alicloud-operator.io/kit";

before(async () => {
  stack = await startStack({ operator: false });
  kc = new KubeConfig();
  kc.loadFromFile(stack.cp.kubeconfigPath);
  client = new ClusterClient(kc);
});

after(async () => {
  client?.rest.close();
  await stack?.stop();
});

function configMap(name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}) {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default", labels }, data };
}

test("get, list, patch and patchStatus work on a core kind and on a cluster-scoped custom resource", async () => {
  await client.create(CONFIG_MAP, "default", configMap("kit-a", { x: "1" }));
  const got = await client.get<V1ConfigMap>(CONFIG_MAP, { namespace: "default", name: "kit-a" });
  assert.equal(got?.data?.x, "1");
  assert.equal(await client.get(CONFIG_MAP, { namespace: "default", name: "nope" }), undefined);
  const patched = await client.patch<V1ConfigMap>(
    CONFIG_MAP,
    { namespace: "default", name: "kit-a" },
    {
      data: { y: "2" },
    },
  );
  assert.deepEqual(patched.data, { x: "1", y: "2" });
  const list = await client.list<V1ConfigMap>(CONFIG_MAP, { namespace: "default" });
  assert.ok(list.items.some((c) => c.metadata?.name === "kit-a" && c.kind === "ConfigMap"));
  assert.ok(list.metadata?.resourceVersion);

  await client.create(KINDS.ImageCache, undefined, {
    apiVersion: "eci.alibabacloud.com/v1",
    kind: "ImageCache",
    metadata: { name: "kit-cache" },
    spec: { images: ["busybox:latest"], imageCacheSize: 20 },
  });
  const conditions = setCondition(
    [],
    { type: "Ready", status: "False", reason: "Creating", message: "waiting for the cloud" },
    new Date(),
  );
  const withStatus = await client.patchStatus<{ status?: { phase?: string; conditions?: unknown[] } }>(
    KINDS.ImageCache,
    { name: "kit-cache" },
    { status: { phase: "Creating", conditions } },
  );
  assert.equal(withStatus.status?.phase, "Creating");
  // A status write does not touch the spec, and a spec patch does not write status.
  const afterSpec = await client.patch<{ spec: { imageCacheSize: number }; status?: { phase?: string } }>(
    KINDS.ImageCache,
    { name: "kit-cache" },
    { spec: { imageCacheSize: 40 }, status: { phase: "Ready" } },
  );
  assert.equal(afterSpec.spec.imageCacheSize, 40);
  assert.equal(afterSpec.status?.phase, "Creating");
});

test("ensureFinalizer retries on a conflict and keeps the other writer's finalizer; removeFinalizer removes only ours", async () => {
  const created = await client.create<V1ConfigMap>(CONFIG_MAP, "default", configMap("kit-fin"));
  // Another writer adds its own finalizer after we read: our write, based on the stale read, conflicts.
  await client.patch(
    CONFIG_MAP,
    { namespace: "default", name: "kit-fin" },
    {
      metadata: { finalizers: ["other.example.com/keep"] },
    },
  );
  await assert.rejects(
    client.patch(
      CONFIG_MAP,
      { namespace: "default", name: "kit-fin" },
      {
        metadata: { finalizers: [FINALIZER], resourceVersion: created.metadata?.resourceVersion },
      },
    ),
    (e: unknown) => isConflict(e),
    "a write with the stale resourceVersion conflicts",
  );
  const withOurs = await ensureFinalizer(client, CONFIG_MAP, created, FINALIZER);
  assert.deepEqual(withOurs.metadata?.finalizers, ["other.example.com/keep", FINALIZER]);
  // Idempotent: nothing to write the second time.
  const again = await ensureFinalizer(client, CONFIG_MAP, withOurs, FINALIZER);
  assert.equal(again.metadata?.resourceVersion, withOurs.metadata?.resourceVersion);

  // Another write after ours makes `withOurs` stale: the removal conflicts once, re-reads and succeeds.
  await client.patch(CONFIG_MAP, { namespace: "default", name: "kit-fin" }, { data: { touched: "yes" } });
  const removed = await removeFinalizer(client, CONFIG_MAP, withOurs, FINALIZER, {
    labels: { "kit.example.com/gone": "yes" },
  });
  assert.deepEqual(removed?.metadata?.finalizers, ["other.example.com/keep"]);
  assert.equal(removed?.metadata?.labels?.["kit.example.com/gone"], "yes");
  assert.equal(removed?.data?.touched, "yes", "the other writer's change is kept");
  await client.patch(
    CONFIG_MAP,
    { namespace: "default", name: "kit-fin" },
    { metadata: { finalizers: null } },
  );
});

test("an Event repeated with the same reason and message is one Event with a count", async () => {
  const svc = await client.create<V1Service>(KINDS.Service, "default", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kit-events" },
    spec: { ports: [{ port: 80 }] },
  });
  const events = new EventRecorder(client);
  await events.record(KINDS.Service, svc, "Warning", "SyncLoadBalancerFailed", "Throttling");
  await events.record(KINDS.Service, svc, "Warning", "SyncLoadBalancerFailed", "Throttling");
  await events.record(KINDS.Service, svc, "Normal", "EnsuredLoadBalancer", "Ensured load balancer [lb-1]");
  const list = await client.list<{ reason: string; count: number; involvedObject: { uid: string } }>(
    KINDS.Event,
    {
      namespace: "default",
      fieldSelector: `involvedObject.uid=${svc.metadata!.uid}`,
    },
  );
  const byReason = Object.fromEntries(list.items.map((e) => [e.reason, e.count]));
  assert.deepEqual(byReason, { SyncLoadBalancerFailed: 2, EnsuredLoadBalancer: 1 });
});

test("a seeded store and an informer-fed store see adds, updates and deletes, with indexes", async () => {
  for (const n of ["s1", "s2"])
    await client.create(CONFIG_MAP, "default", configMap(`kit-${n}`, {}, { team: "a" }));
  const byTeam = (c: V1ConfigMap) => (c.metadata?.labels?.team ? [c.metadata.labels.team] : []);
  const seeded = new Store<V1ConfigMap>(CONFIG_MAP, { team: byTeam });
  await seedStore(seeded, client);
  assert.ok(seeded.synced);
  assert.deepEqual(
    seeded
      .byIndex("team", "a")
      .map((c) => c.metadata?.name)
      .sort(),
    ["kit-s1", "kit-s2"],
  );

  const live = new Store<V1ConfigMap>(CONFIG_MAP, { team: byTeam });
  const informer = startInformer(live, kc, client);
  try {
    await live.whenSynced();
    assert.equal(live.byIndex("team", "a").length, 2);
    await client.create(CONFIG_MAP, "default", configMap("kit-s3", {}, { team: "b" }));
    await client.patch(
      CONFIG_MAP,
      { namespace: "default", name: "kit-s1" },
      { metadata: { labels: { team: "b" } } },
    );
    await client.rest.request({ method: "DELETE", path: "/api/v1/namespaces/default/configmaps/kit-s2" });
    await eventually(
      () =>
        live.byIndex("team", "b").length === 2 && live.byIndex("team", "a").length === 0 ? true : undefined,
      10_000,
      "the informer-fed store to follow",
    );
    assert.equal(live.get("default/kit-s2"), undefined);
  } finally {
    await informer.stop();
  }
});

test("a controller seeds its stores from the apiserver before its first reconcile", async () => {
  const store = new Store<V1ConfigMap>(CONFIG_MAP);
  const seen: number[] = [];
  const controller = new Controller({
    name: "kit-test",
    client,
    log: () => undefined,
    reconcile: async () => {
      seen.push(store.size);
      return Done;
    },
  });
  controller.watch(store, () => []);
  const onPrimary = controller.watchPrimary<V1ConfigMap>({ isRelevant: () => true, fingerprint: () => "x" });
  onPrimary("ADDED", configMap("kit-primary") as V1ConfigMap);
  await controller.start();
  await controller.queue.idle();
  controller.stop();
  assert.equal(seen.length, 1);
  assert.ok(seen[0] >= 3, `the store held the cluster's ConfigMaps at the first reconcile (${seen[0]})`);
});
