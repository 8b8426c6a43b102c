// ALB Ingress: the Pepr bindings only. Admission is admission/hooks.ts (glue) over admission/rules.ts (pure):
// AlbConfig defaults and validation (also on DELETE, while Ingresses still use it) and Ingress validation.
// The controller's watch bindings are added here by the ALB controller.
import { Capability, a } from "pepr";
import { AlbConfigKind } from "./crd/kind";
import { mutateAlbConfigRequest, validateAlbConfigRequest, validateIngressRequest } from "./admission/hooks";

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
