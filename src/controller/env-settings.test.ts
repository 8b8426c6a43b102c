// queueSettingsFromEnv / intFromEnv: positive integers from the environment, defaults otherwise.
import test from "node:test";
import assert from "node:assert/strict";
import { OPERATOR_DEFAULTS } from "../config";
import { intFromEnv, queueSettingsFromEnv } from "./env-settings";

test("intFromEnv takes positive integers only", () => {
  assert.equal(intFromEnv("X", 7, { X: "12" }), 12);
  for (const bad of [undefined, "", "0", "-3", "1.5", "ten"]) assert.equal(intFromEnv("X", 7, { X: bad }), 7);
});

test("queueSettingsFromEnv: the capability's workers variable, the shared backoff and resync ones", () => {
  assert.deepEqual(queueSettingsFromEnv("W", 20, {}), {
    workers: 20,
    backoffBaseMs: OPERATOR_DEFAULTS.backoffBaseMs,
    backoffCapMs: OPERATOR_DEFAULTS.backoffCapMs,
    resyncIntervalMs: OPERATOR_DEFAULTS.resyncIntervalMs,
  });
  const s = queueSettingsFromEnv("W", 20, {
    W: "3",
    OPERATOR_BACKOFF_BASE_MS: "100",
    OPERATOR_RESYNC_INTERVAL_MS: "9",
  });
  assert.equal(s.workers, 3);
  assert.equal(s.backoffBaseMs, 100);
  assert.equal(s.resyncIntervalMs, 9);
});
