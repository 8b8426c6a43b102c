// Keeps one local operator process running, as a kubelet restarts a crashed container: when it exits (a crash,
// kill -9) it is started again after a backoff that doubles with each quick failure (CrashLoopBackOff-like) and
// resets once a run lasted long enough; every exit and restart is logged. `make dev` supervises each controller
// replica with it (src/operator/dev-stack.ts), so the controllers can die while admission keeps answering.
import { DEV_DEFAULTS } from "../config";
import type { LocalOperator } from "./local";

export interface SupervisorOptions {
  /** What the logs call it, e.g. `controller-1`. */
  name: string;
  start(): Promise<LocalOperator>;
  log(message: string): void;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** A run at least this long resets the backoff. */
  stableAfterMs?: number;
}

export class Supervisor {
  readonly name: string;
  /** The running process (undefined while it is down). */
  current?: LocalOperator;
  /** Restarts so far. */
  restarts = 0;
  readonly #opts: SupervisorOptions;
  #stopping = false;
  #wake?: () => void;
  readonly #loop: Promise<void>;
  readonly #firstStart: Promise<LocalOperator>;

  constructor(opts: SupervisorOptions) {
    this.name = opts.name;
    this.#opts = opts;
    let resolveFirst!: (op: LocalOperator) => void;
    let rejectFirst!: (e: unknown) => void;
    this.#firstStart = new Promise((res, rej) => ((resolveFirst = res), (rejectFirst = rej)));
    this.#loop = this.#run(resolveFirst, rejectFirst);
  }

  /** Resolves with the first process once it serves /healthz; rejects if that first start fails. */
  started(): Promise<LocalOperator> {
    return this.#firstStart;
  }

  /** Backoff before restart number `failures` (1-based) in a row. */
  backoffMs(failures: number): number {
    const base = this.#opts.backoffBaseMs ?? DEV_DEFAULTS.restartBackoffBaseMs;
    const cap = this.#opts.backoffCapMs ?? DEV_DEFAULTS.restartBackoffCapMs;
    return Math.min(cap, base * 2 ** Math.max(0, failures - 1));
  }

  /** Stops restarting and stops the running process (SIGTERM, then SIGKILL). */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.current?.stop();
    await this.#loop;
  }

  async #run(resolveFirst: (op: LocalOperator) => void, rejectFirst: (e: unknown) => void): Promise<void> {
    const log = (m: string) => this.#opts.log(m);
    const stableAfterMs = this.#opts.stableAfterMs ?? DEV_DEFAULTS.restartStableAfterMs;
    let failuresInARow = 0;
    let first = true;
    while (!this.#stopping) {
      const startedAt = Date.now();
      let op: LocalOperator;
      try {
        op = await this.#opts.start();
      } catch (e) {
        if (first) return rejectFirst(e);
        failuresInARow++;
        const waitMs = this.backoffMs(failuresInARow);
        log(
          `${this.name}: start failed (${e instanceof Error ? e.message : String(e)}); retry in ${waitMs} ms`,
        );
        await this.#sleep(waitMs);
        continue;
      }
      this.current = op;
      if (first) resolveFirst(op);
      else log(`${this.name}: restarted as pid ${op.pid}`);
      first = false;
      const { code, signal } = await op.exited;
      this.current = undefined;
      if (this.#stopping) return;
      const ranMs = Date.now() - startedAt;
      failuresInARow = ranMs >= stableAfterMs ? 1 : failuresInARow + 1;
      const waitMs = this.backoffMs(failuresInARow);
      this.restarts++;
      log(
        `${this.name}: pid ${op.pid} exited (${signal ? `signal ${signal}` : `code ${code}`}) after ` +
          `${(ranMs / 1000).toFixed(1)} s; restart #${this.restarts} in ${waitMs} ms (log: ${op.logPath})`,
      );
      await this.#sleep(waitMs);
      if (this.#stopping) return;
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((r) => {
      const t = setTimeout(r, ms);
      this.#wake = () => {
        clearTimeout(t);
        r();
      };
    });
  }
}
