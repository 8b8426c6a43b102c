// Wires the Alibaba implementation of `CloudProvider`: one credential, one redactor, per-family rate
// limiters and a generic openapi-core client per product (SLB, ALB, ECI, ECS, VPC, CAS).

import OpenApi, { $OpenApiUtil } from "@alicloud/openapi-core";
import type Credential from "@alicloud/credentials";
import type { ApiFamily, CloudConfig } from "../config";
import { realClock, TokenBucket, type Clock } from "../rate-limiter";
import { Redactor } from "../redact";
import { realRetryDeps, type RetryDeps } from "../retry";
import type { CloudProvider } from "../types";
import { AlibabaAlbProvider } from "./alb";
import { AlibabaCasProvider } from "./cas";
import { buildCredential } from "./credentials";
import { AlibabaEciProvider } from "./eci";
import { AlibabaEcsProvider } from "./ecs";
import { AlibabaSlbProvider } from "./slb";
import { Transport, type CloudEvent } from "./transport";
import { AlibabaVpcProvider } from "./vpc";

// SLB's endpoint map sends these regions to the central endpoint (alibabacloud-go/slb-20140515 client.go).
const SLB_CENTRAL_REGIONS = new Set([
  "cn-hangzhou",
  "cn-beijing",
  "cn-shanghai",
  "cn-shenzhen",
  "cn-qingdao",
  "cn-hongkong",
  "ap-southeast-1",
  "us-east-1",
  "us-west-1",
]);

export function defaultEndpoint(family: ApiFamily, regionId: string): string {
  switch (family) {
    case "slb":
      return SLB_CENTRAL_REGIONS.has(regionId) ? "slb.aliyuncs.com" : `slb.${regionId}.aliyuncs.com`;
    case "alb":
      return `alb.${regionId}.aliyuncs.com`;
    case "eci":
      // The ECI SDK has no endpoint rule: the central endpoint, region taken from RegionId.
      return "eci.aliyuncs.com";
    case "ecs":
      return `ecs.${regionId}.aliyuncs.com`;
    case "vpc":
      return `vpc.${regionId}.aliyuncs.com`;
    case "cas":
      // The certificate service is central (its SDK has no regional endpoint rule for the mainland).
      return "cas.aliyuncs.com";
  }
}

export interface ProviderOptions {
  /** Test hooks: fake time for backoff and rate limiting. */
  retryDeps?: RetryDeps;
  clock?: Clock;
  /** Observability hook: retries, rate-limit waits. Never receives credentials. */
  onEvent?: (e: CloudEvent) => void;
}

const USER_AGENT = "alicloud-operator/0.1.0";

function sdkConfig(config: CloudConfig, family: ApiFamily, credential: Credential): $OpenApiUtil.Config {
  return new $OpenApiUtil.Config({
    credential,
    regionId: config.regionId,
    endpoint: config.endpoint?.host ?? defaultEndpoint(family, config.regionId),
    protocol: config.endpoint?.protocol ?? "https",
    // Both, always: httpx uses connectTimeout as the socket idle timeout (docs/cloud-layer.md, Timeouts).
    connectTimeout: config.connectTimeoutMs,
    readTimeout: config.readTimeoutMs,
    userAgent: USER_AGENT,
  });
}

export class AlibabaCloudProvider implements CloudProvider {
  readonly regionId: string;
  readonly slb: AlibabaSlbProvider;
  readonly alb: AlibabaAlbProvider;
  readonly eci: AlibabaEciProvider;
  readonly ecs: AlibabaEcsProvider;
  readonly vpc: AlibabaVpcProvider;
  readonly cas: AlibabaCasProvider;

  constructor(config: CloudConfig, opts: ProviderOptions = {}) {
    this.regionId = config.regionId;
    const redactor = new Redactor();
    const credential = buildCredential(config.credentials, redactor);
    const clock = opts.clock ?? realClock;
    const buckets = new Map<string, TokenBucket>();
    const bucketFor = (family: ApiFamily, action: string): TokenBucket => {
      const key = `${family}:${action}`;
      let bucket = buckets.get(key);
      if (!bucket) {
        const rate = config.rateLimitPerSecond[family];
        bucket = new TokenBucket(rate, config.rateLimitBurst?.[family] ?? Math.max(1, rate), clock);
        buckets.set(key, bucket);
      }
      return bucket;
    };
    const transport = new Transport({
      regionId: config.regionId,
      redactor,
      bucketFor,
      retryPolicy: { maxRetries: config.maxRetries, baseMs: config.retryBaseMs, capMs: config.retryCapMs },
      retryDeps: opts.retryDeps ?? realRetryDeps,
      rpcClients: {
        slb: new OpenApi(sdkConfig(config, "slb", credential)),
        alb: new OpenApi(sdkConfig(config, "alb", credential)),
        eci: new OpenApi(sdkConfig(config, "eci", credential)),
        ecs: new OpenApi(sdkConfig(config, "ecs", credential)),
        vpc: new OpenApi(sdkConfig(config, "vpc", credential)),
        cas: new OpenApi(sdkConfig(config, "cas", credential)),
      },
      onEvent: opts.onEvent,
      pageSize: config.pageSize,
    });
    this.slb = new AlibabaSlbProvider(transport);
    this.eci = new AlibabaEciProvider(transport);
    this.ecs = new AlibabaEcsProvider(transport);
    this.vpc = new AlibabaVpcProvider(transport);
    this.cas = new AlibabaCasProvider(transport);
    this.alb = new AlibabaAlbProvider(transport, { sleep: opts.retryDeps?.sleep });
  }
}
