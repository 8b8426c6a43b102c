// Public entry of the cloud layer: the only import path from outside src/cloud/ (eslint.config.mjs
// forbids deep imports). Controllers, tests, benchmarks and the emulator import from here only.

import { AlibabaCloudProvider, type ProviderOptions } from "./alibaba/provider";
import type { CloudConfig } from "./config";
import type { CloudProvider } from "./types";

export * from "./types";
export * from "./errors";
export { clientTokenFor } from "./client-token";
export { Redactor } from "./redact";
export { inBackground } from "./rate-limiter";
export {
  loadCloudConfig,
  describeCloudConfig,
  parseEndpoint,
  type CloudConfig,
  type ApiFamily,
  type CredentialSource,
} from "./config";
export { API_VERSIONS } from "../config";
export { rpcParams, type CloudEvent, type RpcFamily } from "./alibaba/transport";
export { flattenParams, type WireParams } from "./alibaba/wire";
export type { ProviderOptions } from "./alibaba/provider";

export function createCloudProvider(config: CloudConfig, opts: ProviderOptions = {}): CloudProvider {
  return new AlibabaCloudProvider(config, opts);
}
