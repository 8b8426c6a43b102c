// watchAllPhases: the Pepr watch bindings of one kind for every phase (created, updated, deleted), with
// the phase as the kit's stores take it. Not admission: a capability binds Mutate/Validate itself.
import type { Capability } from "pepr";
import type { GenericClass } from "kubernetes-fluent-client";
import type { WatchPhase } from "./stores";

/** Pepr passes the phase as a string; the kit's stores take "ADDED" | "MODIFIED" | "DELETED". */
export function phaseOf(phase: unknown): WatchPhase {
  return phase === "DELETED" ? "DELETED" : phase === "ADDED" ? "ADDED" : "MODIFIED";
}

/** Binds `onEvent` to every watch event of `model`: Pepr needs one binding for create/update, one for delete. */
export function watchAllPhases<T extends GenericClass>(
  capability: Capability,
  model: T,
  onEvent: (obj: InstanceType<T>, phase: WatchPhase) => void,
): void {
  const watch = (obj: InstanceType<T>, phase: unknown): void => onEvent(obj, phaseOf(phase));
  capability.When(model).IsCreatedOrUpdated().Watch(watch);
  capability.When(model).IsDeleted().Watch(watch);
}
