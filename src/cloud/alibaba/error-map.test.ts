// Unit tests of the SDK error -> CloudError table (error-map.ts), including secret scrubbing.
import test from "node:test";
import assert from "node:assert/strict";
import { ClientError, ServerError, ThrottlingError } from "@alicloud/openapi-core";
import { classify, toCloudError } from "./error-map";
import { CloudError, type CloudErrorKind } from "../errors";
import { Redactor } from "../redact";

// [code, httpStatus, expected kind, message?]
const CASES: Array<[string, number, CloudErrorKind, string?]> = [
  ["InvalidLoadBalancerId.NotFound", 404, "NotFound"],
  ["ResourceNotFound.LoadBalancer", 400, "NotFound"],
  ["InvalidApi.NotFound", 404, "InvalidParameter"],
  ["InvalidAction.NotFound", 404, "InvalidParameter"],
  [
    "InvalidParameter.DomainExtensionId",
    404,
    "NotFound",
    "The specified DomainExtensionId does not exist: x.",
  ],
  ["ResourceNotFound.Listener", 404, "NotFound"],
  ["InvalidImageCacheId.NotFound", 404, "NotFound"],
  ["ResourceAlreadyExist.Listener", 400, "Conflict"],
  ["OperationDenied.DeleteProtection", 400, "Conflict"],
  ["OperationDenied.DeletionProtectionEnabled", 400, "Conflict"],
  ["OperationDenied.ModificationProtection", 400, "Conflict"],
  ["OperationDenied.SomethingElse", 400, "Forbidden"],
  ["QuotaExceeded.TagNum", 400, "QuotaExceeded"],
  ["IncorrectStatus.ImageCache", 400, "Busy"],
  ["AclNotExist", 400, "NotFound"],
  ["SomethingNew", 404, "NotFound"],
  ["InvalidParameter", 400, "NotFound", "The specified VServerGroupId does not exist"],
  ["InvalidParameter", 400, "NotFound", "The specified resource does not exist."],
  ["Throttling", 400, "Throttled"],
  ["Throttling.User", 400, "Throttled"],
  ["Throttling.Api", 400, "Throttled"],
  ["Rejected.Throttling", 400, "Throttled"],
  ["ServiceUnavailable", 503, "Unavailable"],
  ["InternalError", 500, "Unavailable"],
  ["UnknownError", 500, "Unavailable"],
  ["WhateverBroke", 502, "Unavailable"],
  ["SystemBusy", 400, "Busy"],
  ["OperationBusy", 400, "Busy"],
  ["ServiceIsConfiguring", 400, "Busy"],
  ["IncorrectStatus.LoadBalancer", 400, "Busy"],
  ["IncorrectStatus.Listener", 400, "Busy"],
  ["VServerGroupProcessing", 400, "Busy"],
  ["OperationFailed.TokenIsProcessing", 400, "Busy"],
  ["ResourceInUse.ServerGroup", 400, "Busy"],
  ["ListenerAlreadyExists", 400, "Conflict"],
  ["RspoolVipExist", 400, "Conflict"],
  ["IdempotenceParamNotMatch", 400, "Conflict"],
  ["AclNameExist", 400, "Conflict"],
  ["QuotaExceeded.LoadBalancer", 400, "QuotaExceeded"],
  ["InstanceBackendServerNumberOverLimit", 400, "QuotaExceeded"],
  ["AclNumberOverLimit", 400, "QuotaExceeded"],
  ["MissingLoadBalancerId", 400, "InvalidParameter"],
  ["InvalidParameter", 400, "InvalidParameter", "Bandwidth is invalid"],
  ["InvalidParameter.LoadBalancerSpec", 400, "InvalidParameter"],
  ["InvalidClientToken.ValueNotSupported", 400, "InvalidParameter"],
  ["Forbidden.RAM", 403, "Forbidden"],
  ["NoPermission", 403, "Forbidden"],
  ["SignatureDoesNotMatch", 400, "Auth"],
  ["IncompleteSignature", 400, "Auth"],
  ["InvalidAccessKeyId.NotFound", 404, "Auth"],
  ["InvalidTimeStamp.Expired", 400, "Auth"],
  ["SignatureNonceUsed", 400, "Auth"],
  ["TotallyUnknown", 400, "Unknown"],
  // ALB
  ["Conflict.Lock", 409, "Busy"],
  ["IncorrectStatus.ServerGroup", 400, "Busy"],
  ["IncorrectStatus.Acl", 400, "Busy"],
  ["Conflict.Priority", 400, "Conflict"],
  ["ResourceAlreadyAssociated.Acl", 400, "Conflict"],
  ["ResourceNotAssociated.Certificate", 400, "Conflict"],
  ["ResourceInUse.Acl", 400, "Conflict"],
  ["ResourceNotFound.Certificate", 404, "NotFound"],
  ["ResourceNotFound.Rule", 404, "NotFound"],
  ["QuotaExceeded.RulesNum", 400, "QuotaExceeded"],
  ["QuotaExceeded.ServersNum", 400, "QuotaExceeded"],
  ["Throttling.User", 400, "Throttled"],
  // cas
  ["NotFound", 400, "NotFound"],
];

for (const [code, httpStatus, kind, message] of CASES) {
  test(`classify ${code} (${httpStatus}${message ? `, "${message}"` : ""}) -> ${kind}`, () => {
    assert.equal(classify({ code, httpStatus, message: message ?? "x" }), kind);
  });
}

function sdkError<T>(
  ctor: new (m: Record<string, unknown>) => T,
  code: string,
  statusCode: number,
  extra: Record<string, unknown> = {},
): T {
  return new ctor({
    code,
    statusCode,
    message: `code: ${statusCode}, server said no request id: REQ-1`,
    requestId: "REQ-1",
    data: { Code: code, Message: "server said no", RequestId: "REQ-1" },
    ...extra,
  });
}

test("openapi-core ThrottlingError keeps code, status, request id and retry-after", () => {
  const e = toCloudError(
    sdkError(ThrottlingError, "Throttling.User", 400, { retryAfter: 1500 }),
    "slb:DescribeLoadBalancers",
    new Redactor(),
  );
  assert.ok(e instanceof CloudError);
  assert.equal(e.kind, "Throttled");
  assert.equal(e.code, "Throttling.User");
  assert.equal(e.httpStatus, 400);
  assert.equal(e.requestId, "REQ-1");
  assert.equal(e.retryAfterMs, 1500);
  assert.equal(e.action, "slb:DescribeLoadBalancers");
  assert.equal(e.retryable, true);
  assert.equal(
    e.message,
    "slb:DescribeLoadBalancers: server said no",
    "server Message, without the SDK's prefix",
  );
});

test("openapi-core ClientError and ServerError map by code and status", () => {
  const notFound = toCloudError(
    sdkError(ClientError, "InvalidLoadBalancerId.NotFound", 404),
    "slb:X",
    new Redactor(),
  );
  assert.equal(notFound.kind, "NotFound");
  assert.equal(notFound.retryable, false);
  const unavailable = toCloudError(sdkError(ServerError, "ServiceUnavailable", 503), "slb:X", new Redactor());
  assert.equal(unavailable.kind, "Unavailable");
  assert.equal(unavailable.retryable, true);
});

test("network failures and timeouts are retryable and never echo the request URL", () => {
  const reset = Object.assign(new Error("socket hang up POST http://h/?Password=hunter22 failed."), {
    code: "ECONNRESET",
  });
  const e1 = toCloudError(reset, "eci:CreateImageCache", new Redactor());
  assert.equal(e1.kind, "Unavailable");
  assert.equal(e1.code, "NetworkError");
  assert.doesNotMatch(e1.message, /hunter22/);

  const timeout = Object.assign(new Error("ReadTimeout(10000). POST http://h/?Password=hunter22 failed."), {
    name: "RequestTimeoutError",
  });
  const e2 = toCloudError(timeout, "eci:CreateImageCache", new Redactor());
  assert.equal(e2.kind, "Timeout");
  assert.equal(e2.retryable, true);
  assert.doesNotMatch(e2.message, /hunter22/);
});

test("a non-JSON error body counts as a flaky gateway; a plain bug does not", () => {
  assert.equal(
    toCloudError(new SyntaxError("Unexpected token <"), "slb:X", new Redactor()).kind,
    "Unavailable",
  );
  const bug = toCloudError(new TypeError("cannot read properties of undefined"), "slb:X", new Redactor());
  assert.equal(bug.kind, "Unknown");
  assert.equal(bug.retryable, false);
});

test("credentials and request secrets are redacted from messages", () => {
  const redactor = new Redactor();
  redactor.add("LTAI5tSECRETID", "verySecretValue123");
  const e = toCloudError(
    sdkError(ClientError, "SignatureDoesNotMatch", 400, {
      data: {
        Code: "SignatureDoesNotMatch",
        Message: "ak LTAI5tSECRETID with verySecretValue123 and regpass99",
      },
    }),
    "eci:CreateImageCache",
    redactor,
    ["regpass99"],
  );
  assert.equal(e.kind, "Auth");
  assert.doesNotMatch(e.message, /LTAI5tSECRETID|verySecretValue123|regpass99/);
  assert.doesNotMatch(e.toShortString(), /LTAI5tSECRETID|verySecretValue123|regpass99/);
});

test("an existing CloudError passes through, gaining the action if it had none", () => {
  const withAction = new CloudError({ kind: "Conflict", code: "X", message: "m", action: "slb:Y" });
  assert.equal(toCloudError(withAction, "slb:X", new Redactor()), withAction);
  const bare = new CloudError({ kind: "Auth", code: "CredentialsUnavailable", message: "m" });
  const e = toCloudError(bare, "slb:X", new Redactor());
  assert.equal(e.kind, "Auth");
  assert.equal(e.code, "CredentialsUnavailable");
  assert.equal(e.action, "slb:X");
});
