// ALB benchmark (`make bench ONLY=alb`), two stacks one after the other.
// A. Ingress admission through the real kube-apiserver at BENCH_ALB_ADMISSION_RPS (default 50/s, open loop,
//    BENCH_ALB_ADMISSION_REQUESTS measured creates, default 1000): our webhooks (the operator's admission
//    process) against no-op webhooks of the same kinds in their own process, as bench/admission.bench.ts does
//    for Services. Each Ingress is of class alb in an AlbConfig group that already has
//    BENCH_ALB_ADMISSION_MEMBERS Ingresses (default 100) and carries an explicit order and health-check
//    annotations, so the registry parses them and the group-wide order check scans the group.
// B. The real stack (kube-apiserver, the operator as a local process, the emulator over the wire), the objects
//    created through the API 16 at a time and the clock started at the first create:
//    BENCH_ALB_INGRESSES Ingresses (default 200, one path each) across BENCH_ALB_CONFIGS AlbConfigs
//    (default 5) over 2 nodes.
//  1. Time until every Ingress has a hostname, over the rate floor (the busiest ALB API's minimum calls
//     divided by the client's ALB rate limit, CLOUD_DEFAULTS.rateLimitPerSecond.alb).
//  2. Mutating cloud calls per rule, over the minimum (batch APIs counted: one CreateRules per 10 rules).
//  3. A reconcile of every AlbConfig with nothing changed: mutating cloud calls (target 0).
// Small runs: BENCH_ALB_ADMISSION_REQUESTS=50 BENCH_ALB_ADMISSION_MEMBERS=10 BENCH_ALB_INGRESSES=10
// BENCH_ALB_CONFIGS=2 BENCH_RESULTS_DIR=/tmp/x.
import https from "node:https";
import { ALB_BATCH_LIMITS } from "../src/cloud";
import { ALB_INGRESS_DEFAULTS, CLOUD_DEFAULTS } from "../src/config";
import { createNodes } from "../test/helpers/clb";
import { ALB, albConfigYaml, ingressClassYaml, ingressYaml, nodePortServiceYaml } from "../test/helpers/alb";
import { emulatorCalls, mutatingCount, resetCalls } from "../test/helpers/emulator";
import { startStack } from "../test/helpers/stack";
import {
  apiCreate,
  apiRequest,
  apiTarget,
  kubectl,
  latencyRows,
  measureAdmission,
  onCleanup,
  registeredWebhooks,
  registerWebhooks,
  row,
  runBench,
  runCleanups,
  sleep,
  startAdmissionStack,
  startNoopWebhooks,
  webhookP99Row,
  type ApiTarget,
  type BenchRow,
} from "./lib";

const INGRESSES = Number(process.env.BENCH_ALB_INGRESSES ?? 200);
const CONFIGS = Number(process.env.BENCH_ALB_CONFIGS ?? 5);
const RATE = CLOUD_DEFAULTS.rateLimitPerSecond.alb;
const ADMISSION_RPS = Number(process.env.BENCH_ALB_ADMISSION_RPS ?? 50);
const ADMISSION_REQUESTS = Number(process.env.BENCH_ALB_ADMISSION_REQUESTS ?? 1000);
const ADMISSION_WARMUP = Math.min(200, Math.ceil(ADMISSION_REQUESTS / 5));
const ADMISSION_MEMBERS = Number(process.env.BENCH_ALB_ADMISSION_MEMBERS ?? 100);

/**
 * Ingresses with a hostname, listed through the API. Not with kubectl: spawnSync would stall this process, and
 * with it the in-process emulator, for the length of every poll (~0.3 s of each 0.8 s, measured).
 */
async function hostnames(target: ApiTarget, agent: https.Agent): Promise<number> {
  const r = await apiRequest(target, agent, "GET", INGRESSES_PATH, undefined);
  if (r.status !== 200) throw new Error(`GET ${INGRESSES_PATH}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
  const list = JSON.parse(r.body) as {
    items: { status?: { loadBalancer?: { ingress?: { hostname?: string }[] } } }[];
  };
  return list.items.filter((i) => i.status?.loadBalancer?.ingress?.[0]?.hostname).length;
}

/**
 * Creates of both sides share the groups: the n-th create goes to group n % groups with order 1 + n / groups,
 * so every explicit order is unique in its group (at most ALB_INGRESS_DEFAULTS.order.max) and all are admitted.
 */
function admissionIngress(n: number, groups: number, name: string, members: boolean): object {
  const group = n % groups;
  return JSON.parse(
    ingressYaml(name, {
      className: `adm-${group}`,
      host: `${name}.example.com`,
      paths: [{ path: "/", service: "svc" }],
      annotations: {
        ...(members ? {} : { [`${ALB}order`]: String(1 + Math.floor(n / groups)) }),
        [`${ALB}healthcheck-enabled`]: "true",
        [`${ALB}healthcheck-path`]: "/healthz",
        [`${ALB}healthcheck-httpcode`]: "http_2xx",
        [`${ALB}backend-scheduler`]: "wlc",
      },
    }),
  ) as object;
}

const INGRESSES_PATH = "/apis/networking.k8s.io/v1/namespaces/default/ingresses";
const CREATE_CONCURRENCY = 16;

/** The collection an object of the rollout is created in. */
function collectionPathOf(o: object): string {
  const { apiVersion, kind } = o as { apiVersion: string; kind: string };
  const base = apiVersion === "v1" ? "/api/v1" : `/apis/${apiVersion}`;
  switch (kind) {
    case "AlbConfig":
      return `${base}/albconfigs`;
    case "IngressClass":
      return `${base}/ingressclasses`;
    case "Service":
      return `${base}/namespaces/default/services`;
    case "Ingress":
      return `${base}/namespaces/default/ingresses`;
    default:
      throw new Error(`no collection for ${kind}`);
  }
}

/** A: Ingress creates at ADMISSION_RPS through our webhooks against no-op ones, in an admission-only stack. */
async function ingressAdmission(): Promise<BenchRow[]> {
  const { dir, cp, target, op } = await startAdmissionStack("bench-alb-adm-", [
    "albconfigs.alibabacloud.com.yaml",
  ]);
  const perSide = ADMISSION_WARMUP + ADMISSION_REQUESTS;
  const groups = Math.ceil((2 * perSide) / ALB_INGRESS_DEFAULTS.order.max);
  const docs: string[] = [];
  for (let g = 0; g < groups; g++)
    docs.push(albConfigYaml(`adm-${g}`), ingressClassYaml(`adm-${g}`, `adm-${g}`));
  kubectl(cp.kubeconfigPath, ["apply", "-f", "-"], docs.join("\n---\n"));
  const agent = new https.Agent({ keepAlive: true, maxSockets: 64 });
  onCleanup(() => agent.destroy());
  const create = (t: ApiTarget, body: object) => apiCreate(t, agent, INGRESSES_PATH, body);
  // The members go through our webhooks too; the first is retried until the webhook's stores hold the AlbConfigs.
  for (let attempt = 0; ; attempt++) {
    try {
      await create(target, admissionIngress(0, groups, "member-0", true));
      break;
    } catch (e) {
      if (attempt > 60) throw e;
      await sleep(500);
    }
  }
  for (let m = 1; m < ADMISSION_MEMBERS; m++)
    await create(target, admissionIngress(m, groups, `member-${m}`, true));

  // Our configurations as registered; no-op ones of the same kinds that see Ingresses (ours only validate them).
  const ours = registeredWebhooks(cp.kubeconfigPath);
  const kinds = ours
    .filter((c) => c.webhooks?.some((w) => w.rules?.some((r) => r.resources?.includes("ingresses"))))
    .map((c) => c.kind);
  const noop = await startNoopWebhooks(
    dir,
    { apiGroups: ["networking.k8s.io"], operations: ["CREATE", "UPDATE"], resources: ["ingresses"] },
    { kinds },
  );
  const apiserverPid = cp.pids["kube-apiserver"];
  const side = (first: number, prefix: string, webhookPid: number, withHistogram: boolean) =>
    measureAdmission({
      ratePerSecond: ADMISSION_RPS,
      warmup: ADMISSION_WARMUP,
      requests: ADMISSION_REQUESTS,
      send: (i) => create(target, admissionIngress(first + i, groups, `${prefix}-${i}`, false)),
      webhookPid,
      apiserverPid,
      ours: withHistogram ? { op, kind: "Ingress" } : undefined,
    });
  await registerWebhooks(cp.kubeconfigPath, noop.configs);
  const base = await side(0, "noop", noop.pid, false);
  await registerWebhooks(cp.kubeconfigPath, ours);
  const mine = await side(perSide, "ours", op.pid, true);
  await runCleanups();

  const what = `${kinds.length} no-op webhook${kinds.length === 1 ? "" : "s"} (${kinds.join(", ")})`;
  return [
    ...latencyRows(
      (q) => `Ingress create ${q} at ${ADMISSION_RPS}/s with our webhooks`,
      mine.latenciesMs,
      { what, latenciesMs: base.latenciesMs },
      {
        target: "<= 1.3",
        note:
          `${ADMISSION_REQUESTS} measured creates per side after ${ADMISSION_WARMUP} warm-up; open loop; class alb in ` +
          `${groups} AlbConfig groups with ${ADMISSION_MEMBERS} Ingresses before the loads, each create with an explicit order`,
      },
    ),
    ...webhookP99Row(`webhook's own p99 per Ingress admission review at ${ADMISSION_RPS}/s`, mine.inProcess),
    row(`webhook process CPU per Ingress create at ${ADMISSION_RPS}/s`, mine.webhookCpuPerCreateUs, "us", {
      baseline: { what: "the no-op webhooks' process", value: Math.round(base.webhookCpuPerCreateUs) },
      note: "user + system CPU of the webhook process over the load, divided by the creates",
    }),
  ];
}

/** B: the rollout of every Ingress and a no-change reconcile, on the whole stack. */
async function rollout(): Promise<BenchRow[]> {
  const stack = await startStack({ operator: "all", emulator: true });
  onCleanup(() => stack.stop());
  createNodes(stack, ["n1", "n2"]);
  const perConfig = new Array<number>(CONFIGS).fill(0);
  const groups: object[] = [];
  for (let c = 0; c < CONFIGS; c++)
    groups.push(
      JSON.parse(albConfigYaml(`bench-${c}`)) as object,
      JSON.parse(ingressClassYaml(`bench-${c}`, `bench-${c}`)) as object,
    );
  const members: object[] = [];
  for (let i = 0; i < INGRESSES; i++) {
    const c = i % CONFIGS;
    perConfig[c]++;
    members.push(JSON.parse(nodePortServiceYaml(`svc-${i}`)) as object);
    members.push(
      JSON.parse(
        ingressYaml(`ing-${i}`, {
          className: `bench-${c}`,
          host: `h${i}.example.com`,
          paths: [{ path: "/", service: `svc-${i}` }],
        }),
      ) as object,
    );
  }
  await resetCalls(stack.emulator!.url);
  // Created through the API, CREATE_CONCURRENCY at a time, as a deploy tool would: `kubectl apply` of 800
  // documents spends most of its time in kubectl (a GET and a patch per object, one at a time), which would
  // count against the controller. The clock starts at the first create.
  const target = apiTarget(stack.cp);
  const agent = new https.Agent({ keepAlive: true, maxSockets: CREATE_CONCURRENCY });
  onCleanup(() => agent.destroy());
  const started = Date.now();
  for (const o of groups) await apiCreate(target, agent, collectionPathOf(o), o);
  let next = 0;
  await Promise.all(
    Array.from({ length: CREATE_CONCURRENCY }, async () => {
      while (next < members.length) {
        const o = members[next++];
        await apiCreate(target, agent, collectionPathOf(o), o);
      }
    }),
  );
  const createdMs = Date.now() - started;
  while ((await hostnames(target, agent)) < INGRESSES) {
    if (Date.now() - started > 30 * 60_000) throw new Error("not every Ingress got a hostname in 30 min");
    await sleep(500);
  }
  const elapsedMs = Date.now() - started;
  await sleep(3_000); // let the last reconciles finish their writes
  const first = await emulatorCalls(stack.emulator!.url);
  // Minimum mutating calls: per AlbConfig an ALB, a listener and its default group; per Ingress a server
  // group and one AddServers; rules in batches of 10 per AlbConfig.
  const minRuleCalls = perConfig.reduce((n, k) => n + Math.ceil(k / ALB_BATCH_LIMITS.rulesPerCall), 0);
  const minimum = CONFIGS * 3 + INGRESSES * 2 + minRuleCalls;
  // The busiest API at the minimum: CreateServerGroup (or AddServers), once per Ingress.
  const floorMs = ((INGRESSES + CONFIGS) / RATE) * 1000;
  const ruleCalls =
    (first["alb:CreateRules"] ?? 0) +
    (first["alb:UpdateRulesAttribute"] ?? 0) +
    (first["alb:DeleteRules"] ?? 0);

  // No-change reconcile of every AlbConfig.
  await resetCalls(stack.emulator!.url);
  for (let c = 0; c < CONFIGS; c++)
    stack.kubectlOk(["annotate", "--overwrite", "albconfig", `bench-${c}`, `bench/touched=${Date.now()}`]);
  for (
    let waited = 0;
    (await emulatorCalls(stack.emulator!.url))["alb:ListListeners"] === undefined || waited < 5_000;
    waited += 500
  )
    await sleep(500);
  const resync = await emulatorCalls(stack.emulator!.url);

  await runCleanups();
  return [
    row(`time until ${INGRESSES} Ingresses in ${CONFIGS} AlbConfigs have a hostname`, elapsedMs, "ms", {
      baseline: { what: `rate floor (${INGRESSES + CONFIGS} server groups at ${RATE}/s)`, value: floorMs },
      target: "≤ 1.5x",
      note: `from the first create; the ${2 * CONFIGS + 2 * INGRESSES} objects were created through the API, ${CREATE_CONCURRENCY} at a time, in ${createdMs} ms`,
    }),
    row("mutating ALB calls", mutatingCount(first, "alb"), "calls", {
      baseline: { what: "minimum (batch APIs counted)", value: minimum },
      target: "≤ 1.1x",
    }),
    row("rule calls (Create/Update/DeleteRules)", ruleCalls, "calls", {
      baseline: { what: "one CreateRules per 10 rules of an AlbConfig", value: minRuleCalls },
    }),
    row("no-change reconcile of every AlbConfig: mutating calls", mutatingCount(resync, "alb"), "calls", {
      target: "0",
    }),
  ];
}

runBench(
  "alb",
  `BENCH_ALB_ADMISSION_REQUESTS=${ADMISSION_REQUESTS} BENCH_ALB_ADMISSION_MEMBERS=${ADMISSION_MEMBERS} ` +
    `BENCH_ALB_INGRESSES=${INGRESSES} BENCH_ALB_CONFIGS=${CONFIGS} make bench ONLY=alb`,
  [ingressAdmission, rollout],
);
