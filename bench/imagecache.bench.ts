// ImageCache benchmarks, one run (`make bench ONLY=imagecache`):
// 1. Pod admission through the real kube-apiserver at a fixed arrival rate (open loop) with N Ready
//    ImageCaches in the webhook's index, every pod asking for automatic matching (the slow path), against a
//    pair of no-op webhooks on pods at the same rate; the p99 ratio is the figure.
// 2. Reconcile of M ImageCaches to Ready through the ECI emulator: the time against the cloud-API floor
//    (the cloud's own build time plus one CreateImageCache per cache at the client-side ECI rate limit), and
//    the DescribeImageCaches calls made per cache while polling.
// Small runs: BENCH_IMC_CACHES=20 BENCH_IMC_REQUESTS=50 BENCH_IMC_RECONCILE=10 BENCH_RESULTS_DIR=/tmp/x.
import https from "node:https";
import { CLOUD_DEFAULTS, EMULATOR_DEFAULTS } from "../src/config";
import { DEFAULT_TRANSITIONS } from "../src/emulator/core";
import { startEmulator } from "../src/emulator";
import { startStack } from "../test/helpers/stack";
import {
  apiCreate,
  apiRequest,
  webhookP99Row,
  apiTarget,
  latencyRows,
  onCleanup,
  row,
  runBench,
  runCleanups,
  sleep,
  startAdmissionStack,
  measureInterleaved,
  admissionSides,
  type ApiTarget,
  type BenchRow,
} from "./lib";

const CACHES = Number(process.env.BENCH_IMC_CACHES ?? 1000);
const RATE_PER_SECOND = Number(process.env.BENCH_IMC_RPS ?? 50);
const REQUESTS = Number(process.env.BENCH_IMC_REQUESTS ?? 1000);
/** The sides take turns in this many rounds of REQUESTS / ROUNDS measured creates (measureInterleaved). */
const ROUNDS = Number(process.env.BENCH_IMC_ROUNDS ?? 5);
const RECONCILE = Number(process.env.BENCH_IMC_RECONCILE ?? 200);
const FILL_CONCURRENCY = 16;
const AUTO = "k8s.aliyun.com/eci-image-cache";
const SNAPSHOT = "k8s.aliyun.com/eci-image-snapshot-id";

/** The apiserver and one keep-alive agent for every request of the bench. */
interface Target extends ApiTarget {
  agent: https.Agent;
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
  const body = await apiCreate(
    t,
    t.agent,
    "/api/v1/namespaces/default/pods",
    podBody(name, i, { [AUTO]: "true" }),
  );
  return (
    (JSON.parse(body) as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.[
      SNAPSHOT
    ] ?? ""
  );
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
        await apiCreate(t, t.agent, base, {
          apiVersion: "eci.alibabacloud.com/v1",
          kind: "ImageCache",
          metadata: { name },
          spec: { images: [`registry.example.com/app-${i}:1`, "nginx:1.27"], imageCacheSize: 20 + (i % 7) },
        });
        const s = await apiRequest(
          t,
          t.agent,
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
  const stack = await startAdmissionStack("bench-imc-", ["imagecaches.eci.alibabacloud.com.yaml"]);
  const { cp } = stack;
  const t: Target = { ...apiTarget(cp), agent: new https.Agent({ keepAlive: true, maxSockets: 64 }) };
  onCleanup(() => t.agent.destroy());
  await fillCaches(t);
  // The webhook's index is full once the last cache is chosen for a pod that only it matches.
  const last = CACHES - 1;
  for (let attempt = 0; ; attempt++) {
    if ((await createPod(t, `index-check-${attempt}`, last)) === `imc-bench${last}`) break;
    if (attempt > 60) throw new Error("the webhook's ImageCache index never held every cache");
    await sleep(1_000);
  }

  // Failing open within 3 s, as our pod webhook is registered (README "ImageCache").
  const sides = await admissionSides(
    stack,
    { apiGroups: [""], operations: ["CREATE"], resources: ["pods"] },
    { group: "", kind: "Pod" },
    { failurePolicy: "Ignore", timeoutSeconds: 3 },
  );
  // The figure only counts if the webhook did the work: every pod got the cache holding its own image.
  let wrong = 0;
  const runs = await measureInterleaved({
    kubeconfig: cp.kubeconfigPath,
    sides,
    rounds: ROUNDS,
    ratePerSecond: RATE_PER_SECOND,
    requests: REQUESTS,
    apiserverPid: cp.pids["kube-apiserver"],
    send: async (side, seq) => {
      const chosen = await createPod(t, `${side.name}-${seq}`, seq);
      if (side.ours && chosen !== `imc-bench${seq % CACHES}`) wrong++;
    },
  });
  if (wrong > 0) throw new Error(`${wrong} pods did not get their best cache`);
  const [base, framework, mine] = ["noop", "pepr", "ours"].map((name) => runs.get(name)!);
  await runCleanups();
  const figure = (q: string) =>
    `pod create ${q} at ${RATE_PER_SECOND}/s, ${CACHES} ImageCaches, automatic matching`;
  const note = `${REQUESTS} measured creates per side, open loop, in ${ROUNDS} rounds that rotate the order of the sides (each round after a short warm-up); every pod checked to carry its best cache`;
  return [
    ...latencyRows(
      figure,
      mine.latenciesMs,
      { what: "two no-op pod webhooks", latenciesMs: base.latenciesMs },
      { note },
    ),
    ...latencyRows(
      (q) => `${figure(q)}, against the framework`,
      mine.latenciesMs,
      { what: "a Pepr module's two no-op pod webhooks", latenciesMs: framework.latenciesMs },
      {
        target: "<= 1.3",
        note: "what our hooks add to Pepr 1.1.4's own admission path (docs/eci-imagecache.md, Admission cost)",
      },
    ),
    ...webhookP99Row(
      `webhook's own p99 per pod admission review at ${RATE_PER_SECOND}/s, ${CACHES} ImageCaches`,
      mine.inProcess,
    ),
    row(
      `webhook process CPU per pod create at ${RATE_PER_SECOND}/s (one mutate and one validate review)`,
      mine.webhookCpuPerCreateUs,
      "us",
      {
        baseline: {
          what: "the Pepr no-op module's process",
          value: Math.round(framework.webhookCpuPerCreateUs),
        },
        note: `the bare no-op webhooks' process: ${Math.round(base.webhookCpuPerCreateUs)} us`,
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

runBench("imagecache", "make bench ONLY=imagecache", [podAdmission, reconcileToReady]);
