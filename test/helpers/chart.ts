// The packaged chart for e2e tests: builds the module when missing, assembles and packs the chart
// (scripts/package-chart.ts), and runs helm with a given kubeconfig.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { assembleChart, helmBinary, packageChart } from "../../scripts/package-chart";
import type { PodRunnerOptions, PodRunnerState } from "./pod-runner";
import { ROOT } from "./stack";

export const RELEASE = "alicloud-operator";
export const RELEASE_NAMESPACE = "alicloud-system";

export interface K8sDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  [k: string]: unknown;
}

/** dist/alicloud-operator-<version>.tgz, built from the current sources. */
export function packagedChart(): string {
  if (!existsSync(join(ROOT, "dist", "pepr-module-alicloud-operator.yaml")))
    spawnSync("npx", ["--offline", "pepr", "build"], { cwd: ROOT, stdio: "inherit" });
  return packageChart(assembleChart());
}

export function helm(args: string[], kubeconfigPath?: string): { code: number; out: string } {
  const r = spawnSync(helmBinary(), [...args, ...(kubeconfigPath ? ["--kubeconfig", kubeconfigPath] : [])], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** `helm template` of the chart with --set values; throws with helm's message on failure. */
export function renderChart(chart: string, sets: string[]): K8sDoc[] {
  const r = helm(["template", RELEASE, chart, "-n", RELEASE_NAMESPACE, ...sets.flatMap((s) => ["--set", s])]);
  if (r.code !== 0) throw new Error(r.out);
  return (yaml.loadAll(r.out) as K8sDoc[]).filter(Boolean);
}

export function find(docs: K8sDoc[], kind: string, name: string): K8sDoc {
  const d = docs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!d) throw new Error(`no ${kind} ${name} in the rendered chart`);
  return d;
}

/** A PodRunner in a child process; `state()` reads what it runs. */
export interface RunnerProcess {
  state(): PodRunnerState;
  stop(): Promise<void>;
}

export function startPodRunner(opts: PodRunnerOptions): RunnerProcess {
  mkdirSync(opts.dir, { recursive: true });
  const log = openSync(join(opts.dir, "runner.log"), "a");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(ROOT, "test", "helpers", "pod-runner-main.ts"), JSON.stringify(opts)],
    { cwd: ROOT, stdio: ["ignore", log, log] },
  );
  return {
    state: () => {
      try {
        return JSON.parse(readFileSync(join(opts.dir, "state.json"), "utf8")) as PodRunnerState;
      } catch {
        return { pods: [], jobsRun: [], errors: [] };
      }
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(t);
    },
  };
}
