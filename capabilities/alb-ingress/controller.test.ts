// AlbConfigReconciler with its server groups created ahead (groupChanged, docs/alb-ingress.md §C5), driven
// as the controller drives it (again while it asks to be requeued), over the real ALB adapter into the
// in-process emulator, with typed doubles for the API server and Events and the stores fed by the test. A
// group created ahead for a member that left, or whose backend changed, while the create was under way is
// hidden from that reconcile's plan: the reconcile waits for the create and comes back to delete it.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import type { V1Node, V1Service } from "@kubernetes/client-node";
import {
  createCloudProvider,
  loadCloudConfig,
  type AlbCreateServerGroupRequest,
  type AlbProvider,
  type AlbServerGroup,
  type CloudProvider,
} from "../../src/cloud";
import { ALB_DEFAULTS, EMULATOR_DEFAULTS } from "../../src/config";
import type { ReconcileContext } from "../../src/controller/controller";
import type { ReconcileResult } from "../../src/controller/result";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import type { ClusterClient } from "../../src/k8s/client";
import type { EventRecorder } from "../../src/k8s/events";
import type { KindRef } from "../../src/k8s/kinds";
import { Store } from "../../src/k8s/stores";
import { EMU_ENV } from "../../test/contract/harness";
import { recording, type RecordedCall } from "../../test/helpers/recording";
import type { Ingress } from "./annotations";
import { AlbConfigReconciler, albStores } from "./controller";
import type { AlbConfig } from "./crd";
import { TAG_ALBCONFIG, TAG_CLUSTER, TAG_INGRESS_NAME, TAG_SERVICE_NAME } from "./tracking";

const CLUSTER = "c-ahead";

let emu: RunningEmulator;
let cloud: CloudProvider;

before(async () => {
  // Short transitions: the ALB is Active and jobs end within a poll.
  emu = await startEmulator({ port: 0, transitions: { albMs: 50, albConfiguringMs: 50 } });
  cloud = createCloudProvider({
    ...loadCloudConfig({ ...EMU_ENV, ALIBABA_CLOUD_ENDPOINT: emu.url }),
    retryBaseMs: 5,
    retryCapMs: 100,
    rateLimitPerSecond: { slb: 1000, alb: 1000, eci: 1000, ecs: 1000, vpc: 1000, cas: 1000 },
  });
});

after(async () => {
  await emu?.close();
});

const node = (name: string): V1Node => ({
  metadata: { name, resourceVersion: "1", labels: { "kubernetes.io/hostname": name } },
  spec: { providerID: `cn-hangzhou.i-bp1${name.replace(/-/g, "")}0000000000` },
  status: { conditions: [{ type: "Ready", status: "True" }] },
});

const service = (name: string, nodePort: number): V1Service => ({
  metadata: { name, namespace: "default", resourceVersion: "1" },
  spec: { type: "NodePort", ports: [{ name: "http", port: 80, targetPort: 80, nodePort }] },
});

const ingress = (ac: string, name: string, svc: string, path: string, rv = 1): Ingress => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name, namespace: "default", uid: `uid-${name}`, resourceVersion: String(rv), annotations: {} },
  spec: {
    ingressClassName: ac,
    rules: [
      {
        host: "ahead.example.com",
        http: {
          paths: [{ path, pathType: "Prefix", backend: { service: { name: svc, port: { number: 80 } } } }],
        },
      },
    ],
  },
});

type Obj = { metadata?: Record<string, unknown>; status?: Record<string, unknown> };

/**
 * The API server as the reconciler uses it: get, merge patches of metadata (annotations, finalizers) and of
 * status. Ingress writes reach the Ingress store as a watch would bring them.
 */
function apiServer(ac: AlbConfig, ingresses: Store<Ingress>) {
  const objects = new Map<string, Obj>([[`AlbConfig/${ac.metadata?.name}`, structuredClone(ac) as Obj]]);
  let rv = 100;
  const id = (kind: KindRef, key: { namespace?: string; name: string }) =>
    kind.kind === "AlbConfig" ? `AlbConfig/${key.name}` : `${kind.kind}/${key.namespace}/${key.name}`;
  const current = (kind: KindRef, key: { namespace?: string; name: string }): Obj | undefined =>
    objects.get(id(kind, key)) ??
    ((kind.kind === "Ingress" ? ingresses.get(`${key.namespace}/${key.name}`) : undefined) as
      | Obj
      | undefined);
  const write = (kind: KindRef, key: { namespace?: string; name: string }, obj: Obj) => {
    obj.metadata = { ...obj.metadata, resourceVersion: String(++rv) };
    objects.set(id(kind, key), obj);
    if (kind.kind === "Ingress") ingresses.apply("MODIFIED", structuredClone(obj) as Ingress);
    return structuredClone(obj);
  };
  return recording<ClusterClient>({
    get: <T>(kind: KindRef, key: { namespace?: string; name: string }) =>
      Promise.resolve(structuredClone(current(kind, key)) as T | undefined),
    patch: <T>(kind: KindRef, key: { namespace?: string; name: string }, body: object) => {
      const obj = structuredClone(current(kind, key));
      if (!obj) return Promise.reject(new Error(`${id(kind, key)} not found`));
      const m = (body as { metadata?: Record<string, unknown> }).metadata ?? {};
      const annotations = { ...((obj.metadata?.annotations ?? {}) as Record<string, string>) };
      for (const [k, v] of Object.entries((m.annotations ?? {}) as Record<string, string | null>))
        if (v === null) delete annotations[k];
        else annotations[k] = v;
      obj.metadata = { ...obj.metadata, annotations, ...(m.finalizers ? { finalizers: m.finalizers } : {}) };
      return Promise.resolve(write(kind, key, obj) as T);
    },
    patchStatus: <T>(kind: KindRef, key: { namespace?: string; name: string }, body: object) => {
      const obj = structuredClone(current(kind, key));
      if (!obj) return Promise.reject(new Error(`${id(kind, key)} not found`));
      obj.status = { ...obj.status, ...(body as { status?: Record<string, unknown> }).status };
      return Promise.resolve(write(kind, key, obj) as T);
    },
  });
}

/**
 * The real ALB adapter, each call recorded; the job of a create that `hold` picks waits until `release()`
 * (the group exists and is listed meanwhile, as in the cloud). `releaseAfterRulesRead()`: released right
 * after the next ListRules answer, the last read of a reconcile's remote model.
 */
function gatedAlb(alb: AlbProvider, hold: (req: AlbCreateServerGroupRequest) => boolean) {
  const calls: RecordedCall[] = [];
  const heldJobs = new Set<string>();
  let release: () => void = () => undefined;
  let gate = new Promise<void>((r) => (release = r));
  let armed = false;
  const afterNext = new Map<string, () => Promise<void>>();
  const proxy = new Proxy(alb, {
    get(target, prop) {
      const fn: unknown = Reflect.get(target, prop);
      if (typeof fn !== "function" || typeof prop !== "string") return fn;
      return async (...args: unknown[]) => {
        calls.push({ method: prop, args });
        if (prop === "waitForJobs" && (args[0] as string[]).some((j) => heldJobs.has(j))) await gate;
        const out: unknown = await Reflect.apply(fn, target, args);
        const hook = afterNext.get(prop);
        if (hook) {
          afterNext.delete(prop);
          await hook();
        }
        if (prop === "createServerGroup" && hold(args[0] as AlbCreateServerGroupRequest)) {
          const jobId = (out as { jobId?: string }).jobId;
          if (jobId) heldJobs.add(jobId);
        }
        if (prop === "listRules" && armed) {
          armed = false;
          // After the reconcile's remaining synchronous steps (the plan), before any other I/O.
          setTimeout(() => {
            calls.push({ method: "<released>", args: [] });
            release();
          }, 0);
        }
        return out;
      };
    },
  });
  return {
    alb: proxy,
    calls,
    holding: () =>
      heldJobs.size > 0 &&
      calls.some((c) => c.method === "waitForJobs" && (c.args[0] as string[]).some((j) => heldJobs.has(j))),
    releaseAfterRulesRead: () => (armed = true),
    /** Runs `hook` after the next call of `method` answers, before its caller sees the answer. */
    afterNext: (method: keyof AlbProvider, hook: () => Promise<void>) => afterNext.set(method, hook),
    reset: () => {
      heldJobs.clear();
      gate = new Promise<void>((r) => (release = r));
    },
  };
}

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const tagOf = (g: Pick<AlbServerGroup, "tags">, key: string) => g.tags.find((t) => t.key === key)?.value;
/** "<ingress>/<service>" of a group's tags. */
const ownerOf = (g: Pick<AlbServerGroup, "tags">) =>
  `${tagOf(g, TAG_INGRESS_NAME) ?? ""}/${tagOf(g, TAG_SERVICE_NAME) ?? ""}`;

async function setUp(
  acName: string,
  hold: (req: AlbCreateServerGroupRequest) => boolean,
  options: {
    planRounds?: number;
    beforeFirstReconcile?: (gated: ReturnType<typeof gatedAlb>, ingresses: Store<Ingress>) => void;
  } = {},
) {
  const { beforeFirstReconcile, ...reconcilerOptions } = options;
  const { ingresses, ingressClasses, services, endpointSlices, nodes } = albStores();
  ingressClasses.apply("ADDED", {
    metadata: { name: acName, resourceVersion: "1" },
    spec: {
      controller: "ingress.k8s.alibabacloud/alb",
      parameters: { apiGroup: "alibabacloud.com", kind: "AlbConfig", name: acName },
    },
  });
  for (const [i, s] of ["tea-svc", "coffee-svc", "canary-svc"].entries())
    services.apply("ADDED", service(s, 30080 + i));
  for (const n of ["node-a", "node-b"]) nodes.apply("ADDED", node(n));
  ingresses.apply("ADDED", ingress(acName, "web", "tea-svc", "/tea"));
  const ac = {
    apiVersion: "alibabacloud.com/v1",
    kind: "AlbConfig",
    metadata: { name: acName, uid: "uid-ac", resourceVersion: "1", generation: 1 },
    spec: { config: { addressType: "Internet" } },
  } as AlbConfig;
  const client = apiServer(ac, ingresses);
  const gated = gatedAlb(cloud.alb, hold);
  const reconciler = new AlbConfigReconciler({
    client,
    events: recording<EventRecorder>({ record: () => Promise.resolve() }),
    cloud: { ...cloud, alb: gated.alb },
    clusterId: CLUSTER,
    vpcId: EMULATOR_DEFAULTS.vpc.vpcId,
    finalizer: ALB_DEFAULTS.finalizer,
    ingresses,
    ingressClasses,
    services,
    endpointSlices,
    nodes,
    ...reconcilerOptions,
  });
  const ctx: ReconcileContext = {
    signal: new AbortController().signal,
    observe: () => undefined,
    forget: () => undefined,
  };
  /** Reconciles as the controller does: again at once while the result asks for it. */
  const settle = async (): Promise<ReconcileResult[]> => {
    const results: ReconcileResult[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await reconciler.reconcile(acName, ctx);
      results.push(r);
      if (r.kind === "done") return results;
    }
    throw new Error(`not settled after 5 reconciles: ${JSON.stringify(results)}`);
  };
  // Groups that are not ours: one of another AlbConfig of this cluster, one of the user's.
  const foreign: string[] = [];
  for (const [name, tags] of [
    [
      "other-albconfig-group",
      [
        { key: TAG_ALBCONFIG, value: "other" },
        { key: TAG_CLUSTER, value: CLUSTER },
      ],
    ],
    ["user-group", [{ key: "team", value: "web" }]],
  ] as const) {
    const { serverGroupId, jobId } = await cloud.alb.createServerGroup({
      serverGroupName: `${acName}-${name}`,
      serverGroupType: "Instance",
      vpcId: EMULATOR_DEFAULTS.vpc.vpcId,
      healthCheckConfig: { healthCheckEnabled: false },
      tags: [...tags],
      clientToken: `${acName}-${name}`,
    });
    if (jobId) await cloud.alb.waitForJobs([jobId]);
    foreign.push(serverGroupId);
  }
  beforeFirstReconcile?.(gated, ingresses);
  // The first reconcile: the ALB, its listener and rule, the web member's group; the creates ahead of the
  // next reconcile start from what it read.
  assert.deepEqual(
    (await settle()).map((r) => r.kind),
    ["done"],
  );
  return { ac: acName, ingresses, reconciler, gated, settle, foreign };
}

/** This AlbConfig's groups in the emulator, as "<ingress>/<service>". */
async function groupsOf(ac: string): Promise<{ id: string; of: string }[]> {
  return (await cloud.alb.listServerGroups({}))
    .filter((g) => tagOf(g, TAG_ALBCONFIG) === ac && tagOf(g, TAG_CLUSTER) === CLUSTER)
    .map((g) => ({
      id: g.serverGroupId,
      of: ownerOf(g),
    }));
}

const MUTATING = /^(create|update|delete|add|remove|replace|tag|untag|set|associate|dissociate|apply)/;

/** No mutating call names any of `ids`; both groups still exist. */
async function untouched(calls: RecordedCall[], ids: string[]) {
  const touched = calls.filter(
    (c) => MUTATING.test(c.method) && ids.some((id) => JSON.stringify(c.args).includes(id)),
  );
  assert.deepEqual(touched, [], "groups that are not ours are never written to");
  assert.equal((await cloud.alb.listServerGroups({ serverGroupIds: ids })).length, ids.length);
}

/** createServerGroup calls per "<ingress>/<service>" of its tags. */
function createsBy(calls: RecordedCall[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of calls.filter((x) => x.method === "createServerGroup")) {
    const of = ownerOf(c.args[0] as AlbCreateServerGroupRequest);
    out.set(of, (out.get(of) ?? 0) + 1);
  }
  return out;
}

/** Every group of the run was created once, never twice; the groups that are not ours were never written. */
async function oneCreateEachForeignUntouched(calls: RecordedCall[], foreign: string[]) {
  assert.ok(
    [...createsBy(calls).values()].every((n) => n === 1),
    JSON.stringify([...createsBy(calls)]),
  );
  await untouched(calls, foreign);
}

/**
 * Starts the create ahead for member `late` and waits until its group exists in the cloud and its job is
 * held.
 */
async function createAheadHeld(env: Awaited<ReturnType<typeof setUp>>, late: Ingress, of: string) {
  env.ingresses.apply("ADDED", late);
  env.reconciler.groupChanged(env.ac);
  await until("the create ahead of the late member, held at its job", () => env.gated.holding());
  assert.deepEqual(
    (await groupsOf(env.ac)).filter((g) => g.of === of).length,
    1,
    "the group created ahead exists (and is listed) while its job runs",
  );
}

/**
 * What both cases require of the group made ahead and no longer wanted (`made`): deleted only once made, no
 * servers added to it, the first reconcile requeued (it read the group while it was being made).
 */
function assertUnwantedGroupHandled(
  calls: RecordedCall[],
  made: { id: string },
  results: ReconcileResult[],
): void {
  const deleted = calls.findIndex((c) => c.method === "deleteServerGroup" && c.args[0] === made.id);
  assert.ok(
    deleted > calls.findIndex((c) => c.method === "<released>"),
    "deleted once made, not while being made",
  );
  assert.deepEqual(
    calls.filter((c) => c.method === "addServers" && c.args[0] === made.id),
    [],
    "no servers go to a group no longer wanted",
  );
  assert.equal(results[0].kind, "requeueAfter", "the first reconcile read the group while it was being made");
}

test("a member leaves while its group is created ahead: the reconcile waits for the create and comes back to delete it", async () => {
  const env = await setUp("left", (req) =>
    req.tags.some((t) => t.key === TAG_INGRESS_NAME && t.value === "late"),
  );
  const late = ingress(env.ac, "late", "coffee-svc", "/coffee");
  await createAheadHeld(env, late, "late/coffee-svc");
  const [made] = (await groupsOf(env.ac)).filter((g) => g.of === "late/coffee-svc");

  // It never got a finalizer (no reconcile listed it), so its deletion is immediate.
  env.ingresses.apply("DELETED", late);
  env.gated.releaseAfterRulesRead();
  const results = await env.settle();

  assert.deepEqual(
    (await groupsOf(env.ac)).map((g) => g.of).sort(),
    [`${env.ac}-default-listener-80/-`, "web/tea-svc"].sort(),
    "no group of the member that left remains: only the listener's default group and web's",
  );
  const calls = env.gated.calls;
  assertUnwantedGroupHandled(calls, made, results);
  assert.equal(createsBy(calls).get("late/coffee-svc"), 1, "one create, never a second group");
  await oneCreateEachForeignUntouched(calls, env.foreign);
});

test("a member's backend changes while its group is created ahead: the old group is deleted once made, the new one made once", async () => {
  const env = await setUp("moved", (req) =>
    req.tags.some((t) => t.key === TAG_INGRESS_NAME && t.value === "moving"),
  );
  await createAheadHeld(env, ingress(env.ac, "moving", "coffee-svc", "/coffee"), "moving/coffee-svc");
  const [made] = (await groupsOf(env.ac)).filter((g) => g.of === "moving/coffee-svc");

  env.ingresses.apply("MODIFIED", ingress(env.ac, "moving", "canary-svc", "/coffee", 2));
  env.gated.releaseAfterRulesRead();
  const results = await env.settle();

  assert.deepEqual(
    (await groupsOf(env.ac)).map((g) => g.of).sort(),
    [`${env.ac}-default-listener-80/-`, "moving/canary-svc", "web/tea-svc"].sort(),
    "the group of the old backend is gone, the new backend's is there once",
  );
  const calls = env.gated.calls;
  assertUnwantedGroupHandled(calls, made, results);
  await oneCreateEachForeignUntouched(calls, env.foreign);
});

test("a member comes after the reconcile listed its group, and its group is created ahead during the read: not unwanted, the creates ahead go on", async () => {
  // One plan round: the reconcile applies what it listed, as in a rollout that outruns ALB_DEFAULTS.planRounds.
  const env = await setUp(
    "came",
    (req) => req.tags.some((t) => t.key === TAG_INGRESS_NAME && t.value === "late"),
    { planRounds: 1 },
  );
  const late = ingress(env.ac, "late", "coffee-svc", "/coffee");
  // The reconcile has listed its members (web only) when it reads the cloud; late comes then, and its
  // group's create ahead is under way when the read ends.
  env.gated.afterNext("listLoadBalancers", () => createAheadHeld(env, late, "late/coffee-svc"));
  env.gated.releaseAfterRulesRead();
  const first = await env.settle();
  assert.deepEqual(
    first.map((r) => r.kind),
    ["done"],
    "a group the stores want is not waited for nor requeued as unwanted; late's event queues the next reconcile",
  );
  const [made] = (await groupsOf(env.ac)).filter((g) => g.of === "late/coffee-svc");
  const calls = env.gated.calls;
  await until("the creates ahead add late's first servers", () =>
    calls.some((c) => c.method === "addServers" && c.args[0] === made.id),
  );
  // The reconcile late's event queued.
  assert.deepEqual(
    (await env.settle()).map((r) => r.kind),
    ["done"],
  );
  assert.deepEqual(
    (await groupsOf(env.ac)).map((g) => g.of).sort(),
    [`${env.ac}-default-listener-80/-`, "late/coffee-svc", "web/tea-svc"].sort(),
  );
  assert.equal(
    calls.filter((c) => c.method === "addServers" && c.args[0] === made.id).length,
    1,
    "late's servers added once, by the creates ahead",
  );
  await oneCreateEachForeignUntouched(calls, env.foreign);
});

test("a reconcile that creates the ALB applies at once: members that come during its read go to the next reconcile", async () => {
  const env = await setUp("first", () => false, {
    beforeFirstReconcile: (gated, ingresses) =>
      gated.afterNext("listLoadBalancers", () => {
        ingresses.apply("ADDED", ingress("first", "during", "coffee-svc", "/coffee"));
        return Promise.resolve();
      }),
  });
  const calls = env.gated.calls;
  assert.deepEqual(
    calls.filter((c) => c.method === "listLoadBalancers").length,
    1,
    "one read: the group changed during it, but the plan creates the ALB, so no second round",
  );
  assert.equal(calls.filter((c) => c.method === "createLoadBalancer").length, 1);
  assert.deepEqual(
    (await env.settle()).map((r) => r.kind),
    ["done"],
  );
  assert.deepEqual(
    (await groupsOf(env.ac)).map((g) => g.of).sort(),
    [`${env.ac}-default-listener-80/-`, "during/coffee-svc", "web/tea-svc"].sort(),
    "the next reconcile takes the member that came during the read",
  );
  assert.equal(calls.filter((c) => c.method === "createLoadBalancer").length, 1, "one ALB");
  await oneCreateEachForeignUntouched(calls, env.foreign);
});
