// Client-side token bucket, one per API (action), so a burst of reconciles cannot trip the cloud's own
// throttling (which answers Throttling.User and costs a full backoff). Waiters reserve tokens in
// arrival order: the balance may go negative and each caller sleeps until its own token has accrued.

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
