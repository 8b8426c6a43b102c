// Fault injection (LocalStack's Chaos API; docs/emulator.md, Admin API) and per-action rate limits.
import { ApiError, Errors } from "./errors";
import { matchesGlob } from "./core";

export interface FaultRule {
  id?: string;
  match?: { product?: string; action?: string; region?: string };
  /** Chance (0..1) that the rule fires on a matching request. Default 1. */
  probability?: number;
  /** Fire on the next N matching requests only, then stop. */
  failNext?: number;
  /** pre: the request is not executed. post: it executes and then the fault is delivered. */
  phase?: "pre" | "post";
  /** Added latency in ms (a fixed value or a [min, max] range). */
  latencyMs?: number | [number, number];
  error?: { httpStatus: number; code: string; message?: string; headers?: Record<string, string> };
  /** Transport failure instead of an answer: `reset` closes the socket, `hang` never replies. */
  network?: "reset" | "hang";
}

export interface FaultOutcome {
  latencyMs: number;
  error?: ApiError;
  network?: "reset" | "hang";
  fired: string[];
}

type StoredRule = FaultRule & { id: string };

export class Faults {
  private rules: StoredRule[] = [];
  private nextId = 1;
  constructor(private readonly random: () => number) {}

  list(): StoredRule[] {
    return this.rules.map((r) => ({ ...r }));
  }
  add(rule: FaultRule): StoredRule {
    validateRule(rule);
    const stored = { ...rule, id: rule.id ?? `f${this.nextId++}` };
    this.rules = [...this.rules.filter((r) => r.id !== stored.id), stored];
    return stored;
  }
  remove(id?: string): number {
    const before = this.rules.length;
    this.rules = id === undefined ? [] : this.rules.filter((r) => r.id !== id);
    return before - this.rules.length;
  }

  evaluate(phase: "pre" | "post", product: string, action: string, region: string): FaultOutcome {
    const out: FaultOutcome = { latencyMs: 0, fired: [] };
    for (const r of this.rules) {
      if ((r.phase ?? "pre") !== phase) continue;
      const m = r.match ?? {};
      if (m.product && m.product.toLowerCase() !== product) continue;
      if (!matchesGlob(m.action, action) || (m.region && m.region !== region)) continue;
      if (r.failNext !== undefined) {
        if (r.failNext <= 0) continue;
        r.failNext--;
      } else if (r.probability !== undefined && this.random() >= r.probability) continue;
      out.fired.push(r.id);
      if (r.latencyMs !== undefined) {
        out.latencyMs += Array.isArray(r.latencyMs)
          ? r.latencyMs[0] + this.random() * (r.latencyMs[1] - r.latencyMs[0])
          : r.latencyMs;
      }
      if (r.network && !out.network) out.network = r.network;
      if (r.error && !out.error) {
        const e = r.error;
        const headers = { ...(e.headers ?? {}) };
        if (e.code.includes("Throttling") && !headers["x-acs-retry-after"])
          headers["x-acs-retry-after"] = "1000";
        out.error = new ApiError(e.code, e.httpStatus, e.message ?? `Injected fault ${r.id}.`, headers);
      }
    }
    return out;
  }
}

function validateRule(r: FaultRule): void {
  if (r.probability !== undefined && !(r.probability >= 0 && r.probability <= 1))
    throw Errors.invalidParam("probability");
  if (r.failNext !== undefined && !(Number.isInteger(r.failNext) && r.failNext >= 0))
    throw Errors.invalidParam("failNext");
  if (r.phase !== undefined && r.phase !== "pre" && r.phase !== "post") throw Errors.invalidParam("phase");
  if (r.error && !(Number.isInteger(r.error.httpStatus) && typeof r.error.code === "string"))
    throw Errors.invalidParam("error");
  if (r.network !== undefined && r.network !== "reset" && r.network !== "hang")
    throw Errors.invalidParam("network");
  if (!r.error && !r.network && r.latencyMs === undefined)
    throw Errors.invalidParam("error", "A rule needs an error, a network fault or latencyMs.");
}

/** Token bucket per (AccessKeyId, product, action): `rps` tokens per second, burst of max(1, rps). */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();
  private readonly burst: number;
  constructor(private readonly rps: number) {
    this.burst = Math.max(1, rps);
  }
  /** Returns 0 if allowed, else the ms to wait for the next token. */
  take(key: string, nowMs: number): number {
    const b = this.buckets.get(key) ?? { tokens: this.burst, atMs: nowMs };
    b.tokens = Math.min(this.burst, b.tokens + ((nowMs - b.atMs) / 1000) * this.rps);
    b.atMs = nowMs;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / this.rps) * 1000);
  }
}
