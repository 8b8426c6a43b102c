// planFor(): the build → read → plan pipeline for one Service (model/, ENI resolution, remote.ts,
// plan/), shared by the reconciler (controller.ts) and `npm run plan` (src/cli/plan.ts). It reads the
// cloud but never writes to it; applying the plan is the caller's. § numbers refer to docs/clb-service.md.
import type { V1EndpointSlice, V1Node, V1Pod, V1Service } from "@kubernetes/client-node";
import { lookupEnis, type IpResolution } from "../../src/backends/eni";
import type { EcsProvider, SlbProvider, VpcProvider } from "../../src/cloud";
import type { CloudSettings } from "../../src/operator/settings";
import { eniBackendIps, resolveEniBackends } from "./eni";
import { buildDesiredModel, type DesiredModel, type ModelError } from "./model";
import { plan, type Plan, type RemoteModel } from "./plan";
import { readRemoteModel } from "./remote";

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
  /** Cluster-wide settings and policy (src/operator/settings.ts); absent: the defaults. */
  settings?: CloudSettings;
  slb: SlbProvider;
  /** Needed as soon as a backend is an ENI (backend-type eni, or pods on virtual-kubelet nodes). */
  network?: NetworkReaders;
  /** Cleanup (§2.4) instead of ensure. */
  deleting: boolean;
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
  eni?: IpResolution;
}

/**
 * The same result with the create intent (tracking.ts CREATE_INTENT_ANNOTATION) set on the model and
 * the plan made again from the same remote model (pure: no cloud read), so the create carries its token.
 */
export function withCreateIntent(
  result: PlanForResult,
  createIntent: string,
  backendBatchSize?: number,
): PlanForResult {
  if (!result.desired || !result.remote) return result;
  const desired = { ...result.desired, service: { ...result.desired.service, createIntent } };
  return { ...result, desired, plan: plan(desired, result.remote, { backendBatchSize }) };
}

/** True when the plan creates the SLB. */
export function plansCreate(p: Plan): boolean {
  return p.actions.some((a) => a.kind === "CreateLoadBalancer");
}

/** build → read → plan. Pure apart from the cloud reads; apply the returned plan with perform.ts's apply(). */
export async function planFor(input: PlanForInput): Promise<PlanForResult> {
  const built = buildDesiredModel({
    svc: input.svc,
    nodes: input.nodes,
    endpointSlices: input.endpointSlices,
    pods: input.pods,
    clusterId: input.clusterId,
    settings: input.settings,
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
  const remote = await readRemoteModel(input.slb, model);
  return {
    desired: model,
    remote,
    plan: plan(model, remote, { backendBatchSize: input.backendBatchSize }),
    modelErrors: errors,
    eni,
  };
}
