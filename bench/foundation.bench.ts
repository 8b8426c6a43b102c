// Foundation figures: control-plane warm start to /readyz, and idle RSS of kube-apiserver, etcd and
// the operator. Baselines from the same run: etcd alone for start time, a bare Node process for RSS.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startControlPlane } from "../src/controlplane/controlplane";
import { ensureModuleBuilt, startLocalOperator } from "../src/operator/local";
import { row, treeRssMiB, writeResult } from "./lib";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function bareNodeRss(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 5000)"], { stdio: "ignore" });
  await sleep(2_000);
  const rss = treeRssMiB(child.pid!);
  child.kill();
  return rss;
}

async function main(): Promise<void> {
  const starts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const dir = mkdtempSync(join(tmpdir(), "bench-cp-"));
    const cp = await startControlPlane({ dir });
    starts.push(cp.startMs);
    await cp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const dir = mkdtempSync(join(tmpdir(), "bench-cp-"));
  const cp = await startControlPlane({ dir });
  ensureModuleBuilt();
  const op = await startLocalOperator({
    kubeconfigPath: cp.kubeconfigPath,
    dir: join(dir, "op"),
    env: { LOG_LEVEL: "warn" },
  });
  spawnSync("kubectl", ["--kubeconfig", cp.kubeconfigPath, "get", "--raw", "/readyz"]);
  await sleep(10_000);
  const apiserverRss = treeRssMiB(cp.pids["kube-apiserver"]);
  const etcdRss = treeRssMiB(cp.pids.etcd);
  const operatorRss = treeRssMiB(op.pid);
  await op.stop();
  await cp.stop();
  rmSync(dir, { recursive: true, force: true });
  const nodeRss = await bareNodeRss();
  const warmStartMs = starts.sort((a, b) => a - b)[1];
  writeResult("foundation", "npx tsx bench/foundation.bench.ts", [
    row("control plane warm start to /readyz (median of 3)", warmStartMs, "ms", {
      note: `runs: ${starts.join(", ")} ms`,
    }),
    row("kube-apiserver RSS at idle", apiserverRss, "MiB"),
    row("etcd RSS at idle", etcdRss, "MiB"),
    row("operator RSS at idle (admission + controllers, one process)", operatorRss, "MiB", {
      baseline: { what: "a bare node process", value: Math.round(nodeRss * 100) / 100 },
    }),
  ]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
