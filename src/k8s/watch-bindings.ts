// watchAllPhases: one Pepr watch binding of one kind for every phase (created, updated, deleted), with the
// phase as the kit's stores take it. Not admission: a capability binds Mutate/Validate itself.
import type { Capability } from "pepr";
import type { GenericClass } from "kubernetes-fluent-client";
import type { WatchPhase } from "./stores";

/** Pepr passes the phase as a string; the kit's stores take "ADDED" | "MODIFIED" | "DELETED". */
export function phaseOf(phase: unknown): WatchPhase {
  return phase === "DELETED" ? "DELETED" : phase === "ADDED" ? "ADDED" : "MODIFIED";
}

/** Pepr's Event.ANY (not exported by Pepr 1.1.4): a watch binding with it gets ADDED, MODIFIED and DELETED. */
const ANY_EVENT = "*";

/**
 * Binds `onEvent` to every watch event of `model` with ONE Pepr watch. Pepr's fluent API only offers
 * IsCreatedOrUpdated / IsDeleted, and each binding is its own watch (its own LIST at start and every relist
 * interval, its own watcher in the apiserver); its watch processor takes Event.ANY as all three phases
 * (pepr src/lib/processors/watch-processor.ts eventToPhaseMap), so the one binding is widened to it.
 */
export function watchAllPhases<T extends GenericClass>(
  capability: Capability,
  model: T,
  onEvent: (obj: InstanceType<T>, phase: WatchPhase) => void,
): void {
  const watch = (obj: InstanceType<T>, phase: unknown): void => onEvent(obj, phaseOf(phase));
  const before = capability.bindings.length;
  capability.When(model).IsCreatedOrUpdated().Watch(watch);
  // Pepr registers watch bindings only in its watch, dev and build modes (not in the admission process).
  const added = capability.bindings.slice(before) as Array<{ isWatch?: boolean; event: string }>;
  for (const binding of added) if (binding.isWatch) binding.event = ANY_EVENT;
}
