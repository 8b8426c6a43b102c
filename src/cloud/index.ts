// Public entry of the cloud layer. Controllers import from here only.

import { AlibabaCloudProvider, type ProviderOptions } from "./alibaba/provider";
import type { CloudConfig } from "./config";
import type { CloudProvider } from "./types";

export * from "./types";
export * from "./errors";
export { clientTokenFor } from "./client-token";
export {
  loadCloudConfig,
  describeCloudConfig,
  parseEndpoint,
  type CloudConfig,
  type ApiFamily,
  type CredentialSource,
} from "./config";
export type { CloudEvent } from "./alibaba/transport";
export type { ProviderOptions } from "./alibaba/provider";

export function createCloudProvider(config: CloudConfig, opts: ProviderOptions = {}): CloudProvider {
  return new AlibabaCloudProvider(config, opts);
}
