// Watch-fed in-memory stores of Kubernetes objects, with named indexes (client-go's Indexer). A store is
// fed either by a controller's watch events (Pepr bindings, in the watcher) or by its own list+watch
// informer (`startInformer`, e.g. in the admission process, which runs no Pepr watches), and answers
// lookups without an API call: admission never LISTs per request, whatever the number of objects.
import { makeInformer, type KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import { OPERATOR_DEFAULTS } from "../config";
import { health } from "../metrics/health";
import type { ClusterClient } from "./client";
import { collectionPath, keyOf, type KindRef } from "./kinds";

export type WatchPhase = "ADDED" | "MODIFIED" | "DELETED";

/** Index function: the index values an object is filed under (none: not in this index). */
export type IndexFn<T> = (obj: T) => readonly string[];

export type StoreListener<T> = (phase: WatchPhase, obj: T, old: T | undefined) => void;

interface Meta {
  metadata?: { namespace?: string; name?: string; resourceVersion?: string; managedFields?: unknown };
}

/**
 * The object without `metadata.managedFields`: nothing here reads them, and they are often the larger part of
 * an object (one entry per field manager). Dropping them keeps a store of thousands of objects small, so the
 * garbage collector of the process holding it (the admission webhook) has less to walk. controller-runtime's
 * caches do the same (sigs.k8s.io/controller-runtime pkg/cache TransformStripManagedFields).
 */
export function withoutManagedFields<T extends Meta>(obj: T): T {
  if (obj.metadata?.managedFields === undefined) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

export class Store<T extends Meta> {
  readonly kind: KindRef;
  readonly #items = new Map<string, T>();
  readonly #indexFns: ReadonlyMap<string, IndexFn<T>>;
  /** index name -> value -> keys */
  readonly #indexes = new Map<string, Map<string, Set<string>>>();
  readonly #listeners: StoreListener<T>[] = [];
  #synced = false;
  #syncWaiters: Array<() => void> = [];

  constructor(kind: KindRef, indexes: Record<string, IndexFn<T>> = {}) {
    this.kind = kind;
    this.#indexFns = new Map(Object.entries(indexes));
    for (const name of this.#indexFns.keys()) this.#indexes.set(name, new Map());
  }

  get size(): number {
    return this.#items.size;
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** Resolves once the store holds a full list (seeded or informer-listed). */
  whenSynced(): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((r) => this.#syncWaiters.push(r));
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  list(): T[] {
    return [...this.#items.values()];
  }

  keys(): string[] {
    return [...this.#items.keys()];
  }

  /** Objects filed under `value` in index `name`. */
  byIndex(name: string, value: string): T[] {
    const index = this.#indexes.get(name);
    if (!index) throw new Error(`store ${this.kind.kind} has no index ${name}`);
    return [...(index.get(value) ?? [])].map((k) => this.#items.get(k)!).filter(Boolean);
  }

  onChange(listener: StoreListener<T>): void {
    this.#listeners.push(listener);
  }

  /** Applies one watch event; returns the previous object. Stale events (older resourceVersion) are kept out. */
  apply(phase: WatchPhase, event: T): T | undefined {
    const obj = withoutManagedFields(event);
    const key = keyOf(obj);
    const old = this.#items.get(key);
    if (phase === "DELETED") {
      if (!old) return undefined;
      this.#unindex(key, old);
      this.#items.delete(key);
    } else {
      if (old) this.#unindex(key, old);
      this.#items.set(key, obj);
      this.#index(key, obj);
    }
    for (const l of this.#listeners) l(phase, obj, old);
    return old;
  }

  /** Replaces the whole content with a fresh list (a seed or a relist), as DELETED/ADDED/MODIFIED events. */
  replace(objs: readonly T[]): void {
    const fresh = new Map(objs.map((o) => [keyOf(o), o]));
    for (const [key, old] of [...this.#items]) if (!fresh.has(key)) this.apply("DELETED", old);
    for (const [key, obj] of fresh) {
      const old = this.#items.get(key);
      if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) continue;
      this.apply(old ? "MODIFIED" : "ADDED", obj);
    }
    this.markSynced();
  }

  markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    const waiters = this.#syncWaiters;
    this.#syncWaiters = [];
    waiters.forEach((w) => w());
  }

  #index(key: string, obj: T): void {
    for (const [name, fn] of this.#indexFns) {
      const index = this.#indexes.get(name)!;
      for (const v of fn(obj)) {
        let keys = index.get(v);
        if (!keys) index.set(v, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  #unindex(key: string, obj: T): void {
    for (const [name, fn] of this.#indexFns) {
      const index = this.#indexes.get(name)!;
      for (const v of fn(obj)) {
        const keys = index.get(v);
        keys?.delete(key);
        if (keys && keys.size === 0) index.delete(v);
      }
    }
  }
}

/** Lists the kind into the store, retrying with capped backoff until it succeeds or `signal` aborts. */
export async function seedStore<T extends Meta>(
  store: Store<T>,
  client: ClusterClient,
  opts: {
    signal?: AbortSignal;
    log?: (m: string) => void;
    backoffBaseMs?: number;
    backoffCapMs?: number;
  } = {},
): Promise<void> {
  const base = opts.backoffBaseMs ?? OPERATOR_DEFAULTS.seedBackoffBaseMs;
  const cap = opts.backoffCapMs ?? OPERATOR_DEFAULTS.seedBackoffCapMs;
  for (let attempt = 0; !opts.signal?.aborted; attempt++) {
    try {
      const list = await client.list<T>(store.kind);
      store.replace(list.items);
      return;
    } catch (e) {
      const waitMs = Math.min(cap, base * 2 ** attempt);
      opts.log?.(
        `listing ${store.kind.plural} failed, retry in ${waitMs} ms: ${e instanceof Error ? e.message : String(e)}`,
      );
      await new Promise((r) => setTimeout(r, waitMs).unref());
    }
  }
}

let informers = 0;

export interface InformerHandle {
  stop(): Promise<void>;
}

/**
 * Feeds `store` from its own list+watch (client-node's informer: relists on a 410 Gone and reports what
 * vanished meanwhile as deletions). After an error
 * the watch restarts after `restartDelayMs`; the store keeps answering from what it holds meanwhile.
 */
export function startInformer<T extends Meta & KubernetesObject>(
  store: Store<T>,
  kc: KubeConfig,
  client: ClusterClient,
  opts: { log?: (m: string) => void; restartDelayMs?: number } = {},
): InformerHandle {
  const path = collectionPath(store.kind);
  const informer = makeInformer<T>(kc, path, async () => {
    const list = await client.list<T>(store.kind);
    // The informer files the listed objects (and deletes what vanished) right after this returns,
    // synchronously; only then is the store a full picture.
    setImmediate(() => store.markSynced());
    return { apiVersion: "v1", kind: "List", items: list.items, metadata: list.metadata ?? {} };
  });
  let stopped = false;
  // Readiness (/readyz) waits for the first full list of every informer this process started.
  const removeReadinessCheck = health.addReadinessCheck(
    `informer ${store.kind.plural} #${++informers}`,
    () =>
      store.synced
        ? { ok: true, detail: "synced" }
        : { ok: false, detail: `listing ${store.kind.plural} for the first time` },
  );
  informer.on("add", (o) => store.apply("ADDED", o));
  informer.on("update", (o) => store.apply("MODIFIED", o));
  informer.on("delete", (o) => store.apply("DELETED", o));
  informer.on("error", (err) => {
    if (stopped) return;
    opts.log?.(
      `watch of ${store.kind.plural} failed, restarting: ${err instanceof Error ? err.message : String(err)}`,
    );
    setTimeout(
      () => void (stopped ? undefined : informer.start().catch(() => undefined)),
      opts.restartDelayMs ?? OPERATOR_DEFAULTS.seedBackoffBaseMs,
    ).unref();
  });
  void informer.start().catch((e: unknown) => {
    opts.log?.(
      `starting the watch of ${store.kind.plural} failed: ${e instanceof Error ? e.message : String(e)}`,
    );
  });
  return {
    stop: async () => {
      stopped = true;
      removeReadinessCheck();
      await informer.stop();
    },
  };
}
