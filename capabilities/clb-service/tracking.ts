// CLB ownership contract: how this controller marks what it made, how it recognises what is this
// Service's, and what it never touches (the role AWS LBC pkg/deploy/tracking/provider.go plays there;
// names and tags as upstream kubernetes/cloud-provider-alibaba-cloud pkg/controller/service/clbv1 uses).
//
// - An SLB we create is tagged `kubernetes.do.not.delete=<default name>` and `ack.aliyun.com=<cluster id>`
//   (set atomically by CreateLoadBalancer). An SLB carrying either tag is ours: it can never be reused via
//   the `id` annotation. A reused (user) SLB gets only `kubernetes.reused.by.user=true`.
// - Listener descriptions, vserver group names and backend descriptions are owner keys
//   `k8s/<port>/<service>/<namespace>/<cluster id>`. Only a listener, group or backend whose key names this
//   Service in this cluster is ever changed or deleted; anything else (user listeners, user groups bound by
//   `vgroup-port`, user backends in them) is left as it is, apart from removing our own backends.
// - Tags: `acs:*` keys and the ownership tags above are never untagged; an additional tag is untagged only
//   if we applied it (recorded in the applied-tag-keys annotation). Domain extensions likewise: deleted
//   only if recorded in the applied-domain-extensions annotation.
// - Pods: only the condition `service.readiness.alibabacloud.com/<service>`, only on pods declaring it.
// § numbers refer to docs/clb-service.md.
import { randomUUID } from "node:crypto";
import { readinessGateType } from "../../src/backends/readiness-gates";
import type { Tag } from "../../src/cloud";
import type { DesiredLoadBalancer } from "./model/types";

export const TAG_DO_NOT_DELETE = "kubernetes.do.not.delete";
export const TAG_CLUSTER = "ack.aliyun.com";
export const TAG_REUSED_BY_USER = "kubernetes.reused.by.user";

/** Annotation the reconciler maintains with the additional tag keys it applied (comma list). */
export const APPLIED_TAG_KEYS_ANNOTATION = "clb.alicloud-operator.io/applied-tag-keys";
/** Annotation the reconciler maintains with the extension domains it created or updated (comma list). */
export const APPLIED_DOMAIN_EXTENSIONS_ANNOTATION = "clb.alicloud-operator.io/applied-domain-extensions";

/**
 * Annotation holding this Service's create intent: a random id the reconciler writes on the Service
 * before the first CreateLoadBalancer, and removes with the finalizer when the Service leaves CLB
 * management. The create's ClientToken is built from the Service UID, this id and the request. Why an
 * annotation and not `metadata.generation`: core Services never set a generation, so a Service that goes
 * LoadBalancer -> ClusterIP -> LoadBalancer within the token's 24 h would replay the deleted SLB's create.
 * A value kept on the object survives operator restarts (a retried create after a crash still replays the
 * first answer, so no second SLB), and a new one is drawn for every new intent (after cleanup). Its
 * presence also says "an SLB of ours may exist for this Service" (remote.ts looks for it in reuse mode).
 */
export const CREATE_INTENT_ANNOTATION = "clb.alicloud-operator.io/create-intent";

/** A fresh create intent (see CREATE_INTENT_ANNOTATION). */
export function newCreateIntent(): string {
  return randomUUID();
}

/** `service.readiness.alibabacloud.com/<service-name>` (upstream helper/pod_utils.go). */
export const READINESS_GATE_PREFIX = "service.readiness.alibabacloud.com";

/** The readiness gate condition type of one Service's pods. */
export function serviceReadinessGate(serviceName: string): string {
  return readinessGateType(READINESS_GATE_PREFIX, serviceName);
}

/** §2.3: listeners are managed on created SLBs, and on reused ones only with force-override-listeners. */
export function listenersManaged(desired: {
  loadBalancer: Pick<DesiredLoadBalancer, "mode" | "forceOverrideListeners">;
}): boolean {
  return desired.loadBalancer.mode === "create" || desired.loadBalancer.forceOverrideListeners;
}

/** "a" + UID without dashes, cut to 32 characters (upstream GetDefaultLoadBalancerName). */
export function defaultLoadBalancerName(uid: string): string {
  return `a${uid.replace(/-/g, "")}`.slice(0, 32);
}

/** The tags that say "created by this controller" (the SLB may never be reused, and is untagged on preserve). */
export function isOwnershipTagKey(key: string): boolean {
  return key === TAG_DO_NOT_DELETE || key === TAG_CLUSTER;
}

export function hasOwnershipTag(tags: readonly Tag[]): boolean {
  return tags.some((t) => isOwnershipTagKey(t.key));
}

/**
 * Positive ownership of an SLB we created (README "Cluster identity"): it carries `ack.aliyun.com` with
 * this cluster's id. Checked before every write to, or delete of, a created SLB: finding it by tag or name
 * is not enough, since another cluster on the account may hold an SLB that matches.
 */
export function isOwnedByCluster(tags: readonly Tag[], clusterId: string): boolean {
  return tags.some((t) => t.key === TAG_CLUSTER && t.value === clusterId);
}

/** Why a found SLB is not this cluster's, for the error on the Service. */
export function notOwnedMessage(
  lb: { loadBalancerId: string; tags: readonly Tag[] },
  clusterId: string,
): string {
  const tag = lb.tags.find((t) => t.key === TAG_CLUSTER);
  const has = tag ? `${TAG_CLUSTER}=${tag.value}` : `no ${TAG_CLUSTER} tag`;
  return `alicloud: the loadbalancer ${lb.loadBalancerId} is not owned by this cluster (it has ${has}; this cluster is ${clusterId}): it is neither changed nor deleted. If it is this cluster's, tag it ${TAG_CLUSTER}=${clusterId}`;
}

/** Tag keys never removed by a tag diff: the cloud's own (`acs:`) and the ones this contract sets. */
export function isProtectedTagKey(key: string): boolean {
  return key.startsWith("acs:") || isOwnershipTagKey(key) || key === TAG_REUSED_BY_USER;
}

/** The comma list of an applied-* bookkeeping annotation. */
export function parseAppliedList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
}

export interface OwnerKey {
  /** Listener port, NodePort or target port (number or name). */
  port: string;
  service: string;
  namespace: string;
  clusterId: string;
}

/** Which Service an owner key names. */
export interface OwnerService {
  name: string;
  namespace: string;
}

/** `k8s/<port>/<svc>/<ns>/<clusterId>`, used for listener descriptions, group names and backend descriptions. */
export function ownerKey(port: number | string, svc: OwnerService, clusterId: string): string {
  return `k8s/${port}/${svc.name}/${svc.namespace}/${clusterId}`;
}

export function parseOwnerKey(s: string | undefined): OwnerKey | undefined {
  if (!s) return undefined;
  const parts = s.split("/");
  if (parts.length !== 5 || parts[0] !== "k8s" || parts.some((p) => p === "")) return undefined;
  return { port: parts[1], service: parts[2], namespace: parts[3], clusterId: parts[4] };
}

/** True when `s` parses as an ownership key of this Service in this cluster (upstream isPortManagedByMyService). */
export function isOwnedBy(s: string | undefined, svc: OwnerService, clusterId: string): boolean {
  const k = parseOwnerKey(s);
  return (
    k !== undefined && k.service === svc.name && k.namespace === svc.namespace && k.clusterId === clusterId
  );
}
