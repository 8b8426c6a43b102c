// The ALB reconciler on the controller kit (src/controller): one key per AlbConfig. Re-read the AlbConfig
// and its member Ingresses from the stores, run the pure pipeline (model -> remote -> plan, pipeline.ts),
// apply the plan, then publish status and Events on the AlbConfig and every member. Finalizers go on the
// AlbConfig and each member before any cloud write and come off last. Rules: docs/alb-ingress.md §C6.
import type { V1EndpointSlice, V1IngressClass, V1Node, V1Service } from "@kubernetes/client-node";
import { ALB_DEFAULTS, OPERATOR_DEFAULTS } from "../../src/config";
import { inBackground, type CloudProvider } from "../../src/cloud";
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
import { Store } from "../../src/k8s/stores";
import type { Ingress } from "./annotations";
import type { AlbConfig } from "./crd";
import {
  albConfigRefsOf,
  albMembership,
  ingressRef,
  INGRESSES_BY_ALBCONFIG_REF,
  membersOfAlbConfig,
  type IngressClassLookup,
} from "./group";
import type { DesiredModel } from "./model";
import { apply } from "./perform";
import {
  planFor,
  plansCreate,
  plansLoadBalancer,
  newServerGroupActions,
  withCreateIntent,
  type BuildFrom,
  type CloudInputs,
  type PlanForResult,
} from "./pipeline";
import type { Action, RemoteModel } from "./plan";
import { ALB_REASONS, ALB_SYNCED_CONDITION } from "./reasons";
import { ServerGroupCreates } from "./server-group-creates";
import { CREATE_INTENT_ANNOTATION, isOwnedServerGroup, newCreateIntent } from "./tracking";

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
  /** How many times a reconcile may plan again when its group changed meanwhile (ALB_DEFAULTS.planRounds). */
  planRounds?: number;
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

/** Index of the EndpointSlice store: `<namespace>/<service>` of the Service a slice belongs to. */
const ENDPOINT_SLICES_BY_SERVICE = "service";
function serviceKeyOfSlice(s: V1EndpointSlice): string {
  return `${s.metadata?.namespace ?? "default"}/${s.metadata?.labels?.["kubernetes.io/service-name"] ?? ""}`;
}

/** The watch-fed stores an AlbConfigReconciler reads, with the indexes it finds members by. */
export function albStores() {
  return {
    ingresses: new Store<Ingress>(KINDS.Ingress, {
      [INGRESSES_BY_ALBCONFIG_REF]: albConfigRefsOf,
      [INGRESSES_BY_SERVICE]: servicesOfIngress,
    }),
    ingressClasses: new Store<V1IngressClass>(KINDS.IngressClass),
    services: new Store<V1Service>(KINDS.Service),
    endpointSlices: new Store<V1EndpointSlice>(KINDS.EndpointSlice, {
      [ENDPOINT_SLICES_BY_SERVICE]: (s) => [serviceKeyOfSlice(s)],
    }),
    nodes: new Store<V1Node>(KINDS.Node),
  };
}

function aborted(signal: AbortSignal): void {
  if (signal.aborted) throw new Error("stopped: this process no longer leads");
}

/** Short messages for Events: the first few problems, then a count. */
function summary(problems: string[]): string {
  const shown = problems.slice(0, 5).join("; ");
  return problems.length > 5 ? `${shown}; … (${problems.length} in all)` : shown;
}

/** What the last reconcile of an AlbConfig read, for creating new members' server groups ahead of the next. */
interface AheadContext {
  /** The AlbConfig with its finalizer and create intent. */
  albConfig: AlbConfig;
  inputs: CloudInputs;
  remote: RemoteModel;
  readAtMs: number;
  /** Aborted once this process stops leading, or the AlbConfig is deleted (then `stop`). */
  signal: AbortSignal;
  stop: AbortController;
  timer?: NodeJS.Timeout;
}

export class AlbConfigReconciler {
  readonly #deps: AlbControllerDeps;
  readonly #finalizer: string;
  readonly #creates: ServerGroupCreates;
  readonly #ahead = new Map<string, AheadContext>();

  constructor(deps: AlbControllerDeps) {
    this.#deps = deps;
    this.#finalizer = deps.finalizer ?? ALB_DEFAULTS.finalizer;
    this.#creates = new ServerGroupCreates(deps.cloud.alb);
  }

  /**
   * An Ingress or Service of the group changed. The group's key waits its turn (one reconcile of a key at a
   * time, and a rollout keeps it busy), but a new member's server group needs only the VPC: its create starts
   * now, with the token the reconcile will use, so the next reconcile finds it made or shares its call.
   * Groups and their first servers only, nothing that routes traffic: a group no rule points at carries none,
   * and the AlbConfig's finalizer (on since the read this works from) removes our groups with the AlbConfig.
   * docs/alb-ingress.md §C5.
   */
  groupChanged(key: string): void {
    const c = this.#ahead.get(key);
    if (!c || c.timer) return;
    c.timer = setTimeout(() => {
      c.timer = undefined;
      this.#createAhead(key, c);
    }, ALB_DEFAULTS.createAheadDelayMs);
    c.timer.unref();
  }

  #createAhead(key: string, c: AheadContext): void {
    // Fresh enough that every group made since the read is still remembered by #creates (no replayed call).
    if (
      c.signal.aborted ||
      this.#ahead.get(key) !== c ||
      Date.now() - c.readAtMs > ALB_DEFAULTS.createdServerGroupMemoryMs
    )
      return;
    const actions = newServerGroupActions(this.#liveFromStores(key, c.albConfig), c.inputs, c.remote);
    // Only groups not asked for yet: joining a running create would hold a slot of the apply below.
    const skipped = new Set(
      actions.flatMap((a) =>
        a.params.kind === "CreateServerGroup" && this.#creates.knows(a.params.clientToken) ? [a.key] : [],
      ),
    );
    const fresh = actions.filter((a) => !skipped.has(a.key) && !a.dependsOn.some((d) => skipped.has(d)));
    // Never throws; a failure is the reconcile's to report: it plans the same actions again.
    // Background work at the rate limiter: a reconcile's own calls (a new listener's default group, say)
    // never wait behind a rollout's queue of creates ahead.
    if (fresh.length > 0)
      void inBackground(() =>
        apply(this.#deps.cloud.alb, fresh, { signal: c.signal, creates: this.#creates }),
      );
  }

  /** What the model is built from for the live members the stores hold now. */
  #liveFromStores(key: string, albConfig: AlbConfig): BuildFrom {
    const live = this.members(key).filter((m) => !m.metadata?.deletionTimestamp);
    return {
      albConfig,
      ingresses: live,
      ...this.#backendsOf(live),
      nodes: this.#deps.nodes.list(),
      clusterId: this.#deps.clusterId,
      vpcId: this.#deps.vpcId,
      deleting: false,
    };
  }

  /** The Services the members route to and their EndpointSlices, from the stores. */
  #backendsOf(live: Ingress[]): { services: V1Service[]; endpointSlices: V1EndpointSlice[] } {
    const serviceKeys = new Set(live.flatMap(servicesOfIngress));
    return {
      services: [...serviceKeys].flatMap((k) => this.#deps.services.get(k) ?? []),
      endpointSlices: [...serviceKeys].flatMap((k) =>
        this.#deps.endpointSlices.byIndex(ENDPOINT_SLICES_BY_SERVICE, k),
      ),
    };
  }

  /** Hidden groups that neither the plan nor a plan from the stores now would create. */
  #unwanted(key: string, ac: AlbConfig, hidden: Set<string>, result: PlanForResult): string[] {
    const createdBy = (actions: readonly Action[]) =>
      new Set(
        actions.flatMap((a) =>
          a.params.kind === "CreateServerGroup" ? [a.params.spec.serverGroupName] : [],
        ),
      );
    const planned = createdBy(result.plan.actions);
    const notPlanned = [...hidden].filter((n) => !planned.has(n));
    if (notPlanned.length === 0 || !result.inputs || !result.remote) return notPlanned;
    const wantedNow = createdBy(
      newServerGroupActions(this.#liveFromStores(key, ac), result.inputs, result.remote),
    );
    return notPlanned.filter((n) => !wantedNow.has(n));
  }

  /** Names of this AlbConfig's server groups whose create is running in this process. */
  #creating(key: string): Set<string> {
    return new Set(
      this.#creates
        .inFlight()
        .filter((g) => isOwnedServerGroup(g.tags, key, this.#deps.clusterId))
        .map((g) => g.name),
    );
  }

  /** What a reconcile read, for the creates ahead of the next one (those under way go on). */
  #setAhead(key: string, c: Omit<AheadContext, "signal" | "stop" | "timer">, signal: AbortSignal): void {
    const old = this.#ahead.get(key);
    if (old?.timer) clearTimeout(old.timer);
    const stop = old?.stop ?? new AbortController();
    this.#ahead.set(key, { ...c, stop, signal: AbortSignal.any([signal, stop.signal]) });
    // Members that came since this reconcile listed them.
    this.groupChanged(key);
  }

  /** No more creates ahead for this AlbConfig; the ones under way finish, what waited for them does not start. */
  #forgetAhead(key: string): void {
    const c = this.#ahead.get(key);
    if (c?.timer) clearTimeout(c.timer);
    c?.stop.abort();
    this.#ahead.delete(key);
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
    const found = await client.get<AlbConfig>(KINDS.AlbConfig, { name: key });
    if (!found) {
      this.#forgetAhead(key);
      ctx.forget();
      return Done;
    }
    let ac: AlbConfig = found;
    ctx.observe(albConfigFingerprint(ac));
    const deleting = !!ac.metadata?.deletionTimestamp;
    if (deleting && !hasFinalizer(ac, this.#finalizer)) {
      this.#forgetAhead(key);
      ctx.forget();
      return Done;
    }
    if (deleting) {
      // Groups created ahead must be listed (made, or failed) before the cleanup reads what to delete.
      this.#forgetAhead(key);
      await this.#creates.settled((g) => isOwnedServerGroup(g.tags, key, this.#deps.clusterId));
    }
    const prepared = await this.#prepare(key, ac, deleting);
    ac = prepared.ac;
    let result = prepared.result;
    const { group, readAtMs, hidden } = prepared;
    const { members, live, leaving, formerMembers } = group;
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
    // Groups created ahead that neither this plan nor the stores now want (their member left, or its backend
    // changed, during the create) were hidden from it: it waits for them and comes back to delete them
    // (docs/alb-ingress.md §C5). A group only the stores want is a member that came after this plan's
    // read: its event has queued the next reconcile, and the creates ahead go on.
    const unwanted = this.#unwanted(key, ac, hidden, result);
    // Meanwhile the creates ahead start nothing more (their first servers would go to a group about to be
    // deleted, and keep it in flight for the next read); this plan does its own groups' adds.
    if (unwanted.length > 0) this.#forgetAhead(key);
    else if (
      !deleting &&
      result.remote &&
      result.inputs &&
      ac.metadata?.annotations?.[CREATE_INTENT_ANNOTATION]
    )
      this.#setAhead(
        key,
        { albConfig: ac, inputs: result.inputs, remote: result.remote, readAtMs },
        ctx.signal,
      );
    aborted(ctx.signal);
    const applied = await apply(this.#deps.cloud.alb, result.plan.actions, {
      signal: ctx.signal,
      creates: this.#creates,
    });
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
    // Look again once the unwanted groups are made, so they are deleted.
    if (unwanted.length > 0) {
      await this.#creates.settled((g) => unwanted.includes(g.name));
      return RequeueAfter(0, `server groups created ahead and no longer wanted: ${unwanted.join(", ")}`);
    }
    return Done;
  }

  /**
   * Finalizers and planFor. Members keep arriving while a reconcile prepares (a rollout creates them by the
   * hundred): when the group changed during the finalizer writes and cloud reads, it plans again from the
   * stores before anything is applied (at most ALB_DEFAULTS.planRounds times), so one apply covers them
   * rather than a second reconcile after this one's cloud work (and rules planned twice).
   */
  async #prepare(key: string, ac: AlbConfig, deleting: boolean) {
    let group = this.#groupNow(key, ac, deleting);
    const finalized = new Set<string>();
    for (let round = 1; ; round++) {
      // Finalizers before any cloud write (nothing is created that a deletion could leave behind); the cloud
      // reads of planFor only read, so they run meanwhile.
      const unfinalized = group.live.filter((m) => !finalized.has(ingressRef(m)));
      const finalizers = deleting ? Promise.resolve(ac) : this.#addFinalizers(ac, unfinalized);
      // Settled here too, so a failed write is never an unhandled rejection while planFor runs.
      finalizers.catch(() => undefined);
      const readAtMs = Date.now();
      /** Our groups whose create was under way at the read: left out of the remote model. */
      let hidden = new Set<string>();
      let result: PlanForResult;
      try {
        result = await planFor({
          albConfig: ac,
          ingresses: group.live,
          ...this.#backendsOf(group.live),
          nodes: this.#deps.nodes.list(),
          clusterId: this.#deps.clusterId,
          vpcId: this.#deps.vpcId,
          cloud: this.#deps.cloud,
          deleting,
          creatingServerGroups: () => (hidden = this.#creating(key)),
        });
      } catch (e) {
        await finalizers.catch(() => undefined);
        const message = `reading the cloud: ${describeError(e)}`;
        await this.#fail(ac, group.live, ALB_REASONS.failedApplyModel, message);
        throw new ShownError(ALB_REASONS.failedApplyModel, describeError(e));
      }
      try {
        ac = await finalizers;
      } catch (e) {
        await this.#fail(ac, group.live, ALB_REASONS.failedAddFinalizer, describeK8sError(e));
        throw new ShownError(ALB_REASONS.failedAddFinalizer, describeK8sError(e));
      }
      unfinalized.forEach((m) => finalized.add(ingressRef(m)));
      const now = this.#groupNow(key, ac, deleting);
      if (
        deleting ||
        round >= (this.#deps.planRounds ?? ALB_DEFAULTS.planRounds) ||
        now.fingerprint === group.fingerprint ||
        // The ALB gates everything else and takes its own time to provision: it starts now, and the members
        // that came meanwhile go to the next reconcile (their groups are made ahead).
        plansLoadBalancer(result.plan)
      )
        return { ac, group, result, readAtMs, hidden };
      group = now;
    }
  }

  /**
   * The group as the stores have it now: members, the live ones (not being deleted), those leaving, Ingresses
   * that left it but still show its hostname, and a fingerprint of what the model reads of them.
   */
  #groupNow(key: string, ac: AlbConfig, deleting: boolean) {
    const members = this.members(key);
    const live = deleting ? [] : members.filter((m) => !m.metadata?.deletionTimestamp);
    const leaving = members.filter((m) => !live.includes(m) && hasFinalizer(m, this.#finalizer));
    const formerMembers = this.#deps.ingresses
      .list()
      .filter((i) => hasFinalizer(i, this.#finalizer) && !members.includes(i) && this.#reportedBy(i, ac));
    const { services, endpointSlices } = this.#backendsOf(live);
    const fingerprint = canonicalJson({
      members: members.map((m) => [ingressRef(m), ingressFingerprint(m)]),
      services: services.map((x) => [x.metadata?.namespace, x.metadata?.name, x.metadata?.resourceVersion]),
      endpointSlices: endpointSlices.map((x) => [
        x.metadata?.namespace,
        x.metadata?.name,
        x.metadata?.resourceVersion,
      ]),
    });
    return { members, live, leaving, formerMembers, fingerprint };
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
