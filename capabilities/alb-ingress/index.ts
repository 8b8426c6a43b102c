// ALB Ingress: the Pepr bindings only. Admission is admission/hooks.ts (glue) over admission/rules.ts (pure):
// AlbConfig defaults and validation (also on DELETE, while Ingresses still use it) and Ingress validation.
// Watch events feed the controller's stores and queue (wiring.ts); keys are AlbConfig names.
import { Capability, a } from "pepr";
import { watchAllPhases } from "../../src/k8s/watch-bindings";
import { AlbConfigKind } from "./crd/kind";
import { mutateAlbConfigRequest, validateAlbConfigRequest, validateIngressRequest } from "./admission/hooks";
import { albWiring } from "./wiring";

export const AlbIngress = new Capability({
  name: "alb-ingress",
  description:
    "AlbConfigs and Ingresses of class alb become Alibaba Cloud ALB instances, listeners and rules",
});

AlbIngress.When(AlbConfigKind)
  .IsCreatedOrUpdated()
  .Mutate(mutateAlbConfigRequest)
  .Validate(validateAlbConfigRequest);
AlbIngress.When(AlbConfigKind).IsDeleted().Validate(validateAlbConfigRequest);
AlbIngress.When(a.Ingress).IsCreatedOrUpdated().Validate(validateIngressRequest);

watchAllPhases(AlbIngress, AlbConfigKind, (ac, phase) => albWiring().onAlbConfig(phase, ac));
watchAllPhases(AlbIngress, a.Ingress, (ing, phase) => void albWiring().ingresses.apply(phase, ing));
watchAllPhases(AlbIngress, a.IngressClass, (ic, phase) => void albWiring().ingressClasses.apply(phase, ic));
watchAllPhases(AlbIngress, a.Service, (svc, phase) => void albWiring().services.apply(phase, svc));
watchAllPhases(AlbIngress, a.EndpointSlice, (s, phase) => void albWiring().endpointSlices.apply(phase, s));
watchAllPhases(AlbIngress, a.Node, (node, phase) => void albWiring().nodes.apply(phase, node));
