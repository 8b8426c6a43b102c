// `npm run plan` (src/cli/plan.ts) as a child process against an in-process emulator, for the plan CLI tests.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EMULATOR_DEFAULTS } from "../../src/config";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { emulatorCalls, mutatingActions } from "./emulator";
import { ROOT } from "./stack";

export interface PlanCli {
  emulator: RunningEmulator;
  /** Runs plan on the manifest (documents joined with `---`); its exit code and output (stdout + stderr). */
  plan(docs: string[]): Promise<{ code: number; out: string }>;
  /** The mutating cloud actions the emulator answered so far (plan must make none). */
  mutatingCalls(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startPlanCli(env: Record<string, string> = {}): Promise<PlanCli> {
  const emulator = await startEmulator({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), "plan-cli-"));
  return {
    emulator,
    // Async on purpose: the emulator runs in this process and must keep answering while plan runs.
    plan: (docs) => {
      const file = join(dir, `m${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(file, docs.join("\n---\n"));
      const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/plan.ts"), "-f", file], {
        env: {
          ...process.env,
          KUBECONFIG: "",
          // No cluster to read the kube-system Namespace UID from: the id the operator would be given.
          CLUSTER_ID: "plan-cli",
          ALIBABA_CLOUD_ENDPOINT: emulator.url,
          ALIBABA_CLOUD_REGION_ID: EMULATOR_DEFAULTS.regionId,
          ALIBABA_CLOUD_ACCESS_KEY_ID: EMULATOR_DEFAULTS.accessKeyId,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: EMULATOR_DEFAULTS.accessKeySecret,
          ...env,
        },
        cwd: ROOT,
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      return new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, out })));
    },
    mutatingCalls: async () => mutatingActions(await emulatorCalls(emulator.url)),
    close: async () => {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
