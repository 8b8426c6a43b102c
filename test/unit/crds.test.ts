// The CRDs are structural and the example custom resources fit their schemas (checked with ajv;
// CEL rules and defaults are checked by the real apiserver in the integration tier).
import test from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import yaml from "js-yaml";

const ROOT = join(__dirname, "../..");

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
}

interface Crd {
  spec: {
    group: string;
    names: { kind: string };
    versions: Array<{
      name: string;
      schema: { openAPIV3Schema: Schema };
      additionalPrinterColumns?: Array<{ jsonPath: string }>;
    }>;
  };
}

const crds = readdirSync(join(ROOT, "crds"))
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => yaml.load(readFileSync(join(ROOT, "crds", f), "utf8")) as Crd);

function crdFor(kind: string): Crd {
  const crd = crds.find((c) => c.spec.names.kind === kind);
  assert.ok(crd, `CRD for ${kind}`);
  return crd;
}

/** Every node of a structural schema has a type, unless it is int-or-string or preserves unknown fields. */
function assertStructural(s: Schema, path: string): void {
  if (!s["x-kubernetes-int-or-string"] && !s["x-kubernetes-preserve-unknown-fields"])
    assert.ok(s.type, `${path} has a type`);
  for (const [k, v] of Object.entries(s.properties ?? {})) assertStructural(v, `${path}.${k}`);
  if (s.items) assertStructural(s.items, `${path}[]`);
  if (s.additionalProperties && typeof s.additionalProperties === "object")
    assertStructural(s.additionalProperties, `${path}{}`);
}

function resolvePath(s: Schema, jsonPath: string): Schema | undefined {
  let cur: Schema | undefined = s;
  for (const seg of jsonPath.replace(/^\./, "").split(".")) {
    if (seg === "metadata" && cur?.properties?.metadata) return cur.properties.metadata; // creationTimestamp etc.
    cur = cur?.properties?.[seg];
  }
  return cur;
}

const ajv = new Ajv({ strict: false, allErrors: true });
function validator(kind: string) {
  return ajv.compile(crdFor(kind).spec.versions[0].schema.openAPIV3Schema);
}

test("every CRD schema is structural and its printer columns point at real fields", () => {
  assert.equal(crds.length, 2);
  for (const crd of crds) {
    for (const v of crd.spec.versions) {
      assertStructural(v.schema.openAPIV3Schema, crd.spec.names.kind);
      for (const col of v.additionalPrinterColumns ?? []) {
        assert.ok(
          resolvePath(v.schema.openAPIV3Schema, col.jsonPath),
          `${crd.spec.names.kind} column ${col.jsonPath}`,
        );
      }
    }
  }
});

test("the example custom resources fit their schemas", () => {
  const docs = ["examples", "examples/alb"]
    .flatMap((dir) =>
      readdirSync(join(ROOT, dir))
        .filter((f) => f.endsWith(".yaml"))
        .map((f) => join(ROOT, dir, f)),
    )
    .flatMap((f) => yaml.loadAll(readFileSync(f, "utf8")) as Array<{ kind: string }>);
  let checked = 0;
  for (const doc of docs.filter((d) => d.kind === "ImageCache" || d.kind === "AlbConfig")) {
    const validate = validator(doc.kind);
    assert.ok(validate(doc), `${doc.kind}: ${ajv.errorsText(validate.errors)}`);
    checked++;
  }
  // The AlbConfigs of examples/alb (cafe, https, reuse) and the ImageCaches of imagecache.yaml and
  // imagecache-private.yaml: a rename cannot skip them silently.
  assert.ok(checked >= 5, `only ${checked} example custom resources checked`);
});

test("bad ImageCaches are rejected by the schema", () => {
  const validate = validator("ImageCache");
  const bad = [
    { spec: { images: [] } },
    { spec: { images: ["nginx"], imageCacheSize: 10 } },
    { spec: { images: ["nginx"], imageCacheSize: 40000 } },
    { spec: { images: ["has space"] } },
    { spec: { images: ["nginx"], imagePullSecrets: ["no-namespace"] } },
    { spec: { images: ["nginx"], retentionDays: 0 } },
    { spec: {} },
    {},
  ];
  for (const obj of bad) assert.equal(validate(obj), false, JSON.stringify(obj));
  assert.equal(
    validate({ spec: { images: ["nginx:1.27"], imagePullSecrets: ["default:regcred"], imageCacheSize: 20 } }),
    true,
  );
});

test("bad AlbConfigs are rejected by the schema", () => {
  const validate = validator("AlbConfig");
  const bad = [
    { spec: {} },
    { spec: { config: { addressType: "Public" } } },
    { spec: { config: { edition: "Premium" } } },
    { spec: { config: { zoneMappings: [{ zoneId: "cn-hangzhou-a" }] } } },
    { spec: { config: { accessLogConfig: { logStore: "k8s-logs" } } } },
    { spec: { config: {}, listeners: [{ port: 80, protocol: "TCP" }] } },
    { spec: { config: {}, listeners: [{ protocol: "HTTP" }] } },
  ];
  for (const obj of bad) assert.equal(validate(obj), false, JSON.stringify(obj));
});
