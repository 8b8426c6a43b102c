// A plan as data: the generic Action (a key, the keys it waits for, and a capability's params) and the
// result types of running one. Nothing here knows a cloud API; each capability's plan/ and perform.ts do.
// The executor that runs a list of these is apply-graph.ts.

/** The id produced by an earlier action, named by that action's key (a new load balancer, group...). */
export interface Ref {
  ref: string;
}
/** An id known at planning time, or one that an earlier action of the same plan will produce. */
export type IdOrRef = string | Ref;

export interface Action<P extends { kind: string }> {
  kind: P["kind"];
  /** Unique within a plan; other actions name it in dependsOn and in Refs. */
  key: string;
  /** Keys of the actions that must succeed before this one runs. */
  dependsOn: string[];
  /**
   * Actions with the same value never run at the same time, in no set order: whichever is ready first goes
   * first (calls that each lock one cloud resource while it applies them, e.g. the rule calls of a listener).
   */
  exclusive?: string;
  params: P;
}

/** The output of an action that found its resource already gone (a delete counted as done). */
export interface AlreadyGone {
  alreadyGone: true;
}

export interface ActionResult<O, K extends string = string> {
  key: string;
  kind: K;
  status: "ok" | "failed" | "skipped";
  output?: O | AlreadyGone;
  /** failed: the error; skipped: why. */
  message?: string;
  durationMs?: number;
}

export interface ApplyError<K extends string = string> {
  key: string;
  kind: K;
  error: unknown;
  message: string;
}

/** Every action has one result; every failure (not a skip) also has an error. */
export interface ApplyResult<O, K extends string = string> {
  results: ActionResult<O, K>[];
  errors: ApplyError<K>[];
}
