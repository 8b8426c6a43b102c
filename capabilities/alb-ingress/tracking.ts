// ALB ownership contract: how this controller marks what it made, recognises what belongs to one
// AlbConfig, and what it never touches (the role AWS LBC pkg/deploy/tracking/provider.go plays there; tag
// keys as alibaba/alibaba-load-balancer-controller pkg/util/constant.go). Rules in docs/alb-ingress.md §C2.
//
// - An ALB we create carries `ingress.k8s.alibaba/albconfig=<AlbConfig name>` and `ack.aliyun.com=<cluster
//   id>`, set atomically by CreateLoadBalancer. Such an ALB is ours: deleted with its AlbConfig, never
//   reusable by another AlbConfig. An ALB named by `spec.config.id` without those tags is adopted: never
//   deleted, its attributes changed only with `forceOverride`.
// - Listeners we create carry the same two tags. On our ALB every listener is ours. On an adopted ALB a
//   listener without our tags is the user's: left as it is, unless `listenerForceOverride` lets us take it
//   over (attributes, default action and rules then follow the AlbConfig; it is never deleted).
// - Rules on a listener we manage (ours or taken over) are all ours: rules are listener contents.
// - Server groups carry `ingress.k8s.alibaba/{service_ns,ingress_name,service_name,service_port}`, the
//   albconfig tag and the cluster tag. Only groups with this AlbConfig's and this cluster's tags are ever
//   changed or deleted.
import { createHash, randomUUID } from "node:crypto";
import type { Tag } from "../../src/cloud";
import type { ServerGroupOwner } from "./model/types";

export const TAG_ALBCONFIG = "ingress.k8s.alibaba/albconfig";
export const TAG_CLUSTER = "ack.aliyun.com";
export const TAG_SERVICE_NS = "ingress.k8s.alibaba/service_ns";
export const TAG_INGRESS_NAME = "ingress.k8s.alibaba/ingress_name";
export const TAG_SERVICE_NAME = "ingress.k8s.alibaba/service_name";
export const TAG_SERVICE_PORT = "ingress.k8s.alibaba/service_port";

/**
 * Annotation on the AlbConfig holding its create intent: a random id written before the first create and
 * removed with the finalizer. Every create token (ALB, listeners, server groups, rules) is built from the
 * AlbConfig UID, this id and what is created, so a retried create after a crash replays the first answer
 * instead of making a duplicate, and a new intent (after a delete) never replays an old one.
 */
export const CREATE_INTENT_ANNOTATION = "alb.alicloud-operator.io/create-intent";

export function newCreateIntent(): string {
  return randomUUID();
}

/** Tags set on an ALB and a listener we create. */
export function ownershipTags(albConfig: string, clusterId: string): Tag[] {
  return [
    { key: TAG_ALBCONFIG, value: albConfig },
    { key: TAG_CLUSTER, value: clusterId },
  ];
}

function tagValue(tags: readonly Tag[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.key === key)?.value;
}

/** Made by this AlbConfig in this cluster (an ALB or a listener). */
export function isOwnedBy(tags: readonly Tag[] | undefined, albConfig: string, clusterId: string): boolean {
  return tagValue(tags, TAG_ALBCONFIG) === albConfig && tagValue(tags, TAG_CLUSTER) === clusterId;
}

/** Made by some AlbConfig (of any cluster): such an ALB can never be adopted by `id`. */
export function isControllerMade(tags: readonly Tag[] | undefined): boolean {
  return tagValue(tags, TAG_ALBCONFIG) !== undefined;
}

/** Tag keys the tag diff never writes as user tags (the cloud's own and this contract's). */
export function isProtectedTagKey(key: string): boolean {
  return key.startsWith("acs:") || key.startsWith("ingress.k8s.alibaba/") || key === TAG_CLUSTER;
}

export function serverGroupTags(owner: ServerGroupOwner, albConfig: string, clusterId: string): Tag[] {
  return [
    { key: TAG_SERVICE_NS, value: owner.serviceNamespace },
    { key: TAG_INGRESS_NAME, value: owner.ingressName },
    { key: TAG_SERVICE_NAME, value: owner.serviceName },
    { key: TAG_SERVICE_PORT, value: owner.servicePort },
    ...ownershipTags(albConfig, clusterId),
  ];
}

function hex10(s: string): string {
  return createHash("sha256").update(s, "utf8").digest("hex").slice(0, 10);
}

/** Lower-case letters, digits and '-' only (ALB names allow more; this keeps them readable and safe). */
function sanitize(s: string, max: number): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, max);
}

/**
 * `k8s-<name>-<10 hex of sha256(clusterId + "/" + name)>`: the ALB name when `spec.config.name` is unset
 * (upstream model_build_load_balancer.go, for a cluster-scoped AlbConfig the namespace part is empty).
 */
export function defaultLoadBalancerName(clusterId: string, albConfig: string): string {
  return `k8s-${sanitize(albConfig, 40)}-${hex10(`${clusterId}/${albConfig}`)}`;
}

/**
 * A server group's cloud name: readable parts plus a hash of everything that identifies it, including its
 * immutable attributes, so a change to one of those gives a new group (created, rules re-pointed, old one
 * deleted) instead of an impossible update.
 */
export function serverGroupName(
  clusterId: string,
  albConfig: string,
  key: string,
  immutable: { protocol: string },
): string {
  const readable = sanitize(key.replace(/\//g, "-"), 80);
  return `k8s-${readable}-${hex10(`${clusterId}\u0000${albConfig}\u0000${key}\u0000${immutable.protocol}`)}`;
}

export function isOwnedServerGroup(tags: readonly Tag[], albConfig: string, clusterId: string): boolean {
  return isOwnedBy(tags, albConfig, clusterId);
}

/** `rule-<port>-<priority>` (upstream model_build_listener_rules.go). */
export function ruleName(port: number, priority: number): string {
  return `rule-${port}-${priority}`;
}
