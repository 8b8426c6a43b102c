import test from "node:test";
import assert from "node:assert/strict";
import { devEmulatorArgs, devReplicas } from "./dev-stack";

test("REPLICAS: empty means the default, otherwise a whole number from 1 to 5", () => {
  assert.equal(devReplicas({}), 1);
  assert.equal(devReplicas({ REPLICAS: "" }), 1);
  assert.equal(devReplicas({ REPLICAS: " 2 " }), 2);
  for (const bad of ["0", "6", "1.5", "two"])
    assert.throws(() => devReplicas({ REPLICAS: bad }), /must be a whole number from 1 to 5/);
});

test("EMULATOR_* variables become the emulator's flags; empty ones are left out; quotas must be JSON", () => {
  assert.deepEqual(devEmulatorArgs({ EMULATOR_RPS: "", EMULATOR_LATENCY_MS: "" }), []);
  assert.deepEqual(
    devEmulatorArgs({
      EMULATOR_RPS: "5",
      EMULATOR_QUOTAS: '{"slbPerAccount":3}',
      EMULATOR_THROTTLE_RATE: "0.1",
      EMULATOR_ERROR_RATE: "0.05",
      EMULATOR_LATENCY_MS: "50",
    }),
    [
      "--rate-limit",
      "5",
      "--quotas",
      '{"slbPerAccount":3}',
      "--throttle-rate",
      "0.1",
      "--error-rate",
      "0.05",
      "--latency-ms",
      "50",
    ],
  );
  assert.throws(() => devEmulatorArgs({ EMULATOR_QUOTAS: "{bad" }), /EMULATOR_QUOTAS=\{bad: must be JSON/);
});
