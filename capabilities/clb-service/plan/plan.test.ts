// Golden tests for plan(): fixtures/plan/<case>/input.json holds {note, desired, remote, options};
// expected.json holds the plan (actions, errors, warnings) plus the printed lines.
// Regenerate with UPDATE_GOLDEN=1 and review the diff. § numbers refer to docs/clb-service.md.
import test from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  backendBatchSize,
  formatAction,
  plan,
  type Action,
  type Plan,
  type PlanOptions,
  type RemoteModel,
} from "./index";
import type { DesiredModel } from "../model";
import { isOwnedBy } from "../tracking";
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

function golden(p: Plan): unknown {
  return { lines: p.actions.map(formatAction), ...p };
}

const cases = readdirSync(FIXTURES).sort();

for (const name of cases) {
  test(`plan golden: ${name}`, () => {
    const input = load(name);
    expectGolden(
      join(FIXTURES, name, "expected.json"),
      golden(plan(input.desired, input.remote, input.options)),
    );
  });
}

// ---------------------------------------------------------------- invariants over every fixture

function run(name: string): { input: Input; out: Plan } {
  const input = load(name);
  return { input, out: plan(input.desired, input.remote, input.options) };
}

test("plan is deterministic and does not mutate its inputs", () => {
  for (const name of cases) {
    const input = load(name);
    const before = JSON.stringify(input);
    const a = plan(input.desired, input.remote, input.options);
    const b = plan(input.desired, input.remote, input.options);
    assert.deepEqual(a, b, name);
    assert.equal(JSON.stringify(input), before, name);
  }
});

test("every dependency names an earlier action, keys are unique", () => {
  for (const name of cases) {
    const seen = new Set<string>();
    for (const a of run(name).out.actions) {
      assert.ok(!seen.has(a.key), `${name}: duplicate ${a.key}`);
      for (const d of a.dependsOn) assert.ok(seen.has(d), `${name}: ${a.key} depends on later/unknown ${d}`);
      seen.add(a.key);
    }
  }
});

/** Remote resources a plan may never act on: listeners/groups/backends whose description is not ours. */
function foreignTouches(input: Input, actions: Action[]): string[] {
  const { service, clusterId } = input.desired;
  const mine = (s: string | undefined) => isOwnedBy(s, service, clusterId);
  const bad: string[] = [];
  for (const a of actions) {
    const p = a.params;
    if (p.kind === "DeleteListener") {
      const r = input.remote.listeners?.find(
        (l) => l.listenerPort === p.port && l.listenerProtocol === p.protocol,
      );
      if (r && !mine(r.description)) bad.push(a.key);
    }
    if (p.kind === "DeleteVServerGroup" && !mine(p.name)) bad.push(a.key);
    if (p.kind === "RemoveBackendServers" || p.kind === "UpdateBackendServers") {
      if (p.backends.some((b) => !mine(b.description))) bad.push(a.key);
    }
    // On a reused SLB, the only SLB ever deleted is one we created for this Service and it abandoned.
    if (p.kind === "DeleteLoadBalancer" && input.desired.loadBalancer.mode === "reuse") {
      const ours = (input.remote.abandonedLoadBalancers ?? []).find(
        (lb) => lb.loadBalancerId === p.loadBalancerId,
      );
      const tagged = ours?.tags.some(
        (t) => t.key === "kubernetes.do.not.delete" && t.value === input.desired.loadBalancer.defaultName,
      );
      if (!tagged || p.loadBalancerId === input.desired.loadBalancer.reuseId) bad.push(a.key);
    }
    // Cluster identity: an action on an existing SLB of create mode (or on an abandoned one) needs our
    // cluster tag with this cluster's id on that SLB (positive ownership, not "found by tag or name").
    const lbId = "loadBalancerId" in p && typeof p.loadBalancerId === "string" ? p.loadBalancerId : undefined;
    if (lbId !== undefined && input.desired.loadBalancer.mode === "create") {
      const lb = [input.remote.loadBalancer, ...(input.remote.abandonedLoadBalancers ?? [])].find(
        (x) => x?.loadBalancerId === lbId,
      );
      const ours = lb?.tags.some((t) => t.key === "ack.aliyun.com" && t.value === clusterId);
      if (!ours) bad.push(a.key);
    }
    // An extension leaves only if we applied it, and only from an https listener this Service keeps.
    if (p.kind === "DeleteDomainExtension") {
      const applied = input.desired.appliedDomainExtensions ?? [];
      const kept = input.desired.listeners.some((l) => l.protocol === "https" && l.port === p.listenerPort);
      if (!applied.includes(p.domain) || !kept) bad.push(a.key);
    }
  }
  return bad;
}

test("no fixture plans an action on a resource we do not own", () => {
  for (const name of cases) {
    const { input, out } = run(name);
    assert.deepEqual(foreignTouches(input, out.actions), [], name);
  }
});

test("no-op resync plans zero actions", () => {
  assert.deepEqual(run("noop-resync").out, { actions: [], errors: [], warnings: [] });
});

test("node churn only touches backends", () => {
  for (const name of ["node-added", "node-removed", "local-weights"]) {
    const kinds = new Set(run(name).out.actions.map((a) => a.kind));
    for (const k of kinds) assert.match(k, /BackendServers$/, name);
  }
});

test("reused SLB without force-override: no listener action at all", () => {
  const { out } = run("reused-no-override");
  assert.equal(out.actions.filter((a) => a.kind.includes("Listener")).length, 0);
});

test("errors that must block: nothing planned", () => {
  for (const name of [
    "lb-gone-with-ingress",
    "reused-forbidden",
    "reused-ip-mismatch",
    "reused-immutable-mismatch",
  ]) {
    const { out } = run(name);
    assert.equal(out.actions.length, 0, name);
    assert.ok(out.errors.length > 0, name);
  }
});

test("protocol change deletes before it creates on the same port", () => {
  const { out } = run("protocol-change");
  const create = out.actions.find((a) => a.key === "listener:http:80:create");
  assert.ok(create?.dependsOn.includes("listener:tcp:80:delete"));
});

test("no fixture deletes a vserver group that a listener still uses after the plan (RspoolVipExist)", () => {
  for (const name of cases) {
    const { input, out } = run(name);
    const deleted = new Set(
      out.actions.flatMap((a) =>
        a.params.kind === "DeleteListener" ? [`${a.params.protocol}:${a.params.port}`] : [],
      ),
    );
    const repointed = new Set(
      out.actions.flatMap((a) =>
        a.params.kind === "UpdateListener" && a.params.vServerGroupId !== undefined
          ? [`${a.params.protocol}:${a.params.port}`]
          : [],
      ),
    );
    const stillUsed = new Set(
      (input.remote.listeners ?? [])
        .filter((l) => !deleted.has(`${l.listenerProtocol}:${l.listenerPort}`))
        .filter((l) => !repointed.has(`${l.listenerProtocol}:${l.listenerPort}`))
        .map((l) => l.vServerGroupId),
    );
    for (const a of out.actions)
      if (a.params.kind === "DeleteVServerGroup")
        assert.ok(!stillUsed.has(a.params.vServerGroupId), `${name}: ${a.key} while a listener uses it`);
  }
});

test("a forwarding listener whose group is replaced is re-created on the new one, after which the old group goes", () => {
  const { out } = run("forward-port-group-replaced");
  const keys = out.actions.map((a) => a.key);
  const create = out.actions.find((a) => a.key === "listener:http:80:create");
  assert.ok(keys.includes("listener:http:80:delete"));
  assert.deepEqual(create?.params.kind === "CreateListener" && create.params.vServerGroupId, {
    ref: "vgroup:k8s/8080/web/default/c1:create",
  });
  const oldGroup = out.actions.find((a) => a.key === "vgroup:k8s/30080/web/default/c1:delete");
  assert.ok(oldGroup?.dependsOn.includes("listener:http:80:create"));
  // A forwarder on its current group (forward-port-changed with the port the listener already has)
  // or one that reports no group: nothing is re-created.
  const steady = load("forward-port-changed");
  steady.desired.listeners = steady.desired.listeners.map((l) =>
    l.forwardPort !== undefined ? { ...l, forwardPort: 443 } : l,
  );
  const noGroup = load("forward-port-group-replaced");
  noGroup.remote.listeners = (noGroup.remote.listeners ?? []).map((l) =>
    l.listenerForward === "on" ? { ...l, vServerGroupId: undefined } : l,
  );
  for (const input of [steady, noGroup]) {
    const actions = plan(input.desired, input.remote).actions.map((a) => a.key);
    assert.ok(!actions.some((k) => /^listener:http:\d+:(delete|create)$/.test(k)), actions.join(", "));
  }
});

test("create token is deterministic from the Service UID", () => {
  const { out } = run("fresh-create");
  const create = out.actions[0];
  assert.equal(create.params.kind, "CreateLoadBalancer");
  if (create.params.kind === "CreateLoadBalancer")
    assert.match(create.params.request.clientToken, /^[0-9a-f]{64}$/);
});

test("create token follows the create intent, not metadata.generation (Services have none)", () => {
  const input = load("fresh-create");
  const tokenWith = (createIntent?: string) => {
    const desired = { ...input.desired, service: { ...input.desired.service, createIntent } };
    const create = plan(desired, input.remote).actions[0].params;
    return create.kind === "CreateLoadBalancer" ? create.request.clientToken : "";
  };
  assert.equal(tokenWith("intent-1"), tokenWith("intent-1"));
  assert.notEqual(tokenWith("intent-1"), tokenWith("intent-2"));
  assert.notEqual(tokenWith("intent-1"), tokenWith(undefined));
});

test("an unreported created SLB is replaced on an immutable change; a reported one only reports the drift", () => {
  const replaced = run("replace-unreported").out;
  const create = replaced.actions.find((a) => a.kind === "CreateLoadBalancer");
  assert.deepEqual(create?.dependsOn, ["lb:replace:delete"]);
  assert.deepEqual(replaced.errors, []);
  const live = run("attr-immutable-address-type").out;
  assert.equal(live.actions.filter((a) => a.kind.includes("LoadBalancer")).length, 0);
  assert.equal(live.errors[0]?.reason, "ImmutableChanged");
  // Back to the first value after a replacement: the token differs from the first create's (a replay
  // would answer with the deleted SLB).
  const first = load("replace-unreported");
  const firstCreate = plan(first.desired, { vServerGroups: [] }).actions.find(
    (a) => a.kind === "CreateLoadBalancer",
  );
  const token = (a: Action | undefined) =>
    a?.params.kind === "CreateLoadBalancer" ? a.params.request.clientToken : undefined;
  assert.ok(token(create));
  assert.notEqual(token(create), token(firstCreate));
});

test("cluster identity: nothing is planned on a created SLB that lacks this cluster's tag, not even on cleanup", () => {
  for (const name of ["not-owned-other-cluster", "delete-not-owned", "delete-untagged-by-name"]) {
    const { out } = run(name);
    assert.deepEqual(out.actions, [], name);
    assert.deepEqual(
      out.errors.map((e) => [e.reason, e.terminal]),
      [["NotOwned", true]],
      name,
    );
  }
  const abandoned = run("abandoned-other-cluster").out.actions.filter((a) => a.kind === "DeleteLoadBalancer");
  assert.deepEqual(
    abandoned.map((a) => a.params.kind === "DeleteLoadBalancer" && a.params.loadBalancerId),
    ["lb-created-by-us"],
  );
});

test("cloud policy: a refused create or reuse plans nothing and is terminal; the allowed twin plans as usual", () => {
  for (const [refused, reason] of [
    ["create-public-forbidden", "PublicLoadBalancerForbidden"],
    ["create-intranet-no-vswitch", "VSwitchRequired"],
    ["reused-tag-policy-refused", "ReuseForbidden"],
    ["reused-public-forbidden", "ReuseForbidden"],
  ]) {
    const { out } = run(refused);
    assert.deepEqual(out.actions, [], refused);
    assert.deepEqual(
      out.errors.map((e) => [e.reason, e.terminal]),
      [[reason, true]],
      refused,
    );
  }
  assert.deepEqual(run("reused-tag-policy-allowed").out.errors, []);
  const create = run("create-cloud-defaults").out.actions.find((a) => a.kind === "CreateLoadBalancer");
  assert.ok(create?.params.kind === "CreateLoadBalancer");
  const { vpcId, vSwitchId, resourceGroupId } = create.params.request;
  assert.deepEqual(
    { vpcId, vSwitchId, resourceGroupId },
    { vpcId: "vpc-bp1cluster", vSwitchId: "vsw-bp1default", resourceGroupId: "rg-acfmcluster" },
  );
});

test("an SLB created before the id annotation was added is deleted; the reused one is never", () => {
  const { out } = run("abandoned-after-id-added");
  const deletes = out.actions.filter((a) => a.kind === "DeleteLoadBalancer").map((a) => a.params);
  assert.deepEqual(deletes, [{ kind: "DeleteLoadBalancer", loadBalancerId: "lb-created-by-us" }]);
});

test("listeners that were not read are never diffed (no blind re-create)", () => {
  const input = load("noop-resync");
  const { listeners: _unread, ...remote } = input.remote;
  const out = plan(input.desired, remote);
  assert.equal(out.actions.filter((a) => a.kind.includes("Listener")).length, 0);
});

// ---------------------------------------------------------------- domain extensions

const DOMAIN_KINDS = ["CreateDomainExtension", "UpdateDomainExtension", "DeleteDomainExtension"];

test("domain extensions: only on https listeners, never on a reused SLB's listeners without force-override", () => {
  for (const name of cases) {
    const { input, out } = run(name);
    for (const a of out.actions.filter((x) => DOMAIN_KINDS.includes(x.kind))) {
      const p = a.params as { listenerPort: number };
      assert.ok(
        input.desired.listeners.some((l) => l.protocol === "https" && l.port === p.listenerPort),
        `${name}: ${a.key} is not on an https listener of this Service`,
      );
    }
  }
  assert.deepEqual(run("domain-ext-non-https-ignored").out.actions, []);
  assert.deepEqual(
    run("domain-ext-reused-no-override").out.actions.filter((a) => DOMAIN_KINDS.includes(a.kind)),
    [],
  );
});

test("domain extensions on a new listener wait for its create", () => {
  const { out } = run("domain-ext-create");
  const creates = out.actions.filter((a) => a.kind === "CreateDomainExtension");
  assert.equal(creates.length, 2);
  for (const c of creates) assert.deepEqual(c.dependsOn, ["listener:https:443:create"]);
});

test("C11: a certificate change updates the existing extension by its id with the new certificate", () => {
  const { input, out } = run("domain-ext-cert-change");
  const [update, ...rest] = out.actions;
  assert.deepEqual(rest, []);
  const p = update.params;
  assert.equal(p.kind, "UpdateDomainExtension");
  if (p.kind !== "UpdateDomainExtension") return;
  const remote = input.remote.domainExtensions?.[0].extensions.find((e) => e.domain === p.domain);
  const wanted = input.desired.listeners
    .find((l) => l.protocol === "https")
    ?.domainExtensions?.find((d) => d.domain === p.domain);
  assert.ok(remote && wanted);
  assert.equal(p.domainExtensionId, remote.domainExtensionId);
  assert.equal(p.serverCertificateId, wanted.serverCertificateId);
  assert.notEqual(p.serverCertificateId, remote.serverCertificateId);
});

test("domain extensions that were not read are never diffed", () => {
  const input = load("domain-ext-cert-change");
  const { domainExtensions: _unread, ...remote } = input.remote;
  assert.deepEqual(plan(input.desired, remote).actions, []);
});

// ---------------------------------------------------------------- sg-batch-size (§3.5)

function backendCount(a: Action): number | undefined {
  const p = a.params;
  return "backends" in p ? p.backends.length : undefined;
}

test("no backend action carries more than the batch size, in any fixture", () => {
  for (const name of cases) {
    const { input, out } = run(name);
    const size = backendBatchSize(input.options?.backendBatchSize);
    for (const a of out.actions) assert.ok((backendCount(a) ?? 0) <= size, `${name}: ${a.key}`);
  }
});

test("95 backends at the default size: three batches (40, 40, 15), each after the one before", () => {
  const { out } = run("sg-batch-95-add");
  assert.deepEqual(out.actions.map(backendCount), [40, 40, 15]);
  assert.deepEqual(
    out.actions.map((a) => a.dependsOn),
    [[], [out.actions[0].key], [out.actions[1].key]],
  );
  const all = out.actions.flatMap((a) => ("backends" in a.params ? a.params.backends : []));
  assert.equal(new Set(all.map((b) => b.serverId)).size, 95, "every backend exactly once");
});

test("batch size is clamped to 1..40 (upstream --sg-batch-size range)", () => {
  assert.equal(backendBatchSize(undefined), 40);
  assert.equal(backendBatchSize(Number.NaN), 40);
  assert.equal(backendBatchSize(100), 40);
  assert.equal(backendBatchSize(0), 1);
  assert.equal(backendBatchSize(7.9), 7);
  const input = load("sg-batch-95-add");
  assert.deepEqual(
    plan(input.desired, input.remote, { backendBatchSize: 100 }),
    plan(input.desired, input.remote),
  );
  assert.deepEqual(
    plan(input.desired, input.remote, { backendBatchSize: 30 }).actions.map(backendCount),
    [30, 30, 30, 5],
  );
});
