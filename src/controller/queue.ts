// A level-triggered, coalescing work queue in the style of client-go's workqueue:
// - watch events only `add(key)`; a key waiting in the queue is stored once (coalescing);
// - a key being processed that is added again is marked dirty and runs once more afterwards,
//   so the worker always re-reads the latest object and never two workers hold one key;
// - a failed key is retried with per-key exponential backoff (capped); success resets it;
// - retries also take a slot of a global token bucket, so a cloud outage that fails every key
//   cannot turn into a retry storm (client-go's DefaultControllerRateLimiter: the later of the
//   per-key backoff and the bucket's next slot). Fresh events are not delayed by it, as in
//   client-go's Add(); `workers` bounds concurrency;
// - `pause()` stops handing out keys (a follower in leader election keeps queueing, runs nothing).

export type ReconcileOutcome = void | { requeueAfterMs?: number };
export type ReconcileHandler = (key: string) => Promise<ReconcileOutcome>;

export interface WorkQueueOptions {
  workers: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Global retry budget: token-bucket rate and burst over every key's retries. */
  ratePerSecond: number;
  burst: number;
  /** Called when a handler throws (after backoff is scheduled). */
  onError?: (key: string, error: unknown, retryInMs: number) => void;
  /** Injected for tests. */
  now?: () => number;
}

export class WorkQueue {
  readonly #handler: ReconcileHandler;
  readonly #opts: Required<Omit<WorkQueueOptions, "onError">> & Pick<WorkQueueOptions, "onError">;
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #tokens: number;
  #lastRefillMs: number;
  #active = 0;
  #stopped = false;
  #paused = false;
  #idleWaiters: Array<() => void> = [];

  constructor(handler: ReconcileHandler, opts: WorkQueueOptions) {
    this.#handler = handler;
    this.#opts = { now: Date.now, ...opts };
    this.#tokens = opts.burst;
    this.#lastRefillMs = this.#opts.now();
  }

  /** Enqueue a key now. Cancels a pending delayed retry of the same key (the new event supersedes it). */
  add(key: string): void {
    if (this.#stopped) return;
    const timer = this.#timers.get(key);
    if (timer) {
      clearTimeout(timer);
      this.#timers.delete(key);
    }
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#queue.push(key);
    this.#pump();
  }

  /** Enqueue a key after a delay, unless it is enqueued sooner by an event. */
  addAfter(key: string, delayMs: number): void {
    if (this.#stopped) return;
    if (this.#timers.has(key)) return;
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#timers.set(key, timer);
  }

  /** Failures recorded for a key (0 after a success). */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  get length(): number {
    return this.#queue.length;
  }

  get activeCount(): number {
    return this.#active;
  }

  /** Resolves when nothing is queued or running (delayed retries do not count). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((res) => this.#idleWaiters.push(res));
  }

  /** Keys keep queueing (coalesced) but no new work starts until resume(). Running work finishes. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#pump();
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Keys waiting to run (not running, not delayed). */
  queuedKeys(): string[] {
    return [...this.#queue];
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  backoffMs(failures: number): number {
    const exp = this.#opts.backoffBaseMs * 2 ** Math.max(0, failures - 1);
    return Math.min(exp, this.#opts.backoffCapMs);
  }

  #isIdle(): boolean {
    return (this.#paused || this.#queue.length === 0) && this.#active === 0;
  }

  /** Reserves the next slot of the global retry bucket; returns how long until it is due. */
  #reserveRetrySlotMs(): number {
    const now = this.#opts.now();
    const refill = ((now - this.#lastRefillMs) / 1000) * this.#opts.ratePerSecond;
    this.#tokens = Math.min(this.#opts.burst, this.#tokens + refill);
    this.#lastRefillMs = now;
    this.#tokens -= 1; // may go negative: the debt is the wait of later retries
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.#opts.ratePerSecond) * 1000);
  }

  #pump(): void {
    while (!this.#stopped && !this.#paused && this.#active < this.#opts.workers && this.#queue.length > 0) {
      const key = this.#queue.shift()!;
      this.#queued.delete(key);
      this.#processing.add(key);
      this.#active++;
      void this.#run(key);
    }
    if (this.#isIdle()) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  async #run(key: string): Promise<void> {
    let retryInMs: number | undefined;
    try {
      const outcome = await this.#handler(key);
      this.#failures.delete(key);
      if (outcome && outcome.requeueAfterMs !== undefined) retryInMs = outcome.requeueAfterMs;
    } catch (error) {
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      retryInMs = Math.max(this.backoffMs(failures), this.#reserveRetrySlotMs());
      try {
        this.#opts.onError?.(key, error, retryInMs);
      } catch {
        // a broken error reporter must not stop the queue
      }
    } finally {
      this.#processing.delete(key);
      this.#active--;
    }
    if (this.#dirty.delete(key)) {
      // A newer event arrived while we worked: run again now with the latest object.
      this.add(key);
    } else if (retryInMs !== undefined) {
      this.addAfter(key, retryInMs);
    }
    this.#pump();
  }
}
