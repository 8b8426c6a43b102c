// The CLB Service reconciler on the controller kit (src/controller): re-read the Service, run the pure pipeline
// (model -> remote -> plan, pipeline.ts), apply the plan, then publish status, labels and Events. The finalizer goes
// on before any cloud write and comes off last, after a successful cleanup. § numbers refer to docs/clb-service.md.
import type { V1EndpointSlice, V1Node, V1Pod, V1Service } from "@kubernetes/client-node";
import { notReadyEndpointPods } from "../../src/backends/endpoints";
import { gateConditionPatch, readinessUpdates } from "../../src/backends/readiness-gates";
import { OPERATOR_DEFAULTS } from "../../src/config";
import {
  Done,
  RequeueAfter,
  ShownError,
  TerminalError,
  describeError,
  type ReconcileResult,
} from "../../src/controller/result";
import { canonicalJson } from "../../src/controller/fingerprint";
import type { FailureToShow, ReconcileContext } from "../../src/controller/controller";
import type { SlbProvider } from "../../src/cloud";
import type { CloudSettings } from "../../src/operator/settings";
import { describeK8sError, isConflict, isNotFound, type ClusterClient } from "../../src/k8s/client";
import type { EventRecorder, EventType } from "../../src/k8s/events";
import { ensureFinalizer, hasFinalizer, removeFinalizer } from "../../src/k8s/finalizers";
import { KINDS, parseKey } from "../../src/k8s/kinds";
import { setCondition, removeCondition, type Condition } from "../../src/k8s/status";
import type { Store } from "../../src/k8s/stores";
import { isClbManagedService } from "./annotations";
import { apply, loadBalancerAfterApply } from "./perform";
import type { DesiredModel } from "./model";
import { domainExtensionsToRecord } from "./plan";
import { planFor, plansCreate, withCreateIntent, type NetworkReaders, type PlanForResult } from "./pipeline";
import {
  APPLIED_DOMAIN_EXTENSIONS_ANNOTATION,
  APPLIED_TAG_KEYS_ANNOTATION,
  CREATE_INTENT_ANNOTATION,
  newCreateIntent,
  serviceReadinessGate,
} from "./tracking";
import { CLB_REASONS, SYNCED_CONDITION } from "./reasons";

export { canonicalJson } from "../../src/controller/fingerprint";
export { SYNCED_CONDITION } from "./reasons";

export const LB_ID_LABEL = "service.k8s.alibaba/loadbalancer-id";
export const HASH_LABEL = "service.beta.kubernetes.io/hash";
/** Index of the EndpointSlice store: "<ns>/<service>" of each slice. */
export const SLICES_BY_SERVICE = "service";

export interface ClbControllerDeps {
  client: ClusterClient;
  events: EventRecorder;
  slb: SlbProvider;
  /** ENI lookups for ENI backends (§3.1) and the EIPs of `external-ip-type: eip` (§3.6). */
  network: NetworkReaders;
  /** This cluster's id (src/operator/settings.ts clusterIdentity): ownership tags and owner keys. */
  clusterId: string;
  /** Cluster-wide settings and policy (src/operator/settings.ts); absent: the defaults. */
  settings?: CloudSettings;
  finalizer: string;
  /** `sg-batch-size`: backends per add/remove/update action (§3.5); default in src/config.ts. */
  backendBatchSize?: number;
  /** Watch-fed stores (src/k8s/stores.ts), seeded before the first reconcile. */
  nodes: Store<V1Node>;
  endpointSlices: Store<V1EndpointSlice>;
}

export function serviceKey(svc: { metadata?: { namespace?: string; name?: string } }): string {
  return `${svc.metadata?.namespace ?? "default"}/${svc.metadata?.name ?? ""}`;
}

/** Services this controller manages: CLB-managed ones, and any still carrying our finalizer (cleanup). */
export function isRelevantService(svc: V1Service, finalizer: string): boolean {
  return isClbManagedService(svc) || hasFinalizer(svc, finalizer);
}

export type Ingress = { ip?: string; hostname?: string };

/**
 * §3.6: `hostname` wins; with `external-ip-type: eip` one entry per EIP bound to the SLB (none found:
 * the SLB address, and the caller warns); otherwise the SLB address.
 */
export function ingressFor(
  lb: { address: string },
  opts: { hostname?: string; eipIps?: string[] },
): Ingress[] {
  if (opts.hostname) return [{ hostname: opts.hostname }];
  if (opts.eipIps && opts.eipIps.length > 0) return opts.eipIps.map((ip) => ({ ip }));
  return lb.address ? [{ ip: lb.address }] : [];
}

interface Outcome {
  type: EventType;
  reason: string;
  message: string;
  synced: boolean;
}

function aborted(signal: AbortSignal): void {
  if (signal.aborted) throw new Error("stopped: this process no longer leads");
}

export class ClbServiceReconciler {
  readonly #deps: ClbControllerDeps;

  constructor(deps: ClbControllerDeps) {
    this.#deps = deps;
  }

  async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
    const { client, finalizer } = this.#deps;
    let svc = await client.get<V1Service>(KINDS.Service, parseKey(key));
    if (!svc) {
      ctx.forget();
      return Done;
    }
    ctx.observe(serviceFingerprint(svc));
    const hadFinalizer = hasFinalizer(svc, finalizer);
    const deleting = !!svc.metadata?.deletionTimestamp || !isClbManagedService(svc);
    if (deleting && !hadFinalizer) {
      ctx.forget();
      return Done; // nothing of ours exists for it
    }
    const nodes = this.#deps.nodes.list();
    const endpointSlices = this.#deps.endpointSlices.byIndex(SLICES_BY_SERVICE, key);
    // The reads (pods behind not-ready endpoints, then the cloud) and the finalizer write go out
    // together; apply (the first cloud write) starts only once both are done, so the finalizer
    // still precedes every cloud write.
    const current = svc;
    const readAndPlan = async (): Promise<{ pods: Map<string, V1Pod>; result: PlanForResult }> => {
      // §3.3: the pods behind not-ready endpoints decide (readiness gate + ContainersReady) whether they count.
      const pods = deleting
        ? new Map<string, V1Pod>()
        : await this.#readPods(notReadyEndpointPods(endpointSlices));
      const result = await planFor({
        svc: current,
        nodes,
        endpointSlices,
        pods,
        clusterId: this.#deps.clusterId,
        settings: this.#deps.settings,
        slb: this.#deps.slb,
        network: this.#deps.network,
        deleting,
        backendBatchSize: this.#deps.backendBatchSize,
      });
      return { pods, result };
    };
    const addFinalizer = async (): Promise<V1Service> => {
      aborted(ctx.signal);
      return ensureFinalizer(client, KINDS.Service, current, finalizer);
    };
    const [withFinalizer, planned] = await Promise.all([
      !deleting && !hadFinalizer ? addFinalizer() : Promise.resolve(svc),
      readAndPlan(),
    ]);
    svc = withFinalizer;
    const pods = planned.pods;
    let result = planned.result;
    if (
      !deleting &&
      result.modelErrors.length === 0 &&
      plansCreate(result.plan) &&
      !result.desired?.service.createIntent
    ) {
      // The create's token needs an intent kept on the object (tracking.ts CREATE_INTENT_ANNOTATION):
      // written before the create, so a retry after a crash replays the same create.
      const intent = newCreateIntent();
      aborted(ctx.signal);
      svc = await client.patch<V1Service>(KINDS.Service, parseKey(key), {
        metadata: { annotations: { [CREATE_INTENT_ANNOTATION]: intent } },
      });
      result = withCreateIntent(result, intent, this.#deps.backendBatchSize);
    }
    if (result.modelErrors.length > 0 && !deleting) {
      // A bad manifest (admitted before the webhook existed, or the webhook was bypassed): show it and
      // wait for the user's fix; retrying cannot help.
      const message = `Error syncing load balancer []: ${result.modelErrors.map((e) => `${e.field}: ${e.message}`).join("; ")}`;
      aborted(ctx.signal);
      await this.#report(svc, "Warning", CLB_REASONS.syncFailed, message, false);
      throw new TerminalError(CLB_REASONS.syncFailed, message, { shown: true });
    }
    aborted(ctx.signal);
    const applied = await apply(this.#deps.slb, result.plan.actions, { signal: ctx.signal });
    aborted(ctx.signal);
    const failures = [
      ...result.plan.errors.map((e) => e.message),
      ...applied.errors.map((e) => `${e.kind}: ${describeError(e.error)}`),
    ];
    const lb = loadBalancerAfterApply(result.remote, applied);
    const lbId = lb?.loadBalancerId ?? "";

    if (deleting) {
      if (failures.length > 0) {
        const message = `Error deleting load balancer [${lbId}]: ${failures.join("; ")}`;
        await this.#report(svc, "Warning", CLB_REASONS.cleanFailed, message, false);
        if (onlyTerminalFailures(result, failures))
          throw new TerminalError(CLB_REASONS.cleanFailed, message, { shown: true });
        throw new ShownError(CLB_REASONS.cleanFailed, message);
      }
      await this.#finishCleanup(svc);
      await this.#event(svc, "Normal", CLB_REASONS.cleaned, "Clean load balancer");
      ctx.forget();
      return Done;
    }

    for (const w of result.plan.warnings) await this.#event(svc, "Normal", CLB_REASONS.unavailable, w);
    const appliedCleanly = failures.length === 0;
    failures.push(...(await this.#reportEniBackends(svc, result)));
    failures.push(...(await this.#updateReadinessGates(svc, result, pods, appliedCleanly)));
    const eipIps =
      lb && result.desired?.loadBalancer.externalIpIsEip ? await this.#eipsOf(svc, lb) : undefined;
    const outcome: Outcome =
      failures.length > 0
        ? {
            type: "Warning",
            reason: CLB_REASONS.syncFailed,
            message: `Error syncing load balancer [${lbId}]: ${failures.join("; ")}`,
            synced: false,
          }
        : {
            type: "Normal",
            reason: CLB_REASONS.ensured,
            message: `Ensured load balancer [${lbId}]`,
            synced: true,
          };
    // Report only news: a resync that changed nothing and was already reported writes nothing.
    const news = result.plan.actions.length > 0 || !outcome.synced || !hasCondition(svc, "True");
    const published = this.#publish(
      svc,
      lb,
      {
        tagKeys: result.desired?.loadBalancer.additionalTags.map((t) => t.key) ?? [],
        domains: result.desired ? domainExtensionsToRecord(result.desired) : undefined,
      },
      outcome,
      news,
      eipIps,
      result.desired?.loadBalancer.hostname,
    );
    try {
      await published;
    } catch (e) {
      if (!isConflict(e)) throw e;
      return RequeueAfter(0, "the Service changed during the sync: report from the new object");
    }
    if (!outcome.synced) {
      // A policy or ownership refusal with nothing else failing: retrying cannot help (as a bad annotation).
      if (onlyTerminalFailures(result, failures))
        throw new TerminalError(outcome.reason, outcome.message, { shown: true });
      throw new ShownError(outcome.reason, outcome.message);
    }
    // §3.3: a not-ready endpoint may soon count (gated pod not ContainersReady yet, or not seen yet).
    if (result.desired?.potentialReadyEndpoints)
      return RequeueAfter(OPERATOR_DEFAULTS.potentialReadyRequeueMs, "endpoints may become ready");
    return Done;
  }

  /** A failure the reconcile did not show itself (a cloud read, the API server): an Event and the condition. */
  async showFailure(key: string, failure: FailureToShow): Promise<void> {
    const svc = await this.#deps.client.get<V1Service>(KINDS.Service, parseKey(key));
    if (!svc) return;
    const deleting = !!svc.metadata?.deletionTimestamp || !isClbManagedService(svc);
    const reason = deleting ? CLB_REASONS.cleanFailed : CLB_REASONS.syncFailed;
    const lbId = svc.metadata?.labels?.[LB_ID_LABEL] ?? "";
    const message = `Error ${deleting ? "deleting" : "syncing"} load balancer [${lbId}]: ${failure.message}`;
    await this.#report(svc, "Warning", reason, message, false);
  }

  /** The pods (by "<ns>/<name>") that exist among `keys`. */
  async #readPods(keys: string[]): Promise<Map<string, V1Pod>> {
    const found = await Promise.all(
      keys.map(async (k) => [k, await this.#deps.client.get<V1Pod>(KINDS.Pod, parseKey(k))] as const),
    );
    return new Map(found.filter((e): e is readonly [string, V1Pod] => e[1] !== undefined));
  }

  /** §3.1 events; invalid ENI backends fail the reconcile, so the key retries until their ENIs exist. */
  async #reportEniBackends(svc: V1Service, result: PlanForResult): Promise<string[]> {
    const eni = result.eni;
    if (!eni) return [];
    if (eni.skippedIps.length > 0)
      await this.#event(
        svc,
        "Normal",
        CLB_REASONS.skipSyncBackends,
        `Not sync pods [${eni.skippedIps.join(",")}] whose ip is not in vpc cidrs`,
      );
    if (eni.invalidIps.length === 0) return [];
    await this.#event(
      svc,
      "Warning",
      CLB_REASONS.skipSyncBackends,
      `Not sync pods [${eni.invalidIps.join(",")}] whose eni is invalid`,
    );
    return [
      `can not find eni for pod ips [${eni.invalidIps.join(",")}] in vpc ${this.#deps.network.vpcId ?? ""}`,
    ];
  }

  /**
   * Pod readiness gates: True (ServerRegistered) for gated pods now in their vserver group, False
   * (ServerInvalidServer) for pods whose backend is invalid. A failed pod write fails the reconcile.
   */
  async #updateReadinessGates(
    svc: V1Service,
    result: PlanForResult,
    pods: Map<string, V1Pod>,
    applied: boolean,
  ): Promise<string[]> {
    const model: Partial<DesiredModel> = result.desired ?? {};
    const updates = readinessUpdates(model, result.eni, applied);
    if (updates.length === 0) return [];
    const gate = serviceReadinessGate(svc.metadata!.name!);
    const errors: string[] = [];
    await Promise.all(
      updates.map(async (u) => {
        const podKey = parseKey(u.pod);
        try {
          const pod = pods.get(u.pod) ?? (await this.#deps.client.get<V1Pod>(KINDS.Pod, podKey));
          const patch = pod && gateConditionPatch(pod, gate, u, new Date());
          if (patch) await this.#deps.client.patchStatus(KINDS.Pod, podKey, patch, "strategic");
        } catch (e) {
          if (!isNotFound(e)) errors.push(`pod ${u.pod}: ${describeK8sError(e)}`);
        }
      }),
    );
    if (errors.length === 0) return [];
    const message = `Error updating readiness gate ${gate}: ${errors.join("; ")}`;
    await this.#event(svc, "Warning", CLB_REASONS.failedReadinessGate, message);
    return [message];
  }

  /** §3.6: the EIPs bound to the SLB; none (or a failed lookup): a warning, and the SLB address stays. */
  async #eipsOf(svc: V1Service, lb: { loadBalancerId: string }): Promise<string[]> {
    let ips: string[] = [];
    try {
      ips = (await this.#deps.network.vpc.findEipsBoundTo(lb.loadBalancerId)).map((e) => e.ipAddress);
    } catch (e) {
      console.warn(`clb-service: EIP lookup for ${serviceKey(svc)} failed: ${describeError(e)}`);
    }
    if (ips.length === 0)
      await this.#event(svc, "Warning", CLB_REASONS.failedSetEip, "get eip error, set external ip to slb ip");
    return ips;
  }

  /**
   * Labels and applied-tag/-domain bookkeeping (one metadata write), status.loadBalancer and the Synced
   * condition (one status write) and the Event, each only when it changed, all at once.
   */
  async #publish(
    svc: V1Service,
    lb: { loadBalancerId: string; address: string } | undefined,
    applied: { tagKeys: string[]; domains?: string[] },
    outcome: Outcome,
    news: boolean,
    eipIps?: string[],
    hostname?: string,
  ): Promise<void> {
    const { client } = this.#deps;
    const key = { namespace: svc.metadata!.namespace!, name: svc.metadata!.name! };
    const metadata: { labels?: Record<string, string>; annotations?: Record<string, string | null> } = {};
    // The label and the address say "this SLB serves the Service": only after a sync that proved it.
    if (lb && outcome.synced && svc.metadata?.labels?.[LB_ID_LABEL] !== lb.loadBalancerId)
      metadata.labels = { [LB_ID_LABEL]: lb.loadBalancerId };
    const appliedKeys = [...applied.tagKeys].sort().join(",");
    const currentKeys = svc.metadata?.annotations?.[APPLIED_TAG_KEYS_ANNOTATION] ?? "";
    if (lb && outcome.synced && appliedKeys !== currentKeys) {
      metadata.annotations = { [APPLIED_TAG_KEYS_ANNOTATION]: appliedKeys === "" ? null : appliedKeys };
    }
    const domains = nextAppliedDomains(svc, lb !== undefined, outcome.synced, applied.domains);
    if (domains !== undefined) {
      metadata.annotations = {
        ...metadata.annotations,
        [APPLIED_DOMAIN_EXTENSIONS_ANNOTATION]: domains === "" ? null : domains,
      };
    }
    // The metadata write, the status write and the Event are independent: they go out together.
    const writes: Promise<unknown>[] = [];
    if (metadata.labels && !svc.metadata?.labels?.[LB_ID_LABEL]) {
      // The first report makes the Service "provisioned" (admission then freezes `id`, §2.5 R3). It is
      // conditional on the object this reconcile worked from: if the Service changed meanwhile (say `id`
      // was added after our create), nothing is reported and the caller reconciles the new object.
      await client.patch(KINDS.Service, key, {
        metadata: { ...metadata, resourceVersion: svc.metadata?.resourceVersion },
      });
    } else if (metadata.labels || metadata.annotations) {
      writes.push(client.patch(KINDS.Service, key, { metadata }));
    }

    const status: { loadBalancer?: { ingress: Ingress[] }; conditions?: Condition[] } = {};
    if (lb && outcome.synced) {
      const ingress = ingressFor(lb, { hostname, eipIps });
      const current = (svc.status?.loadBalancer?.ingress ?? []).map((i) =>
        i.hostname ? { hostname: i.hostname } : { ip: i.ip },
      );
      if (JSON.stringify(current) !== JSON.stringify(ingress)) status.loadBalancer = { ingress };
    }
    if (news) {
      const conditions = setCondition(
        svc.status?.conditions as Condition[] | undefined,
        {
          type: SYNCED_CONDITION,
          status: outcome.synced ? "True" : "False",
          reason: outcome.reason,
          message: outcome.message,
          observedGeneration: svc.metadata?.generation,
        },
        new Date(),
      );
      if (conditions !== (svc.status?.conditions as Condition[] | undefined)) status.conditions = conditions;
    }
    if (status.loadBalancer || status.conditions) {
      writes.push(
        client.patchStatus(KINDS.Service, key, { status }).catch((e) => {
          if (!status.loadBalancer)
            console.warn(
              `clb-service: could not write condition on ${key.namespace}/${key.name}: ${describeK8sError(e)}`,
            );
          else throw e;
        }),
      );
    }
    if (news) writes.push(this.#event(svc, outcome.type, outcome.reason, outcome.message));
    await Promise.all(writes);
  }

  async #finishCleanup(svc: V1Service): Promise<void> {
    const { client, finalizer } = this.#deps;
    const key = { namespace: svc.metadata!.namespace!, name: svc.metadata!.name! };
    await client.patchStatus(KINDS.Service, key, {
      // A merge patch: `ingress: null` removes the addresses (an empty object would merge as a no-op).
      status: {
        loadBalancer: { ingress: null },
        conditions: removeCondition(svc.status?.conditions as Condition[] | undefined, SYNCED_CONDITION),
      },
    });
    // Removed last (with our labels and bookkeeping, in the same write): once the finalizer is gone
    // the object may vanish. The status write above bumped resourceVersion: the kit retries on conflict.
    await removeFinalizer(client, KINDS.Service, svc, finalizer, {
      labels: { [LB_ID_LABEL]: null, [HASH_LABEL]: null },
      annotations: {
        [APPLIED_TAG_KEYS_ANNOTATION]: null,
        [APPLIED_DOMAIN_EXTENSIONS_ANNOTATION]: null,
        // A Service that returns to CLB management is a new intent: its create gets a new token.
        [CREATE_INTENT_ANNOTATION]: null,
      },
    });
  }

  /** An Event plus the Synced condition, so a failure is visible on the object itself. */
  async #report(svc: V1Service, type: EventType, reason: string, message: string, synced: boolean) {
    await this.#publish(svc, undefined, { tagKeys: [] }, { type, reason, message, synced }, true);
  }

  async #event(svc: V1Service, type: EventType, reason: string, message: string): Promise<void> {
    await this.#deps.events.record(KINDS.Service, svc, type, reason, message);
  }
}

const OWN_ANNOTATIONS = new Set([
  APPLIED_TAG_KEYS_ANNOTATION,
  APPLIED_DOMAIN_EXTENSIONS_ANNOTATION,
  CREATE_INTENT_ANNOTATION,
]);

/** Annotations the controller (bookkeeping) or Pepr write: never a change of the Service. */
export function isOwnAnnotation(key: string): boolean {
  return OWN_ANNOTATIONS.has(key) || key.includes(".pepr.dev/");
}

/**
 * The new value of the applied-domain-extensions annotation ("" = remove it), or undefined to leave it.
 * After a synced reconcile it is exactly the annotation's domains; after a failed one it also keeps
 * every domain recorded before, since any of them may now exist in the cloud and must stay deletable.
 */
export function nextAppliedDomains(
  svc: V1Service,
  hasLoadBalancer: boolean,
  synced: boolean,
  wanted: string[] | undefined,
): string | undefined {
  if (!hasLoadBalancer || wanted === undefined) return undefined;
  const current = (svc.metadata?.annotations?.[APPLIED_DOMAIN_EXTENSIONS_ANNOTATION] ?? "")
    .split(",")
    .map((d) => d.trim())
    .filter(Boolean);
  const next = [...new Set(synced ? wanted : [...current, ...wanted])].sort().join(",");
  return next === [...current].sort().join(",") ? undefined : next;
}

/**
 * The inputs of a Service's desired model, without what the controller itself writes. Canonical
 * (sorted keys, no undefined, deletion as a flag), so our own status and label writes never look
 * like news.
 */
export function serviceFingerprint(svc: V1Service): string {
  const annotations = Object.fromEntries(
    Object.entries(svc.metadata?.annotations ?? {}).filter(([k]) => !isOwnAnnotation(k)),
  );
  return canonicalJson([svc.metadata?.uid, svc.spec ?? {}, annotations, !!svc.metadata?.deletionTimestamp]);
}

/** Every failure of this reconcile is a plan error that retrying cannot fix (PlanError.terminal). */
function onlyTerminalFailures(result: PlanForResult, failures: string[]): boolean {
  const errors = result.plan.errors;
  return errors.length > 0 && errors.every((e) => e.terminal) && failures.length === errors.length;
}

function hasCondition(svc: V1Service, status: "True" | "False"): boolean {
  return (svc.status?.conditions ?? []).some((c) => c.type === SYNCED_CONDITION && c.status === status);
}
