// ALB (2020-06-16) over the typed @alicloud/alb20200616 client. Every ALB mutation is asynchronous
// (returns a JobId); callers observe progress through the status fields. Writes on a resource that
// is still Provisioning/Configuring answer IncorrectStatus.*, which the transport retries as Busy.

import AlbClient, * as alb from "@alicloud/alb20200616";
import type {
  AlbCreateLoadBalancerRequest,
  AlbListener,
  AlbLoadBalancer,
  AlbProvider,
  AlbRule,
  AlbRuleAction,
  AlbRuleCondition,
  AlbServer,
  AlbServerGroup,
  Tag,
} from "../types";
import type { Transport } from "./transport";
import { allPages, chunk, oneOf } from "./wire";

/** Conservative batch for Add/RemoveServers: each call is one async job on the server group. */
const MAX_SERVERS_PER_CALL = 20;

function tagsFrom(tags: Array<{ key?: string; value?: string }> | undefined): Tag[] {
  return (tags ?? []).filter((t) => t.key).map((t) => ({ key: t.key ?? "", value: t.value ?? "" }));
}

function toTagReq<T>(
  ctor: new (m: { key: string; value: string }) => T,
  tags: readonly Tag[] | undefined,
): T[] | undefined {
  return tags && tags.length > 0 ? tags.map((t) => new ctor({ key: t.key, value: t.value })) : undefined;
}

const LB_STATUSES = ["Provisioning", "Active", "Inactive", "Configuring", "CreateFailed"] as const;
const LISTENER_STATUSES = ["Provisioning", "Running", "Configuring", "Stopped"] as const;
const LISTENER_PROTOCOLS = ["HTTP", "HTTPS", "QUIC"] as const;
const SERVER_TYPES = ["Ecs", "Eni", "Eci", "Ip"] as const;
const SERVER_STATUSES = ["Adding", "Available", "Configuring", "Removing"] as const;
const CONDITION_TYPES = ["Host", "Path", "Header", "QueryString", "Method", "Cookie", "SourceIp"] as const;
const ACTION_TYPES = ["ForwardGroup", "Redirect", "FixedResponse", "Rewrite", "InsertHeader"] as const;

type LbWire = alb.GetLoadBalancerAttributeResponseBody | alb.ListLoadBalancersResponseBodyLoadBalancers;

export function albLoadBalancerFromWire(lb: LbWire): AlbLoadBalancer {
  // Only the attribute call carries zone mappings.
  const zoneMappings: alb.GetLoadBalancerAttributeResponseBodyZoneMappings[] =
    (lb as { zoneMappings?: alb.GetLoadBalancerAttributeResponseBodyZoneMappings[] }).zoneMappings ?? [];
  return {
    loadBalancerId: lb.loadBalancerId ?? "",
    loadBalancerName: lb.loadBalancerName ?? "",
    loadBalancerStatus: oneOf(lb.loadBalancerStatus, LB_STATUSES, "Provisioning"),
    dnsName: lb.DNSName ?? "",
    addressType: oneOf(lb.addressType, ["Internet", "Intranet"] as const, "Internet"),
    addressAllocatedMode: oneOf(lb.addressAllocatedMode, ["Dynamic", "Fixed"] as const, "Dynamic"),
    addressIpVersion: oneOf(lb.addressIpVersion, ["IPv4", "DualStack"] as const, "IPv4"),
    loadBalancerEdition: oneOf(
      lb.loadBalancerEdition,
      ["Basic", "Standard", "StandardWithWaf"] as const,
      "Basic",
    ),
    vpcId: lb.vpcId ?? "",
    zoneMappings: zoneMappings.map((z) => ({
      zoneId: z.zoneId ?? "",
      vSwitchId: z.vSwitchId ?? "",
      allocationId: z.loadBalancerAddresses?.find((a) => a.allocationId)?.allocationId,
    })),
    deletionProtectionEnabled: lb.deletionProtectionConfig?.enabled ?? false,
    tags: tagsFrom(lb.tags),
  };
}

function listenerFromWire(l: alb.ListListenersResponseBodyListeners, certificateIds: string[]): AlbListener {
  return {
    listenerId: l.listenerId ?? "",
    loadBalancerId: l.loadBalancerId ?? "",
    listenerPort: l.listenerPort ?? 0,
    listenerProtocol: oneOf(l.listenerProtocol, LISTENER_PROTOCOLS, "HTTP"),
    listenerStatus: oneOf(l.listenerStatus, LISTENER_STATUSES, "Provisioning"),
    listenerDescription: l.listenerDescription,
    defaultServerGroupId: l.defaultActions?.[0]?.forwardGroupConfig?.serverGroupTuples?.[0]?.serverGroupId,
    certificateIds,
    idleTimeout: l.idleTimeout,
    requestTimeout: l.requestTimeout,
    http2Enabled: l.http2Enabled,
    securityPolicyId: l.securityPolicyId,
  };
}

// ---- rule conditions and actions: the typed SDK nests each kind under its own *Config object.

type ConditionWire = {
  type?: string;
  hostConfig?: { values?: string[] };
  pathConfig?: { values?: string[] };
  methodConfig?: { values?: string[] };
  sourceIpConfig?: { values?: string[] };
  headerConfig?: { key?: string; values?: string[] };
  queryStringConfig?: { values?: Array<{ key?: string; value?: string }> };
  cookieConfig?: { values?: Array<{ key?: string; value?: string }> };
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
  const pairs = (cfg?: { values?: Array<{ key?: string; value?: string }> }) => ({
    values: (cfg?.values ?? []).map((p) => p.value ?? ""),
    key: cfg?.values?.[0]?.key,
  });
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
      return { type, values: w.headerConfig?.values ?? [], key: w.headerConfig?.key };
    case "QueryString":
      return { type, ...pairs(w.queryStringConfig) };
    case "Cookie":
      return { type, ...pairs(w.cookieConfig) };
  }
}

type ActionWire = {
  order?: number;
  type?: string;
  forwardGroupConfig?: { serverGroupTuples?: Array<{ serverGroupId?: string }> };
  redirectConfig?: { protocol?: string; port?: string; httpCode?: string; host?: string; path?: string };
  fixedResponseConfig?: { httpCode?: string; content?: string; contentType?: string };
};

export function actionToWire(a: AlbRuleAction): ActionWire {
  return {
    order: a.order,
    type: a.type,
    forwardGroupConfig: a.serverGroupIds
      ? { serverGroupTuples: a.serverGroupIds.map((id) => ({ serverGroupId: id })) }
      : undefined,
    redirectConfig: a.redirect ? { ...a.redirect } : undefined,
    fixedResponseConfig: a.fixedResponse ? { ...a.fixedResponse } : undefined,
  };
}

export function actionFromWire(w: ActionWire): AlbRuleAction {
  const out: AlbRuleAction = { order: w.order ?? 0, type: oneOf(w.type, ACTION_TYPES, "ForwardGroup") };
  const ids = w.forwardGroupConfig?.serverGroupTuples?.map((t) => t.serverGroupId ?? "").filter(Boolean);
  if (ids && ids.length > 0) out.serverGroupIds = ids;
  if (w.redirectConfig) out.redirect = stripUndefined({ ...w.redirectConfig });
  if (w.fixedResponseConfig) {
    out.fixedResponse = stripUndefined({
      ...w.fixedResponseConfig,
      httpCode: w.fixedResponseConfig.httpCode ?? "",
    });
  }
  return out;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const goneIsDone = { alreadyDone: { kinds: ["NotFound"] as const, result: () => undefined } };

export class AlibabaAlbProvider implements AlbProvider {
  constructor(
    private readonly t: Transport,
    private readonly client: AlbClient,
  ) {}

  async listLoadBalancers(query: {
    loadBalancerIds?: string[];
    loadBalancerNames?: string[];
    tags?: Tag[];
  }): Promise<AlbLoadBalancer[]> {
    const listed = await allPages(async (nextToken) => {
      const res = await this.t.invoke("alb", "ListLoadBalancers", () =>
        this.client.listLoadBalancers(
          new alb.ListLoadBalancersRequest({
            loadBalancerIds: query.loadBalancerIds?.length ? query.loadBalancerIds : undefined,
            loadBalancerNames: query.loadBalancerNames?.length ? query.loadBalancerNames : undefined,
            tag: toTagReq(alb.ListLoadBalancersRequestTag, query.tags),
            maxResults: this.t.pageSize,
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
        if ((e as { kind?: string }).kind !== "NotFound") throw e;
      }
    }
    return out;
  }

  async getLoadBalancer(loadBalancerId: string): Promise<AlbLoadBalancer> {
    const res = await this.t.invoke("alb", "GetLoadBalancerAttribute", () =>
      this.client.getLoadBalancerAttribute(new alb.GetLoadBalancerAttributeRequest({ loadBalancerId })),
    );
    return albLoadBalancerFromWire(res.body ?? new alb.GetLoadBalancerAttributeResponseBody({}));
  }

  async createLoadBalancer(req: AlbCreateLoadBalancerRequest): Promise<{ loadBalancerId: string }> {
    const res = await this.t.invoke("alb", "CreateLoadBalancer", () =>
      this.client.createLoadBalancer(
        new alb.CreateLoadBalancerRequest({
          clientToken: req.clientToken,
          loadBalancerName: req.loadBalancerName,
          vpcId: req.vpcId,
          addressType: req.addressType,
          addressAllocatedMode: req.addressAllocatedMode,
          addressIpVersion: req.addressIpVersion,
          loadBalancerEdition: req.loadBalancerEdition,
          loadBalancerBillingConfig: new alb.CreateLoadBalancerRequestLoadBalancerBillingConfig({
            payType: req.payType,
          }),
          zoneMappings: req.zoneMappings.map(
            (z) =>
              new alb.CreateLoadBalancerRequestZoneMappings({
                zoneId: z.zoneId,
                vSwitchId: z.vSwitchId,
                allocationId: z.allocationId,
              }),
          ),
          resourceGroupId: req.resourceGroupId,
          deletionProtectionEnabled: req.deletionProtectionEnabled,
          tag: toTagReq(alb.CreateLoadBalancerRequestTag, req.tags),
        }),
      ),
    );
    return { loadBalancerId: res.body?.loadBalancerId ?? "" };
  }

  async setDeletionProtection(loadBalancerId: string, enabled: boolean): Promise<void> {
    if (enabled) {
      await this.t.invoke("alb", "EnableDeletionProtection", () =>
        this.client.enableDeletionProtection(
          new alb.EnableDeletionProtectionRequest({ resourceId: loadBalancerId }),
        ),
      );
    } else {
      await this.t.invoke("alb", "DisableDeletionProtection", () =>
        this.client.disableDeletionProtection(
          new alb.DisableDeletionProtectionRequest({ resourceId: loadBalancerId }),
        ),
      );
    }
  }

  async deleteLoadBalancer(loadBalancerId: string): Promise<void> {
    await this.t.invoke<unknown>(
      "alb",
      "DeleteLoadBalancer",
      () => this.client.deleteLoadBalancer(new alb.DeleteLoadBalancerRequest({ loadBalancerId })),
      goneIsDone,
    );
  }

  async createListener(req: {
    loadBalancerId: string;
    listenerPort: number;
    listenerProtocol: "HTTP" | "HTTPS" | "QUIC";
    defaultServerGroupId: string;
    certificateIds?: string[];
    listenerDescription?: string;
    clientToken: string;
  }): Promise<{ listenerId: string }> {
    const res = await this.t.invoke("alb", "CreateListener", () =>
      this.client.createListener(
        new alb.CreateListenerRequest({
          clientToken: req.clientToken,
          loadBalancerId: req.loadBalancerId,
          listenerPort: req.listenerPort,
          listenerProtocol: req.listenerProtocol,
          listenerDescription: req.listenerDescription,
          certificates: req.certificateIds?.map(
            (id) => new alb.CreateListenerRequestCertificates({ certificateId: id }),
          ),
          defaultActions: [
            new alb.CreateListenerRequestDefaultActions({
              type: "ForwardGroup",
              forwardGroupConfig: new alb.CreateListenerRequestDefaultActionsForwardGroupConfig({
                serverGroupTuples: [
                  new alb.CreateListenerRequestDefaultActionsForwardGroupConfigServerGroupTuples({
                    serverGroupId: req.defaultServerGroupId,
                  }),
                ],
              }),
            }),
          ],
        }),
      ),
    );
    return { listenerId: res.body?.listenerId ?? "" };
  }

  async listListeners(loadBalancerId: string): Promise<AlbListener[]> {
    const listed = await allPages(async (nextToken) => {
      const res = await this.t.invoke("alb", "ListListeners", () =>
        this.client.listListeners(
          new alb.ListListenersRequest({
            loadBalancerIds: [loadBalancerId],
            maxResults: this.t.pageSize,
            nextToken,
          }),
        ),
      );
      return { items: res.body?.listeners ?? [], nextToken: res.body?.nextToken };
    });
    const out: AlbListener[] = [];
    for (const l of listed) {
      // Certificates are only in the attribute call, and only HTTPS/QUIC listeners have any.
      let certificateIds: string[] = [];
      if (l.listenerId && l.listenerProtocol !== "HTTP") {
        const attr = await this.t.invoke("alb", "GetListenerAttribute", () =>
          this.client.getListenerAttribute(new alb.GetListenerAttributeRequest({ listenerId: l.listenerId })),
        );
        certificateIds = (attr.body?.certificates ?? []).map((c) => c.certificateId ?? "").filter(Boolean);
      }
      out.push(listenerFromWire(l, certificateIds));
    }
    return out;
  }

  async updateListener(
    listenerId: string,
    attrs: Partial<Omit<AlbListener, "listenerId" | "loadBalancerId">>,
  ): Promise<void> {
    // Port, protocol and status cannot be changed in place; they are ignored here.
    const req = new alb.UpdateListenerAttributeRequest({
      listenerId,
      listenerDescription: attrs.listenerDescription,
      idleTimeout: attrs.idleTimeout,
      requestTimeout: attrs.requestTimeout,
      http2Enabled: attrs.http2Enabled,
      securityPolicyId: attrs.securityPolicyId,
      certificates: attrs.certificateIds?.map(
        (id) => new alb.UpdateListenerAttributeRequestCertificates({ certificateId: id }),
      ),
      defaultActions: attrs.defaultServerGroupId
        ? [
            new alb.UpdateListenerAttributeRequestDefaultActions({
              type: "ForwardGroup",
              forwardGroupConfig: new alb.UpdateListenerAttributeRequestDefaultActionsForwardGroupConfig({
                serverGroupTuples: [
                  new alb.UpdateListenerAttributeRequestDefaultActionsForwardGroupConfigServerGroupTuples({
                    serverGroupId: attrs.defaultServerGroupId,
                  }),
                ],
              }),
            }),
          ]
        : undefined,
    });
    await this.t.invoke("alb", "UpdateListenerAttribute", () => this.client.updateListenerAttribute(req));
  }

  async deleteListener(listenerId: string): Promise<void> {
    await this.t.invoke<unknown>(
      "alb",
      "DeleteListener",
      () => this.client.deleteListener(new alb.DeleteListenerRequest({ listenerId })),
      goneIsDone,
    );
  }

  async createServerGroup(req: {
    serverGroupName: string;
    serverGroupType: "Instance" | "Ip";
    vpcId: string;
    protocol?: "HTTP" | "HTTPS";
    scheduler?: "Wrr" | "Wlc" | "Sch";
    healthCheckEnabled: boolean;
    tags: Tag[];
    clientToken: string;
  }): Promise<{ serverGroupId: string }> {
    const res = await this.t.invoke("alb", "CreateServerGroup", () =>
      this.client.createServerGroup(
        new alb.CreateServerGroupRequest({
          clientToken: req.clientToken,
          serverGroupName: req.serverGroupName,
          serverGroupType: req.serverGroupType,
          vpcId: req.vpcId,
          protocol: req.protocol,
          scheduler: req.scheduler,
          healthCheckConfig: new alb.CreateServerGroupRequestHealthCheckConfig({
            healthCheckEnabled: req.healthCheckEnabled,
          }),
          tag: toTagReq(alb.CreateServerGroupRequestTag, req.tags),
        }),
      ),
    );
    return { serverGroupId: res.body?.serverGroupId ?? "" };
  }

  async listServerGroups(query: {
    serverGroupIds?: string[];
    tags?: Tag[];
    vpcId?: string;
  }): Promise<AlbServerGroup[]> {
    const groups = await allPages(async (nextToken) => {
      const res = await this.t.invoke("alb", "ListServerGroups", () =>
        this.client.listServerGroups(
          new alb.ListServerGroupsRequest({
            serverGroupIds: query.serverGroupIds?.length ? query.serverGroupIds : undefined,
            tag: toTagReq(alb.ListServerGroupsRequestTag, query.tags),
            vpcId: query.vpcId,
            maxResults: this.t.pageSize,
            nextToken,
          }),
        ),
      );
      return { items: res.body?.serverGroups ?? [], nextToken: res.body?.nextToken };
    });
    return groups.map((g) => ({
      serverGroupId: g.serverGroupId ?? "",
      serverGroupName: g.serverGroupName ?? "",
      serverGroupType: oneOf(g.serverGroupType, ["Instance", "Ip", "Fc"] as const, "Instance"),
      protocol: oneOf(g.protocol, ["HTTP", "HTTPS", "gRPC"] as const, "HTTP"),
      vpcId: g.vpcId ?? "",
      scheduler: oneOf(g.scheduler, ["Wrr", "Wlc", "Sch"] as const, "Wrr"),
      healthCheckEnabled: g.healthCheckConfig?.healthCheckEnabled ?? false,
      tags: tagsFrom(g.tags),
    }));
  }

  async listServerGroupServers(serverGroupId: string): Promise<AlbServer[]> {
    const servers = await allPages(async (nextToken) => {
      const res = await this.t.invoke("alb", "ListServerGroupServers", () =>
        this.client.listServerGroupServers(
          new alb.ListServerGroupServersRequest({ serverGroupId, maxResults: this.t.pageSize, nextToken }),
        ),
      );
      return { items: res.body?.servers ?? [], nextToken: res.body?.nextToken };
    });
    return servers.map((s) => ({
      serverId: s.serverId ?? "",
      serverType: oneOf(s.serverType, SERVER_TYPES, "Ecs"),
      serverIp: s.serverIp || undefined,
      port: s.port ?? 0,
      weight: s.weight ?? 0,
      description: s.description || undefined,
      status: oneOf(s.status, SERVER_STATUSES),
    }));
  }

  async addServers(serverGroupId: string, servers: AlbServer[]): Promise<void> {
    for (const batch of chunk(servers, MAX_SERVERS_PER_CALL)) {
      const req = new alb.AddServersToServerGroupRequest({
        serverGroupId,
        servers: batch.map(
          (s) =>
            new alb.AddServersToServerGroupRequestServers({
              serverId: s.serverId,
              serverType: s.serverType,
              serverIp: s.serverIp,
              port: s.port,
              weight: s.weight,
              description: s.description,
            }),
        ),
      });
      await this.t.invoke("alb", "AddServersToServerGroup", () => this.client.addServersToServerGroup(req));
    }
  }

  async removeServers(serverGroupId: string, servers: AlbServer[]): Promise<void> {
    for (const batch of chunk(servers, MAX_SERVERS_PER_CALL)) {
      const req = new alb.RemoveServersFromServerGroupRequest({
        serverGroupId,
        servers: batch.map(
          (s) =>
            new alb.RemoveServersFromServerGroupRequestServers({
              serverId: s.serverId,
              serverType: s.serverType,
              serverIp: s.serverIp,
              port: s.port,
            }),
        ),
      });
      await this.t.invoke("alb", "RemoveServersFromServerGroup", () =>
        this.client.removeServersFromServerGroup(req),
      );
    }
  }

  async deleteServerGroup(serverGroupId: string): Promise<void> {
    await this.t.invoke<unknown>(
      "alb",
      "DeleteServerGroup",
      () => this.client.deleteServerGroup(new alb.DeleteServerGroupRequest({ serverGroupId })),
      goneIsDone,
    );
  }

  async createRule(req: Omit<AlbRule, "ruleId"> & { clientToken: string }): Promise<{ ruleId: string }> {
    const res = await this.t.invoke("alb", "CreateRule", () =>
      this.client.createRule(
        new alb.CreateRuleRequest({
          clientToken: req.clientToken,
          listenerId: req.listenerId,
          priority: req.priority,
          ruleName: req.ruleName,
          // The typed models' constructors copy nested plain objects; toMap() only needs the camelCase fields.
          ruleConditions: req.conditions.map(
            (c) => new alb.CreateRuleRequestRuleConditions(conditionToWire(c)),
          ),
          ruleActions: req.actions.map((a) => new alb.CreateRuleRequestRuleActions(actionToWire(a))),
        }),
      ),
    );
    return { ruleId: res.body?.ruleId ?? "" };
  }

  async listRules(listenerId: string): Promise<AlbRule[]> {
    const rules = await allPages(async (nextToken) => {
      const res = await this.t.invoke("alb", "ListRules", () =>
        this.client.listRules(
          new alb.ListRulesRequest({ listenerIds: [listenerId], maxResults: this.t.pageSize, nextToken }),
        ),
      );
      return { items: res.body?.rules ?? [], nextToken: res.body?.nextToken };
    });
    return rules.map((r) => ({
      ruleId: r.ruleId ?? "",
      listenerId: r.listenerId ?? listenerId,
      priority: r.priority ?? 0,
      ruleName: r.ruleName ?? "",
      conditions: (r.ruleConditions ?? []).map((c) => conditionFromWire(c)),
      actions: (r.ruleActions ?? []).map((a) => actionFromWire(a)),
    }));
  }

  async updateRule(ruleId: string, attrs: Partial<Omit<AlbRule, "ruleId" | "listenerId">>): Promise<void> {
    const req = new alb.UpdateRuleAttributeRequest({
      ruleId,
      priority: attrs.priority,
      ruleName: attrs.ruleName,
      ruleConditions: attrs.conditions?.map(
        (c) => new alb.UpdateRuleAttributeRequestRuleConditions(conditionToWire(c)),
      ),
      ruleActions: attrs.actions?.map((a) => new alb.UpdateRuleAttributeRequestRuleActions(actionToWire(a))),
    });
    await this.t.invoke("alb", "UpdateRuleAttribute", () => this.client.updateRuleAttribute(req));
  }

  async deleteRule(ruleId: string): Promise<void> {
    await this.t.invoke<unknown>(
      "alb",
      "DeleteRule",
      () => this.client.deleteRule(new alb.DeleteRuleRequest({ ruleId })),
      goneIsDone,
    );
  }
}
