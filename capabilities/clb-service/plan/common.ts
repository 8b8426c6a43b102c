// Building blocks every planner file of this folder uses: add an action to the plan, the dependency of
// a Ref, and batching. Not a planner itself.
import type { ActionParams, IdOrRef, Plan } from "./index";

/** Appends an action (dependencies deduplicated and sorted, so plans are deterministic); returns its key. */
export function push(out: Plan, key: string, params: ActionParams, dependsOn: string[] = []): string {
  out.actions.push({ kind: params.kind, key, dependsOn: [...new Set(dependsOn)].sort(), params });
  return key;
}

/** The action an id waits for: none for a known id, the producing action for a Ref. */
export function depsOfRef(id: IdOrRef): string[] {
  return typeof id === "string" ? [] : [id.ref];
}

export function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
