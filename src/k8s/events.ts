// Kubernetes Events on any object. A repeat of the same reason and message bumps the count of one
// Event instead of adding another each resync (as client-go's EventCorrelator aggregates). Reason
// strings are constants in each capability's reasons.ts. Recording never throws: a lost Event is logged.
import { createHash } from "node:crypto";
import { apiVersionOf, KINDS, type KindRef } from "./kinds";
import { describeK8sError, isConflict, type ClusterClient } from "./client";

export type EventType = "Normal" | "Warning";

export interface InvolvedObject {
  metadata?: { name?: string; namespace?: string; uid?: string };
}

/** Longest Event message the apiserver stores comfortably (it rejects over 1 MiB; kubectl shows ~1 KiB). */
const MAX_MESSAGE_CHARS = 1024;
const EVENT_KIND = KINDS.Event;

export class EventRecorder {
  readonly #client: ClusterClient;
  readonly #log: (msg: string) => void;

  constructor(client: ClusterClient, log: (msg: string) => void = (m) => console.warn(m)) {
    this.#client = client;
    this.#log = log;
  }

  async record(
    kind: KindRef,
    obj: InvolvedObject,
    type: EventType,
    reason: string,
    message: string,
  ): Promise<void> {
    try {
      await this.#record(kind, obj, type, reason, message);
    } catch (e) {
      this.#log(
        `could not record event ${reason} on ${kind.kind} ${obj.metadata?.namespace ?? ""}/${obj.metadata?.name}: ${describeK8sError(e)}`,
      );
    }
  }

  async #record(kind: KindRef, obj: InvolvedObject, type: EventType, reason: string, message: string) {
    const name = obj.metadata?.name ?? "";
    // Events of cluster-scoped objects live in "default", as kubectl describe looks for them there.
    const namespace = obj.metadata?.namespace ?? "default";
    const digest = createHash("sha256")
      .update(`${obj.metadata?.uid}/${type}/${reason}/${message}`)
      .digest("hex")
      .slice(0, 12);
    const eventName = `${name}.${digest}`.slice(0, 253);
    const now = new Date().toISOString();
    const component = this.#client.component;
    const event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: eventName, namespace },
      involvedObject: {
        apiVersion: apiVersionOf(kind),
        kind: kind.kind,
        name,
        namespace: obj.metadata?.namespace,
        uid: obj.metadata?.uid,
      },
      type,
      reason,
      message: message.slice(0, MAX_MESSAGE_CHARS),
      source: { component },
      reportingComponent: component,
      reportingInstance: component,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    // Create first (the common case, one call); a repeat finds it there and bumps its count.
    try {
      await this.#client.create(EVENT_KIND, namespace, event);
      return;
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
    const existing = await this.#client.get<{ count?: number }>(EVENT_KIND, { namespace, name: eventName });
    await this.#client.patch(
      EVENT_KIND,
      { namespace, name: eventName },
      { count: (existing?.count ?? 1) + 1, lastTimestamp: now },
    );
  }
}
