// The controller singleton of the watcher (or dev) process, created on the first watch event: the
// admission process never builds a cloud client, and nothing runs at import time (Pepr's build mode
// imports this module too).
import { createCloudProvider, loadCloudConfig } from "../../src/cloud";
import { OPERATOR_DEFAULTS } from "../../src/config";
import { ClusterClient } from "../../src/k8s/client";
import { ClbController } from "./controller";

let controller: ClbController | undefined;

function intFromEnv(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

export function clbController(): ClbController {
  if (!controller) {
    const cloud = createCloudProvider(loadCloudConfig(process.env));
    controller = new ClbController(
      {
        client: new ClusterClient(),
        slb: cloud.slb,
        network: {
          ecs: cloud.ecs,
          vpc: cloud.vpc,
          vpcId: process.env.ALIBABA_CLOUD_VPC_ID || OPERATOR_DEFAULTS.vpcId,
        },
        clusterId: process.env.CLUSTER_ID ?? OPERATOR_DEFAULTS.clusterId,
        finalizer: OPERATOR_DEFAULTS.serviceFinalizer,
        // plan() clamps it to 1..OPERATOR_DEFAULTS.maxBackendBatchSize.
        backendBatchSize: intFromEnv("OPERATOR_SG_BATCH_SIZE", OPERATOR_DEFAULTS.backendBatchSize),
      },
      {
        workers: intFromEnv("OPERATOR_WORKERS", OPERATOR_DEFAULTS.workers),
        backoffBaseMs: intFromEnv("OPERATOR_BACKOFF_BASE_MS", OPERATOR_DEFAULTS.backoffBaseMs),
        backoffCapMs: intFromEnv("OPERATOR_BACKOFF_CAP_MS", OPERATOR_DEFAULTS.backoffCapMs),
      },
    );
    controller.startResync(intFromEnv("OPERATOR_RESYNC_INTERVAL_MS", OPERATOR_DEFAULTS.resyncIntervalMs));
  }
  return controller;
}
