// The one place where SDK/HTTP failures become `CloudError`s. Everything else in the operator
// branches on `CloudError.kind`; message text is inspected only here, and only where Alibaba gives
// no usable code (listener "does not exist" errors).

import { CloudError, type CloudErrorKind } from "../errors";
import { Redactor } from "../redact";

/** The facts we can read off any error the SDK or the network throws. */
export interface RawErrorFacts {
  code?: string;
  httpStatus?: number;
  requestId?: string;
  retryAfterMs?: number;
  message: string;
  /** Node/httpx failure below HTTP: ECONNRESET, RequestTimeoutError, a body that was not JSON… */
  transport?: "timeout" | "network" | "badResponse" | "internal";
}

interface Rule {
  kind: CloudErrorKind;
  /** Exact codes. */
  codes?: readonly string[];
  /** Code patterns. */
  patterns?: readonly RegExp[];
  /** Message patterns, for errors whose code does not say enough. */
  messages?: readonly RegExp[];
  statuses?: (status: number) => boolean;
}

// Order matters: first match wins. Specific codes come before the generic status fallbacks, and Auth
// before NotFound (InvalidAccessKeyId.NotFound is a credential problem, not a missing resource).
export const ERROR_RULES: readonly Rule[] = [
  {
    kind: "Auth",
    codes: [
      "SignatureDoesNotMatch",
      "IncompleteSignature",
      "SignatureNonceUsed",
      "InvalidCredentials",
      "MissingSecurityToken",
      "InvalidSecurityToken",
    ],
    patterns: [
      /^InvalidAccessKeyId/,
      /^InvalidAccessKeySecret/,
      /^InvalidTimeStamp/,
      /^InvalidSecurityToken/,
      /^Signature/,
    ],
  },
  {
    kind: "Throttled",
    codes: ["Rejected.Throttling", "RequestLimitExceeded"],
    patterns: [/Throttling/],
    statuses: (s) => s === 429,
  },
  {
    kind: "Busy",
    codes: [
      "SystemBusy",
      "OperationBusy",
      "ServiceIsConfiguring",
      "ServiceIsStopping",
      "BackendServer.configuring",
      "VServerGroupProcessing",
      "OperationFailed.ListenerStatusNotSupport",
      "OperationFailed.TokenIsProcessing",
      "ResourceInUse.ServerGroup",
      "Conflict.Lock",
    ],
    patterns: [/^IncorrectStatus(\.|$)/, /Busy$/, /IsProcessing$/],
  },
  {
    kind: "Conflict",
    codes: [
      "ListenerAlreadyExists",
      "RspoolVipExist",
      "IdempotenceParamNotMatch",
      "AclNameExist",
      "DomainExist",
      // The resource's state forbids the change (an EIP already bound, an ENI still attached).
      "IncorrectEipStatus",
      "IncorrectInstanceStatus",
      "InvalidOperation.InvalidEniState",
    ],
    // Delete/modification protection: the resource's own state forbids the change until it is lifted.
    // ALB: ResourceAlreadyAssociated.* / ResourceNotAssociated.*, Conflict.Priority (Conflict.Lock is Busy, above).
    patterns: [
      /AlreadyExist/,
      /^Duplicate/,
      /\.Duplicated$/,
      /^ResourceInUse/,
      /Protection/,
      /^Resource(Already|Not)Associated/,
      /^Conflict\./,
    ],
    statuses: (s) => s === 409,
  },
  {
    kind: "QuotaExceeded",
    codes: ["AclNumberOverLimit", "InstanceBackendServerNumberOverLimit"],
    patterns: [/Quota/i, /OverLimit$/, /LimitExceeded$/, /^ExceedQuota/, /NumberLimit/],
  },
  {
    kind: "NotFound",
    // `NotFound` alone: the certificate service (cas) for an unknown certificate id.
    codes: ["AclNotExist", "ServerCertificateId.NotFound", "NotFound"],
    patterns: [/\.NotFound$/, /NotFound\./, /^ResourceNotFound/, /NotExist$/],
    // CLB reports a missing listener or vserver group by message only, under a vague code
    // (InvalidParameter, or none). Only consulted for such vague codes, see `classify`.
    messages: [/The specified resource does not exist/i, /\bdoes not exist\b/i, /\bnot exist\b/i],
    statuses: (s) => s === 404,
  },
  {
    kind: "Forbidden",
    codes: ["NoPermission", "UnsupportedHTTPMethod", "OrderFailed"],
    patterns: [/^Forbidden/, /^NoPermission/, /^OperationDenied/, /^UserDisabled/],
    statuses: (s) => s === 403,
  },
  {
    kind: "InvalidParameter",
    // An unknown action or version is our bug, never a missing resource, despite the ".NotFound".
    codes: [
      "InvalidClientToken.ValueNotSupported",
      "DryRunOperation",
      "InvalidAction",
      "InvalidAction.NotFound",
      "InvalidApi.NotFound",
      "InvalidVersion",
    ],
    patterns: [
      /^Missing/,
      /^InvalidParameter/,
      /^InvalidParam/,
      /^Invalid[A-Z]/,
      /^IllegalParam/,
      /^MalformedParam/,
    ],
  },
  {
    kind: "Unavailable",
    codes: ["ServiceUnavailable", "InternalError", "UnknownError", "ServiceUnavailableTemporary"],
    patterns: [/^InternalError/, /^ServiceUnavailable/],
    statuses: (s) => s >= 500,
  },
  { kind: "Auth", statuses: (s) => s === 401 },
];

/** Codes that say too little on their own: the message or a 404 decides (e.g. a vserver group that "does not exist"). */
const VAGUE_CODES = new Set(["", "InvalidParameter", "InvalidParameters", "IllegalParameter"]);

export function classify(facts: RawErrorFacts): CloudErrorKind {
  if (facts.transport === "timeout") return "Timeout";
  if (facts.transport === "network" || facts.transport === "badResponse") return "Unavailable";
  if (facts.transport === "internal") return "Unknown";
  const code = facts.code ?? "";
  // Passes: exact codes, then messages (vague codes only), then code patterns, then HTTP status.
  for (const rule of ERROR_RULES) {
    if (code && rule.codes?.includes(code)) return rule.kind;
  }
  // A vague or generic-parameter code says less than "does not exist" or a 404 does.
  if (VAGUE_CODES.has(code) || /^InvalidParameter/.test(code)) {
    for (const rule of ERROR_RULES) {
      if (rule.messages?.some((p) => p.test(facts.message))) return rule.kind;
    }
    if (facts.httpStatus === 404) return "NotFound";
  }
  for (const rule of ERROR_RULES) {
    if (code && rule.patterns?.some((p) => p.test(code))) return rule.kind;
  }
  if (facts.httpStatus !== undefined) {
    for (const rule of ERROR_RULES) {
      if (rule.statuses?.(facts.httpStatus)) return rule.kind;
    }
  }
  return "Unknown";
}

const NETWORK_ERRNOS = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_SOCKET",
]);
const TIMEOUT_ERRNOS = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT", "UND_ERR_CONNECT_TIMEOUT"]);

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" && v !== "undefined" && v !== "null" ? v : undefined;
}
function num(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** Reads the facts off an openapi-core error (ClientError/ServerError/ThrottlingError) or a Node error. */
export function factsOf(e: unknown): RawErrorFacts {
  if (!(e instanceof Error) && (typeof e !== "object" || e === null)) {
    return { message: String(e), transport: "internal" };
  }
  const err = e as Record<string, unknown> & { name?: string; message?: string };
  const name = str(err.name) ?? "";
  const code = str(err.code);
  const httpStatus = num(err.statusCode);
  const data = (typeof err.data === "object" && err.data !== null ? err.data : {}) as Record<string, unknown>;
  // The SDK prefixes "code: 400, " and appends " request id: …"; the server's own Message is cleaner.
  const serverMessage = str(data.Message) ?? str(data.message);

  if (httpStatus === undefined) {
    if (name === "RequestTimeoutError" || (code !== undefined && TIMEOUT_ERRNOS.has(code))) {
      // httpx appends the full URL (query included) to these messages: never pass it on.
      return { message: `request timed out (${name || code})`, transport: "timeout" };
    }
    if (code !== undefined && (NETWORK_ERRNOS.has(code) || /^E[A-Z]+$/.test(code))) {
      return { message: `network error ${code}`, transport: "network" };
    }
    if (name === "SyntaxError") {
      // A non-JSON answer (a proxy's HTML error page, a truncated body): treat as a flaky gateway.
      return { message: "unparseable response from the API endpoint", transport: "badResponse" };
    }
    // No HTTP status and no errno: a bug or an SDK-side validation error, not worth retrying.
    if (!code) return { message: str(err.message) ?? (name || "unknown error"), transport: "internal" };
  }
  return {
    code,
    httpStatus,
    requestId: str(err.requestId) ?? str(data.RequestId),
    retryAfterMs: num(err.retryAfter),
    message: serverMessage ?? str(err.message) ?? code ?? "unknown error",
  };
}

/** `action` is `product:Action`, e.g. `slb:CreateLoadBalancer`. */
export function toCloudError(
  e: unknown,
  action: string,
  redactor: Redactor,
  extraSecrets: ReadonlyArray<string> = [],
): CloudError {
  if (e instanceof CloudError) {
    if (e.action !== undefined) return e;
    // Raised below the transport (e.g. by the credential provider): add which call it broke.
    return new CloudError({
      kind: e.kind,
      code: e.code,
      message: `${action}: ${e.message}`,
      httpStatus: e.httpStatus,
      requestId: e.requestId,
      retryAfterMs: e.retryAfterMs,
      action,
    });
  }
  const facts = factsOf(e);
  const kind = classify(facts);
  const code =
    facts.code ??
    {
      timeout: "RequestTimeout",
      network: "NetworkError",
      badResponse: "BadResponse",
      internal: "ClientInternal",
    }[facts.transport ?? "internal"];
  return new CloudError({
    kind,
    code,
    message: redactor.redact(`${action}: ${facts.message}`, extraSecrets),
    httpStatus: facts.httpStatus,
    requestId: facts.requestId,
    retryAfterMs: facts.retryAfterMs,
    action,
  });
}
