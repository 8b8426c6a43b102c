// seedStore (stores.ts): a failed start-up list is retried with growing waits, logged each time, until it
// works; the store is synced only then. Stops retrying once its signal aborts.
import test from "node:test";
import assert from "node:assert/strict";
import type { V1Node } from "@kubernetes/client-node";
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
