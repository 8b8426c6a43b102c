// What each ALB Action kind means as AlbProvider calls, and apply(alb, actions), which runs a plan through
// the generic executor src/reconcile/apply-graph.ts (order, concurrency, failures and skips). Every ALB
// mutation is asynchronous: an action waits for its jobs (and a new ALB for Active) before its dependants
// run, so they never meet a busy instance. Not here: deciding what to do (../plan).
import { ALB_DEFAULTS } from "../../src/config";
import {
  isCloudError,
  type AlbCreateServerGroupRequest,
  type AlbJobRef,
  type AlbProvider,
  type AlbRuleSpec,
  type AlbServer,
} from "../../src/cloud";
import type { ApplyResult } from "../../src/reconcile/actions";
import { applyGraph, type PerformContext } from "../../src/reconcile/apply-graph";
import type { DesiredServer } from "./model/types";
import type { ServerGroupCreates } from "./server-group-creates";
import type { Action, ActionKind, ActionParams, IdOrRef, ListenerAttributes, RuleSpec } from "./plan";

export interface ApplyOptions {
  /** Actions in flight at once. */
  concurrency?: number;
  /** Leader election: once aborted, no further action starts. */
  signal?: AbortSignal;
  /** Server group creates shared with other askers of this process (server-group-creates.ts). */
  creates?: ServerGroupCreates;
}

/** The id an ALB action produced (a new ALB, listener or server group). */
export interface ActionOutput {
  id?: string;
}

export type AlbApplyResult = ApplyResult<ActionOutput, ActionKind>;

const DELETES: ReadonlySet<ActionKind> = new Set([
  "DeleteLoadBalancer",
  "DeleteListener",
  "DeleteServerGroup",
  "DeleteRules",
  "RemoveServers",
  "RemoveListenerCertificates",
]);

/** Runs an ALB plan; never throws (every outcome is in `results`, every failure in `errors`). */
export async function apply(
  alb: AlbProvider,
  actions: Action[],
  opts: ApplyOptions = {},
): Promise<AlbApplyResult> {
  return applyGraph<ActionParams, ActionOutput>(actions, (a, ctx) => perform(alb, a, ctx, opts.creates), {
    concurrency: opts.concurrency ?? ALB_DEFAULTS.applyConcurrency,
    isAlreadyGone: (a, e) => DELETES.has(a.kind) && isCloudError(e, "NotFound"),
    signal: opts.signal,
  });
}

function resolve(id: IdOrRef, ctx: PerformContext<ActionOutput>): string {
  if (typeof id === "string") return id;
  const out = ctx.outputOf(id)?.id;
  if (!out) throw new Error(`no id from ${id.ref}`);
  return out;
}

async function waitJobs(alb: AlbProvider, refs: AlbJobRef | AlbJobRef[]): Promise<void> {
  const ids = (Array.isArray(refs) ? refs : [refs]).flatMap((r) => (r.jobId ? [r.jobId] : []));
  if (ids.length > 0) await alb.waitForJobs(ids);
}

function toServer(s: DesiredServer): AlbServer {
  return {
    serverId: s.serverId,
    serverType: s.serverType,
    ...(s.serverIp ? { serverIp: s.serverIp } : {}),
    port: s.port,
    weight: s.weight,
  };
}

function listenerAttrs(a: ListenerAttributes) {
  return {
    ...(a.description !== undefined ? { listenerDescription: a.description } : {}),
    ...(a.idleTimeoutSeconds !== undefined ? { idleTimeout: a.idleTimeoutSeconds } : {}),
    ...(a.requestTimeoutSeconds !== undefined ? { requestTimeout: a.requestTimeoutSeconds } : {}),
    ...(a.gzipEnabled !== undefined ? { gzipEnabled: a.gzipEnabled } : {}),
    ...(a.http2Enabled !== undefined ? { http2Enabled: a.http2Enabled } : {}),
    ...(a.securityPolicyId !== undefined ? { securityPolicyId: a.securityPolicyId } : {}),
    ...(a.defaultCertificateId !== undefined ? { defaultCertificateId: a.defaultCertificateId } : {}),
  };
}

function ruleSpec(r: RuleSpec, ctx: PerformContext<ActionOutput>): AlbRuleSpec {
  const tuples = (ts: { serverGroupId: IdOrRef; weight?: number }[]) =>
    ts.map((t) => ({ ...t, serverGroupId: resolve(t.serverGroupId, ctx) }));
  return {
    priority: r.priority,
    ruleName: r.name,
    direction: r.direction,
    conditions: r.conditions,
    actions: r.actions.map(({ forwardGroup, trafficMirror, ...rest }) => ({
      ...rest,
      ...(forwardGroup
        ? { forwardGroup: { ...forwardGroup, serverGroupTuples: tuples(forwardGroup.serverGroupTuples) } }
        : {}),
      ...(trafficMirror
        ? { trafficMirror: { ...trafficMirror, serverGroupTuples: tuples(trafficMirror.serverGroupTuples) } }
        : {}),
    })),
  };
}

/** One action as AlbProvider calls. Exported for unit tests. */
export async function perform(
  alb: AlbProvider,
  action: Action,
  ctx: PerformContext<ActionOutput>,
  creates?: ServerGroupCreates,
): Promise<ActionOutput | undefined> {
  const p = action.params;
  switch (p.kind) {
    case "CreateLoadBalancer": {
      const r = p.request;
      const { loadBalancerId } = await alb.createLoadBalancer({
        loadBalancerName: r.loadBalancerName,
        vpcId: r.vpcId,
        addressType: r.addressType,
        addressAllocatedMode: r.addressAllocatedMode,
        addressIpVersion: r.addressIpVersion,
        loadBalancerEdition: r.edition,
        payType: r.payType,
        zoneMappings: r.zoneMappings,
        ...(r.resourceGroupId ? { resourceGroupId: r.resourceGroupId } : {}),
        deletionProtectionEnabled: r.deletionProtectionEnabled,
        tags: r.tags,
        clientToken: r.clientToken,
      });
      await alb.waitForLoadBalancerActive(loadBalancerId);
      return { id: loadBalancerId };
    }
    case "UpdateLoadBalancerName":
      await waitJobs(alb, await alb.updateLoadBalancer(p.loadBalancerId, { loadBalancerName: p.name }));
      return undefined;
    case "TagLoadBalancer":
      await alb.tagResources("loadbalancer", [p.loadBalancerId], p.tags);
      return undefined;
    case "SetDeletionProtection":
      await alb.setDeletionProtection(p.loadBalancerId, p.enabled);
      return undefined;
    case "DeleteLoadBalancer":
      await waitJobs(alb, await alb.deleteLoadBalancer(p.loadBalancerId));
      return undefined;
    case "CreateServerGroup": {
      const s = p.spec;
      const req: AlbCreateServerGroupRequest = {
        serverGroupName: s.serverGroupName,
        serverGroupType: "Instance",
        vpcId: s.vpcId,
        protocol: s.protocol,
        scheduler: s.scheduler,
        healthCheckConfig: s.healthCheck,
        stickySessionConfig: s.stickySession,
        upstreamKeepaliveEnabled: s.upstreamKeepaliveEnabled,
        ...(s.uchConfig ? { uchConfig: s.uchConfig } : {}),
        tags: s.tags,
        clientToken: p.clientToken,
      };
      if (creates) return { id: await creates.create(req) };
      const r = await alb.createServerGroup(req);
      await waitJobs(alb, r);
      return { id: r.serverGroupId };
    }
    case "UpdateServerGroup": {
      const a = p.attrs;
      await waitJobs(
        alb,
        await alb.updateServerGroup(p.serverGroupId, {
          ...(a.scheduler ? { scheduler: a.scheduler } : {}),
          ...(a.healthCheck ? { healthCheckConfig: a.healthCheck } : {}),
          ...(a.stickySession ? { stickySessionConfig: a.stickySession } : {}),
          ...(a.upstreamKeepaliveEnabled !== undefined
            ? { upstreamKeepaliveEnabled: a.upstreamKeepaliveEnabled }
            : {}),
          ...(a.uchConfig ? { uchConfig: a.uchConfig } : {}),
        }),
      );
      return undefined;
    }
    case "DeleteServerGroup":
      creates?.forget(p.serverGroupId);
      await waitJobs(alb, await alb.deleteServerGroup(p.serverGroupId));
      return undefined;
    case "AddServers":
      if (creates) {
        await creates.addServers(resolve(p.serverGroupId, ctx), p.servers.map(toServer));
        return undefined;
      }
      await waitJobs(alb, await alb.addServers(resolve(p.serverGroupId, ctx), p.servers.map(toServer)));
      return undefined;
    case "UpdateServers":
      // AddServersToServerGroup gives an existing server (id, ip, port) its new weight.
      await waitJobs(alb, await alb.addServers(p.serverGroupId, p.servers.map(toServer)));
      return undefined;
    case "RemoveServers":
      await waitJobs(
        alb,
        await alb.removeServers(
          p.serverGroupId,
          p.servers.map((s) => ({
            serverId: s.serverId,
            serverType: s.serverType,
            serverIp: s.serverIp,
            port: s.port,
          })),
        ),
      );
      return undefined;
    case "CreateListener": {
      const r = await alb.createListener({
        loadBalancerId: resolve(p.loadBalancerId, ctx),
        listenerPort: p.spec.port,
        listenerProtocol: p.spec.protocol,
        defaultServerGroupId: resolve(p.defaultServerGroupId, ctx),
        ...listenerAttrs(p.spec),
        tags: p.tags,
        clientToken: p.clientToken,
      });
      await waitJobs(alb, r);
      return { id: r.listenerId };
    }
    case "UpdateListener":
      await waitJobs(
        alb,
        await alb.updateListener(p.listenerId, {
          ...listenerAttrs(p.attrs),
          ...(p.defaultServerGroupId !== undefined
            ? { defaultServerGroupId: resolve(p.defaultServerGroupId, ctx) }
            : {}),
        }),
      );
      return undefined;
    case "DeleteListener":
      await waitJobs(alb, await alb.deleteListener(p.listenerId));
      return undefined;
    case "AddListenerCertificates":
      await waitJobs(
        alb,
        await alb.associateAdditionalCertificates(resolve(p.listenerId, ctx), p.certificateIds),
      );
      return undefined;
    case "RemoveListenerCertificates":
      await waitJobs(alb, await alb.dissociateAdditionalCertificates(p.listenerId, p.certificateIds));
      return undefined;
    case "CreateRules": {
      const r = await alb.createRules(
        resolve(p.listenerId, ctx),
        p.rules.map((x) => ruleSpec(x, ctx)),
        p.clientToken,
      );
      await waitJobs(
        alb,
        r.jobIds.map((jobId) => ({ jobId })),
      );
      return undefined;
    }
    case "UpdateRules":
      await waitJobs(
        alb,
        await alb.updateRules(
          p.rules.map((x) => {
            const { direction: _direction, ...spec } = ruleSpec(x, ctx);
            return { ruleId: x.ruleId, ...spec };
          }),
        ),
      );
      return undefined;
    case "DeleteRules":
      await waitJobs(alb, await alb.deleteRules(p.ruleIds));
      return undefined;
  }
}
