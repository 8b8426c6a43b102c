// What each CLB Action kind means as SlbProvider calls, and apply(slb, actions), which runs a plan
// through the generic executor src/reconcile/apply-graph.ts (order, concurrency, failures and skips).
// Not here: deciding what to do (the planner), or ordering and failure handling (the executor).
import { OPERATOR_DEFAULTS } from "../../src/config";
import { isCloudError, type SlbBackendServer, type SlbProvider } from "../../src/cloud";
import type { ApplyResult } from "../../src/reconcile/actions";
import { applyGraph, type PerformContext, type RecoveryHandle } from "../../src/reconcile/apply-graph";
import type { Action, ActionKind, ActionParams, IdOrRef } from "./plan";

export interface ApplyOptions {
  /** Actions in flight at once. */
  concurrency?: number;
  /** Backends per Add/Remove/Update call, 1..20 (CLB accepts 20 per call). */
  backendsPerCall?: number;
  /** Leader election: once aborted, no further action starts (src/reconcile/apply-graph.ts). */
  signal?: AbortSignal;
}

/** Ids a CLB action produced: the new SLB (and its address) or the new vserver group. */
export interface ActionOutput {
  loadBalancerId?: string;
  address?: string;
  vServerGroupId?: string;
}

export type ClbApplyResult = ApplyResult<ActionOutput, ActionKind>;

/**
 * Runs a CLB plan: an action runs once all its dependencies succeeded; a failure skips only its
 * dependants. Never throws: every outcome is in `results`, every failure in `errors`. A delete that finds
 * its resource gone counts as done (`output.alreadyGone`), as upstream's cleanup does.
 */
export async function apply(
  slb: SlbProvider,
  actions: Action[],
  opts: ApplyOptions = {},
): Promise<ClbApplyResult> {
  const performer = new ClbPerformer(
    slb,
    Math.max(1, Math.min(opts.backendsPerCall ?? OPERATOR_DEFAULTS.backendsPerApiCall, 20)),
  );
  return applyGraph<ActionParams, ActionOutput>(actions, (a, ctx) => performer.perform(a, ctx), {
    concurrency: opts.concurrency ?? OPERATOR_DEFAULTS.applyConcurrency,
    isAlreadyGone: (a, e) => isDelete(a.params) && isCloudError(e, "NotFound"),
    recover: (a, e, graph) => performer.makeRoom(a, e, graph),
    signal: opts.signal,
  });
}

/** One apply run's SlbProvider calls; keeps backend progress per action key across a retry. */
class ClbPerformer {
  readonly #slb: SlbProvider;
  readonly #backendsPerCall: number;
  /** Backends already sent per action key (index of the next batch). */
  readonly #batchesDone = new Map<string, number>();

  constructor(slb: SlbProvider, backendsPerCall: number) {
    this.#slb = slb;
    this.#backendsPerCall = backendsPerCall;
  }

  /**
   * When an add hits the per-SLB backend quota (InstanceBackendServerNumberOverLimit), run this group's
   * pending removes first (every batch, in plan order), then retry the add once; upstream deletes first
   * and retries the add, too (kubernetes/cloud-provider-alibaba-cloud pkg/controller/service/clbv1/vgroups.go).
   */
  async makeRoom(
    a: Action,
    error: unknown,
    graph: RecoveryHandle<ActionParams, ActionOutput>,
  ): Promise<ActionOutput | undefined> {
    const p = a.params;
    if (p.kind !== "AddBackendServers" || !isCloudError(error, "QuotaExceeded")) throw error;
    const removes = graph
      .pendingDependants()
      .filter(
        (r) => r.params.kind === "RemoveBackendServers" && r.params.vServerGroupId === p.vServerGroupId,
      );
    if (removes.length === 0) throw error;
    for (const remove of removes) if ((await graph.runNow(remove)).status !== "ok") throw error;
    return graph.retry(); // resumes after the batches that already went in
  }

  async perform(a: Action, ctx: PerformContext<ActionOutput>): Promise<ActionOutput | undefined> {
    const slb = this.#slb;
    const p = a.params;
    const id = (ref: IdOrRef) => resolve(ref, ctx);
    switch (p.kind) {
      case "CreateLoadBalancer": {
        const r = await slb.createLoadBalancer(p.request);
        return { loadBalancerId: r.loadBalancerId, address: r.address };
      }
      case "SetLoadBalancerName":
        return void (await slb.setLoadBalancerName(id(p.loadBalancerId), p.name));
      case "SetDeleteProtection":
        return void (await slb.setDeleteProtection(id(p.loadBalancerId), p.value));
      case "SetModificationProtection":
        return void (await slb.setModificationProtection(id(p.loadBalancerId), p.status, p.reason));
      case "ModifyInstanceChargeType":
        return void (await slb.modifyInstanceChargeType(id(p.loadBalancerId), p.chargeType, p.spec));
      case "ModifyInstanceSpec":
        return void (await slb.modifyInstanceSpec(id(p.loadBalancerId), p.spec));
      case "ModifyInternetSpec":
        return void (await slb.modifyInternetSpec(id(p.loadBalancerId), {
          internetChargeType: p.internetChargeType,
          bandwidth: p.bandwidthMbps,
        }));
      case "TagLoadBalancer":
        return void (await slb.tagLoadBalancer(id(p.loadBalancerId), p.tags));
      case "UntagLoadBalancer":
        return void (await slb.untagLoadBalancer(id(p.loadBalancerId), p.tagKeys));
      case "DeleteLoadBalancer":
        return void (await slb.deleteLoadBalancer(id(p.loadBalancerId)));
      case "CreateVServerGroup": {
        const r = await slb.createVServerGroup(id(p.loadBalancerId), p.name, p.backends);
        return { vServerGroupId: r.vServerGroupId };
      }
      case "DeleteVServerGroup":
        return void (await slb.deleteVServerGroup(p.vServerGroupId));
      case "AddBackendServers": {
        const groupId = id(p.vServerGroupId);
        return void (await this.#inBatches(a.key, p.backends, (b) => slb.addBackendServers(groupId, b)));
      }
      case "RemoveBackendServers":
        return void (await this.#inBatches(a.key, p.backends, (b) =>
          slb.removeBackendServers(p.vServerGroupId, b),
        ));
      case "UpdateBackendServers":
        return void (await this.#inBatches(a.key, p.backends, (b) =>
          slb.updateBackendServers(p.vServerGroupId, b),
        ));
      case "CreateListener":
        return void (await slb.createListener(id(p.loadBalancerId), {
          ...p.spec,
          vServerGroupId: id(p.vServerGroupId),
        }));
      case "UpdateListener": {
        const attrs = p.vServerGroupId ? { ...p.attrs, vServerGroupId: id(p.vServerGroupId) } : p.attrs;
        return void (await slb.updateListener(id(p.loadBalancerId), p.port, p.protocol, attrs));
      }
      case "StartListener":
        return void (await slb.startListener(id(p.loadBalancerId), p.port, p.protocol));
      case "DeleteListener":
        return void (await slb.deleteListener(id(p.loadBalancerId), p.port, p.protocol));
      case "CreateDomainExtension":
        return void (await slb.createDomainExtension(
          id(p.loadBalancerId),
          p.listenerPort,
          p.domain,
          p.serverCertificateId,
        ));
      case "UpdateDomainExtension":
        return void (await slb.setDomainExtensionCertificate(p.domainExtensionId, p.serverCertificateId));
      case "DeleteDomainExtension":
        return void (await slb.deleteDomainExtension(p.domainExtensionId));
    }
  }

  /** Calls `call` per batch; progress is kept per action key so a retried add does not re-add. */
  async #inBatches(
    key: string,
    backends: SlbBackendServer[],
    call: (batch: SlbBackendServer[]) => Promise<void>,
  ): Promise<void> {
    for (let i = this.#batchesDone.get(key) ?? 0; i < backends.length; i += this.#backendsPerCall) {
      await call(backends.slice(i, i + this.#backendsPerCall));
      this.#batchesDone.set(key, i + this.#backendsPerCall);
    }
  }
}

/** The id an earlier action produced (new SLB or vserver group), or the id the plan already knew. */
function resolve(id: IdOrRef, ctx: PerformContext<ActionOutput>): string {
  if (typeof id === "string") return id;
  const out = ctx.outputOf(id);
  const value = out?.vServerGroupId ?? out?.loadBalancerId;
  if (!value) throw new Error(`reference ${id.ref} has no id (did it run?)`);
  return value;
}

function isDelete(p: ActionParams): boolean {
  return (
    p.kind === "DeleteLoadBalancer" ||
    p.kind === "DeleteListener" ||
    p.kind === "DeleteVServerGroup" ||
    p.kind === "DeleteDomainExtension"
  );
}

/** The SLB id and address after apply: the remote one, or the one a CreateLoadBalancer action produced. */
export function loadBalancerAfterApply(
  remote: { loadBalancer?: { loadBalancerId: string; address: string } } | undefined,
  result: ClbApplyResult,
): { loadBalancerId: string; address: string } | undefined {
  if (remote?.loadBalancer)
    return { loadBalancerId: remote.loadBalancer.loadBalancerId, address: remote.loadBalancer.address };
  const created = result.results.find((r) => r.kind === "CreateLoadBalancer" && r.status === "ok")?.output;
  if (!created || !("loadBalancerId" in created) || !created.loadBalancerId) return undefined;
  return { loadBalancerId: created.loadBalancerId, address: created.address ?? "" };
}
