// CLB LoadBalancer Services: admission (defaults + validation) and the watch bindings that feed the
// reconcile queue. Logic lives in admission.ts (glue), admission-rules.ts (pure) and controller.ts.
import { Capability, a } from "pepr";
import { mutateServiceRequest, validateServiceRequest } from "./admission";
import { clbController } from "./runtime";

export const ClbService = new Capability({
  name: "clb-service",
  description: "Services of type LoadBalancer become Alibaba Cloud CLB (SLB) instances",
});

const { When } = ClbService;

When(a.Service)
  .IsCreatedOrUpdated()
  .Mutate(mutateServiceRequest)
  .Validate(validateServiceRequest)
  .Watch((svc) => clbController().onService(svc));

When(a.Node)
  .IsCreatedOrUpdated()
  .Watch((node, phase) => clbController().onNode(node, phase));
When(a.Node)
  .IsDeleted()
  .Watch((node, phase) => clbController().onNode(node, phase));

When(a.EndpointSlice)
  .IsCreatedOrUpdated()
  .Watch((slice, phase) => clbController().onEndpointSlice(slice, phase));
When(a.EndpointSlice)
  .IsDeleted()
  .Watch((slice, phase) => clbController().onEndpointSlice(slice, phase));
