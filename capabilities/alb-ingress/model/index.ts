// buildDesiredModel(): Kubernetes objects in (an AlbConfig, its member Ingresses, their Services, Nodes,
// EndpointSlices) plus the cloud facts read before it (vSwitches of the VPC, certificates, ENIs), the ALB
// desired model out. Pure: never throws, problems come back as errors, and any error means "do not apply".
// The rules it implements are in docs/alb-ingress.md (§C1 listeners, §C4 rules, §C5 server groups).
import type { V1EndpointSlice, V1Node, V1Service, V1ServicePort } from "@kubernetes/client-node";
import { certificateDomainMatches, type CasCertificate } from "../../../src/cloud";
import { ALB_INGRESS_DEFAULTS } from "../../../src/config";
import { validateAlbConfigSpec, validateIngressAnnotations } from "../admission/rules";
import {
  parseAlbIngressAnnotations,
  type AlbAction,
  type AlbCondition,
  type AlbIngressConfig,
  type Ingress,
  type ServiceTuple,
} from "../annotations";
import { listenerEffective, withAlbConfigDefaults, type AlbConfig } from "../crd";
import { ingressListenPorts, ingressRef, pathPatterns, sortGroupMembers } from "../group";
import { defaultLoadBalancerName, ruleName, serverGroupName } from "../tracking";
import { buildServers } from "./servers";
import type {
  AlbListenerProtocol,
  DesiredCertificate,
  DesiredListener,
  DesiredModel,
  DesiredRule,
  DesiredServerGroup,
  DesiredZoneMapping,
  HealthCheckConfig,
  ModelError,
  RuleAction,
  RuleCondition,
  StickySessionConfig,
} from "./types";

export * from "./types";
export { eniPodIps } from "./servers";

export interface BuildInput {
  albConfig: AlbConfig;
  /** The member Ingresses (any order; they are sorted by order, then namespace/name). */
  ingresses: Ingress[];
  /** Services the members name (others are ignored). */
  services: V1Service[];
  nodes: V1Node[];
  endpointSlices: V1EndpointSlice[];
  clusterId: string;
  /** The cluster's VPC (ALIBABA_CLOUD_VPC_ID, or the emulator's). */
  vpcId: string;
  /** vSwitches of the VPC: the zone of each zone mapping, and discovery when none is given. */
  vSwitches: { vSwitchId: string; zoneId: string }[];
  /** The account's certificates, for HTTPS listeners that list none (discovered by host). */
  certificates: CasCertificate[];
  /** Pod IP → ENI id, for ClusterIP backend Services. */
  eniByIp?: ReadonlyMap<string, string>;
  /** The AlbConfig is being deleted: cleanup. */
  deleting?: boolean;
}

export interface BuildResult {
  /** Undefined only when the AlbConfig lacks identity (no name or uid). */
  model?: DesiredModel;
  errors: ModelError[];
  /** Pod IPs of ClusterIP backends with no ENI (their groups are only added to). */
  invalidIps: string[];
}

/** What a listener needs, merged from the AlbConfig and the member Ingresses. */
interface ListenerDraft {
  listener: DesiredListener;
  /** Hosts of the Ingresses on this listener (certificate discovery). */
  hosts: Set<string>;
  explicitCertificates: boolean;
}

const HEALTH_CHECK_DEFAULTS = {
  healthCheckPath: "/",
  healthCheckProtocol: "HTTP",
  healthCheckMethod: "HEAD",
  healthCheckCodes: ["http_2xx"],
  healthCheckTimeout: 5,
  healthCheckInterval: 2,
  healthyThreshold: 3,
  unhealthyThreshold: 3,
  healthCheckConnectPort: 0,
} as const;

export function buildDesiredModel(input: BuildInput): BuildResult {
  const errors: ModelError[] = [];
  const invalidIps: string[] = [];
  const albConfig = withAlbConfigDefaults(input.albConfig);
  const name = albConfig.metadata?.name ?? "";
  const uid = albConfig.metadata?.uid ?? "";
  if (!name || !uid)
    return {
      errors: [{ field: "AlbConfig", message: "metadata.name and metadata.uid are required" }],
      invalidIps,
    };
  const config = albConfig.spec?.config;
  if (!config)
    return {
      errors: [{ field: "spec.config", message: "does not exist albconfig.spec.config" }],
      invalidIps,
    };
  const reportedId = albConfig.status?.loadBalancer?.id;
  const model: DesiredModel = {
    albConfig: {
      name,
      uid,
      createIntent: albConfig.metadata?.annotations?.["alb.alicloud-operator.io/create-intent"],
    },
    clusterId: input.clusterId,
    deleting: input.deleting === true,
    ...(reportedId ? { reportedLoadBalancerId: reportedId } : {}),
    loadBalancer: {
      mode: config.id ? "reuse" : "create",
      ...(config.id ? { reuseId: config.id } : {}),
      forceOverride: config.forceOverride === true,
      listenerForceOverride: config.listenerForceOverride === true,
      name: config.name || (config.id ? "" : defaultLoadBalancerName(input.clusterId, name)),
      vpcId: input.vpcId,
      addressType: config.addressType ?? "Internet",
      addressAllocatedMode: config.addressAllocatedMode ?? "Dynamic",
      addressIpVersion: config.addressIpVersion ?? "IPv4",
      edition: config.edition ?? "Standard",
      payType: "PostPay",
      ...(config.resourceGroupId ? { resourceGroupId: config.resourceGroupId } : {}),
      zoneMappings: [],
      deletionProtectionEnabled: true,
      userTags: (config.tags ?? [])
        .map((t) => ({ key: t.key ?? "", value: t.value ?? "" }))
        .filter((t) => t.key),
    },
    listeners: [],
    serverGroups: [],
    ingresses: [],
  };
  // Cleanup needs identity and mode only; a broken spec must not block it.
  if (model.deleting) return { model, errors, invalidIps };
  for (const message of validateAlbConfigSpec(albConfig)) errors.push({ field: "AlbConfig", message });
  if (!config.id) model.loadBalancer.zoneMappings = zoneMappings(config.zoneMappings ?? [], input, errors);

  const sorted = sortGroupMembers(input.ingresses);
  for (const message of sorted.errors) errors.push({ field: "order", message });
  const drafts = new Map<number, ListenerDraft>();
  for (const l of albConfig.spec.listeners ?? []) {
    const port = Number(l.port);
    const eff = listenerEffective(l);
    drafts.set(port, {
      listener: {
        port,
        protocol: l.protocol as AlbListenerProtocol,
        description: eff.description,
        idleTimeoutSeconds: eff.idleTimeoutSeconds,
        requestTimeoutSeconds: eff.requestTimeoutSeconds,
        gzipEnabled: eff.gzipEnabled,
        ...(l.protocol !== "HTTP"
          ? { http2Enabled: eff.http2Enabled, securityPolicyId: eff.securityPolicyId }
          : {}),
        certificates: (l.certificates ?? []).map(
          (c): DesiredCertificate => ({
            certificateId: c.CertificateId ?? "",
            isDefault: c.IsDefault === true,
          }),
        ),
        defaultServerGroup: `listener/${port}`,
        rules: [],
      },
      hosts: new Set(),
      explicitCertificates: (l.certificates ?? []).length > 0,
    });
  }
  const groups = new Map<string, DesiredServerGroup>();
  const services = new Map(
    input.services.map((s) => [`${s.metadata?.namespace ?? "default"}/${s.metadata?.name ?? ""}`, s]),
  );
  const members = sorted.ordered.map((m) => m.ingress);
  model.ingresses = members.map(ingressRef);
  const parsed = new Map<Ingress, AlbIngressConfig>();
  for (const ing of members) {
    const { config: c, errors: parseErrors } = parseAlbIngressAnnotations(ing.metadata?.annotations);
    parsed.set(ing, c);
    const ref = ingressRef(ing);
    for (const e of parseErrors) errors.push({ field: ref, message: e.message, ingress: ref });
    for (const message of validateIngressAnnotations(ing, c))
      errors.push({ field: ref, message, ingress: ref });
  }
  // Header/cookie canaries first: their rules must match before the main rule of the same host and path.
  const canaryFirst = [
    ...members.filter((i) => isRuleCanary(parsed.get(i))),
    ...members.filter((i) => !isRuleCanary(parsed.get(i)) && parsed.get(i)?.canary !== true),
  ];
  const weightCanaries = members.filter((i) => {
    const c = parsed.get(i);
    return c?.canary === true && !isRuleCanary(c) && c.canaryWeight !== undefined;
  });
  const ctx: RuleContext = {
    albConfig: name,
    input,
    services,
    groups,
    errors,
    invalidIps,
    parsed,
    weightCanaries,
  };
  for (const ing of canaryFirst) {
    const c = parsed.get(ing) ?? {};
    for (const lp of ingressListenPorts(ing, c)) {
      let draft = drafts.get(lp.port);
      if (!draft) {
        draft = newDraft(lp.port, lp.protocol);
        drafts.set(lp.port, draft);
      } else if (draft.listener.protocol !== lp.protocol) {
        errors.push({
          field: ingressRef(ing),
          ingress: ingressRef(ing),
          message: `conflict listener in albconfig, please remove it manual: port ${lp.port} is ${draft.listener.protocol} in AlbConfig ${name}, the Ingress needs ${lp.protocol}`,
        });
        continue;
      }
      for (const r of ing.spec?.rules ?? []) if (r.host) draft.hosts.add(r.host);
      for (const t of ing.spec?.tls ?? []) for (const h of t.hosts ?? []) draft.hosts.add(h);
      buildRules(ing, c, draft.listener, ctx);
    }
  }
  for (const draft of [...drafts.values()].sort((a, b) => a.listener.port - b.listener.port)) {
    const l = draft.listener;
    if (l.protocol !== "HTTP" && !draft.explicitCertificates)
      l.certificates = discover(draft.hosts, input.certificates);
    if (l.protocol !== "HTTP" && l.certificates.length === 0)
      errors.push({
        field: `listener ${l.port}`,
        message: `no cert was discovered for ${l.protocol} listener ${l.port} (hosts: ${[...draft.hosts].sort().join(", ") || "none"})`,
      });
    else if (l.protocol !== "HTTP" && l.certificates.filter((c) => c.isDefault).length !== 1)
      errors.push({
        field: `listener ${l.port}`,
        message: `https listener: ${l.port} must provider one default cert`,
      });
    groups.set(l.defaultServerGroup, listenerDefaultGroup(name, input.clusterId, l.port));
    model.listeners.push(l);
  }
  model.serverGroups = [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { model, errors, invalidIps: [...new Set(invalidIps)].sort() };
}

function newDraft(port: number, protocol: "HTTP" | "HTTPS"): ListenerDraft {
  const d = ALB_INGRESS_DEFAULTS.listener;
  return {
    listener: {
      port,
      protocol,
      description: `${d.descriptionPrefix}${port}`,
      idleTimeoutSeconds: d.idleTimeoutSeconds,
      requestTimeoutSeconds: d.requestTimeoutSeconds,
      gzipEnabled: true,
      ...(protocol === "HTTPS" ? { http2Enabled: true, securityPolicyId: d.securityPolicyId } : {}),
      certificates: [],
      defaultServerGroup: `listener/${port}`,
      rules: [],
    },
    hosts: new Set(),
    explicitCertificates: false,
  };
}

function zoneMappings(
  given: { vSwitchId: string; allocationId?: string }[],
  input: BuildInput,
  errors: ModelError[],
): DesiredZoneMapping[] {
  const zoneOf = new Map(input.vSwitches.map((v) => [v.vSwitchId, v.zoneId]));
  if (given.length > 0)
    return given.flatMap((z) => {
      const zoneId = zoneOf.get(z.vSwitchId);
      if (!zoneId) {
        errors.push({
          field: "spec.config.zoneMappings",
          message: `vSwitch ${z.vSwitchId} not found in VPC ${input.vpcId}`,
        });
        return [];
      }
      return [
        { vSwitchId: z.vSwitchId, zoneId, ...(z.allocationId ? { allocationId: z.allocationId } : {}) },
      ];
    });
  // Discovery: the first vSwitch (by id) of every zone of the VPC.
  const byZone = new Map<string, string>();
  for (const v of [...input.vSwitches].sort((a, b) => (a.vSwitchId < b.vSwitchId ? -1 : 1)))
    if (!byZone.has(v.zoneId)) byZone.set(v.zoneId, v.vSwitchId);
  if (byZone.size < 2)
    errors.push({
      field: "spec.config.zoneMappings",
      message: `unable to discover at least two vswitchs for alb in VPC ${input.vpcId}`,
    });
  return [...byZone.entries()].sort().map(([zoneId, vSwitchId]) => ({ vSwitchId, zoneId }));
}

function discover(hosts: Set<string>, certs: CasCertificate[]): DesiredCertificate[] {
  const ids = new Set<string>();
  for (const host of hosts)
    for (const c of certs)
      if (!c.expired && [c.commonName, ...c.sans].some((d) => certificateDomainMatches(d, host)))
        ids.add(c.certIdentifier);
  return [...ids].sort().map((certificateId, i) => ({ certificateId, isDefault: i === 0 }));
}

function listenerDefaultGroup(albConfig: string, clusterId: string, port: number): DesiredServerGroup {
  const key = `listener/${port}`;
  return {
    key,
    name: serverGroupName(clusterId, albConfig, key, { protocol: "HTTP" }),
    listenerDefault: true,
    owner: {
      serviceNamespace: "-",
      ingressName: `${albConfig}-default-listener-${port}`,
      serviceName: "-",
      servicePort: String(port),
    },
    protocol: "HTTP",
    scheduler: "Wrr",
    healthCheck: { healthCheckEnabled: false },
    stickySession: { stickySessionEnabled: false },
    upstreamKeepaliveEnabled: false,
    servers: [],
  };
}

// ---------------------------------------------------------------- rules

interface RuleContext {
  albConfig: string;
  input: BuildInput;
  services: Map<string, V1Service>;
  groups: Map<string, DesiredServerGroup>;
  errors: ModelError[];
  invalidIps: string[];
  parsed: Map<Ingress, AlbIngressConfig>;
  weightCanaries: Ingress[];
}

function isRuleCanary(c: AlbIngressConfig | undefined): boolean {
  return c?.canary === true && (c.canaryByHeader !== undefined || c.canaryByCookie !== undefined);
}

function buildRules(ing: Ingress, c: AlbIngressConfig, listener: DesiredListener, ctx: RuleContext): void {
  const ref = ingressRef(ing);
  const redirect = c.sslRedirect === true && listener.protocol === "HTTP" && listener.port !== 443;
  for (const r of ing.spec?.rules ?? []) {
    for (const p of r.http?.paths ?? []) {
      const svcName = p.backend?.service?.name ?? "";
      const patterns = pathPatterns(p.path, p.pathType, {
        rewriteTarget: c.rewriteTarget,
        useRegex: c.useRegex,
      });
      if (patterns.error !== undefined) {
        ctx.errors.push({ field: ref, ingress: ref, message: patterns.error });
        continue;
      }
      const conditions: RuleCondition[] = [];
      if (r.host) conditions.push({ type: "Host", values: [r.host] });
      if (patterns.patterns.length > 0) conditions.push({ type: "Path", values: patterns.patterns });
      if (c.canaryByHeader !== undefined && c.canary === true)
        conditions.push({
          type: "Header",
          key: c.canaryByHeader,
          values: [c.canaryByHeaderValue ?? "always"],
        });
      else if (c.canaryByCookie !== undefined && c.canary === true)
        conditions.push({ type: "Cookie", key: c.canaryByCookie, values: ["always"] });
      for (const cond of c.conditions?.get(svcName) ?? []) {
        const converted = toCondition(cond);
        if (typeof converted === "string") ctx.errors.push({ field: ref, ingress: ref, message: converted });
        else conditions.push(converted);
      }
      if (!conditions.some((x) => x.type === "Host" || x.type === "Path"))
        conditions.push({ type: "Path", values: ["/*"] });
      const actions: RuleAction<string>[] = [];
      const add = (a: Omit<RuleAction<string>, "order">) =>
        actions.push({ ...a, order: actions.length + 1 } as RuleAction<string>);
      if (redirect) {
        add({
          type: "Redirect",
          redirect: {
            host: "${host}",
            httpCode: "308",
            path: "${path}",
            port: "443",
            protocol: "HTTPS",
            query: "${query}",
          },
        });
      } else {
        if (c.enableCors === true)
          add({
            type: "Cors",
            cors: {
              allowOrigin: c.corsAllowOrigin ?? ["*"],
              allowMethods: c.corsAllowMethods ?? ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"],
              allowHeaders: c.corsAllowHeaders ?? [
                "DNT",
                "X-CustomHeader",
                "Keep-Alive",
                "User-Agent",
                "X-Requested-With",
                "If-Modified-Since",
                "Cache-Control",
                "Content-Type",
                "Authorization",
              ],
              exposeHeaders: c.corsExposeHeaders ?? [],
              allowCredentials: c.corsAllowCredentials === false ? "off" : "on",
              maxAge: c.corsMaxAgeSeconds ?? 172800,
            },
          });
        if (c.trafficLimitQps !== undefined || c.trafficLimitIpQps !== undefined)
          add({
            type: "TrafficLimit",
            trafficLimit: {
              ...(c.trafficLimitQps !== undefined ? { qps: c.trafficLimitQps } : {}),
              ...(c.trafficLimitIpQps !== undefined ? { perIpQps: c.trafficLimitIpQps } : {}),
            },
          });
        const custom = c.actions?.get(svcName) ?? [];
        // A rewrite only makes sense before a forward, not before a fixed response or redirect.
        const ends = custom.find((x) => x.type === "Redirect" || x.type === "FixedResponse");
        if (c.rewriteTarget !== undefined && !ends)
          add({ type: "Rewrite", rewrite: { host: "${host}", path: c.rewriteTarget, query: "${query}" } });
        for (const a of custom) {
          const converted = toAction(a, ing, ctx);
          if (converted) add(converted);
        }
        const usesAnnotation = p.backend?.service?.port?.name === "use-annotation";
        if (
          !usesAnnotation &&
          !custom.some(
            (a) => a.type === "ForwardGroup" || a.type === "Redirect" || a.type === "FixedResponse",
          )
        ) {
          const key = groupFor(ing, svcName, p.backend?.service?.port, ctx);
          if (key === undefined) continue;
          add({
            type: "ForwardGroup",
            forwardGroup: { serverGroupTuples: forwardTuples(ing, r.host ?? "", p.path ?? "", key, ctx) },
          });
        }
      }
      const priority = listener.rules.length + 1;
      const rule: DesiredRule = {
        name: ruleName(listener.port, priority),
        priority,
        direction: c.ruleDirection?.get(svcName) ?? "Request",
        conditions,
        actions,
        ingress: ref,
      };
      listener.rules.push(rule);
    }
  }
}

/** The main rule's forward: the Service, plus each weight canary of the same host and path (§C4 canary). */
function forwardTuples(
  ing: Ingress,
  host: string,
  path: string,
  key: string,
  ctx: RuleContext,
): { serverGroupId: string; weight: number }[] {
  const c = ctx.parsed.get(ing);
  if (c?.canary === true) return [{ serverGroupId: key, weight: 100 }];
  const canaries: { serverGroupId: string; weight: number }[] = [];
  for (const can of ctx.weightCanaries) {
    const cc = ctx.parsed.get(can);
    for (const r of can.spec?.rules ?? [])
      for (const p of r.http?.paths ?? []) {
        if ((r.host ?? "") !== host || (p.path ?? "") !== path) continue;
        const k = groupFor(can, p.backend?.service?.name ?? "", p.backend?.service?.port, ctx);
        if (k !== undefined) canaries.push({ serverGroupId: k, weight: cc?.canaryWeight ?? 0 });
      }
  }
  const sum = canaries.reduce((s, t) => s + t.weight, 0);
  return [{ serverGroupId: key, weight: Math.max(0, 100 - sum) }, ...canaries];
}

/** The key of the server group for (Ingress, Service, port); built on first use. */
function groupFor(
  ing: Ingress,
  svcName: string,
  port: { name?: string; number?: number } | undefined,
  ctx: RuleContext,
): string | undefined {
  const ref = ingressRef(ing);
  const ns = ing.metadata?.namespace ?? "default";
  const svc = ctx.services.get(`${ns}/${svcName}`);
  if (!svc) {
    ctx.errors.push({ field: ref, ingress: ref, message: `service ${ns}/${svcName} not found` });
    return undefined;
  }
  const sp: V1ServicePort | undefined = (svc.spec?.ports ?? []).find((x) =>
    port?.name ? x.name === port.name : x.port === port?.number,
  );
  if (!sp) {
    ctx.errors.push({
      field: ref,
      ingress: ref,
      message: `service ${ns}/${svcName} has no port ${port?.name ?? String(port?.number)}`,
    });
    return undefined;
  }
  const key = `${ns}/${ing.metadata?.name ?? ""}/${svcName}/${sp.port}`;
  if (ctx.groups.has(key)) return key;
  const c = ctx.parsed.get(ing) ?? {};
  const protocol = c.backendProtocol === "https" ? "HTTPS" : c.backendProtocol === "grpc" ? "gRPC" : "HTTP";
  const servers = buildServers({
    service: svc,
    servicePort: sp,
    nodes: ctx.input.nodes,
    endpointSlices: ctx.input.endpointSlices.filter(
      (s) => s.metadata?.namespace === ns && s.metadata?.labels?.["kubernetes.io/service-name"] === svcName,
    ),
    eniByIp: ctx.input.eniByIp ?? new Map(),
  });
  for (const message of servers.errors) ctx.errors.push({ field: ref, ingress: ref, message });
  ctx.invalidIps.push(...servers.invalidIps);
  const scheduler = ({ wrr: "Wrr", wlc: "Wlc", sch: "Sch", uch: "Uch" } as const)[
    c.backendScheduler ?? "wrr"
  ];
  ctx.groups.set(key, {
    key,
    name: serverGroupName(ctx.input.clusterId, ctx.albConfig, key, { protocol }),
    owner: {
      serviceNamespace: ns,
      ingressName: ing.metadata?.name ?? "",
      serviceName: svcName,
      servicePort: String(sp.port),
    },
    protocol,
    scheduler,
    ...(scheduler === "Uch" && c.backendSchedulerUchValue
      ? { uchConfig: { type: "QueryString" as const, value: c.backendSchedulerUchValue } }
      : {}),
    healthCheck: healthCheck(c),
    stickySession: stickySession(c),
    upstreamKeepaliveEnabled: c.backendKeepalive === true,
    servers: servers.servers,
    ...(servers.invalidIps.length > 0 ? { invalidServerIps: servers.invalidIps } : {}),
  });
  return key;
}

function healthCheck(c: AlbIngressConfig): HealthCheckConfig {
  if (c.healthCheckEnabled !== true) return { healthCheckEnabled: false };
  const protocol =
    c.healthCheckProtocol === "GRPC"
      ? "gRPC"
      : (c.healthCheckProtocol ?? HEALTH_CHECK_DEFAULTS.healthCheckProtocol);
  return {
    healthCheckEnabled: true,
    healthCheckProtocol: protocol,
    ...(protocol !== "TCP"
      ? {
          healthCheckPath: c.healthCheckPath ?? HEALTH_CHECK_DEFAULTS.healthCheckPath,
          healthCheckMethod: c.healthCheckMethod ?? HEALTH_CHECK_DEFAULTS.healthCheckMethod,
          healthCheckCodes: c.healthCheckHttpCodes ?? [...HEALTH_CHECK_DEFAULTS.healthCheckCodes],
        }
      : {}),
    healthCheckTimeout: c.healthCheckTimeoutSeconds ?? HEALTH_CHECK_DEFAULTS.healthCheckTimeout,
    healthCheckInterval: c.healthCheckIntervalSeconds ?? HEALTH_CHECK_DEFAULTS.healthCheckInterval,
    healthyThreshold: c.healthyThreshold ?? HEALTH_CHECK_DEFAULTS.healthyThreshold,
    unhealthyThreshold: c.unhealthyThreshold ?? HEALTH_CHECK_DEFAULTS.unhealthyThreshold,
    healthCheckConnectPort: c.healthCheckConnectPort ?? HEALTH_CHECK_DEFAULTS.healthCheckConnectPort,
  };
}

function stickySession(c: AlbIngressConfig): StickySessionConfig {
  if (c.stickySession !== true) return { stickySessionEnabled: false };
  const type = c.stickySessionType ?? "Insert";
  return type === "Insert"
    ? {
        stickySessionEnabled: true,
        stickySessionType: "Insert",
        cookieTimeout: c.cookieTimeoutSeconds ?? 1000,
      }
    : { stickySessionEnabled: true, stickySessionType: "Server", cookie: c.cookie ?? "" };
}

function toCondition(c: AlbCondition): RuleCondition | string {
  switch (c.type) {
    case "Host":
      return { type: "Host", values: c.hostConfig.values };
    case "Path":
      return { type: "Path", values: c.pathConfig.values };
    case "Header":
      return { type: "Header", key: c.headerConfig.key, values: c.headerConfig.values };
    case "Method":
      return { type: "Method", values: [...c.methodConfig.values] };
    case "SourceIp":
      return { type: "SourceIp", values: c.sourceIpConfig.values };
    case "QueryString":
    case "Cookie": {
      const kvs = c.type === "QueryString" ? c.queryStringConfig.values : c.cookieConfig.values;
      const keys = new Set(kvs.map((kv) => kv.key));
      if (keys.size !== 1)
        return `${c.type} condition: one key per condition is supported; found ${[...keys].join(", ")}`;
      return { type: c.type, key: kvs[0].key, values: kvs.map((kv) => kv.value) };
    }
    default:
      return `${c.type} conditions are not supported by this controller (response rules)`;
  }
}

function toAction(
  a: AlbAction,
  ing: Ingress,
  ctx: RuleContext,
): Omit<RuleAction<string>, "order"> | undefined {
  const tuples = (ts: ServiceTuple[]) =>
    ts.flatMap((t) => {
      const key = groupFor(ing, t.serviceName, { number: t.servicePort }, ctx);
      return key === undefined
        ? []
        : [{ serverGroupId: key, ...(t.weight !== undefined ? { weight: t.weight } : {}) }];
    });
  switch (a.type) {
    case "ForwardGroup":
      return {
        type: "ForwardGroup",
        forwardGroup: {
          serverGroupTuples: tuples(a.forwardConfig.serverGroups),
          ...(a.forwardConfig.serverGroupStickySession
            ? {
                stickySession: {
                  enabled: a.forwardConfig.serverGroupStickySession.enabled,
                  ...(a.forwardConfig.serverGroupStickySession.timeoutSeconds !== undefined
                    ? { timeout: a.forwardConfig.serverGroupStickySession.timeoutSeconds }
                    : {}),
                },
              }
            : {}),
        },
      };
    case "FixedResponse":
      return { type: "FixedResponse", fixedResponse: a.fixedResponseConfig };
    case "Redirect":
      return { type: "Redirect", redirect: a.redirectConfig };
    case "InsertHeader":
      return {
        type: "InsertHeader",
        insertHeader: {
          key: a.insertHeaderConfig.key,
          value: a.insertHeaderConfig.value,
          valueType: a.insertHeaderConfig.valueType,
        },
      };
    case "RemoveHeader":
      return { type: "RemoveHeader", removeHeader: a.removeHeaderConfig };
    case "TrafficMirror":
      return {
        type: "TrafficMirror",
        trafficMirror: {
          targetType: "ForwardGroupMirror",
          serverGroupTuples: tuples(a.trafficMirrorConfig.mirrorGroupConfig.serverGroups),
        },
      };
    case "Rewrite":
      return { type: "Rewrite", rewrite: a.rewriteConfig };
    case "TrafficLimit":
      return {
        type: "TrafficLimit",
        trafficLimit: {
          ...(a.trafficLimitConfig.qps !== undefined ? { qps: a.trafficLimitConfig.qps } : {}),
          ...(a.trafficLimitConfig.qpsPerIp !== undefined ? { perIpQps: a.trafficLimitConfig.qpsPerIp } : {}),
        },
      };
  }
}
