// planFor(): the build -> read -> plan pipeline for one AlbConfig (model/, remote.ts, plan/), shared by the
// reconciler (controller.ts) and `npm run plan` (src/cli/plan.ts). It reads the cloud (vSwitches,
// certificates, ENIs, then the remote model) but never writes to it; applying the plan is the caller's.
import type { V1EndpointSlice, V1Node, V1Service } from "@kubernetes/client-node";
import { lookupEnis } from "../../src/backends/eni";
import type { CloudProvider } from "../../src/cloud";
import type { Ingress } from "./annotations";
import type { AlbConfig } from "./crd";
import { buildDesiredModel, eniPodIps, type DesiredModel, type ModelError } from "./model";
import { plan, type Plan, type PlanOptions, type RemoteModel } from "./plan";
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
}

export interface PlanForResult {
  desired?: DesiredModel;
  remote?: RemoteModel;
  plan: Plan;
  /** When present on ensure, the plan is empty: nothing is applied. */
  modelErrors: ModelError[];
  /** ENI backends without an ENI yet. */
  invalidIps: string[];
}

const EMPTY: Plan = { actions: [], errors: [], warnings: [] };

/** Whether an HTTPS listener may need its certificates discovered (then the account's list is read). */
function needsCertificates(input: PlanForInput): boolean {
  const listeners = input.albConfig.spec?.listeners ?? [];
  if (listeners.some((l) => l.protocol !== "HTTP" && (l.certificates ?? []).length === 0)) return true;
  return input.ingresses.some(
    (i) =>
      (i.spec?.tls ?? []).length > 0 ||
      Object.values(i.metadata?.annotations ?? {}).some((v) => typeof v === "string" && v.includes("HTTPS")),
  );
}

/** build -> read -> plan. Pure apart from the cloud reads. */
export async function planFor(input: PlanForInput): Promise<PlanForResult> {
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
  const base = {
    albConfig: input.albConfig,
    ingresses: input.ingresses,
    services: input.services,
    nodes: input.nodes,
    endpointSlices: input.endpointSlices,
    clusterId: input.clusterId,
    vpcId: input.vpcId,
    vSwitches: vSwitches.map((v) => ({ vSwitchId: v.vSwitchId, zoneId: v.zoneId })),
    certificates,
    deleting: input.deleting,
  };
  // ENI backends: a first build tells which pod IPs ClusterIP Services have; their ENIs are read here.
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
  const built = buildDesiredModel({ ...base, ...(eni ? { eniByIp: eni.eniByIp } : {}) });
  const model = built.model;
  if (!model || (built.errors.length > 0 && !input.deleting))
    return { desired: model, plan: EMPTY, modelErrors: built.errors, invalidIps: built.invalidIps };
  const remote = await readRemoteModel(cloud.alb, model);
  return {
    desired: model,
    remote,
    plan: plan(model, remote, input.options),
    modelErrors: built.errors,
    invalidIps: built.invalidIps,
  };
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

/** True when the plan creates anything that carries a create token. */
export function plansCreate(p: Plan): boolean {
  return p.actions.some((a) => a.kind.startsWith("Create"));
}
