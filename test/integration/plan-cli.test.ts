// `npm run plan`: the actions the operator would take for a manifest, read-only against the cloud,
// or the admission errors it would get.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EMULATOR_DEFAULTS } from "../../src/config";
import { startEmulator } from "../../src/emulator";
import type { RunningEmulator } from "../../src/emulator";
import { P, serviceYaml } from "../helpers/clb";
import { ROOT } from "../helpers/stack";

let emu: RunningEmulator;
let dir: string;

before(async () => {
  emu = await startEmulator({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), "plan-cli-"));
});

after(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Async on purpose: the emulator runs in this process and must keep answering while plan runs. */
function plan(manifest: string): Promise<{ code: number; out: string }> {
  const file = join(dir, `m${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, manifest);
  const env = {
    ...process.env,
    KUBECONFIG: "",
    // No cluster to read the kube-system Namespace UID from: the id the operator would be given.
    CLUSTER_ID: "plan-cli",
    ALIBABA_CLOUD_ENDPOINT: emu.url,
    ALIBABA_CLOUD_REGION_ID: EMULATOR_DEFAULTS.regionId,
    ALIBABA_CLOUD_ACCESS_KEY_ID: EMULATOR_DEFAULTS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: EMULATOR_DEFAULTS.accessKeySecret,
  };
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/plan.ts"), "-f", file], {
    env,
    cwd: ROOT,
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, out })));
}

async function requestCount(): Promise<number> {
  const s = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as { calls: Record<string, number> };
  return Object.entries(s.calls).filter(([k]) =>
    /:(Create|Delete|Set|Modify|Add|Remove|Start|Tag|Untag)/.test(k),
  ).length;
}

test("prints the create plan with the defaults the webhook would add, and changes nothing", async () => {
  const r = await plan(
    serviceYaml(
      "shop",
      { [`${P}protocol-port`]: "https:443", [`${P}cert-id`]: "cert-1" },
      { ports: [{ port: 443 }] },
    ),
  );
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /default\/shop/);
  assert.match(r.out, /address-type=internet/);
  assert.match(r.out, /CreateLoadBalancer/);
  assert.match(r.out, /CreateListener.*443/);
  assert.equal(await requestCount(), 0, "no mutating cloud call");
});

test("prints the admission errors for a bad manifest and exits 1", async () => {
  const r = await plan(
    serviceYaml("bad", { [`${P}protocol-port`]: "https:443" }, { ports: [{ port: 443 }] }),
  );
  assert.equal(r.code, 1);
  assert.match(r.out, /admission would deny it/);
  assert.match(r.out, /cert-id/);
});

test("says so for a Service the operator does not manage", async () => {
  const r = await plan(serviceYaml("internal", {}, { type: "ClusterIP" }));
  assert.equal(r.code, 0);
  assert.match(r.out, /not a CLB-managed Service/);
});
