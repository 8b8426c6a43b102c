// ALB (2020-06-16) over the generic openapi-core `callApi` (transport `rpc`), like SLB and ECI: the typed
// @alicloud/alb20200616 client put a model class for every field of the API in the module bundle. The params are
// what that SDK sends: its `<Action>Request` names flattened by `OpenApiUtil.query` (`Rules.1.RuleConditions.1.
// HostConfig.Values.1=…`), the lists it sends in the form body (`Rules`, `Servers`, `AddedServers`) in the body
// too; alb.test.ts compares both with the SDK's own serialisation. Every ALB mutation is asynchronous (returns a
// JobId, watched with ListAsynJobs); writes on a resource that is still Provisioning/Configuring answer
// IncorrectStatus.* or Conflict.Lock, which the transport retries as Busy. Batch APIs are split at the documented
// per-call limits (ALB_BATCH_LIMITS, docs/cloud-layer.md ALB).

import { ALB_CLOUD_DEFAULTS } from "../../config";
import { clientTokenFor } from "../client-token";
import { CloudError } from "../errors";
import {
  ALB_BATCH_LIMITS,
  type AlbAcl,
  type AlbAclEntry,
  type AlbCreateListenerRequest,
  type AlbCreateLoadBalancerRequest,
  type AlbCreateServerGroupRequest,
  type AlbJob,
  type AlbJobRef,
  type AlbListener,
  type AlbListenerAttributes,
  type AlbListenerCertificate,
  type AlbLoadBalancer,
  type AlbLoadBalancerQuery,
  type AlbProvider,
  type AlbRule,
  type AlbRuleAction,
  type AlbRuleCondition,
  type AlbRuleSpec,
  type AlbRuleUpdate,
  type AlbSecurityPolicy,
  type AlbServer,
  type AlbServerGroup,
  type AlbServerGroupAttributes,
  type AlbServerGroupQuery,
  type AlbServerGroupTuple,
  type AlbServerKey,
  type AlbTaggableType,
  type AlbTagResource,
  type AlbUpdateLoadBalancerRequest,
  type AlbWaitOptions,
  type AlbXForwardedForConfig,
  type Tag,
} from "../types";
import { AlbJobWaiter } from "./alb-jobs";
import type { RpcOptions, Transport } from "./transport";
import {
  allPages,
  bool,
  chunk,
  isObject,
  list,
  num,
  obj,
  oneOf,
  reqStr,
  str,
  strList,
  tagsFromWire,
  tagsToWire,
  type WireObject,
  type WireParams,
} from "./wire";

function nonEmpty<T>(items: readonly T[] | undefined): T[] | undefined {
  return items && items.length > 0 ? [...items] : undefined;
}

function jobRef(body: WireObject): AlbJobRef {
  const jobId = str(body, "JobId");
  return jobId ? { jobId } : {};
}

/** Drops absent and empty-string fields (where the adapter never meant to send or report an empty value). */
function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "")) as T;
}

/** `o[key]` when it is an object: a config block the answer has, even an empty one. */
function block(o: WireObject, key: string): WireObject | undefined {
  return isObject(o[key]) ? o[key] : undefined;
}

/** The string fields `keys` of a block (wire names capitalised); absent and empty ones left out. */
function strFields<K extends string>(o: WireObject, keys: readonly K[]): Partial<Record<K, string>> {
  const fields = Object.fromEntries(keys.map((k) => [k, str(o, k[0].toUpperCase() + k.slice(1))]));
  return strip(fields) as Partial<Record<K, string>>;
}

/** A string list only when the answer has the field (`[]` when it is there but empty). */
function maybeStrList(o: WireObject, key: string): string[] | undefined {
  return o[key] === undefined || o[key] === null ? undefined : strList(o, key);
}

const LB_STATUSES = ["Provisioning", "Active", "Inactive", "Configuring", "CreateFailed"] as const;
const LISTENER_STATUSES = ["Provisioning", "Running", "Configuring", "Stopped"] as const;
const LISTENER_PROTOCOLS = ["HTTP", "HTTPS", "QUIC"] as const;
const SERVER_TYPES = ["Ecs", "Eni", "Eci", "Ip"] as const;
const SERVER_STATUSES = ["Adding", "Available", "Configuring", "Removing"] as const;
const SCHEDULERS = ["Wrr", "Wlc", "Sch", "Uch"] as const;
const CONDITION_TYPES = ["Host", "Path", "Header", "QueryString", "Method", "Cookie", "SourceIp"] as const;
const ACTION_TYPES = [
  "ForwardGroup",
  "Redirect",
  "FixedResponse",
  "Rewrite",
  "InsertHeader",
  "RemoveHeader",
  "TrafficLimit",
  "TrafficMirror",
  "Cors",
] as const;

// ---------------------------------------------------------------- load balancers

export function albLoadBalancerFromWire(lb: WireObject): AlbLoadBalancer {
  const mod = obj(lb, "ModificationProtectionConfig");
  const reason = str(mod, "Reason");
  return {
    loadBalancerId: reqStr(lb, "LoadBalancerId"),
    loadBalancerName: reqStr(lb, "LoadBalancerName"),
    loadBalancerStatus: oneOf(str(lb, "LoadBalancerStatus"), LB_STATUSES, "Provisioning"),
    dnsName: reqStr(lb, "DNSName"),
    addressType: oneOf(str(lb, "AddressType"), ["Internet", "Intranet"] as const, "Internet"),
    addressAllocatedMode: oneOf(str(lb, "AddressAllocatedMode"), ["Dynamic", "Fixed"] as const, "Dynamic"),
    addressIpVersion: oneOf(str(lb, "AddressIpVersion"), ["IPv4", "DualStack"] as const, "IPv4"),
    ipv6AddressType: oneOf(str(lb, "Ipv6AddressType"), ["Internet", "Intranet"] as const),
    loadBalancerEdition: oneOf(
      str(lb, "LoadBalancerEdition"),
      ["Basic", "Standard", "StandardWithWaf"] as const,
      "Basic",
    ),
    vpcId: reqStr(lb, "VpcId"),
    resourceGroupId: str(lb, "ResourceGroupId"),
    payType: str(obj(lb, "LoadBalancerBillingConfig"), "PayType"),
    zoneMappings: list(lb, "ZoneMappings").map((z) => {
      const addrs = list(z, "LoadBalancerAddresses");
      return {
        zoneId: reqStr(z, "ZoneId"),
        vSwitchId: reqStr(z, "VSwitchId"),
        allocationId: addrs.map((a) => str(a, "AllocationId")).find(Boolean),
        address: str(addrs[0], "Address"),
        intranetAddress: str(addrs[0], "IntranetAddress"),
      };
    }),
    deletionProtectionEnabled: bool(obj(lb, "DeletionProtectionConfig"), "Enabled") ?? false,
    modificationProtection: {
      status: oneOf(str(mod, "Status"), ["NonProtection", "ConsoleProtection"] as const, "NonProtection"),
      ...(reason ? { reason } : {}),
    },
    operationLocks: list(lb, "LoadBalancerOperationLocks").map((l) => ({
      lockType: reqStr(l, "LockType"),
      lockReason: reqStr(l, "LockReason"),
    })),
    tags: tagsFromWire(lb),
  };
}

function modificationProtectionToWire(
  m: AlbUpdateLoadBalancerRequest["modificationProtection"],
): WireParams | undefined {
  return m ? strip({ Status: m.status, Reason: m.reason }) : undefined;
}

// ---------------------------------------------------------------- listeners

const XFF_KEYS = [
  "XForwardedForEnabled",
  "XForwardedForProtoEnabled",
  "XForwardedForSLBIdEnabled",
  "XForwardedForSLBPortEnabled",
  "XForwardedForClientSrcPortEnabled",
  "XForwardedForClientCertSubjectDNEnabled",
  "XForwardedForClientCertIssuerDNEnabled",
  "XForwardedForClientCertFingerprintEnabled",
  "XForwardedForClientCertClientVerifyEnabled",
  "XForwardedForHostEnabled",
] as const;
const xffField = (k: (typeof XFF_KEYS)[number]) => ("x" + k.slice(1)) as keyof AlbXForwardedForConfig;

function xffToWire(c: AlbXForwardedForConfig | undefined): WireParams | undefined {
  if (!c) return undefined;
  const out: WireParams = {};
  for (const k of XFF_KEYS) if (c[xffField(k)] !== undefined) out[k] = c[xffField(k)];
  return out;
}

function xffFromWire(w: WireObject): AlbXForwardedForConfig {
  const out: AlbXForwardedForConfig = {};
  for (const k of XFF_KEYS) {
    const v = bool(w, k);
    if (v !== undefined) out[xffField(k)] = v;
  }
  return out;
}

function defaultActionsToWire(serverGroupId: string): WireParams[] {
  return [
    { Type: "ForwardGroup", ForwardGroupConfig: { ServerGroupTuples: [{ ServerGroupId: serverGroupId }] } },
  ];
}

function listenerAttrsToWire(a: AlbListenerAttributes): WireParams {
  return {
    ListenerDescription: a.listenerDescription,
    IdleTimeout: a.idleTimeout,
    RequestTimeout: a.requestTimeout,
    GzipEnabled: a.gzipEnabled,
    Http2Enabled: a.http2Enabled,
    SecurityPolicyId: a.securityPolicyId,
    Certificates: a.defaultCertificateId ? [{ CertificateId: a.defaultCertificateId }] : undefined,
    DefaultActions: a.defaultServerGroupId ? defaultActionsToWire(a.defaultServerGroupId) : undefined,
    XForwardedForConfig: xffToWire(a.xForwardedForConfig),
  };
}

export function listenerFromWire(l: WireObject): AlbListener {
  const acl = obj(l, "AclConfig");
  const aclIds = list(acl, "AclRelations")
    .map((r) => str(r, "AclId") ?? "")
    .filter(Boolean);
  const aclType = oneOf(str(acl, "AclType"), ["White", "Black"] as const);
  const defaultTuple = list(obj(list(l, "DefaultActions")[0], "ForwardGroupConfig"), "ServerGroupTuples")[0];
  const out: AlbListener = {
    listenerId: reqStr(l, "ListenerId"),
    loadBalancerId: reqStr(l, "LoadBalancerId"),
    listenerPort: num(l, "ListenerPort") ?? 0,
    listenerProtocol: oneOf(str(l, "ListenerProtocol"), LISTENER_PROTOCOLS, "HTTP"),
    listenerStatus: oneOf(str(l, "ListenerStatus"), LISTENER_STATUSES, "Provisioning"),
    listenerDescription: reqStr(l, "ListenerDescription"),
    idleTimeout: num(l, "IdleTimeout"),
    requestTimeout: num(l, "RequestTimeout"),
    gzipEnabled: bool(l, "GzipEnabled"),
    http2Enabled: bool(l, "Http2Enabled"),
    securityPolicyId: str(l, "SecurityPolicyId"),
    defaultCertificateId: str(
      list(l, "Certificates").find((c) => bool(c, "IsDefault") !== false && str(c, "CertificateId")),
      "CertificateId",
    ),
    defaultServerGroupId: str(defaultTuple, "ServerGroupId"),
    xForwardedForConfig: xffFromWire(obj(l, "XForwardedForConfig")),
    tags: tagsFromWire(l),
  };
  if (aclType && aclIds.length > 0) out.aclConfig = { aclType, aclIds };
  return out;
}

// ---------------------------------------------------------------- rule conditions and actions
// Each kind nests under its own *Config block: `Rules.1.RuleConditions.1.HostConfig.Values.1=…`.

const CONDITION_CONFIG = {
  Host: "HostConfig",
  Path: "PathConfig",
  Method: "MethodConfig",
  SourceIp: "SourceIpConfig",
  Header: "HeaderConfig",
  QueryString: "QueryStringConfig",
  Cookie: "CookieConfig",
} as const satisfies Record<AlbRuleCondition["type"], string>;

/** QueryString and Cookie match name/value pairs; the others a list of values. */
const isPairs = (type: AlbRuleCondition["type"]) => type === "QueryString" || type === "Cookie";

export function conditionToWire(c: AlbRuleCondition): WireParams {
  const values = isPairs(c.type) ? c.values.map((v) => ({ Key: c.key, Value: v })) : c.values;
  const config = c.type === "Header" ? { Key: c.key, Values: values } : { Values: values };
  return { Type: c.type, [CONDITION_CONFIG[c.type]]: config };
}

export function conditionFromWire(w: WireObject): AlbRuleCondition {
  const type = oneOf(str(w, "Type"), CONDITION_TYPES, "Host");
  const cfg = obj(w, CONDITION_CONFIG[type]);
  if (isPairs(type)) {
    const pairs = list(cfg, "Values");
    const key = str(pairs[0], "Key");
    return { type, values: pairs.map((p) => str(p, "Value") ?? ""), ...(key ? { key } : {}) };
  }
  const key = type === "Header" ? str(cfg, "Key") : undefined;
  return { type, values: strList(cfg, "Values"), ...(key ? { key } : {}) };
}

function tuplesToWire(tuples: readonly AlbServerGroupTuple[]): WireParams[] {
  return tuples.map((t) => strip({ ServerGroupId: t.serverGroupId, Weight: t.weight }));
}

export function actionToWire(a: AlbRuleAction): WireParams {
  const { forwardGroup: fg, redirect: rd, fixedResponse: fr, rewrite: rw, trafficMirror: tm, cors } = a;
  return strip({
    Order: a.order,
    Type: a.type,
    ForwardGroupConfig: fg
      ? strip({
          ServerGroupTuples: tuplesToWire(fg.serverGroupTuples),
          ServerGroupStickySession: fg.stickySession
            ? { Enabled: fg.stickySession.enabled, Timeout: fg.stickySession.timeout }
            : undefined,
        })
      : undefined,
    RedirectConfig: rd
      ? strip({
          Protocol: rd.protocol,
          Port: rd.port,
          HttpCode: rd.httpCode,
          Host: rd.host,
          Path: rd.path,
          Query: rd.query,
        })
      : undefined,
    FixedResponseConfig: fr
      ? strip({ HttpCode: fr.httpCode, Content: fr.content, ContentType: fr.contentType })
      : undefined,
    RewriteConfig: rw ? strip({ Host: rw.host, Path: rw.path, Query: rw.query }) : undefined,
    InsertHeaderConfig: a.insertHeader
      ? { Key: a.insertHeader.key, Value: a.insertHeader.value, ValueType: a.insertHeader.valueType }
      : undefined,
    RemoveHeaderConfig: a.removeHeader ? { Key: a.removeHeader.key } : undefined,
    TrafficLimitConfig: a.trafficLimit
      ? strip({ QPS: a.trafficLimit.qps, PerIpQps: a.trafficLimit.perIpQps })
      : undefined,
    // The mirror group takes no weights (the API has no Weight there).
    TrafficMirrorConfig: tm
      ? {
          TargetType: tm.targetType,
          MirrorGroupConfig: {
            ServerGroupTuples: tm.serverGroupTuples.map((t) => strip({ ServerGroupId: t.serverGroupId })),
          },
        }
      : undefined,
    CorsConfig: cors
      ? strip({
          AllowOrigin: cors.allowOrigin,
          AllowMethods: cors.allowMethods,
          AllowHeaders: cors.allowHeaders,
          ExposeHeaders: cors.exposeHeaders,
          AllowCredentials: cors.allowCredentials,
          MaxAge: cors.maxAge,
        })
      : undefined,
  });
}

function tuplesFromWire(tuples: WireObject[]): AlbServerGroupTuple[] {
  return tuples
    .filter((t) => str(t, "ServerGroupId"))
    .map((t) => {
      const weight = num(t, "Weight");
      return { serverGroupId: reqStr(t, "ServerGroupId"), ...(weight !== undefined ? { weight } : {}) };
    });
}

export function actionFromWire(w: WireObject): AlbRuleAction {
  const out: AlbRuleAction = {
    order: num(w, "Order") ?? 0,
    type: oneOf(str(w, "Type"), ACTION_TYPES, "ForwardGroup"),
  };
  const fg = block(w, "ForwardGroupConfig");
  if (fg) {
    const sticky = obj(fg, "ServerGroupStickySession");
    const enabled = bool(sticky, "Enabled");
    out.forwardGroup = {
      serverGroupTuples: tuplesFromWire(list(fg, "ServerGroupTuples")),
      ...(enabled !== undefined
        ? { stickySession: strip({ enabled, timeout: num(sticky, "Timeout") }) }
        : {}),
    };
  }
  const rd = block(w, "RedirectConfig");
  if (rd) out.redirect = strFields(rd, ["protocol", "port", "httpCode", "host", "path", "query"]);
  const fr = block(w, "FixedResponseConfig");
  if (fr)
    out.fixedResponse = strip({
      httpCode: reqStr(fr, "HttpCode"),
      content: str(fr, "Content"),
      contentType: str(fr, "ContentType"),
    });
  const rw = block(w, "RewriteConfig");
  if (rw) out.rewrite = strFields(rw, ["host", "path", "query"]);
  const ih = obj(w, "InsertHeaderConfig");
  const ihKey = str(ih, "Key");
  if (ihKey)
    out.insertHeader = {
      key: ihKey,
      value: reqStr(ih, "Value"),
      valueType: oneOf(
        str(ih, "ValueType"),
        ["UserDefined", "ReferenceHeader", "SystemDefined"] as const,
        "UserDefined",
      ),
    };
  const rhKey = str(obj(w, "RemoveHeaderConfig"), "Key");
  if (rhKey) out.removeHeader = { key: rhKey };
  const tl = block(w, "TrafficLimitConfig");
  if (tl) out.trafficLimit = strip({ qps: num(tl, "QPS"), perIpQps: num(tl, "PerIpQps") });
  const tm = block(w, "TrafficMirrorConfig");
  if (tm)
    out.trafficMirror = {
      targetType: "ForwardGroupMirror",
      serverGroupTuples: tuplesFromWire(list(obj(tm, "MirrorGroupConfig"), "ServerGroupTuples")),
    };
  const cors = block(w, "CorsConfig");
  if (cors)
    out.cors = strip({
      allowOrigin: strList(cors, "AllowOrigin"),
      allowMethods: maybeStrList(cors, "AllowMethods"),
      allowHeaders: maybeStrList(cors, "AllowHeaders"),
      exposeHeaders: maybeStrList(cors, "ExposeHeaders"),
      allowCredentials: oneOf(str(cors, "AllowCredentials"), ["on", "off"] as const),
      maxAge: num(cors, "MaxAge"),
    });
  return out;
}

/** One `Rules.N` entry; UpdateRulesAttribute takes no Direction (a rule's direction is fixed at creation). */
function ruleToWire(r: Partial<AlbRuleSpec>, direction: boolean): WireParams {
  return {
    Priority: r.priority,
    RuleName: r.ruleName,
    RuleConditions: r.conditions?.map(conditionToWire),
    RuleActions: r.actions?.map(actionToWire),
    Direction: direction ? r.direction : undefined,
  };
}

function ruleFromWire(r: WireObject, listenerId: string): AlbRule {
  return {
    ruleId: reqStr(r, "RuleId"),
    listenerId: str(r, "ListenerId") ?? listenerId,
    loadBalancerId: reqStr(r, "LoadBalancerId"),
    priority: num(r, "Priority") ?? 0,
    ruleName: reqStr(r, "RuleName"),
    ruleStatus: oneOf(
      str(r, "RuleStatus"),
      ["Provisioning", "Configuring", "Available"] as const,
      "Available",
    ),
    direction: oneOf(str(r, "Direction"), ["Request", "Response"] as const, "Request"),
    conditions: list(r, "RuleConditions").map(conditionFromWire),
    actions: list(r, "RuleActions").map(actionFromWire),
  };
}

// ---------------------------------------------------------------- server groups

function healthCheckToWire(h: AlbServerGroupAttributes["healthCheckConfig"]): WireParams | undefined {
  return h
    ? strip({
        HealthCheckEnabled: h.healthCheckEnabled,
        HealthCheckProtocol: h.healthCheckProtocol,
        HealthCheckMethod: h.healthCheckMethod,
        HealthCheckPath: h.healthCheckPath,
        HealthCheckHost: h.healthCheckHost,
        HealthCheckCodes: h.healthCheckCodes,
        HealthCheckConnectPort: h.healthCheckConnectPort,
        HealthCheckInterval: h.healthCheckInterval,
        HealthCheckTimeout: h.healthCheckTimeout,
        HealthyThreshold: h.healthyThreshold,
        UnhealthyThreshold: h.unhealthyThreshold,
        HealthCheckHttpVersion: h.healthCheckHttpVersion,
      })
    : undefined;
}

/** The attributes CreateServerGroup and UpdateServerGroupAttribute share. */
function serverGroupAttrsToWire(a: AlbServerGroupAttributes): WireParams {
  const sticky = a.stickySessionConfig;
  return {
    ServerGroupName: a.serverGroupName,
    Scheduler: a.scheduler,
    HealthCheckConfig: healthCheckToWire(a.healthCheckConfig),
    StickySessionConfig: sticky
      ? strip({
          StickySessionEnabled: sticky.stickySessionEnabled,
          StickySessionType: sticky.stickySessionType,
          Cookie: sticky.cookie,
          CookieTimeout: sticky.cookieTimeout,
        })
      : undefined,
    UpstreamKeepaliveEnabled: a.upstreamKeepaliveEnabled,
    UchConfig: a.uchConfig ? { Type: a.uchConfig.type, Value: a.uchConfig.value } : undefined,
  };
}

export function serverGroupFromWire(g: WireObject): AlbServerGroup {
  const hc = obj(g, "HealthCheckConfig");
  const sticky = obj(g, "StickySessionConfig");
  const hcHost = str(hc, "HealthCheckHost");
  const hcHttpVersion = str(hc, "HealthCheckHttpVersion");
  return {
    serverGroupId: reqStr(g, "ServerGroupId"),
    serverGroupName: reqStr(g, "ServerGroupName"),
    serverGroupType: oneOf(str(g, "ServerGroupType"), ["Instance", "Ip", "Fc"] as const, "Instance"),
    serverGroupStatus: oneOf(
      str(g, "ServerGroupStatus"),
      ["Creating", "Available", "Configuring"] as const,
      "Available",
    ),
    protocol: oneOf(str(g, "Protocol"), ["HTTP", "HTTPS", "gRPC"] as const, "HTTP"),
    vpcId: reqStr(g, "VpcId"),
    scheduler: oneOf(str(g, "Scheduler"), SCHEDULERS, "Wrr"),
    healthCheckConfig: {
      healthCheckEnabled: bool(hc, "HealthCheckEnabled") ?? false,
      healthCheckProtocol: oneOf(
        str(hc, "HealthCheckProtocol"),
        ["HTTP", "HTTPS", "TCP", "gRPC"] as const,
        "HTTP",
      ),
      healthCheckMethod: oneOf(str(hc, "HealthCheckMethod"), ["HEAD", "GET", "POST"] as const, "HEAD"),
      healthCheckPath: reqStr(hc, "HealthCheckPath"),
      healthCheckCodes: strList(hc, "HealthCheckCodes"),
      healthCheckConnectPort: num(hc, "HealthCheckConnectPort") ?? 0,
      healthCheckInterval: num(hc, "HealthCheckInterval") ?? 0,
      healthCheckTimeout: num(hc, "HealthCheckTimeout") ?? 0,
      healthyThreshold: num(hc, "HealthyThreshold") ?? 0,
      unhealthyThreshold: num(hc, "UnhealthyThreshold") ?? 0,
      ...(hcHost ? { healthCheckHost: hcHost } : {}),
      ...(hcHttpVersion
        ? { healthCheckHttpVersion: oneOf(hcHttpVersion, ["HTTP1.0", "HTTP1.1"] as const, "HTTP1.1") }
        : {}),
    },
    stickySessionConfig: strip({
      stickySessionEnabled: bool(sticky, "StickySessionEnabled") ?? false,
      stickySessionType: oneOf(str(sticky, "StickySessionType"), ["Insert", "Server"] as const),
      cookie: str(sticky, "Cookie"),
      cookieTimeout: num(sticky, "CookieTimeout"),
    }),
    upstreamKeepaliveEnabled: bool(g, "UpstreamKeepaliveEnabled") ?? false,
    serverCount: num(g, "ServerCount") ?? 0,
    relatedLoadBalancerIds: strList(g, "RelatedLoadBalancerIds"),
    tags: tagsFromWire(g),
  };
}

function serverToWire(s: AlbServer): WireParams {
  return strip({
    ServerId: s.serverId,
    ServerType: s.serverType,
    ServerIp: s.serverIp,
    Port: s.port,
    Weight: s.weight,
    Description: s.description,
  });
}

function serverKeyToWire(s: AlbServerKey): WireParams {
  return strip({ ServerId: s.serverId, ServerType: s.serverType, ServerIp: s.serverIp, Port: s.port });
}

function serverFromWire(s: WireObject): AlbServer {
  const serverIp = str(s, "ServerIp");
  const description = str(s, "Description");
  return {
    serverId: reqStr(s, "ServerId"),
    serverType: oneOf(str(s, "ServerType"), SERVER_TYPES, "Ecs"),
    ...(serverIp ? { serverIp } : {}),
    port: num(s, "Port") ?? 0,
    weight: num(s, "Weight") ?? 0,
    ...(description ? { description } : {}),
    status: oneOf(str(s, "Status"), SERVER_STATUSES, "Available"),
  };
}

/** Deletes: after an ambiguous failure, a retry that finds the resource gone means the first attempt deleted it;
 * the answer is then an empty body (no JobId to wait for). */
const GONE_IS_DONE: RpcOptions = { alreadyDone: { kinds: ["NotFound"], result: () => ({}) } };

/** A list call's answer: the items under `key` and the next page's token. */
function page(res: WireObject, key: string): { items: WireObject[]; nextToken?: string } {
  return { items: list(res, key), nextToken: str(res, "NextToken") };
}

export interface AlbProviderDeps {
  /** Waits between polls (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export class AlibabaAlbProvider implements AlbProvider {
  readonly #t: Transport;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  readonly #jobs: AlbJobWaiter;

  constructor(t: Transport, deps: AlbProviderDeps = {}) {
    this.#t = t;
    this.#sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#now = deps.now ?? Date.now;
    this.#jobs = new AlbJobWaiter({
      listAsynJobs: (jobIds) => this.listAsynJobs({ jobIds }),
      sleep: this.#sleep,
      now: this.#now,
    });
  }

  /** One ALB call through the transport (rate limit, retries, error mapping). */
  #call(action: string, params: WireParams, opts?: RpcOptions): Promise<WireObject> {
    return this.#t.rpc("alb", action, params, opts);
  }

  /** A delete that counts "already gone" as done. */
  async #delete(action: string, params: WireParams): Promise<AlbJobRef> {
    try {
      return jobRef(await this.#call(action, params, GONE_IS_DONE));
    } catch (e) {
      if (e instanceof CloudError && e.kind === "NotFound") return {};
      throw e;
    }
  }

  /** Every page of a list call (`MaxResults`/`NextToken`). */
  #listAll(action: string, params: WireParams, key: string): Promise<WireObject[]> {
    return allPages(async (nextToken) =>
      page(await this.#call(action, { ...params, MaxResults: this.#t.pageSize, NextToken: nextToken }), key),
    );
  }

  /** One call per batch of `items`; the job of each. */
  async #batched<T>(
    items: readonly T[],
    size: number,
    send: (batch: T[]) => Promise<WireObject>,
  ): Promise<AlbJobRef[]> {
    const out: AlbJobRef[] = [];
    for (const batch of chunk(items, size)) out.push(jobRef(await send(batch)));
    return out;
  }

  // ---------------------------------------------------------------- load balancers

  async listLoadBalancers(query: AlbLoadBalancerQuery): Promise<AlbLoadBalancer[]> {
    const listed = await this.#listAll(
      "ListLoadBalancers",
      {
        LoadBalancerIds: nonEmpty(query.loadBalancerIds),
        LoadBalancerNames: nonEmpty(query.loadBalancerNames),
        VpcIds: nonEmpty(query.vpcIds),
        Tag: tagsToWire(query.tags),
      },
      "LoadBalancers",
    );
    // The list has no zone mappings; a caller diffing them needs the full attribute.
    const out: AlbLoadBalancer[] = [];
    for (const lb of listed) {
      const id = str(lb, "LoadBalancerId");
      if (!id) continue;
      try {
        out.push(await this.getLoadBalancer(id));
      } catch (e) {
        // Deleted between list and get: it simply is not there any more.
        if (!(e instanceof CloudError && e.kind === "NotFound")) throw e;
      }
    }
    return out;
  }

  async getLoadBalancer(loadBalancerId: string): Promise<AlbLoadBalancer> {
    return albLoadBalancerFromWire(
      await this.#call("GetLoadBalancerAttribute", { LoadBalancerId: loadBalancerId }),
    );
  }

  async createLoadBalancer(req: AlbCreateLoadBalancerRequest): Promise<{ loadBalancerId: string }> {
    const res = await this.#call("CreateLoadBalancer", {
      ClientToken: req.clientToken,
      LoadBalancerName: req.loadBalancerName,
      VpcId: req.vpcId,
      AddressType: req.addressType,
      AddressAllocatedMode: req.addressAllocatedMode,
      AddressIpVersion: req.addressIpVersion,
      LoadBalancerEdition: req.loadBalancerEdition,
      LoadBalancerBillingConfig: { PayType: req.payType },
      ZoneMappings: req.zoneMappings.map((z) =>
        strip({ ZoneId: z.zoneId, VSwitchId: z.vSwitchId, AllocationId: z.allocationId }),
      ),
      ResourceGroupId: req.resourceGroupId,
      DeletionProtectionEnabled: req.deletionProtectionEnabled,
      ModificationProtectionConfig: modificationProtectionToWire(req.modificationProtection),
      Tag: tagsToWire(req.tags),
    });
    // The only mutation without a JobId: progress shows in LoadBalancerStatus (waitForLoadBalancerActive).
    return { loadBalancerId: reqStr(res, "LoadBalancerId") };
  }

  async updateLoadBalancer(loadBalancerId: string, req: AlbUpdateLoadBalancerRequest): Promise<AlbJobRef> {
    if (req.loadBalancerName === undefined && req.modificationProtection === undefined) return {};
    const res = await this.#call("UpdateLoadBalancerAttribute", {
      LoadBalancerId: loadBalancerId,
      LoadBalancerName: req.loadBalancerName,
      ModificationProtectionConfig: modificationProtectionToWire(req.modificationProtection),
    });
    return jobRef(res);
  }

  async setDeletionProtection(loadBalancerId: string, enabled: boolean): Promise<void> {
    const action = enabled ? "EnableDeletionProtection" : "DisableDeletionProtection";
    await this.#call(action, { ResourceId: loadBalancerId });
  }

  async deleteLoadBalancer(
    loadBalancerId: string,
    opts: { disableProtection?: boolean } = {},
  ): Promise<AlbJobRef> {
    try {
      if (opts.disableProtection) await this.setDeletionProtection(loadBalancerId, false);
    } catch (e) {
      if (e instanceof CloudError && e.kind === "NotFound") return {};
      throw e;
    }
    return this.#delete("DeleteLoadBalancer", { LoadBalancerId: loadBalancerId });
  }

  async waitForLoadBalancerActive(
    loadBalancerId: string,
    opts: AlbWaitOptions = {},
  ): Promise<AlbLoadBalancer> {
    return this.#poll(`ALB ${loadBalancerId} to become Active`, opts, async () => {
      const lb = await this.getLoadBalancer(loadBalancerId);
      if (lb.loadBalancerStatus === "CreateFailed")
        throw new CloudError({
          kind: "Conflict",
          code: "CreateFailed",
          message: `alb:GetLoadBalancerAttribute: ${loadBalancerId} failed to create`,
          action: "alb:GetLoadBalancerAttribute",
        });
      return lb.loadBalancerStatus === "Active" ? lb : undefined;
    });
  }

  // ---------------------------------------------------------------- jobs

  async listAsynJobs(query: { jobIds?: string[]; resourceIds?: string[] }): Promise<AlbJob[]> {
    const jobs = await this.#listAll(
      "ListAsynJobs",
      { JobIds: nonEmpty(query.jobIds), ResourceIds: nonEmpty(query.resourceIds) },
      "Jobs",
    );
    return jobs.map((j) => {
      const errorCode = str(j, "ErrorCode");
      const errorMessage = str(j, "ErrorMessage");
      return {
        jobId: reqStr(j, "Id"),
        apiName: reqStr(j, "ApiName"),
        resourceType: reqStr(j, "ResourceType"),
        resourceIds: reqStr(j, "ResourceId").split(",").filter(Boolean),
        status: oneOf(str(j, "Status"), ["Processing", "Succeeded", "Failed"] as const, "Processing"),
        ...(errorCode ? { errorCode } : {}),
        ...(errorMessage ? { errorMessage } : {}),
      };
    });
  }

  /** Batched with every other waiter of this provider (alb-jobs.ts). */
  waitForJobs(jobIds: readonly string[], opts: AlbWaitOptions = {}): Promise<void> {
    return this.#jobs.wait(jobIds, opts);
  }

  async #poll<T>(what: string, opts: AlbWaitOptions, probe: () => Promise<T | undefined>): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? ALB_CLOUD_DEFAULTS.waitTimeoutMs;
    const pollMs = opts.pollIntervalMs ?? ALB_CLOUD_DEFAULTS.pollIntervalMs;
    const deadline = this.#now() + timeoutMs;
    for (;;) {
      const got = await probe();
      if (got !== undefined) return got;
      if (this.#now() + pollMs > deadline)
        throw new CloudError({
          kind: "Timeout",
          code: "WaitTimeout",
          message: `timed out after ${timeoutMs} ms waiting for ${what}`,
        });
      await this.#sleep(pollMs);
    }
  }

  // ---------------------------------------------------------------- listeners

  async createListener(req: AlbCreateListenerRequest): Promise<{ listenerId: string } & AlbJobRef> {
    const res = await this.#call("CreateListener", {
      ...listenerAttrsToWire(req),
      ClientToken: req.clientToken,
      LoadBalancerId: req.loadBalancerId,
      ListenerPort: req.listenerPort,
      ListenerProtocol: req.listenerProtocol,
      DefaultActions: defaultActionsToWire(req.defaultServerGroupId),
      Tag: tagsToWire(req.tags),
    });
    return { listenerId: reqStr(res, "ListenerId"), ...jobRef(res) };
  }

  async listListeners(loadBalancerId: string): Promise<AlbListener[]> {
    const listed = await this.#listAll("ListListeners", { LoadBalancerIds: [loadBalancerId] }, "Listeners");
    // Certificates and ACLs are only in the attribute call.
    const out: AlbListener[] = [];
    for (const l of listed) {
      const id = str(l, "ListenerId");
      if (!id) continue;
      try {
        out.push(await this.getListener(id));
      } catch (e) {
        if (!(e instanceof CloudError && e.kind === "NotFound")) throw e;
      }
    }
    return out;
  }

  async getListener(listenerId: string): Promise<AlbListener> {
    return listenerFromWire(await this.#call("GetListenerAttribute", { ListenerId: listenerId }));
  }

  async updateListener(listenerId: string, attrs: AlbListenerAttributes): Promise<AlbJobRef> {
    const fields = strip(listenerAttrsToWire(attrs));
    if (Object.keys(fields).length === 0) return {};
    return jobRef(await this.#call("UpdateListenerAttribute", { ListenerId: listenerId, ...fields }));
  }

  async startListener(listenerId: string): Promise<AlbJobRef> {
    return jobRef(await this.#call("StartListener", { ListenerId: listenerId }));
  }

  async stopListener(listenerId: string): Promise<AlbJobRef> {
    return jobRef(await this.#call("StopListener", { ListenerId: listenerId }));
  }

  async deleteListener(listenerId: string): Promise<AlbJobRef> {
    return this.#delete("DeleteListener", { ListenerId: listenerId });
  }

  async listListenerCertificates(listenerId: string): Promise<AlbListenerCertificate[]> {
    const certs = await this.#listAll(
      "ListListenerCertificates",
      { ListenerId: listenerId, CertificateType: "Server" },
      "Certificates",
    );
    return certs
      .filter((c) => str(c, "CertificateId"))
      .map((c) => ({
        certificateId: reqStr(c, "CertificateId"),
        isDefault: bool(c, "IsDefault") ?? false,
        status: oneOf(
          str(c, "Status"),
          ["Associating", "Associated", "Diassociating"] as const,
          "Associated",
        ),
      }));
  }

  async associateAdditionalCertificates(
    listenerId: string,
    certificateIds: readonly string[],
  ): Promise<AlbJobRef[]> {
    return this.#certificates("AssociateAdditionalCertificatesWithListener", listenerId, certificateIds);
  }

  async dissociateAdditionalCertificates(
    listenerId: string,
    certificateIds: readonly string[],
  ): Promise<AlbJobRef[]> {
    return this.#certificates("DissociateAdditionalCertificatesFromListener", listenerId, certificateIds);
  }

  #certificates(action: string, listenerId: string, certificateIds: readonly string[]): Promise<AlbJobRef[]> {
    return this.#batched(certificateIds, ALB_BATCH_LIMITS.certificatesPerCall, (batch) =>
      this.#call(action, {
        ListenerId: listenerId,
        Certificates: batch.map((id) => ({ CertificateId: id })),
      }),
    );
  }

  // ---------------------------------------------------------------- rules

  async listRules(listenerId: string): Promise<AlbRule[]> {
    const rules = await this.#listAll("ListRules", { ListenerIds: [listenerId] }, "Rules");
    return rules.map((r) => ruleFromWire(r, listenerId));
  }

  async createRules(
    listenerId: string,
    rules: readonly AlbRuleSpec[],
    clientToken: string,
  ): Promise<{ ruleIds: string[]; jobIds: string[] }> {
    const ruleIds: string[] = [];
    const jobIds: string[] = [];
    let batchNo = 0;
    for (const batch of chunk(rules, ALB_BATCH_LIMITS.rulesPerCall)) {
      // One token per batch: a retried batch is replayed, the next batch is a different request.
      const token = batchNo === 0 ? clientToken : clientTokenFor(clientToken, `batch-${batchNo}`);
      batchNo++;
      const res = await this.#call(
        "CreateRules",
        { ClientToken: token, ListenerId: listenerId },
        { body: { Rules: batch.map((r) => ruleToWire(r, true)) } },
      );
      // The answer lists (Priority, RuleId); priorities are unique on a listener, so map back by them.
      const byPriority = new Map(list(res, "RuleIds").map((x) => [num(x, "Priority"), reqStr(x, "RuleId")]));
      for (const r of batch) ruleIds.push(byPriority.get(r.priority) ?? "");
      const { jobId } = jobRef(res);
      if (jobId) jobIds.push(jobId);
    }
    return { ruleIds, jobIds };
  }

  async updateRules(updates: readonly AlbRuleUpdate[]): Promise<AlbJobRef[]> {
    return this.#batched(updates, ALB_BATCH_LIMITS.rulesPerCall, (batch) =>
      this.#call(
        "UpdateRulesAttribute",
        {},
        { body: { Rules: batch.map((u) => strip({ RuleId: u.ruleId, ...ruleToWire(u, false) })) } },
      ),
    );
  }

  async deleteRules(ruleIds: readonly string[]): Promise<AlbJobRef[]> {
    const out: AlbJobRef[] = [];
    for (const batch of chunk(ruleIds, ALB_BATCH_LIMITS.ruleIdsPerDelete)) {
      try {
        out.push(jobRef(await this.#call("DeleteRules", { RuleIds: batch }, GONE_IS_DONE)));
      } catch (e) {
        if (!(e instanceof CloudError && e.kind === "NotFound")) throw e;
        // One rule of the batch is gone (deleted meanwhile): delete the others one by one.
        for (const ruleId of batch) {
          try {
            out.push(jobRef(await this.#call("DeleteRule", { RuleId: ruleId })));
          } catch (inner) {
            if (!(inner instanceof CloudError && inner.kind === "NotFound")) throw inner;
          }
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- server groups

  async createServerGroup(req: AlbCreateServerGroupRequest): Promise<{ serverGroupId: string } & AlbJobRef> {
    const res = await this.#call("CreateServerGroup", {
      ...serverGroupAttrsToWire(req),
      ClientToken: req.clientToken,
      ServerGroupType: req.serverGroupType,
      VpcId: req.vpcId,
      Protocol: req.protocol,
      ResourceGroupId: req.resourceGroupId,
      Tag: tagsToWire(req.tags),
    });
    return { serverGroupId: reqStr(res, "ServerGroupId"), ...jobRef(res) };
  }

  async listServerGroups(query: AlbServerGroupQuery): Promise<AlbServerGroup[]> {
    const groups = await this.#listAll(
      "ListServerGroups",
      {
        ServerGroupIds: nonEmpty(query.serverGroupIds),
        ServerGroupNames: nonEmpty(query.serverGroupNames),
        Tag: tagsToWire(query.tags),
        VpcId: query.vpcId,
      },
      "ServerGroups",
    );
    return groups.map(serverGroupFromWire);
  }

  async updateServerGroup(serverGroupId: string, attrs: AlbServerGroupAttributes): Promise<AlbJobRef> {
    const fields = strip(serverGroupAttrsToWire(attrs));
    if (Object.keys(fields).length === 0) return {};
    return jobRef(
      await this.#call("UpdateServerGroupAttribute", { ServerGroupId: serverGroupId, ...fields }),
    );
  }

  async deleteServerGroup(serverGroupId: string): Promise<AlbJobRef> {
    return this.#delete("DeleteServerGroup", { ServerGroupId: serverGroupId });
  }

  async listServerGroupServers(serverGroupId: string): Promise<AlbServer[]> {
    const servers = await this.#listAll(
      "ListServerGroupServers",
      { ServerGroupId: serverGroupId },
      "Servers",
    );
    return servers.map(serverFromWire);
  }

  async listServersOfTaggedGroups(tags: Tag[]): Promise<(AlbServer & { serverGroupId: string })[]> {
    // ServerGroupId is optional; Tag filters on the groups' tags (alibabacloud SDKs, alb-20200616
    // ListServerGroupServersRequest), and each server names its group.
    const servers = await this.#listAll("ListServerGroupServers", { Tag: tagsToWire(tags) }, "Servers");
    return servers.map((s) => ({ ...serverFromWire(s), serverGroupId: reqStr(s, "ServerGroupId") }));
  }

  async addServers(serverGroupId: string, servers: readonly AlbServer[]): Promise<AlbJobRef[]> {
    return this.#servers("AddServersToServerGroup", serverGroupId, servers);
  }

  async removeServers(serverGroupId: string, servers: readonly AlbServerKey[]): Promise<AlbJobRef[]> {
    return this.#batched(servers, ALB_BATCH_LIMITS.serversPerCall, (batch) =>
      this.#call("RemoveServersFromServerGroup", {
        ServerGroupId: serverGroupId,
        Servers: batch.map(serverKeyToWire),
      }),
    );
  }

  async updateServers(serverGroupId: string, servers: readonly AlbServer[]): Promise<AlbJobRef[]> {
    return this.#servers("UpdateServerGroupServersAttribute", serverGroupId, servers);
  }

  /** Add and update send `Servers` in the form body (as the SDK does); remove sends them in the query. */
  #servers(action: string, serverGroupId: string, servers: readonly AlbServer[]): Promise<AlbJobRef[]> {
    return this.#batched(servers, ALB_BATCH_LIMITS.serversPerCall, (batch) =>
      this.#call(action, { ServerGroupId: serverGroupId }, { body: { Servers: batch.map(serverToWire) } }),
    );
  }

  async replaceServers(
    serverGroupId: string,
    add: readonly AlbServer[],
    remove: readonly AlbServerKey[],
  ): Promise<AlbJobRef[]> {
    const out: AlbJobRef[] = [];
    const n = Math.max(add.length, remove.length);
    for (let i = 0; i < n; i += ALB_BATCH_LIMITS.serversPerCall) {
      const added = add.slice(i, i + ALB_BATCH_LIMITS.serversPerCall);
      const removed = remove.slice(i, i + ALB_BATCH_LIMITS.serversPerCall);
      const res = await this.#call(
        "ReplaceServersInServerGroup",
        { ServerGroupId: serverGroupId, RemovedServers: nonEmpty(removed.map(serverKeyToWire)) },
        { body: { AddedServers: nonEmpty(added.map(serverToWire)) } },
      );
      out.push(jobRef(res));
    }
    return out;
  }

  // ---------------------------------------------------------------- tags

  async tagResources(
    type: AlbTaggableType,
    resourceIds: readonly string[],
    tags: readonly Tag[],
  ): Promise<void> {
    if (resourceIds.length === 0 || tags.length === 0) return;
    for (const ids of chunk(resourceIds, ALB_BATCH_LIMITS.resourceIdsPerTagCall)) {
      for (const tagBatch of chunk(tags, ALB_BATCH_LIMITS.tagsPerCall)) {
        await this.#call("TagResources", { ResourceType: type, ResourceId: ids, Tag: tagsToWire(tagBatch) });
      }
    }
  }

  async untagResources(
    type: AlbTaggableType,
    resourceIds: readonly string[],
    keys?: readonly string[],
  ): Promise<void> {
    if (resourceIds.length === 0 || (keys && keys.length === 0)) return;
    for (const ids of chunk(resourceIds, ALB_BATCH_LIMITS.resourceIdsPerTagCall)) {
      for (const keyBatch of keys ? chunk(keys, ALB_BATCH_LIMITS.tagsPerCall) : [undefined]) {
        await this.#call("UnTagResources", {
          ResourceType: type,
          ResourceId: ids,
          TagKey: keyBatch,
          All: keyBatch ? undefined : true,
        });
      }
    }
  }

  async listTagResources(query: {
    resourceType: AlbTaggableType;
    resourceIds?: string[];
    tags?: Tag[];
  }): Promise<AlbTagResource[]> {
    const idBatches: Array<string[] | undefined> = query.resourceIds?.length
      ? chunk(query.resourceIds, ALB_BATCH_LIMITS.resourceIdsPerTagCall)
      : [undefined];
    const items: WireObject[] = [];
    for (const ids of idBatches) {
      items.push(
        ...(await this.#listAll(
          "ListTagResources",
          { ResourceType: query.resourceType, ResourceId: ids, Tag: tagsToWire(query.tags) },
          "TagResources",
        )),
      );
    }
    return items
      .filter((t) => str(t, "ResourceId") && str(t, "TagKey"))
      .map((t) => ({
        resourceId: reqStr(t, "ResourceId"),
        resourceType: query.resourceType,
        tag: { key: reqStr(t, "TagKey"), value: reqStr(t, "TagValue") },
      }));
  }

  // ---------------------------------------------------------------- ACLs

  async createAcl(req: {
    aclName: string;
    tags?: Tag[];
    clientToken: string;
  }): Promise<{ aclId: string } & AlbJobRef> {
    const res = await this.#call("CreateAcl", {
      AclName: req.aclName,
      Tag: tagsToWire(req.tags),
      ClientToken: req.clientToken,
    });
    return { aclId: reqStr(res, "AclId"), ...jobRef(res) };
  }

  async listAcls(query: { aclIds?: string[]; aclNames?: string[]; tags?: Tag[] }): Promise<AlbAcl[]> {
    const acls = await this.#listAll(
      "ListAcls",
      { AclIds: nonEmpty(query.aclIds), AclNames: nonEmpty(query.aclNames), Tag: tagsToWire(query.tags) },
      "Acls",
    );
    return acls.map((a) => ({
      aclId: reqStr(a, "AclId"),
      aclName: reqStr(a, "AclName"),
      aclStatus: oneOf(str(a, "AclStatus"), ["Creating", "Available", "Configuring"] as const, "Available"),
      addressIpVersion: "IPv4",
      tags: tagsFromWire(a),
    }));
  }

  async listAclEntries(aclId: string): Promise<AlbAclEntry[]> {
    const entries = await this.#listAll("ListAclEntries", { AclId: aclId }, "AclEntries");
    return entries
      .filter((e) => str(e, "Entry"))
      .map((e) => {
        const description = str(e, "Description");
        return { entry: reqStr(e, "Entry"), ...(description ? { description } : {}) };
      });
  }

  async addAclEntries(aclId: string, entries: readonly AlbAclEntry[]): Promise<AlbJobRef[]> {
    return this.#batched(entries, ALB_BATCH_LIMITS.aclEntriesPerCall, (batch) =>
      this.#call("AddEntriesToAcl", {
        AclId: aclId,
        AclEntries: batch.map((e) => strip({ Entry: e.entry, Description: e.description })),
      }),
    );
  }

  async removeAclEntries(aclId: string, entries: readonly string[]): Promise<AlbJobRef[]> {
    return this.#batched(entries, ALB_BATCH_LIMITS.aclEntriesPerCall, (batch) =>
      this.#call("RemoveEntriesFromAcl", { AclId: aclId, Entries: batch }),
    );
  }

  async associateAclsWithListener(
    listenerId: string,
    aclIds: readonly string[],
    aclType: "White" | "Black",
  ): Promise<AlbJobRef[]> {
    return this.#batched(aclIds, ALB_BATCH_LIMITS.aclIdsPerCall, (batch) =>
      this.#call("AssociateAclsWithListener", { ListenerId: listenerId, AclIds: batch, AclType: aclType }),
    );
  }

  async dissociateAclsFromListener(listenerId: string, aclIds: readonly string[]): Promise<AlbJobRef[]> {
    return this.#batched(aclIds, ALB_BATCH_LIMITS.aclIdsPerCall, (batch) =>
      this.#call("DissociateAclsFromListener", { ListenerId: listenerId, AclIds: batch }),
    );
  }

  async deleteAcl(aclId: string): Promise<AlbJobRef> {
    return this.#delete("DeleteAcl", { AclId: aclId });
  }

  // ---------------------------------------------------------------- security policies

  async listSystemSecurityPolicies(): Promise<AlbSecurityPolicy[]> {
    const res = await this.#call("ListSystemSecurityPolicies", {});
    return list(res, "SecurityPolicies").map((p) => ({
      securityPolicyId: reqStr(p, "SecurityPolicyId"),
      tlsVersions: strList(p, "TLSVersions"),
      ciphers: strList(p, "Ciphers"),
      system: true,
    }));
  }
}
