// The queue settings every capability's controller reads from the environment (README "Settings"), in one
// place: workers, per-key backoff and the periodic resync. Defaults come from src/config.ts.
import { OPERATOR_DEFAULTS } from "../config";

/** A positive integer from the environment, else the fallback (an unset or bad value never throws). */
export function intFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

export interface QueueSettings {
  workers: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  resyncIntervalMs: number;
}

/** Workers from `workersEnv` (else `defaultWorkers`), and the shared backoff and resync variables. */
export function queueSettingsFromEnv(
  workersEnv: string,
  defaultWorkers: number,
  env: NodeJS.ProcessEnv = process.env,
): QueueSettings {
  return {
    workers: intFromEnv(workersEnv, defaultWorkers, env),
    backoffBaseMs: intFromEnv("OPERATOR_BACKOFF_BASE_MS", OPERATOR_DEFAULTS.backoffBaseMs, env),
    backoffCapMs: intFromEnv("OPERATOR_BACKOFF_CAP_MS", OPERATOR_DEFAULTS.backoffCapMs, env),
    resyncIntervalMs: intFromEnv("OPERATOR_RESYNC_INTERVAL_MS", OPERATOR_DEFAULTS.resyncIntervalMs, env),
  };
}
