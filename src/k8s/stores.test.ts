// Store and seedStore (stores.ts): objects are kept without managedFields. A failed start-up list is retried with growing waits, logged each time, until it
// works; the store is synced only then. Stops retrying once its signal aborts.
import test from "node:test";
import assert from "node:assert/strict";
import type { V1Node, V1Service } from "@kubernetes/client-node";
import { recording } from "../../test/helpers/recording";
import type { ClusterClient } from "./client";
import { KINDS } from "./kinds";
import { seedStore, Store } from "./stores";

/** seedStore's waits are unref'd timers (they must not hold a stopping process): keep the test alive. */
async function alive<T>(run: () => Promise<T>): Promise<T> {
  const keep = setInterval(() => undefined, 1_000);
  try {
    return await run();
  } finally {
    clearInterval(keep);
  }
}

test("a failed seed is retried with backoff and logged, then the store is synced", async () => {
  let failures = 2;
  const client = recording<ClusterClient>({
    list: <T>() =>
      failures-- > 0
        ? Promise.reject(new Error("connect ECONNREFUSED"))
        : Promise.resolve({ items: [{ metadata: { name: "n1" } }] as T[] }),
  });
  const store = new Store<V1Node>(KINDS.Node);
  const logs: string[] = [];
  await alive(() =>
    seedStore(store, client, { log: (m) => logs.push(m), backoffBaseMs: 1, backoffCapMs: 4 }),
  );
  assert.ok(store.synced);
  assert.deepEqual(
    store.list().map((n) => n.metadata?.name),
    ["n1"],
  );
  assert.equal(client.calls.length, 3);
  assert.deepEqual(
    logs.map((l) => l.replace(/: .*/, "")),
    ["listing nodes failed, retry in 1 ms", "listing nodes failed, retry in 2 ms"],
  );
});

test("a seed that never works stops when its signal aborts, and the store stays unsynced", async () => {
  const stop = new AbortController();
  const client = recording<ClusterClient>({
    list: () => {
      stop.abort();
      return Promise.reject(new Error("forbidden"));
    },
  });
  const store = new Store<V1Node>(KINDS.Node);
  await alive(() => seedStore(store, client, { signal: stop.signal, backoffBaseMs: 1 }));
  assert.ok(!store.synced);
});

test("the store keeps objects without metadata.managedFields, and everything else as it came", () => {
  const store = new Store<V1Service>(KINDS.Service);
  const svc: V1Service = {
    metadata: {
      name: "web",
      namespace: "default",
      resourceVersion: "7",
      annotations: { a: "1" },
      managedFields: [{ manager: "kubectl", operation: "Apply", fieldsType: "FieldsV1", fieldsV1: {} }],
    },
    spec: { type: "LoadBalancer" },
  };
  let heard: V1Service | undefined;
  store.onChange((_phase, obj) => (heard = obj));
  store.apply("ADDED", svc);
  const kept = store.get("default/web")!;
  assert.equal(kept.metadata?.managedFields, undefined);
  assert.equal(heard, kept, "listeners see the stored object");
  const { managedFields: _dropped, ...metadata } = svc.metadata!;
  assert.deepEqual(kept, { ...svc, metadata });
  assert.equal(svc.metadata?.managedFields?.length, 1, "the event's object is not changed");
});
