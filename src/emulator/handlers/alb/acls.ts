// ALB emulator: access control lists (create, list, entries add/remove/list, delete while unused). Listeners bind
// them with AssociateAclsWithListener (listeners.ts).
import { isoSeconds, type HandlerCtx, type HandlerEntry } from "../../core";
import { Errors } from "../../errors";
import type { Doc } from "../../store";
import { view, wantedOrAny } from "../common";
import {
  ACL,
  type AclDoc,
  arr,
  checkBatch,
  getAcl,
  hasTags,
  job,
  LISTENER,
  type ListenerDoc,
  listPage,
} from "./shared";

/** AddEntriesToAcl / RemoveEntriesFromAcl take at most 20 entries per call; an ACL holds at most 1000. */
const MAX_ENTRIES_PER_CALL = 20;
const MAX_ENTRIES_PER_ACL = 1_000;
const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;

function aclView(ctx: HandlerCtx, a: AclDoc): Doc {
  return {
    ...view(a),
    AclStatus: ctx.nowMs < (a._configuringUntilMs ?? 0) ? "Configuring" : "Available",
    AddressIPVersion: "IPv4",
    ConfigManagedEnabled: false,
  };
}

/** An ACL's entries cannot change while the previous change is being applied. */
function lockAcl(ctx: HandlerCtx, a: AclDoc): AclDoc {
  if (ctx.nowMs < (a._configuringUntilMs ?? 0))
    throw Errors.albIncorrectStatus("Acl", a.AclId, "Configuring");
  return { ...a, _configuringUntilMs: ctx.nowMs + ctx.transitions.albConfiguringMs };
}

function createAcl(ctx: HandlerCtx): Doc {
  const name = ctx.p.req("AclName");
  if (!/^[A-Za-z\u4e00-\u9fa5][\w.\-\u4e00-\u9fa5]{1,127}$/.test(name))
    throw Errors.invalidParam(
      "AclName",
      "2 to 128 characters: letters, digits, '.', '_' and '-', starting with a letter.",
    );
  if (
    ctx.tx.all<AclDoc>(ACL).filter((a) => a.RegionId === ctx.regionId).length >= ctx.quotas.albAclsPerAccount
  )
    throw Errors.albQuotaOf("AclsNum", ctx.quotas.albAclsPerAccount);
  const id = ctx.ids.id("acl-", 18, false);
  const doc: AclDoc = {
    AclId: id,
    AclName: name,
    RegionId: ctx.regionId,
    ResourceGroupId: ctx.p.str("ResourceGroupId") ?? "rg-default",
    CreateTime: isoSeconds(ctx.nowMs),
    Tags: ctx.p.tags(),
    _entries: [],
    _readyAtMs: ctx.nowMs,
    _createdMs: ctx.nowMs,
  };
  ctx.tx.put(ACL, id, doc);
  return { AclId: id, JobId: job(ctx, "CreateAcl", "acl", id, "Create") };
}

function listAcls(ctx: HandlerCtx): Doc {
  const ids = ctx.p.strList("AclIds");
  const names = ctx.p.strList("AclNames");
  const tags = ctx.p.tags();
  const all = ctx.tx
    .all<AclDoc>(ACL)
    .filter(
      (a) =>
        a.RegionId === ctx.regionId &&
        wantedOrAny(ids, a.AclId) &&
        wantedOrAny(names, a.AclName) &&
        hasTags(a.Tags, tags),
    )
    .sort((a, b) => a._createdMs - b._createdMs);
  return listPage(ctx, "Acls", all, (a) => aclView(ctx, a));
}

function listAclEntries(ctx: HandlerCtx): Doc {
  const a = getAcl(ctx);
  return listPage(ctx, "AclEntries", a._entries, (e) => ({ ...e, Status: "Available" }));
}

function addEntries(ctx: HandlerCtx): Doc {
  const current = getAcl(ctx);
  const entries = arr(ctx, "AclEntries");
  if (entries.length === 0) throw Errors.missingParam("AclEntries");
  checkBatch("AclEntries", entries.length, MAX_ENTRIES_PER_CALL);
  const add = entries.map((e, i) => {
    const entry = typeof e.Entry === "string" ? e.Entry : undefined;
    if (!entry) throw Errors.missingParam(`AclEntries.${i + 1}.Entry`);
    if (!IPV4_CIDR.test(entry)) throw Errors.invalidParam(`AclEntries.${i + 1}.Entry`, "An IPv4 CIDR block.");
    if (current._entries.some((x) => x.Entry === entry))
      throw Errors.invalidParam(`AclEntries.${i + 1}.Entry`, `${entry} is already in the ACL.`); // code unverified
    return { Entry: entry, Description: typeof e.Description === "string" ? e.Description : "" };
  });
  if (current._entries.length + add.length > MAX_ENTRIES_PER_ACL)
    throw Errors.albQuotaOf("AclsNum", MAX_ENTRIES_PER_ACL);
  const a = lockAcl(ctx, current);
  ctx.tx.put(ACL, a.AclId, { ...a, _entries: [...a._entries, ...add] });
  return { JobId: job(ctx, "AddEntriesToAcl", "acl", a.AclId, "Update") };
}

function removeEntries(ctx: HandlerCtx): Doc {
  const current = getAcl(ctx);
  const gone = ctx.p.strList("Entries");
  if (gone.length === 0) throw Errors.missingParam("Entries");
  checkBatch("Entries", gone.length, MAX_ENTRIES_PER_CALL);
  const a = lockAcl(ctx, current);
  ctx.tx.put(ACL, a.AclId, { ...a, _entries: a._entries.filter((e) => !gone.includes(e.Entry)) });
  return { JobId: job(ctx, "RemoveEntriesFromAcl", "acl", a.AclId, "Update") };
}

function deleteAcl(ctx: HandlerCtx): Doc {
  const a = getAcl(ctx);
  if (ctx.tx.all<ListenerDoc>(LISTENER).some((l) => l._acl?.AclIds.includes(a.AclId)))
    throw Errors.albInUse("Acl", a.AclId);
  ctx.tx.del(ACL, a.AclId);
  return { JobId: job(ctx, "DeleteAcl", "acl", a.AclId, "Delete") };
}

export const aclHandlers: HandlerEntry[] = [
  ["CreateAcl", true, createAcl],
  ["ListAcls", false, listAcls],
  ["ListAclEntries", false, listAclEntries],
  ["AddEntriesToAcl", true, addEntries],
  ["RemoveEntriesFromAcl", true, removeEntries],
  ["DeleteAcl", true, deleteAcl],
];
