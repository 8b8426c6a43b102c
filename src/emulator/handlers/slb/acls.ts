// SLB emulator: access control lists and their entries (create, describe, add/remove entries, rename,
// delete while unused). Listeners reference them through their AclId attribute.
import { type HandlerCtx, type HandlerEntry, isoSeconds } from "../../core";
import { Errors } from "../../errors";
import type { Doc, Tx } from "../../store";
import { checkId, ciStr, isObject, removeTags, setTags, tagsOf } from "../common";
import { ACL, ACL_ID, aclIdsOf, LISTENER, type ListenerDoc, TAG, tagView } from "./shared";

/** Per region; the real limit is account-configurable (unverified default). */
const ACLS_PER_REGION = 50;
const ENTRIES_PER_CALL = 50;

interface AclDoc extends Doc {
  AclId: string;
  AclName: string;
  AddressIPVersion: string;
  RegionId: string;
  AclEntrys: Array<{ AclEntryIP: string; AclEntryComment: string }>;
}

const CIDR = /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-fA-F:]+(\/\d{1,3})?)$/;

function getAcl(ctx: HandlerCtx): AclDoc {
  ctx.p.req("RegionId");
  const id = checkId("AclId", ctx.p.req("AclId"), ACL_ID);
  const a = ctx.tx.get<AclDoc>(ACL, id);
  if (!a) throw Errors.slbAclNotFound(id);
  return a;
}

/** `AclEntrys='[{"entry":"10.0.0.0/24","comment":"x"}]'` (keys case-insensitive). */
function parseAclEntries(ctx: HandlerCtx): Array<{ AclEntryIP: string; AclEntryComment: string }> {
  const raw = ctx.p.json("AclEntrys");
  if (raw === undefined) throw Errors.missingParam("AclEntrys");
  if (!Array.isArray(raw)) throw Errors.invalidParam("AclEntrys", "It must be a JSON array.");
  if (raw.length === 0) throw Errors.slbAclEntryEmpty();
  if (raw.length > ENTRIES_PER_CALL)
    throw Errors.invalidParam("AclEntrys", `At most ${ENTRIES_PER_CALL} entries per call.`);
  return raw.map((e) => {
    if (!isObject(e)) throw Errors.invalidParam("AclEntrys");
    const ip = ciStr(e, "entry") ?? ciStr(e, "AclEntryIP");
    if (!ip || !CIDR.test(ip)) throw Errors.invalidParam("AclEntrys", `Malformed entry "${ip ?? ""}".`);
    return { AclEntryIP: ip, AclEntryComment: ciStr(e, "comment") ?? ciStr(e, "AclEntryComment") ?? "" };
  });
}

function aclListeners(tx: Tx, aclId: string): ListenerDoc[] {
  return tx.all<ListenerDoc>(LISTENER).filter((l) => aclIdsOf(l._attrs.AclId).includes(aclId));
}

function createAcl(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const name = ctx.p.req("AclName");
  const inRegion = ctx.tx.all<AclDoc>(ACL).filter((a) => a.RegionId === ctx.regionId);
  if (inRegion.some((a) => a.AclName === name)) throw Errors.slbAclNameExists();
  if (inRegion.length >= ACLS_PER_REGION) throw Errors.slbAclQuota(ACLS_PER_REGION);
  const id = ctx.ids.id("acl-", 20, true);
  ctx.tx.put(ACL, id, {
    AclId: id,
    AclName: name,
    AddressIPVersion: ctx.p.oneOf("AddressIPVersion", ["ipv4", "ipv6"] as const, "ipv4")!,
    RegionId: ctx.regionId,
    ResourceGroupId: ctx.p.str("ResourceGroupId") ?? "rg-default",
    AclEntrys: [],
    CreateTime: isoSeconds(ctx.nowMs),
    _createdMs: ctx.nowMs,
  });
  setTags(ctx.tx, TAG, "acl", id, ctx.p.tags());
  return { AclId: id };
}

function describeAcls(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const name = ctx.p.str("AclName");
  const ipv = ctx.p.str("AddressIPVersion");
  const pageNumber = ctx.p.int("Page", { min: 1 }) ?? 1;
  const pageSize = ctx.p.int("PageSize", { min: 1, max: 100 }) ?? 50;
  const all = ctx.tx
    .all<AclDoc>(ACL)
    .filter(
      (a) =>
        a.RegionId === ctx.regionId && (!name || a.AclName === name) && (!ipv || a.AddressIPVersion === ipv),
    )
    .sort((a, b) => Number(a._createdMs) - Number(b._createdMs));
  const items = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map((a) => ({
    AclId: a.AclId,
    AclName: a.AclName,
    AddressIPVersion: a.AddressIPVersion,
    ResourceGroupId: a.ResourceGroupId,
    CreateTime: a.CreateTime,
    Tags: tagView(tagsOf(ctx.tx, TAG, a.AclId)),
  }));
  return {
    Acls: { Acl: items },
    TotalCount: all.length,
    Count: items.length,
    PageNumber: pageNumber,
    PageSize: pageSize,
  };
}

function describeAclAttribute(ctx: HandlerCtx): Doc {
  const a = getAcl(ctx);
  return {
    AclId: a.AclId,
    AclName: a.AclName,
    AddressIPVersion: a.AddressIPVersion,
    ResourceGroupId: a.ResourceGroupId,
    CreateTime: a.CreateTime,
    TotalAclEntry: a.AclEntrys.length,
    AclEntrys: { AclEntry: a.AclEntrys },
    RelatedListeners: {
      RelatedListener: aclListeners(ctx.tx, a.AclId).map((l) => ({
        LoadBalancerId: l.LoadBalancerId,
        ListenerPort: l.ListenerPort,
        Protocol: l.ListenerProtocol,
        AclType: l._attrs.AclType ?? "white",
      })),
    },
    Tags: tagView(tagsOf(ctx.tx, TAG, a.AclId)),
  };
}

function addAclEntries(ctx: HandlerCtx): Doc {
  const a = getAcl(ctx);
  const m = new Map(a.AclEntrys.map((e) => [e.AclEntryIP, e]));
  for (const e of parseAclEntries(ctx)) m.set(e.AclEntryIP, e);
  ctx.tx.put(ACL, a.AclId, { ...a, AclEntrys: [...m.values()] });
  return {};
}

function removeAclEntries(ctx: HandlerCtx): Doc {
  const a = getAcl(ctx);
  const gone = new Set(parseAclEntries(ctx).map((e) => e.AclEntryIP));
  ctx.tx.put(ACL, a.AclId, { ...a, AclEntrys: a.AclEntrys.filter((e) => !gone.has(e.AclEntryIP)) });
  return {};
}

function setAclAttribute(ctx: HandlerCtx): Doc {
  const a = getAcl(ctx);
  const name = ctx.p.req("AclName");
  if (
    ctx.tx
      .all<AclDoc>(ACL)
      .some((x) => x.RegionId === a.RegionId && x.AclName === name && x.AclId !== a.AclId)
  ) {
    throw Errors.slbAclNameExists();
  }
  ctx.tx.put(ACL, a.AclId, { ...a, AclName: name });
  return {};
}

function deleteAcl(ctx: HandlerCtx): Doc {
  const a = getAcl(ctx);
  if (aclListeners(ctx.tx, a.AclId).length > 0) throw Errors.slbAclInUse();
  ctx.tx.del(ACL, a.AclId);
  removeTags(ctx.tx, TAG, a.AclId);
  return {};
}

export const aclHandlers: HandlerEntry[] = [
  ["CreateAccessControlList", true, createAcl],
  ["DescribeAccessControlLists", false, describeAcls],
  ["DescribeAccessControlListAttribute", false, describeAclAttribute],
  ["AddAccessControlListEntry", true, addAclEntries],
  ["RemoveAccessControlListEntry", true, removeAclEntries],
  ["SetAccessControlListAttribute", true, setAclAttribute],
  ["DeleteAccessControlList", true, deleteAcl],
];
