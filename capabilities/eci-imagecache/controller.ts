// The ImageCache reconciler on the controller kit (src/controller): finalizer first, then find (by status id,
// else by our tag) or create the cloud cache, mirror its phase, progress and events into status and Events,
// apply spec changes with UpdateImageCache, poll with a growing delay while the cloud works, and delete the
// cloud cache before the finalizer comes off. § numbers refer to docs/eci-imagecache.md.
import {
  clientTokenFor,
  type EciCreateImageCacheRequest,
  type EciImageCache,
  type EciProvider,
  type EciRegistryCredential,
} from "../../src/cloud";
import { ECI_DEFAULTS } from "../../src/config";
import type { FailureToShow, ReconcileContext } from "../../src/controller/controller";
import { canonicalJson } from "../../src/controller/fingerprint";
import {
  Done,
  RequeueAfter,
  ShownError,
  TerminalError,
  type ReconcileResult,
} from "../../src/controller/result";
import { describeError } from "../../src/lib/errors";
import type { ClusterClient } from "../../src/k8s/client";
import type { EventRecorder, EventType } from "../../src/k8s/events";
import { ensureFinalizer, hasFinalizer, removeFinalizer } from "../../src/k8s/finalizers";
import { KINDS } from "../../src/k8s/kinds";
import { setCondition, type Condition, type ConditionInput } from "../../src/k8s/status";
import { parsePullSecretRef, specProblems } from "./admission/imagecache-rules";
import { IMAGE_CACHE_REGISTRY } from "./annotations/registry";
import type { ImageCache, ImageCachePhase, ImageCacheStatus, ImageCacheStatusEvent } from "./crd/types";
import { credentialsFromSecret, type SecretLike } from "./pull-secrets";
import { IMC_REASONS, SYNCED_CONDITION } from "./reasons";
import { ImageCacheLister } from "./remote";
import {
  CREATE_INTENT_ANNOTATION,
  TAG_IMAGE_CACHE_UID,
  cloudCacheName,
  isOwnedBy,
  newCreateIntent,
  ownershipTags,
} from "./tracking";

export interface PollPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
}

export interface ImageCacheControllerDeps {
  client: ClusterClient;
  events: EventRecorder;
  eci: EciProvider;
  clusterId: string;
  finalizer?: string;
  poll?: PollPolicy;
  /** Shared cloud reads (remote.ts); default: one over `eci` with ECI_DEFAULTS.listMaxAgeMs. */
  lister?: ImageCacheLister;
  now?: () => Date;
}

const PENDING: readonly string[] = ["Preparing", "Creating", "Updating"];
const UPDATABLE: readonly string[] = ["Ready", "UpdateFailed"];

/** The n-th poll's delay (n from 0): initial × factor^n, capped (§4, no hot loop). */
export function pollDelayMs(n: number, p: PollPolicy): number {
  return Math.min(p.maxMs, Math.round(p.initialMs * p.factor ** Math.max(0, n)));
}

/** The annotations the controller itself writes (never a change of the object). */
export function isOwnAnnotation(key: string): boolean {
  return key === CREATE_INTENT_ANNOTATION || key.includes(".pepr.dev/");
}

/** What the reconcile works from: UID, spec, user annotations, deletion. Status and our writes are left out. */
export function imageCacheFingerprint(ic: ImageCache): string {
  const annotations = Object.fromEntries(
    Object.entries(ic.metadata?.annotations ?? {}).filter(([k]) => !isOwnAnnotation(k)),
  );
  return canonicalJson([ic.metadata?.uid, ic.spec ?? {}, annotations, !!ic.metadata?.deletionTimestamp]);
}

/** The cloud's events as status keeps them (the CRD's fields). */
export function statusEventsOf(cache: EciImageCache): ImageCacheStatusEvent[] {
  return cache.events.map((e) => ({
    name: e.reason ?? e.name,
    type: e.type,
    message: e.message,
    count: e.count,
    firstTimestamp: e.firstTimestamp,
    lastTimestamp: e.lastTimestamp,
  }));
}

/** The cloud's events not yet in `before` (by type, name, message and first time). */
export function newCloudEvents(
  before: readonly ImageCacheStatusEvent[] | undefined,
  after: readonly ImageCacheStatusEvent[],
): ImageCacheStatusEvent[] {
  const id = (e: ImageCacheStatusEvent) => `${e.type}|${e.name}|${e.message}|${e.firstTimestamp}`;
  const seen = new Set((before ?? []).map(id));
  return after.filter((e) => !seen.has(id(e)));
}

/** §4: the condition for a cloud phase. */
export function conditionFor(phase: ImageCachePhase, progress: string, failure?: string): ConditionInput {
  if (phase === "Ready")
    return {
      type: SYNCED_CONDITION,
      status: "True",
      reason: IMC_REASONS.ready,
      message: "image cache is Ready",
    };
  if (phase === "Failed" || phase === "UpdateFailed")
    return {
      type: SYNCED_CONDITION,
      status: "False",
      reason: IMC_REASONS.failed,
      message: `image cache ${phase}: ${failure ?? "the cloud gave no reason"}`,
    };
  if (phase === "Expired")
    return {
      type: SYNCED_CONDITION,
      status: "False",
      reason: IMC_REASONS.expired,
      message:
        "the cloud deleted the image cache at its expiry; delete and recreate the ImageCache to build it again",
    };
  return { type: SYNCED_CONDITION, status: "Unknown", reason: phase, message: `${phase} (${progress})` };
}

/** The create/update request fields of the object (annotation problems are returned, not thrown). */
export function cacheFields(ic: ImageCache): {
  fields: Omit<
    EciCreateImageCacheRequest,
    "clientToken" | "imageCacheName" | "tags" | "imageRegistryCredentials"
  >;
  problems: string[];
} {
  const { config, errors } = IMAGE_CACHE_REGISTRY.parse(ic.metadata?.annotations);
  const spec = ic.spec;
  return {
    fields: {
      images: spec?.images ?? [],
      imageCacheSize: spec?.imageCacheSize ?? ECI_DEFAULTS.imageCacheSizeGiB,
      retentionDays: spec?.retentionDays,
      autoMatchImageCache: config.enableReuse,
      vSwitchId: config.vSwitchIds?.[0],
      securityGroupId: config.securityGroupId,
      resourceGroupId: config.resourceGroupId,
      acrInstanceIds: config.acrInstanceIds,
      plainHttpRegistries: config.plainHttpRegistries,
    },
    // The admission rules again (a bypassed webhook must not reach the cloud): spec, then annotations.
    problems: [...specProblems(spec), ...errors.map((e) => e.message)],
  };
}

export class ImageCacheReconciler {
  readonly #deps: Required<Omit<ImageCacheControllerDeps, "now" | "lister">> & { now: () => Date };
  readonly #lister: ImageCacheLister;
  /** When this process last created or updated each key's cache: later reads must be at least as new. */
  readonly #lastWriteMs = new Map<string, number>();
  /** Polls since the phase last changed, per key: the next delay grows with it. In memory only. */
  readonly #polls = new Map<string, { phase: string; n: number }>();

  constructor(deps: ImageCacheControllerDeps) {
    this.#deps = {
      finalizer: ECI_DEFAULTS.imageCacheFinalizer,
      poll: {
        initialMs: ECI_DEFAULTS.pollInitialMs,
        factor: ECI_DEFAULTS.pollFactor,
        maxMs: ECI_DEFAULTS.pollMaxMs,
      },
      now: () => new Date(),
      ...deps,
    };
    this.#lister =
      deps.lister ??
      new ImageCacheLister(deps.eci, deps.clusterId, ECI_DEFAULTS.listMaxAgeMs, () =>
        this.#deps.now().getTime(),
      );
  }

  async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
    const { client, finalizer } = this.#deps;
    let ic = await client.get<ImageCache>(KINDS.ImageCache, { name: key });
    if (!ic) {
      this.#polls.delete(key);
      this.#lastWriteMs.delete(key);
      ctx.forget();
      return Done;
    }
    ctx.observe(imageCacheFingerprint(ic));
    if (ic.metadata?.deletionTimestamp) return this.#delete(key, ic, ctx);
    // §3: Expired is our end state: the cloud deleted the cache; nothing more to do for this object.
    if (ic.status?.phase === "Expired") return Done;
    if (!hasFinalizer(ic, finalizer)) {
      aborted(ctx.signal);
      ic = await ensureFinalizer(client, KINDS.ImageCache, ic, finalizer);
    }
    const uid = ic.metadata!.uid!;
    let cache: EciImageCache | undefined;
    let recreate = false;
    const id = ic.status?.imageCacheId;
    if (id) {
      cache = await this.#lister.byId(id, this.#lastWriteMs.get(key) ?? 0);
      if (cache && !isOwnedBy(cache.tags, uid)) {
        const message = `image cache ${id} is not tagged ${TAG_IMAGE_CACHE_UID}=${uid}: it is not this ImageCache's and is left alone`;
        await this.#reportFailure(ic, IMC_REASONS.syncFailed, message);
        throw new TerminalError(IMC_REASONS.syncFailed, message, { shown: true });
      }
      if (!cache) {
        if (ic.status?.expireDateTime) return this.#expired(key, ic);
        recreate = true;
        await this.#event(
          ic,
          "Warning",
          IMC_REASONS.vanished,
          `image cache ${id} is gone before its expiry; creating a new one`,
        );
      }
    }
    // Only an object with a create intent can have a cache without its id in status (a crash mid-create).
    if (!cache && !recreate && ic.metadata?.annotations?.[CREATE_INTENT_ANNOTATION])
      cache = await this.#adopt(ic);
    let sentGeneration: number | undefined;
    if (!cache) {
      const created = await this.#create(ic, recreate, ctx);
      this.#lastWriteMs.set(key, this.#deps.now().getTime());
      ic = created.ic;
      cache = created.cache;
      sentGeneration = ic.metadata?.generation;
    } else if (!id) {
      // Adopted after a crash: the spec it was built from is unknown unless images and size agree.
      const f = cacheFields(ic).fields;
      const same =
        canonicalJson([...cache.images].sort()) === canonicalJson([...f.images].sort()) &&
        cache.imageCacheSize === f.imageCacheSize;
      sentGeneration = same ? ic.metadata?.generation : 0;
      await this.#event(
        ic,
        "Normal",
        IMC_REASONS.creating,
        `adopted image cache ${cache.imageCacheId} (found by its tag)`,
      );
    }
    const observed = sentGeneration ?? ic.status?.observedGeneration ?? 0;
    const generation = ic.metadata?.generation ?? 0;
    if (UPDATABLE.includes(cache.status) && observed < generation) {
      cache = await this.#update(ic, cache, ctx);
      this.#lastWriteMs.set(key, this.#deps.now().getTime());
      sentGeneration = generation;
    }
    return this.#mirror(key, ic, cache, sentGeneration ?? observed);
  }

  /** A failure the reconcile did not show itself (a cloud read, the API server): an Event and the condition. */
  async showFailure(key: string, failure: FailureToShow): Promise<void> {
    const ic = await this.#deps.client.get<ImageCache>(KINDS.ImageCache, { name: key });
    if (!ic) return;
    const reason = ic.metadata?.deletionTimestamp ? IMC_REASONS.deleteFailed : IMC_REASONS.syncFailed;
    await this.#reportFailure(ic, reason, failure.message);
  }

  /** A cache of ours from before a crash (its uid tag), if any. */
  async #adopt(ic: ImageCache): Promise<EciImageCache | undefined> {
    const found = await this.#deps.eci.describeImageCaches({
      tags: [{ key: TAG_IMAGE_CACHE_UID, value: ic.metadata!.uid! }],
    });
    return found.sort((a, b) => b.creationTime.localeCompare(a.creationTime))[0];
  }

  async #create(
    ic: ImageCache,
    newIntent: boolean,
    ctx: ReconcileContext,
  ): Promise<{ ic: ImageCache; cache: EciImageCache }> {
    const { client, eci } = this.#deps;
    const uid = ic.metadata!.uid!;
    const { fields, problems } = cacheFields(ic);
    if (problems.length > 0) {
      const message = `bad ImageCache: ${problems.join("; ")}`;
      await this.#reportFailure(ic, IMC_REASONS.syncFailed, message);
      throw new TerminalError(IMC_REASONS.syncFailed, message, { shown: true });
    }
    const credentials = await this.#credentials(ic);
    let intent = ic.metadata?.annotations?.[CREATE_INTENT_ANNOTATION];
    if (!intent || newIntent) {
      // Written before the create (tracking.ts): a retry after a crash replays the same create.
      intent = newCreateIntent();
      aborted(ctx.signal);
      ic = await client.patch<ImageCache>(
        KINDS.ImageCache,
        { name: ic.metadata!.name! },
        {
          metadata: { annotations: { [CREATE_INTENT_ANNOTATION]: intent } },
        },
      );
    }
    aborted(ctx.signal);
    const { imageCacheId } = await eci.createImageCache({
      ...fields,
      imageCacheName: cloudCacheName(ic.metadata!.name!, uid),
      imageRegistryCredentials: credentials.length ? credentials : undefined,
      tags: ownershipTags(uid, this.#deps.clusterId),
      clientToken: clientTokenFor(uid, `eci-imagecache:create:${intent}`),
    });
    // The id goes into status at once: a crash after this point finds the cache by id.
    ic = await client.patchStatus<ImageCache>(
      KINDS.ImageCache,
      { name: ic.metadata!.name! },
      {
        status: {
          imageCacheId,
          phase: "Preparing",
          progress: "0%",
          observedGeneration: ic.metadata?.generation,
          expireDateTime: null,
        },
      },
    );
    await this.#event(
      ic,
      "Normal",
      IMC_REASONS.creating,
      `creating image cache ${imageCacheId} of ${fields.images.length} image(s)`,
    );
    // What the cloud holds right after a create; the next poll reads the real thing (no describe now).
    const cache: EciImageCache = {
      imageCacheId,
      imageCacheName: cloudCacheName(ic.metadata!.name!, uid),
      status: "Preparing",
      progress: "0%",
      images: fields.images,
      imageCacheSize: fields.imageCacheSize ?? ECI_DEFAULTS.imageCacheSizeGiB,
      creationTime: "",
      events: [],
      tags: ownershipTags(uid, this.#deps.clusterId),
    };
    return { ic, cache };
  }

  async #update(ic: ImageCache, cache: EciImageCache, ctx: ReconcileContext): Promise<EciImageCache> {
    const { fields, problems } = cacheFields(ic);
    if (problems.length > 0)
      throw new TerminalError(IMC_REASONS.syncFailed, `bad ImageCache: ${problems.join("; ")}`);
    const credentials = await this.#credentials(ic);
    aborted(ctx.signal);
    await this.#deps.eci.updateImageCache(cache.imageCacheId, {
      images: fields.images,
      imageCacheSize: fields.imageCacheSize,
      retentionDays: fields.retentionDays,
      autoMatchImageCache: fields.autoMatchImageCache,
      imageRegistryCredentials: credentials.length ? credentials : undefined,
    });
    await this.#event(
      ic,
      "Normal",
      IMC_REASONS.updating,
      `updating image cache ${cache.imageCacheId} to generation ${ic.metadata?.generation ?? 0}`,
    );
    return (await this.#deps.eci.describeImageCaches({ imageCacheId: cache.imageCacheId }))[0] ?? cache;
  }

  /** §3: every pull secret, read with `get` (never list/watch), to credentials. Never logged or stored. */
  async #credentials(ic: ImageCache): Promise<EciRegistryCredential[]> {
    const out: EciRegistryCredential[] = [];
    const problems: string[] = [];
    for (const ref of ic.spec?.imagePullSecrets ?? []) {
      const parsed = parsePullSecretRef(ref);
      if (typeof parsed === "string") {
        problems.push(`pull secret ${JSON.stringify(ref)} ${parsed}`);
        continue;
      }
      const secret = await this.#deps.client.get<SecretLike>(KINDS.Secret, parsed);
      const creds = credentialsFromSecret(ref, secret);
      if (typeof creds === "string") problems.push(creds);
      else out.push(...creds);
    }
    if (problems.length > 0) {
      const message = problems.join("; ");
      await this.#reportFailure(ic, IMC_REASONS.pullSecretFailed, message);
      // The Secret may appear later: retry with backoff.
      throw new ShownError(IMC_REASONS.pullSecretFailed, message);
    }
    return out;
  }

  /** Status, condition and Events from the cloud cache; requeue while the cloud works. */
  async #mirror(
    key: string,
    ic: ImageCache,
    cache: EciImageCache,
    observedGeneration: number,
  ): Promise<ReconcileResult> {
    const phase = cache.status as ImageCachePhase;
    const events = statusEventsOf(cache);
    const fresh = newCloudEvents(ic.status?.events, events);
    const failure = [...events].reverse().find((e) => e.type === "Warning")?.message;
    const previous = ic.status;
    const next: ImageCacheStatus = {
      imageCacheId: cache.imageCacheId,
      phase,
      progress: cache.progress,
      startTime: cache.creationTime || undefined,
      expireDateTime: cache.expireDateTime || undefined,
      observedGeneration,
      events,
    };
    const conditions = setCondition(
      previous?.conditions,
      { ...conditionFor(phase, cache.progress, failure), observedGeneration: ic.metadata?.generation },
      this.#deps.now(),
    );
    const changed =
      canonicalJson(pick(previous)) !== canonicalJson(next) || conditions !== previous?.conditions;
    if (changed)
      await this.#deps.client.patchStatus(
        KINDS.ImageCache,
        { name: key },
        {
          status: {
            ...next,
            startTime: next.startTime ?? null,
            expireDateTime: next.expireDateTime ?? null,
            lastUpdatedTime: this.#deps.now().toISOString(),
            conditions,
          },
        },
      );
    for (const e of fresh)
      await this.#event(
        ic,
        e.type === "Warning" ? "Warning" : "Normal",
        e.name || "ImageCacheEvent",
        e.message,
      );
    if (previous?.phase !== phase) {
      if (phase === "Ready")
        await this.#event(ic, "Normal", IMC_REASONS.ready, `image cache ${cache.imageCacheId} is Ready`);
      if (phase === "Failed" || phase === "UpdateFailed")
        await this.#event(
          ic,
          "Warning",
          IMC_REASONS.failed,
          `image cache ${cache.imageCacheId} ${phase}: ${failure ?? "the cloud gave no reason"}`,
        );
    }
    if (PENDING.includes(phase)) {
      const polls = this.#polls.get(key);
      const n = polls && polls.phase === phase ? polls.n + 1 : 0;
      this.#polls.set(key, { phase, n });
      return RequeueAfter(pollDelayMs(n, this.#deps.poll), `image cache ${phase} (${cache.progress})`);
    }
    this.#polls.delete(key);
    return Done;
  }

  async #expired(key: string, ic: ImageCache): Promise<ReconcileResult> {
    this.#polls.delete(key);
    const condition = conditionFor("Expired", "");
    await this.#deps.client.patchStatus(
      KINDS.ImageCache,
      { name: key },
      {
        status: {
          phase: "Expired",
          progress: ic.status?.progress ?? "",
          lastUpdatedTime: this.#deps.now().toISOString(),
          conditions: setCondition(ic.status?.conditions, condition, this.#deps.now()),
        },
      },
    );
    await this.#event(
      ic,
      "Normal",
      IMC_REASONS.expired,
      `image cache ${ic.status?.imageCacheId ?? ""} expired at ${ic.status?.expireDateTime ?? "?"} and was deleted by the cloud`,
    );
    return Done;
  }

  async #delete(key: string, ic: ImageCache, ctx: ReconcileContext): Promise<ReconcileResult> {
    const { client, eci, finalizer } = this.#deps;
    this.#polls.delete(key);
    this.#lastWriteMs.delete(key);
    if (!hasFinalizer(ic, finalizer)) {
      ctx.forget();
      return Done;
    }
    const uid = ic.metadata!.uid!;
    try {
      const id = ic.status?.imageCacheId;
      // By id, and by tag: a create may have happened without its id reaching status.
      const byId = id ? await eci.describeImageCaches({ imageCacheId: id }) : [];
      const byTag = await eci.describeImageCaches({ tags: [{ key: TAG_IMAGE_CACHE_UID, value: uid }] });
      const ours = new Map<string, EciImageCache>();
      for (const c of [...byId, ...byTag]) if (isOwnedBy(c.tags, uid)) ours.set(c.imageCacheId, c);
      for (const c of ours.values()) {
        aborted(ctx.signal);
        await eci.deleteImageCache(c.imageCacheId);
      }
      if (ours.size > 0)
        await this.#event(
          ic,
          "Normal",
          IMC_REASONS.deleted,
          `deleted image cache ${[...ours.keys()].join(", ")}`,
        );
    } catch (e) {
      const message = `deleting the image cache failed: ${describeError(e)}`;
      await this.#reportFailure(ic, IMC_REASONS.deleteFailed, message);
      throw new ShownError(IMC_REASONS.deleteFailed, message);
    }
    aborted(ctx.signal);
    await removeFinalizer(client, KINDS.ImageCache, ic, finalizer, {
      annotations: { [CREATE_INTENT_ANNOTATION]: null },
    });
    ctx.forget();
    return Done;
  }

  /**
   * A failure made visible on the object itself: a Warning Event and the Synced condition False, both with
   * this reason and message.
   */
  async #reportFailure(ic: ImageCache, reason: string, message: string): Promise<void> {
    const conditions = setCondition(
      ic.status?.conditions,
      {
        type: SYNCED_CONDITION,
        status: "False",
        reason,
        message,
        observedGeneration: ic.metadata?.generation,
      },
      this.#deps.now(),
    );
    const writes: Promise<unknown>[] = [this.#event(ic, "Warning", reason, message)];
    if (conditions !== ic.status?.conditions)
      writes.push(
        this.#deps.client
          .patchStatus(KINDS.ImageCache, { name: ic.metadata!.name! }, { status: { conditions } })
          .catch((e: unknown) =>
            console.warn(
              `eci-imagecache: could not write condition on ${ic.metadata?.name}: ${describeError(e)}`,
            ),
          ),
      );
    await Promise.all(writes);
  }

  async #event(ic: ImageCache, type: EventType, reason: string, message: string): Promise<void> {
    await this.#deps.events.record(KINDS.ImageCache, ic, type, reason, message);
  }
}

/** The status fields #mirror writes, from the current status (for the "changed?" test). */
function pick(s: ImageCacheStatus | undefined): ImageCacheStatus {
  return {
    imageCacheId: s?.imageCacheId,
    phase: s?.phase,
    progress: s?.progress,
    startTime: s?.startTime,
    expireDateTime: s?.expireDateTime,
    observedGeneration: s?.observedGeneration,
    events: s?.events,
  };
}

function aborted(signal: AbortSignal): void {
  if (signal.aborted) throw new Error("stopped: this process no longer leads");
}

export type { Condition };
