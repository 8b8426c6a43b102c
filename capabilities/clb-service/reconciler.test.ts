// ClbServiceReconciler against typed test doubles (API server, Events, cloud): which writes a reconcile
// makes and in what order, for the defects of issue 12 item 6. The real stack is test/integration/clb-*.
import test from "node:test";
import assert from "node:assert/strict";
import type { V1EndpointSlice, V1Node, V1Service } from "@kubernetes/client-node";
import type { EcsProvider, SlbProvider, VpcProvider } from "../../src/cloud";
import { CloudError } from "../../src/cloud";
import type { ReconcileContext } from "../../src/controller/controller";
import { TerminalError } from "../../src/controller/result";
import type { ClusterClient } from "../../src/k8s/client";
import type { EventRecorder } from "../../src/k8s/events";
import { KINDS } from "../../src/k8s/kinds";
import { K8sApiError } from "../../src/k8s/rest";
import { Store } from "../../src/k8s/stores";
import { recording, type RecordedCall, type Recording } from "../../test/helpers/recording";
import { ClbServiceReconciler, LB_ID_LABEL, SLICES_BY_SERVICE, SYNCED_CONDITION } from "./controller";
import { CLB_REASONS } from "./reasons";
import { CREATE_INTENT_ANNOTATION } from "./tracking";

const FINALIZER = "service.k8s.alibaba/resources";
const KEY = "default/web";

function service(extra: { annotations?: Record<string, string>; finalizers?: string[]; type?: string } = {}) {
  return {
    metadata: {
      name: "web",
      namespace: "default",
      uid: "5e4dbfc9-c2ae-4642-b033-5607860aef6a",
      resourceVersion: "1",
      annotations: extra.annotations ?? {},
      finalizers: extra.finalizers ?? [],
    },
    spec: { type: extra.type ?? "LoadBalancer", ports: [{ port: 80, protocol: "TCP", nodePort: 30080 }] },
  } as V1Service;
}

interface Harness {
  reconciler: ClbServiceReconciler;
  client: Recording<ClusterClient>;
  events: Recording<EventRecorder>;
  slb: Recording<SlbProvider>;
}

/** The reconciler over `svc` (re-read on each get; patches merge into it) and the given cloud double. */
function harness(
  svc: V1Service,
  slb: Partial<SlbProvider>,
  patchFails?: (body: { metadata?: Record<string, unknown> }) => Error | undefined,
): Harness {
  let current = structuredClone(svc);
  const merge = (body: { metadata?: Record<string, unknown> }) => {
    const m = body.metadata ?? {};
    const annotations = { ...current.metadata!.annotations };
    for (const [k, v] of Object.entries((m.annotations ?? {}) as Record<string, string | null>)) {
      if (v === null) delete annotations[k];
      else annotations[k] = v;
    }
    current = {
      ...current,
      metadata: {
        ...current.metadata,
        annotations,
        ...(m.finalizers ? { finalizers: m.finalizers as string[] } : {}),
      },
    };
    return structuredClone(current);
  };
  const client = recording<ClusterClient>({
    get: <T>() => Promise.resolve(structuredClone(current) as T),
    patch: <T>(_kind: unknown, _key: unknown, body: object) => {
      const e = patchFails?.(body);
      return e ? Promise.reject(e) : Promise.resolve(merge(body) as T);
    },
    patchStatus: <T>() => Promise.resolve(structuredClone(current) as T),
  });
  const events = recording<EventRecorder>({ record: () => Promise.resolve() });
  const cloud = recording<SlbProvider>(slb);
  const reconciler = new ClbServiceReconciler({
    client,
    events,
    slb: cloud,
    network: { ecs: recording<EcsProvider>({}), vpc: recording<VpcProvider>({}) },
    clusterId: "c1",
    finalizer: FINALIZER,
    nodes: new Store<V1Node>(KINDS.Node),
    endpointSlices: new Store<V1EndpointSlice>(KINDS.EndpointSlice, { [SLICES_BY_SERVICE]: () => [] }),
  });
  return { reconciler, client, events, slb: cloud };
}

function ctx(): ReconcileContext {
  return { signal: new AbortController().signal, observe: () => undefined, forget: () => undefined };
}

/** A fresh create that succeeds, then a listener create that fails. */
function createThenListenerFails(): Partial<SlbProvider> {
  return {
    findLoadBalancers: () => Promise.resolve([]),
    createLoadBalancer: () => Promise.resolve({ loadBalancerId: "lb-dead", address: "47.1.1.1" }),
    createVServerGroup: () => Promise.resolve({ vServerGroupId: "rsp-1" }),
    createListener: () =>
      Promise.reject(
        new CloudError({ kind: "NotFound", code: "InvalidLoadBalancerId.NotFound", message: "gone" }),
      ),
  };
}

type StatusBody = {
  status: {
    loadBalancer?: { ingress?: unknown };
    conditions?: Array<{ type: string; status: string; reason: string }>;
  };
};

function statusWrites(client: Recording<ClusterClient>): StatusBody[] {
  return client.calls.filter((c) => c.method === "patchStatus").map((c) => c.args[2] as StatusBody);
}

function metadataWrites(client: Recording<ClusterClient>): Array<{ labels?: Record<string, unknown> }> {
  return client.calls
    .filter((c) => c.method === "patch")
    .map((c) => (c.args[2] as { metadata: { labels?: Record<string, unknown> } }).metadata);
}

test("the create intent is written on the Service before the create, and the token follows it", async () => {
  const h = harness(service(), createThenListenerFails());
  await assert.rejects(h.reconciler.reconcile(KEY, ctx()));
  const intentWrite = h.client.calls.findIndex(
    (c) =>
      c.method === "patch" &&
      typeof (c.args[2] as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.[
        CREATE_INTENT_ANNOTATION
      ] === "string",
  );
  assert.ok(intentWrite >= 0, "the intent annotation is written");
  const create = h.slb.calls.find((c) => c.method === "createLoadBalancer");
  assert.ok(create, "the SLB is created");

  // Same Service, LoadBalancer -> ClusterIP -> LoadBalancer: cleanup dropped the intent, a new one is drawn,
  // so the create carries another token (the old one would replay the deleted SLB).
  const again = harness(service(), createThenListenerFails());
  await assert.rejects(again.reconciler.reconcile(KEY, ctx()));
  const create2 = again.slb.calls.find((c) => c.method === "createLoadBalancer");
  const token = (c: RecordedCall | undefined) =>
    (c?.args[0] as { clientToken?: string } | undefined)?.clientToken;
  assert.match(token(create) ?? "", /^[0-9a-f]{64}$/);
  assert.notEqual(token(create2), token(create));

  // A retry of the same intent (e.g. after a restart) keeps the token.
  const intent = (
    h.client.calls[intentWrite].args[2] as { metadata: { annotations: Record<string, string> } }
  ).metadata.annotations[CREATE_INTENT_ANNOTATION];
  const retry = harness(
    service({ annotations: { [CREATE_INTENT_ANNOTATION]: intent }, finalizers: [FINALIZER] }),
    createThenListenerFails(),
  );
  await assert.rejects(retry.reconciler.reconcile(KEY, ctx()));
  assert.equal(token(retry.slb.calls.find((c) => c.method === "createLoadBalancer")), token(create));
  assert.ok(
    !metadataWrites(retry.client).some((m) => JSON.stringify(m).includes(CREATE_INTENT_ANNOTATION)),
    "an existing intent is kept",
  );
});

test("a failed sync writes neither the loadbalancer-id label nor the address", async () => {
  const h = harness(service(), createThenListenerFails());
  await assert.rejects(h.reconciler.reconcile(KEY, ctx()), /SyncLoadBalancerFailed|Error syncing/);
  for (const m of metadataWrites(h.client))
    assert.equal(m.labels?.[LB_ID_LABEL], undefined, JSON.stringify(m));
  const statuses = statusWrites(h.client);
  assert.ok(statuses.length > 0, "the failure is shown as a condition");
  for (const s of statuses) assert.equal(s.status.loadBalancer, undefined, JSON.stringify(s));
  const cond = statuses.at(-1)!.status.conditions?.find((c) => c.type === SYNCED_CONDITION);
  assert.equal(cond?.status, "False");
});

test("cleanup removes the status addresses with a merge patch that clears them", async () => {
  const svc = service({ finalizers: [FINALIZER], type: "ClusterIP" });
  svc.status = { loadBalancer: { ingress: [{ ip: "47.1.1.1" }] } };
  const h = harness(svc, { findLoadBalancers: () => Promise.resolve([]) });
  await h.reconciler.reconcile(KEY, ctx());
  const cleared = statusWrites(h.client).find((s) => s.status.loadBalancer !== undefined);
  assert.deepEqual(cleared?.status.loadBalancer, { ingress: null });
  const last = h.client.calls.filter((c) => c.method === "patch").at(-1)!.args[2] as {
    metadata: { annotations: Record<string, unknown> };
  };
  assert.equal(
    last.metadata.annotations[CREATE_INTENT_ANNOTATION],
    null,
    "the intent goes with the finalizer",
  );
});

test("a cloud read failure and a finalizer write failure end as SyncLoadBalancerFailed and Synced=False", async () => {
  const cases: Array<{ name: string; h: Harness }> = [
    {
      name: "cloud read",
      h: harness(service({ finalizers: [FINALIZER] }), {
        findLoadBalancers: () =>
          Promise.reject(
            new CloudError({ kind: "Forbidden", code: "Forbidden.RAM", message: "User not authorized" }),
          ),
      }),
    },
    {
      name: "finalizer write",
      h: harness(
        service(),
        { findLoadBalancers: () => Promise.resolve([]) },
        () => new Error("admission webhook denied the request"),
      ),
    },
  ];
  for (const { name, h } of cases) {
    const error = await h.reconciler.reconcile(KEY, ctx()).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof Error, `${name}: the reconcile fails`);
    assert.equal(
      h.slb.calls.filter((c) => c.method.startsWith("create")).length,
      0,
      `${name}: no cloud write`,
    );
    // The kit hands every failure the reconcile did not show to showFailure (src/controller/controller.ts).
    await h.reconciler.showFailure(KEY, {
      reason: "ReconcileFailed",
      message: error.message,
      terminal: false,
    });
    const event = h.events.calls.at(-1)!;
    assert.equal(event.args[2], "Warning", name);
    assert.equal(event.args[3], CLB_REASONS.syncFailed, name);
    assert.match(String(event.args[4]), /^Error syncing load balancer \[\]: /, name);
    const cond = statusWrites(h.client)
      .at(-1)
      ?.status.conditions?.find((c) => c.type === SYNCED_CONDITION);
    assert.equal(cond?.status, "False", name);
    assert.equal(cond?.reason, CLB_REASONS.syncFailed, name);
  }
});

test("the legacy alicloud-loadbalancer-hostname key is reported in status like the current one", async () => {
  for (const key of [
    "service.beta.kubernetes.io/alicloud-loadbalancer-hostname",
    "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-hostname",
  ]) {
    const h = harness(service({ annotations: { [key]: "web.example.com" } }), {
      findLoadBalancers: () => Promise.resolve([]),
      createLoadBalancer: () => Promise.resolve({ loadBalancerId: "lb-1", address: "47.1.1.1" }),
      createVServerGroup: () => Promise.resolve({ vServerGroupId: "rsp-1" }),
      createListener: () => Promise.resolve(),
      startListener: () => Promise.resolve(),
    });
    await h.reconciler.reconcile(KEY, ctx());
    const written = statusWrites(h.client).find((s) => s.status.loadBalancer !== undefined);
    assert.deepEqual(written?.status.loadBalancer, { ingress: [{ hostname: "web.example.com" }] }, key);
  }
});

test("the first report is conditional: a Service changed during the sync (id added) gets no label or address", async () => {
  const succeeding: Partial<SlbProvider> = {
    findLoadBalancers: () => Promise.resolve([]),
    createLoadBalancer: () => Promise.resolve({ loadBalancerId: "lb-1", address: "47.1.1.1" }),
    createVServerGroup: () => Promise.resolve({ vServerGroupId: "rsp-1" }),
    createListener: () => Promise.resolve(),
    startListener: () => Promise.resolve(),
  };
  // The API server refuses a write made from a stale resourceVersion, as after a concurrent `id` edit.
  const h = harness(service(), succeeding, (body) =>
    body.metadata?.resourceVersion !== undefined && !("finalizers" in body.metadata)
      ? new K8sApiError(409, "the object has been modified")
      : undefined,
  );
  const result = await h.reconciler.reconcile(KEY, ctx());
  assert.equal(result.kind, "requeueAfter");
  const labelWrite = h.client.calls.find(
    (c) => c.method === "patch" && JSON.stringify(c.args[2]).includes(LB_ID_LABEL),
  );
  assert.ok(labelWrite, "the label write was tried");
  assert.ok(
    (labelWrite.args[2] as { metadata: { resourceVersion?: string } }).metadata.resourceVersion,
    "with a precondition",
  );
  for (const s of statusWrites(h.client)) assert.equal(s.status.loadBalancer, undefined, JSON.stringify(s));
});

/** A created SLB of this Service's default name, carrying another cluster's id. */
function foreignSlb(): Partial<SlbProvider> {
  const name = "a5e4dbfc9c2ae4642b0335607860aef6";
  return {
    findLoadBalancers: () =>
      Promise.resolve([
        {
          loadBalancerId: "lb-theirs",
          loadBalancerName: name,
          address: "47.1.1.2",
          addressType: "internet" as const,
          addressIPVersion: "ipv4" as const,
          networkType: "vpc" as const,
          status: "active" as const,
          deleteProtection: "on" as const,
          modificationProtectionStatus: "ConsoleProtection" as const,
          instanceChargeType: "PayByCLCU" as const,
          internetChargeType: "paybytraffic" as const,
          tags: [
            { key: "kubernetes.do.not.delete", value: name },
            { key: "ack.aliyun.com", value: "c2" },
          ],
        },
      ]),
    listListeners: () => Promise.resolve([]),
    listVServerGroups: () => Promise.resolve([]),
  };
}

test("an SLB of another cluster: no cloud write on ensure or cleanup, a terminal failure shown on the Service", async () => {
  for (const svc of [service(), service({ finalizers: [FINALIZER], type: "ClusterIP" })]) {
    const h = harness(svc, foreignSlb());
    await assert.rejects(h.reconciler.reconcile(KEY, ctx()), (e: Error) => {
      assert.match(
        e.message,
        /lb-theirs is not owned by this cluster \(it has ack\.aliyun\.com=c2; this cluster is c1\)/,
      );
      assert.ok(e instanceof TerminalError, "retrying cannot help: terminal");
      return true;
    });
    const writes = h.slb.calls.filter((c) => !/^(find|list|get)/.test(c.method));
    assert.deepEqual(writes, [], "no cloud write");
    const shown = statusWrites(h.client).flatMap((b) => b.status.conditions ?? []);
    assert.ok(shown.some((c) => c.type === SYNCED_CONDITION && c.status === "False"));
    assert.ok(
      !h.client.calls.some(
        (c) => c.method === "patch" && JSON.stringify(c.args[2]).includes('"finalizers":[]'),
      ),
    );
  }
});
