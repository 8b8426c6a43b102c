// The controller kit: watch events only update stores and enqueue keys; workers re-read the object and
// reconcile it; the result (result.ts) decides requeue, backoff or nothing. Stores are seeded before the
// first reconcile, every known key is resynced periodically, events caused by our own writes are
// skipped by fingerprint, and only the leader (leader election) runs reconciles. Design: docs/controllers.md.
import { OPERATOR_DEFAULTS } from "../config";
import type { ClusterClient } from "../k8s/client";
import { keyOf } from "../k8s/kinds";
import type { Leadership } from "../k8s/leader";
import { health as processHealth, type Health } from "../metrics/health";
import { seedStore, type Store, type WatchPhase } from "../k8s/stores";
import { controllerMetrics, type ControllerMetrics } from "./metrics";
import { WorkQueue } from "./queue";
import { describeError, settle, type ReconcileResult } from "./result";

export interface ReconcileContext {
  /** Aborted when this process stops leading (or the controller stops): start no write after that. */
  readonly signal: AbortSignal;
  /**
   * The fingerprint of the primary object this reconcile works from. Events whose object has this
   * fingerprint (our own finalizer, label and status writes) do not enqueue the key again.
   */
  observe(fingerprint: string): void;
  /** The primary object is gone, or no longer ours after this cleanup: forget it. */
  forget(): void;
}

export interface FailureToShow {
  reason: string;
  message: string;
  terminal: boolean;
}

export interface ControllerOptions {
  name: string;
  reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult>;
  /** Puts a failure the reconcile did not show on the object (an Event and a condition). Never throws. */
  showFailure?(key: string, failure: FailureToShow): Promise<void>;
  /** Concurrent reconciles. Default: follows the cloud API's rate limit (see defaultWorkers). */
  workers?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  resyncIntervalMs?: number;
  /** Lists for seeding stores. */
  client?: ClusterClient;
  log?: (message: string) => void;
  metrics?: ControllerMetrics;
  /** Where "stores seeded" is reported for /readyz (the process's by default). */
  health?: Health;
}

/**
 * Workers that keep a cloud API busy at its client-side rate limit: a reconcile spends most of its time
 * waiting (a chain of dependent cloud calls and several Kubernetes writes, ~0.6 s for a new Service), so
 * one worker per request per second of the busiest API (measured with 500 Services, bench/README.md:
 * half that, 10 workers for SLB's 20/s, converged at 1.27x the rate floor).
 */
export function defaultWorkers(busiestApiRatePerSecond: number): number {
  return Math.min(OPERATOR_DEFAULTS.maxWorkers, Math.max(1, Math.ceil(busiestApiRatePerSecond)));
}

interface PrimaryWatch<T> {
  isRelevant(obj: T): boolean;
  fingerprint(obj: T): string;
}

const ALWAYS_LEADING: Leadership = {
  isLeader: () => true,
  onChange: () => () => undefined,
  signal: () => new AbortController().signal,
};

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly #opts: ControllerOptions;
  readonly #stores: Store<never>[] = [];
  /** Keys of primary objects we manage (or still hold a finalizer on): resync and fan-out targets. */
  readonly #known = new Set<string>();
  /** The fingerprint of each key at its last successful reconcile. */
  readonly #lastSynced = new Map<string, string>();
  /** The fingerprint a running reconcile works from. */
  readonly #inFlight = new Map<string, string>();
  readonly #stopped = new AbortController();
  #leadership: Leadership = ALWAYS_LEADING;
  #ready = false;
  #resyncTimer?: NodeJS.Timeout;
  readonly #log: (m: string) => void;
  readonly #metrics: ControllerMetrics;
  readonly #removeReadinessCheck: () => void;

  constructor(opts: ControllerOptions) {
    this.name = opts.name;
    this.#opts = opts;
    this.#log = opts.log ?? ((m) => console.warn(`${opts.name}: ${m}`));
    this.#metrics = opts.metrics ?? controllerMetrics;
    this.queue = new WorkQueue((key) => this.#run(key), {
      workers: opts.workers ?? OPERATOR_DEFAULTS.workers,
      backoffBaseMs: opts.backoffBaseMs ?? OPERATOR_DEFAULTS.backoffBaseMs,
      backoffCapMs: opts.backoffCapMs ?? OPERATOR_DEFAULTS.backoffCapMs,
      ratePerSecond: OPERATOR_DEFAULTS.globalRatePerSecond,
      burst: OPERATOR_DEFAULTS.globalBurst,
      onError: (key, error, retryInMs) => {
        this.#metrics.recordRetry(this.name);
        this.#log(`reconcile ${key} failed, retry in ${retryInMs} ms: ${describeError(error)}`);
      },
    });
    // Nothing runs before start(): stores are seeded first, and only a leader reconciles.
    this.queue.pause();
    this.#metrics.register(this.name, () => this.queue.length);
    this.#removeReadinessCheck = (opts.health ?? processHealth).addReadinessCheck(
      `controller ${this.name}`,
      () =>
        this.#ready
          ? { ok: true, detail: "stores seeded" }
          : { ok: false, detail: "seeding its stores (listing the kinds it watches)" },
    );
  }

  /**
   * The primary kind: an event enqueues the object's own key, unless its fingerprint equals the one
   * last reconciled or being reconciled (then it is our own write, no news). An object that stops being
   * relevant is enqueued once more, for cleanup. Returns the event handler for the watch binding.
   */
  watchPrimary<T extends { metadata?: { namespace?: string; name?: string } }>(
    watch: PrimaryWatch<T>,
  ): (phase: WatchPhase, obj: T) => void {
    return (phase, obj) => {
      const key = keyOf(obj);
      if (phase !== "DELETED" && watch.isRelevant(obj)) {
        this.#known.add(key);
        const fp = watch.fingerprint(obj);
        if (this.#lastSynced.get(key) !== fp && this.#inFlight.get(key) !== fp) this.queue.add(key);
      } else if (this.#known.delete(key)) {
        this.queue.add(key);
      }
    };
  }

  /** A secondary kind: its store is seeded before the first reconcile, and each change maps to keys. */
  watch<T extends { metadata?: { namespace?: string; name?: string } }>(
    store: Store<T>,
    mapToKeys: (phase: WatchPhase, obj: T, old: T | undefined) => Iterable<string>,
  ): this {
    this.#stores.push(store as unknown as Store<never>);
    store.onChange((phase, obj, old) => {
      for (const key of mapToKeys(phase, obj, old)) this.queue.add(key);
    });
    return this;
  }

  /** Keys of every primary object we manage (for fan-out from secondary kinds). */
  knownKeys(): string[] {
    return [...this.#known];
  }

  isKnown(key: string): boolean {
    return this.#known.has(key);
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  /** Seeds the stores (retrying until it works), then reconciles while leading. */
  async start(opts: { leadership?: Leadership } = {}): Promise<void> {
    this.#leadership = opts.leadership ?? ALWAYS_LEADING;
    const client = this.#opts.client;
    if (client)
      await Promise.all(
        this.#stores
          .filter((s) => !s.synced)
          .map((s) => seedStore(s, client, { signal: this.#stopped.signal, log: this.#log })),
      );
    if (this.#stopped.signal.aborted) return;
    this.#ready = true;
    this.#leadership.onChange((leading) => this.#setLeading(leading));
    this.#setLeading(this.#leadership.isLeader());
    const every = this.#opts.resyncIntervalMs ?? OPERATOR_DEFAULTS.resyncIntervalMs;
    this.#resyncTimer = setInterval(() => this.resync(), every);
    this.#resyncTimer.unref();
  }

  /** Enqueues every known key (the periodic resync; also on becoming leader). */
  resync(): void {
    for (const key of this.#known) this.queue.add(key);
  }

  stop(): void {
    this.#removeReadinessCheck();
    this.#stopped.abort();
    if (this.#resyncTimer) clearInterval(this.#resyncTimer);
    this.queue.stop();
  }

  #setLeading(leading: boolean): void {
    if (!this.#ready) return;
    if (leading) {
      this.#log("leading: reconciling");
      // What changed while following is unknown: look at everything once.
      this.#lastSynced.clear();
      this.resync();
      this.queue.resume();
    } else {
      this.#log("not leading: reconciles paused");
      this.queue.pause();
    }
  }

  async #run(key: string): Promise<void | { requeueAfterMs: number }> {
    const term = this.#leadership.signal();
    const signal = AbortSignal.any([term, this.#stopped.signal]);
    const ctx: ReconcileContext = {
      signal,
      observe: (fp) => {
        this.#lastSynced.delete(key);
        this.#inFlight.set(key, fp);
      },
      forget: () => {
        this.#known.delete(key);
        this.#lastSynced.delete(key);
      },
    };
    const started = Date.now();
    let ending: { result: ReconcileResult } | { error: unknown };
    try {
      ending = { result: await this.#opts.reconcile(key, ctx) };
    } catch (error) {
      ending = { error };
    }
    const fp = this.#inFlight.get(key);
    this.#inFlight.delete(key);
    const settled = settle(ending);
    this.#metrics.recordReconcile(this.name, settled.label, Date.now() - started);
    if (fp !== undefined && (settled.label === "success" || settled.label === "requeue"))
      this.#lastSynced.set(key, fp);
    if (settled.unshownFailure && !signal.aborted && this.#opts.showFailure) {
      try {
        await this.#opts.showFailure(key, settled.unshownFailure);
      } catch (e) {
        this.#log(`could not show the failure of ${key}: ${describeError(e)}`);
      }
    }
    if (settled.label === "terminal")
      this.#log(
        `reconcile ${key} stopped until the object changes: ${describeError("error" in ending ? ending.error : "")}`,
      );
    switch (settled.verdict.kind) {
      case "forget":
        return;
      case "after":
        return { requeueAfterMs: settled.verdict.delayMs };
      case "backoff":
        throw settled.verdict.error;
    }
  }
}
