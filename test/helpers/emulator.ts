// Reading the in-process emulator's call counts (docs/emulator.md, `/_emulator/stats`): tests and benches
// assert on how many cloud calls, and which mutating ones, a run made.
import { handlerTable } from "../../src/emulator/server";

/** Calls per "<product>:<action>" since the emulator started or the last resetCalls. */
export async function emulatorCalls(url: string): Promise<Record<string, number>> {
  return ((await (await fetch(`${url}/_emulator/stats`)).json()) as { calls: Record<string, number> }).calls;
}

export async function resetCalls(url: string): Promise<void> {
  const r = await fetch(`${url}/_emulator/stats`, { method: "DELETE" });
  if (!r.ok) throw new Error(`DELETE /_emulator/stats: ${r.status}`);
}

const MUTATING = new Set(handlerTable().flatMap((h) => (h.mutating ? [`${h.product}:${h.action}`] : [])));

/** The "<product>:<action>" keys of `calls` that change cloud state (the emulator's own handler table says which). */
export function mutatingActions(calls: Record<string, number>, product?: string): string[] {
  return Object.keys(calls).filter((k) => MUTATING.has(k) && (!product || k.startsWith(`${product}:`)));
}

/** How many calls in `calls` changed cloud state. */
export function mutatingCount(calls: Record<string, number>, product?: string): number {
  return mutatingActions(calls, product).reduce((n, k) => n + calls[k], 0);
}
