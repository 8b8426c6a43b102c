// readRemoteModel(alb, desired): what the cloud has for one AlbConfig: its ALB (by `spec.config.id`, or by
// our ownership tags), the ALB's listeners with their certificates and rules, and the server groups that
// carry this AlbConfig's tags with their servers. Cloud reads only; the diff is ../plan.
import {
  isCloudError,
  type AlbListener,
  type AlbLoadBalancer,
  type AlbProvider,
  type AlbServer,
  type AlbServerGroup,
} from "../../src/cloud";
import type { DesiredModel, DesiredServer } from "./model/types";
import type { RemoteListener, RemoteLoadBalancer, RemoteModel, RemoteRule, RemoteServerGroup } from "./plan";
import { isOwnedBy, ownershipTags } from "./tracking";

async function getOrUndefined(alb: AlbProvider, id: string): Promise<AlbLoadBalancer | undefined> {
  try {
    return await alb.getLoadBalancer(id);
  } catch (e) {
    if (isCloudError(e, "NotFound")) return undefined;
    throw e;
  }
}

function toLoadBalancer(lb: AlbLoadBalancer): RemoteLoadBalancer {
  return {
    loadBalancerId: lb.loadBalancerId,
    loadBalancerName: lb.loadBalancerName,
    status: lb.loadBalancerStatus,
    dnsName: lb.dnsName,
    addressType: lb.addressType,
    addressIpVersion: lb.addressIpVersion,
    edition: lb.loadBalancerEdition,
    vpcId: lb.vpcId,
    deletionProtectionEnabled: lb.deletionProtectionEnabled,
    tags: lb.tags,
  };
}

/** The ALB: by id in reuse mode; by our tags otherwise (falling back on the id we reported). */
async function findLoadBalancer(
  alb: AlbProvider,
  desired: DesiredModel,
): Promise<Pick<RemoteModel, "loadBalancer" | "foundBy" | "lookupError">> {
  const want = desired.loadBalancer;
  if (want.mode === "reuse" && want.reuseId) {
    const lb = await getOrUndefined(alb, want.reuseId);
    return lb ? { loadBalancer: toLoadBalancer(lb), foundBy: "id" } : {};
  }
  const tagged = await alb.listLoadBalancers({
    tags: ownershipTags(desired.albConfig.name, desired.clusterId),
  });
  if (tagged.length > 1)
    return {
      lookupError: `${tagged.length} ALBs carry the tags of AlbConfig ${desired.albConfig.name}: ${tagged
        .map((l) => l.loadBalancerId)
        .sort()
        .join(", ")}; delete the extra ones by hand`,
    };
  if (tagged.length === 1) return { loadBalancer: toLoadBalancer(tagged[0]), foundBy: "tag" };
  if (desired.reportedLoadBalancerId) {
    const lb = await getOrUndefined(alb, desired.reportedLoadBalancerId);
    if (lb) return { loadBalancer: toLoadBalancer(lb), foundBy: "id" };
  }
  return {};
}

async function toListener(alb: AlbProvider, l: AlbListener, readRules: boolean): Promise<RemoteListener> {
  const tls = l.listenerProtocol !== "HTTP";
  const certs = tls ? await alb.listListenerCertificates(l.listenerId) : [];
  const rules = readRules ? (await alb.listRules(l.listenerId)).map(toRule) : undefined;
  return {
    listenerId: l.listenerId,
    port: l.listenerPort,
    protocol: l.listenerProtocol,
    description: l.listenerDescription ?? "",
    idleTimeoutSeconds: l.idleTimeout ?? 0,
    requestTimeoutSeconds: l.requestTimeout ?? 0,
    gzipEnabled: l.gzipEnabled ?? true,
    ...(l.http2Enabled !== undefined ? { http2Enabled: l.http2Enabled } : {}),
    ...(l.securityPolicyId ? { securityPolicyId: l.securityPolicyId } : {}),
    ...(l.defaultServerGroupId ? { defaultServerGroupId: l.defaultServerGroupId } : {}),
    certificates: certs
      .filter((c) => c.status !== "Diassociating")
      .map((c) => ({ certificateId: c.certificateId, isDefault: c.isDefault }))
      .sort(
        (a, b) => Number(b.isDefault) - Number(a.isDefault) || (a.certificateId < b.certificateId ? -1 : 1),
      ),
    tags: l.tags,
    ...(rules ? { rules } : {}),
  };
}

function toRule(r: Awaited<ReturnType<AlbProvider["listRules"]>>[number]): RemoteRule {
  return {
    ruleId: r.ruleId,
    name: r.ruleName,
    priority: r.priority,
    direction: r.direction,
    conditions: r.conditions,
    actions: r.actions,
  };
}

function toServerGroup(g: AlbServerGroup, servers: AlbServer[]): RemoteServerGroup {
  return {
    serverGroupId: g.serverGroupId,
    name: g.serverGroupName,
    protocol: g.protocol,
    scheduler: g.scheduler,
    healthCheck: g.healthCheckConfig,
    stickySession: g.stickySessionConfig,
    upstreamKeepaliveEnabled: g.upstreamKeepaliveEnabled,
    tags: g.tags,
    servers: servers
      .filter((s) => s.status !== "Removing" && (s.serverType === "Ecs" || s.serverType === "Eni"))
      .map(
        (s): DesiredServer => ({
          serverType: s.serverType as DesiredServer["serverType"],
          serverId: s.serverId,
          ...(s.serverType === "Eni" && s.serverIp ? { serverIp: s.serverIp } : {}),
          port: s.port,
          weight: s.weight,
        }),
      ),
  };
}

/** Reads what plan() diffs against. Throws CloudError on a failed read (the reconcile retries). */
export async function readRemoteModel(alb: AlbProvider, desired: DesiredModel): Promise<RemoteModel> {
  const tags = ownershipTags(desired.albConfig.name, desired.clusterId);
  // The servers of all our groups in one paged listing: one call per group would cost a call per Ingress on
  // every reconcile.
  const [found, groups, servers] = await Promise.all([
    findLoadBalancer(alb, desired),
    alb.listServerGroups({
      tags,
      ...(desired.loadBalancer.vpcId ? { vpcId: desired.loadBalancer.vpcId } : {}),
    }),
    alb.listServersOfTaggedGroups(tags),
  ]);
  const serversOf = new Map<string, AlbServer[]>();
  for (const s of servers) serversOf.set(s.serverGroupId, [...(serversOf.get(s.serverGroupId) ?? []), s]);
  const serverGroups = groups
    .filter((g) => isOwnedBy(g.tags, desired.albConfig.name, desired.clusterId))
    .map((g) => toServerGroup(g, serversOf.get(g.serverGroupId) ?? []));
  if (found.lookupError || !found.loadBalancer) return { ...found, serverGroups };
  const lb = found.loadBalancer;
  const ownLb = isOwnedBy(lb.tags, desired.albConfig.name, desired.clusterId);
  const wanted = new Set(desired.listeners.map((l) => l.port));
  const listeners = await Promise.all(
    (await alb.listListeners(lb.loadBalancerId)).map((l) =>
      // Rules are read where we may act on them: our listeners, the ports we want, and on cleanup all
      // (a rule of ours on a taken-over listener must go before our server group can).
      toListener(
        alb,
        l,
        ownLb ||
          desired.deleting ||
          wanted.has(l.listenerPort) ||
          isOwnedBy(l.tags, desired.albConfig.name, desired.clusterId),
      ),
    ),
  );
  return { ...found, listeners: listeners.sort((a, b) => a.port - b.port), serverGroups };
}
