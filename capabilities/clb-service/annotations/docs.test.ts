// Tests for the CLB section of docs/annotations.md: the file is what the generator writes, and it names every key.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderAnnotationDocs } from "../../../scripts/gen-annotation-docs";
import { CLB_ANNOTATIONS } from "./registry";

test("docs/annotations.md is generated from the registry (run npx tsx scripts/gen-annotation-docs.ts)", () => {
  const text = renderAnnotationDocs();
  assert.equal(readFileSync(join(__dirname, "..", "..", "..", "docs", "annotations.md"), "utf8"), text);
  for (const d of CLB_ANNOTATIONS) assert.ok(text.includes(`\`${d.key}\``), d.key);
  for (const r of ["R1", "R2", "R3", "R4", "R5", "R6"]) assert.ok(text.includes(`**${r}.`), r);
});
