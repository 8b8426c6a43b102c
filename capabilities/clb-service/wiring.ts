// Builds the CLB controller of the watcher (or dev) process: the cloud client, the watch-fed stores,
// the reconciler and the kit's Controller, on first use. The admission process never builds it (no cloud
// client there), and nothing runs at import time (Pepr's build mode imports this module too).
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { V1EndpointSlice, V1Node, V1Service } from "@kubernetes/client-node";
import { createCloudProvider, loadCloudConfig } from "../../src/cloud";
import { describeError } from "../../src/lib/errors";
import { OPERATOR_DEFAULTS } from "../../src/config";
import { nodeChangeMatters } from "../../src/backends/nodes";
import { Controller, defaultWorkers } from "../../src/controller/controller";
import { intFromEnv, queueSettingsFromEnv } from "../../src/controller/env-settings";
import { ClusterClient } from "../../src/k8s/client";
import { EventRecorder } from "../../src/k8s/events";
import { KINDS } from "../../src/k8s/kinds";
import { leadership } from "../../src/k8s/leader";
import { Store, type WatchPhase } from "../../src/k8s/stores";
import { observeCloudEvent } from "../../src/metrics/operator";
import { cloudSettings, cloudSettingsProblems, clusterIdentity } from "../../src/operator/settings";
import {
  ClbServiceReconciler,
  isOwnAnnotation,
  isRelevantService,
  serviceFingerprint,
  SLICES_BY_SERVICE,
} from "./controller";
import { ServiceChangeAnnouncer } from "./watch-events";

export interface ClbWiring {
  controller: Controller;
  nodes: Store<V1Node>;
  endpointSlices: Store<V1EndpointSlice>;
  /** The Service watch binding's handler. */
  onService(phase: WatchPhase, svc: V1Service): void;
}

let wiring: ClbWiring | undefined;

/** "<ns>/<service>" of an EndpointSlice (its kubernetes.io/service-name label). */
export function sliceServiceKeys(slice: V1EndpointSlice): string[] {
  const svcName = slice.metadata?.labels?.["kubernetes.io/service-name"];
  return svcName ? [`${slice.metadata?.namespace ?? "default"}/${svcName}`] : [];
}

/**
 * What makes the cloud configuration unusable, in one line, or undefined. Checked when the watcher starts
 * (src/operator/main.ts), so a bad configuration stops the process with a clear message instead of leaving
 * it running without a controller. Only what the environment alone decides: credentials from the ambient
 * chain (RAM role, RRSA) can only be proven by a cloud call, and a failing call shows on each Service.
 */
export function clbConfigurationProblem(env: Record<string, string | undefined>): string | undefined {
  const settingsProblems = cloudSettingsProblems(env);
  if (settingsProblems.length > 0) return settingsProblems.join("; ");
  let config: ReturnType<typeof loadCloudConfig>;
  try {
    config = loadCloudConfig(env);
  } catch (e) {
    return describeError(e);
  }
  if (!/^[a-z]{2,}-[a-z0-9-]+$/.test(config.regionId))
    return `ALIBABA_CLOUD_REGION_ID ${JSON.stringify(config.regionId)} is not a region id (e.g. cn-hangzhou)`;
  if (config.credentials.source === "dir") {
    const dir = config.credentials.dir;
    const missing = ["access-key-id", "access-key-secret"].filter((f) => !existsSync(join(dir, f)));
    if (missing.length > 0) return `ALIBABA_CLOUD_CREDENTIALS_DIR ${dir} has no ${missing.join(" or ")} file`;
  }
  return undefined;
}

export function clbWiring(): ClbWiring {
  if (wiring) return wiring;
  const cloudConfig = loadCloudConfig(process.env);
  const settings = cloudSettings();
  // Every cloud call is counted and timed on /metrics (and tells readiness whether the cloud answers).
  const cloud = createCloudProvider(cloudConfig, { onEvent: observeCloudEvent });
  const client = new ClusterClient();
  const finalizer = OPERATOR_DEFAULTS.serviceFinalizer;
  const nodes = new Store<V1Node>(KINDS.Node);
  const endpointSlices = new Store<V1EndpointSlice>(KINDS.EndpointSlice, {
    [SLICES_BY_SERVICE]: sliceServiceKeys,
  });
  const events = new EventRecorder(client);
  // Built once the cluster id is known (below); the queue runs no key before start().
  let reconciler: ClbServiceReconciler | undefined;
  const newReconciler = (clusterId: string) =>
    new ClbServiceReconciler({
      client,
      events,
      slb: cloud.slb,
      network: { ecs: cloud.ecs, vpc: cloud.vpc, vpcId: settings.vpcId },
      clusterId,
      settings,
      finalizer,
      // plan() clamps it to 1..OPERATOR_DEFAULTS.maxBackendBatchSize.
      backendBatchSize: intFromEnv("OPERATOR_SG_BATCH_SIZE", OPERATOR_DEFAULTS.backendBatchSize),
      nodes,
      endpointSlices,
    });
  const started = () => {
    if (!reconciler) throw new Error("clb-service: reconcile before the cluster id was known");
    return reconciler;
  };
  const controller = new Controller({
    name: "clb-service",
    reconcile: (key, ctx) => started().reconcile(key, ctx),
    showFailure: (key, failure) => started().showFailure(key, failure),
    // Enough reconciles in flight to keep the SLB API at its client-side rate limit.
    ...queueSettingsFromEnv("OPERATOR_WORKERS", defaultWorkers(cloudConfig.rateLimitPerSecond.slb)),
    client,
  });
  // A node change that can change backends reconciles every Service we manage.
  controller.watch(nodes, (phase, node, old) =>
    phase !== "DELETED" && old && !nodeChangeMatters(old, node) ? [] : controller.knownKeys(),
  );
  controller.watch(endpointSlices, (_phase, slice) =>
    sliceServiceKeys(slice).filter((k) => controller.isKnown(k)),
  );
  const enqueueService = controller.watchPrimary<V1Service>({
    isRelevant: (svc) => isRelevantService(svc, finalizer),
    fingerprint: serviceFingerprint,
  });
  const lease = leadership();
  // §2.6 watch-change Events (AnnotationChanged, TypeChanged, ...): from the watch itself, one Event write each.
  const announcer = new ServiceChangeAnnouncer({
    isRelevant: (svc) => isRelevantService(svc, finalizer),
    isOwnAnnotation,
    isLeader: () => lease.isLeader(),
    announce: (svc, e) => void events.record(KINDS.Service, svc, "Normal", e.reason, e.message),
  });
  const onService = (phase: WatchPhase, svc: V1Service): void => {
    announcer.observe(phase, svc);
    enqueueService(phase, svc);
  };
  // Only the Lease holder reconciles (src/k8s/leader.ts); every replica keeps its stores warm. The
  // cluster id comes first: without it no SLB can be told ours, so a failed read stops the process.
  clusterIdentity(client).then(
    (clusterId) => {
      reconciler = newReconciler(clusterId);
      void controller.start({ leadership: lease });
    },
    (e: unknown) => {
      console.error(`operator: bad configuration: ${describeError(e)}`);
      process.exit(1);
    },
  );
  wiring = { controller, nodes, endpointSlices, onService };
  return wiring;
}
