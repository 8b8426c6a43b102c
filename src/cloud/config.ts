// Cloud-layer configuration, read from the environment once at start-up. The operator and `make dev`
// set exactly the ALIBABA_CLOUD_* variables below; everything else comes from CLOUD_DEFAULTS.

import { type API_VERSIONS, CLOUD_DEFAULTS, OPERATOR_DEFAULTS } from "../config";

/** A product the adapter calls: a key of API_VERSIONS (slb, alb, eci, ecs, vpc). */
export type ApiFamily = keyof typeof API_VERSIONS;

export type CredentialSource =
  /** ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET (and optional _SECURITY_TOKEN) from the given env. */
  | { source: "static"; accessKeyId: string; accessKeySecret: string; securityToken?: string }
  /** A mounted Secret with files access-key-id, access-key-secret (optional security-token); re-read so rotation works. */
  | { source: "dir"; dir: string }
  /** @alicloud/credentials default chain: env, OIDC (RRSA), CLI profile, ECS RAM role, credentials URI. */
  | { source: "default-chain" };

export interface CloudConfig {
  regionId: string;
  /** Override for every product (emulator, private gateway). Absent = real per-region endpoints. */
  endpoint?: { host: string; protocol: "http" | "https" };
  credentials: CredentialSource;
  /** Both are required: httpx uses connectTimeout as the socket idle timeout too (docs/cloud-layer.md). */
  connectTimeoutMs: number;
  readTimeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  retryCapMs: number;
  rateLimitPerSecond: Record<ApiFamily, number>;
  /** Token-bucket burst per family; defaults to one second's worth of requests. */
  rateLimitBurst?: Partial<Record<ApiFamily, number>>;
  /** Page size for list calls (API maximum 100). Smaller values only make tests exercise paging. */
  pageSize?: number;
}

/** Parses `http://127.0.0.1:4566` (or a bare `host:port`, meaning https) into the SDK's endpoint + protocol. */
export function parseEndpoint(raw: string): { host: string; protocol: "http" | "https" } {
  const trimmed = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`ALIBABA_CLOUD_ENDPOINT is not a valid URL or host:port: ${JSON.stringify(raw)}`);
  }
  const protocol = url.protocol.replace(/:$/, "");
  if (protocol !== "http" && protocol !== "https") {
    throw new Error(`ALIBABA_CLOUD_ENDPOINT must use http or https, got ${JSON.stringify(url.protocol)}`);
  }
  if (url.pathname !== "/" || url.search || url.username || url.password) {
    throw new Error("ALIBABA_CLOUD_ENDPOINT must be scheme://host[:port] with no path, query or user info");
  }
  return { host: url.host, protocol };
}

type Env = Record<string, string | undefined>;

function nonEmpty(env: Env, key: string): string | undefined {
  const v = env[key]?.trim();
  return v ? v : undefined;
}

export function loadCloudConfig(env: Env = process.env): CloudConfig {
  const endpointRaw = nonEmpty(env, "ALIBABA_CLOUD_ENDPOINT") ?? CLOUD_DEFAULTS.endpoint;
  const accessKeyId = nonEmpty(env, "ALIBABA_CLOUD_ACCESS_KEY_ID");
  const accessKeySecret = nonEmpty(env, "ALIBABA_CLOUD_ACCESS_KEY_SECRET");
  const credentialsDir = nonEmpty(env, "ALIBABA_CLOUD_CREDENTIALS_DIR");
  if ((accessKeyId === undefined) !== (accessKeySecret === undefined)) {
    throw new Error("ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET must be set together");
  }
  // Explicit keys beat a mounted directory, which beats the ambient chain (RAM role, RRSA…).
  const credentials: CredentialSource =
    accessKeyId && accessKeySecret
      ? {
          source: "static",
          accessKeyId,
          accessKeySecret,
          securityToken: nonEmpty(env, "ALIBABA_CLOUD_SECURITY_TOKEN"),
        }
      : credentialsDir
        ? { source: "dir", dir: credentialsDir }
        : { source: "default-chain" };
  return {
    regionId: nonEmpty(env, "ALIBABA_CLOUD_REGION_ID") ?? OPERATOR_DEFAULTS.regionId,
    endpoint: endpointRaw ? parseEndpoint(endpointRaw) : undefined,
    credentials,
    connectTimeoutMs: CLOUD_DEFAULTS.connectTimeoutMs,
    readTimeoutMs: CLOUD_DEFAULTS.readTimeoutMs,
    maxRetries: CLOUD_DEFAULTS.maxRetries,
    retryBaseMs: CLOUD_DEFAULTS.retryBaseMs,
    retryCapMs: CLOUD_DEFAULTS.retryCapMs,
    rateLimitPerSecond: rateLimitsFromEnv(env),
  };
}

/** ALIBABA_CLOUD_RATE_LIMIT_RPS overrides the per-API client-side rate of every family. */
function rateLimitsFromEnv(env: Env): Record<ApiFamily, number> {
  const override = Number(nonEmpty(env, "ALIBABA_CLOUD_RATE_LIMIT_RPS"));
  if (Number.isFinite(override) && override > 0)
    return { slb: override, alb: override, eci: override, ecs: override, vpc: override, cas: override };
  return { ...CLOUD_DEFAULTS.rateLimitPerSecond };
}

/** For logs: the config with credentials reduced to their source. */
export function describeCloudConfig(c: CloudConfig): Record<string, unknown> {
  return {
    regionId: c.regionId,
    endpoint: c.endpoint ? `${c.endpoint.protocol}://${c.endpoint.host}` : "alibaba-cloud-default",
    credentials: c.credentials.source === "dir" ? `dir:${c.credentials.dir}` : c.credentials.source,
    connectTimeoutMs: c.connectTimeoutMs,
    readTimeoutMs: c.readTimeoutMs,
    maxRetries: c.maxRetries,
    rateLimitPerSecond: c.rateLimitPerSecond,
  };
}
