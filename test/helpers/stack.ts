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
  /** The controllers half, when mode is split. */
  watcher?: LocalOperator;
  kubectl(args: string[], input?: string): KubectlResult;
  /** kubectl that throws with stderr on a non-zero exit. */
  kubectlOk(args: string[], input?: string): string;
  restartWatcher(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), "alicloud-op-"));
  const cp = await startControlPlane({ dir: join(dir, "cp"), withControllerManager: opts.controllerManager });
  const kubectl = (args: string[], input?: string): KubectlResult => {
    const r = spawnSync("kubectl", ["--kubeconfig", cp.kubeconfigPath, ...args], { input, encoding: "utf8" });
    return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  };
  const kubectlOk = (args: string[], input?: string): string => {
    const r = kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  };
  const stack: Stack = {
    dir,
    cp,
    cloudEnv: {},
    kubectl,
    kubectlOk,
    restartWatcher: async () => {
      if (!stack.watcher) throw new Error("no watcher process in this stack");
      stack.watcher = await startLocalOperator({
        kubeconfigPath: cp.kubeconfigPath,
        dir: join(dir, "watcher"),
        env: { ...stack.cloudEnv, ...opts.operatorEnv },
        mode: "watcher",
      });
    },
    stop: async () => {
      await stack.watcher?.stop();
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
      stack.emulator = await startEmulator({ port: 0 });
      stack.cloudEnv = {
        ALIBABA_CLOUD_ENDPOINT: stack.emulator.url,
        ALIBABA_CLOUD_REGION_ID: EMULATOR_DEFAULTS.regionId,
        ALIBABA_CLOUD_ACCESS_KEY_ID: EMULATOR_DEFAULTS.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: EMULATOR_DEFAULTS.accessKeySecret,
        // The emulator's VPC: ENI backends are looked up in it.
        ALIBABA_CLOUD_VPC_ID: EMULATOR_DEFAULTS.vpc.vpcId,
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
        stack.watcher = await startLocalOperator({
          kubeconfigPath: cp.kubeconfigPath,
          dir: join(dir, "watcher"),
          env,
          mode: "watcher",
        });
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
