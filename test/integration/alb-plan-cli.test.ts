// `npm run plan` for ALB: an AlbConfig + IngressClass + Service + Ingress manifest prints the ALB actions
// (read-only against the emulator: no mutating call), and a bad AlbConfig prints the admission error.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EMULATOR_DEFAULTS } from "../../src/config";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { albConfigYaml, ingressClassYaml, ingressYaml, nodePortServiceYaml } from "../helpers/alb";
import { ROOT } from "../helpers/stack";

let emu: RunningEmulator;
let dir: string;

before(async () => {
  emu = await startEmulator({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), "alb-plan-cli-"));
});

after(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Async on purpose: the emulator runs in this process and must keep answering while plan runs. */
function plan(docs: string[]): Promise<{ code: number; out: string }> {
  const file = join(dir, `m${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, docs.join("\n---\n"));
  const env = {
    ...process.env,
    KUBECONFIG: "",
    // No cluster here: the cluster id cannot come from kube-system, so it is given (as in plan-cli.test.ts).
    CLUSTER_ID: "plan-cli",
    ALIBABA_CLOUD_ENDPOINT: emu.url,
    ALIBABA_CLOUD_REGION_ID: EMULATOR_DEFAULTS.regionId,
    ALIBABA_CLOUD_ACCESS_KEY_ID: EMULATOR_DEFAULTS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: EMULATOR_DEFAULTS.accessKeySecret,
    ALIBABA_CLOUD_VPC_ID: EMULATOR_DEFAULTS.vpc.vpcId,
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

async function mutatingCalls(): Promise<string[]> {
  const s = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as { calls: Record<string, number> };
  return Object.keys(s.calls).filter((k) =>
    /^alb:(Create|Update|Delete|Add|Remove|Associate|Tag|Enable|Disable)/.test(k),
  );
}

test("an AlbConfig with a cafe Ingress prints the ALB, listener, group and rule actions, and changes nothing", async () => {
  const r = await plan([
    albConfigYaml("cafe"),
    ingressClassYaml("alb", "cafe"),
    nodePortServiceYaml("tea-svc"),
    ingressYaml("cafe-ingress", { host: "cafe.example.com", paths: [{ path: "/tea", service: "tea-svc" }] }),
  ]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /AlbConfig cafe:/);
  assert.match(r.out, /members: default\/cafe-ingress/);
  assert.match(r.out, /alb:create: CreateLoadBalancer name=k8s-cafe-/);
  assert.match(r.out, /CreateListener <alb:create> HTTP:80/);
  assert.match(
    r.out,
    /CreateRules <listener:HTTP:80:create> :80 #1 Host=cafe.example.com&Path=\/tea\|\/tea\/\*/,
  );
  assert.deepEqual(await mutatingCalls(), []);
});

test("a bad AlbConfig prints the admission error and exits 1", async () => {
  const r = await plan([albConfigYaml("bad", { zoneMappings: [{ vSwitchId: "vsw-only-one" }] })]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /admission would deny it/);
});
