// Builds the ALB controller of the watcher (or dev) process: the cloud client, the watch-fed stores, the
// reconciler and the kit's Controller, on first use (nothing runs at import time; Pepr's build imports this
// too). Keys are AlbConfig names; Ingress, IngressClass, Service, EndpointSlice and Node events map to them.
import type { V1EndpointSlice, V1IngressClass, V1Node, V1Service } from "@kubernetes/client-node";
import { nodeChangeMatters } from "../../src/backends/nodes";
import { createCloudProvider, loadCloudConfig } from "../../src/cloud";
import { Controller, defaultWorkers } from "../../src/controller/controller";
import { queueSettingsFromEnv } from "../../src/controller/env-settings";
import { ClusterClient } from "../../src/k8s/client";
import { EventRecorder } from "../../src/k8s/events";
import { leadership } from "../../src/k8s/leader";
import { Store, type WatchPhase } from "../../src/k8s/stores";
import { describeError } from "../../src/lib/errors";
import { observeCloudEvent } from "../../src/metrics/operator";
import { cloudSettings, clusterIdentity } from "../../src/operator/settings";
import type { Ingress } from "./annotations";
import {
  AlbConfigReconciler,
  INGRESSES_BY_SERVICE,
  albConfigFingerprint,
  albStores,
  ingressFingerprint,
} from "./controller";
import type { AlbConfigKind } from "./crd/kind";
import { albConfigOfIngressClass } from "./group";

export interface AlbWiring {
  controller: Controller;
  ingresses: Store<Ingress>;
  ingressClasses: Store<V1IngressClass>;
  services: Store<V1Service>;
  endpointSlices: Store<V1EndpointSlice>;
  nodes: Store<V1Node>;
  onAlbConfig(phase: WatchPhase, ac: AlbConfigKind): void;
}

let wiring: AlbWiring | undefined;

export function albWiring(): AlbWiring {
  if (wiring) return wiring;
  const cloudConfig = loadCloudConfig(process.env);
  // Every cloud call is counted and timed on /metrics (and tells readiness whether the cloud answers).
  const cloud = createCloudProvider(cloudConfig, { onEvent: observeCloudEvent });
  const settings = cloudSettings();
  // The cluster id is read once before the controller starts (src/operator/settings.ts); the queue runs no
  // key before then, and the watch mappings never read it.
  let clusterId: string | undefined;
  const client = new ClusterClient();
  const { ingresses, ingressClasses, services, endpointSlices, nodes } = albStores();
  const reconciler = new AlbConfigReconciler({
    client,
    events: new EventRecorder(client),
    cloud,
    get clusterId(): string {
      if (!clusterId) throw new Error("alb-ingress: reconcile before the cluster id was known");
      return clusterId;
    },
    vpcId: settings.vpcId ?? "",
    ingresses,
    ingressClasses,
    services,
    endpointSlices,
    nodes,
  });
  const controller = new Controller({
    name: "alb-ingress",
    reconcile: (key, ctx) => reconciler.reconcile(key, ctx),
    showFailure: (key, failure) => reconciler.showFailure(key, failure),
    ...queueSettingsFromEnv("OPERATOR_ALB_WORKERS", defaultWorkers(cloudConfig.rateLimitPerSecond.alb)),
    client,
  });
  /** The AlbConfigs of the Ingresses that route to one Service. */
  const byService = (key: string): string[] =>
    ingresses.byIndex(INGRESSES_BY_SERVICE, key).flatMap((i) => reconciler.albConfigOf(i) ?? []);
  /** Keys whose members or backends changed: new server groups may be created ahead of their reconcile. */
  const membersChanged = (keys: string[]): string[] => {
    for (const k of keys) reconciler.groupChanged(k);
    return keys;
  };
  // An Ingress change maps to the AlbConfig it belongs to, and to the one it left; our own status and
  // finalizer writes change nothing the model reads and map to nothing.
  controller.watch(ingresses, (phase, ing, old) => {
    if (phase === "MODIFIED" && old && ingressFingerprint(old) === ingressFingerprint(ing)) return [];
    return membersChanged([
      ...new Set([ing, ...(old ? [old] : [])].flatMap((i) => reconciler.albConfigOf(i) ?? [])),
    ]);
  });
  controller.watch(ingressClasses, (_phase, ic, old) => [
    ...new Set([ic, ...(old ? [old] : [])].flatMap((c) => albConfigOfIngressClass(c) ?? [])),
  ]);
  controller.watch(services, (_phase, svc) =>
    membersChanged(byService(`${svc.metadata?.namespace ?? "default"}/${svc.metadata?.name ?? ""}`)),
  );
  controller.watch(endpointSlices, (_phase, slice) => {
    const svc = slice.metadata?.labels?.["kubernetes.io/service-name"];
    return svc ? byService(`${slice.metadata?.namespace ?? "default"}/${svc}`) : [];
  });
  controller.watch(nodes, (phase, node, old) =>
    phase !== "DELETED" && old && !nodeChangeMatters(old, node) ? [] : controller.knownKeys(),
  );
  const onAlbConfig = controller.watchPrimary<AlbConfigKind>({
    isRelevant: () => true,
    fingerprint: albConfigFingerprint,
  });
  clusterIdentity(client).then(
    (id) => {
      clusterId = id;
      void controller.start({ leadership: leadership() });
    },
    (e: unknown) => {
      console.error(`operator: bad configuration: ${describeError(e)}`);
      process.exit(1);
    },
  );
  wiring = { controller, ingresses, ingressClasses, services, endpointSlices, nodes, onAlbConfig };
  return wiring;
}
