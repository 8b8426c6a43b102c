// ALB (2020-06-16) over the typed @alicloud/alb20200616 client. Every ALB mutation is asynchronous (returns a
// JobId, watched with ListAsynJobs); writes on a resource that is still Provisioning/Configuring answer
// IncorrectStatus.* or Conflict.Lock, which the transport retries as Busy. Batch APIs are split at the documented
// per-call limits (ALB_BATCH_LIMITS, docs/cloud-layer.md ALB).

import AlbClient, * as alb from "@alicloud/alb20200616";
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
  type AlbServerKey,
  type AlbTaggableType,
  type AlbTagResource,
  type AlbUpdateLoadBalancerRequest,
  type AlbWaitOptions,
  type AlbXForwardedForConfig,
  type Tag,
} from "../types";
import type { CallOptions, Transport } from "./transport";
import { allPages, chunk, oneOf } from "./wire";

type Plain = Record<string, unknown>;

function tagsFrom(tags: ReadonlyArray<{ key?: string; value?: string }> | undefined): Tag[] {
  return (tags ?? []).filter((t) => t.key).map((t) => ({ key: t.key ?? "", value: t.value ?? "" }));
}

function tagReq(tags: readonly Tag[] | undefined): Plain[] | undefined {
  return tags && tags.length > 0 ? tags.map((t) => ({ key: t.key, value: t.value })) : undefined;
}

function nonEmpty<T>(list: readonly T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? [...list] : undefined;
}

function jobRef(body: { jobId?: string } | undefined): AlbJobRef {
  return body?.jobId ? { jobId: body.jobId } : {};
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

export function albLoadBalancerFromWire(lb: alb.GetLoadBalancerAttributeResponseBody): AlbLoadBalancer {
  const mod = lb.modificationProtectionConfig;
  return {
    loadBalancerId: lb.loadBalancerId ?? "",
    loadBalancerName: lb.loadBalancerName ?? "",
    loadBalancerStatus: oneOf(lb.loadBalancerStatus, LB_STATUSES, "Provisioning"),
    dnsName: lb.DNSName ?? "",
    addressType: oneOf(lb.addressType, ["Internet", "Intranet"] as const, "Internet"),
    addressAllocatedMode: oneOf(lb.addressAllocatedMode, ["Dynamic", "Fixed"] as const, "Dynamic"),
    addressIpVersion: oneOf(lb.addressIpVersion, ["IPv4", "DualStack"] as const, "IPv4"),
    ipv6AddressType: oneOf(lb.ipv6AddressType, ["Internet", "Intranet"] as const),
    loadBalancerEdition: oneOf(
      lb.loadBalancerEdition,
      ["Basic", "Standard", "StandardWithWaf"] as const,
      "Basic",
    ),
    vpcId: lb.vpcId ?? "",
    resourceGroupId: lb.resourceGroupId || undefined,
    payType: lb.loadBalancerBillingConfig?.payType || undefined,
    zoneMappings: (lb.zoneMappings ?? []).map((z) => {
      const addr = z.loadBalancerAddresses?.[0];
      return {
        zoneId: z.zoneId ?? "",
        vSwitchId: z.vSwitchId ?? "",
        allocationId: z.loadBalancerAddresses?.find((a) => a.allocationId)?.allocationId || undefined,
        address: addr?.address || undefined,
        intranetAddress: addr?.intranetAddress || undefined,
      };
    }),
    deletionProtectionEnabled: lb.deletionProtectionConfig?.enabled ?? false,
    modificationProtection: {
      status: oneOf(mod?.status, ["NonProtection", "ConsoleProtection"] as const, "NonProtection"),
      ...(mod?.reason ? { reason: mod.reason } : {}),
    },
    operationLocks: (lb.loadBalancerOperationLocks ?? []).map((l) => ({
      lockType: l.lockType ?? "",
      lockReason: l.lockReason ?? "",
    })),
    tags: tagsFrom(lb.tags),
  };
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

function xffToWire(c: AlbXForwardedForConfig | undefined): Plain | undefined {
  if (!c) return undefined;
  const out: Plain = {};
  for (const k of XFF_KEYS) if (c[xffField(k)] !== undefined) out[k] = c[xffField(k)];
  return out;
}

function xffFromWire(
  w: Partial<Record<(typeof XFF_KEYS)[number], boolean>> | undefined,
): AlbXForwardedForConfig {
  const out: AlbXForwardedForConfig = {};
  for (const k of XFF_KEYS) if (typeof w?.[k] === "boolean") out[xffField(k)] = w[k];
  return out;
}

function defaultActionsToWire(serverGroupId: string): Plain[] {
  return [{ type: "ForwardGroup", forwardGroupConfig: { serverGroupTuples: [{ serverGroupId }] } }];
}

function listenerAttrsToWire(a: AlbListenerAttributes): Plain {
  return {
    listenerDescription: a.listenerDescription,
    idleTimeout: a.idleTimeout,
    requestTimeout: a.requestTimeout,
    gzipEnabled: a.gzipEnabled,
    http2Enabled: a.http2Enabled,
    securityPolicyId: a.securityPolicyId,
    certificates: a.defaultCertificateId ? [{ certificateId: a.defaultCertificateId }] : undefined,
    defaultActions: a.defaultServerGroupId ? defaultActionsToWire(a.defaultServerGroupId) : undefined,
    XForwardedForConfig: xffToWire(a.xForwardedForConfig),
  };
}

export function listenerFromWire(l: alb.GetListenerAttributeResponseBody): AlbListener {
  const acl = l.aclConfig;
  const aclIds = (acl?.aclRelations ?? []).map((r) => r.aclId ?? "").filter(Boolean);
  const aclType = oneOf(acl?.aclType, ["White", "Black"] as const);
  const out: AlbListener = {
    listenerId: l.listenerId ?? "",
    loadBalancerId: l.loadBalancerId ?? "",
    listenerPort: l.listenerPort ?? 0,
    listenerProtocol: oneOf(l.listenerProtocol, LISTENER_PROTOCOLS, "HTTP"),
    listenerStatus: oneOf(l.listenerStatus, LISTENER_STATUSES, "Provisioning"),
    listenerDescription: l.listenerDescription ?? "",
    idleTimeout: l.idleTimeout,
    requestTimeout: l.requestTimeout,
    gzipEnabled: l.gzipEnabled,
    http2Enabled: l.http2Enabled,
    securityPolicyId: l.securityPolicyId || undefined,
    defaultCertificateId:
      (l.certificates ?? []).find((c) => c.isDefault !== false && c.certificateId)?.certificateId ||
      undefined,
    defaultServerGroupId:
      l.defaultActions?.[0]?.forwardGroupConfig?.serverGroupTuples?.[0]?.serverGroupId || undefined,
    xForwardedForConfig: xffFromWire(l.XForwardedForConfig),
    tags: tagsFrom(l.tags),
  };
  if (aclType && aclIds.length > 0) out.aclConfig = { aclType, aclIds };
  return out;
}

// ---------------------------------------------------------------- rule conditions and actions
// The typed SDK nests each kind under its own *Config object; the model constructors take these plain
// camelCase objects and serialise them as `Rules.1.RuleConditions.1.HostConfig.Values.1=…`.

type KV = { key?: string; value?: string };
export type ConditionWire = {
  type?: string;
  hostConfig?: { values?: string[] };
  pathConfig?: { values?: string[] };
  methodConfig?: { values?: string[] };
  sourceIpConfig?: { values?: string[] };
  headerConfig?: { key?: string; values?: string[] };
  queryStringConfig?: { values?: KV[] };
  cookieConfig?: { values?: KV[] };
};

export function conditionToWire(c: AlbRuleCondition): ConditionWire {
  const kv = () => ({ values: c.values.map((v) => ({ key: c.key, value: v })) });
  switch (c.type) {
    case "Host":
      return { type: c.type, hostConfig: { values: c.values } };
    case "Path":
      return { type: c.type, pathConfig: { values: c.values } };
    case "Method":
      return { type: c.type, methodConfig: { values: c.values } };
    case "SourceIp":
      return { type: c.type, sourceIpConfig: { values: c.values } };
    case "Header":
      return { type: c.type, headerConfig: { key: c.key, values: c.values } };
    case "QueryString":
      return { type: c.type, queryStringConfig: kv() };
    case "Cookie":
      return { type: c.type, cookieConfig: kv() };
  }
}

export function conditionFromWire(w: ConditionWire): AlbRuleCondition {
  const type = oneOf(w.type, CONDITION_TYPES, "Host");
  const plain = (cfg?: { values?: string[] }) => cfg?.values ?? [];
  const pairs = (cfg?: { values?: KV[] }) => {
    const key = cfg?.values?.[0]?.key;
    return { values: (cfg?.values ?? []).map((p) => p.value ?? ""), ...(key ? { key } : {}) };
  };
  switch (type) {
    case "Host":
      return { type, values: plain(w.hostConfig) };
    case "Path":
      return { type, values: plain(w.pathConfig) };
    case "Method":
      return { type, values: plain(w.methodConfig) };
    case "SourceIp":
      return { type, values: plain(w.sourceIpConfig) };
    case "Header":
      return {
        type,
        values: w.headerConfig?.values ?? [],
        ...(w.headerConfig?.key ? { key: w.headerConfig.key } : {}),
      };
    case "QueryString":
      return { type, ...pairs(w.queryStringConfig) };
    case "Cookie":
      return { type, ...pairs(w.cookieConfig) };
  }
}

type TupleWire = { serverGroupId?: string; weight?: number };
export type ActionWire = {
  order?: number;
  type?: string;
  forwardGroupConfig?: {
    serverGroupTuples?: TupleWire[];
    serverGroupStickySession?: { enabled?: boolean; timeout?: number };
  };
  redirectConfig?: {
    protocol?: string;
    port?: string;
    httpCode?: string;
    host?: string;
    path?: string;
    query?: string;
  };
  fixedResponseConfig?: { httpCode?: string; content?: string; contentType?: string };
  rewriteConfig?: { host?: string; path?: string; query?: string };
  insertHeaderConfig?: { key?: string; value?: string; valueType?: string };
  removeHeaderConfig?: { key?: string };
  trafficLimitConfig?: { QPS?: number; perIpQps?: number };
  trafficMirrorConfig?: { targetType?: string; mirrorGroupConfig?: { serverGroupTuples?: TupleWire[] } };
  corsConfig?: {
    allowOrigin?: string[];
    allowMethods?: string[];
    allowHeaders?: string[];
    exposeHeaders?: string[];
    allowCredentials?: string;
    maxAge?: number;
  };
};

function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "")) as T;
}

export function actionToWire(a: AlbRuleAction): ActionWire {
  return strip({
    order: a.order,
    type: a.type,
    forwardGroupConfig: a.forwardGroup
      ? strip({
          serverGroupTuples: a.forwardGroup.serverGroupTuples.map((t) => strip({ ...t })),
          serverGroupStickySession: a.forwardGroup.stickySession
            ? { ...a.forwardGroup.stickySession }
            : undefined,
        })
      : undefined,
    redirectConfig: a.redirect ? strip({ ...a.redirect }) : undefined,
    fixedResponseConfig: a.fixedResponse ? strip({ ...a.fixedResponse }) : undefined,
    rewriteConfig: a.rewrite ? strip({ ...a.rewrite }) : undefined,
    insertHeaderConfig: a.insertHeader ? { ...a.insertHeader } : undefined,
    removeHeaderConfig: a.removeHeader ? { ...a.removeHeader } : undefined,
    trafficLimitConfig: a.trafficLimit
      ? strip({ QPS: a.trafficLimit.qps, perIpQps: a.trafficLimit.perIpQps })
      : undefined,
    trafficMirrorConfig: a.trafficMirror
      ? {
          targetType: a.trafficMirror.targetType,
          mirrorGroupConfig: {
            serverGroupTuples: a.trafficMirror.serverGroupTuples.map((t) => strip({ ...t })),
          },
        }
      : undefined,
    corsConfig: a.cors ? strip({ ...a.cors }) : undefined,
  });
}

function tuplesFromWire(ts: TupleWire[] | undefined) {
  return (ts ?? [])
    .filter((t) => t.serverGroupId)
    .map((t) => ({
      serverGroupId: t.serverGroupId ?? "",
      ...(t.weight !== undefined ? { weight: Number(t.weight) } : {}),
    }));
}

export function actionFromWire(w: ActionWire): AlbRuleAction {
  const out: AlbRuleAction = { order: w.order ?? 0, type: oneOf(w.type, ACTION_TYPES, "ForwardGroup") };
  if (w.forwardGroupConfig) {
    const sticky = w.forwardGroupConfig.serverGroupStickySession;
    out.forwardGroup = {
      serverGroupTuples: tuplesFromWire(w.forwardGroupConfig.serverGroupTuples),
      ...(sticky?.enabled !== undefined
        ? { stickySession: strip({ enabled: sticky.enabled, timeout: sticky.timeout }) }
        : {}),
    };
  }
  if (w.redirectConfig) out.redirect = strip({ ...w.redirectConfig });
  if (w.fixedResponseConfig)
    out.fixedResponse = strip({ ...w.fixedResponseConfig, httpCode: w.fixedResponseConfig.httpCode ?? "" });
  if (w.rewriteConfig) out.rewrite = strip({ ...w.rewriteConfig });
  if (w.insertHeaderConfig?.key)
    out.insertHeader = {
      key: w.insertHeaderConfig.key,
      value: w.insertHeaderConfig.value ?? "",
      valueType: oneOf(
        w.insertHeaderConfig.valueType,
        ["UserDefined", "ReferenceHeader", "SystemDefined"] as const,
        "UserDefined",
      ),
    };
  if (w.removeHeaderConfig?.key) out.removeHeader = { key: w.removeHeaderConfig.key };
  if (w.trafficLimitConfig)
    out.trafficLimit = strip({ qps: w.trafficLimitConfig.QPS, perIpQps: w.trafficLimitConfig.perIpQps });
  if (w.trafficMirrorConfig)
    out.trafficMirror = {
      targetType: "ForwardGroupMirror",
      serverGroupTuples: tuplesFromWire(w.trafficMirrorConfig.mirrorGroupConfig?.serverGroupTuples),
    };
  if (w.corsConfig)
    out.cors = strip({
      ...w.corsConfig,
      allowOrigin: w.corsConfig.allowOrigin ?? [],
      allowCredentials: oneOf(w.corsConfig.allowCredentials, ["on", "off"] as const),
    });
  return out;
}

function ruleSpecToWire(r: Partial<AlbRuleSpec>): Plain {
  return {
    priority: r.priority,
    ruleName: r.ruleName,
    ruleConditions: r.conditions?.map(conditionToWire),
    ruleActions: r.actions?.map(actionToWire),
    direction: r.direction,
  };
}

// ---------------------------------------------------------------- server groups

function healthCheckToWire(h: AlbServerGroupAttributes["healthCheckConfig"]): Plain | undefined {
  return h ? strip({ ...h }) : undefined;
}

export function serverGroupFromWire(g: alb.ListServerGroupsResponseBodyServerGroups): AlbServerGroup {
  const hc = g.healthCheckConfig;
  const sticky = g.stickySessionConfig;
  return {
    serverGroupId: g.serverGroupId ?? "",
    serverGroupName: g.serverGroupName ?? "",
    serverGroupType: oneOf(g.serverGroupType, ["Instance", "Ip", "Fc"] as const, "Instance"),
    serverGroupStatus: oneOf(
      g.serverGroupStatus,
      ["Creating", "Available", "Configuring"] as const,
      "Available",
    ),
    protocol: oneOf(g.protocol, ["HTTP", "HTTPS", "gRPC"] as const, "HTTP"),
    vpcId: g.vpcId ?? "",
    scheduler: oneOf(g.scheduler, SCHEDULERS, "Wrr"),
    healthCheckConfig: {
      healthCheckEnabled: hc?.healthCheckEnabled ?? false,
      healthCheckProtocol: oneOf(hc?.healthCheckProtocol, ["HTTP", "HTTPS", "TCP", "gRPC"] as const, "HTTP"),
      healthCheckMethod: oneOf(hc?.healthCheckMethod, ["HEAD", "GET", "POST"] as const, "HEAD"),
      healthCheckPath: hc?.healthCheckPath ?? "",
      healthCheckCodes: hc?.healthCheckCodes ?? [],
      healthCheckConnectPort: hc?.healthCheckConnectPort ?? 0,
      healthCheckInterval: hc?.healthCheckInterval ?? 0,
      healthCheckTimeout: hc?.healthCheckTimeout ?? 0,
      healthyThreshold: hc?.healthyThreshold ?? 0,
      unhealthyThreshold: hc?.unhealthyThreshold ?? 0,
      ...(hc?.healthCheckHost ? { healthCheckHost: hc.healthCheckHost } : {}),
      ...(hc?.healthCheckHttpVersion
        ? {
            healthCheckHttpVersion: oneOf(
              hc.healthCheckHttpVersion,
              ["HTTP1.0", "HTTP1.1"] as const,
              "HTTP1.1",
            ),
          }
        : {}),
    },
    stickySessionConfig: strip({
      stickySessionEnabled: sticky?.stickySessionEnabled ?? false,
      stickySessionType: oneOf(sticky?.stickySessionType, ["Insert", "Server"] as const),
      cookie: sticky?.cookie,
      cookieTimeout: sticky?.cookieTimeout,
    }),
    upstreamKeepaliveEnabled: g.upstreamKeepaliveEnabled ?? false,
    serverCount: g.serverCount ?? 0,
    relatedLoadBalancerIds: g.relatedLoadBalancerIds ?? [],
    tags: tagsFrom(g.tags),
  };
}

function serverToWire(s: AlbServer): Plain {
  return strip({
    serverId: s.serverId,
    serverType: s.serverType,
    serverIp: s.serverIp,
    port: s.port,
    weight: s.weight,
    description: s.description,
  });
}

function serverKeyToWire(s: AlbServerKey): Plain {
  return strip({ serverId: s.serverId, serverType: s.serverType, serverIp: s.serverIp, port: s.port });
}

/** The marker for `#call` on deletes (see there). */
const GONE_IS_DONE = "goneIsDone" as const;

export interface AlbProviderDeps {
  /** Waits between polls (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export class AlibabaAlbProvider implements AlbProvider {
  readonly #t: Transport;
  readonly #client: AlbClient;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;

  constructor(t: Transport, client: AlbClient, deps: AlbProviderDeps = {}) {
    this.#t = t;
    this.#client = client;
    this.#sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#now = deps.now ?? Date.now;
  }

  /** One SDK call through the transport (rate limit, retries, error mapping). */
  #call<T>(action: string, fn: (c: AlbClient) => Promise<T>, goneIsDone?: typeof GONE_IS_DONE): Promise<T> {
    // Deletes: after an ambiguous failure, a retry that finds the resource gone means the first attempt
    // deleted it; the answer is then an empty body (no JobId to wait for).
    const opts: CallOptions<T> = goneIsDone
      ? { alreadyDone: { kinds: ["NotFound"], result: () => ({ body: undefined }) as T } }
      : {};
    return this.#t.invoke<T>("alb", action, () => fn(this.#client), opts);
  }

  // ---------------------------------------------------------------- load balancers

  async listLoadBalancers(query: AlbLoadBalancerQuery): Promise<AlbLoadBalancer[]> {
    const listed = await allPages(async (nextToken) => {
      const res = await this.#call("ListLoadBalancers", (c) =>
        c.listLoadBalancers(
          new alb.ListLoadBalancersRequest({
            loadBalancerIds: nonEmpty(query.loadBalancerIds),
            loadBalancerNames: nonEmpty(query.loadBalancerNames),
            vpcIds: nonEmpty(query.vpcIds),
            tag: tagReq(query.tags),
            maxResults: this.#t.pageSize,
            nextToken,
          }),
        ),
      );
      return { items: res.body?.loadBalancers ?? [], nextToken: res.body?.nextToken };
    });
    // The list has no zone mappings; a caller diffing them needs the full attribute.
    const out: AlbLoadBalancer[] = [];
    for (const lb of listed) {
      if (!lb.loadBalancerId) continue;
      try {
        out.push(await this.getLoadBalancer(lb.loadBalancerId));
      } catch (e) {
        // Deleted between list and get: it simply is not there any more.
        if (!(e instanceof CloudError && e.kind === "NotFound")) throw e;
      }
    }
    return out;
  }

  async getLoadBalancer(loadBalancerId: string): Promise<AlbLoadBalancer> {
    const res = await this.#call("GetLoadBalancerAttribute", (c) =>
      c.getLoadBalancerAttribute(new alb.GetLoadBalancerAttributeRequest({ loadBalancerId })),
    );
    return albLoadBalancerFromWire(res.body ?? new alb.GetLoadBalancerAttributeResponseBody({}));
  }

  async createLoadBalancer(req: AlbCreateLoadBalancerRequest): Promise<{ loadBalancerId: string }> {
    const res = await this.#call("CreateLoadBalancer", (c) =>
      c.createLoadBalancer(
        new alb.CreateLoadBalancerRequest({
          clientToken: req.clientToken,
          loadBalancerName: req.loadBalancerName,
          vpcId: req.vpcId,
          addressType: req.addressType,
          addressAllocatedMode: req.addressAllocatedMode,
          addressIpVersion: req.addressIpVersion,
          loadBalancerEdition: req.loadBalancerEdition,
          loadBalancerBillingConfig: { payType: req.payType },
          zoneMappings: req.zoneMappings.map((z) => strip({ ...z })),
          resourceGroupId: req.resourceGroupId,
          deletionProtectionEnabled: req.deletionProtectionEnabled,
          modificationProtectionConfig: req.modificationProtection
            ? strip({ ...req.modificationProtection })
            : undefined,
          tag: tagReq(req.tags),
        }),
      ),
    );
    // The only mutation without a JobId: progress shows in LoadBalancerStatus (waitForLoadBalancerActive).
    return { loadBalancerId: res.body?.loadBalancerId ?? "" };
  }

  async updateLoadBalancer(loadBalancerId: string, req: AlbUpdateLoadBalancerRequest): Promise<AlbJobRef> {
    if (req.loadBalancerName === undefined && req.modificationProtection === undefined) return {};
    const res = await this.#call("UpdateLoadBalancerAttribute", (c) =>
      c.updateLoadBalancerAttribute(
        new alb.UpdateLoadBalancerAttributeRequest({
          loadBalancerId,
          loadBalancerName: req.loadBalancerName,
          modificationProtectionConfig: req.modificationProtection
            ? strip({ ...req.modificationProtection })
            : undefined,
        }),
      ),
    );
    return jobRef(res.body);
  }

  async setDeletionProtection(loadBalancerId: string, enabled: boolean): Promise<void> {
    if (enabled) {
      await this.#call("EnableDeletionProtection", (c) =>
        c.enableDeletionProtection(new alb.EnableDeletionProtectionRequest({ resourceId: loadBalancerId })),
      );
    } else {
      await this.#call("DisableDeletionProtection", (c) =>
        c.disableDeletionProtection(new alb.DisableDeletionProtectionRequest({ resourceId: loadBalancerId })),
      );
    }
  }

  async deleteLoadBalancer(
    loadBalancerId: string,
    opts: { disableProtection?: boolean } = {},
  ): Promise<AlbJobRef> {
    try {
      if (opts.disableProtection) await this.setDeletionProtection(loadBalancerId, false);
      const res = await this.#call(
        "DeleteLoadBalancer",
        (c) => c.deleteLoadBalancer(new alb.DeleteLoadBalancerRequest({ loadBalancerId })),
        GONE_IS_DONE,
      );
      return jobRef(res.body);
    } catch (e) {
      if (e instanceof CloudError && e.kind === "NotFound") return {};
      throw e;
    }
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
    const jobs = await allPages(async (nextToken) => {
      const res = await this.#call("ListAsynJobs", (c) =>
        c.listAsynJobs(
          new alb.ListAsynJobsRequest({
            jobIds: nonEmpty(query.jobIds),
            resourceIds: nonEmpty(query.resourceIds),
            maxResults: this.#t.pageSize,
            nextToken,
          }),
        ),
      );
      return { items: res.body?.jobs ?? [], nextToken: res.body?.nextToken };
    });
    return jobs.map((j) => ({
      jobId: j.id ?? "",
      apiName: j.apiName ?? "",
      resourceType: j.resourceType ?? "",
      resourceIds: (j.resourceId ?? "").split(",").filter(Boolean),
      status: oneOf(j.status, ["Processing", "Succeeded", "Failed"] as const, "Processing"),
      ...(j.errorCode ? { errorCode: j.errorCode } : {}),
      ...(j.errorMessage ? { errorMessage: j.errorMessage } : {}),
    }));
  }

  async waitForJobs(jobIds: readonly string[], opts: AlbWaitOptions = {}): Promise<void> {
    const pending = new Set(jobIds.filter(Boolean));
    if (pending.size === 0) return;
    await this.#poll(`ALB jobs ${[...pending].join(",")}`, opts, async () => {
      for (const ids of chunk([...pending], 20)) {
        for (const job of await this.listAsynJobs({ jobIds: ids })) {
          if (job.status === "Failed")
            throw new CloudError({
              kind: "Conflict",
              code: job.errorCode || "JobFailed",
              message: `alb:${job.apiName}: job ${job.jobId} failed${job.errorMessage ? `: ${job.errorMessage}` : ""}`,
              action: `alb:${job.apiName}`,
            });
          if (job.status === "Succeeded") pending.delete(job.jobId);
        }
      }
      return pending.size === 0 ? true : undefined;
    });
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
    const res = await this.#call("CreateListener", (c) =>
      c.createListener(
        new alb.CreateListenerRequest({
          ...listenerAttrsToWire(req),
          clientToken: req.clientToken,
          loadBalancerId: req.loadBalancerId,
          listenerPort: req.listenerPort,
          listenerProtocol: req.listenerProtocol,
          defaultActions: defaultActionsToWire(req.defaultServerGroupId),
          tag: tagReq(req.tags),
        }),
      ),
    );
    return { listenerId: res.body?.listenerId ?? "", ...jobRef(res.body) };
  }

  async listListeners(loadBalancerId: string): Promise<AlbListener[]> {
    const listed = await allPages(async (nextToken) => {
      const res = await this.#call("ListListeners", (c) =>
        c.listListeners(
          new alb.ListListenersRequest({
            loadBalancerIds: [loadBalancerId],
            maxResults: this.#t.pageSize,
            nextToken,
          }),
        ),
      );
      return { items: res.body?.listeners ?? [], nextToken: res.body?.nextToken };
    });
    // Certificates and ACLs are only in the attribute call.
    const out: AlbListener[] = [];
    for (const l of listed) {
      if (!l.listenerId) continue;
      try {
        out.push(await this.getListener(l.listenerId));
      } catch (e) {
        if (!(e instanceof CloudError && e.kind === "NotFound")) throw e;
      }
    }
    return out;
  }

  async getListener(listenerId: string): Promise<AlbListener> {
    const res = await this.#call("GetListenerAttribute", (c) =>
      c.getListenerAttribute(new alb.GetListenerAttributeRequest({ listenerId })),
    );
    return listenerFromWire(res.body ?? new alb.GetListenerAttributeResponseBody({}));
  }

  async updateListener(listenerId: string, attrs: AlbListenerAttributes): Promise<AlbJobRef> {
    const fields = strip(listenerAttrsToWire(attrs));
    if (Object.keys(fields).length === 0) return {};
    const res = await this.#call("UpdateListenerAttribute", (c) =>
      c.updateListenerAttribute(new alb.UpdateListenerAttributeRequest({ listenerId, ...fields })),
    );
    return jobRef(res.body);
  }

  async startListener(listenerId: string): Promise<AlbJobRef> {
    const res = await this.#call("StartListener", (c) =>
      c.startListener(new alb.StartListenerRequest({ listenerId })),
    );
    return jobRef(res.body);
  }

  async stopListener(listenerId: string): Promise<AlbJobRef> {
    const res = await this.#call("StopListener", (c) =>
      c.stopListener(new alb.StopListenerRequest({ listenerId })),
    );
    return jobRef(res.body);
  }

  async deleteListener(listenerId: string): Promise<AlbJobRef> {
    try {
      const res = await this.#call(
        "DeleteListener",
        (c) => c.deleteListener(new alb.DeleteListenerRequest({ listenerId })),
        GONE_IS_DONE,
      );
      return jobRef(res.body);
    } catch (e) {
      if (e instanceof CloudError && e.kind === "NotFound") return {};
      throw e;
    }
  }

  async listListenerCertificates(listenerId: string): Promise<AlbListenerCertificate[]> {
    const certs = await allPages(async (nextToken) => {
      const res = await this.#call("ListListenerCertificates", (c) =>
        c.listListenerCertificates(
          new alb.ListListenerCertificatesRequest({
            listenerId,
            certificateType: "Server",
            maxResults: this.#t.pageSize,
            nextToken,
          }),
        ),
      );
      return { items: res.body?.certificates ?? [], nextToken: res.body?.nextToken };
    });
    return certs
      .filter((c) => c.certificateId)
      .map((c) => ({
        certificateId: c.certificateId ?? "",
        isDefault: c.isDefault ?? false,
        status: oneOf(c.status, ["Associating", "Associated", "Diassociating"] as const, "Associated"),
      }));
  }

  async associateAdditionalCertificates(
    listenerId: string,
    certificateIds: readonly string[],
  ): Promise<AlbJobRef[]> {
    const out: AlbJobRef[] = [];
    for (const batch of chunk(certificateIds, ALB_BATCH_LIMITS.certificatesPerCall)) {
      const res = await this.#call("AssociateAdditionalCertificatesWithListener", (c) =>
        c.associateAdditionalCertificatesWithListener(
          new alb.AssociateAdditionalCertificatesWithListenerRequest({
            listenerId,
            certificates: batch.map((certificateId) => ({ certificateId })),
          }),
        ),
      );
      out.push(jobRef(res.body));
    }
    return out;
  }

  async dissociateAdditionalCertificates(
    listenerId: string,
    certificateIds: readonly string[],
  ): Promise<AlbJobRef[]> {
    const out: AlbJobRef[] = [];
    for (const batch of chunk(certificateIds, ALB_BATCH_LIMITS.certificatesPerCall)) {
      const res = await this.#call("DissociateAdditionalCertificatesFromListener", (c) =>
        c.dissociateAdditionalCertificatesFromListener(
          new alb.DissociateAdditionalCertificatesFromListenerRequest({
            listenerId,
            certificates: batch.map((certificateId) => ({ certificateId })),
          }),
        ),
      );
      out.push(jobRef(res.body));
    }
    return out;
  }

  // ---------------------------------------------------------------- rules

  async listRules(listenerId: string): Promise<AlbRule[]> {
    const rules = await allPages(async (nextToken) => {
      const res = await this.#call("ListRules", (c) =>
        c.listRules(
          new alb.ListRulesRequest({ listenerIds: [listenerId], maxResults: this.#t.pageSize, nextToken }),
        ),
      );
      return { items: res.body?.rules ?? [], nextToken: res.body?.nextToken };
    });
    return rules.map((r) => ({
      ruleId: r.ruleId ?? "",
      listenerId: r.listenerId ?? listenerId,
      loadBalancerId: r.loadBalancerId ?? "",
      priority: r.priority ?? 0,
      ruleName: r.ruleName ?? "",
      ruleStatus: oneOf(r.ruleStatus, ["Provisioning", "Configuring", "Available"] as const, "Available"),
      direction: oneOf(r.direction, ["Request", "Response"] as const, "Request"),
      conditions: (r.ruleConditions ?? []).map((c) => conditionFromWire(c as ConditionWire)),
      actions: (r.ruleActions ?? []).map((a) => actionFromWire(a as ActionWire)),
    }));
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
      const res = await this.#call("CreateRules", (c) =>
        c.createRules(
          new alb.CreateRulesRequest({
            clientToken: token,
            listenerId,
            rules: batch.map((r) => ruleSpecToWire(r)),
          }),
        ),
      );
      // The answer lists (Priority, RuleId); priorities are unique on a listener, so map back by them.
      const byPriority = new Map((res.body?.ruleIds ?? []).map((x) => [x.priority, x.ruleId ?? ""]));
      for (const r of batch) ruleIds.push(byPriority.get(r.priority) ?? "");
      if (res.body?.jobId) jobIds.push(res.body.jobId);
    }
    return { ruleIds, jobIds };
  }

  async updateRules(updates: readonly AlbRuleUpdate[]): Promise<AlbJobRef[]> {
    const out: AlbJobRef[] = [];
    for (const batch of chunk(updates, ALB_BATCH_LIMITS.rulesPerCall)) {
      const res = await this.#call("UpdateRulesAttribute", (c) =>
        c.updateRulesAttribute(
          new alb.UpdateRulesAttributeRequest({
            rules: batch.map((u) => strip({ ruleId: u.ruleId, ...ruleSpecToWire(u) })),
          }),
        ),
      );
      out.push(jobRef(res.body));
    }
    return out;
  }

  async deleteRules(ruleIds: readonly string[]): Promise<AlbJobRef[]> {
    const out: AlbJobRef[] = [];
    for (const batch of chunk(ruleIds, ALB_BATCH_LIMITS.ruleIdsPerDelete)) {
      try {
        const res = await this.#call(
          "DeleteRules",
          (c) => c.deleteRules(new alb.DeleteRulesRequest({ ruleIds: batch })),
          GONE_IS_DONE,
        );
        out.push(jobRef(res.body));
      } catch (e) {
        if (!(e instanceof CloudError && e.kind === "NotFound")) throw e;
        // One rule of the batch is gone (deleted meanwhile): delete the others one by one.
        for (const ruleId of batch) {
          try {
            const res = await this.#call("DeleteRule", (c) =>
              c.deleteRule(new alb.DeleteRuleRequest({ ruleId })),
            );
            out.push(jobRef(res.body));
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
    const res = await this.#call("CreateServerGroup", (c) =>
      c.createServerGroup(
        new alb.CreateServerGroupRequest({
          clientToken: req.clientToken,
          serverGroupName: req.serverGroupName,
          serverGroupType: req.serverGroupType,
          vpcId: req.vpcId,
          protocol: req.protocol,
          scheduler: req.scheduler,
          resourceGroupId: req.resourceGroupId,
          healthCheckConfig: healthCheckToWire(req.healthCheckConfig),
          stickySessionConfig: req.stickySessionConfig ? strip({ ...req.stickySessionConfig }) : undefined,
          upstreamKeepaliveEnabled: req.upstreamKeepaliveEnabled,
          uchConfig: req.uchConfig ? { ...req.uchConfig } : undefined,
          tag: tagReq(req.tags),
        }),
      ),
    );
    return { serverGroupId: res.body?.serverGroupId ?? "", ...jobRef(res.body) };
  }

  async listServerGroups(query: AlbServerGroupQuery): Promise<AlbServerGroup[]> {
    const groups = await allPages(async (nextToken) => {
      const res = await this.#call("ListServerGroups", (c) =>
        c.listServerGroups(
          new alb.ListServerGroupsRequest({
            serverGroupIds: nonEmpty(query.serverGroupIds),
            serverGroupNames: nonEmpty(query.serverGroupNames),
            tag: tagReq(query.tags),
            vpcId: query.vpcId,
            maxResults: this.#t.pageSize,
            nextToken,
          }),
        ),
      );
      return { items: res.body?.serverGroups ?? [], nextToken: res.body?.nextToken };
    });
    return groups.map(serverGroupFromWire);
  }

  async updateServerGroup(serverGroupId: string, attrs: AlbServerGroupAttributes): Promise<AlbJobRef> {
    const fields = strip({
      serverGroupName: attrs.serverGroupName,
      scheduler: attrs.scheduler,
      healthCheckConfig: healthCheckToWire(attrs.healthCheckConfig),
      stickySessionConfig: attrs.stickySessionConfig ? strip({ ...attrs.stickySessionConfig }) : undefined,
      upstreamKeepaliveEnabled: attrs.upstreamKeepaliveEnabled,
      uchConfig: attrs.uchConfig ? { ...attrs.uchConfig } : undefined,
    });
    if (Object.keys(fields).length === 0) return {};
    const res = await this.#call("UpdateServerGroupAttribute", (c) =>
      c.updateServerGroupAttribute(new alb.UpdateServerGroupAttributeRequest({ serverGroupId, ...fields })),
    );
    return jobRef(res.body);
  }

  async deleteServerGroup(serverGroupId: string): Promise<AlbJobRef> {
    try {
      const res = await this.#call(
        "DeleteServerGroup",
        (c) => c.deleteServerGroup(new alb.DeleteServerGroupRequest({ serverGroupId })),
        GONE_IS_DONE,
      );
      return jobRef(res.body);
    } catch (e) {
      if (e instanceof CloudError && e.kind === "NotFound") return {};
      throw e;
    }
  }

  async listServerGroupServers(serverGroupId: string): Promise<AlbServer[]> {
    const servers = await allPages(async (nextToken) => {
      const res = await this.#call("ListServerGroupServers", (c) =>
        c.listServerGroupServers(
          new alb.ListServerGroupServersRequest({ serverGroupId, maxResults: this.#t.pageSize, nextToken }),
        ),
      );
      return { items: res.body?.servers ?? [], nextToken: res.body?.nextToken };
    });
    return servers.map((s) => ({
      serverId: s.serverId ?? "",
      serverType: oneOf(s.serverType, SERVER_TYPES, "Ecs"),
      ...(s.serverIp ? { serverIp: s.serverIp } : {}),
      port: s.port ?? 0,
      weight: s.weight ?? 0,
      ...(s.description ? { description: s.description } : {}),
      status: oneOf(s.status, SERVER_STATUSES, "Available"),
    }));
  }

  async addServers(serverGroupId: string, servers: readonly AlbServer[]): Promise<AlbJobRef[]> {
    const out: AlbJobRef[] = [];
    for (const batch of chunk(servers, ALB_BATCH_LIMITS.serversPerCall)) {
      const res = await this.#call("AddServersToServerGroup", (c) =>
        c.addServersToServerGroup(
          new alb.AddServersToServerGroupRequest({ serverGroupId, servers: batch.map(serverToWire) }),
        ),
      );
      out.push(jobRef(res.body));
    }
    return out;
  }

  async removeServers(serverGroupId: string, servers: readonly AlbServerKey[]): Promise<AlbJobRef[]> {
    const out: AlbJobRef[] = [];
    for (const batch of chunk(servers, ALB_BATCH_LIMITS.serversPerCall)) {
      const res = await this.#call("RemoveServersFromServerGroup", (c) =>
        c.removeServersFromServerGroup(
          new alb.RemoveServersFromServerGroupRequest({ serverGroupId, servers: batch.map(serverKeyToWire) }),
        ),
      );
      out.push(jobRef(res.body));
    }
    return out;
  }

  async updateServers(serverGroupId: string, servers: readonly AlbServer[]): Promise<AlbJobRef[]> {
    const out: AlbJobRef[] = [];
    for (const batch of chunk(servers, ALB_BATCH_LIMITS.serversPerCall)) {
      const res = await this.#call("UpdateServerGroupServersAttribute", (c) =>
        c.updateServerGroupServersAttribute(
          new alb.UpdateServerGroupServersAttributeRequest({
            serverGroupId,
            servers: batch.map(serverToWire),
          }),
        ),
      );
      out.push(jobRef(res.body));
    }
    return out;
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
      const res = await this.#call("ReplaceServersInServerGroup", (c) =>
        c.replaceServersInServerGroup(
          new alb.ReplaceServersInServerGroupRequest({
            serverGroupId,
            addedServers: nonEmpty(added.map(serverToWire)),
            removedServers: nonEmpty(removed.map(serverKeyToWire)),
          }),
        ),
      );
      out.push(jobRef(res.body));
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
        await this.#call("TagResources", (c) =>
          c.tagResources(
            new alb.TagResourcesRequest({ resourceType: type, resourceId: ids, tag: tagReq(tagBatch) }),
          ),
        );
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
        await this.#call("UnTagResources", (c) =>
          c.unTagResources(
            new alb.UnTagResourcesRequest({
              resourceType: type,
              resourceId: ids,
              tagKey: keyBatch,
              all: keyBatch ? undefined : true,
            }),
          ),
        );
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
    const items: alb.ListTagResourcesResponseBodyTagResources[] = [];
    for (const ids of idBatches) {
      const page = await allPages(async (nextToken) => {
        const res = await this.#call("ListTagResources", (c) =>
          c.listTagResources(
            new alb.ListTagResourcesRequest({
              resourceType: query.resourceType,
              resourceId: ids,
              tag: tagReq(query.tags),
              maxResults: this.#t.pageSize,
              nextToken,
            }),
          ),
        );
        return { items: res.body?.tagResources ?? [], nextToken: res.body?.nextToken };
      });
      items.push(...page);
    }
    return items
      .filter((t) => t.resourceId && t.tagKey)
      .map((t) => ({
        resourceId: t.resourceId ?? "",
        resourceType: query.resourceType,
        tag: { key: t.tagKey ?? "", value: t.tagValue ?? "" },
      }));
  }

  // ---------------------------------------------------------------- ACLs

  async createAcl(req: {
    aclName: string;
    tags?: Tag[];
    clientToken: string;
  }): Promise<{ aclId: string } & AlbJobRef> {
    const res = await this.#call("CreateAcl", (c) =>
      c.createAcl(
        new alb.CreateAclRequest({
          aclName: req.aclName,
          tag: tagReq(req.tags),
          clientToken: req.clientToken,
        }),
      ),
    );
    return { aclId: res.body?.aclId ?? "", ...jobRef(res.body) };
  }

  async listAcls(query: { aclIds?: string[]; aclNames?: string[]; tags?: Tag[] }): Promise<AlbAcl[]> {
    const acls = await allPages(async (nextToken) => {
      const res = await this.#call("ListAcls", (c) =>
        c.listAcls(
          new alb.ListAclsRequest({
            aclIds: nonEmpty(query.aclIds),
            aclNames: nonEmpty(query.aclNames),
            tag: tagReq(query.tags),
            maxResults: this.#t.pageSize,
            nextToken,
          }),
        ),
      );
      return { items: res.body?.acls ?? [], nextToken: res.body?.nextToken };
    });
    return acls.map((a) => ({
      aclId: a.aclId ?? "",
      aclName: a.aclName ?? "",
      aclStatus: oneOf(a.aclStatus, ["Creating", "Available", "Configuring"] as const, "Available"),
      addressIpVersion: "IPv4",
      tags: tagsFrom(a.tags),
    }));
  }

  async listAclEntries(aclId: string): Promise<AlbAclEntry[]> {
    const entries = await allPages(async (nextToken) => {
      const res = await this.#call("ListAclEntries", (c) =>
        c.listAclEntries(new alb.ListAclEntriesRequest({ aclId, maxResults: this.#t.pageSize, nextToken })),
      );
      return { items: res.body?.aclEntries ?? [], nextToken: res.body?.nextToken };
    });
    return entries
      .filter((e) => e.entry)
      .map((e) => ({ entry: e.entry ?? "", ...(e.description ? { description: e.description } : {}) }));
  }

  async addAclEntries(aclId: string, entries: readonly AlbAclEntry[]): Promise<AlbJobRef[]> {
    const out: AlbJobRef[] = [];
    for (const batch of chunk(entries, ALB_BATCH_LIMITS.aclEntriesPerCall)) {
      const res = await this.#call("AddEntriesToAcl", (c) =>
        c.addEntriesToAcl(
          new alb.AddEntriesToAclRequest({ aclId, aclEntries: batch.map((e) => strip({ ...e })) }),
        ),
      );
      out.push(jobRef(res.body));
    }
    return out;
  }

  async removeAclEntries(aclId: string, entries: readonly string[]): Promise<AlbJobRef[]> {
    const out: AlbJobRef[] = [];
    for (const batch of chunk(entries, ALB_BATCH_LIMITS.aclEntriesPerCall)) {
      const res = await this.#call("RemoveEntriesFromAcl", (c) =>
        c.removeEntriesFromAcl(new alb.RemoveEntriesFromAclRequest({ aclId, entries: batch })),
      );
      out.push(jobRef(res.body));
    }
    return out;
  }

  async associateAclsWithListener(
    listenerId: string,
    aclIds: readonly string[],
    aclType: "White" | "Black",
  ): Promise<AlbJobRef[]> {
    const out: AlbJobRef[] = [];
    for (const batch of chunk(aclIds, ALB_BATCH_LIMITS.aclIdsPerCall)) {
      const res = await this.#call("AssociateAclsWithListener", (c) =>
        c.associateAclsWithListener(
          new alb.AssociateAclsWithListenerRequest({ listenerId, aclIds: batch, aclType }),
        ),
      );
      out.push(jobRef(res.body));
    }
    return out;
  }

  async dissociateAclsFromListener(listenerId: string, aclIds: readonly string[]): Promise<AlbJobRef[]> {
    const out: AlbJobRef[] = [];
    for (const batch of chunk(aclIds, ALB_BATCH_LIMITS.aclIdsPerCall)) {
      const res = await this.#call("DissociateAclsFromListener", (c) =>
        c.dissociateAclsFromListener(
          new alb.DissociateAclsFromListenerRequest({ listenerId, aclIds: batch }),
        ),
      );
      out.push(jobRef(res.body));
    }
    return out;
  }

  async deleteAcl(aclId: string): Promise<AlbJobRef> {
    try {
      const res = await this.#call(
        "DeleteAcl",
        (c) => c.deleteAcl(new alb.DeleteAclRequest({ aclId })),
        GONE_IS_DONE,
      );
      return jobRef(res.body);
    } catch (e) {
      if (e instanceof CloudError && e.kind === "NotFound") return {};
      throw e;
    }
  }

  // ---------------------------------------------------------------- security policies

  async listSystemSecurityPolicies(): Promise<AlbSecurityPolicy[]> {
    const res = await this.#call("ListSystemSecurityPolicies", (c) => c.listSystemSecurityPolicies());
    return (res.body?.securityPolicies ?? []).map((p) => ({
      securityPolicyId: p.securityPolicyId ?? "",
      tlsVersions: p.TLSVersions ?? [],
      ciphers: p.ciphers ?? [],
      system: true,
    }));
  }
}
