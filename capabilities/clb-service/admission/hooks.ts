// Pepr glue for Service admission: the decisions are the pure functions of rules.ts; this file only
// gathers their inputs and shapes the response. The Services that could conflict with an SLB reuse come
// from a watch-fed store indexed by SLB id (src/k8s/stores.ts): no LIST per request.
import { PeprMutateRequest, PeprValidateRequest, a } from "pepr";
import type { V1Service } from "@kubernetes/client-node";
import { guardedValidate, respond } from "../../../src/admission/respond";
import { OPERATOR_DEFAULTS } from "../../../src/config";
import { ClusterClient } from "../../../src/k8s/client";
import { KINDS } from "../../../src/k8s/kinds";
import { startInformer, Store } from "../../../src/k8s/stores";
import { cloudSettings } from "../../../src/operator/settings";
import { isClbManagedService, LOADBALANCER_ID_LABEL, requestedLoadBalancerId } from "../annotations";
import { mutateService, validateService } from "./rules";

/** Index of the Service store: every SLB id a Service names (the `id` annotation) or was given (label). */
export const SERVICES_BY_LOAD_BALANCER = "loadBalancerId";

export function loadBalancerIdsOf(svc: V1Service): string[] {
  const ids = new Set<string>();
  const label = svc.metadata?.labels?.[LOADBALANCER_ID_LABEL];
  if (label) ids.add(label);
  const requested = requestedLoadBalancerId(svc);
  if (requested) ids.add(requested);
  return [...ids];
}

export function newServiceStore(): Store<V1Service> {
  return new Store<V1Service>(KINDS.Service, { [SERVICES_BY_LOAD_BALANCER]: loadBalancerIdsOf });
}

let store: Store<V1Service> | undefined;

/** The admission process's Service store, started on the first admission request (not at import: Pepr's build imports this). */
function serviceStore(): Store<V1Service> {
  if (!store) {
    store = newServiceStore();
    const client = new ClusterClient();
    startInformer(store, client.kubeConfig, client, {
      log: (m) => console.warn(`clb-service admission: ${m}`),
    });
  }
  return store;
}

/** The other Services that name or hold SLB `id`, once the store is synced (bounded wait). */
export async function servicesOnLoadBalancer(
  services: Store<V1Service>,
  svc: V1Service,
  id: string,
  waitMs: number,
): Promise<V1Service[] | undefined> {
  if (!services.synced) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => (timer = setTimeout(r, waitMs)));
    await Promise.race([services.whenSynced(), timeout]);
    clearTimeout(timer);
    if (!services.synced) return undefined;
  }
  return services
    .byIndex(SERVICES_BY_LOAD_BALANCER, id)
    .filter(
      (s) => !(s.metadata?.namespace === svc.metadata?.namespace && s.metadata?.name === svc.metadata?.name),
    );
}

export function mutateServiceRequest(req: PeprMutateRequest<a.Service>): void {
  const svc = req.Raw;
  serviceStore();
  if (!isClbManagedService(svc)) return;
  const { annotationsToAdd } = mutateService(svc);
  for (const [key, value] of Object.entries(annotationsToAdd)) req.SetAnnotation(key, value);
}

function unchangedForUs(svc: V1Service, old: V1Service | undefined): boolean {
  if (!old) return false;
  return (
    JSON.stringify(svc.metadata?.annotations ?? {}) === JSON.stringify(old.metadata?.annotations ?? {}) &&
    JSON.stringify(svc.spec ?? {}) === JSON.stringify(old.spec ?? {})
  );
}

export const validateServiceRequest = guardedValidate(
  "Service",
  async (req: PeprValidateRequest<a.Service>) => {
    const svc = req.Raw;
    const oldSvc = req.OldResource as V1Service | undefined;
    const operation = String(req.Request.operation) === "UPDATE" ? "UPDATE" : "CREATE";
    const services = serviceStore();
    // Never block deletion, and never block our own metadata/status writes on an object that was
    // admitted before the webhook existed: only a change of annotations or spec is judged.
    if (svc.metadata?.deletionTimestamp) return req.Approve();
    if (operation === "UPDATE" && unchangedForUs(svc, oldSvc)) return req.Approve();
    if (!isClbManagedService(svc)) return req.Approve();
    let otherServices: V1Service[] = [];
    const id = requestedLoadBalancerId(svc);
    if (id) {
      const found = await servicesOnLoadBalancer(services, svc, id, OPERATOR_DEFAULTS.admissionStoreWaitMs);
      if (!found)
        return req.Deny(
          "the webhook has not finished reading the cluster's Services to check SLB reuse conflicts; try again in a few seconds",
        );
      otherServices = found;
    }
    const settings = cloudSettings();
    return respond(req, validateService({ svc, oldSvc, operation, otherServices, settings }));
  },
);
