// Shared bench plumbing: results as JSON rows (each figure with the baseline measured in the same
// run and their ratio), RSS and CPU time from /proc, percentiles; for admission benches an open-loop
// create load against the kube-apiserver, no-op webhooks to compare with, and our webhook's histogram.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type ChildProcess, execFileSync, execSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import https from "node:https";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { startControlPlane, type ControlPlane } from "../src/controlplane/controlplane";
import { ensureCa, ensureServingCert } from "../src/controlplane/pki";
import { freePort } from "../src/controlplane/ports";
import {
  bucketDelta,
  histogramBuckets,
  histogramQuantile,
  parseExposition,
  select,
} from "../src/metrics/parse";
import {
  ensureModuleBuilt,
  operatorGet,
  startLocalOperator,
  type LocalOperator,
} from "../src/operator/local";

export interface BenchRow {
  figure: string;
  value: number;
  unit: string;
  baseline?: { what: string; value: number };
  /** value / baseline.value */
  ratio?: number;
  target?: string;
  note?: string;
}

export interface BenchResult {
  name: string;
  command: string;
  measuredAt: string;
  commit: string;
  machine: string;
  rows: BenchRow[];
}

/** bench/results, or BENCH_RESULTS_DIR (a smoke run with small numbers writes there, not over the real results). */
export const RESULTS_DIR = process.env.BENCH_RESULTS_DIR
  ? resolve(process.env.BENCH_RESULTS_DIR)
  : resolve(__dirname, "results");

export function row(
  figure: string,
  value: number,
  unit: string,
  extra: Omit<BenchRow, "figure" | "value" | "unit"> = {},
): BenchRow {
  const r: BenchRow = { figure, value: round(value), unit, ...extra };
  if (r.baseline && r.baseline.value > 0) r.ratio = round(value / r.baseline.value, 3);
  return r;
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function writeResult(name: string, command: string, rows: BenchRow[]): BenchResult {
  mkdirSync(RESULTS_DIR, { recursive: true });
  let commit = "unknown";
  try {
    commit = execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    // not a checkout
  }
  const result: BenchResult = {
    name,
    command,
    measuredAt: new Date().toISOString(),
    commit,
    machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    rows,
  };
  writeFileSync(join(RESULTS_DIR, `${name}.json`), JSON.stringify(result, null, 2) + "\n");
  for (const r of rows) {
    const ratio =
      r.ratio !== undefined
        ? `  ratio ${r.ratio} vs ${r.baseline!.what} (${r.baseline!.value} ${r.unit})`
        : "";
    console.log(
      `${name}: ${r.figure} = ${r.value} ${r.unit}${ratio}${r.target ? `  target ${r.target}` : ""}`,
    );
  }
  return result;
}

/** Resident set size of a process in MiB. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? "0");
  return kb / 1024;
}

/** RSS of a process and all its descendants (tsx runs the code in a child node process). */
export function treeRssMiB(pid: number): number {
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      total += rssMiB(p);
      const children = readFileSync(`/proc/${p}/task/${p}/children`, "utf8").trim();
      if (children) stack.push(...children.split(/\s+/).map(Number));
    } catch {
      // exited
    }
  }
  return total;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

let clockTicksPerSecond: number | undefined;

/** CPU time (user + system, every thread) a process has used so far, in ms. */
export function cpuTimeMs(pid: number): number {
  clockTicksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  // Fields after the ")" that ends the command name: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
}

const cleanups: Array<() => unknown> = [];

/** Registers a teardown (stop a control plane, kill a process) for runCleanups; last in, first out. */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

/** Runs every registered teardown once, even if one fails: a failed bench leaves no process behind. */
export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (e) {
      console.error("cleanup failed:", e);
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The kube-apiserver a bench calls directly (loopback, its CA, a bearer token). */
export interface ApiTarget {
  port: number;
  ca: Buffer;
  token: string;
}

export function apiTarget(cp: { url: string; caCertPath: string; token: string }): ApiTarget {
  return { port: Number(new URL(cp.url).port), ca: readFileSync(cp.caCertPath), token: cp.token };
}

/** One request to the kube-apiserver with a JSON body (none when undefined); the status and body as answered. */
export function apiRequest(
  t: ApiTarget,
  agent: https.Agent,
  method: string,
  path: string,
  body: object | undefined,
  contentType = "application/json",
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port: t.port,
        method,
        path,
        ca: t.ca,
        agent,
        headers: { authorization: `Bearer ${t.token}`, "content-type": contentType },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** POSTs an object and fails unless it was created (201); the created object's JSON. */
export async function apiCreate(
  t: ApiTarget,
  agent: https.Agent,
  path: string,
  body: object,
): Promise<string> {
  const r = await apiRequest(t, agent, "POST", path, body);
  if (r.status !== 201) throw new Error(`POST ${path}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
  return r.body;
}

/**
 * Open-loop load: request i is due at t0 + i/rate and its latency counts from then, so a slow answer does not
 * slow the arrivals. The first `warmup` requests are not measured; `onMeasuring` runs when the first measured
 * one is due (e.g. to scrape a histogram there). Returns the measured latencies (ms, sorted) and every answer.
 */
export async function openLoop<T>(opts: {
  ratePerSecond: number;
  warmup: number;
  requests: number;
  send: (i: number) => Promise<T>;
  onMeasuring?: () => Promise<void>;
}): Promise<{ latenciesMs: number[]; answers: T[] }> {
  const intervalMs = 1000 / opts.ratePerSecond;
  const latenciesMs: number[] = [];
  const answers: T[] = [];
  const t0 = performance.now() + 50;
  const inflight: Promise<void>[] = [];
  let measuring: Promise<void> | undefined;
  for (let i = 0; i < opts.warmup + opts.requests; i++) {
    const dueMs = t0 + i * intervalMs;
    // Not awaited: a request due meanwhile would count the hook's time as its own latency.
    if (i === opts.warmup) measuring = opts.onMeasuring?.();
    const waitMs = dueMs - performance.now();
    if (waitMs > 0) await sleep(waitMs);
    inflight.push(
      opts.send(i).then((answer) => {
        if (i >= opts.warmup) latenciesMs.push(performance.now() - dueMs);
        answers[i] = answer;
      }),
    );
  }
  await Promise.all(inflight);
  await measuring;
  return { latenciesMs: latenciesMs.sort((a, b) => a - b), answers };
}

export function kubectl(kubeconfig: string, args: string[], input?: string): string {
  return execFileSync("kubectl", ["--kubeconfig", kubeconfig, ...args], {
    input,
    maxBuffer: 256 << 20,
  }).toString();
}

const WEBHOOK_CONFIGS = "mutatingwebhookconfigurations,validatingwebhookconfigurations";
type WebhookConfig = {
  kind: string;
  metadata: Record<string, unknown>;
  webhooks?: Array<{ rules?: Array<{ resources?: string[] }> }>;
};

/** The webhook configurations registered now (the operator's, as the chart would register them), re-appliable. */
export function registeredWebhooks(kubeconfig: string): WebhookConfig[] {
  return (
    JSON.parse(kubectl(kubeconfig, ["get", WEBHOOK_CONFIGS, "-o", "json"])) as { items: WebhookConfig[] }
  ).items.map((c) => ({ ...c, metadata: { name: c.metadata.name } }));
}

/** Replaces every registered webhook configuration with `configs`, then lets the apiserver's informer see them. */
export async function registerWebhooks(kubeconfig: string, configs: object[]): Promise<void> {
  kubectl(kubeconfig, ["delete", "--all", WEBHOOK_CONFIGS]);
  for (const c of configs) kubectl(kubeconfig, ["apply", "-f", "-"], JSON.stringify(c));
  await sleep(3_000); // the apiserver's webhook informer, and a settle
}

export interface NoopWebhooks {
  pid: number;
  /** One configuration of each kind asked for, its one webhook allowing everything the rule matches. */
  configs: object[];
}

/**
 * The admission baseline: bench/noop-webhook.ts in its own process (as our webhooks are), serving HTTPS with a
 * CA of its own under `dir`, and configurations that send it what `rule` matches. Stopped by runCleanups.
 */
export async function startNoopWebhooks(
  dir: string,
  rule: { apiGroups: string[]; resources: string[]; operations: string[] },
  opts: {
    kinds?: string[];
    failurePolicy?: "Fail" | "Ignore";
    timeoutSeconds?: number;
    /** Serve them from a Pepr module with do-nothing bindings of this kind (bench/noop-pepr-webhook.ts). */
    pepr?: { kubeconfigPath: string; group: string; kind: string };
  } = {},
): Promise<NoopWebhooks> {
  const ca = ensureCa(join(dir, "noop"), "noop-ca");
  const serving = ensureServingCert(join(dir, "noop"), "noop", ca, {
    dns: ["localhost"],
    ips: ["127.0.0.1"],
  });
  const port = await freePort();
  const pepr = opts.pepr;
  const apiPath = randomBytes(16).toString("hex");
  const args = pepr
    ? ["noop-pepr-webhook.ts", String(port), pepr.group, pepr.kind]
    : ["noop-webhook.ts", String(port), serving.certPath, serving.keyPath];
  // The Pepr module is configured as startAdmissionStack configures our admission process.
  const peprEnv = pepr && {
    KUBECONFIG: pepr.kubeconfigPath,
    SSL_CERT_PATH: serving.certPath,
    SSL_KEY_PATH: serving.keyPath,
    PEPR_API_PATH: apiPath,
    PEPR_WATCH_MODE: "false",
    LOG_LEVEL: "warn",
  };
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", join(__dirname, args[0]), ...args.slice(1)],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...peprEnv },
    },
  );
  onCleanup(() => child.kill());
  await new Promise<void>((res) => createInterface({ input: child.stdout! }).on("line", () => res()));
  const caBundle = readFileSync(ca.certPath).toString("base64");
  const configs = (opts.kinds ?? ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]).map(
    (kind) => ({
      apiVersion: "admissionregistration.k8s.io/v1",
      kind,
      metadata: { name: "noop" },
      webhooks: [
        {
          name: "noop.bench.local",
          admissionReviewVersions: ["v1"],
          sideEffects: "None",
          failurePolicy: opts.failurePolicy ?? "Fail",
          ...(opts.timeoutSeconds ? { timeoutSeconds: opts.timeoutSeconds } : {}),
          clientConfig: {
            url: pepr
              ? `https://localhost:${port}/${kind.startsWith("Mutating") ? "mutate" : "validate"}/${apiPath}`
              : `https://localhost:${port}/`,
            caBundle,
          },
          rules: [{ ...rule, apiVersions: ["v1"] }],
        },
      ],
    }),
  );
  return { pid: child.pid!, configs };
}

/** An admission histogram read over a span: cumulative bucket counts, their sum and count. */
export interface InProcessTimes {
  /** Cumulative bucket counts (upper bound in seconds -> reviews), mutate and validate reviews together. */
  buckets: Map<number, number>;
  sumSeconds: number;
  reviews: number;
}

const ADMISSION_HISTOGRAM = "alicloud_operator_admission_duration_seconds";

/** Our webhook process's admission histogram for reviews of `kind` (both webhooks together). */
export async function scrapeAdmission(op: LocalOperator, kind: string): Promise<InProcessTimes> {
  const r = await operatorGet(op, "/metrics", 30_000);
  if (r.status !== 200) throw new Error(`/metrics of the webhook process: HTTP ${r.status}`);
  const samples = parseExposition(r.body);
  const sum = (name: string) => select(samples, name, { kind }).reduce((acc, x) => acc + x.value, 0);
  return {
    buckets: histogramBuckets(samples, ADMISSION_HISTOGRAM, { kind }),
    sumSeconds: sum(`${ADMISSION_HISTOGRAM}_sum`),
    reviews: sum(`${ADMISSION_HISTOGRAM}_count`),
  };
}

export function inProcessDelta(after: InProcessTimes, before: InProcessTimes): InProcessTimes {
  return {
    buckets: bucketDelta(after.buckets, before.buckets),
    sumSeconds: after.sumSeconds - before.sumSeconds,
    reviews: after.reviews - before.reviews,
  };
}

/** p99 (bucket-interpolated, as PromQL's histogram_quantile) and mean of a histogram span, in ms. */
export function inProcessMs(x: InProcessTimes): { p99: number; mean: number } {
  return { p99: histogramQuantile(0.99, x.buckets) * 1000, mean: (x.sumSeconds / x.reviews) * 1000 };
}

/** The p50 and p99 rows of a latency figure against a baseline measured in the same run. */
export function latencyRows(
  figure: (quantile: "p50" | "p99") => string,
  latenciesMs: number[],
  baseline: { what: string; latenciesMs: number[] },
  p99: { target?: string; note?: string } = {},
): BenchRow[] {
  const base = (p: number) => ({ what: baseline.what, value: round(percentile(baseline.latenciesMs, p)) });
  return [
    row(figure("p50"), percentile(latenciesMs, 50), "ms", { baseline: base(50) }),
    row(figure("p99"), percentile(latenciesMs, 99), "ms", { baseline: base(99), ...p99 }),
  ];
}

/** One side of an admission comparison: latencies of the measured creates and the CPU spent per create. */
export interface SideRun {
  latenciesMs: number[];
  webhookCpuPerCreateUs: number;
  apiserverCpuPerCreateUs: number;
  /** The webhook process's own time per review over the measured creates (when it is ours). */
  inProcess?: InProcessTimes;
}

/**
 * An open-loop create load (openLoop) with the CPU the webhook process and the kube-apiserver spent per create;
 * with `ours`, our webhook process's own admission histogram for `ours.kind` over the measured creates.
 */
export async function measureAdmission(opts: {
  ratePerSecond: number;
  warmup: number;
  requests: number;
  send: (i: number) => Promise<unknown>;
  webhookPid: number;
  apiserverPid: number;
  ours?: { op: LocalOperator; kind: string };
}): Promise<SideRun> {
  const { ours, webhookPid, apiserverPid } = opts;
  const webhookBeforeMs = cpuTimeMs(webhookPid);
  const apiserverBeforeMs = cpuTimeMs(apiserverPid);
  let atMeasuring: InProcessTimes | undefined;
  const { latenciesMs } = await openLoop({
    ...opts,
    onMeasuring: async () => {
      if (ours) atMeasuring = await scrapeAdmission(ours.op, ours.kind);
    },
  });
  const creates = opts.warmup + opts.requests;
  return {
    latenciesMs,
    webhookCpuPerCreateUs: ((cpuTimeMs(webhookPid) - webhookBeforeMs) * 1000) / creates,
    apiserverCpuPerCreateUs: ((cpuTimeMs(apiserverPid) - apiserverBeforeMs) * 1000) / creates,
    inProcess:
      ours && atMeasuring
        ? inProcessDelta(await scrapeAdmission(ours.op, ours.kind), atMeasuring)
        : undefined,
  };
}

/** One side of an interleaved comparison: the webhook configurations that route the creates to it. */
export interface AdmissionSide {
  name: string;
  configs: object[];
  webhookPid: number;
  /** Our webhook process: its own admission histogram for `kind` is read over the measured creates. */
  ours?: { op: LocalOperator; kind: string };
}

/**
 * The three sides of an admission comparison in `stack`: bare no-op webhooks (bench/noop-webhook.ts), a Pepr
 * module whose bindings of `kind` do nothing (bench/noop-pepr-webhook.ts: the framework's own cost, which our
 * hooks run inside), and ours, as the operator registered them (as the chart would).
 */
export async function admissionSides(
  stack: AdmissionStack,
  rule: { apiGroups: string[]; resources: string[]; operations: string[] },
  peprKind: { group: string; kind: string },
  opts: { failurePolicy?: "Fail" | "Ignore"; timeoutSeconds?: number } = {},
): Promise<AdmissionSide[]> {
  const { dir, cp, op } = stack;
  const noop = await startNoopWebhooks(dir, rule, opts);
  const pepr = await startNoopWebhooks(join(dir, "pepr"), rule, {
    ...opts,
    pepr: { kubeconfigPath: cp.kubeconfigPath, ...peprKind },
  });
  return [
    { name: "noop", configs: noop.configs, webhookPid: noop.pid },
    { name: "pepr", configs: pepr.configs, webhookPid: pepr.pid },
    {
      name: "ours",
      configs: registeredWebhooks(cp.kubeconfigPath),
      webhookPid: op.pid,
      ours: { op, kind: peprKind.kind },
    },
  ];
}

/** The sum of two spans of one admission histogram. */
export function inProcessSum(a: InProcessTimes, b: InProcessTimes): InProcessTimes {
  const buckets = new Map(a.buckets);
  for (const [le, n] of b.buckets) buckets.set(le, (buckets.get(le) ?? 0) + n);
  return { buckets, sumSeconds: a.sumSeconds + b.sumSeconds, reviews: a.reviews + b.reviews };
}

/**
 * The sides in `rounds` rounds of `requests / rounds` measured creates each (after a short warm-up per round),
 * the order rotated every round (ABC, BCA, CAB, ...): a burst of other work on this shared machine, or a drift
 * over the run, then falls on every side alike instead of on whichever side ran last. `send(side, seq)` makes
 * one create; seq runs from 0 over all of a side's creates, warm-up included.
 */
export async function measureInterleaved(opts: {
  kubeconfig: string;
  sides: AdmissionSide[];
  rounds: number;
  ratePerSecond: number;
  requests: number;
  apiserverPid: number;
  send: (side: AdmissionSide, seq: number) => Promise<unknown>;
}): Promise<Map<string, SideRun>> {
  const perRound = Math.ceil(opts.requests / opts.rounds);
  const warmup = Math.min(50, Math.ceil(perRound / 5));
  const runs = new Map<string, SideRun>();
  for (let round = 0; round < opts.rounds; round++) {
    for (let k = 0; k < opts.sides.length; k++) {
      const side = opts.sides[(round + k) % opts.sides.length];
      await registerWebhooks(opts.kubeconfig, side.configs);
      const base = round * (warmup + perRound);
      const run = await measureAdmission({
        ratePerSecond: opts.ratePerSecond,
        warmup,
        requests: perRound,
        send: (i) => opts.send(side, base + i),
        webhookPid: side.webhookPid,
        apiserverPid: opts.apiserverPid,
        ours: side.ours,
      });
      const prev = runs.get(side.name);
      runs.set(
        side.name,
        prev
          ? {
              latenciesMs: [...prev.latenciesMs, ...run.latenciesMs].sort((a, b) => a - b),
              // every round has as many creates: the mean of the rounds is the mean per create
              webhookCpuPerCreateUs:
                (prev.webhookCpuPerCreateUs * round + run.webhookCpuPerCreateUs) / (round + 1),
              apiserverCpuPerCreateUs:
                (prev.apiserverCpuPerCreateUs * round + run.apiserverCpuPerCreateUs) / (round + 1),
              inProcess: prev.inProcess && run.inProcess && inProcessSum(prev.inProcess, run.inProcess),
            }
          : run,
      );
    }
  }
  return runs;
}

/** The webhook's own p99 per review over the measured creates (none when it saw none), its mean in the note. */
export function webhookP99Row(figure: string, x: InProcessTimes | undefined): BenchRow[] {
  if (!x?.reviews) return [];
  const { p99, mean } = inProcessMs(x);
  return [
    row(figure, p99, "ms", {
      note: `${x.reviews} reviews over the measured creates, from the webhook process's histogram; mean ${round(mean)} ms`,
    }),
  ];
}

/** A bench's entry point: its parts in turn, their rows written as one result; a failure cleans up and exits 1. */
export function runBench(name: string, command: string, parts: Array<() => Promise<BenchRow[]>>): void {
  const run = async () => {
    const rows: BenchRow[] = [];
    for (const part of parts) rows.push(...(await part()));
    writeResult(name, command, rows);
    await runCleanups();
  };
  run().catch(async (e) => {
    console.error(e);
    await runCleanups();
    process.exit(1);
  });
}

/** A control plane (with `crds` from crds/) and our admission process, registered as the chart would. */
export interface AdmissionStack {
  dir: string;
  cp: ControlPlane;
  target: ApiTarget;
  op: LocalOperator;
}

/** Starts an AdmissionStack in a fresh temporary directory; runCleanups tears it down. */
export async function startAdmissionStack(prefix: string, crds: string[] = []): Promise<AdmissionStack> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // BENCH_KEEP_TMP=1 keeps it (the processes' logs) for a look afterwards.
  if (process.env.BENCH_KEEP_TMP) console.log(`bench: keeping ${dir}`);
  else onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const cp = await startControlPlane({ dir: join(dir, "cp") });
  onCleanup(() => cp.stop());
  for (const crd of crds)
    kubectl(cp.kubeconfigPath, ["apply", "--server-side", "-f", join(__dirname, "..", "crds", crd)]);
  if (crds.length > 0)
    kubectl(cp.kubeconfigPath, ["wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"]);
  ensureModuleBuilt();
  const op = await startLocalOperator({
    kubeconfigPath: cp.kubeconfigPath,
    dir: join(dir, "op"),
    mode: "admission",
    env: { LOG_LEVEL: "warn" },
    // For profiling, e.g. BENCH_OPERATOR_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
    nodeArgs: process.env.BENCH_OPERATOR_NODE_ARGS?.split(" ").filter(Boolean),
  });
  onCleanup(() => op.stop());
  return { dir, cp, target: apiTarget(cp), op };
}
