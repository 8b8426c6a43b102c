// The AlbConfig as a Pepr/kubernetes-fluent-client kind, so bindings can say When(AlbConfigKind). Registered
// once at import; the fields are the generated types of ./generated/albconfig-v1.ts.
import { a, RegisterKind } from "pepr";
import { ALBCONFIG_GVK, type AlbConfigSpec, type AlbConfigStatus } from "./index";

export class AlbConfigKind extends a.GenericKind {
  declare spec?: AlbConfigSpec;
  declare status?: AlbConfigStatus;
}

RegisterKind(AlbConfigKind, ALBCONFIG_GVK);
