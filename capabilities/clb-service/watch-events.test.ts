// §2.6 watch-change Events: reasons and messages as upstream's event_handler.go, one per update, none for
// our own writes or on a non-leader, and the state kept per Service between watch events.
import test from "node:test";
import assert from "node:assert/strict";
import type { V1Service } from "@kubernetes/client-node";
import { isOwnAnnotation, isRelevantService } from "./controller";
import { CLB_REASONS } from "./reasons";
import { ServiceChangeAnnouncer, type WatchChangeEvent } from "./watch-events";

const FINALIZER = "service.k8s.alibaba/resources";

function svc(o: {
  type?: string;
  annotations?: Record<string, string>;
  port?: number;
  deleting?: boolean;
  finalizers?: string[];
  uid?: string;
}): V1Service {
  return {
    metadata: {
      name: "web",
      namespace: "default",
      uid: o.uid ?? "u1",
      annotations: o.annotations ?? {},
      finalizers: o.finalizers ?? [FINALIZER],
      ...(o.deleting ? { deletionTimestamp: new Date(0) } : {}),
    },
    spec: { type: o.type ?? "LoadBalancer", ports: [{ port: o.port ?? 80, protocol: "TCP" }] },
  };
}

function announcer(leading = true) {
  const announced: WatchChangeEvent[] = [];
  const a = new ServiceChangeAnnouncer({
    isRelevant: (s) => isRelevantService(s, FINALIZER),
    isOwnAnnotation,
    isLeader: () => leading,
    announce: (_svc, e) => announced.push(e),
  });
  return { a, announced };
}

test("each kind of change announces upstream's reason and message, in upstream's order", () => {
  const { a, announced } = announcer();
  a.observe("ADDED", svc({}));
  assert.deepEqual(announced, [], "the first sight announces nothing");
  a.observe(
    "MODIFIED",
    svc({ annotations: { "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec": "x" } }),
  );
  a.observe(
    "MODIFIED",
    svc({ annotations: { "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec": "x" }, port: 81 }),
  );
  a.observe(
    "MODIFIED",
    svc({
      annotations: { "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec": "x" },
      port: 81,
      deleting: true,
    }),
  );
  assert.deepEqual(announced, [
    {
      reason: CLB_REASONS.annotationChanged,
      message: "The service will be updated because the annotations has been changed.",
    },
    {
      reason: CLB_REASONS.specChanged,
      message: "The service will be updated because the spec has been changed.",
    },
    {
      reason: CLB_REASONS.deleteTimestampChanged,
      message: "The service will be updated because the delete timestamp has been changed.",
    },
  ]);
  assert.deepEqual(
    [
      CLB_REASONS.annotationChanged,
      CLB_REASONS.specChanged,
      CLB_REASONS.deleteTimestampChanged,
      CLB_REASONS.typeChanged,
    ],
    ["AnnotationChanged", "ServiceSpecChanged", "DeleteTimestampChanged", "TypeChanged"],
  );
});

test("type changes both ways, including from a Service we did not manage", () => {
  const { a, announced } = announcer();
  a.observe("ADDED", svc({ type: "ClusterIP", finalizers: [] }));
  a.observe("MODIFIED", svc({ type: "LoadBalancer", finalizers: [] }));
  a.observe("MODIFIED", svc({ type: "ClusterIP" })); // finalizer still on: cleanup pending
  a.observe("MODIFIED", svc({ type: "ClusterIP", finalizers: [] })); // cleanup done: not ours on both sides
  assert.deepEqual(announced, [
    { reason: "TypeChanged", message: "type change ClusterIP - LoadBalancer" },
    { reason: "TypeChanged", message: "type change LoadBalancer - ClusterIP" },
  ]);
});

test("no Event for our own writes, a recreated object, a deleted one, or on a replica that does not lead", () => {
  const { a, announced } = announcer();
  a.observe("ADDED", svc({}));
  a.observe("MODIFIED", svc({ annotations: { "clb.alicloud-operator.io/create-intent": "i-1" } }));
  a.observe(
    "MODIFIED",
    svc({
      annotations: {
        "clb.alicloud-operator.io/create-intent": "i-1",
        "clb.alicloud-operator.io/applied-tag-keys": "team",
        "alicloud-operator.pepr.dev/clb-service": "succeeded",
      },
    }),
  );
  a.observe("MODIFIED", svc({ uid: "u2", port: 81 }));
  a.observe("DELETED", svc({ uid: "u2", port: 81 }));
  a.observe("ADDED", svc({ uid: "u3", port: 82 }));
  assert.deepEqual(announced, []);

  const follower = announcer(false);
  follower.a.observe("ADDED", svc({}));
  follower.a.observe("MODIFIED", svc({ port: 81 }));
  assert.deepEqual(follower.announced, []);
});
