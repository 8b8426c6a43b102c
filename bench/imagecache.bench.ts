// ImageCache benchmarks, one run (`make bench ONLY=imagecache`):
// 1. Pod admission through the real kube-apiserver at a fixed arrival rate (open loop) with N Ready
//    ImageCaches in the webhook's index, every pod asking for automatic matching (the slow path), against a
//    pair of no-op webhooks on pods at the same rate; the p99 ratio is the figure.
// 2. Reconcile of M ImageCaches to Ready through the ECI emulator: the time against the cloud-API floor
//    (the cloud's own build time plus one CreateImageCache per cache at the client-side ECI rate limit), and
//    the DescribeImageCaches calls made per cache while polling.
// Small runs: BENCH_IMC_CACHES=20 BENCH_IMC_REQUESTS=50 BENCH_IMC_RECONCILE=10 BENCH_RESULTS_DIR=/tmp/x.
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { CLOUD_DEFAULTS, EMULATOR_DEFAULTS } from "../src/config";
import { startControlPlane } from "../src/controlplane/controlplane";
import { ensureCa, ensureServingCert } from "../src/controlplane/pki";
import { freePort } from "../src/controlplane/ports";
import { DEFAULT_TRANSITIONS } from "../src/emulator/core";
import { startEmulator } from "../src/emulator";
import { ensureModuleBuilt, startLocalOperator } from "../src/operator/local";
import { startStack } from "../test/helpers/stack";
import { onCleanup, percentile, row, runCleanups, writeResult, type BenchRow } from "./lib";

const CACHES = Number(process.env.BENCH_IMC_CACHES ?? 1000);
const RATE_PER_SECOND = Number(process.env.BENCH_IMC_RPS ?? 50);
const REQUESTS = Number(process.env.BENCH_IMC_REQUESTS ?? 1000);
const WARMUP = Math.min(200, Math.ceil(REQUESTS / 5));
const RECONCILE = Number(process.env.BENCH_IMC_RECONCILE ?? 200);
const FILL_CONCURRENCY = 16;
const AUTO = "k8s.aliyun.com/eci-image-cache";
const SNAPSHOT = "k8s.aliyun.com/eci-image-snapshot-id";
const ROOT = join(__dirname, "..");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Target {
  port: number;
  ca: Buffer;
  token: string;
  agent: https.Agent;
}

function request(t: Target, method: string, path: string, body: object, contentType = "application/json") {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port: t.port,
        method,
        path,
        ca: t.ca,
        agent: t.agent,
        headers: { authorization: `Bearer ${t.token}`, "content-type": contentType },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

function podBody(name: string, i: number, annotations: Record<string, string>): object {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", annotations },
    spec: {
      containers: [
        { name: "app", image: `registry.example.com/app-${i % CACHES}:1` },
        { name: "web", image: "nginx:1.27" },
      ],
    },
  };
}

async function createPod(t: Target, name: string, i: number): Promise<string> {
  const r = await request(t, "POST", "/api/v1/namespaces/default/pods", podBody(name, i, { [AUTO]: "true" }));
  if (r.status !== 201) throw new Error(`create pod ${name}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
  return (
    (JSON.parse(r.body) as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.[
      SNAPSHOT
    ] ?? ""
  );
}

/** Open-loop load; returns sorted latencies (ms) after the warm-up, and the ids the pods were given. */
async function load(t: Target, prefix: string): Promise<{ latenciesMs: number[]; chosen: string[] }> {
  const intervalMs = 1000 / RATE_PER_SECOND;
  const latenciesMs: number[] = [];
  const chosen: string[] = [];
  const t0 = performance.now() + 50;
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const dueMs = t0 + i * intervalMs;
    const waitMs = dueMs - performance.now();
    if (waitMs > 0) await sleep(waitMs);
    inflight.push(
      createPod(t, `${prefix}-${i}`, i).then((id) => {
        if (i >= WARMUP) latenciesMs.push(performance.now() - dueMs);
        chosen[i] = id;
      }),
    );
  }
  await Promise.all(inflight);
  return { latenciesMs: latenciesMs.sort((a, b) => a - b), chosen };
}

function kubectl(kubeconfig: string, args: string[], input?: string): string {
  return execFileSync("kubectl", ["--kubeconfig", kubeconfig, ...args], {
    input,
    maxBuffer: 256 << 20,
  }).toString();
}

/** N Ready ImageCaches (status written as the controller would), each holding app-<i> and nginx. */
async function fillCaches(t: Target): Promise<void> {
  let next = 0;
  const base = "/apis/eci.alibabacloud.com/v1/imagecaches";
  await Promise.all(
    Array.from({ length: FILL_CONCURRENCY }, async () => {
      while (next < CACHES) {
        const i = next++;
        const name = `bench-${i}`;
        const c = await request(t, "POST", base, {
          apiVersion: "eci.alibabacloud.com/v1",
          kind: "ImageCache",
          metadata: { name },
          spec: { images: [`registry.example.com/app-${i}:1`, "nginx:1.27"], imageCacheSize: 20 + (i % 7) },
        });
        if (c.status !== 201)
          throw new Error(`create ImageCache ${name}: HTTP ${c.status} ${c.body.slice(0, 200)}`);
        const s = await request(
          t,
          "PATCH",
          `${base}/${name}/status`,
          { status: { imageCacheId: `imc-bench${i}`, phase: "Ready", progress: "100%" } },
          "application/merge-patch+json",
        );
        if (s.status !== 200) throw new Error(`status of ${name}: HTTP ${s.status}`);
      }
    }),
  );
}

async function podAdmission(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "bench-imc-"));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const cp = await startControlPlane({ dir: join(dir, "cp") });
  onCleanup(() => cp.stop());
  kubectl(cp.kubeconfigPath, [
    "apply",
    "--server-side",
    "-f",
    join(ROOT, "crds", "imagecaches.eci.alibabacloud.com.yaml"),
  ]);
  kubectl(cp.kubeconfigPath, ["wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"]);
  ensureModuleBuilt();
  const op = await startLocalOperator({
    kubeconfigPath: cp.kubeconfigPath,
    dir: join(dir, "op"),
    mode: "admission",
    env: { LOG_LEVEL: "warn" },
  });
  onCleanup(() => op.stop());
  const t: Target = {
    port: Number(new URL(cp.url).port),
    ca: readFileSync(cp.caCertPath),
    token: cp.token,
    agent: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };
  onCleanup(() => t.agent.destroy());
  await fillCaches(t);
  // The webhook's index is full once the last cache is chosen for a pod that only it matches.
  const last = CACHES - 1;
  for (let attempt = 0; ; attempt++) {
    if ((await createPod(t, `index-check-${attempt}`, last)) === `imc-bench${last}`) break;
    if (attempt > 60) throw new Error("the webhook's ImageCache index never held every cache");
    await sleep(1_000);
  }

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
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  onCleanup(() => noop.kill());
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
        failurePolicy: "Ignore",
        timeoutSeconds: 3,
        clientConfig: { url: `https://localhost:${noopPort}/`, caBundle },
        rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"] }],
      },
    ],
  });
  const ours = (
    JSON.parse(
      kubectl(cp.kubeconfigPath, [
        "get",
        "mutatingwebhookconfigurations,validatingwebhookconfigurations",
        "-o",
        "json",
      ]),
    ) as { items: Array<{ metadata: Record<string, unknown> }> }
  ).items.map((c) => ({ ...c, metadata: { name: c.metadata.name } }));
  const register = async (configs: object[]) => {
    kubectl(cp.kubeconfigPath, [
      "delete",
      "--all",
      "mutatingwebhookconfigurations,validatingwebhookconfigurations",
    ]);
    for (const c of configs) kubectl(cp.kubeconfigPath, ["apply", "-f", "-"], JSON.stringify(c));
    await sleep(3_000); // the apiserver's webhook informer, and a settle
  };

  await register([hook("MutatingWebhookConfiguration"), hook("ValidatingWebhookConfiguration")]);
  const base = await load(t, "noop");
  await register(ours);
  const mine = await load(t, "ours");
  // The figure only counts if the webhook did the work: every pod got the cache holding its own image.
  const wrong = mine.chosen.filter((id, i) => id !== `imc-bench${i % CACHES}`).length;
  if (wrong > 0) throw new Error(`${wrong} pods did not get their best cache`);
  await runCleanups();
  return [
    row(
      `pod create p50 at ${RATE_PER_SECOND}/s, ${CACHES} ImageCaches, automatic matching`,
      percentile(mine.latenciesMs, 50),
      "ms",
      {
        baseline: {
          what: "two no-op pod webhooks",
          value: Math.round(percentile(base.latenciesMs, 50) * 100) / 100,
        },
      },
    ),
    row(
      `pod create p99 at ${RATE_PER_SECOND}/s, ${CACHES} ImageCaches, automatic matching`,
      percentile(mine.latenciesMs, 99),
      "ms",
      {
        baseline: {
          what: "two no-op pod webhooks",
          value: Math.round(percentile(base.latenciesMs, 99) * 100) / 100,
        },
        target: "<= 1.3",
        note: `${REQUESTS} measured creates per side after ${WARMUP} warm-up; open loop; every pod checked to carry its best cache`,
      },
    ),
  ];
}

async function reconcileToReady(): Promise<BenchRow[]> {
  // The account quota is raised for the run (the emulator's default is 50 caches).
  const emu = await startEmulator({ port: 0, quotas: { imageCachesPerAccount: RECONCILE + 10 } });
  onCleanup(() => emu.close());
  const stack = await startStack({
    operator: "all",
    operatorEnv: {
      ALIBABA_CLOUD_ENDPOINT: emu.url,
      ALIBABA_CLOUD_REGION_ID: EMULATOR_DEFAULTS.regionId,
      ALIBABA_CLOUD_ACCESS_KEY_ID: EMULATOR_DEFAULTS.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: EMULATOR_DEFAULTS.accessKeySecret,
      LOG_LEVEL: "warn",
    },
  });
  onCleanup(() => stack.stop());
  await fetch(`${emu.url}/_emulator/stats`, { method: "DELETE" });
  const list = {
    apiVersion: "v1",
    kind: "List",
    items: Array.from({ length: RECONCILE }, (_, i) => ({
      apiVersion: "eci.alibabacloud.com/v1",
      kind: "ImageCache",
      metadata: { name: `r-${i}` },
      spec: { images: [`registry.example.com/r-${i}:1`] },
    })),
  };
  const t0 = Date.now();
  stack.kubectlOk(["create", "-f", "-"], JSON.stringify(list));
  let elapsedMs = 0;
  for (;;) {
    const items = (
      JSON.parse(stack.kubectlOk(["get", "ic", "-o", "json"])) as {
        items: Array<{ status?: { phase?: string } }>;
      }
    ).items;
    if (items.filter((i) => i.status?.phase === "Ready").length === RECONCILE) {
      elapsedMs = Date.now() - t0;
      break;
    }
    if (Date.now() - t0 > 30 * 60_000) throw new Error("ImageCaches not Ready after 30 minutes");
    await sleep(250);
  }
  const stats = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as {
    calls: Record<string, number>;
  };
  const count = (action: string): number => stats.calls[`eci:${action}`] ?? 0;
  const creates = count("CreateImageCache");
  const describes = count("DescribeImageCaches");
  await runCleanups();
  const rate = CLOUD_DEFAULTS.rateLimitPerSecond.eci;
  const cloudBuildMs = DEFAULT_TRANSITIONS.eciPreparingMs + DEFAULT_TRANSITIONS.eciCreatingMs;
  const floorMs = cloudBuildMs + (RECONCILE / rate) * 1000;
  return [
    row(`${RECONCILE} ImageCaches created to Ready`, elapsedMs / 1000, "s", {
      baseline: {
        what: `cloud-API floor (${cloudBuildMs / 1000} s build + ${RECONCILE} creates at ${rate}/s)`,
        value: floorMs / 1000,
      },
      target: "<= 1.5",
      note: `CreateImageCache calls: ${creates}`,
    }),
    row(`DescribeImageCaches calls per ImageCache while reaching Ready`, describes / RECONCILE, "calls", {
      note: `${describes} calls in all: one listing of the cluster's caches (100 a page) answers every poll for 1 s`,
    }),
  ];
}

async function main(): Promise<void> {
  const rows = await podAdmission();
  rows.push(...(await reconcileToReady()));
  writeResult("imagecache", "make bench ONLY=imagecache", rows);
}

main().catch(async (e) => {
  console.error(e);
  await runCleanups();
  process.exit(1);
});
