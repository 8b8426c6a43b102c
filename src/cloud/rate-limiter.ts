// Client-side token bucket, one per API (action), so a burst of reconciles cannot trip the cloud's own
// throttling (which answers Throttling.User and costs a full backoff). Waiters reserve tokens in
// arrival order: the balance may go negative and each caller sleeps until its own token has accrued.
// Background calls (work started ahead of a reconcile, inside `inBackground` below) take only tokens nobody else
// has reserved: they queue in their own lane and never put the balance in debt, so a reconcile's call
// waits behind the reconciles' calls only, however much background work is queued.
import { AsyncLocalStorage } from "node:async_hooks";

export interface Clock {
  nowMs: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const realClock: Clock = {
  nowMs: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class TokenBucket {
  private tokens: number;
  private lastRefillMs: number;
  /** Background callers waiting for a token, first come first served. */
  private readonly backgroundWaiters: Array<() => void> = [];
  private drainingBackground = false;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`TokenBucket: ratePerSecond must be > 0, got ${ratePerSecond}`);
    if (!(burst >= 1)) throw new Error(`TokenBucket: burst must be >= 1, got ${burst}`);
    this.tokens = burst;
    this.lastRefillMs = clock.nowMs();
  }

  /** Takes one token, waiting as long as needed. Returns how long it waited. */
  async acquire(): Promise<number> {
    const waitMs = this.reserve();
    if (waitMs > 0) await this.clock.sleep(waitMs);
    return waitMs;
  }

  /**
   * Takes one token that no other caller has reserved, waiting as long as needed (behind every call that
   * reserved before or meanwhile). Returns how long it waited.
   */
  async acquireBackground(): Promise<number> {
    const startMs = this.clock.nowMs();
    await new Promise<void>((resolve) => {
      this.backgroundWaiters.push(resolve);
      void this.drainBackground();
    });
    return this.clock.nowMs() - startMs;
  }

  private async drainBackground(): Promise<void> {
    if (this.drainingBackground) return;
    this.drainingBackground = true;
    try {
      while (this.backgroundWaiters.length > 0) {
        this.refill();
        if (this.tokens >= 1) {
          this.tokens -= 1;
          this.backgroundWaiters.shift()!();
        } else await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000));
      }
    } finally {
      this.drainingBackground = false;
    }
  }

  /** Takes one token now (possibly on credit) and says how long the caller must wait for it. */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.ratePerSecond) * 1000);
  }

  private refill(): void {
    const nowMs = this.clock.nowMs();
    const elapsedMs = Math.max(0, nowMs - this.lastRefillMs);
    this.lastRefillMs = nowMs;
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs / 1000) * this.ratePerSecond);
  }
}

const background = new AsyncLocalStorage<true>();

/**
 * Runs `fn` with its cloud calls as background work: their mutating calls yield to everyone else's at the
 * rate limiter (TokenBucket.acquireBackground). Reads are not held back: a background create's job poll
 * ends its wait as soon as the job is done.
 */
export function inBackground<T>(fn: () => Promise<T>): Promise<T> {
  return background.run(true, fn);
}

/** Whether this call was started inside inBackground. */
export function isBackground(): boolean {
  return background.getStore() === true;
}
