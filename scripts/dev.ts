// `make dev`: a local control plane, the cloud emulator, the admission process and supervised controller
// replicas (src/operator/dev-stack.ts), in the foreground. Ctrl-C stops everything it started; `make dev-down`
// (this script with --down) cleans up a stack left behind by a killed terminal.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { devEmulatorArgs, devReplicas, startDevStack, type DevStack } from "../src/operator/dev-stack";

const ROOT = resolve(__dirname, "..");
const DEV_DIR = join(ROOT, ".dev");
const PIDS_FILE = join(DEV_DIR, "pids.json");

function down(): void {
  const files = [PIDS_FILE, join(DEV_DIR, "controlplane", "pids.json")].filter((f) => existsSync(f));
  let killed = 0;
  const seen = new Set<number>([process.pid]);
  for (const f of files) {
    // The supervisor (`dev`) comes first, so it cannot restart a controller stopped after it.
    const pids = JSON.parse(readFileSync(f, "utf8")) as Record<string, number>;
    for (const [name, pid] of Object.entries(pids)) {
      if (seen.has(pid) || pid <= 0) continue;
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

const stamp = () => new Date().toISOString().slice(11, 19);

async function main(): Promise<void> {
  if (process.argv.includes("--down")) return down();
  if (existsSync(PIDS_FILE)) down();
  const replicas = devReplicas(process.env);
  const emulatorArgs = devEmulatorArgs(process.env);
  const started = Date.now();
  // Set once the stack is up: later messages (restarts) get a time stamp, and the pid file follows restarts.
  const up: { stack?: DevStack } = {};
  const writePids = () => {
    if (up.stack) writeFileSync(PIDS_FILE, JSON.stringify(up.stack.pids()));
  };
  const s = await startDevStack({
    dir: DEV_DIR,
    replicas,
    emulatorArgs,
    controllerManager: true,
    log: (m) => console.log(up.stack ? `[${stamp()}] ${m}` : m),
    onProcessStarted: writePids,
  });
  up.stack = s;
  writePids();
  writeFileSync(join(DEV_DIR, "kubeconfig"), readFileSync(s.kubeconfigPath));
  writeFileSync(
    join(DEV_DIR, "cloud.env"),
    Object.entries(s.cloudEnv)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n") + "\n",
    { mode: 0o600 },
  );
  const controllerLogs = s.controllers.map((c) => `.dev/${c.name}/operator.log`).join(", ");
  console.log(`installed ${s.crdCount} CRDs from crds/
a hand-made SLB for examples/clb-reuse.yaml: ${s.userLoadBalancerId}
a hand-made ALB for examples/alb/reuse.yaml: ${s.userAlbId}
admission: pid ${s.admission.pid}, webhooks on https://localhost:${s.admission.port} (log: .dev/admission/operator.log)
controllers: ${s.controllers.map((c) => `${c.name} pid ${c.current?.pid}`).join(", ")}${
    replicas > 1 ? " (one leads, on the Lease pepr-system/alicloud-operator-controller)" : ""
  }, each restarted with backoff if it dies (logs: ${controllerLogs})
emulator: ${s.emulatorUrl}${emulatorArgs.length ? ` with ${emulatorArgs.join(" ")}` : ""} (request log: .dev/emulator/requests.jsonl)

alicloud-operator dev stack is up in ${((Date.now() - started) / 1000).toFixed(1)} s. Next:

  export KUBECONFIG=$PWD/.dev/kubeconfig
  set -a; . .dev/cloud.env; set +a      # the emulator's endpoint and test credentials
  kubectl apply -f examples/clb-public.yaml
  kubectl get svc -w                    # EXTERNAL-IP appears when the SLB is ready
  npm run plan -- -f examples/clb-https.yaml
  tail -f .dev/emulator/requests.jsonl  # every cloud call: action, resource ids, parameters
  kill -9 ${s.controllers[0].current?.pid}    # a controller crash: it is restarted, admission keeps answering

Press Ctrl-C to stop everything.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping ...");
    await s.stop();
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
  s.emulator.once("exit", (code) => {
    if (!stopping) {
      console.error(`emulator exited unexpectedly (${code}); stopping the stack`);
      void stop();
    }
  });
  void s.admission.exited.then(({ code, signal }) => {
    if (!stopping) {
      console.error(`admission exited unexpectedly (${signal ?? code}); stopping the stack`);
      void stop();
    }
  });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
