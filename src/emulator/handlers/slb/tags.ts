// SLB emulator: tags, both APIs: TagResources/UntagResources/ListTagResources (any SLB resource type) and
// the legacy AddTags/RemoveTags/DescribeTags (load balancers only, JSON `Tags`).
import { type HandlerCtx, type HandlerEntry, page } from "../../core";
import { Errors } from "../../errors";
import type { Doc } from "../../store";
import { hasAllTags, removeTags, setTags, type TagDoc, wantedOrAny } from "../common";
import { ACL, getLb, legacyTags, TAG, VSG } from "./shared";

const TAG_RESOURCE_TYPES = [
  "instance",
  "certificate",
  "acl",
  "listener",
  "vservergroup",
  "masterslaveservergroup",
] as const;

function tagTargets(ctx: HandlerCtx): { type: string; ids: string[] } {
  ctx.p.req("RegionId");
  const type = ctx.p.reqOneOf("ResourceType", TAG_RESOURCE_TYPES);
  const ids = ctx.p.strList("ResourceId");
  if (ids.length === 0) throw Errors.missingParam("ResourceId.N");
  if (ids.length > 20) throw Errors.invalidParam("ResourceId.N", "At most 20 resources.");
  for (const id of ids) {
    if (type === "instance") getLb(ctx, id);
    if (type === "vservergroup" && !ctx.tx.get(VSG, id)) throw Errors.slbVsgNotFound(id);
    if (type === "acl" && !ctx.tx.get(ACL, id)) throw Errors.slbAclNotFound(id);
  }
  return { type, ids };
}

function tagResources(ctx: HandlerCtx): Doc {
  const { type, ids } = tagTargets(ctx);
  const tags = ctx.p.tags();
  if (tags.length === 0) throw Errors.missingParam("Tag.N");
  for (const id of ids) setTags(ctx.tx, TAG, type, id, tags);
  return {};
}

function untagResources(ctx: HandlerCtx): Doc {
  const { ids } = tagTargets(ctx);
  const keys = ctx.p.strList("TagKey");
  const all = ctx.p.bool("All") ?? false;
  if (!all && keys.length === 0) return {}; // the real API treats this as a no-op
  for (const id of ids) removeTags(ctx.tx, TAG, id, all ? undefined : keys);
  return {};
}

function listTagResources(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const type = ctx.p.reqOneOf("ResourceType", TAG_RESOURCE_TYPES);
  const ids = ctx.p.strList("ResourceId");
  const want = ctx.p.tags();
  const all = ctx.tx
    .all<TagDoc>(TAG)
    .filter((t) => t.ResourceType === type && wantedOrAny(ids, t.ResourceId));
  const matchingResources = new Set(
    [...new Set(all.map((t) => t.ResourceId))].filter((r) =>
      hasAllTags(
        all.filter((t) => t.ResourceId === r),
        want,
      ),
    ),
  );
  const rows = all
    .filter((t) => matchingResources.has(t.ResourceId))
    .sort((a, b) => (a.ResourceId + a.TagKey < b.ResourceId + b.TagKey ? -1 : 1))
    .map((t) => ({
      ResourceId: t.ResourceId,
      ResourceType: t.ResourceType,
      TagKey: t.TagKey,
      TagValue: t.TagValue,
    }));
  const pg = page(rows, ctx.p.str("NextToken"), 50);
  return { TagResources: { TagResource: pg.items }, NextToken: pg.nextToken };
}

function addTags(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  const tags = legacyTags(ctx.p, true);
  if (tags.length > 10) throw Errors.invalidParam("Tags", "At most 10 tags per call.");
  setTags(ctx.tx, TAG, "instance", lb.LoadBalancerId, tags);
  return {};
}

function removeTagsAction(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  const keys = legacyTags(ctx.p, true).map((t) => t.Key);
  removeTags(ctx.tx, TAG, lb.LoadBalancerId, keys);
  return {};
}

function describeTags(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const lbIds = ctx.p.str("LoadBalancerId")?.split(",").filter(Boolean);
  const want = legacyTags(ctx.p, false);
  const counts = new Map<string, { TagKey: string; TagValue: string; InstanceCount: number }>();
  for (const t of ctx.tx.all<TagDoc>(TAG)) {
    if (t.ResourceType !== "instance" || (lbIds && !lbIds.includes(t.ResourceId))) continue;
    if (
      want.length > 0 &&
      !want.some((w) => w.Key === t.TagKey && (w.Value === "" || w.Value === t.TagValue))
    )
      continue;
    const k = `${t.TagKey}\u0000${t.TagValue}`;
    const c = counts.get(k) ?? { TagKey: t.TagKey, TagValue: t.TagValue, InstanceCount: 0 };
    c.InstanceCount++;
    counts.set(k, c);
  }
  const items = [...counts.values()];
  return { TagSets: { TagSet: items }, TotalCount: items.length, PageNumber: 1, PageSize: items.length };
}

export const tagHandlers: HandlerEntry[] = [
  ["TagResources", true, tagResources],
  ["UntagResources", true, untagResources],
  ["ListTagResources", false, listTagResources],
  ["AddTags", true, addTags],
  ["RemoveTags", true, removeTagsAction],
  ["DescribeTags", false, describeTags],
];
