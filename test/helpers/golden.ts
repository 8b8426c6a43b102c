// expectGolden(file, value): the golden-file check of the model and plan tests. Not a fixture loader: each
// test reads its own inputs. Regenerate with UPDATE_GOLDEN=1; a missing golden is written and fails the test.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** Asserts that `value`, as JSON, equals the golden `file`; writes the file instead with UPDATE_GOLDEN=1. */
export function expectGolden(file: string, value: unknown): void {
  const update = process.env.UPDATE_GOLDEN === "1";
  const got: unknown = JSON.parse(JSON.stringify(value));
  if (update || !existsSync(file)) {
    writeFileSync(file, JSON.stringify(got, null, 2) + "\n");
    if (!update) assert.fail(`wrote missing golden ${file}; review it and re-run`);
    return;
  }
  assert.deepEqual(got, JSON.parse(readFileSync(file, "utf8")));
}
