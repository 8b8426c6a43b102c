// Builds the ImageCache controller of the watcher (or dev) process on first use: the cloud client, the
// reconciler and the kit's Controller. The admission process never builds it (no cloud client and no
// Secret reads there), and nothing runs at import time (Pepr's build mode imports this module too).
import { createCloudProvider, loadCloudConfig } from "../../src/cloud";
import { ECI_DEFAULTS } from "../../src/config";
import { Controller, defaultWorkers } from "../../src/controller/controller";
import { intFromEnv, queueSettingsFromEnv } from "../../src/controller/env-settings";
import { ClusterClient } from "../../src/k8s/client";
import { EventRecorder } from "../../src/k8s/events";
import { leadership } from "../../src/k8s/leader";
import type { WatchPhase } from "../../src/k8s/stores";
import { describeError } from "../../src/lib/errors";
import { observeCloudEvent } from "../../src/metrics/operator";
import { clusterIdentity } from "../../src/operator/settings";
import { imageCacheFingerprint, ImageCacheReconciler } from "./controller";
import type { ImageCache } from "./crd/types";

export interface ImageCacheWiring {
  controller: Controller;
  /** The ImageCache watch binding's handler. */
  onImageCache(phase: WatchPhase, ic: ImageCache): void;
}

let wiring: ImageCacheWiring | undefined;

export function imageCacheWiring(): ImageCacheWiring {
  if (wiring) return wiring;
  const cloudConfig = loadCloudConfig(process.env);
  // Every cloud call is counted and timed on /metrics.
  const cloud = createCloudProvider(cloudConfig, { onEvent: observeCloudEvent });
  const client = new ClusterClient();
  // Built once the cluster id is known (below); the queue runs no key before start().
  let reconciler: ImageCacheReconciler | undefined;
  const newReconciler = (clusterId: string) =>
    new ImageCacheReconciler({
      client,
      events: new EventRecorder(client),
      eci: cloud.eci,
      clusterId,
      poll: {
        initialMs: intFromEnv("ECI_POLL_INITIAL_MS", ECI_DEFAULTS.pollInitialMs),
        factor: ECI_DEFAULTS.pollFactor,
        maxMs: intFromEnv("ECI_POLL_MAX_MS", ECI_DEFAULTS.pollMaxMs),
      },
    });
  const started = () => {
    if (!reconciler) throw new Error("eci-imagecache: reconcile before the cluster id was known");
    return reconciler;
  };
  const controller = new Controller({
    name: "eci-imagecache",
    reconcile: (key, ctx) => started().reconcile(key, ctx),
    showFailure: (key, failure) => started().showFailure(key, failure),
    // Enough reconciles in flight to keep the ECI API at its client-side rate limit.
    ...queueSettingsFromEnv("OPERATOR_WORKERS", defaultWorkers(cloudConfig.rateLimitPerSecond.eci)),
    client,
  });
  // Every ImageCache is ours (the kind is).
  const onImageCache = controller.watchPrimary<ImageCache>({
    isRelevant: () => true,
    fingerprint: imageCacheFingerprint,
  });
  // The cluster id (tags of our caches) first; an unreadable one stops the process (src/operator/settings.ts).
  clusterIdentity(client).then(
    (clusterId) => {
      reconciler = newReconciler(clusterId);
      void controller.start({ leadership: leadership() });
    },
    (e: unknown) => {
      console.error(`operator: bad configuration: ${describeError(e)}`);
      process.exit(1);
    },
  );
  wiring = { controller, onImageCache };
  return wiring;
}
