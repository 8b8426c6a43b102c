// Waits on ALB asynchronous jobs (every ALB mutation answers a JobId) for all callers of one provider at once:
// the pending job ids of every waiter are polled together, up to ALB_JOB_IDS_PER_CALL per ListAsynJobs call.
// With one poll per waiter, a reconcile with many actions in flight (and several reconciles at once) would
// spend its ListAsynJobs rate limit on repeating the same question; batched, the poll rate does not grow
// with the number of waiters.
import { ALB_CLOUD_DEFAULTS } from "../../config";
import { CloudError } from "../errors";
import type { AlbJob, AlbWaitOptions } from "../types";

/** ListAsynJobs takes at most 20 JobIds. */
export const ALB_JOB_IDS_PER_CALL = 20;

export interface AlbJobWaiterDeps {
  listAsynJobs(jobIds: string[]): Promise<AlbJob[]>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

interface Waiter {
  pending: Set<string>;
  deadlineMs: number;
  timeoutMs: number;
  pollMs: number;
  resolve(): void;
  reject(e: unknown): void;
}

export class AlbJobWaiter {
  readonly #deps: AlbJobWaiterDeps;
  readonly #waiters = new Set<Waiter>();
  #polling = false;

  constructor(deps: AlbJobWaiterDeps) {
    this.#deps = deps;
  }

  /** Resolves once every job succeeded; rejects on the first failed job, on a poll error, or at the timeout. */
  wait(jobIds: readonly string[], opts: AlbWaitOptions = {}): Promise<void> {
    const pending = new Set(jobIds.filter(Boolean));
    if (pending.size === 0) return Promise.resolve();
    const timeoutMs = opts.timeoutMs ?? ALB_CLOUD_DEFAULTS.waitTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      this.#waiters.add({
        pending,
        timeoutMs,
        deadlineMs: this.#deps.now() + timeoutMs,
        pollMs: opts.pollIntervalMs ?? ALB_CLOUD_DEFAULTS.jobPollIntervalMs,
        resolve,
        reject,
      });
      if (!this.#polling) void this.#poll();
    });
  }

  async #poll(): Promise<void> {
    this.#polling = true;
    try {
      while (this.#waiters.size > 0) {
        await this.#deps.sleep(Math.min(...[...this.#waiters].map((w) => w.pollMs)));
        await this.#pollOnce();
      }
    } finally {
      this.#polling = false;
    }
  }

  async #pollOnce(): Promise<void> {
    const ids = [...new Set([...this.#waiters].flatMap((w) => [...w.pending]))];
    for (let i = 0; i < ids.length; i += ALB_JOB_IDS_PER_CALL) {
      const batch = ids.slice(i, i + ALB_JOB_IDS_PER_CALL);
      let jobs: AlbJob[];
      try {
        jobs = await this.#deps.listAsynJobs(batch);
      } catch (e) {
        // The transport has retried already: the callers' reconciles retry with backoff.
        for (const w of this.#waitersOf(batch)) this.#settle(w, e);
        continue;
      }
      for (const job of jobs) {
        for (const w of this.#waitersOf([job.jobId])) {
          if (job.status === "Failed") this.#settle(w, jobFailed(job));
          else if (job.status === "Succeeded") w.pending.delete(job.jobId);
        }
      }
    }
    const nowMs = this.#deps.now();
    for (const w of [...this.#waiters]) {
      if (w.pending.size === 0) this.#settle(w);
      else if (nowMs + w.pollMs > w.deadlineMs)
        this.#settle(
          w,
          new CloudError({
            kind: "Timeout",
            code: "WaitTimeout",
            message: `timed out after ${w.timeoutMs} ms waiting for ALB jobs ${[...w.pending].join(",")}`,
          }),
        );
    }
  }

  #waitersOf(jobIds: readonly string[]): Waiter[] {
    return [...this.#waiters].filter((w) => jobIds.some((id) => w.pending.has(id)));
  }

  #settle(w: Waiter, error?: unknown): void {
    if (!this.#waiters.delete(w)) return;
    if (error === undefined) w.resolve();
    else w.reject(error);
  }
}

function jobFailed(job: AlbJob): CloudError {
  return new CloudError({
    kind: "Conflict",
    code: job.errorCode || "JobFailed",
    message: `alb:${job.apiName}: job ${job.jobId} failed${job.errorMessage ? `: ${job.errorMessage}` : ""}`,
    action: `alb:${job.apiName}`,
  });
}
