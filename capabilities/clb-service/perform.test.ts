// apply() of perform.ts: ordering, reference resolution, bounded parallelism, batching and error aggregation,
// against recording SlbProvider doubles (unit level; the emulator covers the wire). Also the remote lookup
// (readRemoteModel, planFor) that feeds it. The executor's generic cases: src/reconcile/apply-graph.test.ts.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CloudError } from "../../src/cloud";
import type {
  SlbBackendServer,
  SlbFindLoadBalancersQuery,
  SlbListener,
  SlbLoadBalancer,
  SlbProvider,
} from "../../src/cloud";
import { recording } from "../../test/helpers/recording";
import { apply, loadBalancerAfterApply } from "./perform";
import { plan, type Action, type RemoteModel } from "./plan";
import type { DesiredModel } from "./model";
import { planFor } from "./pipeline";
import { readRemoteModel } from "./remote";

/** Records every call; `fail` makes a method throw; `delayMs` keeps calls in flight to observe parallelism. */
function fakeSlb(opts: { fail?: Partial<Record<keyof SlbProvider, CloudError>>; delayMs?: number } = {}) {
  let inFlight = 0;
  let maxInFlight = 0;
  let nextGroup = 1;
  const call = async <R>(method: keyof SlbProvider, result: () => R): Promise<R> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((r) => setTimeout(r, opts.delayMs ?? 0));
      const err = opts.fail?.[method];
      if (err) throw err;
      return result();
    } finally {
      inFlight--;
    }
  };
  const done = () => undefined;
  const slb = recording<SlbProvider>({
    createLoadBalancer: () =>
      call("createLoadBalancer", () => ({
        loadBalancerId: "lb-new",
        address: "47.0.0.2",
      })),
    createVServerGroup: () =>
      call("createVServerGroup", () => ({ vServerGroupId: `rsp-new-${nextGroup++}` })),
    addBackendServers: () => call("addBackendServers", done),
    removeBackendServers: () => call("removeBackendServers", done),
    updateBackendServers: () => call("updateBackendServers", done),
    deleteVServerGroup: () => call("deleteVServerGroup", done),
    createListener: () => call("createListener", done),
    updateListener: () => call("updateListener", done),
    startListener: () => call("startListener", done),
    deleteListener: () => call("deleteListener", done),
    setLoadBalancerName: () => call("setLoadBalancerName", done),
    setDeleteProtection: () => call("setDeleteProtection", done),
    setModificationProtection: () => call("setModificationProtection", done),
    modifyInstanceChargeType: () => call("modifyInstanceChargeType", done),
    modifyInstanceSpec: () => call("modifyInstanceSpec", done),
    modifyInternetSpec: () => call("modifyInternetSpec", done),
    tagLoadBalancer: () => call("tagLoadBalancer", done),
    untagLoadBalancer: () => call("untagLoadBalancer", done),
    deleteLoadBalancer: () => call("deleteLoadBalancer", done),
    createDomainExtension: () => call("createDomainExtension", () => ({ domainExtensionId: "de-new" })),
    setDomainExtensionCertificate: () => call("setDomainExtensionCertificate", done),
    deleteDomainExtension: () => call("deleteDomainExtension", done),
  });
  return { slb, calls: slb.calls, maxInFlight: () => maxInFlight };
}

function fixture(name: string): Action[] {
  const input = JSON.parse(readFileSync(join(__dirname, "fixtures", "plan", name, "input.json"), "utf8")) as {
    desired: DesiredModel;
    remote: RemoteModel;
  };
  return plan(input.desired, input.remote).actions;
}

const cloudError = (kind: CloudError["kind"], code: string) => new CloudError({ kind, code, message: code });

test("fresh create: the new SLB id and group ids flow into later calls, in dependency order", async () => {
  const fake = fakeSlb();
  const res = await apply(fake.slb, fixture("fresh-create"));
  assert.deepEqual(res.errors, []);
  const order = fake.calls.map((c) => c.method);
  assert.equal(order[0], "createLoadBalancer");
  for (const c of fake.calls.slice(1)) {
    if (c.method === "createVServerGroup" || c.method.endsWith("Listener")) assert.equal(c.args[0], "lb-new");
  }
  const listenerCreates = fake.calls.filter((c) => c.method === "createListener");
  assert.deepEqual(
    listenerCreates.map((c) => (c.args[1] as { vServerGroupId: string }).vServerGroupId).sort(),
    ["rsp-new-1", "rsp-new-2"],
  );
  // each start comes after its create
  for (const port of [80, 8080]) {
    const created = order.findIndex(
      (m, i) =>
        m === "createListener" && (fake.calls[i].args[1] as { listenerPort: number }).listenerPort === port,
    );
    const started = order.findIndex((m, i) => m === "startListener" && fake.calls[i].args[1] === port);
    assert.ok(created >= 0 && started > created);
  }
  assert.deepEqual(loadBalancerAfterApply(undefined, res), { loadBalancerId: "lb-new", address: "47.0.0.2" });
});

test("a failure skips only its dependants; independent branches continue; errors aggregated", async () => {
  const fake = fakeSlb({
    fail: { createVServerGroup: cloudError("QuotaExceeded", "VServerGroupQuotaExceeded") },
  });
  const res = await apply(fake.slb, fixture("fresh-create"));
  const byKey = new Map(res.results.map((r) => [r.key, r]));
  assert.equal(byKey.get("lb:create")?.status, "ok");
  assert.equal(byKey.get("vgroup:k8s/30080/web/default/c1:create")?.status, "failed");
  assert.equal(byKey.get("listener:tcp:80:create")?.status, "skipped");
  assert.equal(byKey.get("listener:tcp:80:start")?.status, "skipped");
  assert.equal(res.errors.length, 2);
  assert.ok(res.errors.every((e) => e.error instanceof CloudError && e.error.kind === "QuotaExceeded"));
});

test("independent branch survives: a failed tag does not stop backends", async () => {
  const fake = fakeSlb({ fail: { tagLoadBalancer: cloudError("Forbidden", "Forbidden.RAM") } });
  const res = await apply(fake.slb, fixture("reused-no-override"));
  assert.equal(res.errors.length, 1);
  assert.equal(res.errors[0].key, "lb:tag");
  assert.ok(res.results.filter((r) => r.key !== "lb:tag").every((r) => r.status === "ok"));
  assert.ok(fake.calls.some((c) => c.method === "createVServerGroup" || c.method === "addBackendServers"));
});

test("deletes treat NotFound as already done", async () => {
  const fake = fakeSlb({
    fail: { deleteLoadBalancer: cloudError("NotFound", "InvalidLoadBalancerId.NotFound") },
  });
  const res = await apply(fake.slb, fixture("delete-created"));
  assert.deepEqual(res.errors, []);
  assert.deepEqual(res.results.find((r) => r.key === "lb:delete")?.output, { alreadyGone: true });
});

test("backends go in batches of at most 20", async () => {
  const backends: SlbBackendServer[] = Array.from({ length: 45 }, (_, i) => ({
    serverId: `i-${i}`,
    port: 30080,
    weight: 100,
    type: "ecs",
    description: "k8s/30080/web/default/c1",
  }));
  const fake = fakeSlb();
  const res = await apply(fake.slb, [
    {
      kind: "AddBackendServers",
      key: "add",
      dependsOn: [],
      params: { kind: "AddBackendServers", vServerGroupId: "rsp-1", name: "g", backends },
    },
  ]);
  assert.deepEqual(res.errors, []);
  assert.deepEqual(
    fake.calls.map((c) => (c.args[1] as unknown[]).length),
    [20, 20, 5],
  );
});

test("domain extensions: created on the listener once it exists, re-pointed by id, deleted by id", async () => {
  const fake = fakeSlb();
  const res = await apply(fake.slb, fixture("domain-ext-create"));
  assert.deepEqual(res.errors, []);
  const order = fake.calls.map((c) => c.method);
  const listenerAt = order.indexOf("createListener");
  const created = fake.calls.filter((c) => c.method === "createDomainExtension");
  assert.deepEqual(
    created.map((c) => c.args),
    [
      ["lb-1", 443, "*.example.org", "cert-org"],
      ["lb-1", 443, "www.example.com", "cert-www"],
    ],
  );
  for (const c of created) assert.ok(fake.calls.indexOf(c) > listenerAt);

  const update = fakeSlb();
  await apply(update.slb, fixture("domain-ext-cert-change"));
  assert.deepEqual(
    update.calls.map((c) => [c.method, ...c.args]),
    [["setDomainExtensionCertificate", "de-1", "cert-www-2"]],
  );

  const gone = fakeSlb({
    fail: { deleteDomainExtension: cloudError("NotFound", "InvalidParameter.DomainExtensionId") },
  });
  const removed = await apply(gone.slb, fixture("domain-ext-annotation-removed"));
  assert.deepEqual(removed.errors, [], "an extension already gone counts as deleted");
  assert.deepEqual(
    gone.calls.map((c) => [c.method, ...c.args]),
    [
      ["deleteDomainExtension", "de-2"],
      ["deleteDomainExtension", "de-1"],
    ],
  );
});

test("parallelism is bounded (default 4)", async () => {
  const actions: Action[] = Array.from({ length: 10 }, (_, i) => ({
    kind: "DeleteVServerGroup",
    key: `d${i}`,
    dependsOn: [],
    params: { kind: "DeleteVServerGroup", vServerGroupId: `rsp-${i}`, name: `g${i}` },
  }));
  const fake = fakeSlb({ delayMs: 5 });
  const res = await apply(fake.slb, actions);
  assert.equal(res.results.length, 10);
  assert.equal(fake.maxInFlight(), 4);
  const fake2 = fakeSlb({ delayMs: 5 });
  await apply(fake2.slb, actions, { concurrency: 2 });
  assert.equal(fake2.maxInFlight(), 2);
});

test("never throws: unknown dependencies and duplicate keys become errors", async () => {
  const fake = fakeSlb();
  const a: Action = {
    kind: "DeleteVServerGroup",
    key: "x",
    dependsOn: ["nope"],
    params: { kind: "DeleteVServerGroup", vServerGroupId: "rsp-1", name: "g" },
  };
  const b: Action = { ...a, key: "y", dependsOn: [] };
  const res = await apply(fake.slb, [a, b, b]);
  assert.deepEqual(res.errors.map((e) => e.key).sort(), ["x", "y"]);
  assert.equal(res.results.find((r) => r.key === "y")?.status, "ok");
  assert.equal(fake.calls.length, 1);
});

test("an unexpected (non-cloud) exception is captured, not thrown", async () => {
  const slb = recording<SlbProvider>({ deleteVServerGroup: () => Promise.reject(new TypeError("boom")) });
  const res = await apply(slb, [
    {
      kind: "DeleteVServerGroup",
      key: "d",
      dependsOn: [],
      params: { kind: "DeleteVServerGroup", vServerGroupId: "rsp-1", name: "g" },
    },
  ]);
  assert.equal(res.errors[0].message, "boom");
});

// ---------------------------------------------------------------- readRemoteModel (docs/clb-service.md §2.1)

function lbOf(id: string, name: string): SlbLoadBalancer {
  return {
    loadBalancerId: id,
    loadBalancerName: name,
    address: "47.0.0.1",
    addressType: "internet",
    addressIPVersion: "ipv4",
    networkType: "vpc",
    status: "active",
    deleteProtection: "on",
    modificationProtectionStatus: "ConsoleProtection",
    instanceChargeType: "PayByCLCU",
    internetChargeType: "paybytraffic",
    tags: [],
  };
}

function lookupFake(opts: {
  byId?: SlbLoadBalancer;
  byTag?: SlbLoadBalancer[];
  byName?: SlbLoadBalancer[];
  listeners?: SlbListener[];
}) {
  const calls: string[] = [];
  const slb = recording<SlbProvider>({
    getLoadBalancer: async (id: string) => {
      calls.push(`get:${id}`);
      if (!opts.byId) throw cloudError("NotFound", "InvalidLoadBalancerId.NotFound");
      return opts.byId;
    },
    findLoadBalancers: async (q: SlbFindLoadBalancersQuery) => {
      calls.push(q.tags ? `tag:${q.tags[0].key}=${q.tags[0].value}` : `name:${q.loadBalancerName ?? ""}`);
      return (q.tags ? opts.byTag : opts.byName) ?? [];
    },
    listListeners: async () => {
      calls.push("listeners");
      return opts.listeners ?? [];
    },
    listDomainExtensions: async (_id: string, port: number) => {
      calls.push(`domains:${port}`);
      return [{ domainExtensionId: "de-1", domain: "www.example.com", serverCertificateId: "cert-www" }];
    },
    listVServerGroups: async () => {
      calls.push("vgroups");
      return [];
    },
  });
  return { slb, calls };
}

function desiredFor(mode: "create" | "reuse", force = false): DesiredModel {
  const input = JSON.parse(
    readFileSync(join(__dirname, "fixtures", "plan", "noop-resync", "input.json"), "utf8"),
  ) as { desired: DesiredModel };
  const d = input.desired;
  d.loadBalancer.mode = mode;
  d.loadBalancer.forceOverrideListeners = force;
  if (mode === "reuse") d.loadBalancer.reuseId = "lb-user";
  return d;
}

test("lookup: tag first, then default name; ids are never guessed", async () => {
  const byName = lookupFake({ byName: [lbOf("lb-1", "a5e4dbfc9c2ae4642b0335607860aef6")] });
  const r = await readRemoteModel(byName.slb, { ...desiredFor("create"), provisionedBefore: true });
  assert.equal(r.foundBy, "name");
  assert.deepEqual(byName.calls, [
    "tag:kubernetes.do.not.delete=a5e4dbfc9c2ae4642b0335607860aef6",
    "name:a5e4dbfc9c2ae4642b0335607860aef6",
    "listeners",
    "vgroups",
  ]);
  const none = lookupFake({});
  assert.deepEqual(await readRemoteModel(none.slb, desiredFor("create")), { vServerGroups: [] });
  // A Service that never had an SLB needs only the tag lookup: an SLB it made carries the tag.
  assert.deepEqual(none.calls, ["tag:kubernetes.do.not.delete=a5e4dbfc9c2ae4642b0335607860aef6"]);
});

test("lookup: several SLBs carrying our tag is an error, not a guess", async () => {
  const f = lookupFake({ byTag: [lbOf("lb-1", "x"), lbOf("lb-2", "y")] });
  const r = await readRemoteModel(f.slb, desiredFor("create"));
  assert.match(r.lookupError ?? "", /multiple/);
  assert.equal(plan(desiredFor("create"), r).actions.length, 0);
});

test("lookup by id: NotFound gives no SLB (plan reports it); listeners read only with force-override", async () => {
  const missing = lookupFake({});
  const r = await readRemoteModel(missing.slb, desiredFor("reuse"));
  assert.equal(r.loadBalancer, undefined);
  assert.equal(plan(desiredFor("reuse"), r).errors[0].reason, "LoadBalancerNotFound");
  const noForce = lookupFake({ byId: lbOf("lb-user", "u") });
  await readRemoteModel(noForce.slb, desiredFor("reuse"));
  assert.deepEqual(noForce.calls, ["get:lb-user", "vgroups"]);
  const force = lookupFake({ byId: lbOf("lb-user", "u") });
  await readRemoteModel(force.slb, desiredFor("reuse", true));
  assert.deepEqual(force.calls, ["get:lb-user", "listeners", "vgroups"]);
});

test("domain extensions are read for https listeners only, and only when wanted or applied before", async () => {
  const listener = (port: number, protocol: SlbListener["listenerProtocol"]): SlbListener => ({
    loadBalancerId: "lb-1",
    listenerPort: port,
    listenerProtocol: protocol,
    status: "running",
  });
  const listeners = [listener(80, "tcp"), listener(443, "https"), listener(8443, "https")];
  const d = desiredFor("create");
  d.listeners.push({
    port: 443,
    protocol: "https",
    description: "k8s/443/web/default/c1",
    vServerGroupName: "k8s/30081/web/default/c1",
    attributes: {},
  });
  const read = async (desired: DesiredModel) => {
    const f = lookupFake({ byTag: [lbOf("lb-1", "x")], listeners });
    const remote = await readRemoteModel(f.slb, desired);
    return { calls: f.calls.filter((c) => c.startsWith("domains:")), remote };
  };
  // No annotation and nothing applied before: no extra call at all.
  assert.deepEqual((await read(d)).calls, []);
  // Applied before (the annotation was removed since): read, so ours can be deleted.
  assert.deepEqual((await read({ ...d, appliedDomainExtensions: ["www.example.com"] })).calls, [
    "domains:443",
  ]);
  // Wanted: only the https listener this Service keeps (8443 is not desired, tcp:80 is not https).
  const wanted = structuredClone(d);
  wanted.listeners[2].domainExtensions = [{ domain: "www.example.com", serverCertificateId: "cert-2" }];
  const r = await read(wanted);
  assert.deepEqual(r.calls, ["domains:443"]);
  assert.deepEqual(r.remote.domainExtensions, [
    {
      listenerPort: 443,
      extensions: [{ domainExtensionId: "de-1", domain: "www.example.com", serverCertificateId: "cert-www" }],
    },
  ]);
});

test("lookup: other cloud errors propagate as CloudError", async () => {
  const slb = recording<SlbProvider>({
    getLoadBalancer: async () => Promise.reject(cloudError("Throttled", "Throttling")),
  });
  await assert.rejects(
    readRemoteModel(slb, desiredFor("reuse")),
    (e: unknown) => e instanceof CloudError && e.kind === "Throttled",
  );
});

// ---------------------------------------------------------------- planFor (build → read → plan)

test("planFor: a new Service plans a create; a bad annotation plans nothing on ensure but cleanup still runs", async () => {
  const svc = {
    metadata: {
      name: "web",
      namespace: "default",
      uid: "5e4dbfc9-c2ae-4642-b033-5607860aef6a",
      annotations: {} as Record<string, string>,
    },
    spec: { type: "LoadBalancer", ports: [{ name: "a", port: 80, protocol: "TCP", nodePort: 30080 }] },
  };
  const fresh = await planFor({
    svc,
    nodes: [],
    endpointSlices: [],
    clusterId: "c1",
    slb: lookupFake({}).slb,
    deleting: false,
  });
  assert.deepEqual(fresh.modelErrors, []);
  assert.deepEqual(
    fresh.plan.actions.map((a) => a.kind),
    ["CreateLoadBalancer", "CreateVServerGroup", "CreateListener", "StartListener"],
  );

  svc.metadata.annotations["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-default-weight"] = "heavy";
  // A created SLB of this cluster (positive ownership: our cluster tag).
  const found = lookupFake({
    byTag: [{ ...lbOf("lb-1", "x"), tags: [{ key: "ack.aliyun.com", value: "c1" }] }],
  });
  const bad = await planFor({
    svc,
    nodes: [],
    endpointSlices: [],
    clusterId: "c1",
    slb: found.slb,
    deleting: false,
  });
  assert.equal(bad.modelErrors.length, 1);
  assert.deepEqual(bad.plan.actions, []);
  assert.deepEqual(found.calls, [], "no cloud reads for a Service we cannot model");
  const cleanup = await planFor({
    svc,
    nodes: [],
    endpointSlices: [],
    clusterId: "c1",
    slb: found.slb,
    deleting: true,
  });
  assert.deepEqual(
    cleanup.plan.actions.map((a) => a.kind),
    ["SetDeleteProtection", "DeleteLoadBalancer"],
  );
});

/** Logs backend calls as `add:<n>`, `remove:<n>`, `update:<n>`; the `failAt`-th add hits the backend quota. */
function quotaSlb(failAt: number) {
  const calls: string[] = [];
  let addCalls = 0;
  const log = (verb: string) => async (_id: string, batch: SlbBackendServer[]) =>
    void calls.push(`${verb}:${batch.length}`);
  const slb = recording<SlbProvider>({
    addBackendServers: async (id, batch) => {
      await log("add")(id, batch);
      if (++addCalls === failAt) throw cloudError("QuotaExceeded", "InstanceBackendServerNumberOverLimit");
    },
    removeBackendServers: log("remove"),
    updateBackendServers: log("update"),
  });
  return { slb, calls };
}

test("backend quota on add: this group's remove runs first, then the add resumes where it stopped", async () => {
  const { slb, calls } = quotaSlb(2);
  const many = (n: number, prefix: string): SlbBackendServer[] =>
    Array.from({ length: n }, (_, i) => ({
      serverId: `${prefix}${i}`,
      port: 1,
      weight: 1,
      type: "ecs",
      description: "d",
    }));
  const res = await apply(slb, [
    {
      kind: "AddBackendServers",
      key: "add",
      dependsOn: [],
      params: { kind: "AddBackendServers", vServerGroupId: "rsp-1", name: "g", backends: many(25, "i-new-") },
    },
    {
      kind: "RemoveBackendServers",
      key: "rm",
      dependsOn: ["add"],
      params: {
        kind: "RemoveBackendServers",
        vServerGroupId: "rsp-1",
        name: "g",
        backends: many(3, "i-old-"),
      },
    },
  ]);
  assert.deepEqual(res.errors, []);
  assert.deepEqual(calls, ["add:20", "add:5", "remove:3", "add:5"]);
  assert.deepEqual(res.results.map((r) => [r.key, r.status]).sort(), [
    ["add", "ok"],
    ["rm", "ok"],
  ]);
});

test("backend quota on a batched add: every remove batch of the group runs first, then the add, then updates", async () => {
  const { slb, calls } = quotaSlb(1);
  const input = JSON.parse(
    readFileSync(join(__dirname, "fixtures", "plan", "sg-batch-size-10", "input.json"), "utf8"),
  ) as { desired: DesiredModel; remote: RemoteModel; options: { backendBatchSize: number } };
  const actions = plan(input.desired, input.remote, input.options).actions;
  const res = await apply(slb, actions);
  assert.deepEqual(res.errors, []);
  assert.deepEqual(calls, ["add:3", "remove:10", "remove:10", "remove:5", "add:3", "update:10", "update:2"]);
  assert.ok(res.results.every((r) => r.status === "ok"));
});
