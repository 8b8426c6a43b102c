// Typed cloud errors. The adapter maps every SDK/HTTP failure to one of these, once; controllers
// branch on `kind`, never on message text.

export type CloudErrorKind =
  | "NotFound"
  | "Throttled"
  | "Conflict"
  | "QuotaExceeded"
  | "InvalidParameter"
  | "Forbidden"
  | "Unavailable"
  | "Busy"
  | "Timeout"
  | "Auth"
  | "Unknown";

/** Kinds worth retrying with backoff without any change to the request. */
export const RETRYABLE_KINDS: ReadonlySet<CloudErrorKind> = new Set([
  "Throttled",
  "Unavailable",
  "Busy",
  "Timeout",
]);

export class CloudError extends Error {
  readonly kind: CloudErrorKind;
  /** Alibaba's own error code, e.g. `InvalidLoadBalancerId.NotFound`. */
  readonly code: string;
  readonly httpStatus?: number;
  readonly requestId?: string;
  /** Server hint for when to retry (from `x-acs-retry-after`), in milliseconds. */
  readonly retryAfterMs?: number;
  /** The API action that failed, e.g. `slb:CreateLoadBalancer`. */
  readonly action?: string;

  constructor(init: {
    kind: CloudErrorKind;
    code: string;
    message: string;
    httpStatus?: number;
    requestId?: string;
    retryAfterMs?: number;
    action?: string;
  }) {
    super(init.message);
    this.name = "CloudError";
    this.kind = init.kind;
    this.code = init.code;
    this.httpStatus = init.httpStatus;
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
    this.action = init.action;
  }

  get retryable(): boolean {
    return RETRYABLE_KINDS.has(this.kind);
  }

  /** One line for Events and logs: never contains credentials. */
  toShortString(): string {
    return `${this.code}: ${this.message}${this.requestId ? ` (RequestId ${this.requestId})` : ""}`;
  }
}

export function isCloudError(e: unknown, kind?: CloudErrorKind): e is CloudError {
  return e instanceof CloudError && (kind === undefined || e.kind === kind);
}
