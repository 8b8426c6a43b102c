// Remote model: what the cloud has for one Service (§2.1 lookup, then listeners and vserver groups),
// and planFor(), the build → read → plan pipeline shared by the reconciler and `npm run plan`.
import type { V1EndpointSlice, V1Node, V1Pod, V1Service } from "@kubernetes/client-node";
import { isCloudError } from "../../src/cloud";
import type { EcsProvider, SlbListener, SlbLoadBalancer, SlbProvider, VpcProvider } from "../../src/cloud";
import { eniBackendIps, lookupEnis, resolveEniBackends } from "./eni";
import { buildDesiredModel, TAG_DO_NOT_DELETE, type DesiredModel, type ModelError } from "./model";
import { plan, type Plan, type PlanOptions, type RemoteDomainExtensions, type RemoteModel } from "./plan";

export type { RemoteModel } from "./plan";

export interface ReadOptions {
  /** "backends": skip listeners (the hash-gated resync only reconciles vserver-group backends). */
  scope?: "full" | "backends";
}

/**
 * Finds the SLB by the `id` annotation, else by tag `kubernetes.do.not.delete=<defaultName>`, else by
 * name; then reads listeners (only when we may manage them) and vserver groups concurrently.
 * Cloud failures other than "not found" propagate as CloudError.
 */
export async function readRemoteModel(
  slb: SlbProvider,
  desired: DesiredModel,
  opts: ReadOptions = {},
): Promise<RemoteModel> {
  const found = await findLoadBalancer(slb, desired);
  if ("lookupError" in found) return { vServerGroups: [], lookupError: found.lookupError };
  if (!found.loadBalancer) return { vServerGroups: [] };
  const id = found.loadBalancer.loadBalancerId;
  const d = desired.loadBalancer;
  const readListeners =
    (opts.scope ?? "full") === "full" && (d.mode === "create" || d.forceOverrideListeners);
  const [listeners, vServerGroups] = await Promise.all([
    readListeners ? readListenersWithExtensions(slb, id, desired) : Promise.resolve(undefined),
    slb.listVServerGroups(id),
  ]);
  return {
    loadBalancer: found.loadBalancer,
    foundBy: found.foundBy,
    listeners: listeners?.listeners,
    ...(listeners?.domainExtensions.length ? { domainExtensions: listeners.domainExtensions } : {}),
    vServerGroups,
  };
}

/**
 * Listeners, then the domain extensions of each remote HTTPS listener on a port where this Service
 * wants an HTTPS listener (plan leaves it ours), when extensions are wanted or were applied before.
 * Services that never used `domain-extensions` pay no extra call.
 */
async function readListenersWithExtensions(
  slb: SlbProvider,
  loadBalancerId: string,
  desired: DesiredModel,
): Promise<{ listeners: SlbListener[]; domainExtensions: RemoteDomainExtensions[] }> {
  const listeners = await slb.listListeners(loadBalancerId);
  const applied = (desired.appliedDomainExtensions ?? []).length > 0;
  const ports = desired.listeners
    .filter((l) => l.protocol === "https" && (applied || (l.domainExtensions ?? []).length > 0))
    .map((l) => l.port)
    .filter((port) => listeners.some((r) => r.listenerPort === port && r.listenerProtocol === "https"));
  const domainExtensions = await Promise.all(
    ports.map(async (listenerPort) => ({
      listenerPort,
      extensions: await slb.listDomainExtensions(loadBalancerId, listenerPort),
    })),
  );
  return { listeners, domainExtensions };
}

type Found = { loadBalancer?: SlbLoadBalancer; foundBy?: RemoteModel["foundBy"] } | { lookupError: string };

async function findLoadBalancer(slb: SlbProvider, desired: DesiredModel): Promise<Found> {
  const d = desired.loadBalancer;
  if (d.mode === "reuse" && d.reuseId) {
    try {
      const lb = await slb.getLoadBalancer(d.reuseId);
      if (lb.loadBalancerId !== d.reuseId) {
        return { lookupError: `find loadbalancer ${d.reuseId} returned ${lb.loadBalancerId}` };
      }
      return { loadBalancer: lb, foundBy: "id" };
    } catch (e) {
      if (isCloudError(e, "NotFound")) return {}; // plan reports it (ensure) or treats it as done (cleanup)
      throw e;
    }
  }
  const byTag = await slb.findLoadBalancers({ tags: [{ key: TAG_DO_NOT_DELETE, value: d.defaultName }] });
  if (byTag.length > 1)
    return { lookupError: `find multiple loadbalances by tag ${TAG_DO_NOT_DELETE}=${d.defaultName}` };
  if (byTag.length === 1) return { loadBalancer: byTag[0], foundBy: "tag" };
  // A created SLB whose tag was removed is still ours by its default name (§2.1 step 3). A Service
  // that never had an SLB cannot have one whose tag a person removed: its SLB, if a crashed create
  // made one, carries the tag (tags are set atomically by CreateLoadBalancer), so skip the call.
  if (!desired.provisionedBefore && !desired.deleting) return {};
  const byName = await slb.findLoadBalancers({ loadBalancerName: d.defaultName });
  if (byName.length > 1) return { lookupError: `find multiple loadbalances by name ${d.defaultName}` };
  if (byName.length === 1) return { loadBalancer: byName[0], foundBy: "name" };
  return {};
}

/** What ENI backends need (§3.1): the ENI and VPC readers and the cluster's VPC. */
export interface NetworkReaders {
  ecs: EcsProvider;
  vpc: VpcProvider;
  /** The cluster's VPC (ALIBABA_CLOUD_VPC_ID); without it ENI backends cannot be resolved. */
  vpcId?: string;
}

export interface PlanForInput {
  svc: V1Service;
  nodes: V1Node[];
  endpointSlices: V1EndpointSlice[];
  /** Pods behind not-ready endpoints, by "<ns>/<name>" (readiness gates, §3.3). */
  pods?: ReadonlyMap<string, V1Pod>;
  clusterId: string;
  slb: SlbProvider;
  /** Needed as soon as a backend is an ENI (backend-type eni, or pods on virtual-kubelet nodes). */
  network?: NetworkReaders;
  /** Cleanup (§2.4) instead of ensure. */
  deleting: boolean;
  /** "backends" when the Service hash is unchanged (§4.4). */
  scope?: PlanOptions["scope"];
  /** `sg-batch-size` (§3.5); default and range in src/config.ts. */
  backendBatchSize?: number;
}

export interface PlanForResult {
  desired?: DesiredModel;
  remote?: RemoteModel;
  plan: Plan;
  /** Model-building errors (annotations, nodes). When present on ensure, the plan is empty. */
  modelErrors: ModelError[];
  /** ENI resolution (§3.1): pod IPs left out as outside the VPC, and pod IPs in it without an ENI. */
  eni?: { skippedIps: string[]; invalidIps: string[] };
}

/** build → read → plan. Pure apart from the cloud reads; apply the returned plan with apply.ts. */
export async function planFor(input: PlanForInput): Promise<PlanForResult> {
  const built = buildDesiredModel({
    svc: input.svc,
    nodes: input.nodes,
    endpointSlices: input.endpointSlices,
    pods: input.pods,
    clusterId: input.clusterId,
    deleting: input.deleting,
  });
  let model = built.model;
  const errors = [...built.errors];
  const empty = { actions: [], errors: [], warnings: [] };
  // Cleanup must not be blocked by a bad annotation: the model still carries identity and mode.
  if (!model || (errors.length > 0 && !input.deleting)) {
    return { desired: model, plan: empty, modelErrors: errors };
  }
  // ENI backends: ServerId is the ENI carrying the pod IP, a cloud read made here so plan() stays pure.
  let eni: PlanForResult["eni"];
  const eniIps = eniBackendIps(model);
  if (eniIps.length > 0) {
    const net = input.network;
    if (!net?.vpcId) {
      errors.push({
        field: "backend-type",
        message:
          "ENI backends need the cluster's VPC: set ALIBABA_CLOUD_VPC_ID in the operator's environment",
      });
      return { desired: model, plan: empty, modelErrors: errors };
    }
    const resolved = resolveEniBackends(model, await lookupEnis(net, net.vpcId, eniIps));
    model = resolved.model;
    eni = { skippedIps: resolved.skippedIps, invalidIps: resolved.invalidIps };
  }
  // Cleanup always needs the full picture (listeners included), whatever the hash says.
  const scope = input.deleting ? "full" : input.scope;
  const remote = await readRemoteModel(input.slb, model, { scope });
  return {
    desired: model,
    remote,
    plan: plan(model, remote, { scope, backendBatchSize: input.backendBatchSize }),
    modelErrors: errors,
    eni,
  };
}
