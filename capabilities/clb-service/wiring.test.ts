// The watcher's start-up check of the cloud configuration: what stops it, and that the operator process
// really exits non-zero with one clear line (src/operator/main.ts runs the check before anything else).
import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { clbConfigurationProblem } from "./wiring";

const ROOT = resolve(__dirname, "../..");

test("a usable cloud configuration has no problem; each unusable one has a one-line reason", () => {
  assert.equal(clbConfigurationProblem({}), undefined, "ambient credentials, default region");
  assert.equal(
    clbConfigurationProblem({
      ALIBABA_CLOUD_ACCESS_KEY_ID: "id",
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: "secret",
      ALIBABA_CLOUD_REGION_ID: "cn-beijing",
    }),
    undefined,
  );
  const problems = [
    clbConfigurationProblem({ ALIBABA_CLOUD_ACCESS_KEY_ID: "id" }),
    clbConfigurationProblem({ ALIBABA_CLOUD_ENDPOINT: "ftp://x" }),
    clbConfigurationProblem({ ALIBABA_CLOUD_REGION_ID: "Hangzhou!" }),
    clbConfigurationProblem({ ALIBABA_CLOUD_CREDENTIALS_DIR: mkdtempSync(join(tmpdir(), "no-creds-")) }),
  ];
  for (const p of problems) {
    assert.ok(p, "a problem is reported");
    assert.ok(!p.includes("\n"), p);
  }
  assert.match(problems[0]!, /ALIBABA_CLOUD_ACCESS_KEY_SECRET/);
  assert.match(problems[2]!, /ALIBABA_CLOUD_REGION_ID/);
  assert.match(problems[3]!, /access-key-id/);
});

test("the watcher process exits 1 with one clear line on a bad cloud configuration", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src", "operator", "main.ts")], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PEPR_WATCH_MODE: "true",
      ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAIonlyTheId",
    },
  });
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^operator: bad configuration: .*ALIBABA_CLOUD_ACCESS_KEY_SECRET/);
});
