// Unit tests of watchAllPhases and phaseOf (src/k8s/watch-bindings.ts) on a real Pepr Capability. Pepr
// registers watch bindings only in its build or watch mode, read when Pepr loads: hence the late import.
import test from "node:test";
import assert from "node:assert/strict";
import type { V1Node } from "@kubernetes/client-node";
import { WatchPhase as PeprPhase } from "kubernetes-fluent-client/dist/fluent/shared-types";
import type { WatchPhase } from "./stores";
import { phaseOf, watchAllPhases } from "./watch-bindings";

test("phaseOf maps Pepr's phase strings to the stores' phases; anything else is MODIFIED", () => {
  assert.equal(phaseOf("ADDED"), "ADDED");
  assert.equal(phaseOf("MODIFIED"), "MODIFIED");
  assert.equal(phaseOf("DELETED"), "DELETED");
  assert.equal(phaseOf(undefined), "MODIFIED");
  assert.equal(phaseOf("BOOKMARK"), "MODIFIED");
});

test("watchAllPhases binds ONE watch for every phase (Pepr's Event.ANY), passing the phase on", async () => {
  process.env.PEPR_MODE = "build";
  process.env.LOG_LEVEL = "warn";
  const { Capability, a } = await import("pepr");
  const { Event } = await import("pepr/src/lib/enums");
  const capability = new Capability({ name: "watch-bindings-test", description: "test" });
  const seen: Array<[string | undefined, WatchPhase]> = [];
  watchAllPhases(capability, a.Node, (node, phase) => void seen.push([node.metadata?.name, phase]));

  const bindings = capability.bindings;
  assert.deepEqual(
    bindings.map((b) => [
      b.kind.kind,
      b.event,
      Boolean(b.isWatch),
      Boolean(b.isMutate),
      Boolean(b.isValidate),
    ]),
    [["Node", Event.ANY, true, false, false]],
  );
  const node: V1Node = { metadata: { name: "n1" } };
  await bindings[0].watchCallback!(node, PeprPhase.Added);
  await bindings[0].watchCallback!(node, PeprPhase.Modified);
  await bindings[0].watchCallback!(node, PeprPhase.Deleted);
  assert.deepEqual(seen, [
    ["n1", "ADDED"],
    ["n1", "MODIFIED"],
    ["n1", "DELETED"],
  ]);
});
