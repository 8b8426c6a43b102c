// The watch-change Events of docs/clb-service.md §2.6 (upstream kubernetes/cloud-provider-alibaba-cloud
// pkg/controller/service/clbv1/event_handler.go needUpdate): which change of a CLB Service the controller
// announces before reconciling it. Pure; the Service watch handler (wiring.ts) keeps the last-seen state
// and writes the Event. Not here: reconcile outcomes (controller.ts), which have their own reasons.
import type { V1Service } from "@kubernetes/client-node";
import type { WatchPhase } from "../../src/k8s/stores";
import { canonicalJson } from "../../src/controller/fingerprint";
import { isClbManagedService } from "./annotations";
import { CLB_REASONS } from "./reasons";

/** What the comparison needs from a Service, kept per key between watch events (no object copy). */
export interface WatchedState {
  uid: string;
  managed: boolean;
  type: string;
  /** Canonical JSON of the annotations a user writes (without the controller's own and Pepr's). */
  annotations: string;
  spec: string;
  deleting: boolean;
}

export interface WatchChangeEvent {
  reason: string;
  message: string;
}

export function watchedState(svc: V1Service, isOwnAnnotation: (key: string) => boolean): WatchedState {
  const annotations = Object.fromEntries(
    Object.entries(svc.metadata?.annotations ?? {}).filter(([k]) => !isOwnAnnotation(k)),
  );
  return {
    uid: svc.metadata?.uid ?? "",
    managed: isClbManagedService(svc),
    type: svc.spec?.type ?? "",
    annotations: canonicalJson(annotations),
    spec: canonicalJson(svc.spec ?? {}),
    deleting: !!svc.metadata?.deletionTimestamp,
  };
}

/**
 * The one Event an update announces, in upstream's order (type, annotations, spec, deletion), or none:
 * none when neither side is CLB-managed, and none for a new object under the same name (other UID).
 */
export function watchChangeEvent(old: WatchedState, next: WatchedState): WatchChangeEvent | undefined {
  if (!old.managed && !next.managed) return undefined;
  if (old.managed !== next.managed)
    return { reason: CLB_REASONS.typeChanged, message: `type change ${old.type} - ${next.type}` };
  if (old.uid !== next.uid) return undefined;
  if (old.annotations !== next.annotations)
    return {
      reason: CLB_REASONS.annotationChanged,
      message: "The service will be updated because the annotations has been changed.",
    };
  if (old.spec !== next.spec)
    return {
      reason: CLB_REASONS.specChanged,
      message: "The service will be updated because the spec has been changed.",
    };
  if (old.deleting !== next.deleting)
    return {
      reason: CLB_REASONS.deleteTimestampChanged,
      message: "The service will be updated because the delete timestamp has been changed.",
    };
  return undefined;
}

export interface AnnouncerOptions {
  /** Services the controller manages (CLB-managed, or still carrying our finalizer). */
  isRelevant(svc: V1Service): boolean;
  /** Annotations the controller or Pepr write: never a change of the Service. */
  isOwnAnnotation(key: string): boolean;
  isLeader(): boolean;
  /** Writes the Event (Normal). */
  announce(svc: V1Service, event: WatchChangeEvent): void;
}

/**
 * Keeps each Service's last-seen state from the watch and announces changes through `announce` (an
 * Event write; no other API call). Services that are not CLB-managed and carry no finalizer of ours are
 * kept as a marker only, enough to see them become CLB Services. Only the leader announces, so replicas
 * do not repeat the Event; after a restart the first sight of a Service announces nothing (no old state).
 */
export class ServiceChangeAnnouncer {
  readonly #seen = new Map<string, WatchedState>();
  readonly #opts: AnnouncerOptions;

  constructor(opts: AnnouncerOptions) {
    this.#opts = opts;
  }

  observe(phase: WatchPhase, svc: V1Service): void {
    const key = `${svc.metadata?.namespace ?? "default"}/${svc.metadata?.name ?? ""}`;
    if (phase === "DELETED") {
      this.#seen.delete(key);
      return;
    }
    const full = watchedState(svc, (k) => this.#opts.isOwnAnnotation(k));
    const next = this.#opts.isRelevant(svc)
      ? full
      : {
          uid: full.uid,
          managed: false,
          type: full.type,
          annotations: "",
          spec: "",
          deleting: full.deleting,
        };
    const old = this.#seen.get(key);
    this.#seen.set(key, next);
    const event = old && watchChangeEvent(old, next);
    if (event && this.#opts.isLeader()) this.#opts.announce(svc, event);
  }
}
