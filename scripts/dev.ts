// `make dev`: a local control plane, the cloud emulator and the operator, in the foreground.
// Ctrl-C stops everything it started; `make dev-down` (this script with --down) cleans up a stack
// left behind by a killed terminal.
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { clientTokenFor, createCloudProvider, loadCloudConfig } from "../src/cloud";
import { EMULATOR_DEFAULTS } from "../src/config";
import { startControlPlane } from "../src/controlplane/controlplane";
import { ensureModuleBuilt, startLocalOperator } from "../src/operator/local";

const ROOT = resolve(__dirname, "..");
const DEV_DIR = join(ROOT, ".dev");
const PIDS_FILE = join(DEV_DIR, "pids.json");

function down(): void {
  const files = [PIDS_FILE, join(DEV_DIR, "controlplane", "pids.json")].filter((f) => existsSync(f));
  let killed = 0;
  const seen = new Set<number>();
  for (const f of files) {
    const pids = JSON.parse(readFileSync(f, "utf8")) as Record<string, number>;
    for (const [name, pid] of Object.entries(pids)) {
      if (seen.has(pid)) continue;
      seen.add(pid);
      try {
        process.kill(pid, "SIGTERM");
        killed++;
        console.log(`stopped ${name} (pid ${pid})`);
      } catch {
        // already gone
      }
    }
  }
  console.log(killed ? "dev stack stopped" : "no dev stack running");
}

/**
 * The SLB examples/clb-reuse.yaml reuses: made "by hand" (no ownership tags), once per emulator data
 * dir, first thing after a fresh start, so the seeded emulator (--seed 1) gives it the id that
 * examples/clb-reuse.yaml names: lb-bp1m0izyampfzgh5e85h2e.
 */
async function ensureUserSlb(cloudEnv: Record<string, string>): Promise<string> {
  const cloud = createCloudProvider(loadCloudConfig(cloudEnv));
  const [existing] = await cloud.slb.findLoadBalancers({ loadBalancerName: "user-made-slb" });
  if (existing) return existing.loadBalancerId;
  const created = await cloud.slb.createLoadBalancer({
    loadBalancerName: "user-made-slb",
    addressType: "internet",
    tags: [{ key: "owner", value: "platform-team" }],
    clientToken: clientTokenFor("make-dev", "user-made-slb"),
  });
  return created.loadBalancerId;
}

/** Ready Nodes with Alibaba-style providerIDs: what a kubelet and the node controller would provide. */
function createDevNodes(kubeconfigPath: string, count: number): void {
  const kubectl = (args: string[], input?: string) =>
    execFileSync("kubectl", ["--kubeconfig", kubeconfigPath, ...args], {
      input,
      stdio: ["pipe", "ignore", "ignore"],
    });
  for (let i = 1; i <= count; i++) {
    const name = `dev-node-${i}`;
    kubectl(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Node",
        metadata: { name },
        spec: { providerID: `cn-hangzhou.i-devnode${i}` },
      }),
    );
    const now = new Date().toISOString();
    const status = {
      conditions: [
        { type: "Ready", status: "True", reason: "Dev", lastHeartbeatTime: now, lastTransitionTime: now },
      ],
      addresses: [{ type: "InternalIP", address: `192.168.0.${10 + i}` }],
    };
    kubectl([
      "patch",
      "node",
      name,
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify({ status }),
    ]);
    try {
      kubectl(["taint", "node", name, "node.kubernetes.io/not-ready:NoSchedule-"]);
    } catch {
      // the taint may not be there
    }
  }
}

function startEmulatorProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "src/emulator/main.ts"),
      "--port",
      "0",
      "--data-dir",
      dataDir,
      "--seed",
      "1",
    ],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((res, rej) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => rej(new Error("emulator did not start within 60 s")), 60_000);
    lines.on("line", (line) => {
      const m = /emulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        res({ child, url: m[1] });
      }
    });
    child.once("exit", (code) => rej(new Error(`emulator exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  if (process.argv.includes("--down")) return down();
  if (existsSync(PIDS_FILE)) down();
  mkdirSync(DEV_DIR, { recursive: true });
  const started = Date.now();

  console.log("starting etcd + kube-apiserver on 127.0.0.1 ...");
  const cp = await startControlPlane({ dir: join(DEV_DIR, "controlplane"), withControllerManager: true });
  const kubeconfigPath = join(DEV_DIR, "kubeconfig");
  writeFileSync(kubeconfigPath, readFileSync(cp.kubeconfigPath));
  console.log(`control plane ready at ${cp.url} in ${cp.startMs} ms`);
  createDevNodes(kubeconfigPath, 2);
  console.log("created 2 Ready nodes (no kubelet here) so SLBs get ECS backends");

  console.log("starting the cloud emulator ...");
  const emulator = await startEmulatorProcess(join(DEV_DIR, "emulator"));
  const cloudEnv: Record<string, string> = {
    ALIBABA_CLOUD_ENDPOINT: emulator.url,
    ALIBABA_CLOUD_REGION_ID: EMULATOR_DEFAULTS.regionId,
    ALIBABA_CLOUD_ACCESS_KEY_ID: EMULATOR_DEFAULTS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: EMULATOR_DEFAULTS.accessKeySecret,
    // The emulator's VPC: ENI backends are looked up in it.
    ALIBABA_CLOUD_VPC_ID: EMULATOR_DEFAULTS.vpc.vpcId,
    // Its vSwitch is the default of intranet SLBs that name none (README "Cloud defaults").
    ALIBABA_CLOUD_VSWITCH_IDS: EMULATOR_DEFAULTS.vpc.vSwitchId,
  };
  writeFileSync(
    join(DEV_DIR, "cloud.env"),
    Object.entries(cloudEnv)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n") + "\n",
    { mode: 0o600 },
  );
  console.log(`emulator listening on ${emulator.url}`);
  const reuseId = await ensureUserSlb(cloudEnv);
  console.log(`a hand-made SLB for examples/clb-reuse.yaml: ${reuseId}`);

  const crds = readdirSync(join(ROOT, "crds")).filter((f) => f.endsWith(".yaml"));
  for (const f of crds) {
    execFileSync(
      "kubectl",
      ["--kubeconfig", kubeconfigPath, "apply", "--server-side", "-f", join(ROOT, "crds", f)],
      {
        stdio: "ignore",
      },
    );
  }
  console.log(`installed ${crds.length} CRDs from crds/`);

  ensureModuleBuilt();
  const operator = await startLocalOperator({
    kubeconfigPath,
    dir: join(DEV_DIR, "operator"),
    env: cloudEnv,
  });
  console.log(
    `operator serving webhooks on https://localhost:${operator.port} (log: .dev/operator/operator.log)`,
  );

  writeFileSync(
    PIDS_FILE,
    JSON.stringify({ operator: operator.pid, emulator: emulator.child.pid ?? -1, ...cp.pids }),
  );

  console.log(`
alicloud-operator dev stack is up in ${((Date.now() - started) / 1000).toFixed(1)} s. Next:

  export KUBECONFIG=$PWD/.dev/kubeconfig
  set -a; . .dev/cloud.env; set +a      # the emulator's endpoint and test credentials
  kubectl apply -f examples/clb-public.yaml
  kubectl get svc -w                    # EXTERNAL-IP appears when the SLB is ready
  npm run plan -- -f examples/clb-https.yaml

Press Ctrl-C to stop everything.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping ...");
    await operator.stop();
    emulator.child.kill("SIGTERM");
    await cp.stop();
    try {
      writeFileSync(PIDS_FILE, "{}");
    } catch {
      // best effort
    }
    console.log("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  emulator.child.once("exit", (code) => {
    if (!stopping) {
      console.error(`emulator exited unexpectedly (${code}); stopping the stack`);
      void stop();
    }
  });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
