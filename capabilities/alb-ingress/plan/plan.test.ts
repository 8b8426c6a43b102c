// Golden tests for the ALB plan(): fixtures/plan/<case>/input.json holds {note, desired, remote, options};
// expected.json holds the plan (actions, errors, warnings) plus the printed lines. Invariants run over
// every fixture. Regenerate with UPDATE_GOLDEN=1 and review the diff. Rules: docs/alb-ingress.md.
import test from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatAction, plan, type Action, type Plan, type PlanOptions, type RemoteModel } from "./index";
import type { DesiredModel } from "../model/types";
import { isOwnedBy } from "../tracking";
import { ALB_BATCH_LIMITS } from "../../../src/cloud";
import { expectGolden } from "../../../test/helpers/golden";

const FIXTURES = join(__dirname, "..", "fixtures", "plan");

interface Input {
  note: string;
  desired: DesiredModel;
  remote: RemoteModel;
  options?: PlanOptions;
}

function load(name: string): Input {
  return JSON.parse(readFileSync(join(FIXTURES, name, "input.json"), "utf8")) as Input;
}

const cases = readdirSync(FIXTURES).sort();

for (const name of cases) {
  test(`alb plan golden: ${name}`, () => {
    const input = load(name);
    const p = plan(input.desired, input.remote, input.options);
    expectGolden(join(FIXTURES, name, "expected.json"), { lines: p.actions.map(formatAction), ...p });
  });
}

function run(name: string): { input: Input; out: Plan } {
  const input = load(name);
  return { input, out: plan(input.desired, input.remote, input.options) };
}

const kinds = (p: Plan) => p.actions.map((a) => a.kind);

// ---------------------------------------------------------------- invariants over every fixture

test("plan is deterministic and does not mutate its inputs", () => {
  for (const name of cases) {
    const input = load(name);
    const before = JSON.stringify(input);
    assert.deepEqual(
      plan(input.desired, input.remote, input.options),
      plan(input.desired, input.remote, input.options),
      name,
    );
    assert.equal(JSON.stringify(input), before, name);
  }
});

test("every dependency names an earlier action, keys are unique, every Ref names a dependency", () => {
  for (const name of cases) {
    const seen = new Set<string>();
    for (const a of run(name).out.actions) {
      assert.ok(!seen.has(a.key), `${name}: duplicate ${a.key}`);
      for (const d of a.dependsOn) assert.ok(seen.has(d), `${name}: ${a.key} depends on later/unknown ${d}`);
      for (const ref of JSON.stringify(a.params).matchAll(/\{"ref":"([^"]+)"\}/g))
        assert.ok(a.dependsOn.includes(ref[1]), `${name}: ${a.key} uses <${ref[1]}> without waiting for it`);
      seen.add(a.key);
    }
  }
});

/** Actions on cloud resources this AlbConfig does not own (and may not take over). */
function foreignTouches(input: Input, actions: Action[]): string[] {
  const { albConfig, clusterId, loadBalancer } = input.desired;
  const mine = (tags: { key: string; value: string }[] | undefined) =>
    isOwnedBy(tags, albConfig.name, clusterId);
  const lb = input.remote.loadBalancer;
  const lbOurs = lb !== undefined && mine(lb.tags);
  const listener = (id: unknown) => input.remote.listeners?.find((l) => l.listenerId === id);
  const group = (id: unknown) => input.remote.serverGroups.find((g) => g.serverGroupId === id);
  const bad: string[] = [];
  for (const a of actions) {
    const p = a.params;
    switch (p.kind) {
      case "DeleteLoadBalancer":
      case "SetDeletionProtection":
        // Only our own ALB; an adopted one is never deleted, and its protection never touched.
        if (!lbOurs || loadBalancer.mode === "reuse") bad.push(a.key);
        break;
      case "UpdateLoadBalancerName":
      case "TagLoadBalancer":
        if (!lbOurs && !loadBalancer.forceOverride) bad.push(a.key);
        break;
      case "DeleteListener": {
        const l = listener(p.listenerId);
        if (!lbOurs && !mine(l?.tags)) bad.push(a.key);
        break;
      }
      case "UpdateListener":
      case "RemoveListenerCertificates":
      case "UpdateRules": {
        const l = listener(p.listenerId);
        if (!lbOurs && !mine(l?.tags) && !loadBalancer.listenerForceOverride) bad.push(a.key);
        break;
      }
      case "DeleteRules": {
        const l = listener(p.listenerId);
        if (lbOurs || mine(l?.tags)) break;
        // On a user listener: only with listenerForceOverride, or (cleanup) rules that use our groups.
        const ourGroups = new Set(
          input.remote.serverGroups.filter((g) => mine(g.tags)).map((g) => g.serverGroupId),
        );
        const usesOurs = p.ruleIds.every((id) =>
          l?.rules
            ?.find((r) => r.ruleId === id)
            ?.actions.some((x) =>
              x.forwardGroup?.serverGroupTuples.some((t) => ourGroups.has(t.serverGroupId)),
            ),
        );
        if (!(loadBalancer.listenerForceOverride && !input.desired.deleting) && !usesOurs) bad.push(a.key);
        break;
      }
      case "DeleteServerGroup":
      case "UpdateServerGroup":
      case "RemoveServers":
      case "UpdateServers":
        if (!mine(group(p.serverGroupId)?.tags)) bad.push(a.key);
        break;
      case "AddServers":
        if (typeof p.serverGroupId === "string" && !mine(group(p.serverGroupId)?.tags)) bad.push(a.key);
        break;
      default:
        break;
    }
  }
  return bad;
}

test("no fixture plans an action on a resource this AlbConfig does not own or may not take over", () => {
  for (const name of cases) {
    const { input, out } = run(name);
    assert.deepEqual(foreignTouches(input, out.actions), [], name);
  }
});

test("an adopted ALB is never deleted, in any fixture", () => {
  for (const name of cases) {
    const { input, out } = run(name);
    if (input.desired.loadBalancer.mode === "reuse")
      assert.ok(!kinds(out).includes("DeleteLoadBalancer"), name);
  }
});

test("no server group is deleted before the listener and rule changes that release it", () => {
  for (const name of cases) {
    const { out } = run(name);
    const releasing = out.actions
      .filter((a) =>
        ["UpdateListener", "DeleteListener", "UpdateRules", "DeleteRules", "DeleteLoadBalancer"].includes(
          a.kind,
        ),
      )
      .map((a) => a.key);
    for (const a of out.actions.filter((x) => x.kind === "DeleteServerGroup"))
      for (const k of releasing) assert.ok(a.dependsOn.includes(k), `${name}: ${a.key} before ${k}`);
  }
});

test("batch actions never exceed the API's per-call limits", () => {
  for (const name of cases) {
    const { input, out } = run(name);
    const rules = Math.min(
      input.options?.rulesPerCall ?? ALB_BATCH_LIMITS.rulesPerCall,
      ALB_BATCH_LIMITS.rulesPerCall,
    );
    for (const a of out.actions) {
      const p = a.params;
      if ("rules" in p) assert.ok(p.rules.length <= rules, `${name}: ${a.key}`);
      if ("ruleIds" in p) assert.ok(p.ruleIds.length <= rules, `${name}: ${a.key}`);
      if ("servers" in p) assert.ok(p.servers.length <= ALB_BATCH_LIMITS.serversPerCall, `${name}: ${a.key}`);
    }
  }
});

test("errors that must block: nothing planned", () => {
  for (const name of [
    "reuse-forbidden",
    "reuse-not-found",
    "lb-deleted-out-of-band",
    "zones-invalid",
    "lookup-error",
  ]) {
    const { out } = run(name);
    assert.equal(out.actions.length, 0, name);
    assert.ok(out.errors.length > 0, name);
  }
});

// ---------------------------------------------------------------- behaviours

test("no-op resync plans zero actions (no mutating call)", () => {
  assert.deepEqual(run("noop-resync").out, { actions: [], errors: [], warnings: [] });
});

test("node churn only touches servers", () => {
  for (const name of ["node-added", "node-removed", "server-weight"])
    for (const k of kinds(run(name).out)) assert.match(k, /Servers$/, name);
});

test("cafe from nothing: calls at the minimum (1 ALB, 1 listener, 3 groups, 2 server adds, 1 rule batch)", () => {
  const { out } = run("fresh-create");
  assert.deepEqual(kinds(out).sort(), [
    "AddServers",
    "AddServers",
    "CreateListener",
    "CreateLoadBalancer",
    "CreateRules",
    "CreateServerGroup",
    "CreateServerGroup",
    "CreateServerGroup",
  ]);
  const create = out.actions.find((a) => a.kind === "CreateLoadBalancer")?.params;
  assert.ok(create?.kind === "CreateLoadBalancer");
  assert.match(create.request.clientToken, /^[0-9a-f]{64}$/);
  assert.equal(create.request.deletionProtectionEnabled, true);
});

test("25 new rules take three CreateRules calls; each waits for the groups it uses", () => {
  const { out } = run("rules-batch-25");
  const creates = out.actions.filter((a) => a.kind === "CreateRules");
  assert.deepEqual(
    creates.map((a) => (a.params.kind === "CreateRules" ? a.params.rules.length : 0)),
    [10, 10, 5],
  );
  for (const c of creates) {
    const used = new Set(
      JSON.stringify(c.params)
        .match(/\{"ref":"[^"]+"\}/g)
        ?.map((r) => (JSON.parse(r) as { ref: string }).ref),
    );
    // Only what it uses: a batch whose groups are made first is not held back by another batch.
    assert.deepEqual(
      c.dependsOn.filter((d) => !used.has(d)),
      [],
      `${c.key} waits for ${c.dependsOn.join(", ")}`,
    );
  }
});

test("server groups need only the VPC: their creates and server adds never wait for the ALB or a listener", () => {
  const groupWork = new Set(["CreateServerGroup", "AddServers", "RemoveServers", "UpdateServers"]);
  for (const name of cases) {
    const { actions } = run(name).out;
    const kindOf = new Map(actions.map((a) => [a.key, a.kind]));
    for (const a of actions.filter((x) => x.kind === "CreateServerGroup" || x.kind === "AddServers"))
      for (const d of a.dependsOn)
        assert.ok(groupWork.has(kindOf.get(d) ?? ""), `${name}: ${a.key} waits for ${d} (${kindOf.get(d)})`);
  }
  const fresh = run("fresh-create").out.actions;
  assert.ok(fresh.some((a) => a.kind === "CreateLoadBalancer"));
  assert.deepEqual(
    fresh.filter((a) => a.kind === "CreateServerGroup").map((a) => a.dependsOn),
    fresh.filter((a) => a.kind === "CreateServerGroup").map(() => []),
    "a new ALB's groups start at once",
  );
});

test("rule calls of one listener never overlap: one exclusive value; deletes, then updates, then creates", () => {
  const phase = { DeleteRules: 0, UpdateRules: 1, CreateRules: 2 } as Record<string, number>;
  for (const name of cases) {
    const { actions } = run(name).out;
    const rules = actions.filter((a) => a.kind in phase);
    const byListener = new Map<string, Action[]>();
    for (const a of rules) {
      const port = (a.params as { port: number }).port;
      byListener.set(String(port), [...(byListener.get(String(port)) ?? []), a]);
    }
    for (const [port, calls] of byListener) {
      assert.equal(new Set(calls.map((a) => a.exclusive)).size, 1, `${name}: port ${port}`);
      assert.ok(calls[0].exclusive, `${name}: port ${port} rule calls carry an exclusive value`);
      for (const a of calls)
        for (const b of calls)
          if (phase[b.kind] < phase[a.kind])
            assert.ok(a.dependsOn.includes(b.key), `${name}: ${a.key} does not wait for ${b.key}`);
    }
    const others = actions.filter((a) => !(a.kind in phase) && a.exclusive !== undefined);
    assert.deepEqual(others, [], `${name}: only rule calls are exclusive`);
  }
});

test("450 servers: adds of 200, 200, 50, each after the one before", () => {
  const { out } = run("servers-batch-450");
  const adds = out.actions.filter((a) => a.kind === "AddServers");
  assert.deepEqual(
    adds.map((a) => (a.params.kind === "AddServers" ? a.params.servers.length : 0)),
    [200, 200, 50],
  );
  assert.deepEqual(adds[1].dependsOn, [adds[0].key]);
  const removes = out.actions.filter((a) => a.kind === "RemoveServers");
  for (const r of removes) assert.ok(r.dependsOn.includes(adds[2].key));
});

test("reuse without listenerForceOverride: the user's listener is reported, never written", () => {
  const { out } = run("reuse-listener-in-use");
  assert.deepEqual(
    out.errors.map((e) => e.reason),
    ["ListenerInUse"],
  );
  assert.ok(!out.actions.some((a) => JSON.stringify(a.params).includes("lsn-user")));
});

test("listenerForceOverride: the taken-over listener keeps its default action; 8080 untouched", () => {
  const { out } = run("reuse-listener-force-override");
  const update = out.actions.find((a) => a.kind === "UpdateListener");
  assert.ok(update?.params.kind === "UpdateListener" && update.params.defaultServerGroupId === undefined);
  assert.ok(!out.actions.some((a) => JSON.stringify(a.params).includes("lsn-user-8080")));
});

test("cleanup of an adopted ALB: the ALB and the user's listener, rule and group stay", () => {
  const { out } = run("cleanup-reused");
  const text = JSON.stringify(out.actions);
  assert.ok(!kinds(out).includes("DeleteLoadBalancer"));
  assert.ok(!text.includes("sgp-user") && !text.includes('"rule-user"'));
  assert.ok(text.includes("rule-ours-on-user") && text.includes("lsn-ours-81"));
});

test("cleanup of our ALB: protection lifted before the delete, groups after it", () => {
  const { out } = run("cleanup-created");
  assert.deepEqual(out.actions.find((a) => a.kind === "DeleteLoadBalancer")?.dependsOn, [
    "alb:deletion-protection",
  ]);
  for (const g of out.actions.filter((a) => a.kind === "DeleteServerGroup"))
    assert.deepEqual(g.dependsOn, ["alb:delete"]);
});

test("create tokens follow the create intent", () => {
  const input = load("fresh-create");
  const tokens = (intent: string) => {
    const d = { ...input.desired, albConfig: { ...input.desired.albConfig, createIntent: intent } };
    return plan(d, input.remote).actions.flatMap((a) =>
      "clientToken" in a.params
        ? [a.params.clientToken]
        : a.params.kind === "CreateLoadBalancer"
          ? [a.params.request.clientToken]
          : [],
    );
  };
  assert.deepEqual(tokens("i-1"), tokens("i-1"));
  const [a, b] = [tokens("i-1"), tokens("i-2")];
  assert.equal(a.length, b.length);
  a.forEach((t, i) => assert.notEqual(t, b[i]));
  assert.equal(new Set(a).size, a.length, "every create has its own token");
});
