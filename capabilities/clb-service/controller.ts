// The CLB Service controller: watch events only feed caches and enqueue keys; workers re-read the
// Service and run the pure pipeline (model -> remote -> plan) and then apply. The finalizer goes on
// before any cloud write and comes off last, after a successful cleanup.
import type { V1EndpointSlice, V1Node, V1Pod, V1Service } from "@kubernetes/client-node";
import { OPERATOR_DEFAULTS } from "../../src/config";
import { CloudError } from "../../src/cloud";
import type { SlbProvider } from "../../src/cloud";
import { ClusterClient, describeK8sError, isConflict, isNotFound } from "../../src/k8s/client";
import { ReconcileOutcome, WorkQueue } from "../../src/lib/queue";
import { isClbManagedService } from "./annotations";
import { apply, loadBalancerAfterApply } from "./apply";
import {
  APPLIED_DOMAIN_EXTENSIONS_ANNOTATION,
  APPLIED_TAG_KEYS_ANNOTATION,
  notReadyEndpointPods,
  readinessGateType,
  type DesiredModel,
} from "./model";
import { domainExtensionsToRecord } from "./plan";
import { gateConditionPatch, readinessUpdates } from "./readiness";
import { planFor, type NetworkReaders, type PlanForResult } from "./remote";

export const LB_ID_LABEL = "service.k8s.alibaba/loadbalancer-id";
export const HASH_LABEL = "service.beta.kubernetes.io/hash";
export const SYNCED_CONDITION = "alicloud-operator/LoadBalancerSynced";
const HOSTNAME_ANNOTATION = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-hostname";

export interface ClbControllerDeps {
  client: ClusterClient;
  slb: SlbProvider;
  /** ENI lookups for ENI backends (§3.1) and the EIPs of `external-ip-type: eip` (§3.6). */
  network: NetworkReaders;
  clusterId: string;
  finalizer: string;
  /** `sg-batch-size`: backends per add/remove/update action (§3.5); default in src/config.ts. */
  backendBatchSize?: number;
}

/** Pepr passes the watch phase as a string: "ADDED", "MODIFIED" or "DELETED". */
type WatchPhase = string;

export function serviceKey(svc: { metadata?: { namespace?: string; name?: string } }): string {
  return `${svc.metadata?.namespace ?? "default"}/${svc.metadata?.name ?? ""}`;
}

/** Formats any failure for an Event; CloudError carries no credentials by construction. */
function describeError(e: unknown): string {
  if (e instanceof CloudError) return e.toShortString();
  return describeK8sError(e);
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
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  synced: boolean;
}

interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export class ClbController {
  readonly queue: WorkQueue;
  readonly #deps: ClbControllerDeps;
  readonly #nodes = new Map<string, V1Node>();
  /** EndpointSlices by "<ns>/<service>", then by slice name. */
  readonly #slices = new Map<string, Map<string, V1EndpointSlice>>();
  /** Services we have seen that are CLB-managed or carry our finalizer (for node fan-out and resync). */
  readonly #known = new Set<string>();
  /**
   * What each Service looked like at its last successful ensure. A watch event whose fingerprint is
   * unchanged (our own finalizer, label and status writes) needs no reconcile; node and endpoint
   * events and the periodic resync still reconcile it, so drift is repaired.
   */
  readonly #lastSynced = new Map<string, string>();
  /** The fingerprint a running reconcile works from: events of our own writes during it are no news. */
  readonly #inFlight = new Map<string, string>();
  readonly #ready: Promise<void>;
  #resyncTimer?: NodeJS.Timeout;

  constructor(deps: ClbControllerDeps, queueOpts: Partial<ConstructorParameters<typeof WorkQueue>[1]> = {}) {
    this.#deps = deps;
    this.queue = new WorkQueue((key) => this.#reconcileWhenReady(key), {
      workers: OPERATOR_DEFAULTS.workers,
      backoffBaseMs: OPERATOR_DEFAULTS.backoffBaseMs,
      backoffCapMs: OPERATOR_DEFAULTS.backoffCapMs,
      ratePerSecond: OPERATOR_DEFAULTS.globalRatePerSecond,
      burst: OPERATOR_DEFAULTS.globalBurst,
      onError: (key, error, retryInMs) =>
        console.warn(
          `clb-service: reconcile ${key} failed, retry in ${retryInMs} ms: ${describeError(error)}`,
        ),
      ...queueOpts,
    });
    // Seed node and endpoint caches from a list before the first reconcile, so the first pass over
    // existing Services already sees every backend (no create-then-fix churn on start-up).
    this.#ready = this.#seedCaches();
  }

  startResync(intervalMs: number = OPERATOR_DEFAULTS.resyncIntervalMs): void {
    this.#resyncTimer = setInterval(() => {
      for (const key of this.#known) this.queue.add(key);
    }, intervalMs);
    this.#resyncTimer.unref();
  }

  stop(): void {
    if (this.#resyncTimer) clearInterval(this.#resyncTimer);
    this.queue.stop();
  }

  // ---------------------------------------------------------------- watch callbacks (enqueue only)

  onService(svc: V1Service): void {
    const key = serviceKey(svc);
    if (isClbManagedService(svc) || svc.metadata?.finalizers?.includes(this.#deps.finalizer)) {
      this.#known.add(key);
      const fingerprint = serviceFingerprint(svc);
      if (this.#lastSynced.get(key) !== fingerprint && this.#inFlight.get(key) !== fingerprint)
        this.queue.add(key);
    } else if (this.#known.delete(key)) {
      this.queue.add(key); // it stopped being ours: clean up
    }
  }

  onNode(node: V1Node, phase: WatchPhase): void {
    const name = node.metadata?.name ?? "";
    const before = this.#nodes.get(name);
    if (phase === "DELETED") this.#nodes.delete(name);
    else this.#nodes.set(name, node);
    if (phase !== "DELETED" && before && !nodeChangeMatters(before, node)) return;
    for (const key of this.#known) this.queue.add(key);
  }

  onEndpointSlice(slice: V1EndpointSlice, phase: WatchPhase): void {
    const svcName = slice.metadata?.labels?.["kubernetes.io/service-name"];
    if (!svcName) return;
    const key = `${slice.metadata?.namespace ?? "default"}/${svcName}`;
    let byName = this.#slices.get(key);
    if (!byName) this.#slices.set(key, (byName = new Map()));
    if (phase === "DELETED") byName.delete(slice.metadata?.name ?? "");
    else byName.set(slice.metadata?.name ?? "", slice);
    if (this.#known.has(key)) this.queue.add(key);
  }

  // ---------------------------------------------------------------- reconcile

  async #seedCaches(): Promise<void> {
    const [nodes, slices] = await Promise.all([
      this.#deps.client.listNodes(),
      this.#deps.client.discovery.listEndpointSliceForAllNamespaces(),
    ]);
    for (const n of nodes)
      if (!this.#nodes.has(n.metadata?.name ?? "")) this.#nodes.set(n.metadata?.name ?? "", n);
    for (const s of slices.items) this.onEndpointSlice(s, "ADDED");
  }

  async #reconcileWhenReady(key: string): Promise<ReconcileOutcome> {
    await this.#ready;
    return this.reconcile(key);
  }

  async reconcile(key: string): Promise<ReconcileOutcome> {
    try {
      return await this.#reconcile(key);
    } finally {
      this.#inFlight.delete(key);
    }
  }

  async #reconcile(key: string): Promise<ReconcileOutcome> {
    const [namespace, name] = key.split("/", 2);
    const { client, finalizer } = this.#deps;
    let svc = await client.getService(namespace, name);
    if (!svc) {
      this.#known.delete(key);
      this.#lastSynced.delete(key);
      return;
    }
    const fingerprint = serviceFingerprint(svc);
    this.#lastSynced.delete(key);
    this.#inFlight.set(key, fingerprint);
    const hasFinalizer = svc.metadata?.finalizers?.includes(finalizer) ?? false;
    const deleting = !!svc.metadata?.deletionTimestamp || !isClbManagedService(svc);
    if (deleting && !hasFinalizer) return; // nothing of ours exists for it
    const nodes = [...this.#nodes.values()];
    const endpointSlices = [...(this.#slices.get(key)?.values() ?? [])];
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
        slb: this.#deps.slb,
        network: this.#deps.network,
        deleting,
        backendBatchSize: this.#deps.backendBatchSize,
      });
      return { pods, result };
    };
    const [withFinalizer, { pods, result }] = await Promise.all([
      !deleting && !hasFinalizer ? this.#addFinalizer(svc) : Promise.resolve(svc),
      readAndPlan(),
    ]);
    svc = withFinalizer;
    if (result.modelErrors.length > 0 && !deleting) {
      // A bad manifest (admitted before the webhook existed): report it and wait for the user's fix.
      const message = result.modelErrors.map((e) => `${e.field}: ${e.message}`).join("; ");
      await this.#report(
        svc,
        "Warning",
        "SyncLoadBalancerFailed",
        `Error syncing load balancer []: ${message}`,
        false,
      );
      return;
    }
    const applied = await apply(this.#deps.slb, result.plan.actions);
    const failures = [
      ...result.plan.errors.map((e) => e.message),
      ...applied.errors.map((e) => `${e.kind}: ${describeError(e.error)}`),
    ];
    const lb = loadBalancerAfterApply(result.remote, applied);
    const lbId = lb?.loadBalancerId ?? "";

    if (deleting) {
      if (failures.length > 0) {
        const message = `Error deleting load balancer [${lbId}]: ${failures.join("; ")}`;
        await this.#report(svc, "Warning", "CleanLoadBalancerFailed", message, false);
        throw new Error(message);
      }
      await this.#finishCleanup(svc);
      await this.#event(svc, "Normal", "CleanLoadBalancer", "Clean load balancer");
      return;
    }

    for (const w of result.plan.warnings) await this.#event(svc, "Normal", "UnAvailableLoadBalancer", w);
    const appliedCleanly = failures.length === 0;
    failures.push(...(await this.#reportEniBackends(svc, result)));
    failures.push(...(await this.#updateReadinessGates(svc, result, pods, appliedCleanly)));
    const eipIps =
      lb && result.desired?.loadBalancer.externalIpIsEip ? await this.#eipsOf(svc, lb) : undefined;
    const outcome: Outcome =
      failures.length > 0
        ? {
            type: "Warning",
            reason: "SyncLoadBalancerFailed",
            message: `Error syncing load balancer [${lbId}]: ${failures.join("; ")}`,
            synced: false,
          }
        : {
            type: "Normal",
            reason: "EnsuredLoadBalancer",
            message: `Ensured load balancer [${lbId}]`,
            synced: true,
          };
    // Report only news: a resync that changed nothing and was already reported writes nothing.
    const news = result.plan.actions.length > 0 || !outcome.synced || !hasCondition(svc, "True");
    await this.#publish(
      svc,
      lb,
      {
        tagKeys: result.desired?.loadBalancer.additionalTags.map((t) => t.key) ?? [],
        domains: result.desired ? domainExtensionsToRecord(result.desired) : undefined,
      },
      outcome,
      news,
      eipIps,
    );
    if (!outcome.synced) throw new Error(outcome.message);
    this.#lastSynced.set(key, fingerprint);
    // §3.3: a not-ready endpoint may soon count (gated pod not ContainersReady yet, or not seen yet).
    if (result.desired?.potentialReadyEndpoints)
      return { requeueAfterMs: OPERATOR_DEFAULTS.potentialReadyRequeueMs };
  }

  /** The pods (by "<ns>/<name>") that exist among `keys`. */
  async #readPods(keys: string[]): Promise<Map<string, V1Pod>> {
    const found = await Promise.all(
      keys.map(async (k) => {
        const [ns, name] = k.split("/", 2);
        return [k, await this.#deps.client.getPod(ns, name)] as const;
      }),
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
        "SkipSyncBackends",
        `Not sync pods [${eni.skippedIps.join(",")}] whose ip is not in vpc cidrs`,
      );
    if (eni.invalidIps.length === 0) return [];
    await this.#event(
      svc,
      "Warning",
      "SkipSyncBackends",
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
    const gate = readinessGateType(svc.metadata!.name!);
    const errors: string[] = [];
    await Promise.all(
      updates.map(async (u) => {
        const [ns, name] = u.pod.split("/", 2);
        try {
          const pod = pods.get(u.pod) ?? (await this.#deps.client.getPod(ns, name));
          const patch = pod && gateConditionPatch(pod, gate, u, new Date());
          if (patch) await this.#deps.client.patchPodStatus(ns, name, patch);
        } catch (e) {
          if (!isNotFound(e)) errors.push(`pod ${u.pod}: ${describeK8sError(e)}`);
        }
      }),
    );
    if (errors.length === 0) return [];
    const message = `Error updating readiness gate ${gate}: ${errors.join("; ")}`;
    await this.#event(svc, "Warning", "FailedUpdateReadinessGate", message);
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
      await this.#event(svc, "Warning", "FailedSetEIPAddress", "get eip error, set external ip to slb ip");
    return ips;
  }

  async #addFinalizer(svc: V1Service): Promise<V1Service> {
    const finalizers = [...(svc.metadata?.finalizers ?? []), this.#deps.finalizer];
    return this.#deps.client.mergePatchService(svc.metadata!.namespace!, svc.metadata!.name!, {
      metadata: { finalizers, resourceVersion: svc.metadata?.resourceVersion },
    });
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
  ): Promise<void> {
    const { tagKeys } = applied;
    const { client } = this.#deps;
    const ns = svc.metadata!.namespace!;
    const name = svc.metadata!.name!;
    const metadata: { labels?: Record<string, string>; annotations?: Record<string, string | null> } = {};
    if (lb && svc.metadata?.labels?.[LB_ID_LABEL] !== lb.loadBalancerId)
      metadata.labels = { [LB_ID_LABEL]: lb.loadBalancerId };
    const appliedKeys = [...tagKeys].sort().join(",");
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
    if (metadata.labels || metadata.annotations)
      writes.push(client.mergePatchService(ns, name, { metadata }));

    const status: {
      loadBalancer?: { ingress: Array<{ ip?: string; hostname?: string }> };
      conditions?: Condition[];
    } = {};
    if (lb) {
      const ingress = ingressFor(lb, { hostname: svc.metadata?.annotations?.[HOSTNAME_ANNOTATION], eipIps });
      const current = (svc.status?.loadBalancer?.ingress ?? []).map((i) =>
        i.hostname ? { hostname: i.hostname } : { ip: i.ip },
      );
      if (JSON.stringify(current) !== JSON.stringify(ingress)) status.loadBalancer = { ingress };
    }
    if (news) status.conditions = this.#conditionsWith(svc, outcome);
    if (status.loadBalancer || status.conditions) {
      writes.push(
        client.mergePatchServiceStatus(ns, name, { status }).catch((e) => {
          if (!status.loadBalancer)
            console.warn(`clb-service: could not write condition on ${ns}/${name}: ${describeK8sError(e)}`);
          else throw e;
        }),
      );
    }
    if (news) writes.push(this.#event(svc, outcome.type, outcome.reason, outcome.message));
    await Promise.all(writes);
  }

  #conditionsWith(svc: V1Service, outcome: Outcome): Condition[] {
    const condition: Condition = {
      type: SYNCED_CONDITION,
      status: outcome.synced ? "True" : "False",
      reason: outcome.reason,
      message: outcome.message.slice(0, 32_000),
      lastTransitionTime: new Date().toISOString(),
      observedGeneration: svc.metadata?.generation,
    };
    return [
      ...(svc.status?.conditions ?? []).filter((c) => c.type !== SYNCED_CONDITION),
      condition,
    ] as Condition[];
  }

  async #finishCleanup(svc: V1Service): Promise<void> {
    const { client, finalizer } = this.#deps;
    const ns = svc.metadata!.namespace!;
    const name = svc.metadata!.name!;
    await client.mergePatchServiceStatus(ns, name, {
      status: {
        loadBalancer: {},
        conditions: (svc.status?.conditions ?? []).filter((c) => c.type !== SYNCED_CONDITION),
      },
    });
    // Removed last: once the finalizer is gone the object may vanish.
    await client
      .mergePatchService(ns, name, {
        metadata: {
          resourceVersion: svc.metadata?.resourceVersion,
          labels: { [LB_ID_LABEL]: null, [HASH_LABEL]: null },
          annotations: { [APPLIED_TAG_KEYS_ANNOTATION]: null, [APPLIED_DOMAIN_EXTENSIONS_ANNOTATION]: null },
          finalizers: (svc.metadata?.finalizers ?? []).filter((f) => f !== finalizer),
        },
      })
      .catch(async (e) => {
        // The status write above bumped resourceVersion: retry once on the latest object.
        if (!isConflict(e)) throw e;
        const latest = await client.getService(ns, name);
        if (!latest) return;
        await client.mergePatchService(ns, name, {
          metadata: {
            resourceVersion: latest.metadata?.resourceVersion,
            labels: { [LB_ID_LABEL]: null, [HASH_LABEL]: null },
            annotations: {
              [APPLIED_TAG_KEYS_ANNOTATION]: null,
              [APPLIED_DOMAIN_EXTENSIONS_ANNOTATION]: null,
            },
            finalizers: (latest.metadata?.finalizers ?? []).filter((f) => f !== finalizer),
          },
        });
      });
  }

  /** An Event plus the Synced condition, so a failure is visible on the object itself. */
  async #report(
    svc: V1Service,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    synced: boolean,
  ) {
    await this.#publish(svc, undefined, { tagKeys: [] }, { type, reason, message, synced }, true);
  }

  async #event(svc: V1Service, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    try {
      await this.#deps.client.recordEvent(
        {
          apiVersion: "v1",
          kind: "Service",
          name: svc.metadata!.name!,
          namespace: svc.metadata?.namespace,
          uid: svc.metadata?.uid,
        },
        type,
        reason,
        message,
      );
    } catch (e) {
      console.warn(`clb-service: could not record event on ${serviceKey(svc)}: ${describeK8sError(e)}`);
    }
  }
}

const OWN_ANNOTATIONS = new Set([APPLIED_TAG_KEYS_ANNOTATION, APPLIED_DOMAIN_EXTENSIONS_ANNOTATION]);

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
 * (sorted keys, no undefined, deletion as a flag): the watch delivers raw JSON while reads through
 * the client return model objects with another key order and Date values.
 */
export function serviceFingerprint(svc: V1Service): string {
  const annotations = Object.fromEntries(
    Object.entries(svc.metadata?.annotations ?? {}).filter(
      ([k]) => !OWN_ANNOTATIONS.has(k) && !k.includes(".pepr.dev/"),
    ),
  );
  return canonicalJson([svc.metadata?.uid, svc.spec ?? {}, annotations, !!svc.metadata?.deletionTimestamp]);
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

function hasCondition(svc: V1Service, status: "True" | "False"): boolean {
  return (svc.status?.conditions ?? []).some((c) => c.type === SYNCED_CONDITION && c.status === status);
}

function readyStatus(n: V1Node): string | undefined {
  return n.status?.conditions?.find((c) => c.type === "Ready")?.status;
}

/** Only label, schedulability, readiness, taint and providerID changes can change backends. */
export function nodeChangeMatters(before: V1Node, after: V1Node): boolean {
  return (
    JSON.stringify(before.metadata?.labels ?? {}) !== JSON.stringify(after.metadata?.labels ?? {}) ||
    !!before.spec?.unschedulable !== !!after.spec?.unschedulable ||
    readyStatus(before) !== readyStatus(after) ||
    JSON.stringify(before.spec?.taints ?? []) !== JSON.stringify(after.spec?.taints ?? []) ||
    before.spec?.providerID !== after.spec?.providerID
  );
}
