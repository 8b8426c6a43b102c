// Tests for the AlbConfig CRD and its types: the generated types are what the generator makes from the CRD
// now (so they cannot drift), every field has a description (kubectl explain), and the example AlbConfigs of
// examples/alb/ fit the schema and pass the validating rules.
import test from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import yaml from "js-yaml";
import { generate, TARGETS, type SchemaNode } from "../../../scripts/gen-crd-types";
import { validateAlbConfig } from "../admission/rules";
import { withAlbConfigDefaults, type AlbConfig } from "./index";

const ROOT = join(__dirname, "../../..");
const TARGET = TARGETS.find((t) => t.crd.includes("albconfigs"))!;
const crd = yaml.load(readFileSync(join(ROOT, TARGET.crd), "utf8")) as {
  spec: {
    scope: string;
    versions: Array<{
      schema: { openAPIV3Schema: SchemaNode };
      additionalPrinterColumns: Array<{ name: string }>;
    }>;
  };
};
const schema = crd.spec.versions[0].schema.openAPIV3Schema;

test("the generated types are up to date with the CRD", () => {
  assert.equal(
    readFileSync(join(ROOT, TARGET.out), "utf8"),
    generate(TARGET),
    "run: npx tsx scripts/gen-crd-types.ts",
  );
});

test("cluster-scoped, with printer columns and a description on every field", () => {
  assert.equal(crd.spec.scope, "Cluster");
  assert.deepEqual(
    crd.spec.versions[0].additionalPrinterColumns.map((c) => c.name),
    ["AlbId", "DnsName", "Age"],
  );
  const missing: string[] = [];
  const walk = (s: SchemaNode, path: string) => {
    if (path !== "metadata" && !s.description) missing.push(path || "<root>");
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, path ? `${path}.${k}` : k);
    if (s.items) walk(s.items, `${path}[]`);
  };
  walk(schema, "");
  assert.deepEqual(missing, []);
});

test("the example AlbConfigs fit the schema and pass the validating rules (after the webhook defaults)", () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  const dir = join(ROOT, "examples", "alb");
  const docs = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) =>
      (yaml.loadAll(readFileSync(join(dir, f), "utf8")) as Array<{ kind?: string }>).map((d) => ({ f, d })),
    );
  const configs = docs.filter((x) => x.d?.kind === "AlbConfig");
  assert.ok(configs.length >= 3, "examples/alb has AlbConfigs");
  for (const { f, d } of configs) {
    assert.ok(validate(d), `${f}: ${ajv.errorsText(validate.errors)}`);
    const defaulted = withAlbConfigDefaults(d as AlbConfig);
    assert.ok(validate(defaulted), `${f} after defaults: ${ajv.errorsText(validate.errors)}`);
    assert.deepEqual(validateAlbConfig({ albConfig: defaulted, operation: "CREATE" }).errors, [], f);
  }
});
