// Starts the operator as one local process against a (local or real) cluster and registers its
// webhooks by URL, the way envtest does: the rules, selectors and failure policy come from the
// module that `npx pepr build` generated (the same ones the Helm chart installs); only clientConfig
// changes to `https://localhost:<port>/...` with our own CA. Nothing is dialled off this machine.
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import https from "node:https";
import { join, resolve } from "node:path";
import yaml from "js-yaml";
import { WEBHOOK_POLICIES } from "../../capabilities/webhook-policies";
import { shapeWebhookConfigs } from "../admission/webhook-config";
import { ensureCa, ensureServingCert } from "../controlplane/pki";
import { freePort, httpsOk, waitFor } from "../controlplane/ports";

export const REPO_ROOT = resolve(__dirname, "../..");
export const MODULE_UUID = "alicloud-operator";
export const BUILT_MODULE_YAML = join(REPO_ROOT, "dist", `pepr-module-${MODULE_UUID}.yaml`);

export interface LocalOperatorOptions {
  kubeconfigPath: string;
  /** Folder for the webhook PKI and the operator log. */
  dir: string;
  /** Extra environment (cloud endpoint and credentials, tuning). */
  env?: Record<string, string>;
  port?: number;
  /**
   * `all`: admission and controllers in one process (as `pepr dev`); `admission` or `watcher`: the two
   * halves the Helm chart runs as separate Deployments (so a test can crash the controllers alone).
   */
  mode?: "all" | "admission" | "watcher";
  /** Extra node flags for the operator process, e.g. ["--cpu-prof"] to profile it. */
  nodeArgs?: string[];
  /** Register the webhooks (default: true unless mode is `watcher`). */
  registerWebhooks?: boolean;
}

export interface LocalOperator {
  port: number;
  logPath: string;
  pid: number;
  /** The CA that signed the serving certificate (to call /metrics, /readyz over HTTPS). */
  caCertPath: string;
  /** Resolves when the process exits, however it ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
  /** Kill -9, as a crash would. */
  kill(): Promise<void>;
}

type K8sObject = { kind: string; metadata: { name: string }; webhooks?: Array<Record<string, unknown>> };

const OPERATOR_BUNDLE = join(REPO_ROOT, ".cache", "operator", "main.js");

/**
 * Bundles src/operator/main.ts with esbuild (dependencies stay in node_modules), as `pepr build` does
 * for the in-cluster controller: the process then runs plain JavaScript, without a TypeScript loader
 * in memory or on the start-up path. Takes tens of milliseconds, so it runs on every start.
 */
export function buildOperatorBundle(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- esbuild is a dev tool, loaded only here
  const esbuild = require("esbuild") as typeof import("esbuild");
  esbuild.buildSync({
    entryPoints: [join(REPO_ROOT, "src", "operator", "main.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    packages: "external",
    keepNames: true,
    sourcemap: "inline",
    outfile: OPERATOR_BUNDLE,
    logLevel: "error",
  });
  return OPERATOR_BUNDLE;
}

/** Newest modification time among the files that decide the webhook rules (the bindings). */
function newestBindingSourceMs(): number {
  let newest = statSync(join(REPO_ROOT, "package.json")).mtimeMs;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(REPO_ROOT, "capabilities"));
  return Math.max(newest, statSync(join(REPO_ROOT, "pepr.ts")).mtimeMs);
}

/** Runs `npx pepr build` when the module YAML is missing or older than the binding sources. */
export function ensureModuleBuilt(force = false): void {
  if (
    !force &&
    existsSync(BUILT_MODULE_YAML) &&
    statSync(BUILT_MODULE_YAML).mtimeMs >= newestBindingSourceMs()
  )
    return;
  execFileSync("npx", ["--offline", "pepr", "build"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** The webhook configurations from the built module, rewritten to call a local URL. */
export function localWebhookConfigs(port: number, apiPath: string, caBundleBase64: string): K8sObject[] {
  const docs = yaml.loadAll(readFileSync(BUILT_MODULE_YAML, "utf8")) as K8sObject[];
  // Pods and Services get entries of their own, as in the chart (capabilities/webhook-policies.ts).
  return shapeWebhookConfigs(docs, WEBHOOK_POLICIES)
    .filter(
      (d) => d && (d.kind === "MutatingWebhookConfiguration" || d.kind === "ValidatingWebhookConfiguration"),
    )
    .map((d) => {
      const path = d.kind === "MutatingWebhookConfiguration" ? "mutate" : "validate";
      return {
        ...d,
        webhooks: (d.webhooks ?? []).map((w) => ({
          ...w,
          clientConfig: { url: `https://localhost:${port}/${path}/${apiPath}`, caBundle: caBundleBase64 },
        })),
      };
    });
}

function kubectl(kubeconfigPath: string, args: string[], input?: string): string {
  return execFileSync("kubectl", ["--kubeconfig", kubeconfigPath, ...args], {
    input,
    stdio: ["pipe", "pipe", "pipe"],
  }).toString();
}

function modeEnv(mode: "all" | "admission" | "watcher"): Record<string, string> {
  if (mode === "all") return { PEPR_MODE: "dev" };
  return { PEPR_WATCH_MODE: mode === "watcher" ? "true" : "false" };
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill(signal);
  const t = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(t);
}

export async function startLocalOperator(opts: LocalOperatorOptions): Promise<LocalOperator> {
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const pkiDir = join(dir, "webhook-pki");
  const ca = ensureCa(pkiDir, "webhook-ca");
  const serving = ensureServingCert(pkiDir, "webhook", ca, { dns: ["localhost"], ips: ["127.0.0.1"] });
  const caPem = readFileSync(ca.certPath);
  const apiPath = randomBytes(16).toString("hex");
  const port = opts.port || (await freePort());

  // The Pepr store the controller reads at start-up needs its CRD and namespace.
  const { peprStoreCRD } = (await import("pepr/src/lib/assets/store")) as { peprStoreCRD: object };
  kubectl(
    opts.kubeconfigPath,
    ["apply", "--server-side", "--force-conflicts", "-f", "-"],
    JSON.stringify(peprStoreCRD),
  );
  kubectl(
    opts.kubeconfigPath,
    ["apply", "--server-side", "-f", "-"],
    JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "pepr-system" } }),
  );

  const logPath = join(dir, "operator.log");
  const log = createWriteStream(logPath, { flags: "a" });
  const bundle = buildOperatorBundle();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), "--enable-source-maps", bundle], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      KUBECONFIG: opts.kubeconfigPath,
      ...modeEnv(opts.mode ?? "all"),
      PEPR_API_PATH: apiPath,
      SSL_KEY_PATH: serving.keyPath,
      SSL_CERT_PATH: serving.certPath,
      OPERATOR_PORT: String(port),
      LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once("exit", (code, signal) => r({ code, signal })),
  );
  const pidFile = join(dir, "operator.pid");
  writeFileSync(pidFile, String(child.pid));

  const webhookNames: string[] = [];
  const unregister = () => {
    for (const name of webhookNames) {
      try {
        kubectl(opts.kubeconfigPath, ["delete", "--ignore-not-found", "--wait=false", name]);
      } catch {
        // the control plane may already be gone
      }
    }
  };

  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`operator exited with ${child.exitCode}; see ${logPath}`);
        return httpsOk(
          { host: "127.0.0.1", port, path: "/healthz", ca: caPem, servername: "localhost" },
          1_000,
        );
      },
      60_000,
      "operator /healthz",
    );
    if (opts.registerWebhooks ?? opts.mode !== "watcher") {
      const configs = localWebhookConfigs(port, apiPath, caPem.toString("base64"));
      for (const c of configs) {
        webhookNames.push(`${c.kind.toLowerCase()}/${c.metadata.name}`);
        kubectl(
          opts.kubeconfigPath,
          ["apply", "--server-side", "--force-conflicts", "-f", "-"],
          JSON.stringify(c),
        );
      }
    }
  } catch (e) {
    await stopChild(child, "SIGKILL", 1_000);
    throw e;
  }

  return {
    port,
    logPath,
    pid: child.pid ?? -1,
    caCertPath: ca.certPath,
    exited,
    stop: async () => {
      unregister();
      await stopChild(child, "SIGTERM", 5_000);
    },
    kill: async () => {
      await stopChild(child, "SIGKILL", 1_000);
    },
  };
}

/** GET `path` on a local operator's HTTPS server (/metrics, /readyz, /livez), trusting its own CA. */
export function operatorGet(
  op: Pick<LocalOperator, "port" | "caCertPath">,
  path: string,
  timeoutMs = 5_000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = https.get(
      {
        host: "127.0.0.1",
        port: op.port,
        path,
        ca: readFileSync(op.caCertPath),
        servername: "localhost",
        timeout: timeoutMs,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`GET ${path}: no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}
