// CLB benchmarks on the real stack (kube-apiserver, operator processes, emulator process):
//  1. 500 Services over 20 nodes, emulator with 20 ms latency and a per-API rate limit: time until
//     every Service has an ingress IP, over the floor (busiest API's minimum calls / rate limit); and
//     cloud calls per Service over the minimum. Measured with default settings (workers follow the SLB
//     rate limit, src/controller/controller.ts defaultWorkers; leader election on), and for comparison in
//     a fresh stack with the old fixed default of 3 workers.
//  2. A resync with nothing changed: mutating cloud calls (target 0).
//  3. Operator (controller process) RSS with 1,000 Services, against its RSS before any Service.
// Admission latency is in bench/admission.bench.ts.
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { CoordinationV1Api, CoreV1Api, KubeConfig, V1Service } from "@kubernetes/client-node";
import { EMULATOR_DEFAULTS, LEADER_ELECTION_DEFAULTS } from "../src/config";
import { startControlPlane } from "../src/controlplane/controlplane";
import { defaultWorkers } from "../src/controller/controller";
import { ensureModuleBuilt, startLocalOperator, type LocalOperator } from "../src/operator/local";
import { onCleanup, row, runCleanups, treeRssMiB, writeResult } from "./lib";

const SERVICES = Number(process.env.BENCH_SERVICES ?? 500);
const RSS_SERVICES = Number(process.env.BENCH_RSS_SERVICES ?? 1000);
const NODES = 20;
const LATENCY_MS = 20;
/** Per-API (per action) rate limit of the emulator and of the operator's client, requests per second. */
const RATE_LIMIT_RPS = Number(process.env.BENCH_RATE_LIMIT ?? 20);
/** What the CLB controller runs with when OPERATOR_WORKERS is not set (capabilities/clb-service/wiring.ts). */
const DEFAULT_WORKERS = defaultWorkers(RATE_LIMIT_RPS);
/**
 * The fixed worker count the CLB controller had before it followed the rate limit. Its run costs a fresh stack
 * (under a minute), and is kept because a ratio is only comparable within one run: it shows on the same machine
 * what the default bought. Skipped when the default equals it (e.g. BENCH_RATE_LIMIT=6): it would only repeat it.
 */
const OLD_DEFAULT_WORKERS = 3;
const ROOT = join(__dirname, "..");

// The main figure is for default settings: an override left in the shell would reach the operator processes.
delete process.env.OPERATOR_WORKERS;
delete process.env.OPERATOR_LEADER_ELECTION;

/**
 * The fewest SLB calls that can give one new Service (one TCP port, 20 nodes) an SLB: one lookup
 * (is there an SLB already?), CreateLoadBalancer, CreateVServerGroup (its 20 backends fit the create
 * call), Create...Listener and StartLoadBalancerListener (a new listener starts stopped).
 */
const MIN_CALLS_PER_SERVICE = 5;
/** The busiest single API in that minimum is called once per Service. */
const MIN_CALLS_OF_BUSIEST_API_PER_SERVICE = 1;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startEmulatorProcess(
  dataDir: string,
  args: string[],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(ROOT, "src/emulator/main.ts"), "--port", "0", "--data-dir", dataDir, ...args],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((res, rej) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      const m = /emulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (m) res({ child, url: m[1] });
    });
    child.once("exit", (code) => rej(new Error(`emulator exited with ${code}`)));
  });
}

type Stats = Record<string, number>;

async function stats(url: string): Promise<Stats> {
  const r = await fetch(`${url}/_emulator/stats`);
  return ((await r.json()) as { calls: Stats }).calls;
}

function diff(after: Stats, before: Stats): Stats {
  const out: Stats = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

function sum(s: Stats, filter: (key: string) => boolean = () => true): number {
  return Object.entries(s)
    .filter(([k]) => filter(k))
    .reduce((a, [, v]) => a + v, 0);
}

/** Stats keys are `product:Action`; anything else (a request the emulator could not route) is no API call. */
const isApiCall = (key: string) => (key.split(":")[1] ?? "") !== "";

/** `product:Action` keys (as in the stats) of every API the emulator marks as mutating. */
async function mutatingApis(url: string): Promise<Set<string>> {
  const r = await fetch(`${url}/_emulator/handlers`);
  const { handlers } = (await r.json()) as {
    handlers: Array<{ product: string; action: string; mutating: boolean }>;
  };
  return new Set(handlers.filter((h) => h.mutating).map((h) => `${h.product}:${h.action}`));
}

function service(name: string): V1Service {
  return {
    metadata: { name, namespace: "default" },
    spec: {
      type: "LoadBalancer",
      selector: { app: name },
      ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }],
    },
  };
}

async function createServices(
  core: CoreV1Api,
  prefix: string,
  count: number,
  concurrency = 16,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        await core.createNamespacedService({ namespace: "default", body: service(`${prefix}-${i}`) });
      }
    }),
  );
}

async function readyCount(core: CoreV1Api, prefix: string): Promise<number> {
  const list = await core.listNamespacedService({ namespace: "default" });
  return list.items.filter(
    (s) => s.metadata?.name?.startsWith(`${prefix}-`) && s.status?.loadBalancer?.ingress?.length,
  ).length;
}

/** Waits until the watcher process `pid` holds the controllers' Lease (identities are <host>_<pid>_<random>). */
async function waitForLeaseHolder(kc: KubeConfig, pid: number, timeoutMs = 60_000): Promise<void> {
  const leases = kc.makeApiClient(CoordinationV1Api);
  const { namespace, name } = LEADER_ELECTION_DEFAULTS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const holder = await leases
      .readNamespacedLease({ namespace, name })
      .then((l) => l.spec?.holderIdentity)
      .catch(() => undefined);
    if (holder?.includes(`_${pid}_`)) return;
    if (Date.now() > deadline) throw new Error(`watcher ${pid} did not get the Lease (holder: ${holder})`);
    await sleep(250);
  }
}

interface Stack {
  dir: string;
  emulator: { child: ChildProcess; url: string };
  cp: Awaited<ReturnType<typeof startControlPlane>>;
  kc: KubeConfig;
  core: CoreV1Api;
  cloudEnv: Record<string, string>;
  admission: LocalOperator;
  watcher: LocalOperator;
  idleRss: number;
}

const stopped = new Set<string>();

/** Emulator (latency, per-API rate limit), control plane with NODES Ready nodes, admission and watcher. */
async function startStack(watcherEnv: Record<string, string> = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), "bench-clb-"));
  const emulator = await startEmulatorProcess(join(dir, "emulator"), [
    "--latency-ms",
    String(LATENCY_MS),
    "--rate-limit",
    String(RATE_LIMIT_RPS),
    // The account quota (60 SLBs by default) is raised so the bench measures speed, not the quota.
    "--quotas",
    JSON.stringify({ slbPerAccount: RSS_SERVICES + 100 }),
  ]);
  const cp = await startControlPlane({ dir: join(dir, "cp") });
  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const now = new Date().toISOString();
  for (let i = 0; i < NODES; i++) {
    const name = `node-${i}`;
    await core.createNode({ body: { metadata: { name }, spec: { providerID: `cn-hangzhou.i-node${i}` } } });
    await core.patchNodeStatus({
      name,
      body: [
        {
          op: "add",
          path: "/status/conditions",
          value: [
            {
              type: "Ready",
              status: "True",
              reason: "Bench",
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            },
          ],
        },
      ],
    });
  }
  const cloudEnv = {
    ALIBABA_CLOUD_ENDPOINT: emulator.url,
    ALIBABA_CLOUD_REGION_ID: EMULATOR_DEFAULTS.regionId,
    ALIBABA_CLOUD_ACCESS_KEY_ID: EMULATOR_DEFAULTS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: EMULATOR_DEFAULTS.accessKeySecret,
    ALIBABA_CLOUD_RATE_LIMIT_RPS: String(RATE_LIMIT_RPS),
    LOG_LEVEL: "warn",
  };
  ensureModuleBuilt();
  const admission = await startLocalOperator({
    kubeconfigPath: cp.kubeconfigPath,
    dir: join(dir, "admission"),
    env: cloudEnv,
    mode: "admission",
  });
  const watcher = await startLocalOperator({
    kubeconfigPath: cp.kubeconfigPath,
    dir: join(dir, "watcher"),
    env: { ...cloudEnv, ...watcherEnv },
    mode: "watcher",
  });
  const stack: Stack = { dir, emulator, cp, kc, core, cloudEnv, admission, watcher, idleRss: 0 };
  // If the bench fails from here on, its processes go with it (a watcher restarted later registers its own).
  onCleanup(() => stopStack(stack));
  // Only the Lease holder reconciles: the clock starts once it leads, as in a cluster that has been running.
  await waitForLeaseHolder(kc, watcher.pid);
  await sleep(3_000);
  stack.idleRss = treeRssMiB(watcher.pid);
  return stack;
}

async function stopStack(s: Stack): Promise<void> {
  if (stopped.has(s.dir)) return;
  stopped.add(s.dir);
  await s.watcher.stop();
  await s.admission.stop();
  s.emulator.child.kill("SIGTERM");
  await s.cp.stop();
  rmSync(s.dir, { recursive: true, force: true });
}

/** Creates SERVICES Services and waits until each has an ingress IP: elapsed ms and the calls made. */
async function converge(s: Stack): Promise<{ convergeMs: number; created: Stats }> {
  const before = await stats(s.emulator.url);
  const t0 = Date.now();
  await createServices(s.core, "svc", SERVICES);
  while ((await readyCount(s.core, "svc")) < SERVICES) await sleep(250);
  const convergeMs = Date.now() - t0;
  await sleep(2_000); // let follow-up events of our own writes settle before counting
  return { convergeMs, created: diff(await stats(s.emulator.url), before) };
}

async function main(): Promise<void> {
  // 1b first, in a stack of its own: the same convergence with the old fixed worker count, for comparison.
  let oldDefaultRun: { convergeMs: number; created: Stats } | undefined;
  if (DEFAULT_WORKERS !== OLD_DEFAULT_WORKERS) {
    const old = await startStack({ OPERATOR_WORKERS: String(OLD_DEFAULT_WORKERS) });
    oldDefaultRun = await converge(old);
    await stopStack(old);
  }

  // 1. Convergence with default settings.
  const stack = await startStack();
  const { kc, core, cloudEnv, emulator, cp, dir, idleRss } = stack;
  const mutating = await mutatingApis(emulator.url);
  let { watcher } = stack;
  const { convergeMs, created } = await converge(stack);
  const callsPerService = sum(created, isApiCall) / SERVICES;
  const busiest = Object.entries(created).sort((a, b) => b[1] - a[1])[0];
  const floorMs = ((SERVICES * MIN_CALLS_OF_BUSIEST_API_PER_SERVICE) / RATE_LIMIT_RPS) * 1000;

  // 2. A resync with nothing changed: a fresh controller process reconciles every Service once.
  await watcher.stop();
  const beforeResync = await stats(emulator.url);
  watcher = await startLocalOperator({
    kubeconfigPath: cp.kubeconfigPath,
    dir: join(dir, "watcher2"),
    env: cloudEnv,
    mode: "watcher",
  });
  const restarted = watcher;
  onCleanup(() => restarted.stop());
  // The stopped watcher released the Lease on SIGTERM; the fresh one reconciles once it holds it.
  await waitForLeaseHolder(kc, watcher.pid);
  await sleep(Math.max(15_000, (SERVICES / RATE_LIMIT_RPS) * 4 * 1000));
  const resync = diff(await stats(emulator.url), beforeResync);
  const resyncMutating = sum(resync, (k) => mutating.has(k));
  const resyncReads = sum(resync, (k) => !mutating.has(k));

  // 3. RSS with RSS_SERVICES Services.
  await createServices(core, "rss", RSS_SERVICES - SERVICES);
  while ((await readyCount(core, "rss")) < RSS_SERVICES - SERVICES) await sleep(1_000);
  await sleep(5_000);
  const rss = treeRssMiB(watcher.pid);

  await stopStack({ ...stack, watcher });

  const floor = {
    what: `floor: ${SERVICES} calls of the busiest API / ${RATE_LIMIT_RPS} rps per API`,
    value: floorMs / 1000,
  };
  writeResult("clb", "make bench ONLY=clb", [
    row(
      `time until ${SERVICES} Services over ${NODES} nodes have an ingress IP (default settings: ${DEFAULT_WORKERS} workers, leader election on)`,
      convergeMs / 1000,
      "s",
      {
        baseline: floor,
        target: "<= 1.15",
        note: `emulator latency ${LATENCY_MS} ms per call; busiest API ${busiest?.[0]} x${busiest?.[1]}`,
      },
    ),
    ...(oldDefaultRun
      ? [
          row(
            `the same with OPERATOR_WORKERS=${OLD_DEFAULT_WORKERS}, the old fixed default (a fresh stack)`,
            oldDefaultRun.convergeMs / 1000,
            "s",
            {
              baseline: floor,
              note: `for comparison, no target; cloud calls per Service ${(sum(oldDefaultRun.created, isApiCall) / SERVICES).toFixed(2)}`,
            },
          ),
        ]
      : []),
    row("cloud calls per Service (create)", callsPerService, "calls", {
      baseline: { what: "minimum calls per Service", value: MIN_CALLS_PER_SERVICE },
      target: "<= 1.00",
      note: Object.entries(created)
        .map(([k, v]) => `${k}=${v}`)
        .join(" "),
    }),
    row(`mutating cloud calls in a resync of ${SERVICES} unchanged Services`, resyncMutating, "calls", {
      target: "0",
      note: `read calls in that resync: ${resyncReads} (${(resyncReads / SERVICES).toFixed(2)} per Service)`,
    }),
    row(`controller process RSS with ${RSS_SERVICES} Services`, rss, "MiB", {
      baseline: { what: "the same process before any Service", value: Math.round(idleRss * 100) / 100 },
      target: "< 256 MiB",
    }),
  ]);
}

main().catch(async (e) => {
  console.error(e);
  await runCleanups();
  process.exit(1);
});
