// applyGraph(): the generic executor on made-up actions (no cloud): order, concurrency bound, failures
// that block only dependants, duplicates, cycles, already-gone, the recover hook, abort. CLB's use of it:
// capabilities/clb-service/perform.test.ts.
import test from "node:test";
import assert from "node:assert/strict";
import type { Action, ApplyResult } from "./actions";
import { applyGraph, describeError, type ApplyGraphOptions, type Perform } from "./apply-graph";
import { CloudError } from "../cloud";

type Step = { kind: "Step"; delayMs?: number; value?: string } | { kind: "Delete" };
type Out = { value: string };

const step = (
  key: string,
  dependsOn: string[] = [],
  params: Partial<Omit<Step & { kind: "Step" }, "kind">> = {},
) => ({ kind: "Step", key, dependsOn, params: { kind: "Step", ...params } }) satisfies Action<Step>;

/** A perform that logs start/end per key, fails the keys in `failing`, and measures calls in flight. */
function performer(failing: Record<string, unknown> = {}) {
  const log: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const perform: Perform<Step, Out> = async (a) => {
    log.push(`start ${a.key}`);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((r) => setTimeout(r, a.params.kind === "Step" ? (a.params.delayMs ?? 1) : 1));
      if (a.key in failing) throw failing[a.key];
      return { value: a.key };
    } finally {
      inFlight--;
      log.push(`end ${a.key}`);
    }
  };
  return { perform, log, maxInFlight: () => maxInFlight };
}

const run = (
  actions: Action<Step>[],
  perform: Perform<Step, Out>,
  opts: Partial<ApplyGraphOptions<Step, Out>> = {},
) => applyGraph(actions, perform, { concurrency: 4, ...opts });

const statuses = (res: ApplyResult<Out>) => Object.fromEntries(res.results.map((r) => [r.key, r.status]));

test("order: an action starts only after every dependency ended; results carry outputs", async () => {
  const p = performer();
  const actions = [step("d", ["b", "c"]), step("b", ["a"]), step("c", ["a"]), step("a")];
  const res = await run(actions, p.perform);
  assert.deepEqual(res.errors, []);
  const at = (entry: string) => p.log.indexOf(entry);
  for (const a of actions)
    for (const d of a.dependsOn) assert.ok(at(`end ${d}`) < at(`start ${a.key}`), `${d} < ${a.key}`);
  const { durationMs, ...d } = res.results.find((r) => r.key === "d") ?? {};
  assert.deepEqual(d, { key: "d", kind: "Step", status: "ok", output: { value: "d" } });
  assert.equal(typeof durationMs, "number");
});

test("a Ref resolves to the output of the action it names", async () => {
  const seen: Array<Out | undefined> = [];
  const res = await applyGraph<Step, Out>(
    [step("create"), step("use", ["create"])],
    async (a, ctx) => {
      if (a.key === "use") {
        seen.push(ctx.outputOf({ ref: "create" }), ctx.outputOf({ ref: "nothing" }));
        return undefined;
      }
      return { value: "id-1" };
    },
    { concurrency: 1 },
  );
  assert.deepEqual(res.errors, []);
  assert.deepEqual(seen, [{ value: "id-1" }, undefined]);
});

test("concurrency bound: never more in flight than asked, and the bound is reached", async () => {
  const actions = Array.from({ length: 10 }, (_, i) => step(`s${i}`, [], { delayMs: 5 }));
  for (const concurrency of [1, 3, 4]) {
    const p = performer();
    const res = await run(actions, p.perform, { concurrency });
    assert.equal(res.results.length, 10);
    assert.equal(p.maxInFlight(), concurrency);
  }
  const zero = performer();
  await run(actions, zero.perform, { concurrency: 0 });
  assert.equal(zero.maxInFlight(), 1, "a bound below 1 still runs one at a time");
});

test("exclusive: one action of a value at a time, whichever is ready first; other values run alongside", async () => {
  const lock = (a: Action<Step>) => ({ ...a, exclusive: "listener" });
  const actions = [
    step("slow-dep", [], { delayMs: 60 }),
    lock(step("late", ["slow-dep"], { delayMs: 5 })),
    lock(step("early-1", [], { delayMs: 5 })),
    lock(step("early-2", [], { delayMs: 5 })),
    step("free", [], { delayMs: 5 }),
  ];
  const p = performer();
  const res = await run(actions, p.perform, { concurrency: 10 });
  assert.ok(res.results.every((r) => r.status === "ok"));
  const locked = ["late", "early-1", "early-2"];
  let inside = 0;
  for (const line of p.log) {
    const [what, key] = line.split(" ");
    if (!locked.includes(key)) continue;
    inside += what === "start" ? 1 : -1;
    assert.ok(inside <= 1, `two exclusive actions at once: ${p.log.join(", ")}`);
  }
  // The ones ready at once go in plan order; the one waiting for a dependency comes after them.
  assert.deepEqual(
    p.log.filter((l) => l.startsWith("start") && locked.includes(l.slice(6))),
    ["start early-1", "start early-2", "start late"],
  );
  assert.ok(p.log.indexOf("start free") < p.log.indexOf("end early-1"), "another value is not held back");
});

test("a failure skips only its dependants, transitively; independent branches go on", async () => {
  const boom = new Error("boom");
  const p = performer({ a: boom });
  const res = await run(
    [step("a"), step("b", ["a"]), step("c", ["b"]), step("x"), step("y", ["x"])],
    p.perform,
  );
  assert.deepEqual(statuses(res), { a: "failed", b: "skipped", c: "skipped", x: "ok", y: "ok" });
  assert.deepEqual(res.errors, [{ key: "a", kind: "Step", error: boom, message: "boom" }]);
  assert.equal(res.results.find((r) => r.key === "b")?.message, "dependency a did not succeed");
  assert.equal(res.results.find((r) => r.key === "c")?.message, "dependency b did not succeed");
  assert.ok(!p.log.includes("start b") && !p.log.includes("start c"));
});

test("duplicate keys: the first runs, every later one is a failure and never runs", async () => {
  const p = performer();
  const res = await run([step("a"), step("a"), step("b", ["a"])], p.perform);
  assert.deepEqual(
    res.results.map((r) => [r.key, r.status]),
    [
      ["a", "ok"],
      ["b", "ok"],
      ["a", "failed"],
    ],
  );
  assert.deepEqual(
    res.errors.map((e) => [e.key, e.message]),
    [["a", "duplicate action key a"]],
  );
  assert.equal(p.log.filter((l) => l === "start a").length, 1);
});

test("cycles and unknown dependencies are failures, never run; the rest still runs", async () => {
  const p = performer();
  const res = await run(
    [step("x", ["y"]), step("y", ["x"]), step("z", ["nope"]), step("self", ["self"]), step("w")],
    p.perform,
  );
  assert.deepEqual(statuses(res), { w: "ok", x: "failed", y: "failed", z: "failed", self: "failed" });
  assert.deepEqual(res.errors.map((e) => e.message).sort(), [
    "unresolvable dependencies: nope",
    "unresolvable dependencies: self",
    "unresolvable dependencies: x",
    "unresolvable dependencies: y",
  ]);
  assert.deepEqual(p.log, ["start w", "end w"]);
});

test("never throws: sync throws, non-Error values and throwing hooks all become failures", async () => {
  const res = await applyGraph<Step, Out>(
    [step("sync"), step("odd")],
    (a) => {
      if (a.key === "sync") throw new TypeError("sync boom");
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test
      return Promise.reject("just a string");
    },
    {
      concurrency: 2,
      isAlreadyGone: () => {
        throw new Error("hook broke");
      },
    },
  );
  assert.deepEqual(res.errors.map((e) => [e.key, e.message]).sort(), [
    ["odd", "just a string"],
    ["sync", "sync boom"],
  ]);
});

test("a CloudError's message is its short form (code, message, request id)", () => {
  const e = new CloudError({ kind: "Throttled", code: "Throttling", message: "slow down", requestId: "R-1" });
  assert.equal(describeError(e), "Throttling: slow down (RequestId R-1)");
  assert.equal(describeError(new Error("plain")), "plain");
  assert.equal(describeError(42), "42");
});

test("already gone: isAlreadyGone turns a failure into ok {alreadyGone: true}; dependants run", async () => {
  const gone = new Error("not found");
  const p = performer({ del: gone, other: gone });
  const res = await run(
    [
      { kind: "Delete", key: "del", dependsOn: [], params: { kind: "Delete" } },
      step("after", ["del"]),
      step("other"),
    ],
    p.perform,
    {
      isAlreadyGone: (a, e) => a.params.kind === "Delete" && e === gone,
    },
  );
  assert.deepEqual(statuses(res), { del: "ok", after: "ok", other: "failed" });
  assert.deepEqual(res.results.find((r) => r.key === "del")?.output, { alreadyGone: true });
  assert.deepEqual(
    res.errors.map((e) => e.key),
    ["other"],
  );
});

test("recover: runs pending dependants now, then retries; what it ran is not run again", async () => {
  const calls: string[] = [];
  let addTries = 0;
  const perform: Perform<Step, Out> = async (a) => {
    calls.push(a.key);
    if (a.key === "add" && ++addTries === 1) throw new Error("full");
    return { value: a.key };
  };
  const seen: string[][] = [];
  const res = await applyGraph<Step, Out>(
    [step("add"), step("remove", ["add"]), step("later", ["remove"]), step("other")],
    perform,
    {
      concurrency: 1,
      recover: async (a, error, graph) => {
        assert.equal(a.key, "add");
        assert.equal((error as Error).message, "full");
        const pending = graph.pendingDependants();
        seen.push(pending.map((d) => d.key));
        const remove = pending.find((d) => d.key === "remove");
        assert.ok(remove);
        assert.equal((await graph.runNow(remove)).status, "ok");
        await assert.rejects(graph.runNow(remove), /remove is not pending/);
        return graph.retry();
      },
    },
  );
  assert.deepEqual(res.errors, []);
  assert.deepEqual(seen, [["remove", "later"]], "transitive dependants, in plan order");
  assert.deepEqual(calls, ["add", "remove", "add", "later", "other"]);
  assert.deepEqual(res.results.find((r) => r.key === "add")?.output, { value: "add" });
});

test("recover that rethrows (or whose retry fails) leaves the action failed and its dependants skipped", async () => {
  const first = new Error("first");
  const p = performer({ a: first });
  const rethrown = await run([step("a"), step("b", ["a"])], p.perform, {
    recover: async (_a, e) => {
      throw e;
    },
  });
  assert.deepEqual(statuses(rethrown), { a: "failed", b: "skipped" });
  assert.equal(rethrown.errors[0].error, first);

  let tries = 0;
  const retried = await applyGraph<Step, Out>(
    [step("a")],
    async () => {
      throw new Error(`try ${++tries}`);
    },
    { concurrency: 1, recover: (_a, _e, graph) => graph.retry() },
  );
  assert.deepEqual(
    retried.errors.map((e) => e.message),
    ["try 2"],
    "recover is called once; the retry's error is the one reported",
  );
});

test("abort: nothing new starts; in-flight actions finish; the rest are skipped as aborted", async () => {
  const controller = new AbortController();
  const started: string[] = [];
  const res = await applyGraph<Step, Out>(
    [step("a"), step("b"), step("c", ["a"]), step("d")],
    async (a) => {
      started.push(a.key);
      await new Promise((r) => setTimeout(r, a.key === "a" ? 2 : 10));
      if (a.key === "a") controller.abort(); // b is in flight now
      return { value: a.key };
    },
    { concurrency: 2, signal: controller.signal },
  );
  assert.deepEqual(started, ["a", "b"]);
  assert.deepEqual(statuses(res), { a: "ok", b: "ok", c: "skipped", d: "skipped" });
  assert.ok(res.results.filter((r) => r.status === "skipped").every((r) => r.message === "aborted"));
  assert.deepEqual(res.errors, []);

  const early = new AbortController();
  const first: string[] = [];
  const sync = await applyGraph<Step, Out>(
    [step("a"), step("b")],
    async (a) => {
      first.push(a.key);
      early.abort();
      return undefined;
    },
    { concurrency: 2, signal: early.signal },
  );
  assert.deepEqual(first, ["a"], "b was ready with a free slot, but the abort came first");
  assert.deepEqual(statuses(sync), { a: "ok", b: "skipped" });

  const before = new AbortController();
  before.abort();
  const none = performer();
  const skipped = await run([step("a"), step("b", ["a"])], none.perform, { signal: before.signal });
  assert.deepEqual(statuses(skipped), { a: "skipped", b: "skipped" });
  assert.deepEqual(none.log, []);
});

test("abort during recovery: runNow does not start the pending action", async () => {
  const controller = new AbortController();
  const res = await applyGraph<Step, Out>(
    [step("add"), step("remove", ["add"])],
    async (a) => {
      if (a.key === "add") {
        controller.abort();
        throw new Error("full");
      }
      return { value: a.key };
    },
    {
      concurrency: 1,
      signal: controller.signal,
      recover: async (_a, e, graph) => {
        const [remove] = graph.pendingDependants();
        if ((await graph.runNow(remove)).status !== "ok") throw e;
        return graph.retry();
      },
    },
  );
  assert.deepEqual(statuses(res), { remove: "skipped", add: "failed" });
  assert.equal(res.results.find((r) => r.key === "remove")?.message, "aborted");
});
