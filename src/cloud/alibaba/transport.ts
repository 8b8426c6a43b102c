// Every cloud call goes through `Transport.invoke`: client-side rate limit per API family, retries
// with backoff on retryable kinds, and one error normalisation. Every product (SLB, ALB, ECI, ECS, VPC,
// CAS) calls it through `rpc`, the generic openapi-core `callApi`: no typed SDK client in the bundle.

import OpenApi, { $OpenApiUtil } from "@alicloud/openapi-core";
import { RuntimeOptions } from "@darabonba/typescript";
import { API_VERSIONS } from "../../config";
import type { ApiFamily } from "../config";
import { CloudError, type CloudErrorKind } from "../errors";
import { isBackground, type TokenBucket } from "../rate-limiter";
import type { Redactor } from "../redact";
import { withRetry, type RetryDeps, type RetryPolicy } from "../retry";
import { toCloudError } from "./error-map";
import { flattenParams, isObject, type WireObject, type WireParams } from "./wire";

export type CloudEvent =
  /** One attempt answered or failed: `code` and `kind` are set when it failed; rate-limit wait excluded. */
  | {
      type: "call";
      family: ApiFamily;
      action: string;
      durationMs: number;
      code?: string;
      kind?: CloudErrorKind;
    }
  | { type: "retry"; action: string; attempt: number; delayMs: number; kind: CloudErrorKind; code: string }
  | { type: "rateLimited"; family: ApiFamily; waitMs: number }
  | { type: "alreadyDone"; action: string; kind: CloudErrorKind; code: string };

/** Actions that only read (the APIs' naming): never held back as background work. */
function isRead(action: string): boolean {
  return /^(List|Get|Describe)/.test(action);
}

export interface CallOptions<T> {
  /**
   * After an ambiguous failure (timeout or 5xx: the request may have been applied), a later attempt
   * failing with one of these kinds means the earlier attempt did the work: return `result()`.
   * E.g. a retried delete that gets NotFound, a retried listener create that gets Conflict.
   */
  alreadyDone?: { kinds: readonly CloudErrorKind[]; result: () => T };
  /**
   * For creates without a ClientToken: after an ambiguous failure, look for the resource the failed
   * attempt may have made. A result ends the call; `undefined` means "not there, retry the create".
   */
  recover?: () => Promise<T | undefined>;
  /** Request values to scrub from error messages on top of the credentials (registry passwords). */
  extraSecrets?: readonly string[];
}

export interface TransportDeps {
  regionId: string;
  redactor: Redactor;
  /**
   * The token bucket for one API: Alibaba's flow control is per API and account, so each action
   * gets its own bucket at its family's rate (one busy API must not starve the others).
   */
  bucketFor: (family: ApiFamily, action: string) => TokenBucket;
  retryPolicy: RetryPolicy;
  retryDeps: RetryDeps;
  rpcClients: Record<RpcFamily, OpenApi>;
  onEvent?: (e: CloudEvent) => void;
  /** Page size for list calls; the API maximum (100) unless a test wants to see paging. */
  pageSize?: number;
}

export const MAX_PAGE_SIZE = 100;

/** Products called through the generic RPC `callApi`: all of them. */
export type RpcFamily = ApiFamily;

export interface RpcOptions extends CallOptions<WireObject> {
  /**
   * Params sent in the form body instead of the query: the lists the official SDK sends there (ALB `Rules`,
   * `Servers`, `AddedServers`), which can be long. The server reads params from both.
   */
  body?: WireParams;
}

/** The SDK params of one RPC-style call: POST, signed with the access key, business params in the query. */
export function rpcParams(action: string, version: string): $OpenApiUtil.Params {
  return new $OpenApiUtil.Params({
    action,
    version,
    protocol: "HTTPS", // overridden by Config.protocol when an endpoint override is set
    pathname: "/",
    method: "POST",
    authType: "AK",
    style: "RPC",
    reqBodyType: "formData",
    bodyType: "json",
  });
}

// Kinds after which we cannot tell whether the server applied the request.
const AMBIGUOUS_KINDS: ReadonlySet<CloudErrorKind> = new Set(["Timeout", "Unavailable"]);

export class Transport {
  constructor(private readonly deps: TransportDeps) {}

  get regionId(): string {
    return this.deps.regionId;
  }

  get pageSize(): number {
    return Math.min(MAX_PAGE_SIZE, Math.max(1, this.deps.pageSize ?? MAX_PAGE_SIZE));
  }

  async invoke<T>(
    family: ApiFamily,
    action: string,
    fn: () => Promise<T>,
    opts: CallOptions<T> = {},
  ): Promise<T> {
    const label = `${family}:${action}`;
    let sawAmbiguous = false;
    return withRetry<T, CloudError>(
      async () => {
        const bucket = this.deps.bucketFor(family, action);
        const waitMs = await (isBackground() && !isRead(action)
          ? bucket.acquireBackground()
          : bucket.acquire());
        if (waitMs > 0) this.deps.onEvent?.({ type: "rateLimited", family, waitMs });
        const startedMs = performance.now();
        try {
          const result = await fn();
          this.deps.onEvent?.({ type: "call", family, action, durationMs: performance.now() - startedMs });
          return result;
        } catch (raw) {
          const err = toCloudError(raw, label, this.deps.redactor, opts.extraSecrets);
          this.deps.onEvent?.({
            type: "call",
            family,
            action,
            durationMs: performance.now() - startedMs,
            code: err.code,
            kind: err.kind,
          });
          if (sawAmbiguous && opts.alreadyDone?.kinds.includes(err.kind)) {
            this.deps.onEvent?.({ type: "alreadyDone", action: label, kind: err.kind, code: err.code });
            return opts.alreadyDone.result();
          }
          if (AMBIGUOUS_KINDS.has(err.kind)) {
            sawAmbiguous = true;
            const recovered = opts.recover ? await opts.recover() : undefined;
            if (recovered !== undefined) {
              this.deps.onEvent?.({ type: "alreadyDone", action: label, kind: err.kind, code: err.code });
              return recovered;
            }
          }
          throw err;
        }
      },
      {
        policy: this.deps.retryPolicy,
        deps: this.deps.retryDeps,
        normalise: (e) =>
          e instanceof CloudError ? e : toCloudError(e, label, this.deps.redactor, opts.extraSecrets),
        isRetryable: (e) => e.retryable,
        retryAfterMs: (e) => e.retryAfterMs,
        onRetry: (e, attempt, delayMs) =>
          this.deps.onEvent?.({ type: "retry", action: label, attempt, delayMs, kind: e.kind, code: e.code }),
      },
    );
  }

  /** One RPC-style call (POST, V3 signature, business params in the query, `opts.body` in the form) returning the raw JSON body. */
  async rpc(
    family: RpcFamily,
    action: string,
    params: WireParams,
    opts: RpcOptions = {},
  ): Promise<WireObject> {
    const client = this.deps.rpcClients[family];
    const query = flattenParams({ RegionId: this.deps.regionId, ...params });
    const body = opts.body ? flattenParams(opts.body) : undefined;
    return this.invoke<WireObject>(
      family,
      action,
      async () => {
        const res = await client.callApi(
          rpcParams(action, API_VERSIONS[family]),
          new $OpenApiUtil.OpenApiRequest({ query, body }),
          new RuntimeOptions({}),
        );
        // Mapping to typed results happens outside `invoke`: a mapping bug must not look retryable.
        return isObject(res.body) ? res.body : {};
      },
      opts,
    );
  }
}
