// Desired (local) model of one CLB Service: what the cloud should look like, built only from Kubernetes objects
// (Service, Nodes, EndpointSlices, Pods). No I/O. plan/ diffs it against remote.ts. This file assembles the model;
// load-balancer.ts, listeners.ts and vserver-groups.ts build its parts. § numbers refer to docs/clb-service.md.
import type { EndpointOptions } from "../../../src/backends/endpoints";
import { dropUndefined } from "../../../src/lib/objects";
import {
  DEFAULT_CLOUD_SETTINGS,
  reuseNamespaceProblem,
  type CloudSettings,
} from "../../../src/operator/settings";
import {
  annotationDef,
  LOADBALANCER_ID_LABEL,
  parseClbAnnotations,
  resolveListenerProtocols,
  stringAnnotations,
} from "../annotations";
import {
  APPLIED_DOMAIN_EXTENSIONS_ANNOTATION,
  CREATE_INTENT_ANNOTATION,
  parseAppliedList,
  serviceReadinessGate,
} from "../tracking";
import { desiredListener } from "./listeners";
import { desiredLoadBalancer } from "./load-balancer";
import type { BuildInput, BuildResult, ClbPolicy, DesiredModel, ModelError, ServiceRef } from "./types";
import { backendOptions, desiredVServerGroup, type GroupContext } from "./vserver-groups";

export type * from "./types";
export { listenerAttributes } from "./listeners";
export { buildPortBackends, UNRESOLVED_ENI, type PortBackendInput } from "./vserver-groups";
// The ownership contract, for callers that import it with the model.
export {
  APPLIED_DOMAIN_EXTENSIONS_ANNOTATION,
  APPLIED_TAG_KEYS_ANNOTATION,
  defaultLoadBalancerName,
  isOwnedBy,
  ownerKey,
  parseOwnerKey,
  TAG_CLUSTER,
  TAG_DO_NOT_DELETE,
  TAG_REUSED_BY_USER,
  type OwnerKey,
} from "../tracking";

/** Service + Nodes + EndpointSlices → desired model (§1-§3). Never throws; problems are in `errors`. */
export function buildDesiredModel(input: BuildInput): BuildResult {
  const { svc, clusterId } = input;
  const settings = input.settings ?? DEFAULT_CLOUD_SETTINGS;
  const meta = svc.metadata ?? {};
  if (!meta.uid || !meta.name)
    return { errors: [{ field: "metadata", message: "Service has no uid or name" }] };
  const service: ServiceRef = {
    namespace: meta.namespace ?? "default",
    name: meta.name,
    uid: meta.uid,
  };
  const createIntent = meta.annotations?.[CREATE_INTENT_ANNOTATION];
  if (createIntent) service.createIntent = createIntent;
  const parsed = parseClbAnnotations(stringAnnotations(svc));
  const errors: ModelError[] = parsed.errors.map((e) => ({ field: e.key, message: e.message }));
  const config = parsed.config;
  const policy = clbPolicy(settings);
  const model: DesiredModel = {
    service,
    clusterId,
    deleting: input.deleting ?? false,
    ...(policy ? { policy } : {}),
    statusIngress: (svc.status?.loadBalancer?.ingress ?? []).map((i) =>
      dropUndefined({ ip: i.ip, hostname: i.hostname }),
    ),
    provisionedBefore:
      (svc.status?.loadBalancer?.ingress ?? []).length > 0 || !!meta.labels?.[LOADBALANCER_ID_LABEL],
    loadBalancer: desiredLoadBalancer(svc, config, clusterId, settings),
    listeners: [],
    vServerGroups: [],
    appliedDomainExtensions: parseAppliedList(meta.annotations?.[APPLIED_DOMAIN_EXTENSIONS_ANNOTATION]),
  };
  if (model.deleting) return { model, errors };
  // Reuse policy, namespace allow-list (README "Reuse policy"): the controller's re-check of admission's rule.
  const reuseProblem =
    config.loadBalancerId !== undefined
      ? reuseNamespaceProblem(settings.reuse, service.namespace)
      : undefined;
  if (reuseProblem) errors.push({ field: annotationDef("loadBalancerId").key, message: reuseProblem });
  // §1 row 62: IPv6 backends only on an IPv6 SLB; otherwise IPv4 (upstream
  // pkg/controller/service/reconcile/backend/backend.go setAddressIpVersion).
  const family = config.ipVersion === "ipv6" && config.backendIpVersion === "ipv6" ? "IPv6" : "IPv4";
  const endpointOpts: EndpointOptions = {
    family,
    pods: input.pods,
    gateType: serviceReadinessGate(service.name),
  };
  const ctx: GroupContext = {
    service,
    clusterId,
    backendOpts: backendOptions(config, model.loadBalancer.mode === "reuse", settings.defaultBackendType),
    local: svc.spec?.externalTrafficPolicy === "Local",
    nodes: input.nodes,
    endpointSlices: input.endpointSlices,
    endpointOpts,
  };
  const podByIp: Record<string, string> = {};
  const gated = new Set<string>();
  let potentialReady = false;
  const ports = resolveListenerProtocols(svc, config);
  const listenerPorts = new Set(ports.map((p) => p.port));
  for (const p of ports) {
    const built = desiredVServerGroup(p, ctx);
    for (const e of built.endpoints) {
      if (e.pod) podByIp[e.ip] = e.pod;
      if (e.pod && e.gated) gated.add(e.pod);
    }
    potentialReady ||= built.potentialReady;
    errors.push(...built.errors);
    const group = built.group;
    if (!group) continue;
    const dup = model.vServerGroups.find(
      (g) => (g.userGroupId ?? g.name) === (group.userGroupId ?? group.name),
    );
    if (!dup) model.vServerGroups.push(group); // ENI ports sharing a targetPort share one group
    model.listeners.push(desiredListener(p, config, service, clusterId, group.name, listenerPorts));
  }
  model.addressFamily = family;
  if (potentialReady) model.potentialReadyEndpoints = true;
  if (Object.keys(podByIp).length > 0) model.podByIp = podByIp;
  if (gated.size > 0) model.gatedPods = [...gated].sort();
  return { model, errors };
}

/** The policy plan/ checks against the cloud; undefined when the settings leave it at the defaults. */
function clbPolicy(settings: CloudSettings): ClbPolicy | undefined {
  const policy: ClbPolicy = {};
  if (settings.forbidPublicLoadBalancer) policy.forbidPublicLoadBalancer = true;
  if (settings.reuse.requireNamespaceTag) policy.reuse = settings.reuse;
  return Object.keys(policy).length > 0 ? policy : undefined;
}
