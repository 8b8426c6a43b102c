// Endpoints as backends: which endpoints of a port count (§3.3, readiness gates), where they run, and
// the percent weight (§3.4). § numbers refer to docs/clb-service.md.
import test from "node:test";
import assert from "node:assert/strict";
import { node, pod, podSlice, slice } from "../../test/helpers/k8s-objects";
import {
  endpointsForPort,
  endpointsWithReadiness,
  notReadyEndpointPods,
  percentWeight,
  placeEndpoints,
  podKey,
} from "./endpoints";
import { readinessGateType } from "./readiness-gates";

const PREFIX = "readiness.example.com";
const GATE = readinessGateType(PREFIX, "web");

test("endpoints: not-ready and terminating skipped, dedup across slices, named port per slice", () => {
  const slices = [
    slice("s1", { name: "web", port: 8080 }, [
      { ip: "10.0.0.1", node: "n1" },
      { ip: "10.0.0.2", node: "n1", ready: false },
      { ip: "10.0.0.3", node: "n1", terminating: true },
    ]),
    slice("s2", { name: "web", port: 8080 }, [{ ip: "10.0.0.1", node: "n1" }]),
    slice("s3", { name: "web", port: 9090 }, [{ ip: "10.0.0.4", node: "n2" }]),
    slice("s4", { name: "metrics", port: 9100 }, [{ ip: "10.0.0.5", node: "n2" }]),
  ];
  assert.deepEqual(
    endpointsForPort(slices, "web").map((e) => `${e.ip}:${e.port}`),
    ["10.0.0.1:8080", "10.0.0.4:9090"],
  );
});

test("not-ready endpoints count only with this Service's readiness gate and ContainersReady; unknown or unready gated pods ask for a requeue", () => {
  const slices = [
    podSlice([
      { ip: "10.0.0.1", pod: "ready", ready: true },
      { ip: "10.0.0.2", pod: "gated-ready", ready: false },
      { ip: "10.0.0.3", pod: "gated-starting", ready: false },
      { ip: "10.0.0.4", pod: "no-gate", ready: false },
      { ip: "10.0.0.5", pod: "unknown", ready: false },
      { ip: "10.0.0.6", pod: "gated-terminating", ready: false, terminating: true },
    ]),
  ];
  assert.deepEqual(notReadyEndpointPods(slices), [
    "shop/gated-ready",
    "shop/gated-starting",
    "shop/no-gate",
    "shop/unknown",
  ]);
  const pods = new Map(
    [
      pod("gated-ready", { gate: GATE, containersReady: true }),
      pod("gated-starting", { gate: GATE, containersReady: false }),
      pod("no-gate", { containersReady: true }),
      pod("gated-terminating", { gate: GATE, containersReady: true }),
    ].map((p) => [podKey(p), p]),
  );
  const r = endpointsWithReadiness(slices, "http", { pods, gateType: GATE });
  assert.deepEqual(
    r.endpoints.map((e) => [e.ip, e.pod, e.gated ?? false]),
    [
      ["10.0.0.1", "shop/ready", false],
      ["10.0.0.2", "shop/gated-ready", true],
    ],
  );
  assert.equal(r.potentialReady, true);
  // Without the unknown and the starting pod nothing is pending.
  const settled = endpointsWithReadiness(
    [podSlice([{ ip: "10.0.0.2", pod: "gated-ready", ready: false }])],
    "http",
    {
      pods,
      gateType: GATE,
    },
  );
  assert.equal(settled.potentialReady, false);
  // Another Service's gate does not count.
  const other = endpointsWithReadiness(slices, "http", { pods, gateType: readinessGateType(PREFIX, "api") });
  assert.deepEqual(
    other.endpoints.map((e) => e.ip),
    ["10.0.0.1"],
  );
});

test("placeEndpoints: pods per node, virtual-kubelet pods, endpoints without a node; unknown nodes dropped", () => {
  const byName = new Map(
    [node("n1"), node("vk", { labels: { type: "virtual-kubelet" } })].map((n) => [n.metadata!.name!, n]),
  );
  const eps = [
    { ip: "10.0.0.1", port: 80, nodeName: "n1" },
    { ip: "10.0.0.2", port: 80, nodeName: "n1" },
    { ip: "10.0.0.3", port: 80, nodeName: "vk" },
    { ip: "10.0.0.4", port: 80 },
    { ip: "10.0.0.5", port: 80, nodeName: "gone" },
  ];
  const p = placeEndpoints(eps, byName);
  assert.deepEqual([...p.podsPerNode], [["n1", 2]]);
  assert.deepEqual(
    p.virtualKubeletPods.map((e) => e.ip),
    ["10.0.0.3"],
  );
  assert.deepEqual(
    p.withoutNode.map((e) => e.ip),
    ["10.0.0.4"],
  );
});

test("percentWeight: max(1, floor(W*share/count)), W=0 or no backends gives 0", () => {
  assert.equal(percentWeight(100, 2, 3), 66);
  assert.equal(percentWeight(2, 1, 3), 1);
  assert.equal(percentWeight(0, 1, 3), 0);
  assert.equal(percentWeight(100, 1, 0), 0);
});
