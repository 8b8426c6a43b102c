// Durability: the CLI is killed with SIGKILL in the middle of a write storm driven by the real SDK;
// after a restart every acknowledged write must be present and no request may be half-applied.
import test from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { type Json, rpcClient, SLB_VERSION } from "./helpers";

const MAIN = path.join(__dirname, "../../src/emulator/main.ts");

interface Cli {
  child: ChildProcess;
  emu: RunningEmulator;
  exited: Promise<number | null>;
}

async function startCli(dataDir: string, extra: string[] = []): Promise<Cli> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", MAIN, "--port", "0", "--data-dir", dataDir, "--seed", "1", ...extra],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`CLI did not start: ${out}`)), 30_000);
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /^emulator listening on http:\/\/127\.0\.0\.1:(\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on("exit", (code) => reject(new Error(`CLI exited with ${code}: ${out}`)));
  });
  return { child, emu: { port, url: `http://127.0.0.1:${port}`, close: async () => {} }, exited };
}

async function allLoadBalancers(slb: ReturnType<typeof rpcClient>): Promise<Json[]> {
  const out: Json[] = [];
  for (let page = 1; ; page++) {
    const r = await slb("DescribeLoadBalancers", { PageSize: 100, PageNumber: page });
    out.push(...r.LoadBalancers.LoadBalancer);
    if (out.length >= r.TotalCount) return out;
  }
}

test(
  "SIGKILL mid-storm: every acknowledged write survives, nothing is half-applied, a torn tail is dropped",
  { timeout: 120_000 },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-dur-"));
    try {
      const first = await startCli(dir, [
        "--quotas",
        JSON.stringify({ slbPerAccount: 10_000, backendsPerSlb: 10_000 }),
        "--snapshot-every",
        "47",
      ]);
      const slb = rpcClient(first.emu, SLB_VERSION, { connectTimeout: 5_000, readTimeout: 5_000 });
      const ackedLbs = new Map<string, string>(); // name → id
      const ackedGroups = new Map<string, string>(); // vsg id → lb id
      const attempted = new Set<string>();
      const KILL_AFTER = 130; // not a multiple of --snapshot-every: the journal tail must matter
      let killed = false;
      const worker = async (w: number): Promise<void> => {
        for (let i = 0; !killed; i++) {
          const name = `storm-${w}-${i}`;
          attempted.add(name);
          try {
            // Each create carries three tags and each vgroup five backends: one request, several records.
            const r = await slb("CreateLoadBalancer", {
              LoadBalancerName: name,
              ClientToken: name,
              Tag: [1, 2, 3].map((n) => ({ Key: `k${n}`, Value: name })),
            });
            ackedLbs.set(name, r.LoadBalancerId);
            const backends = [1, 2, 3, 4, 5].map((n) => ({
              ServerId: `i-${w}x${i}x${n}`,
              Port: 80 + n,
              Weight: n,
            }));
            const g = await slb("CreateVServerGroup", {
              LoadBalancerId: r.LoadBalancerId,
              VServerGroupName: name,
              BackendServers: JSON.stringify(backends),
            });
            ackedGroups.set(g.VServerGroupId, r.LoadBalancerId);
          } catch {
            return; // the process was killed under us
          }
          if (!killed && ackedLbs.size + ackedGroups.size >= KILL_AFTER) {
            killed = true;
            first.child.kill("SIGKILL");
          }
        }
      };
      await Promise.all([0, 1, 2, 3, 4, 5].map(worker));
      assert.equal(await first.exited, null, "killed by a signal, not a clean exit");
      assert.ok(ackedLbs.size + ackedGroups.size >= KILL_AFTER);

      // Simulate a write torn by the crash: a partial record without its newline.
      const journal = path.join(dir, "journal.jsonl");
      const goodSize = fs.statSync(journal).size;
      fs.appendFileSync(journal, '{"seq":999999,"ops":[["put","slb.lb","lb-bp1torn');

      const second = await startCli(dir);
      try {
        assert.equal(fs.statSync(journal).size, goodSize, "torn tail truncated on recovery");
        const slb2 = rpcClient(second.emu, SLB_VERSION);
        const lbs = await allLoadBalancers(slb2);
        const byId = new Map(lbs.map((lb) => [lb.LoadBalancerId as string, lb]));
        for (const [name, id] of ackedLbs) {
          const lb = byId.get(id);
          assert.ok(lb, `acknowledged ${name} (${id}) lost`);
          assert.equal(lb.LoadBalancerName, name);
        }
        for (const lb of lbs) {
          assert.ok(attempted.has(lb.LoadBalancerName), `phantom ${lb.LoadBalancerName}`);
          // All-or-nothing: an LB never exists without the tags of the same request.
          assert.deepEqual(
            lb.Tags.Tag.map((t: Json) => `${t.TagKey}=${t.TagValue}`).sort(),
            [1, 2, 3].map((n) => `k${n}=${lb.LoadBalancerName}`),
          );
          const groups = await slb2("DescribeVServerGroups", { LoadBalancerId: lb.LoadBalancerId });
          for (const g of groups.VServerGroups.VServerGroup)
            assert.equal(g.ServerCount, 5, "a vgroup has all of its backends or does not exist");
        }
        for (const [vsgId, lbId] of ackedGroups) {
          const g = await slb2("DescribeVServerGroupAttribute", { VServerGroupId: vsgId });
          assert.equal(g.LoadBalancerId, lbId);
          assert.equal(g.BackendServers.BackendServer.length, 5);
        }
        // The idempotency records survived too: replaying an acknowledged create returns the same id.
        const [name, id] = [...ackedLbs][0];
        const replay = await slb2("CreateLoadBalancer", {
          LoadBalancerName: name,
          ClientToken: name,
          Tag: [1, 2, 3].map((n) => ({ Key: `k${n}`, Value: name })),
        });
        assert.equal(replay.LoadBalancerId, id);
        // SIGTERM: clean exit with a snapshot and an empty journal.
        second.child.kill("SIGTERM");
        assert.equal(await second.exited, 0);
        assert.equal(fs.statSync(journal).size, 0);
        assert.ok(fs.existsSync(path.join(dir, "state.json")));
      } finally {
        second.child.kill("SIGKILL");
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("in-process restart on the same dataDir keeps state, virtual clock and fresh ids", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-restart-"));
  try {
    let emu = await startEmulator({ dataDir: dir, seed: 42 });
    let slb = rpcClient(emu, SLB_VERSION);
    const a = await slb("CreateLoadBalancer", { LoadBalancerName: "keep-me" });
    await slb("CreateLoadBalancer", { LoadBalancerName: "delete-me" }).then((r) =>
      slb("DeleteLoadBalancer", { LoadBalancerId: r.LoadBalancerId }),
    );
    await emu.close();

    emu = await startEmulator({ dataDir: dir, seed: 42 });
    slb = rpcClient(emu, SLB_VERSION);
    const lbs = (await slb("DescribeLoadBalancers")).LoadBalancers.LoadBalancer;
    assert.deepEqual(
      lbs.map((lb: Json) => [lb.LoadBalancerId, lb.LoadBalancerName]),
      [[a.LoadBalancerId, "keep-me"]],
    );
    const b = await slb("CreateLoadBalancer", { LoadBalancerName: "after-restart" });
    assert.notEqual(b.LoadBalancerId, a.LoadBalancerId);
    await emu.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test(
  "CLI fault flags: --error-rate 1 and --latency-ms apply to API calls and show in the request log; bad flags exit 2",
  { timeout: 60_000 },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-cli-"));
    const cli = await startCli(dir, ["--error-rate", "1", "--latency-ms", "100", "--no-fsync"]);
    try {
      const slb = rpcClient(cli.emu, SLB_VERSION);
      const t0 = performance.now();
      await assert.rejects(
        slb("DescribeLoadBalancers"),
        (e: Json) => e.code === "ServiceUnavailable" && e.statusCode === 503,
      );
      assert.ok(performance.now() - t0 >= 90);
      const res = await fetch(`${cli.emu.url}/_emulator/requests`);
      const log = (await res.json()) as Json;
      assert.deepEqual(log.requests.at(-1).fault, ["cli-error", "cli-latency"]);
    } finally {
      cli.child.kill("SIGKILL");
      await cli.exited;
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const bad = spawn(process.execPath, ["--import", "tsx", MAIN, "--bogus", "1"], { stdio: "ignore" });
    assert.equal(await new Promise((r) => bad.on("exit", r)), 2);
  },
);
