// One real stack per test suite: etcd + kube-apiserver, our CRDs, the cloud emulator (in-process,
// real HTTP on loopback) and the operator as a separate local process with URL-registered webhooks.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { EMULATOR_DEFAULTS } from "../../src/config";
import { ControlPlane, startControlPlane } from "../../src/controlplane/controlplane";
import { ensureModuleBuilt, LocalOperator, startLocalOperator } from "../../src/operator/local";

export const ROOT = resolve(__dirname, "../..");

/**
 * Operator environment for tests that kill the controllers process: fast retries (the production backoff
 * starts at 5 s), and short Lease terms, since a killed watcher leaves its Lease behind and the restarted
 * one (a new identity) waits for it to expire.
 */
export const KILLED_WATCHER_ENV: Readonly<Record<string, string>> = {
  OPERATOR_BACKOFF_BASE_MS: "200",
  OPERATOR_BACKOFF_CAP_MS: "3000",
  OPERATOR_LEASE_DURATION_MS: "3000",
  OPERATOR_RENEW_DEADLINE_MS: "2000",
  OPERATOR_RETRY_PERIOD_MS: "500",
};

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface StackOptions {
  crds?: boolean;
  operator?: false | "all" | "split";
  emulator?: boolean;
  controllerManager?: boolean;
  operatorEnv?: Record<string, string>;
  /** Watcher processes in split mode (default 1); with more than one they elect a leader on a Lease. */
  watchers?: number;
  /** Extra environment of one watcher process, asked at each (re)start; e.g. its own cloud endpoint. */
  watcherEnv?: (
    index: number,
    cloudEnv: Record<string, string>,
  ) => Record<string, string> | Promise<Record<string, string>>;
}

export interface Emulator {
  url: string;
  close(): Promise<void>;
}

export interface Stack {
  dir: string;
  cp: ControlPlane;
  emulator?: Emulator;
  cloudEnv: Record<string, string>;
  /** The operator (mode all) or its admission half (mode split). */
  operator?: LocalOperator;
  /** The controllers half, when mode is split (the first of `watchers`). */
  readonly watcher?: LocalOperator;
  /** Every watcher process, when mode is split. */
  watchers: LocalOperator[];
  kubectl(args: string[], input?: string): KubectlResult;
  /** kubectl that throws with stderr on a non-zero exit. */
  kubectlOk(args: string[], input?: string): string;
  /** Starts watcher `index` again (after kill() or stop()), with a new identity. */
  restartWatcher(index?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), "alicloud-op-"));
  const cp = await startControlPlane({ dir: join(dir, "cp"), withControllerManager: opts.controllerManager });
  const kubectl = (args: string[], input?: string): KubectlResult => {
    const r = spawnSync("kubectl", ["--kubeconfig", cp.kubeconfigPath, ...args], {
      input,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024, // /metrics of a busy apiserver is several MiB
    });
    return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  };
  const kubectlOk = (args: string[], input?: string): string => {
    const r = kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  };
  const startWatcher = async (index: number): Promise<LocalOperator> =>
    startLocalOperator({
      kubeconfigPath: cp.kubeconfigPath,
      dir: join(dir, index === 0 ? "watcher" : `watcher-${index}`),
      env: { ...stack.cloudEnv, ...opts.operatorEnv, ...(await opts.watcherEnv?.(index, stack.cloudEnv)) },
      mode: "watcher",
    });
  const stack: Stack = {
    dir,
    cp,
    cloudEnv: {},
    get watcher() {
      return this.watchers[0];
    },
    watchers: [],
    kubectl,
    kubectlOk,
    restartWatcher: async (index = 0) => {
      if (!stack.watchers[index]) throw new Error(`no watcher process ${index} in this stack`);
      stack.watchers[index] = await startWatcher(index);
    },
    stop: async () => {
      for (const w of stack.watchers) await w.stop();
      await stack.operator?.stop();
      await stack.emulator?.close();
      await cp.stop();
      if (!process.env.KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    if (opts.crds !== false) {
      const crdFiles = readdirSync(join(ROOT, "crds")).filter((n) => n.endsWith(".yaml"));
      for (const f of crdFiles) kubectlOk(["apply", "--server-side", "-f", join(ROOT, "crds", f)]);
      if (crdFiles.length)
        kubectlOk(["wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"]);
    }
    if (opts.emulator) {
      const { startEmulator } = await import("../../src/emulator");
      // EMULATOR_REQUEST_LOG=<file>: every cloud call as a JSON line (time, action, status, duration), to study a run.
      stack.emulator = await startEmulator({ port: 0, requestLogPath: process.env.EMULATOR_REQUEST_LOG });
      stack.cloudEnv = {
        ALIBABA_CLOUD_ENDPOINT: stack.emulator.url,
        ALIBABA_CLOUD_REGION_ID: EMULATOR_DEFAULTS.regionId,
        ALIBABA_CLOUD_ACCESS_KEY_ID: EMULATOR_DEFAULTS.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: EMULATOR_DEFAULTS.accessKeySecret,
        // The emulator's VPC: ENI backends are looked up in it.
        ALIBABA_CLOUD_VPC_ID: EMULATOR_DEFAULTS.vpc.vpcId,
        // Its vSwitch is the default of intranet SLBs that name none (README "Cloud defaults").
        ALIBABA_CLOUD_VSWITCH_IDS: EMULATOR_DEFAULTS.vpc.vSwitchId,
      };
    }
    if (opts.operator) {
      ensureModuleBuilt();
      const env = { ...stack.cloudEnv, ...opts.operatorEnv };
      if (opts.operator === "all") {
        stack.operator = await startLocalOperator({
          kubeconfigPath: cp.kubeconfigPath,
          dir: join(dir, "operator"),
          env,
        });
      } else {
        stack.operator = await startLocalOperator({
          kubeconfigPath: cp.kubeconfigPath,
          dir: join(dir, "admission"),
          env,
          mode: "admission",
        });
        for (let i = 0; i < (opts.watchers ?? 1); i++) stack.watchers.push(await startWatcher(i));
      }
    }
    return stack;
  } catch (e) {
    await stack.stop();
    throw e;
  }
}

/** Polls until `check` returns a value (not undefined), or throws after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`,
  );
}
