import test from "node:test";
import assert from "node:assert/strict";
import type { LocalOperator } from "./local";
import { Supervisor } from "./supervisor";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every few ms; fails after 2 s (a busy machine may be slow to run timers). */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** Fake processes: each start gives a new pid whose exit the test triggers. */
function fakeProcesses(opts: { failStarts?: number[] } = {}) {
  const procs: Array<{ op: LocalOperator; exit: (signal: NodeJS.Signals | null, code?: number) => void }> =
    [];
  let starts = 0;
  const start = async (): Promise<LocalOperator> => {
    starts++;
    if (opts.failStarts?.includes(starts)) throw new Error(`start ${starts} failed`);
    let exit!: (v: { code: number | null; signal: NodeJS.Signals | null }) => void;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => (exit = r));
    const pid = 1000 + starts;
    const op: LocalOperator = {
      port: 1,
      logPath: `/logs/${pid}.log`,
      pid,
      caCertPath: "/ca.crt",
      exited,
      stop: async () => exit({ code: 143, signal: null }),
      kill: async () => exit({ code: null, signal: "SIGKILL" }),
    };
    procs.push({ op, exit: (signal, code) => exit({ code: code ?? null, signal }) });
    return op;
  };
  return { procs, start, starts: () => starts };
}

test("a process that dies is restarted after a backoff, and each exit and restart is logged", async () => {
  const logs: string[] = [];
  const f = fakeProcesses();
  const s = new Supervisor({
    name: "controller-1",
    start: f.start,
    log: (m) => logs.push(m),
    backoffBaseMs: 5,
  });
  const first = await s.started();
  assert.equal(first.pid, 1001);
  f.procs[0].exit("SIGKILL");
  await until(() => s.current?.pid === 1002, "the restart");
  assert.equal(s.restarts, 1);
  assert.match(
    logs[0],
    /^controller-1: pid 1001 exited \(signal SIGKILL\) after 0\.\d s; restart #1 in 5 ms \(log: \/logs\/1001\.log\)$/,
  );
  assert.equal(logs[1], "controller-1: restarted as pid 1002");
  await s.stop();
  assert.equal(s.current, undefined);
  await sleep(20);
  assert.equal(f.starts(), 2, "no restart after stop()");
});

test("quick failures double the backoff up to the cap; a long run resets it", async () => {
  const logs: string[] = [];
  const f = fakeProcesses();
  const s = new Supervisor({
    name: "c",
    start: f.start,
    log: (m) => logs.push(m),
    backoffBaseMs: 4,
    backoffCapMs: 16,
    stableAfterMs: 60,
  });
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => s.backoffMs(n)),
    [4, 8, 16, 16, 16],
  );
  await s.started();
  for (let i = 0; i < 3; i++) {
    f.procs[i].exit(null, 1);
    await until(() => s.current?.pid === 1002 + i, `restart ${i + 1}`);
  }
  assert.deepEqual(
    logs.filter((l) => l.includes("exited")).map((l) => /in (\d+) ms/.exec(l)?.[1]),
    ["4", "8", "16"],
  );
  await sleep(70); // the fourth process runs longer than stableAfterMs
  f.procs[3].exit(null, 1);
  await until(() => s.restarts === 4, "restart 4");
  assert.match(logs.filter((l) => l.includes("exited")).at(-1)!, /\(code 1\) after .* restart #4 in 4 ms/);
  await s.stop();
});

test("a restart whose start fails is retried; the first start failing is the caller's error", async () => {
  const logs: string[] = [];
  const f = fakeProcesses({ failStarts: [2] });
  const s = new Supervisor({ name: "c", start: f.start, log: (m) => logs.push(m), backoffBaseMs: 5 });
  await s.started();
  f.procs[0].exit("SIGKILL");
  await until(() => s.current?.pid === 1003, "the retried restart");
  assert.ok(
    logs.some((l) => /c: start failed \(start 2 failed\); retry in \d+ ms/.test(l)),
    logs.join("\n"),
  );
  await s.stop();

  const g = fakeProcesses({ failStarts: [1] });
  const t = new Supervisor({ name: "d", start: g.start, log: () => undefined, backoffBaseMs: 5 });
  await assert.rejects(t.started(), /start 1 failed/);
  await t.stop();
});
