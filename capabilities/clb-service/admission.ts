// Pepr glue for Service admission: the decisions are the pure functions of admission-rules.ts; this
// file only gathers their inputs (the other Services, for reuse rules) and shapes the response.
import { PeprMutateRequest, PeprValidateRequest, a } from "pepr";
import type { V1Service } from "@kubernetes/client-node";
import { ClusterClient, describeK8sError } from "../../src/k8s/client";
import { isClbManagedService, requestedLoadBalancerId } from "./annotations";
import { mutateService, validateService } from "./admission-rules";

let client: ClusterClient | undefined;

export function mutateServiceRequest(req: PeprMutateRequest<a.Service>): void {
  const svc = req.Raw;
  if (!isClbManagedService(svc)) return;
  const { annotationsToAdd } = mutateService(svc);
  for (const [key, value] of Object.entries(annotationsToAdd)) req.SetAnnotation(key, value);
}

/** Only a Service that names an SLB by id can conflict with others: list the cluster only then. */
async function otherServicesFor(svc: V1Service): Promise<V1Service[]> {
  if (!requestedLoadBalancerId(svc)) return [];
  client ??= new ClusterClient();
  const all = await client.listServices();
  return all.filter(
    (s) => !(s.metadata?.namespace === svc.metadata?.namespace && s.metadata?.name === svc.metadata?.name),
  );
}

function unchangedForUs(svc: V1Service, old: V1Service | undefined): boolean {
  if (!old) return false;
  return (
    JSON.stringify(svc.metadata?.annotations ?? {}) === JSON.stringify(old.metadata?.annotations ?? {}) &&
    JSON.stringify(svc.spec ?? {}) === JSON.stringify(old.spec ?? {})
  );
}

export async function validateServiceRequest(req: PeprValidateRequest<a.Service>) {
  const svc = req.Raw;
  const oldSvc = req.OldResource as V1Service | undefined;
  const operation = String(req.Request.operation) === "UPDATE" ? "UPDATE" : "CREATE";
  // Never block deletion, and never block our own metadata/status writes on an object that was
  // admitted before the webhook existed: only a change of annotations or spec is judged.
  if (svc.metadata?.deletionTimestamp) return req.Approve();
  if (operation === "UPDATE" && unchangedForUs(svc, oldSvc)) return req.Approve();
  if (!isClbManagedService(svc)) return req.Approve();
  let otherServices: V1Service[];
  try {
    otherServices = await otherServicesFor(svc);
  } catch (e) {
    return req.Deny(
      `could not read the cluster's Services to check SLB reuse conflicts, try again: ${describeK8sError(e)}`,
    );
  }
  const decision = validateService({ svc, oldSvc, operation, otherServices });
  if (decision.allowed) return req.Approve(decision.warnings.length ? decision.warnings : undefined);
  return req.Deny(decision.errors.join("; "));
}
