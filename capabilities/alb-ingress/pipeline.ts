// planFor(): the build -> read -> plan pipeline for one AlbConfig (model/, remote.ts, plan/), shared by the
// reconciler (controller.ts) and `npm run plan` (src/cli/plan.ts). It reads the cloud (vSwitches,
// certificates, ENIs, then the remote model) but never writes to it; applying the plan is the caller's.
import type { V1EndpointSlice, V1Node, V1Service } from "@kubernetes/client-node";
import { lookupEnis } from "../../src/backends/eni";
import type { CasCertificate, CloudProvider } from "../../src/cloud";
import type { Ingress } from "./annotations";
import type { AlbConfig } from "./crd";
import { buildDesiredModel, eniPodIps, type DesiredModel, type ModelError } from "./model";
import { plan, type Action, type Plan, type PlanOptions, type RemoteModel } from "./plan";
import { readRemoteModel } from "./remote";

export interface PlanForInput {
  albConfig: AlbConfig;
  /** Member Ingresses that are not being deleted. */
  ingresses: Ingress[];
  services: V1Service[];
  nodes: V1Node[];
  endpointSlices: V1EndpointSlice[];
  clusterId: string;
  vpcId: string;
  cloud: Pick<CloudProvider, "alb" | "vpc" | "ecs" | "cas">;
  deleting: boolean;
  options?: PlanOptions;
  /**
   * Names of this AlbConfig's server groups whose create is still running in this process (asked after the
   * remote read): the plan creates them again, which shares the running create and waits for its job.
   */
  creatingServerGroups?: () => ReadonlySet<string>;
}

/** What the model is built from besides Kubernetes objects, read from the cloud. */
export interface CloudInputs {
  vSwitches: { vSwitchId: string; zoneId: string }[];
  certificates: CasCertificate[];
  /** Pod IP → ENI, for ClusterIP backends. */
  eniByIp?: ReadonlyMap<string, string>;
}

export interface PlanForResult {
  desired?: DesiredModel;
  remote?: RemoteModel;
  plan: Plan;
  /** When present on ensure, the plan is empty: nothing is applied. */
  modelErrors: ModelError[];
  /** ENI backends without an ENI yet. */
  invalidIps: string[];
  /** The cloud reads the model was built from (undefined when deleting). */
  inputs?: CloudInputs;
}

const EMPTY: Plan = { actions: [], errors: [], warnings: [] };

export type BuildFrom = Pick<
  PlanForInput,
  "albConfig" | "ingresses" | "services" | "nodes" | "endpointSlices" | "clusterId" | "vpcId" | "deleting"
>;

/** Whether an HTTPS listener may need its certificates discovered (then the account's list is read). */
function needsCertificates(input: BuildFrom): boolean {
  const listeners = input.albConfig.spec?.listeners ?? [];
  if (listeners.some((l) => l.protocol !== "HTTP" && (l.certificates ?? []).length === 0)) return true;
  return input.ingresses.some(
    (i) =>
      (i.spec?.tls ?? []).length > 0 ||
      Object.values(i.metadata?.annotations ?? {}).some((v) => typeof v === "string" && v.includes("HTTPS")),
  );
}

/** vSwitches, certificates and the ENIs of ClusterIP backends: the cloud reads the model needs. */
async function readCloudInputs(input: PlanForInput): Promise<CloudInputs> {
  const { cloud } = input;
  const reuse = !!input.albConfig.spec?.config?.id;
  const wantsZones = !input.deleting && !reuse;
  const [vSwitches, certificates] = await Promise.all([
    wantsZones
      ? (input.albConfig.spec.config.zoneMappings ?? []).length > 0
        ? cloud.vpc.listVSwitches({
            vSwitchIds: (input.albConfig.spec.config.zoneMappings ?? []).map((z) => z.vSwitchId),
          })
        : cloud.vpc.listVSwitches({ vpcId: input.vpcId })
      : Promise.resolve([]),
    !input.deleting && needsCertificates(input) ? cloud.cas.listCertificates() : Promise.resolve([]),
  ]);
  // ENI backends: which pod IPs ClusterIP Services have; their ENIs are read here.
  const ips = input.deleting
    ? []
    : input.services.flatMap((svc) =>
        (svc.spec?.ports ?? []).flatMap((p) =>
          eniPodIps(
            svc,
            p,
            input.endpointSlices.filter(
              (s) =>
                s.metadata?.namespace === svc.metadata?.namespace &&
                s.metadata?.labels?.["kubernetes.io/service-name"] === svc.metadata?.name,
            ),
          ),
        ),
      );
  const eni = ips.length > 0 ? await lookupEnis(cloud, input.vpcId, [...new Set(ips)].sort()) : undefined;
  return {
    vSwitches: vSwitches.map((v) => ({ vSwitchId: v.vSwitchId, zoneId: v.zoneId })),
    certificates,
    ...(eni ? { eniByIp: eni.eniByIp } : {}),
  };
}

function build(input: BuildFrom, inputs: CloudInputs) {
  return buildDesiredModel({
    albConfig: input.albConfig,
    ingresses: input.ingresses,
    services: input.services,
    nodes: input.nodes,
    endpointSlices: input.endpointSlices,
    clusterId: input.clusterId,
    vpcId: input.vpcId,
    vSwitches: inputs.vSwitches,
    certificates: inputs.certificates,
    deleting: input.deleting,
    ...(inputs.eniByIp ? { eniByIp: inputs.eniByIp } : {}),
  });
}

/** The remote model without the named server groups (their creates are still running). */
function withoutGroups(remote: RemoteModel, names: ReadonlySet<string>): RemoteModel {
  if (names.size === 0) return remote;
  return { ...remote, serverGroups: remote.serverGroups.filter((g) => !names.has(g.name)) };
}

/** build -> read -> plan. Pure apart from the cloud reads. */
export async function planFor(input: PlanForInput): Promise<PlanForResult> {
  const inputs = await readCloudInputs(input);
  const built = build(input, inputs);
  const model = built.model;
  if (!model || (built.errors.length > 0 && !input.deleting))
    return { desired: model, plan: EMPTY, modelErrors: built.errors, invalidIps: built.invalidIps, inputs };
  const read = await readRemoteModel(input.cloud.alb, model);
  const remote = withoutGroups(read, input.creatingServerGroups?.() ?? new Set());
  return {
    desired: model,
    remote,
    plan: plan(model, remote, input.options),
    modelErrors: built.errors,
    invalidIps: built.invalidIps,
    inputs,
  };
}

/**
 * The actions a reconcile would plan for these members' new server groups (their creates and the adds of
 * their servers), without reading the cloud: the model from the Kubernetes objects and the cloud inputs of an
 * earlier read, planned against that read's remote model. Members whose model fails (a Service not there
 * yet) are left out; their groups come later.
 */
export function newServerGroupActions(input: BuildFrom, inputs: CloudInputs, remote: RemoteModel): Action[] {
  if (input.deleting) return [];
  const { model } = build(input, inputs);
  if (!model) return [];
  const actions = plan(model, remote).actions;
  const creates = new Set(actions.filter((a) => a.kind === "CreateServerGroup").map((a) => a.key));
  return actions.filter(
    (a) =>
      creates.has(a.key) ||
      (a.params.kind === "AddServers" &&
        typeof a.params.serverGroupId !== "string" &&
        creates.has(a.params.serverGroupId.ref)),
  );
}

/** The same result with the create intent set on the model, planned again from the same remote model. */
export function withCreateIntent(
  result: PlanForResult,
  createIntent: string,
  options?: PlanOptions,
): PlanForResult {
  if (!result.desired || !result.remote) return result;
  const desired = { ...result.desired, albConfig: { ...result.desired.albConfig, createIntent } };
  return { ...result, desired, plan: plan(desired, result.remote, options) };
}

/** True when the plan creates the ALB. */
export function plansLoadBalancer(p: Plan): boolean {
  return p.actions.some((a) => a.kind === "CreateLoadBalancer");
}

/** True when the plan creates anything that carries a create token. */
export function plansCreate(p: Plan): boolean {
  return p.actions.some((a) => a.kind.startsWith("Create"));
}
