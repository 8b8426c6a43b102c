// Golden tests for the ALB buildDesiredModel(): fixtures/model/<case>/input.yaml holds the Kubernetes
// objects (one AlbConfig, its member Ingresses, Services, Nodes, EndpointSlices) and one `kind: CloudFacts`
// document with what the pipeline reads from the cloud first (vSwitches, certificates, ENIs); expected.json
// holds { model, errors, invalidIps }. Regenerate with UPDATE_GOLDEN=1 and review the diff.
import test from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import type { V1EndpointSlice, V1Node, V1Service } from "@kubernetes/client-node";
import type { CasCertificate } from "../../../src/cloud";
import { expectGolden } from "../../../test/helpers/golden";
import type { AlbConfig } from "../crd";
import type { Ingress } from "../annotations";
import { buildDesiredModel, type BuildInput } from ".";

const FIXTURES = join(__dirname, "..", "fixtures", "model");

interface CloudFacts {
  vSwitches: { vSwitchId: string; zoneId: string }[];
  certificates?: CasCertificate[];
  eniByIp?: Record<string, string>;
}

function load(name: string): BuildInput {
  const text = readFileSync(join(FIXTURES, name, "input.yaml"), "utf8");
  assert.match(
    text.split("\n", 1)[0],
    /^# \S/,
    `${name}: input.yaml must open with a "# " line saying what it shows`,
  );
  const docs = yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA }) as ({ kind?: string } | null)[];
  const input: BuildInput = {
    albConfig: undefined as unknown as AlbConfig,
    ingresses: [],
    services: [],
    nodes: [],
    endpointSlices: [],
    clusterId: "c-golden",
    vpcId: "vpc-golden",
    vSwitches: [],
    certificates: [],
  };
  for (const doc of docs) {
    if (!doc) continue;
    switch (doc.kind) {
      case "AlbConfig":
        input.albConfig = doc as AlbConfig;
        break;
      case "Ingress":
        input.ingresses.push(doc as Ingress);
        break;
      case "Service":
        input.services.push(doc as V1Service);
        break;
      case "Node":
        input.nodes.push(doc as V1Node);
        break;
      case "EndpointSlice":
        input.endpointSlices.push(doc as V1EndpointSlice);
        break;
      case "IngressClass":
        break; // membership is resolved before the builder (group.ts); kept for the reader
      case "CloudFacts": {
        const f = doc as unknown as CloudFacts;
        input.vSwitches = f.vSwitches;
        input.certificates = f.certificates ?? [];
        input.eniByIp = new Map(Object.entries(f.eniByIp ?? {}));
        break;
      }
      default:
        assert.fail(`${name}: unexpected kind ${String(doc.kind)}`);
    }
  }
  assert.ok(input.albConfig, `${name}: one AlbConfig`);
  return input;
}

const cases = readdirSync(FIXTURES).sort();

for (const name of cases)
  test(`alb model golden: ${name}`, () => {
    expectGolden(join(FIXTURES, name, "expected.json"), buildDesiredModel(load(name)));
  });

test("the builder is deterministic, does not mutate its input, and member order does not depend on input order", () => {
  for (const name of cases) {
    const input = load(name);
    const before = JSON.stringify({ ...input, eniByIp: [...(input.eniByIp ?? [])] });
    const a = buildDesiredModel(input);
    assert.equal(JSON.stringify({ ...input, eniByIp: [...(input.eniByIp ?? [])] }), before, name);
    const b = buildDesiredModel({ ...input, ingresses: [...input.ingresses].reverse() });
    assert.deepEqual(a, b, name);
  }
});

test("every rule's server groups exist in the model, priorities are 1..N per listener", () => {
  for (const name of cases) {
    const { model } = buildDesiredModel(load(name));
    if (!model) continue;
    const keys = new Set(model.serverGroups.map((g) => g.key));
    for (const l of model.listeners) {
      assert.ok(keys.has(l.defaultServerGroup), `${name}: ${l.port} default group`);
      assert.deepEqual(
        l.rules.map((r) => r.priority),
        l.rules.map((_, i) => i + 1),
        name,
      );
      for (const r of l.rules)
        for (const a of r.actions)
          for (const t of a.forwardGroup?.serverGroupTuples ?? [])
            assert.ok(keys.has(t.serverGroupId), `${name}: ${t.serverGroupId}`);
    }
  }
});
