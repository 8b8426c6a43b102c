// The one error catalogue of the emulator. Codes and HTTP statuses follow the real Alibaba gateway
// (docs/emulator.md, Wire behaviour); codes marked "unverified" are our best guess and documented as such.

export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    message: string,
    /** Extra response headers, e.g. `x-acs-retry-after` for throttling. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const Errors = {
  // ---- gateway / auth
  missingParam: (name: string) =>
    new ApiError(`Missing${name}`, 400, `${name} is mandatory for this action.`),
  invalidParam: (name: string, detail?: string) =>
    new ApiError(
      "InvalidParameter",
      400,
      `The specified parameter "${name}" is not valid.${detail ? ` ${detail}` : ""}`,
    ),
  incompleteSignature: (detail: string) =>
    new ApiError(
      "IncompleteSignature",
      400,
      `The request signature does not conform to Aliyun standards. ${detail}`,
    ),
  signatureMismatch: () =>
    new ApiError("SignatureDoesNotMatch", 400, "Specified signature is not matched with our calculation."),
  contentShaMismatch: () =>
    new ApiError(
      "SignatureDoesNotMatch",
      400,
      "The x-acs-content-sha256 header does not match the request body.",
    ),
  timestampExpired: (ts: string) =>
    new ApiError("InvalidTimeStamp.Expired", 400, `Specified time stamp or date value is expired: ${ts}.`),
  timestampFormat: (ts: string) =>
    new ApiError(
      "InvalidTimeStamp.Format",
      400,
      `Specified time stamp or date value is not well formatted: ${ts}.`,
    ),
  nonceUsed: () => new ApiError("SignatureNonceUsed", 400, "Specified signature nonce was used already."),
  unknownAccessKey: () =>
    new ApiError("InvalidAccessKeyId.NotFound", 404, "Specified access key is not found."),
  unknownVersion: (v: string) =>
    new ApiError("InvalidVersion", 400, `Specified parameter Version "${v}" is not valid.`),
  unknownAction: (a: string) =>
    new ApiError(
      "InvalidAction.NotFound",
      404,
      `Specified api ${a} is not found, please check your url and method.`,
    ),
  unsupportedMethod: () => new ApiError("UnsupportedHTTPMethod", 403, "This http method is not supported."),
  bodyTooLarge: () => new ApiError("InvalidParameter", 413, "The request body exceeds 1 MiB."),
  throttled: (retryAfterMs: number) =>
    new ApiError("Throttling.User", 400, "Request was denied due to user flow control.", {
      "x-acs-retry-after": String(retryAfterMs),
    }),
  idempotenceMismatch: () =>
    new ApiError(
      "IdempotenceParamNotMatch",
      400,
      "Request uses a client token in a previous request but is not identical to that request.",
    ),
  invalidClientToken: () =>
    new ApiError(
      "InvalidClientToken.ValueNotSupported",
      400,
      "The ClientToken is not supported (max 64 ASCII chars).",
    ),
  dryRun: () =>
    new ApiError("DryRunOperation", 400, "Request validation has been passed with DryRun flag set."),
  internal: (detail: string) =>
    new ApiError(
      "InternalError",
      500,
      `The request processing has failed due to some unknown error. ${detail}`,
    ),

  // ---- SLB (CLB)
  slbNotFound: (id: string) =>
    new ApiError(
      "InvalidLoadBalancerId.NotFound",
      404,
      `The specified LoadBalancerId does not exist: ${id}.`,
    ),
  slbDeleteProtected: () =>
    new ApiError(
      "OperationDenied.DeleteProtection",
      400,
      "The specified LoadBalancer has delete protection enabled.",
    ), // unverified code
  slbListenerNotFound: (port: number) =>
    new ApiError(
      "ResourceNotFound.Listener",
      404,
      `The specified resource does not exist: listener ${port}.`,
    ), // real API has message only
  slbListenerExists: () =>
    new ApiError("ListenerAlreadyExists", 400, "The specified listener already exists."),
  slbVsgNotFound: (id: string) =>
    new ApiError("InvalidParameter", 400, `The specified VServerGroupId does not exist: ${id}.`),
  slbVsgInUse: () =>
    new ApiError("RspoolVipExist", 400, "There are vips associating with the specified VServerGroup."),
  slbCertNotFound: (id: string) =>
    new ApiError(
      "ServerCertificateId.NotFound",
      404,
      `The specified ServerCertificateId does not exist: ${id}.`,
    ),
  slbDomainExtNotFound: (id: string) =>
    new ApiError(
      "InvalidParameter.DomainExtensionId",
      404,
      `The specified DomainExtensionId does not exist: ${id}.`,
    ),
  slbDomainExists: () => new ApiError("DomainExist", 400, "The specified domain already exists."),
  slbQuotaLb: (limit: number) =>
    new ApiError(
      "QuotaExceeded.LoadBalancer",
      400,
      `The number of load balancers exceeds the quota (${limit}).`,
    ), // unverified code
  slbQuotaListener: (limit: number) =>
    new ApiError(
      "QuotaExceeded.Listener",
      400,
      `The number of listeners exceeds the quota (${limit}) of this load balancer.`,
    ), // unverified code
  slbQuotaBackends: (limit: number) =>
    new ApiError(
      "InstanceBackendServerNumberOverLimit",
      400,
      `The number of backend servers exceeds the quota (${limit}) of this load balancer.`,
    ),
  slbTooManyTags: () =>
    new ApiError("QuotaExceeded.TagNum", 400, "The number of tags exceeds 20 per resource."),
  slbAclNotFound: (id: string) =>
    new ApiError("AclNotExist", 404, `The specified AclId does not exist: ${id}.`),
  slbAclNameExists: () => new ApiError("AclNameExist", 400, "The specified AclName already exists."),
  slbAclInUse: () => new ApiError("AclInUsed", 400, "The specified ACL is bound to listeners."),
  slbAclEntryEmpty: () => new ApiError("AclEntryEmpty", 400, "AclEntrys must contain at least one entry."),
  slbAclQuota: (limit: number) =>
    new ApiError("AclNumberOverLimit", 400, `The number of ACLs exceeds the quota (${limit}).`),
  slbVSwitchNotFound: (id: string) =>
    new ApiError("InvalidVSwitchId.NotFound", 404, `The specified VSwitchId does not exist: ${id}.`), // the VPC/ECS code; unverified for SLB
  slbZoneNotFound: (param: string, zoneId: string) =>
    new ApiError(
      "InvalidParameter",
      400,
      `The specified parameter "${param}" is not valid. Zone ${zoneId} does not exist in this region.`,
    ), // unverified: the documented generic code, no zone-specific one found
  slbModificationProtected: () =>
    new ApiError(
      "OperationDenied.ModificationProtection",
      400,
      "The load balancer is under modification protection.",
    ), // unverified

  // ---- ECS network interfaces (2014-05-26)
  eniNotFound: (id: string) =>
    new ApiError("InvalidEniId.NotFound", 404, `The specified NetworkInterfaceId does not exist: ${id}.`),
  eniState: (status: string) =>
    new ApiError(
      "InvalidOperation.InvalidEniState",
      400,
      `The operation is not allowed in the current ENI state (${status}).`,
    ), // unverified code
  privateIpMismatch: (ip: string) =>
    new ApiError(
      "InvalidPrivateIpAddress.Mismatch",
      400,
      `Specified private IP address ${ip} is not in the CIDR block of the virtual switch.`,
    ), // unverified code
  privateIpDuplicated: (ip: string) =>
    new ApiError(
      "InvalidPrivateIpAddress.Duplicated",
      400,
      `Specified private IP address ${ip} is duplicated.`,
    ),
  privateIpNotAssigned: (ip: string) =>
    new ApiError(
      "InvalidIp.IpUnassigned",
      400,
      `The specified IP address ${ip} is not assigned to the network interface.`,
    ), // unverified code
  vpcAddressExhausted: () =>
    new ApiError("InvalidVSwitchId.IpNotEnough", 400, "The specified VSwitch has not enough IP addresses."),

  // ---- VPC elastic IP addresses (2016-04-28)
  eipNotFound: (id: string) =>
    new ApiError("InvalidAllocationId.NotFound", 404, `Specified allocation ID ${id} is not found.`),
  eipStatus: () =>
    new ApiError("IncorrectEipStatus", 400, "Current elastic IP status does not support this operation."),
  eipInstanceNotFound: (id: string) =>
    new ApiError("InvalidInstanceId.NotFound", 400, `Specified instance ${id} does not exist.`),
  eipInstanceStatus: (detail: string) =>
    new ApiError(
      "IncorrectInstanceStatus",
      400,
      `The current status of instance does not support this operation. ${detail}`,
    ),
  eipInstanceType: (type: string) =>
    new ApiError(
      "InvalidInstanceType.ValueNotSupported",
      400,
      `The specified value of InstanceType is not supported: ${type}.`,
    ),
  eipQuota: (limit: number) =>
    new ApiError("QuotaExceeded.Eip", 400, `The number of EIPs exceeds the quota (${limit}).`), // unverified code

  // ---- ALB
  albNotFound: (
    kind:
      | "LoadBalancer"
      | "Listener"
      | "ServerGroup"
      | "Rule"
      | "Acl"
      | "Certificate"
      | "SecurityPolicy"
      | "BackendServer",
    id: string,
    param?: string,
  ) =>
    new ApiError(
      `ResourceNotFound.${kind}`,
      404,
      `The specified resource ${id}${param ? ` (${param})` : ""} is not found.`,
    ),
  albInUse: (kind: "ServerGroup" | "Acl", id: string) =>
    new ApiError(`ResourceInUse.${kind}`, 400, `The specified resource ${id} is in use.`),
  albDeletionProtected: (id: string) =>
    new ApiError(
      "OperationDenied.DeletionProtectionEnabled",
      400,
      `The load balancer ${id} has deletion protection enabled.`,
    ), // unverified
  albListenerExists: (port: number) =>
    new ApiError("ResourceAlreadyExist.Listener", 400, `A listener on port ${port} already exists.`),
  albIncorrectStatus: (
    kind: "LoadBalancer" | "Listener" | "ServerGroup" | "Acl",
    id: string,
    status: string,
  ) =>
    new ApiError(
      `IncorrectStatus.${kind}`,
      400,
      `The status of ${id} is ${status}, which does not support this operation.`,
    ),
  /** Another change to the same ALB instance is still being applied. */
  albLocked: (id: string) =>
    new ApiError("Conflict.Lock", 409, `The resource ${id} is locked by another operation. Try again later.`), // status unverified
  albPriorityConflict: (priority: number, listenerId: string) =>
    new ApiError("Conflict.Priority", 400, `Priority ${priority} is already used on listener ${listenerId}.`), // unverified
  albAlreadyAssociated: (kind: "Acl", id: string) =>
    new ApiError(`ResourceAlreadyAssociated.${kind}`, 400, `The ${kind} ${id} is already associated.`),
  /** More entries in one call than the action takes (`Rules.N` above 10, `Servers.N` above 200…). */
  albBatchLimit: (name: string, max: number) =>
    new ApiError(
      "InvalidParameter",
      400,
      `The specified parameter "${name}" is not valid. At most ${max} per call.`,
    ), // code unverified
  albQuota: (limit: number) =>
    new ApiError(
      "QuotaExceeded.LoadBalancersNum",
      400,
      `The number of ALB instances exceeds the quota (${limit}).`,
    ), // unverified
  albQuotaOf: (what: "ListenersNum" | "RulesNum" | "ServersNum" | "AclsNum" | "TagsNum", limit: number) =>
    new ApiError(`QuotaExceeded.${what}`, 400, `The quota of ${what} (${limit}) is exceeded.`), // unverified

  // ---- CAS (SSL certificates)
  casNotFound: (id: string) => new ApiError("NotFound", 400, `The certificate ${id} does not exist.`), // unverified

  // ---- ECI
  eciNotFound: (id: string) =>
    new ApiError("InvalidImageCacheId.NotFound", 404, `The specified ImageCacheId does not exist: ${id}.`), // unverified code
  eciIncorrectStatus: (status: string) =>
    new ApiError(
      "IncorrectStatus.ImageCache",
      400,
      `The image cache status ${status} does not support this operation.`,
    ),
  eciQuota: (limit: number) =>
    new ApiError("QuotaExceeded.ImageCache", 400, `The number of image caches exceeds the quota (${limit}).`), // unverified
} as const;

const productHost: Record<string, string> = {
  slb: "slb.aliyuncs.com",
  alb: "alb.aliyuncs.com",
  eci: "eci.aliyuncs.com",
  vpc: "vpc.aliyuncs.com",
  ecs: "ecs.aliyuncs.com",
  cas: "cas.aliyuncs.com",
};
const productName: Record<string, string> = {
  slb: "Slb",
  alb: "Alb",
  eci: "Eci",
  vpc: "Vpc",
  ecs: "Ecs",
  cas: "cas",
};

/** The Alibaba error envelope. */
export function errorBody(
  err: ApiError,
  requestId: string,
  product: string | undefined,
): Record<string, string> {
  const p = product ?? "slb";
  return {
    RequestId: requestId,
    HostId: productHost[p] ?? "aliyuncs.com",
    Code: err.code,
    Message: err.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(err.code)}&product=${productName[p] ?? p}&requestId=${requestId}`,
  };
}
