// applyGraph(actions, perform, opts): runs a plan's actions in dependency order with bounded concurrency.
// Generic: what an action does is the capability's `perform` (capabilities/clb-service/perform.ts for CLB).
// Shape of AWS LBC `pkg/deploy/stack_deployer.go` and CCM `pkg/controller/service/reconcile/parallel/parallel.go`.
import { describeError } from "../lib/errors";
import type { Action, ActionResult, ApplyError, ApplyResult, Ref } from "./actions";

/** What `perform` may ask of the run while it executes one action. */
export interface PerformContext<O> {
  /** The output of the earlier, successful action that `ref` names; undefined if it produced none. */
  outputOf(ref: Ref): O | undefined;
  /** The run's abort signal (opts.signal), to pass on to long calls. */
  signal?: AbortSignal;
}

/** Runs one action; resolves with its output (ids it produced, if any) or rejects with why it failed. */
export type Perform<P extends { kind: string }, O> = (
  action: Action<P>,
  ctx: PerformContext<O>,
) => Promise<O | undefined>;

/** Given to `recover`: what a failed action may do before it is reported failed. */
export interface RecoveryHandle<P extends { kind: string }, O> {
  /** Still-pending actions that wait for the failed one, directly or through others, in plan order. */
  pendingDependants(): Action<P>[];
  /** Takes a pending action out of the queue and runs it now, ignoring its dependencies and `exclusive`. */
  runNow(action: Action<P>): Promise<ActionResult<O, P["kind"]>>;
  /** Performs the failed action once more. */
  retry(): Promise<O | undefined>;
}

export interface ApplyGraphOptions<P extends { kind: string }, O> {
  /** Actions in flight at once (at least 1). */
  concurrency: number;
  /** True when `error` means the action's resource is already gone: the action counts as done. */
  isAlreadyGone?: (action: Action<P>, error: unknown) => boolean;
  /** Called once when an action fails: resolve with an output to count it ok, or throw (rethrow `error`). */
  recover?: (action: Action<P>, error: unknown, graph: RecoveryHandle<P, O>) => Promise<O | undefined>;
  /** Once aborted no action starts; those in flight finish, the rest are skipped with reason "aborted". */
  signal?: AbortSignal;
}

/**
 * An action runs once all its dependencies succeeded and no action of its `exclusive` value is running (then
 * in plan order among the ready ones); a failure (or skip) skips only its dependants,
 * transitively, and independent branches go on. Duplicate keys and dependencies that can never be met
 * (unknown keys, cycles) are reported as failures and never run. Never throws: every action has a result,
 * every failure an error.
 */
export async function applyGraph<P extends { kind: string }, O>(
  actions: Action<P>[],
  perform: Perform<P, O>,
  opts: ApplyGraphOptions<P, O>,
): Promise<ApplyResult<O, P["kind"]>> {
  return new GraphRun(actions, perform, opts).execute();
}

export { describeError } from "../lib/errors";

type Result<P extends { kind: string }, O> = ActionResult<O, P["kind"]>;

class GraphRun<P extends { kind: string }, O> {
  readonly #perform: Perform<P, O>;
  readonly #opts: ApplyGraphOptions<P, O>;
  readonly #concurrency: number;
  readonly #byKey = new Map<string, Action<P>>();
  readonly #results = new Map<string, Result<P, O>>();
  readonly #outputs = new Map<string, O>();
  readonly #errors: ApplyError<P["kind"]>[] = [];
  readonly #duplicates: Result<P, O>[] = [];
  readonly #pending: Action<P>[] = [];
  readonly #running = new Map<string, Promise<unknown>>();
  /** The `exclusive` values of the actions running now. */
  readonly #exclusiveRunning = new Set<string>();
  readonly #ctx: PerformContext<O>;

  constructor(actions: Action<P>[], perform: Perform<P, O>, opts: ApplyGraphOptions<P, O>) {
    this.#perform = perform;
    this.#opts = opts;
    this.#concurrency = Math.max(1, opts.concurrency);
    this.#ctx = { outputOf: (ref) => this.#outputs.get(ref.ref), signal: opts.signal };
    for (const a of actions) {
      if (this.#byKey.has(a.key)) {
        // Reported, never run: a second action under one key would make references ambiguous.
        const message = `duplicate action key ${a.key}`;
        this.#duplicates.push({ key: a.key, kind: a.kind, status: "failed", message });
        this.#errors.push({ key: a.key, kind: a.kind, error: new Error(message), message });
        continue;
      }
      this.#byKey.set(a.key, a);
      this.#pending.push(a);
    }
  }

  async execute(): Promise<ApplyResult<O, P["kind"]>> {
    for (;;) {
      if (this.#opts.signal?.aborted) for (const a of [...this.#pending]) this.#skip(a, "aborted");
      this.#skipBlocked();
      this.#startReady();
      if (this.#running.size === 0) break;
      await Promise.race(this.#running.values());
    }
    // Whatever is still pending waits on a dependency that never ran (unknown key or a cycle).
    for (const a of [...this.#pending])
      this.#fail(a, new Error(`unresolvable dependencies: ${a.dependsOn.join(", ")}`));
    return { results: [...this.#results.values(), ...this.#duplicates], errors: this.#errors };
  }

  /** A pending action whose dependency failed or was skipped is skipped too, and so on down. */
  #skipBlocked(): void {
    let changed = true;
    while (changed) {
      changed = false;
      for (const a of [...this.#pending]) {
        const bad = a.dependsOn.find((d) => {
          const r = this.#results.get(d);
          return r !== undefined && r.status !== "ok";
        });
        if (bad === undefined) continue;
        this.#skip(a, `dependency ${bad} did not succeed`);
        changed = true;
      }
    }
  }

  #startReady(): void {
    for (const a of [...this.#pending]) {
      if (this.#running.size >= this.#concurrency || this.#opts.signal?.aborted) return;
      if (!a.dependsOn.every((d) => this.#results.get(d)?.status === "ok")) continue;
      if (a.exclusive !== undefined && this.#exclusiveRunning.has(a.exclusive)) continue;
      this.#take(a);
      if (a.exclusive !== undefined) this.#exclusiveRunning.add(a.exclusive);
      const p = this.#runOne(a).finally(() => {
        this.#running.delete(a.key);
        if (a.exclusive !== undefined) this.#exclusiveRunning.delete(a.exclusive);
      });
      this.#running.set(a.key, p);
    }
  }

  #take(a: Action<P>): void {
    this.#pending.splice(this.#pending.indexOf(a), 1);
  }

  /** Performs `a`, then (on failure) `recover`, then the already-gone check; records the result. */
  async #runOne(a: Action<P>): Promise<Result<P, O>> {
    const started = Date.now();
    let output: O | undefined;
    try {
      output = await this.#performOrRecover(a);
    } catch (e) {
      if (this.#goneAfter(a, e)) return this.#ok(a, { alreadyGone: true }, started);
      return this.#fail(a, e, Date.now() - started);
    }
    if (output !== undefined) this.#outputs.set(a.key, output);
    return this.#ok(a, output, started);
  }

  async #performOrRecover(a: Action<P>): Promise<O | undefined> {
    try {
      return await this.#perform(a, this.#ctx);
    } catch (e) {
      if (!this.#opts.recover) throw e;
      return await this.#opts.recover(a, e, {
        pendingDependants: () => this.#pending.filter((p) => this.#dependsOnTransitively(p, a.key)),
        runNow: (b) => this.#runNow(b),
        retry: () => this.#perform(a, this.#ctx),
      });
    }
  }

  /** isAlreadyGone, where a hook that throws counts as "no". */
  #goneAfter(a: Action<P>, e: unknown): boolean {
    try {
      return this.#opts.isAlreadyGone?.(a, e) ?? false;
    } catch {
      return false;
    }
  }

  async #runNow(a: Action<P>): Promise<Result<P, O>> {
    if (!this.#pending.includes(a)) throw new Error(`action ${a.key} is not pending`);
    if (this.#opts.signal?.aborted) return this.#skip(a, "aborted");
    this.#take(a);
    return this.#runOne(a);
  }

  /** True when `a` waits for `key`, directly or through other actions. */
  #dependsOnTransitively(a: Action<P>, key: string): boolean {
    const seen = new Set<string>();
    const todo = [...a.dependsOn];
    for (let k = todo.pop(); k !== undefined; k = todo.pop()) {
      if (k === key) return true;
      if (seen.has(k)) continue;
      seen.add(k);
      todo.push(...(this.#byKey.get(k)?.dependsOn ?? []));
    }
    return false;
  }

  #ok(a: Action<P>, output: Result<P, O>["output"], started: number): Result<P, O> {
    const r: Result<P, O> = {
      key: a.key,
      kind: a.kind,
      status: "ok",
      output,
      durationMs: Date.now() - started,
    };
    this.#results.set(a.key, r);
    return r;
  }

  #skip(a: Action<P>, message: string): Result<P, O> {
    this.#take(a);
    const r: Result<P, O> = { key: a.key, kind: a.kind, status: "skipped", message };
    this.#results.set(a.key, r);
    return r;
  }

  #fail(a: Action<P>, e: unknown, durationMs?: number): Result<P, O> {
    if (this.#pending.includes(a)) this.#take(a);
    const message = describeError(e);
    const r: Result<P, O> = { key: a.key, kind: a.kind, status: "failed", message, durationMs };
    this.#results.set(a.key, r);
    this.#errors.push({ key: a.key, kind: a.kind, error: e, message });
    return r;
  }
}
