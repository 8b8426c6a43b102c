// Building blocks every planner file of this folder uses: add an action to the plan, the dependency of a
// Ref, batching, create tokens and value comparison. Not a planner itself.
import { ALB_BATCH_LIMITS, clientTokenFor } from "../../../src/cloud";
import { canonicalJson } from "../../../src/controller/fingerprint";
import type { DesiredModel } from "../model/types";
import type { ActionParams, IdOrRef, Plan, PlanOptions } from "./index";

/** Appends an action (dependencies deduplicated and sorted, so plans are deterministic); returns its key. */
export function push(
  out: Plan,
  key: string,
  params: ActionParams,
  dependsOn: string[] = [],
  exclusive?: string,
): string {
  out.actions.push({
    kind: params.kind,
    key,
    dependsOn: [...new Set(dependsOn)].sort(),
    ...(exclusive !== undefined ? { exclusive } : {}),
    params,
  });
  return key;
}

/** The action an id waits for: none for a known id, the producing action for a Ref. */
export function depsOfRef(id: IdOrRef | undefined): string[] {
  return id === undefined || typeof id === "string" ? [] : [id.ref];
}

export function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function clamp(n: number | undefined, max: number): number {
  if (n === undefined || !Number.isFinite(n)) return max;
  return Math.min(max, Math.max(1, Math.floor(n)));
}

export function rulesPerCall(opts: PlanOptions): number {
  // DeleteRules takes more ids a call, but 10 keeps every rule batch one call.
  return clamp(opts.rulesPerCall, ALB_BATCH_LIMITS.rulesPerCall);
}

export function serversPerCall(opts: PlanOptions): number {
  return clamp(opts.serversPerCall, ALB_BATCH_LIMITS.serversPerCall);
}

/**
 * The ClientToken of one create: from the AlbConfig UID, its create intent and what is created, so a retry
 * (after a crash, or a lost answer) replays the first create and a new intent never does (../tracking.ts).
 */
export function createToken(desired: DesiredModel, what: string): string {
  return clientTokenFor(desired.albConfig.uid, `${desired.albConfig.createIntent ?? "-"}\u0000${what}`);
}

/** Equal as canonical JSON (key order and undefined members do not matter). */
export function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** `<key>` for a single batch, `<key>:1`, `<key>:2`, … for several. */
export function batchKey(key: string, i: number, n: number): string {
  return n === 1 ? key : `${key}:${i + 1}`;
}

/**
 * `want` is covered by `have`: every field `want` sets has that value in `have` (arrays element by element,
 * same length). The cloud reports its defaults for fields we leave out; those are not a difference.
 */
export function covers(want: unknown, have: unknown): boolean {
  if (want === undefined) return true;
  if (Array.isArray(want))
    return Array.isArray(have) && want.length === have.length && want.every((w, i) => covers(w, have[i]));
  if (want !== null && typeof want === "object") {
    if (have === null || typeof have !== "object" || Array.isArray(have)) return false;
    return Object.entries(want).every(([k, v]) => covers(v, (have as Record<string, unknown>)[k]));
  }
  return want === have;
}
