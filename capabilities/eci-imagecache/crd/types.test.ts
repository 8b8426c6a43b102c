// The TypeScript types of ImageCache name exactly the fields of the CRD's structural schema.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import {
  IMAGE_CACHE_EVENT_FIELDS,
  IMAGE_CACHE_PHASES,
  IMAGE_CACHE_SPEC_FIELDS,
  IMAGE_CACHE_STATUS_FIELDS,
} from "./types";
import { ECI_DEFAULTS } from "../../../src/config";

interface Schema {
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
}
interface Crd {
  spec: {
    scope: string;
    names: { shortNames: string[]; categories: string[] };
    versions: Array<{
      name: string;
      schema: { openAPIV3Schema: Schema };
      subresources?: { status?: object };
      additionalPrinterColumns: Array<{ name: string; jsonPath: string }>;
    }>;
  };
}

const crd = yaml.load(
  readFileSync(join(__dirname, "../../../crds/imagecaches.eci.alibabacloud.com.yaml"), "utf8"),
) as Crd;
const version = crd.spec.versions[0];
const root = version.schema.openAPIV3Schema.properties!;

test("spec, status and status.events fields match the CRD schema", () => {
  assert.deepEqual(Object.keys(root.spec.properties!).sort(), [...IMAGE_CACHE_SPEC_FIELDS].sort());
  assert.deepEqual(Object.keys(root.status.properties!).sort(), [...IMAGE_CACHE_STATUS_FIELDS].sort());
  assert.deepEqual(
    Object.keys(root.status.properties!.events.items!.properties!).sort(),
    [...IMAGE_CACHE_EVENT_FIELDS].sort(),
  );
  assert.deepEqual(root.status.properties!.phase.enum, [...IMAGE_CACHE_PHASES]);
});

test("the CRD: cluster-scoped, ic, category all, status subresource, printer columns, size default and ranges", () => {
  assert.equal(crd.spec.scope, "Cluster");
  assert.deepEqual(crd.spec.names.shortNames, ["ic"]);
  assert.deepEqual(crd.spec.names.categories, ["all"]);
  assert.ok(version.subresources?.status);
  assert.deepEqual(version.additionalPrinterColumns.map((c) => c.name).sort(), [
    "Age",
    "CacheId",
    "Phase",
    "Progress",
  ]);
  const size = root.spec.properties!.imageCacheSize;
  assert.deepEqual([size.default, size.minimum, size.maximum], [ECI_DEFAULTS.imageCacheSizeGiB, 20, 32768]);
  const days = root.spec.properties!.retentionDays;
  assert.deepEqual([days.minimum, days.maximum], [1, 65536]);
});
