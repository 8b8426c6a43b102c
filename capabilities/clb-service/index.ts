// CLB LoadBalancer Services: the Pepr bindings only. Admission is admission/hooks.ts (glue) over
// admission/rules.ts (pure); watch events feed the controller's stores and queue (wiring.ts).
import { Capability, a } from "pepr";
import type { WatchPhase } from "../../src/k8s/stores";
import { mutateServiceRequest, validateServiceRequest } from "./admission/hooks";
import { clbWiring } from "./wiring";

export const ClbService = new Capability({
  name: "clb-service",
  description: "Services of type LoadBalancer become Alibaba Cloud CLB (SLB) instances",
});

const { When } = ClbService;

/** Pepr passes the phase as a string; the kit's stores take "ADDED" | "MODIFIED" | "DELETED". */
const phaseOf = (phase: unknown): WatchPhase =>
  phase === "DELETED" ? "DELETED" : phase === "ADDED" ? "ADDED" : "MODIFIED";

When(a.Service)
  .IsCreatedOrUpdated()
  .Mutate(mutateServiceRequest)
  .Validate(validateServiceRequest)
  .Watch((svc, phase) => clbWiring().onService(phaseOf(phase), svc));
When(a.Service)
  .IsDeleted()
  .Watch((svc, phase) => clbWiring().onService(phaseOf(phase), svc));

When(a.Node)
  .IsCreatedOrUpdated()
  .Watch((node, phase) => void clbWiring().nodes.apply(phaseOf(phase), node));
When(a.Node)
  .IsDeleted()
  .Watch((node, phase) => void clbWiring().nodes.apply(phaseOf(phase), node));

When(a.EndpointSlice)
  .IsCreatedOrUpdated()
  .Watch((slice, phase) => void clbWiring().endpointSlices.apply(phaseOf(phase), slice));
When(a.EndpointSlice)
  .IsDeleted()
  .Watch((slice, phase) => void clbWiring().endpointSlices.apply(phaseOf(phase), slice));
