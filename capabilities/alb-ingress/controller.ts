// The ALB reconciler on the controller kit (src/controller): one key per AlbConfig. Re-read the AlbConfig
// and its member Ingresses from the stores, run the pure pipeline (model -> remote -> plan, pipeline.ts),
// apply the plan, then publish status and Events on the AlbConfig and every member. Finalizers go on the
// AlbConfig and each member before any cloud write and come off last. Rules: docs/alb-ingress.md §C6.
import type { V1EndpointSlice, V1IngressClass, V1Node, V1Service } from "@kubernetes/client-node";
import { ALB_DEFAULTS, OPERATOR_DEFAULTS } from "../../src/config";
import type { CloudProvider } from "../../src/cloud";
import type { FailureToShow, ReconcileContext } from "../../src/controller/controller";
import { canonicalJson } from "../../src/controller/fingerprint";
import {
  Done,
  RequeueAfter,
  ShownError,
  describeError,
  type ReconcileResult,
} from "../../src/controller/result";
import { describeK8sError, type ClusterClient } from "../../src/k8s/client";
import type { EventRecorder, EventType } from "../../src/k8s/events";
import { ensureFinalizer, hasFinalizer, removeFinalizer } from "../../src/k8s/finalizers";
import { KINDS, keyOf } from "../../src/k8s/kinds";
import { setCondition, type Condition } from "../../src/k8s/status";
import { mapConcurrent } from "../../src/lib/concurrency";
import type { Store } from "../../src/k8s/stores";
import type { Ingress } from "./annotations";
import type { AlbConfig } from "./crd";
import { albMembership, ingressRef, membersOfAlbConfig, type IngressClassLookup } from "./group";
import type { DesiredModel } from "./model";
import { apply } from "./perform";
import { planFor, plansCreate, withCreateIntent, type PlanForResult } from "./pipeline";
import type { RemoteModel } from "./plan";
import { ALB_REASONS, ALB_SYNCED_CONDITION } from "./reasons";
import { CREATE_INTENT_ANNOTATION, newCreateIntent } from "./tracking";

/** Index of the Ingress store: the "<ns>/<service>" each Ingress routes to. */
export const INGRESSES_BY_SERVICE = "service";

export interface AlbControllerDeps {
  client: ClusterClient;
  events: EventRecorder;
  cloud: Pick<CloudProvider, "alb" | "vpc" | "ecs" | "cas">;
  clusterId: string;
  vpcId: string;
  finalizer?: string;
  ingresses: Store<Ingress>;
  ingressClasses: Store<V1IngressClass>;
  services: Store<V1Service>;
  endpointSlices: Store<V1EndpointSlice>;
  nodes: Store<V1Node>;
}

/** What the AlbConfig reconcile works from; our own writes (status, finalizer, intent) leave it unchanged. */
export function albConfigFingerprint(ac: Pick<AlbConfig, "metadata"> & { spec?: unknown }): string {
  const { [CREATE_INTENT_ANNOTATION]: _intent, ...annotations } = ac.metadata?.annotations ?? {};
  return canonicalJson({ spec: ac.spec, annotations, deleting: !!ac.metadata?.deletionTimestamp });
}

/** What of an Ingress the model reads; status and finalizer writes leave it unchanged. */
export function ingressFingerprint(ing: Ingress): string {
  return canonicalJson({
    spec: ing.spec,
    annotations: ing.metadata?.annotations ?? {},
    deleting: !!ing.metadata?.deletionTimestamp,
  });
}

/** "<ns>/<service>" of every backend an Ingress names (for Service and EndpointSlice events). */
export function servicesOfIngress(ing: Ingress): string[] {
  const ns = ing.metadata?.namespace ?? "default";
  const out = new Set<string>();
  const backend = ing.spec?.defaultBackend?.service?.name;
  if (backend) out.add(`${ns}/${backend}`);
  for (const r of ing.spec?.rules ?? [])
    for (const p of r.http?.paths ?? [])
      if (p.backend?.service?.name) out.add(`${ns}/${p.backend.service.name}`);
  // Services named only in custom actions (forward/mirror by annotation) count too.
  for (const [k, v] of Object.entries(ing.metadata?.annotations ?? {}))
    if (k.includes("/actions.") && typeof v === "string")
      for (const m of v.matchAll(/"ServiceName"\s*:\s*"([^"]+)"/gi)) out.add(`${ns}/${m[1]}`);
  return [...out].sort();
}

function aborted(signal: AbortSignal): void {
  if (signal.aborted) throw new Error("stopped: this process no longer leads");
}

/** Short messages for Events: the first few problems, then a count. */
function summary(problems: string[]): string {
  const shown = problems.slice(0, 5).join("; ");
  return problems.length > 5 ? `${shown}; … (${problems.length} in all)` : shown;
}

export class AlbConfigReconciler {
  readonly #deps: AlbControllerDeps;
  readonly #finalizer: string;

  constructor(deps: AlbControllerDeps) {
    this.#deps = deps;
    this.#finalizer = deps.finalizer ?? ALB_DEFAULTS.finalizer;
  }

  readonly lookupClass: IngressClassLookup = (name) => this.#deps.ingressClasses.get(name);

  /** The member Ingresses of an AlbConfig, from the stores (no LIST). */
  members(name: string): Ingress[] {
    return membersOfAlbConfig(name, this.#deps.ingresses, this.#deps.ingressClasses, this.lookupClass);
  }

  /** The AlbConfig an Ingress belongs to, if any. */
  albConfigOf(ing: Ingress): string | undefined {
    const m = albMembership(ing, this.lookupClass);
    return m.ours ? m.albConfig : undefined;
  }

  async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
    const { client } = this.#deps;
    let ac = await client.get<AlbConfig>(KINDS.AlbConfig, { name: key });
    if (!ac) {
      ctx.forget();
      return Done;
    }
    ctx.observe(albConfigFingerprint(ac));
    const deleting = !!ac.metadata?.deletionTimestamp;
    if (deleting && !hasFinalizer(ac, this.#finalizer)) {
      ctx.forget();
      return Done;
    }
    const members = this.members(key);
    const live = deleting ? [] : members.filter((m) => !m.metadata?.deletionTimestamp);
    const leaving = members.filter((m) => !live.includes(m) && hasFinalizer(m, this.#finalizer));
    const formerMembers = this.#deps.ingresses
      .list()
      .filter(
        (i) =>
          hasFinalizer(i, this.#finalizer) && !members.includes(i) && this.#reportedBy(i, ac as AlbConfig),
      );

    // Finalizers before any cloud write (nothing is created that a deletion could leave behind); the cloud
    // reads of planFor below only read, so they run meanwhile.
    const finalizers = deleting ? Promise.resolve(ac) : this.#addFinalizers(ac, live);
    // Settled here too, so a failed write is never an unhandled rejection while planFor runs.
    finalizers.catch(() => undefined);
    const serviceKeys = new Set(live.flatMap(servicesOfIngress));
    const services = [...serviceKeys].flatMap((k) => this.#deps.services.get(k) ?? []);
    const endpointSlices = this.#deps.endpointSlices
      .list()
      .filter((s) =>
        serviceKeys.has(
          `${s.metadata?.namespace ?? "default"}/${s.metadata?.labels?.["kubernetes.io/service-name"] ?? ""}`,
        ),
      );
    let result: PlanForResult;
    try {
      result = await planFor({
        albConfig: ac,
        ingresses: live,
        services,
        nodes: this.#deps.nodes.list(),
        endpointSlices,
        clusterId: this.#deps.clusterId,
        vpcId: this.#deps.vpcId,
        cloud: this.#deps.cloud,
        deleting,
      });
    } catch (e) {
      await finalizers.catch(() => undefined);
      await this.#fail(ac, live, ALB_REASONS.failedApplyModel, `reading the cloud: ${describeError(e)}`);
      throw new ShownError(ALB_REASONS.failedApplyModel, describeError(e));
    }
    try {
      ac = await finalizers;
    } catch (e) {
      await this.#fail(ac, live, ALB_REASONS.failedAddFinalizer, describeK8sError(e));
      throw new ShownError(ALB_REASONS.failedAddFinalizer, describeK8sError(e));
    }
    if (result.modelErrors.length > 0 && !deleting) {
      const message = summary(result.modelErrors.map((e) => e.message));
      const involved = live.filter((m) => result.modelErrors.some((e) => e.ingress === ingressRef(m)));
      await this.#fail(ac, involved.length > 0 ? involved : live, ALB_REASONS.failedBuildModel, message);
      throw new ShownError(ALB_REASONS.failedBuildModel, message);
    }
    // The create intent goes on the AlbConfig before the first create, so a retry replays it.
    if (!deleting && plansCreate(result.plan) && !ac.metadata?.annotations?.[CREATE_INTENT_ANNOTATION]) {
      const intent = newCreateIntent();
      ac = await client.patch<AlbConfig>(
        KINDS.AlbConfig,
        { name: key },
        {
          metadata: {
            resourceVersion: ac.metadata?.resourceVersion,
            annotations: { [CREATE_INTENT_ANNOTATION]: intent },
          },
        },
      );
      result = withCreateIntent(result, intent);
    }
    aborted(ctx.signal);
    const applied = await apply(this.#deps.cloud.alb, result.plan.actions, { signal: ctx.signal });
    const problems = [
      ...result.plan.errors.map((e) => `${e.reason}: ${e.message}`),
      ...applied.errors.map((e) => `${e.kind} (${e.key}): ${e.message}`),
    ];
    if (problems.length > 0) {
      const reason = deleting ? ALB_REASONS.failedCleanup : ALB_REASONS.failedApplyModel;
      await this.#fail(ac, live, reason, summary(problems));
      throw new ShownError(reason, summary(problems));
    }
    if (deleting) {
      for (const m of [...members, ...formerMembers].filter((i) => hasFinalizer(i, this.#finalizer)))
        await this.#release(m);
      await this.#event(ac, KINDS.AlbConfig, "Normal", ALB_REASONS.deleted, "Successfully deleted");
      await removeFinalizer(client, KINDS.AlbConfig, ac, this.#finalizer, {
        annotations: { [CREATE_INTENT_ANNOTATION]: null },
      });
      ctx.forget();
      return Done;
    }
    const lbId = result.remote?.loadBalancer?.loadBalancerId ?? this.#createdId(applied.results);
    const dnsName = await this.#dnsName(lbId, result.remote);
    await this.#publish(ac, live, result.desired as DesiredModel, lbId, dnsName);
    for (const m of [...leaving, ...formerMembers]) await this.#release(m);
    const changed = result.plan.actions.length > 0;
    if (changed) {
      await this.#event(ac, KINDS.AlbConfig, "Normal", ALB_REASONS.reconciled, "Successfully reconciled");
      await this.#events(live, "Normal", ALB_REASONS.reconciled, "Successfully reconciled");
    }
    if (result.invalidIps.length > 0) {
      await this.#event(
        ac,
        KINDS.AlbConfig,
        "Warning",
        ALB_REASONS.invalidBackends,
        `Not sync pods [${result.invalidIps.join(",")}] whose eni is invalid`,
      );
      return RequeueAfter(10_000, "ENI backends not found yet");
    }
    return Done;
  }

  /** The finalizer on the AlbConfig, then on every live member (several writes at once); the AlbConfig. */
  async #addFinalizers(ac: AlbConfig, live: Ingress[]): Promise<AlbConfig> {
    const { client } = this.#deps;
    const withFinalizer = await ensureFinalizer(client, KINDS.AlbConfig, ac, this.#finalizer);
    await mapConcurrent(live, OPERATOR_DEFAULTS.k8sWriteConcurrency, (m) =>
      ensureFinalizer(client, KINDS.Ingress, m, this.#finalizer),
    );
    return withFinalizer;
  }

  /** The failure the reconcile did not show itself: an Event and the condition on the AlbConfig. */
  async showFailure(key: string, failure: FailureToShow): Promise<void> {
    const ac = await this.#deps.client.get<AlbConfig>(KINDS.AlbConfig, { name: key });
    if (ac) await this.#fail(ac, [], failure.reason, failure.message);
  }

  #createdId(results: { kind: string; output?: unknown }[]): string | undefined {
    const out = results.find((r) => r.kind === "CreateLoadBalancer")?.output as { id?: string } | undefined;
    return out?.id;
  }

  async #dnsName(lbId: string | undefined, remote: RemoteModel | undefined): Promise<string | undefined> {
    if (!lbId) return undefined;
    if (remote?.loadBalancer?.loadBalancerId === lbId && remote.loadBalancer.dnsName)
      return remote.loadBalancer.dnsName;
    return (await this.#deps.cloud.alb.getLoadBalancer(lbId)).dnsName;
  }

  /** An Ingress we reported this AlbConfig's hostname on (it left the group since). */
  #reportedBy(ing: Ingress, ac: AlbConfig): boolean {
    const dns = ac.status?.loadBalancer?.dnsname;
    return (
      !!dns &&
      (ing.status?.loadBalancer?.ingress ?? []).some((x) => x.hostname === dns) &&
      this.albConfigOf(ing) !== keyOf(ac)
    );
  }

  async #publish(
    ac: AlbConfig,
    live: Ingress[],
    desired: DesiredModel,
    lbId: string | undefined,
    dnsName: string | undefined,
  ) {
    const { client } = this.#deps;
    const loadBalancer = {
      ...(lbId ? { id: lbId } : {}),
      ...(dnsName ? { dnsname: dnsName } : {}),
      listeners: desired.listeners.map((l) => ({
        portAndProtocol: `${l.port}/${l.protocol}`,
        ...(l.certificates.length > 0 ? { certificates: l.certificates } : {}),
      })),
    };
    const conditions = setCondition(
      ac.status?.conditions as Condition[] | undefined,
      {
        type: ALB_SYNCED_CONDITION,
        status: "True",
        reason: ALB_REASONS.reconciled,
        message: "Successfully reconciled",
        observedGeneration: ac.metadata?.generation,
      },
      new Date(),
    );
    try {
      if (
        canonicalJson(ac.status?.loadBalancer) !== canonicalJson(loadBalancer) ||
        conditions !== ac.status?.conditions
      )
        await client.patchStatus(
          KINDS.AlbConfig,
          { name: keyOf(ac) },
          { status: { loadBalancer, conditions, observedGeneration: ac.metadata?.generation } },
        );
      if (dnsName)
        await mapConcurrent(
          live.filter((m) => {
            const have = m.status?.loadBalancer?.ingress ?? [];
            return !(have.length === 1 && have[0].hostname === dnsName);
          }),
          OPERATOR_DEFAULTS.k8sWriteConcurrency,
          (m) =>
            client.patchStatus(
              KINDS.Ingress,
              { namespace: m.metadata?.namespace, name: m.metadata?.name ?? "" },
              { status: { loadBalancer: { ingress: [{ hostname: dnsName }] } } },
            ),
        );
    } catch (e) {
      await this.#fail(ac, live, ALB_REASONS.failedUpdateStatus, describeK8sError(e));
      throw new ShownError(ALB_REASONS.failedUpdateStatus, describeK8sError(e));
    }
  }

  /** An Ingress that no longer routes through this ALB: its hostname cleared, then its finalizer removed. */
  async #release(ing: Ingress): Promise<void> {
    const { client } = this.#deps;
    const key = { namespace: ing.metadata?.namespace, name: ing.metadata?.name ?? "" };
    try {
      if ((ing.status?.loadBalancer?.ingress ?? []).length > 0)
        await client.patchStatus(KINDS.Ingress, key, { status: { loadBalancer: { ingress: null } } });
      await removeFinalizer(client, KINDS.Ingress, ing, this.#finalizer);
    } catch (e) {
      await this.#event(
        ing,
        KINDS.Ingress,
        "Warning",
        ALB_REASONS.failedRemoveFinalizer,
        describeK8sError(e),
      );
      throw new ShownError(ALB_REASONS.failedRemoveFinalizer, describeK8sError(e));
    }
  }

  async #event(
    obj: { metadata?: { name?: string; namespace?: string; uid?: string } },
    kind: typeof KINDS.AlbConfig | typeof KINDS.Ingress,
    type: EventType,
    reason: string,
    message: string,
  ) {
    await this.#deps.events.record(kind, obj, type, reason, message);
  }

  /** The same Event on each of `ingresses`, several at once (recording never throws). */
  async #events(ingresses: Ingress[], type: EventType, reason: string, message: string): Promise<void> {
    await mapConcurrent(ingresses, OPERATOR_DEFAULTS.k8sWriteConcurrency, (m) =>
      this.#event(m, KINDS.Ingress, type, reason, message),
    );
  }

  /** A Warning Event on the AlbConfig and the given Ingresses, and the condition False with the failure kind. */
  async #fail(ac: AlbConfig, ingresses: Ingress[], reason: string, message: string): Promise<void> {
    await this.#event(ac, KINDS.AlbConfig, "Warning", reason, message);
    await this.#events(ingresses, "Warning", reason, message);
    const conditions = setCondition(
      ac.status?.conditions as Condition[] | undefined,
      {
        type: ALB_SYNCED_CONDITION,
        status: "False",
        reason,
        message,
        observedGeneration: ac.metadata?.generation,
      },
      new Date(),
    );
    if (conditions === ac.status?.conditions) return;
    try {
      await this.#deps.client.patchStatus(KINDS.AlbConfig, { name: keyOf(ac) }, { status: { conditions } });
    } catch (e) {
      await this.#event(ac, KINDS.AlbConfig, "Warning", ALB_REASONS.failedUpdateStatus, describeK8sError(e));
    }
  }
}
