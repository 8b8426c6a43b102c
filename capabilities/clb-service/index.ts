// CLB LoadBalancer Services: the Pepr bindings only. Admission is admission/hooks.ts (glue) over
// admission/rules.ts (pure); watch events feed the controller's stores and queue (wiring.ts).
import { Capability, a } from "pepr";
import { watchAllPhases } from "../../src/k8s/watch-bindings";
import { mutateServiceRequest, validateServiceRequest } from "./admission/hooks";
import { clbWiring } from "./wiring";

export const ClbService = new Capability({
  name: "clb-service",
  description: "Services of type LoadBalancer become Alibaba Cloud CLB (SLB) instances",
});

ClbService.When(a.Service).IsCreatedOrUpdated().Mutate(mutateServiceRequest).Validate(validateServiceRequest);
watchAllPhases(ClbService, a.Service, (svc, phase) => clbWiring().onService(phase, svc));
watchAllPhases(ClbService, a.Node, (node, phase) => void clbWiring().nodes.apply(phase, node));
watchAllPhases(
  ClbService,
  a.EndpointSlice,
  (slice, phase) => void clbWiring().endpointSlices.apply(phase, slice),
);
