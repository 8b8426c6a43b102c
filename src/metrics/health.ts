// Readiness of the process: named checks (stores seeded, the cloud reachable for the leader) that /readyz
// evaluates on every probe, and the cloud reachability tracker fed by the cloud layer's call events. Liveness
// is separate and simpler (the event loop answers): a cloud outage makes a pod unready, never restarts it.
import type { CloudErrorKind, CloudEvent } from "../cloud";

export interface CheckResult {
  ok: boolean;
  detail: string;
}

export interface Readiness {
  ready: boolean;
  checks: Array<{ name: string } & CheckResult>;
}

export class Health {
  readonly #checks = new Map<string, () => CheckResult>();

  /** Registers (or replaces) a check; returns the function that removes it. */
  addReadinessCheck(name: string, check: () => CheckResult): () => void {
    this.#checks.set(name, check);
    return () => {
      if (this.#checks.get(name) === check) this.#checks.delete(name);
    };
  }

  /** Every check; one that throws counts as failing with its message. */
  readiness(): Readiness {
    const checks = [...this.#checks].map(([name, check]) => {
      try {
        return { name, ...check() };
      } catch (e) {
        return { name, ok: false, detail: `check failed: ${e instanceof Error ? e.message : String(e)}` };
      }
    });
    return { ready: checks.every((c) => c.ok), checks };
  }
}

/** The process's readiness checks. */
export const health = new Health();

/** Failures that say the cloud cannot be reached or will not let us in; other errors prove it answers. */
const UNREACHABLE_KINDS: ReadonlySet<CloudErrorKind> = new Set(["Timeout", "Unavailable", "Auth"]);

type CallEvent = Extract<CloudEvent, { type: "call" }>;

/**
 * Reachable unless the most recent cloud call failed with a transport, availability or authentication
 * error. Before any call it is reachable (nothing says otherwise; the first reconcile makes calls).
 */
export class CloudReachability {
  #last?: { event: CallEvent; atMs: number };

  record(e: CallEvent, atMs = Date.now()): void {
    this.#last = { event: e, atMs };
  }

  status(): CheckResult {
    const last = this.#last;
    if (!last) return { ok: true, detail: "no cloud call yet" };
    const { event } = last;
    const at = new Date(last.atMs).toISOString();
    if (event.kind && UNREACHABLE_KINDS.has(event.kind))
      return {
        ok: false,
        detail: `last cloud call ${event.family}:${event.action} at ${at} failed: ${event.code} (${event.kind})`,
      };
    return { ok: true, detail: `last cloud call ${event.family}:${event.action} at ${at} answered` };
  }
}
