// Leader election on a coordination.k8s.io/v1 Lease, after client-go's leaderelection (kubernetes/client-go,
// tools/leaderelection/leaderelection.go): only the holder's controllers write; admission runs everywhere.
// It is not a fencing token: a reconcile in flight checks `signal()` between writes and stops when it aborts.
import { CoordinationV1Api, KubeConfig, V1Lease, V1LeaseSpec, V1MicroTime } from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { LEADER_ELECTION_DEFAULTS } from "../config";
import { ClusterClient, describeK8sError, isConflict, isNotFound } from "./client";

/** What the controllers read: are we the leader, tell me when that changes, and a signal per term. */
export interface Leadership {
  isLeader(): boolean;
  /** `cb(true)` when a term starts, `cb(false)` when it ends. Returns the unsubscribe function. */
  onChange(cb: (leading: boolean) => void): () => void;
  /** Aborted when the current term ends; already aborted when not leading. */
  signal(): AbortSignal;
}

/** The three Lease calls the elector makes (a CoordinationV1Api, or an in-memory fake in tests). */
export type LeaseApi = Pick<
  CoordinationV1Api,
  "readNamespacedLease" | "createNamespacedLease" | "replaceNamespacedLease"
>;

/** Calls `fn` after `ms`; returns a function that cancels it. Injected by tests with a fake clock. */
export type Scheduler = (ms: number, fn: () => void) => () => void;

export interface LeaderElectorOptions {
  client: KubeConfig | LeaseApi;
  namespace: string;
  name: string;
  /** Unique per process: see `defaultIdentity()`. */
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** Wall clock in ms (default Date.now); renewTime is written and compared with it. */
  now?: () => number;
  schedule?: Scheduler;
  log?: (message: string) => void;
}

/** `<hostname>_<pid>_<random>`: a restarted process never inherits its predecessor's term. */
export function defaultIdentity(): string {
  return `${hostname()}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

const realSchedule: Scheduler = (ms, fn) => {
  const t = setTimeout(fn, Math.max(0, ms));
  return () => clearTimeout(t);
};

/** MicroTime arrives as a string (the generated client does not revive it) or as a Date we built. */
function timeMs(v: Date | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = v instanceof Date ? v.getTime() : Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The Lease's metadata for a PUT: resourceVersion kept (optimistic concurrency), managedFields dropped. */
function writableMetadata(lease: V1Lease): V1Lease["metadata"] {
  const { managedFields: _managedFields, ...metadata } = lease.metadata ?? {};
  return metadata;
}

const NOT_LEADING: AbortSignal = AbortSignal.abort(new Error("not the leader"));

type Attempt = "leading" | "held-by-other" | "failed";

/**
 * One candidate. `start()` tries to acquire every retryPeriod; the leader renews every retryPeriod and
 * ends its term at once when another holder shows up or when no renew succeeded within renewDeadline,
 * which is shorter than leaseDuration, so it has stopped before any follower may take over.
 */
export class LeaderElector implements Leadership {
  readonly identity: string;
  readonly #api: LeaseApi;
  readonly #namespace: string;
  readonly #name: string;
  readonly #leaseDurationMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #now: () => number;
  readonly #schedule: Scheduler;
  readonly #log: (message: string) => void;
  readonly #listeners = new Set<(leading: boolean) => void>();
  readonly #inflight = new Set<Promise<unknown>>();
  #term: AbortController | undefined;
  #lastRenewMs = 0;
  #cancelDeadline: (() => void) | undefined;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #stopped = false;

  constructor(opts: LeaderElectorOptions) {
    if (!opts.identity) throw new Error("leader election: identity is required");
    if (!(opts.retryPeriodMs > 0)) throw new Error("leader election: retryPeriodMs must be > 0");
    if (!(opts.renewDeadlineMs > opts.retryPeriodMs))
      throw new Error("leader election: renewDeadlineMs must be greater than retryPeriodMs");
    if (!(opts.leaseDurationMs > opts.renewDeadlineMs))
      throw new Error("leader election: leaseDurationMs must be greater than renewDeadlineMs");
    this.#api =
      opts.client instanceof KubeConfig ? opts.client.makeApiClient(CoordinationV1Api) : opts.client;
    this.#namespace = opts.namespace;
    this.#name = opts.name;
    this.identity = opts.identity;
    this.#leaseDurationMs = opts.leaseDurationMs;
    this.#renewDeadlineMs = opts.renewDeadlineMs;
    this.#retryPeriodMs = opts.retryPeriodMs;
    this.#now = opts.now ?? Date.now;
    this.#schedule = opts.schedule ?? realSchedule;
    this.#log = opts.log ?? ((m) => console.info(`leader-election: ${m}`));
  }

  isLeader(): boolean {
    return this.#term !== undefined;
  }

  onChange(cb: (leading: boolean) => void): () => void {
    this.#listeners.add(cb);
    return () => this.#listeners.delete(cb);
  }

  signal(): AbortSignal {
    return this.#term?.signal ?? NOT_LEADING;
  }

  start(): void {
    if (this.#loop) return;
    this.#stopped = false;
    this.#loop = this.#run();
  }

  /** Ends the term, waits for the loop, then releases the Lease (holderIdentity cleared) if we hold it. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#endTerm("stopped");
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
    // An abandoned (timed-out) renew could land after the release and hold the Lease again.
    await this.#bounded(Promise.allSettled([...this.#inflight]), this.#renewDeadlineMs);
    try {
      await this.#release();
    } catch (e) {
      this.#log(`release of ${this.#namespace}/${this.#name} failed: ${describeK8sError(e)}`);
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const outcome = await this.#attempt();
      if (this.#stopped) break;
      if (outcome === "leading") {
        if (!this.isLeader()) this.#startTerm();
        this.#armDeadline();
      } else if (outcome === "held-by-other") {
        this.#endTerm("the Lease has another holder");
      } else if (this.isLeader() && this.#now() - this.#lastRenewMs >= this.#renewDeadlineMs) {
        this.#endTerm("no renew succeeded within the renew deadline");
      }
      await this.#sleep(this.#retryPeriodMs);
    }
  }

  /** One tryAcquireOrRenew, abandoned after renewDeadline (the deadline timer ends the term meanwhile). */
  async #attempt(): Promise<Attempt> {
    const startedMs = this.#now();
    const call = this.#tryAcquireOrRenew(startedMs);
    this.#inflight.add(call);
    void call.then(
      () => this.#inflight.delete(call),
      () => this.#inflight.delete(call),
    );
    try {
      const outcome = await this.#bounded(call, this.#renewDeadlineMs);
      if (outcome === undefined) {
        this.#log(`Lease call timed out after ${this.#renewDeadlineMs} ms`);
        return "failed";
      }
      if (outcome === "leading") this.#lastRenewMs = startedMs;
      return outcome;
    } catch (e) {
      this.#log(`Lease ${this.#namespace}/${this.#name}: ${describeK8sError(e)}`);
      return "failed";
    }
  }

  /** client-go's tryAcquireOrRenew: create, renew our own, or take over an expired or released Lease. */
  async #tryAcquireOrRenew(nowMs: number): Promise<Attempt> {
    const namespace = this.#namespace;
    const name = this.#name;
    const lease = await this.#read();
    if (!lease) {
      try {
        await this.#api.createNamespacedLease({
          namespace,
          body: { metadata: { name, namespace }, spec: this.#record(nowMs, nowMs, 0) },
        });
        return "leading";
      } catch (e) {
        if (isConflict(e)) return "held-by-other"; // another candidate created it first
        throw e;
      }
    }
    const spec: V1LeaseSpec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? "";
    const ours = holder === this.identity;
    if (holder && !ours) {
      const renewedMs = timeMs(spec.renewTime) ?? timeMs(spec.acquireTime);
      const durationMs = (spec.leaseDurationSeconds ?? Math.ceil(this.#leaseDurationMs / 1000)) * 1000;
      if (renewedMs !== undefined && renewedMs + durationMs > nowMs) return "held-by-other";
    }
    const transitions = spec.leaseTransitions ?? 0;
    const acquiredMs = ours ? (timeMs(spec.acquireTime) ?? nowMs) : nowMs;
    try {
      await this.#replace(lease, this.#record(acquiredMs, nowMs, ours ? transitions : transitions + 1));
      if (!ours) this.#log(`took over ${namespace}/${name} from ${holder || "nobody (released)"}`);
      return "leading";
    } catch (e) {
      if (isConflict(e)) return "held-by-other"; // optimistic concurrency: someone else wrote first
      throw e;
    }
  }

  /** The Lease, or undefined when there is none yet. */
  async #read(): Promise<V1Lease | undefined> {
    try {
      return await this.#api.readNamespacedLease({ namespace: this.#namespace, name: this.#name });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** PUTs `spec` over the Lease as read: its resourceVersion makes a write in between a 409. */
  async #replace(lease: V1Lease, spec: V1LeaseSpec): Promise<void> {
    await this.#api.replaceNamespacedLease({
      namespace: this.#namespace,
      name: this.#name,
      body: { metadata: writableMetadata(lease), spec },
    });
  }

  #record(acquiredMs: number, renewedMs: number, transitions: number): V1LeaseSpec {
    return {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(this.#leaseDurationMs / 1000),
      acquireTime: new V1MicroTime(acquiredMs),
      renewTime: new V1MicroTime(renewedMs),
      leaseTransitions: transitions,
    };
  }

  /** As client-go's release: holder cleared, so a follower takes over at its next retry. */
  async #release(): Promise<void> {
    const namespace = this.#namespace;
    const name = this.#name;
    const lease = await this.#read();
    if (!lease || lease.spec?.holderIdentity !== this.identity) return;
    const nowMs = this.#now();
    try {
      await this.#replace(lease, {
        leaseDurationSeconds: 1,
        acquireTime: new V1MicroTime(nowMs),
        renewTime: new V1MicroTime(nowMs),
        leaseTransitions: lease.spec.leaseTransitions ?? 0,
      });
      this.#log(`released ${namespace}/${name}`);
    } catch (e) {
      if (!isConflict(e)) throw e; // a conflict means someone else holds it already
    }
  }

  #startTerm(): void {
    this.#term = new AbortController();
    this.#log(`${this.identity} is now the leader (${this.#namespace}/${this.#name})`);
    this.#emit(true);
  }

  #endTerm(reason: string): void {
    this.#cancelDeadline?.();
    this.#cancelDeadline = undefined;
    const term = this.#term;
    if (!term) return;
    this.#term = undefined;
    this.#log(`${this.identity} stopped leading: ${reason}`);
    term.abort(new Error(`leadership lost: ${reason}`));
    this.#emit(false);
  }

  /** Ends the term renewDeadline after the last successful renew, even while a call hangs. */
  #armDeadline(): void {
    this.#cancelDeadline?.();
    const leftMs = this.#lastRenewMs + this.#renewDeadlineMs - this.#now();
    this.#cancelDeadline = this.#schedule(leftMs, () => {
      this.#cancelDeadline = undefined;
      this.#endTerm("no renew succeeded within the renew deadline");
    });
  }

  #emit(leading: boolean): void {
    for (const cb of [...this.#listeners]) {
      try {
        cb(leading);
      } catch (e) {
        this.#log(`a leadership listener threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.#schedule(ms, () => {
        this.#wake = undefined;
        resolve();
      });
      this.#wake = () => {
        cancel();
        this.#wake = undefined;
        resolve();
      };
    });
  }

  /** `p`'s value, or undefined when it has not settled within `ms`. */
  #bounded<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      const cancel = this.#schedule(ms, () => resolve(undefined));
      p.then(
        (v) => {
          cancel();
          resolve(v);
        },
        (e: unknown) => {
          cancel();
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }
}

/** Every replica is leader: admission mode, election switched off, and tests without a Lease. */
class SoleLeader implements Leadership {
  readonly #signal = new AbortController().signal;
  isLeader(): boolean {
    return true;
  }
  onChange(): () => void {
    return () => undefined;
  }
  signal(): AbortSignal {
    return this.#signal;
  }
}

/** The process-wide view: starts as sole leader, then follows the elector `use()` installs. */
class LeadershipRelay implements Leadership {
  #source: Leadership = new SoleLeader();
  #unsubscribe: () => void = () => undefined;
  readonly #listeners = new Set<(leading: boolean) => void>();

  use(source: Leadership): void {
    const was = this.isLeader();
    this.#unsubscribe();
    this.#source = source;
    this.#unsubscribe = source.onChange((leading) => this.#emit(leading));
    if (source.isLeader() !== was) this.#emit(source.isLeader());
  }

  isLeader(): boolean {
    return this.#source.isLeader();
  }
  onChange(cb: (leading: boolean) => void): () => void {
    this.#listeners.add(cb);
    return () => this.#listeners.delete(cb);
  }
  signal(): AbortSignal {
    return this.#source.signal();
  }

  #emit(leading: boolean): void {
    for (const cb of [...this.#listeners]) {
      try {
        cb(leading);
      } catch (e) {
        console.warn(
          `leader-election: a leadership listener threw: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
  }
}

const processLeadership = new LeadershipRelay();

/** This process's leadership, for the controllers: sole leader until `startLeaderElection` elects. */
export function leadership(): Leadership {
  return processLeadership;
}

export interface LeaderElectionSettings {
  enabled: boolean;
  namespace: string;
  name: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

function positiveInt(v: string | undefined, fallback: number): number {
  const n = Number(v);
  return v !== undefined && v !== "" && Number.isInteger(n) && n > 0 ? n : fallback;
}

/** LEADER_ELECTION_DEFAULTS (src/config.ts) with the OPERATOR_LEADER_ELECTION / OPERATOR_LEASE_* overrides. */
export function leaderElectionSettings(env: NodeJS.ProcessEnv = process.env): LeaderElectionSettings {
  const d = LEADER_ELECTION_DEFAULTS;
  const flag = env.OPERATOR_LEADER_ELECTION?.trim().toLowerCase();
  return {
    enabled: flag ? !["false", "0", "off", "no"].includes(flag) : d.enabled,
    namespace: env.OPERATOR_LEASE_NAMESPACE || d.namespace,
    name: env.OPERATOR_LEASE_NAME || d.name,
    leaseDurationMs: positiveInt(env.OPERATOR_LEASE_DURATION_MS, d.leaseDurationMs),
    renewDeadlineMs: positiveInt(env.OPERATOR_RENEW_DEADLINE_MS, d.renewDeadlineMs),
    retryPeriodMs: positiveInt(env.OPERATOR_RETRY_PERIOD_MS, d.retryPeriodMs),
  };
}

/**
 * Starts this process's election (watcher and `all` modes) and makes `leadership()` follow it. Returns the
 * elector, to stop (and release) on shutdown, or undefined when election is off (every replica leads).
 */
export function startLeaderElection(
  settings: LeaderElectionSettings = leaderElectionSettings(),
  client?: KubeConfig | LeaseApi,
): LeaderElector | undefined {
  if (!settings.enabled) return undefined;
  const elector = new LeaderElector({
    client: client ?? ClusterClient.defaultKubeConfig(),
    identity: defaultIdentity(),
    ...settings,
  });
  processLeadership.use(elector);
  elector.start();
  return elector;
}
