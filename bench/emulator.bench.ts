// Emulator benchmark: a mixed SLB workload through the real SDK (openapi-core, V3 signatures) over
// loopback, against (a) a trivial node http server answering canned JSON (the floor: SDK + HTTP cost),
// (b) the emulator in memory, (c) with a journal and fsync, (d) with a journal without fsync.
// Run: npx tsx bench/emulator.bench.ts   → bench/results/emulator.json
import OpenApi, { $OpenApiUtil } from "@alicloud/openapi-core";
import { execSync } from "node:child_process";
import { row } from "./lib";
import { RuntimeOptions } from "@darabonba/typescript";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { API_VERSIONS, rpcParams } from "../src/cloud";
import { startEmulator } from "../src/emulator";

const CONCURRENCY = 8;
const MIXED_ITERATIONS = 400; // × 8 requests each = 3,200 requests per mixed run
const WRITE_ITERATIONS = 600; // × 2 requests each = 1,200 requests per write-only run
/** Each configuration runs this many times, interleaved; the best run is kept (less scheduler noise). */
const ROUNDS = 2;

type Call = (action: string, query?: Record<string, unknown>) => Promise<Record<string, unknown>>;

function client(port: number): Call {
  const c = new OpenApi(
    new $OpenApiUtil.Config({
      accessKeyId: "testAk",
      accessKeySecret: "testSecret",
      regionId: "cn-hangzhou",
      endpoint: `127.0.0.1:${port}`,
      protocol: "http",
      connectTimeout: 10_000,
      readTimeout: 10_000,
    }),
  );
  return async (action, query = {}) => {
    const params = rpcParams(action, API_VERSIONS.slb);
    const res = await c.callApi(
      params,
      new $OpenApiUtil.OpenApiRequest({
        query: $OpenApiUtil.default.query({ RegionId: "cn-hangzhou", ...query }),
      }),
      new RuntimeOptions({}),
    );
    return res.body as Record<string, unknown>;
  };
}

interface Stats {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function run(call: Call, iterations: number, kind: "mixed" | "write"): Promise<Stats> {
  const latencies: number[] = [];
  const timed = async (action: string, q?: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const t0 = performance.now();
    const r = await call(action, q);
    latencies.push(performance.now() - t0);
    return r;
  };
  let next = 0;
  const worker = async (w: number): Promise<void> => {
    while (next < iterations) {
      const i = next++;
      const lb = await timed("CreateLoadBalancer", {
        LoadBalancerName: `bench-${w}-${i}`,
        Tag: [{ Key: "bench", Value: String(w) }],
      });
      const lbId = String(lb.LoadBalancerId);
      if (kind === "mixed") {
        await timed("DescribeLoadBalancers", { LoadBalancerId: lbId });
        const g = await timed("CreateVServerGroup", { LoadBalancerId: lbId, VServerGroupName: `g-${i}` });
        const vsgId = String(g.VServerGroupId);
        await timed("AddVServerGroupBackendServers", {
          VServerGroupId: vsgId,
          BackendServers: JSON.stringify([{ ServerId: `i-${w}x${i}`, Port: 80, Weight: 100 }]),
        });
        await timed("DescribeVServerGroupAttribute", { VServerGroupId: vsgId });
        await timed("DescribeLoadBalancerAttribute", { LoadBalancerId: lbId });
        await timed("DescribeVServerGroups", { LoadBalancerId: lbId });
      }
      await timed("DeleteLoadBalancer", { LoadBalancerId: lbId });
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] * 1000) / 1000;
  return {
    requests: latencies.length,
    seconds: Math.round(seconds * 1000) / 1000,
    requestsPerSecond: Math.round(latencies.length / seconds),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
  };
}

async function cannedServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const body = JSON.stringify({
    RequestId: "00000000-0000-4000-A000-000000000000",
    LoadBalancerId: "lb-bp1bench",
    VServerGroupId: "rsp-bench",
    LoadBalancers: { LoadBalancer: [] },
    TotalCount: 0,
  });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () =>
      res
        .writeHead(200, {
          "content-type": "application/json;charset=utf-8",
          "content-length": Buffer.byteLength(body),
        })
        .end(body),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

async function main(): Promise<void> {
  const quotas = { slbPerAccount: 100_000 };
  const results: Record<string, Stats> = {};
  const dirs: string[] = [];
  const tmp = (): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "emu-bench-"));
    dirs.push(d);
    return d;
  };
  const keepBest = (name: string, s: Stats): void => {
    if (!results[name] || s.requestsPerSecond > results[name].requestsPerSecond) results[name] = s;
  };
  try {
    // Warm-up of both servers so JIT and connection pools do not favour whichever runs later.
    const warm = await startEmulator({ quotas });
    await run(client(warm.port), 100, "mixed");
    await warm.close();
    const warmCanned = await cannedServer();
    await run(client(warmCanned.port), 100, "mixed");
    await warmCanned.close();

    for (let round = 0; round < ROUNDS; round++) {
      const canned = await cannedServer();
      keepBest("mixedCannedServer", await run(client(canned.port), MIXED_ITERATIONS, "mixed"));
      await canned.close();
      for (const [name, opts] of [
        ["mixedEmulatorMemory", { quotas }],
        ["mixedEmulatorFsync", { quotas, dataDir: tmp(), fsync: true }],
        ["mixedEmulatorNoFsync", { quotas, dataDir: tmp(), fsync: false }],
        ["writeEmulatorFsync", { quotas, dataDir: tmp(), fsync: true }],
        ["writeEmulatorNoFsync", { quotas, dataDir: tmp(), fsync: false }],
      ] as const) {
        const emu = await startEmulator(opts);
        const write = name.startsWith("write");
        keepBest(
          name,
          await run(client(emu.port), write ? WRITE_ITERATIONS : MIXED_ITERATIONS, write ? "write" : "mixed"),
        );
        await emu.close();
      }
    }
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
  const ratio = (a: number, b: number): number => Math.round((a / b) * 1000) / 1000;
  const report = {
    generatedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.release()}` },
    workload: {
      client: "@alicloud/openapi-core callApi, V3 signatures, loopback",
      concurrency: CONCURRENCY,
      rounds: `${ROUNDS}, interleaved; best run per configuration kept`,
      mixed:
        "per iteration: CreateLoadBalancer, DescribeLoadBalancers, CreateVServerGroup, AddVServerGroupBackendServers, DescribeVServerGroupAttribute, DescribeLoadBalancerAttribute, DescribeVServerGroups, DeleteLoadBalancer (4 writes, 4 reads)",
      write: "per iteration: CreateLoadBalancer, DeleteLoadBalancer",
    },
    results,
    ratios: {
      /** Emulator throughput as a fraction of the canned-JSON server (1.0 = no cost beyond HTTP + SDK). */
      emulatorMemoryVsCannedThroughput: ratio(
        results.mixedEmulatorMemory.requestsPerSecond,
        results.mixedCannedServer.requestsPerSecond,
      ),
      emulatorFsyncVsCannedThroughput: ratio(
        results.mixedEmulatorFsync.requestsPerSecond,
        results.mixedCannedServer.requestsPerSecond,
      ),
      /** fsync on vs off (throughput; below 1.0 = fsync costs). */
      mixedFsyncOnVsOffThroughput: ratio(
        results.mixedEmulatorFsync.requestsPerSecond,
        results.mixedEmulatorNoFsync.requestsPerSecond,
      ),
      writeFsyncOnVsOffThroughput: ratio(
        results.writeEmulatorFsync.requestsPerSecond,
        results.writeEmulatorNoFsync.requestsPerSecond,
      ),
      writeFsyncOnVsOffP50: ratio(results.writeEmulatorFsync.p50Ms, results.writeEmulatorNoFsync.p50Ms),
    },
  };
  // Rows in the shape every bench writes, for the generated bench/README.md table.
  const r = results;
  const extra = {
    name: "emulator",
    command: "make bench ONLY=emulator",
    measuredAt: report.generatedAt,
    commit: gitCommit(),
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    rows: [
      row(
        "mixed workload through the SDK, in-memory emulator",
        r.mixedEmulatorMemory.requestsPerSecond,
        "req/s",
        {
          baseline: { what: "canned-JSON node server", value: r.mixedCannedServer.requestsPerSecond },
        },
      ),
      row("mixed workload p50, in-memory emulator", r.mixedEmulatorMemory.p50Ms, "ms", {
        baseline: { what: "canned-JSON node server", value: r.mixedCannedServer.p50Ms },
      }),
      row("mixed workload p99, in-memory emulator", r.mixedEmulatorMemory.p99Ms, "ms", {
        baseline: { what: "canned-JSON node server", value: r.mixedCannedServer.p99Ms },
      }),
      row(
        "mixed workload, journal fsynced before each reply",
        r.mixedEmulatorFsync.requestsPerSecond,
        "req/s",
        {
          baseline: { what: "journal without fsync", value: r.mixedEmulatorNoFsync.requestsPerSecond },
        },
      ),
      row("write-only workload p50, journal fsynced", r.writeEmulatorFsync.p50Ms, "ms", {
        baseline: { what: "journal without fsync", value: r.writeEmulatorNoFsync.p50Ms },
      }),
    ],
  };
  Object.assign(report, extra);
  const out = path.join(__dirname, "results", "emulator.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
  console.table(results);
  console.log(report.ratios);
  console.log(`wrote ${out}`);
}

function gitCommit(): string {
  try {
    return execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return "unknown";
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
