// The provider interface: what controllers may ask of the cloud, one file per product. Typed requests and
// results only; no HTTP, no SDK types. Field names follow the Alibaba API fields in camelCase so the mapping
// is obvious. Every method throws `CloudError` (src/cloud/errors.ts) on failure.

import type { AlbProvider } from "./alb";
import type { CasProvider } from "./cas";
import type { EciProvider } from "./eci";
import type { EcsProvider } from "./ecs";
import type { SlbProvider } from "./slb";
import type { VpcProvider } from "./vpc";

export * from "./common";
export * from "./slb";
export * from "./alb";
export * from "./cas";
export * from "./eci";
export * from "./ecs";
export * from "./vpc";

export interface CloudProvider {
  readonly regionId: string;
  readonly slb: SlbProvider;
  readonly alb: AlbProvider;
  /** SSL certificates ALB listeners reference (discovery by domain). */
  readonly cas: CasProvider;
  readonly eci: EciProvider;
  readonly ecs: EcsProvider;
  readonly vpc: VpcProvider;
}
