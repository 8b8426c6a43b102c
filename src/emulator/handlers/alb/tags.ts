// ALB emulator: TagResources, UnTagResources and ListTagResources over the taggable ALB resources (instances,
// server groups, ACLs; security policies are not modelled). Tags live on the resource documents themselves.
import type { HandlerCtx, HandlerEntry } from "../../core";
import { Errors } from "../../errors";
import type { Doc } from "../../store";
import { wantedOrAny } from "../common";
import {
  ACL,
  type AclDoc,
  checkBatch,
  getAcl,
  getLb,
  getSg,
  hasTags,
  LB,
  type LbDoc,
  listPage,
  SG,
  type SgDoc,
} from "./shared";

/** ResourceId.N per call, Tag.N / TagKey.N per call, and tags per resource (unverified: 50, 20, 20). */
const MAX_RESOURCES_PER_CALL = 50;
const MAX_TAGS_PER_CALL = 20;
const MAX_TAGS_PER_RESOURCE = 20;

type Tag = { Key: string; Value: string };
type Tagged = Doc & { Tags: Tag[] };

const TYPES = ["loadbalancer", "servergroup", "acl", "securitypolicy"] as const;
type ResourceType = (typeof TYPES)[number];

function collectionOf(type: ResourceType): string {
  return type === "loadbalancer" ? LB : type === "servergroup" ? SG : ACL;
}

function resource(ctx: HandlerCtx, type: ResourceType, id: string): Tagged & { _id: string } {
  const doc: Tagged =
    type === "loadbalancer"
      ? getLb(ctx, id)
      : type === "servergroup"
        ? getSg(ctx, id)
        : type === "acl"
          ? getAcl(ctx, id)
          : (() => {
              throw Errors.albNotFound("SecurityPolicy", id);
            })();
  return { ...doc, _id: id };
}

function resourceIds(ctx: HandlerCtx): string[] {
  const ids = ctx.p.strList("ResourceId");
  if (ids.length === 0) throw Errors.missingParam("ResourceId");
  checkBatch("ResourceId", ids.length, MAX_RESOURCES_PER_CALL);
  return [...new Set(ids)];
}

function checkTagText(name: string, v: string): void {
  if (v.length > 128 || /^(acs:|aliyun)/i.test(v) || /https?:\/\//i.test(v))
    throw Errors.invalidParam(
      name,
      "At most 128 characters, not starting with acs: or aliyun, no http(s)://.",
    );
}

function tagResources(ctx: HandlerCtx): Doc {
  const type = ctx.p.reqOneOf("ResourceType", TYPES);
  const ids = resourceIds(ctx);
  const tags = ctx.p.tags();
  if (tags.length === 0) throw Errors.missingParam("Tag");
  checkBatch("Tag", tags.length, MAX_TAGS_PER_CALL);
  tags.forEach((t, i) => {
    checkTagText(`Tag.${i + 1}.Key`, t.Key);
    checkTagText(`Tag.${i + 1}.Value`, t.Value);
  });
  const docs = ids.map((id) => resource(ctx, type, id));
  for (const { _id, ...doc } of docs) {
    const merged = new Map(doc.Tags.map((t) => [t.Key, t.Value]));
    for (const t of tags) merged.set(t.Key, t.Value);
    if (merged.size > MAX_TAGS_PER_RESOURCE) throw Errors.albQuotaOf("TagsNum", MAX_TAGS_PER_RESOURCE);
    ctx.tx.put(collectionOf(type), _id, {
      ...doc,
      Tags: [...merged].map(([Key, Value]) => ({ Key, Value })),
    });
  }
  return {};
}

function unTagResources(ctx: HandlerCtx): Doc {
  const type = ctx.p.reqOneOf("ResourceType", TYPES);
  const ids = resourceIds(ctx);
  const keys = ctx.p.strList("TagKey");
  checkBatch("TagKey", keys.length, MAX_TAGS_PER_CALL);
  const all = ctx.p.bool("All") ?? false;
  if (!all && keys.length === 0) throw Errors.missingParam("TagKey");
  for (const { _id, ...doc } of ids.map((id) => resource(ctx, type, id))) {
    const left = all ? [] : doc.Tags.filter((t) => !keys.includes(t.Key));
    ctx.tx.put(collectionOf(type), _id, { ...doc, Tags: left });
  }
  return {};
}

function listTagResources(ctx: HandlerCtx): Doc {
  const type = ctx.p.reqOneOf("ResourceType", TYPES);
  const ids = ctx.p.strList("ResourceId");
  const want = ctx.p.tags();
  checkBatch("ResourceId", ids.length, MAX_RESOURCES_PER_CALL);
  const docs =
    type === "securitypolicy"
      ? []
      : ctx.tx
          .all<Tagged & { RegionId: string }>(collectionOf(type))
          .filter((d) => d.RegionId === ctx.regionId)
          .map((d) => ({ id: idOf(type, d), doc: d }))
          .filter(({ id, doc }) => wantedOrAny(ids, id) && hasTags(doc.Tags, want));
  const rows = docs
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .flatMap(({ id, doc }) =>
      doc.Tags.map((t) => ({ ResourceId: id, ResourceType: type, TagKey: t.Key, TagValue: t.Value })),
    );
  const { TotalCount: _t, ...page } = listPage(ctx, "TagResources", rows, (r) => r);
  void _t;
  return page;
}

function idOf(type: ResourceType, d: Doc): string {
  if (type === "loadbalancer") return (d as LbDoc).LoadBalancerId;
  if (type === "servergroup") return (d as SgDoc).ServerGroupId;
  return (d as AclDoc).AclId;
}

export const tagHandlers: HandlerEntry[] = [
  ["TagResources", true, tagResources],
  ["UnTagResources", true, unTagResources],
  ["ListTagResources", false, listTagResources],
];
