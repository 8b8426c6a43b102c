// What a reconcile can end in, and the one function that turns an ending into queue behaviour and a
// metric label. Modelled on controller-runtime's reconcile.Result / reconcile.TerminalError
// (sigs.k8s.io/controller-runtime pkg/reconcile/reconcile.go) and the AWS LBC's pkg/runtime/reconcile.go.
import { describeError } from "../lib/errors";

export { describeError } from "../lib/errors";

/** A reconcile that returns normally either is done or asks to be looked at again after a delay. */
export type ReconcileResult =
  | { readonly kind: "done" }
  | { readonly kind: "requeueAfter"; readonly delayMs: number; readonly reason: string };

export const Done: ReconcileResult = { kind: "done" };

/** Come back after `delayMs` (not a failure: no backoff, the failure count resets). */
export function RequeueAfter(delayMs: number, reason: string): ReconcileResult {
  return { kind: "requeueAfter", delayMs: Math.max(0, Math.round(delayMs)), reason };
}

/**
 * A failure that retrying cannot fix (a bad manifest, a forbidden reuse): no backoff retry; the object
 * shows it until it changes. `reason` is the Event reason, `message` what the user reads.
 */
export class TerminalError extends Error {
  readonly reason: string;
  /** True when the reconcile already put it on the object (Event and condition). */
  readonly shown: boolean;
  constructor(reason: string, message: string, opts: { shown?: boolean } = {}) {
    super(message);
    this.name = "TerminalError";
    this.reason = reason;
    this.shown = opts.shown ?? false;
  }
}

/**
 * A failure worth retrying with backoff that the reconcile already showed on the object. Any other
 * thrown value is also retried, and the controller shows it (Event and condition) through its
 * `showFailure` hook, so no failure is only logged.
 */
export class ShownError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = "ShownError";
    this.reason = reason;
  }
}

export type OutcomeLabel = "success" | "requeue" | "terminal" | "error";

/** What the queue does with a key after its reconcile. */
export type QueueVerdict =
  | { readonly kind: "forget" }
  | { readonly kind: "after"; readonly delayMs: number }
  | { readonly kind: "backoff"; readonly error: unknown };

export interface Settled {
  verdict: QueueVerdict;
  label: OutcomeLabel;
  /** Present for failures the controller still has to put on the object. */
  unshownFailure?: { reason: string; message: string; terminal: boolean };
}

/** The one mapping from a reconcile's ending to the queue and the metrics (pure). */
export function settle(ending: { result: ReconcileResult } | { error: unknown }): Settled {
  if ("result" in ending) {
    const r = ending.result;
    if (r.kind === "requeueAfter")
      return { verdict: { kind: "after", delayMs: r.delayMs }, label: "requeue" };
    return { verdict: { kind: "forget" }, label: "success" };
  }
  const e = ending.error;
  if (e instanceof TerminalError)
    return {
      verdict: { kind: "forget" },
      label: "terminal",
      ...(e.shown ? {} : { unshownFailure: { reason: e.reason, message: e.message, terminal: true } }),
    };
  if (e instanceof ShownError) return { verdict: { kind: "backoff", error: e }, label: "error" };
  return {
    verdict: { kind: "backoff", error: e },
    label: "error",
    unshownFailure: { reason: "ReconcileFailed", message: describeError(e), terminal: false },
  };
}
