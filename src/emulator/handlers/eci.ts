// ECI 2018-08-08 image caches. Status is a pure function of the phase start time and the virtual
// clock: Preparing → Creating (Progress 0→100 %) → Ready, Updating → Ready. An image whose name
// contains "emulator-fail" makes the phase end in Failed/UpdateFailed, so controllers can test it.
import { type Handler, type HandlerCtx, isoSeconds, page, productHandlers, type Transitions } from "../core";
import { Errors } from "../errors";
import type { Doc } from "../store";
import { checkId, VSW_ID } from "./common";

const CACHE = "eci.imageCache";
const IMC_ID = /^imc-[a-z0-9]{8,40}$/;

const FAILED_KEEP_MS = 86_400_000; // failed caches are kept for one day
const FAIL_MARKER = "emulator-fail";

interface CacheDoc extends Doc {
  ImageCacheId: string;
  ImageCacheName: string;
  RegionId: string;
  Images: string[];
  ImageCacheSize: number;
  RetentionDays?: number;
  Tags: Array<{ Key: string; Value: string }>;
  _phase: "create" | "update";
  _phaseStartMs: number;
  /** Status the previous phase ended in (shown if this is an update). */
  _createdMs: number;
}

interface Computed {
  status: "Preparing" | "Creating" | "Ready" | "Failed" | "Updating" | "UpdateFailed";
  progress: string;
  /** When the current phase finished, if it has. */
  doneAtMs?: number;
  events: Doc[];
}

function event(name: string, type: "Normal" | "Warning", reason: string, message: string, atMs: number): Doc {
  return {
    Name: name,
    Type: type,
    Reason: reason,
    Message: message,
    Count: 1,
    FirstTimestamp: isoSeconds(atMs),
    LastTimestamp: isoSeconds(atMs),
  };
}

function compute(c: CacheDoc, nowMs: number, tr: Transitions): Computed {
  const t = nowMs - c._phaseStartMs;
  const fails = c.Images.some((i) => i.includes(FAIL_MARKER));
  const name = c.ImageCacheId;
  if (c._phase === "update") {
    const events = [event(name, "Normal", "Updating", "Updating image cache", c._phaseStartMs)];
    if (t < tr.eciUpdatingMs)
      return { status: "Updating", progress: `${Math.floor((t / tr.eciUpdatingMs) * 100)}%`, events };
    const doneAtMs = c._phaseStartMs + tr.eciUpdatingMs;
    return finished(name, c, events, doneAtMs, fails, "UpdateFailed", "Successfully updated image cache");
  }
  const events = [event(name, "Normal", "Started", "Started image cache creation", c._phaseStartMs)];
  if (t < tr.eciPreparingMs) return { status: "Preparing", progress: "0%", events };
  events.push(
    event(
      name,
      "Normal",
      "Pulling",
      `Pulling images ${c.Images.join(",")}`,
      c._phaseStartMs + tr.eciPreparingMs,
    ),
  );
  const creating = t - tr.eciPreparingMs;
  if (creating < tr.eciCreatingMs)
    return { status: "Creating", progress: `${Math.floor((creating / tr.eciCreatingMs) * 100)}%`, events };
  const doneAtMs = c._phaseStartMs + tr.eciPreparingMs + tr.eciCreatingMs;
  return finished(name, c, events, doneAtMs, fails, "Failed", "Successfully created image cache");
}

/** The end of a create or update: Ready, or the failure status with a Warning event naming the image. */
function finished(
  name: string,
  c: CacheDoc,
  events: ReturnType<typeof event>[],
  doneAtMs: number,
  fails: boolean,
  failedStatus: "Failed" | "UpdateFailed",
  okMessage: string,
): Computed {
  if (fails) {
    const image = c.Images.find((i) => i.includes(FAIL_MARKER));
    return {
      status: failedStatus,
      progress: "0%",
      doneAtMs,
      events: [...events, event(name, "Warning", "Failed", `Failed to pull image ${image}`, doneAtMs)],
    };
  }
  return {
    status: "Ready",
    progress: "100%",
    doneAtMs,
    events: [...events, event(name, "Normal", "Succeeded", okMessage, doneAtMs)],
  };
}

function expiresAtMs(c: CacheDoc, comp: Computed): number | undefined {
  if (comp.doneAtMs === undefined) return undefined;
  if (comp.status === "Failed") return comp.doneAtMs + FAILED_KEEP_MS;
  return c.RetentionDays ? comp.doneAtMs + c.RetentionDays * 86_400_000 : undefined;
}

/** Expired caches are deleted by the cloud; we hide them lazily (they are purged on the next write). */
function live(ctx: HandlerCtx): CacheDoc[] {
  return ctx.tx.all<CacheDoc>(CACHE).filter((c) => {
    const exp = expiresAtMs(c, compute(c, ctx.nowMs, ctx.transitions));
    if (exp !== undefined && ctx.nowMs >= exp) return false;
    return c.RegionId === ctx.regionId;
  });
}

function purgeExpired(ctx: HandlerCtx): void {
  const keep = new Set(live(ctx).map((c) => c.ImageCacheId));
  for (const c of ctx.tx.all<CacheDoc>(CACHE))
    if (c.RegionId === ctx.regionId && !keep.has(c.ImageCacheId)) ctx.tx.del(CACHE, c.ImageCacheId);
}

function cacheView(c: CacheDoc, nowMs: number, tr: Transitions): Doc {
  const comp = compute(c, nowMs, tr);
  const exp = expiresAtMs(c, comp);
  return {
    ImageCacheId: c.ImageCacheId,
    ImageCacheName: c.ImageCacheName,
    Status: comp.status,
    Progress: comp.progress,
    Images: c.Images,
    ImageCacheSize: c.ImageCacheSize,
    SnapshotId: c.SnapshotId,
    ContainerGroupId: c.ContainerGroupId,
    RegionId: c.RegionId,
    CreationTime: isoSeconds(c._createdMs),
    ExpireDateTime: exp !== undefined ? isoSeconds(exp) : "",
    LastMatchedTime: "",
    EliminationStrategy: c.EliminationStrategy ?? "",
    Flash: false,
    Tags: c.Tags,
    Events: comp.events,
  };
}

function readSpec(ctx: HandlerCtx, required: boolean): Partial<CacheDoc> {
  const out: Partial<CacheDoc> = {};
  const images = ctx.p.strList("Image");
  if (images.length === 0 && required) throw Errors.missingParam("Image");
  if (images.length > 20) throw Errors.invalidParam("Image", "At most 20 images.");
  for (const i of images) if (/\s/.test(i)) throw Errors.invalidParam("Image", `Malformed image "${i}".`);
  if (images.length > 0) out.Images = images;
  // The API's own limits (CreateImageCache): 20-32768 GiB, 1-65536 days, at most 20 images.
  const size = ctx.p.int("ImageCacheSize", { min: 20, max: 32768 });
  if (size !== undefined) out.ImageCacheSize = size;
  const days = ctx.p.int("RetentionDays", { min: 1, max: 65536 });
  if (days !== undefined) out.RetentionDays = days;
  const sg = ctx.p.str("SecurityGroupId");
  if (sg) out.SecurityGroupId = checkId("SecurityGroupId", sg, /^sg-[a-z0-9]{6,40}$/);
  const vsw = ctx.p.str("VSwitchId");
  if (vsw) out.VSwitchId = checkId("VSwitchId", vsw, VSW_ID);
  const strategy = ctx.p.str("EliminationStrategy");
  if (strategy) out.EliminationStrategy = strategy;
  const creds = ctx.p.list("ImageRegistryCredential").filter((c) => typeof c === "object");
  if (creds.length > 0)
    out._credentialServers = creds.map((c) =>
      typeof c === "object" && typeof c.Server === "string" ? c.Server : "",
    );
  const tags = ctx.p.tags();
  if (tags.length > 0) out.Tags = tags;
  return out;
}

function createImageCache(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const name = ctx.p.req("ImageCacheName");
  if (!/^[a-z0-9][a-z0-9-]{1,127}$/.test(name)) throw Errors.invalidParam("ImageCacheName");
  const spec = readSpec(ctx, true);
  purgeExpired(ctx);
  if (live(ctx).length >= ctx.quotas.imageCachesPerAccount)
    throw Errors.eciQuota(ctx.quotas.imageCachesPerAccount);
  const id = ctx.ids.id("imc-", 20, true);
  const doc: CacheDoc = {
    ImageCacheId: id,
    ImageCacheName: name,
    RegionId: ctx.regionId,
    Images: [],
    ImageCacheSize: 20,
    Tags: [],
    ContainerGroupId: ctx.ids.id("eci-", 20, true),
    SnapshotId: ctx.ids.id("s-", 20, true),
    ...spec,
    _phase: "create",
    _phaseStartMs: ctx.nowMs,
    _createdMs: ctx.nowMs,
  };
  ctx.tx.put(CACHE, id, doc);
  return { ImageCacheId: id, ContainerGroupId: doc.ContainerGroupId };
}

function getCache(ctx: HandlerCtx): CacheDoc {
  ctx.p.req("RegionId");
  const id = checkId("ImageCacheId", ctx.p.req("ImageCacheId"), IMC_ID);
  const c = live(ctx).find((x) => x.ImageCacheId === id);
  if (!c) throw Errors.eciNotFound(id);
  return c;
}

function describeImageCaches(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const id = ctx.p.str("ImageCacheId");
  const name = ctx.p.str("ImageCacheName");
  const image = ctx.p.str("Image");
  const match = ctx.p.strList("MatchImage");
  const tags = ctx.p.tags();
  const limit = ctx.p.int("Limit", { min: 1, max: 100 }) ?? 100;
  const all = live(ctx)
    .filter(
      (c) =>
        (!id || c.ImageCacheId === id) &&
        (!name || c.ImageCacheName === name) &&
        (!image || c.Images.includes(image)) &&
        match.every((m) => c.Images.includes(m)) &&
        tags.every((t) => c.Tags.some((x) => x.Key === t.Key && (t.Value === "" || x.Value === t.Value))),
    )
    .sort((a, b) => a._createdMs - b._createdMs);
  const pg = page(all, ctx.p.str("NextToken"), limit);
  return {
    ImageCaches: pg.items.map((c) => cacheView(c, ctx.nowMs, ctx.transitions)),
    TotalCount: all.length,
    NextToken: pg.nextToken,
  };
}

function updateImageCache(ctx: HandlerCtx): Doc {
  const c = getCache(ctx);
  const st = compute(c, ctx.nowMs, ctx.transitions).status;
  if (st !== "Ready" && st !== "UpdateFailed") throw Errors.eciIncorrectStatus(st);
  const spec = readSpec(ctx, false);
  ctx.tx.put(CACHE, c.ImageCacheId, { ...c, ...spec, _phase: "update", _phaseStartMs: ctx.nowMs });
  return {};
}

function deleteImageCache(ctx: HandlerCtx): Doc {
  const c = getCache(ctx);
  ctx.tx.del(CACHE, c.ImageCacheId);
  return {};
}

export const eciHandlers: Handler[] = productHandlers("eci", [
  ["CreateImageCache", true, createImageCache],
  ["DescribeImageCaches", false, describeImageCaches],
  ["UpdateImageCache", true, updateImageCache],
  ["DeleteImageCache", true, deleteImageCache],
]);
