// Builds the ImageCache controller of the watcher (or dev) process on first use: the cloud client, the
// reconciler and the kit's Controller. The admission process never builds it (no cloud client and no
// Secret reads there), and nothing runs at import time (Pepr's build mode imports this module too).
import { createCloudProvider, loadCloudConfig } from "../../src/cloud";
import { ECI_DEFAULTS, OPERATOR_DEFAULTS } from "../../src/config";
import { Controller, defaultWorkers } from "../../src/controller/controller";
import { ClusterClient } from "../../src/k8s/client";
import { EventRecorder } from "../../src/k8s/events";
import { leadership } from "../../src/k8s/leader";
import type { WatchPhase } from "../../src/k8s/stores";
import { imageCacheFingerprint, ImageCacheReconciler } from "./controller";
import type { ImageCache } from "./crd/types";

export interface ImageCacheWiring {
  controller: Controller;
  /** The ImageCache watch binding's handler. */
  onImageCache(phase: WatchPhase, ic: ImageCache): void;
}

let wiring: ImageCacheWiring | undefined;

function intFromEnv(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

export function imageCacheWiring(): ImageCacheWiring {
  if (wiring) return wiring;
  const cloudConfig = loadCloudConfig(process.env);
  const cloud = createCloudProvider(cloudConfig);
  const client = new ClusterClient();
  const reconciler = new ImageCacheReconciler({
    client,
    events: new EventRecorder(client),
    eci: cloud.eci,
    clusterId: process.env.CLUSTER_ID ?? OPERATOR_DEFAULTS.clusterId,
    poll: {
      initialMs: intFromEnv("ECI_POLL_INITIAL_MS", ECI_DEFAULTS.pollInitialMs),
      factor: ECI_DEFAULTS.pollFactor,
      maxMs: intFromEnv("ECI_POLL_MAX_MS", ECI_DEFAULTS.pollMaxMs),
    },
  });
  const controller = new Controller({
    name: "eci-imagecache",
    reconcile: (key, ctx) => reconciler.reconcile(key, ctx),
    showFailure: (key, failure) => reconciler.showFailure(key, failure),
    // Enough reconciles in flight to keep the ECI API at its client-side rate limit.
    workers: intFromEnv("OPERATOR_WORKERS", defaultWorkers(cloudConfig.rateLimitPerSecond.eci)),
    backoffBaseMs: intFromEnv("OPERATOR_BACKOFF_BASE_MS", OPERATOR_DEFAULTS.backoffBaseMs),
    backoffCapMs: intFromEnv("OPERATOR_BACKOFF_CAP_MS", OPERATOR_DEFAULTS.backoffCapMs),
    resyncIntervalMs: intFromEnv("OPERATOR_RESYNC_INTERVAL_MS", OPERATOR_DEFAULTS.resyncIntervalMs),
    client,
  });
  // Every ImageCache is ours (the kind is).
  const onImageCache = controller.watchPrimary<ImageCache>({
    isRelevant: () => true,
    fingerprint: imageCacheFingerprint,
  });
  void controller.start({ leadership: leadership() });
  wiring = { controller, onImageCache };
  return wiring;
}
