// Golden tests for buildDesiredModel(): fixtures/model/<case>/input.yaml holds the Kubernetes objects
// (one Service, plus Nodes, EndpointSlices and Pods); expected.json holds { model, errors }. An optional
// env.json is the operator's environment for the case (cluster settings, src/operator/settings.ts).
// Regenerate with UPDATE_GOLDEN=1 and review the diff. Not a test of plan() (see plan.test.ts).
import test from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import type { V1EndpointSlice, V1Node, V1Pod, V1Service } from "@kubernetes/client-node";
import type { SlbBackendServer } from "../../../src/cloud";
import { CLB_ANNOTATIONS, isClbManagedService, parseClbAnnotations, stringAnnotations } from "../annotations";
import { podKey } from "../../../src/backends/endpoints";
import { expectGolden } from "../../../test/helpers/golden";
import { loadCloudSettings, type CloudSettings } from "../../../src/operator/settings";
import { buildDesiredModel, type BuildInput, type BuildResult } from ".";

const FIXTURES = join(__dirname, "..", "fixtures", "model");
const CLUSTER_ID = "c-golden";

interface K8sObject {
  apiVersion?: string;
  kind?: string;
}

/** The objects of one case, as a user (or the API server) would have them. */
interface Objects {
  svc: V1Service;
  nodes: V1Node[];
  endpointSlices: V1EndpointSlice[];
  pods: V1Pod[];
  /** From env.json through the settings loader; undefined: the defaults. */
  settings?: CloudSettings;
}

function load(name: string): Objects {
  const text = readFileSync(join(FIXTURES, name, "input.yaml"), "utf8");
  const firstLine = text.split("\n", 1)[0];
  assert.match(firstLine, /^# \S/, `${name}: input.yaml must open with a "# " line saying what it shows`);
  // CORE_SCHEMA: timestamps stay strings, as the API server returns them.
  const docs = yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA }) as (K8sObject | null)[];
  const objects: Objects = { svc: {}, nodes: [], endpointSlices: [], pods: [] };
  const services: V1Service[] = [];
  for (const doc of docs) {
    if (!doc) continue;
    switch (doc.kind) {
      case "Service":
        services.push(doc as V1Service);
        break;
      case "Node":
        objects.nodes.push(doc as V1Node);
        break;
      case "EndpointSlice":
        objects.endpointSlices.push(doc as V1EndpointSlice);
        break;
      case "Pod":
        objects.pods.push(doc as V1Pod);
        break;
      default:
        assert.fail(`${name}: unexpected kind ${String(doc.kind)}`);
    }
  }
  assert.equal(services.length, 1, `${name}: exactly one Service`);
  objects.svc = services[0];
  const envFile = join(FIXTURES, name, "env.json");
  if (existsSync(envFile))
    objects.settings = loadCloudSettings(JSON.parse(readFileSync(envFile, "utf8")) as Record<string, string>);
  return objects;
}

/** What the controller passes (controller.ts): cleanup when the Service is going away or no longer CLB-managed. */
function buildInput(o: Objects): BuildInput {
  return {
    svc: o.svc,
    nodes: o.nodes,
    endpointSlices: o.endpointSlices,
    pods: new Map(o.pods.map((p) => [podKey(p), p])),
    clusterId: CLUSTER_ID,
    settings: o.settings,
    deleting: !!o.svc.metadata?.deletionTimestamp || !isClbManagedService(o.svc),
  };
}

function build(o: Objects): BuildResult {
  return buildDesiredModel(buildInput(o));
}

const cases = readdirSync(FIXTURES).sort();

test("there are model goldens for the 5 examples and at least 15 more Services", () => {
  assert.equal(cases.filter((c) => c.startsWith("example-")).length, 5);
  assert.ok(cases.filter((c) => !c.startsWith("example-")).length >= 15, cases.join(", "));
});

/** Every field of `want` is in `got` with the same value (`got` may have more: what the API server fills in). */
function assertContains(got: unknown, want: unknown, path: string): void {
  if (want === null || typeof want !== "object") return assert.equal(got, want, path);
  assert.ok(got !== null && typeof got === "object", path);
  for (const [k, v] of Object.entries(want))
    assertContains((got as Record<string, unknown>)[k], v, `${path}.${k}`);
}

test("the example fixtures hold the Services of examples/clb-*.yaml unchanged", () => {
  for (const name of cases.filter((c) => c.startsWith("example-"))) {
    const file = join(__dirname, "..", "..", "..", "examples", `${name.slice("example-".length)}.yaml`);
    const example = yaml.loadAll(readFileSync(file, "utf8")) as K8sObject[];
    const svc = example.find((o) => o.kind === "Service");
    assertContains(load(name).svc, svc, name);
  }
});

test("every annotation of the registry is set by at least one fixture", () => {
  const used = new Set(cases.flatMap((c) => Object.keys(stringAnnotations(load(c).svc))));
  const missing = CLB_ANNOTATIONS.filter((d) => !used.has(d.key) && !(d.legacyKey && used.has(d.legacyKey)));
  assert.deepEqual(
    missing.map((d) => d.key),
    [],
  );
});

for (const name of cases) {
  test(`model golden: ${name}`, () => {
    const r = build(load(name));
    expectGolden(join(FIXTURES, name, "expected.json"), { model: r.model, errors: r.errors });
  });
}

// ---------------------------------------------------------------- invariants over every fixture

test("the model is deterministic and does not mutate its inputs", () => {
  for (const name of cases) {
    const objects = load(name);
    const before = structuredClone(objects);
    const a = build(objects);
    const b = build(objects);
    assert.deepEqual(a, b, name);
    assert.deepEqual(objects, before, name);
  }
});

/** Sort key of a backend: serverId, then port, then serverIp (ENI backends share the empty serverId). */
function compareBackends(a: SlbBackendServer, b: SlbBackendServer): number {
  if (a.serverId !== b.serverId) return a.serverId < b.serverId ? -1 : 1;
  if (a.port !== b.port) return a.port - b.port;
  const ai = a.serverIp ?? "";
  const bi = b.serverIp ?? "";
  return ai < bi ? -1 : ai > bi ? 1 : 0;
}

test("backends are sorted and unique in every vserver group", () => {
  for (const name of cases) {
    for (const g of build(load(name)).model?.vServerGroups ?? []) {
      for (let i = 1; i < g.backends.length; i++) {
        const [prev, cur] = [g.backends[i - 1], g.backends[i]];
        assert.ok(compareBackends(prev, cur) < 0, `${name}: ${g.name}: ${JSON.stringify([prev, cur])}`);
      }
    }
  }
});

test("every listener names a vserver group of the model, and group names are unique", () => {
  for (const name of cases) {
    const model = build(load(name)).model;
    assert.ok(model, name);
    const groups = model.vServerGroups.map((g) => g.name);
    assert.equal(new Set(groups).size, groups.length, name);
    for (const l of model.listeners) assert.ok(groups.includes(l.vServerGroupName), `${name}: ${l.port}`);
  }
});

test("annotations that all parse give no errors; every annotation error reaches the model errors", () => {
  for (const name of cases) {
    const objects = load(name);
    const parsed = parseClbAnnotations(stringAnnotations(objects.svc));
    const { errors } = build(objects);
    // Beyond the annotations, only the cluster policy of an env.json case adds errors.
    const policyErrors = errors.filter((e) => e.message.startsWith("the reuse policy "));
    if (!objects.settings) assert.deepEqual(policyErrors, [], name);
    if (parsed.errors.length === 0) assert.deepEqual(errors, policyErrors, name);
    for (const e of parsed.errors)
      assert.ok(
        errors.some((m) => m.field === e.key && m.message === e.message),
        `${name}: ${e.message}`,
      );
  }
});

test("a Service being deleted (or no longer CLB-managed) has no listeners or groups", () => {
  for (const name of cases) {
    const model = build(load(name)).model;
    if (!model?.deleting) continue;
    assert.deepEqual([model.listeners, model.vServerGroups], [[], []], name);
  }
});
