// Admission latency of a Service create through the real kube-apiserver, at a fixed arrival rate
// (open loop: request i is due at t0 + i/rate; latency counts from when it was due). Our mutating
// and validating webhooks (the operator's admission process) against two no-op webhooks in their
// own process, in the same run; the ratio of the two is the figure. The CPU each webhook process
// spends per create is reported too: unlike latency, it does not depend on what else the machine runs.
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { startControlPlane } from "../src/controlplane/controlplane";
import { ensureCa, ensureServingCert } from "../src/controlplane/pki";
import { freePort } from "../src/controlplane/ports";
import { ensureModuleBuilt, startLocalOperator } from "../src/operator/local";
import { cpuTimeMs, percentile, row, writeResult } from "./lib";

const RATE_PER_SECOND = Number(process.env.BENCH_ADMISSION_RPS ?? 200);
const REQUESTS = Number(process.env.BENCH_ADMISSION_REQUESTS ?? 2000);
const WARMUP = 200;
const P = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-";

interface Target {
  host: string;
  port: number;
  ca: Buffer;
  token: string;
}

function postService(t: Target, agent: https.Agent, name: string): Promise<number> {
  const body = JSON.stringify({
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name,
      namespace: "default",
      annotations: { [`${P}scheduler`]: "wrr", [`${P}health-check-interval`]: "5" },
    },
    spec: {
      type: "LoadBalancer",
      allocateLoadBalancerNodePorts: false,
      ports: [{ port: 80, targetPort: 8080 }],
    },
  });
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: t.host,
        port: t.port,
        method: "POST",
        path: "/api/v1/namespaces/default/services",
        ca: t.ca,
        agent,
        headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json" },
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 201 ? resolve(res.statusCode) : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Open-loop load: returns latencies (ms) of the measured requests, after a warm-up. */
async function load(t: Target, prefix: string): Promise<number[]> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 64 });
  const intervalMs = 1000 / RATE_PER_SECOND;
  const latencies: number[] = [];
  const total = WARMUP + REQUESTS;
  const t0 = performance.now() + 50;
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const dueMs = t0 + i * intervalMs;
    const waitMs = dueMs - performance.now();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    inflight.push(
      postService(t, agent, `${prefix}-${i}`).then(() => {
        if (i >= WARMUP) latencies.push(performance.now() - dueMs);
      }),
    );
  }
  await Promise.all(inflight);
  agent.destroy();
  return latencies.sort((a, b) => a - b);
}

function kubectl(kubeconfig: string, args: string[], input?: string): void {
  execFileSync("kubectl", ["--kubeconfig", kubeconfig, ...args], {
    input,
    stdio: ["pipe", "ignore", "inherit"],
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-adm-"));
  const cp = await startControlPlane({ dir: join(dir, "cp") });
  const url = new URL(cp.url);
  const target: Target = {
    host: "127.0.0.1",
    port: Number(url.port),
    ca: readFileSync(cp.caCertPath),
    token: cp.token,
  };

  // Baseline: two no-op webhooks (one mutating, one validating, as ours) in their own process.
  const ca = ensureCa(join(dir, "noop"), "noop-ca");
  const serving = ensureServingCert(join(dir, "noop"), "noop", ca, {
    dns: ["localhost"],
    ips: ["127.0.0.1"],
  });
  const noopPort = await freePort();
  const noop: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(__dirname, "noop-webhook.ts"),
      String(noopPort),
      serving.certPath,
      serving.keyPath,
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((res) => createInterface({ input: noop.stdout! }).on("line", () => res()));
  const caBundle = readFileSync(ca.certPath).toString("base64");
  const hook = (kind: string) => ({
    apiVersion: "admissionregistration.k8s.io/v1",
    kind,
    metadata: { name: "noop" },
    webhooks: [
      {
        name: "noop.bench.local",
        admissionReviewVersions: ["v1"],
        sideEffects: "None",
        failurePolicy: "Fail",
        clientConfig: { url: `https://localhost:${noopPort}/`, caBundle },
        rules: [
          { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["services"] },
        ],
      },
    ],
  });
  kubectl(cp.kubeconfigPath, ["apply", "-f", "-"], JSON.stringify(hook("MutatingWebhookConfiguration")));
  kubectl(cp.kubeconfigPath, ["apply", "-f", "-"], JSON.stringify(hook("ValidatingWebhookConfiguration")));
  await new Promise((r) => setTimeout(r, 2_000));
  let cpuBeforeMs = cpuTimeMs(noop.pid!);
  const baseline = await load(target, "noop");
  const noopCpuPerCreateUs = ((cpuTimeMs(noop.pid!) - cpuBeforeMs) * 1000) / (WARMUP + REQUESTS);
  kubectl(cp.kubeconfigPath, [
    "delete",
    "mutatingwebhookconfiguration,validatingwebhookconfiguration",
    "noop",
  ]);
  noop.kill();

  ensureModuleBuilt();
  const op = await startLocalOperator({
    kubeconfigPath: cp.kubeconfigPath,
    dir: join(dir, "op"),
    mode: "admission",
    env: { LOG_LEVEL: "warn" },
    // For profiling, e.g. BENCH_OPERATOR_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
    nodeArgs: process.env.BENCH_OPERATOR_NODE_ARGS?.split(" ").filter(Boolean),
  });
  await new Promise((r) => setTimeout(r, 2_000));
  cpuBeforeMs = cpuTimeMs(op.pid);
  const ours = await load(target, "ours");
  const oursCpuPerCreateUs = ((cpuTimeMs(op.pid) - cpuBeforeMs) * 1000) / (WARMUP + REQUESTS);
  await op.stop();
  await cp.stop();
  rmSync(dir, { recursive: true, force: true });

  const p50 = percentile(ours, 50);
  const p99 = percentile(ours, 99);
  writeResult("admission", "make bench ONLY=admission", [
    row(`Service create p50 at ${RATE_PER_SECOND}/s with our webhooks`, p50, "ms", {
      baseline: { what: "two no-op webhooks", value: Math.round(percentile(baseline, 50) * 100) / 100 },
    }),
    row(`Service create p99 at ${RATE_PER_SECOND}/s with our webhooks`, p99, "ms", {
      baseline: { what: "two no-op webhooks", value: Math.round(percentile(baseline, 99) * 100) / 100 },
      target: "<= 1.3",
      note: `${REQUESTS} measured creates per side after ${WARMUP} warm-up; open loop`,
    }),
    row(
      "webhook process CPU per Service create (one mutate and one validate review)",
      oursCpuPerCreateUs,
      "us",
      {
        baseline: { what: "the two no-op webhooks' process", value: Math.round(noopCpuPerCreateUs) },
        note: "user + system CPU of the webhook process over the whole load, divided by the creates",
      },
    ),
  ]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
