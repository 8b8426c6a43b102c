// Readiness-gate decisions and the pod status patch.
import test from "node:test";
import assert from "node:assert/strict";
import type { V1Pod } from "@kubernetes/client-node";
import {
  gateConditionPatch,
  hasReadinessGate,
  isContainersReady,
  MESSAGE_INVALID,
  MESSAGE_REGISTERED,
  readinessGateType,
  readinessUpdates,
  REASON_INVALID,
  REASON_REGISTERED,
} from "./readiness-gates";

const GATE = readinessGateType("readiness.example.com", "web");

test("the gate type is <prefix>/<service>; a pod has it when it declares it, ContainersReady from its conditions", () => {
  assert.equal(GATE, "readiness.example.com/web");
  assert.ok(hasReadinessGate(pod([]), GATE));
  assert.ok(!hasReadinessGate(pod([], false), GATE));
  assert.ok(isContainersReady(pod([{ type: "ContainersReady", status: "True" }])));
  assert.ok(!isContainersReady(pod([{ type: "ContainersReady", status: "False" }])));
});

test("readinessUpdates: True for gated pods with a registered address once applied, False for invalid ENI backends", () => {
  const model = {
    podByIp: {
      "192.168.0.1": "ns/a",
      "192.168.0.2": "ns/b",
      "10.0.0.3": "ns/c",
      "192.168.0.4": "ns/d",
    },
    gatedPods: ["ns/a", "ns/b", "ns/c"],
  };
  const eni = { skippedIps: ["10.0.0.3"], invalidIps: ["192.168.0.2", "192.168.0.4"] };
  const pick = (applied: boolean) =>
    readinessUpdates(model, eni, applied).map((u) => [u.pod, u.status, u.reason]);
  // a: registered; b: invalid (False even though gated); c: outside the VPC (left alone); d: invalid, ready.
  assert.deepEqual(pick(true), [
    ["ns/b", "False", REASON_INVALID],
    ["ns/d", "False", REASON_INVALID],
    ["ns/a", "True", REASON_REGISTERED],
  ]);
  // A failed apply never claims registration; invalid backends are still reported.
  assert.deepEqual(pick(false), [
    ["ns/b", "False", REASON_INVALID],
    ["ns/d", "False", REASON_INVALID],
  ]);
  // ECS mode (no ENI resolution): every gated pod.
  assert.deepEqual(
    readinessUpdates({ podByIp: { "10.0.0.1": "ns/a" }, gatedPods: ["ns/a"] }, undefined, true).map(
      (u) => u.pod,
    ),
    ["ns/a"],
  );
  assert.deepEqual(readinessUpdates({}, undefined, true), []);
});

function pod(conditions: NonNullable<V1Pod["status"]>["conditions"], gate = true): V1Pod {
  return {
    metadata: { name: "a", namespace: "ns", uid: "pod-uid-1" },
    spec: { containers: [], readinessGates: gate ? [{ conditionType: GATE }] : [] },
    status: { conditions },
  };
}

test("gateConditionPatch: only for pods with the gate, only on change, transition time kept when the status stays", () => {
  const now = new Date("2026-01-02T03:04:05.000Z");
  const up = { pod: "ns/a", status: "True" as const, reason: REASON_REGISTERED, message: MESSAGE_REGISTERED };
  assert.equal(gateConditionPatch(pod([], false), GATE, up, now), undefined);
  assert.deepEqual(gateConditionPatch(pod([{ type: "ContainersReady", status: "True" }]), GATE, up, now), {
    metadata: { uid: "pod-uid-1" },
    status: {
      conditions: [
        {
          type: GATE,
          status: "True",
          reason: REASON_REGISTERED,
          message: MESSAGE_REGISTERED,
          lastTransitionTime: "2026-01-02T03:04:05.000Z",
          lastProbeTime: null,
        },
      ],
    },
  });
  const current = pod([
    { type: GATE, status: "True", reason: REASON_REGISTERED, message: MESSAGE_REGISTERED },
  ]);
  assert.equal(gateConditionPatch(current, GATE, up, now), undefined);
  const down = { pod: "ns/a", status: "False" as const, reason: REASON_INVALID, message: MESSAGE_INVALID };
  const flipped = gateConditionPatch(current, GATE, down, now) as {
    status: { conditions: Array<Record<string, unknown>> };
  };
  assert.equal(flipped.status.conditions[0].status, "False");
  assert.equal(flipped.status.conditions[0].lastTransitionTime, "2026-01-02T03:04:05.000Z");
  const earlier = new Date("2025-12-31T00:00:00.000Z");
  const reworded = gateConditionPatch(
    pod([{ type: GATE, status: "False", reason: "Other", message: "x", lastTransitionTime: earlier }]),
    GATE,
    down,
    now,
  ) as { status: { conditions: Array<Record<string, unknown>> } };
  assert.equal(reworded.status.conditions[0].lastTransitionTime, earlier);
});
