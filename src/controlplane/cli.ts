// `npm run cp -- up [--dir .cp] [--with-kcm]`: a local etcd + kube-apiserver in the foreground (Ctrl-C
// stops it); `npm run cp -- down [--dir .cp]` stops one left behind. Tests and `make dev` use the library.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startControlPlane } from "./controlplane";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const command = process.argv[2];
  const dir = resolve(arg("--dir", ".cp"));
  if (command === "down") {
    const pidsFile = join(dir, "pids.json");
    if (!existsSync(pidsFile)) return console.log(`no control plane in ${dir}`);
    for (const [name, pid] of Object.entries(
      JSON.parse(readFileSync(pidsFile, "utf8")) as Record<string, number>,
    )) {
      try {
        process.kill(pid, "SIGTERM");
        console.log(`stopped ${name} (pid ${pid})`);
      } catch {
        // already gone
      }
    }
    return;
  }
  if (command !== "up") {
    console.error("usage: npm run cp -- up|down [--dir DIR] [--with-kcm]");
    process.exit(2);
  }
  const cp = await startControlPlane({ dir, withControllerManager: process.argv.includes("--with-kcm") });
  console.log(`kube-apiserver ready at ${cp.url} in ${cp.startMs} ms`);
  console.log(`export KUBECONFIG=${cp.kubeconfigPath}`);
  const stop = () => void cp.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
