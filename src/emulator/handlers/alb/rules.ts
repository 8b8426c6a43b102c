// ALB emulator: forwarding rules of a listener (conditions and actions; create one or many, list, update,
// delete).
import type { HandlerCtx, HandlerEntry } from "../../core";
import { Errors } from "../../errors";
import type { Doc } from "../../store";
import { view, wantedOrAny } from "../common";
import {
  arr,
  checkGroupsExist,
  getLb,
  getListener,
  getResource,
  job,
  LISTENER,
  type ListenerDoc,
  listPage,
  requireLbReady,
  RULE,
  RULE_ID,
  type RuleDoc,
  status,
} from "./shared";

function getRule(ctx: HandlerCtx): RuleDoc {
  return getResource<RuleDoc>(ctx, "Rule", RULE, RULE_ID);
}

function parseRule(
  ctx: HandlerCtx,
  r: Record<string, unknown>,
  prefix: string,
  l: ListenerDoc,
  partial: boolean,
): Partial<RuleDoc> {
  const out: Partial<RuleDoc> = {};
  if (r.Priority !== undefined) {
    if (typeof r.Priority !== "number" || r.Priority < 1 || r.Priority > 10000)
      throw Errors.invalidParam(`${prefix}Priority`);
    out.Priority = r.Priority;
  } else if (!partial) throw Errors.missingParam(`${prefix}Priority`);
  if (typeof r.RuleName === "string") out.RuleName = r.RuleName;
  else if (!partial) throw Errors.missingParam(`${prefix}RuleName`);
  const conds = r.RuleConditions;
  if (conds !== undefined) {
    const list = (Array.isArray(conds) ? conds : [conds]) as Array<Record<string, unknown>>;
    list.forEach((c, i) => {
      if (typeof c.Type !== "string") throw Errors.missingParam(`${prefix}RuleConditions.${i + 1}.Type`);
    });
    out.RuleConditions = list;
  } else if (!partial) throw Errors.missingParam(`${prefix}RuleConditions`);
  const acts = r.RuleActions;
  if (acts !== undefined) {
    const list = (Array.isArray(acts) ? acts : [acts]) as Array<Record<string, unknown>>;
    list.forEach((a, i) => {
      if (typeof a.Type !== "string") throw Errors.missingParam(`${prefix}RuleActions.${i + 1}.Type`);
      if (typeof a.Order !== "number") throw Errors.missingParam(`${prefix}RuleActions.${i + 1}.Order`);
    });
    checkGroupsExist(ctx, list);
    out.RuleActions = list;
  } else if (!partial) throw Errors.missingParam(`${prefix}RuleActions`);
  if (out.Priority !== undefined) {
    const clash = ctx.tx
      .all<RuleDoc>(RULE)
      .some((x) => x.ListenerId === l.ListenerId && x.Priority === out.Priority && x.RuleId !== r.RuleId);
    if (clash) throw Errors.albPriorityConflict(out.Priority, l.ListenerId);
  }
  return out;
}

function putRule(
  ctx: HandlerCtx,
  l: ListenerDoc,
  fields: Partial<RuleDoc>,
  direction: string,
  tags: unknown,
): string {
  const id = ctx.ids.id("rule-", 18, false);
  const doc: RuleDoc = {
    RuleId: id,
    ListenerId: l.ListenerId,
    LoadBalancerId: l.LoadBalancerId,
    Priority: fields.Priority!,
    RuleName: fields.RuleName!,
    RuleConditions: fields.RuleConditions!,
    RuleActions: fields.RuleActions!,
    Direction: direction,
    Tags: tags,
    _readyAtMs: ctx.nowMs + ctx.transitions.albMs,
    _createdMs: ctx.nowMs,
  };
  ctx.tx.put(RULE, id, doc);
  return id;
}

function createRule(ctx: HandlerCtx): Doc {
  const l = getListener(ctx);
  requireLbReady(ctx, getLb(ctx, l.LoadBalancerId));
  const r: Record<string, unknown> = {
    Priority: ctx.p.int("Priority"),
    RuleName: ctx.p.str("RuleName"),
    RuleConditions: ctx.p.tree().RuleConditions === undefined ? undefined : arr(ctx, "RuleConditions"),
    RuleActions: ctx.p.tree().RuleActions === undefined ? undefined : arr(ctx, "RuleActions"),
  };
  const fields = parseRule(ctx, r, "", l, false);
  const id = putRule(ctx, l, fields, ctx.p.str("Direction") ?? "Request", ctx.p.tags());
  return { RuleId: id, JobId: job(ctx, "CreateRule", "rule", id, "Create") };
}

function createRules(ctx: HandlerCtx): Doc {
  const l = getListener(ctx);
  requireLbReady(ctx, getLb(ctx, l.LoadBalancerId));
  const rules = arr(ctx, "Rules");
  if (rules.length === 0) throw Errors.missingParam("Rules");
  const ids: Array<{ Priority: number; RuleId: string }> = [];
  rules.forEach((r, i) => {
    const fields = parseRule(ctx, r, `Rules.${i + 1}.`, l, false);
    const id = putRule(
      ctx,
      l,
      fields,
      typeof r.Direction === "string" ? r.Direction : "Request",
      r.Tag ?? [],
    );
    ids.push({ Priority: fields.Priority!, RuleId: id });
  });
  return {
    RuleIds: ids,
    JobId: job(ctx, "CreateRules", "rule", ids.map((x) => x.RuleId).join(","), "Create"),
  };
}

function listRules(ctx: HandlerCtx): Doc {
  const lsrIds = ctx.p.strList("ListenerIds");
  const lbIds = ctx.p.strList("LoadBalancerIds");
  const ids = ctx.p.strList("RuleIds");
  const direction = ctx.p.str("Direction");
  const all = ctx.tx
    .all<RuleDoc>(RULE)
    .filter(
      (r) =>
        wantedOrAny(lsrIds, r.ListenerId) &&
        wantedOrAny(lbIds, r.LoadBalancerId) &&
        wantedOrAny(ids, r.RuleId) &&
        (!direction || r.Direction === direction),
    )
    .sort((a, b) => a.Priority - b.Priority);
  return listPage(ctx, "Rules", all, (r) => ({
    ...view(r),
    RuleStatus: status(r._readyAtMs, ctx.nowMs, "Provisioning", "Available"),
  }));
}

function updateRuleAttribute(ctx: HandlerCtx): Doc {
  const rule = getRule(ctx);
  const l = ctx.tx.get<ListenerDoc>(LISTENER, rule.ListenerId)!;
  const r: Record<string, unknown> = {
    RuleId: rule.RuleId,
    Priority: ctx.p.int("Priority"),
    RuleName: ctx.p.str("RuleName"),
    RuleConditions: ctx.p.tree().RuleConditions === undefined ? undefined : arr(ctx, "RuleConditions"),
    RuleActions: ctx.p.tree().RuleActions === undefined ? undefined : arr(ctx, "RuleActions"),
  };
  const fields = parseRule(ctx, r, "", l, true);
  ctx.tx.put(RULE, rule.RuleId, { ...rule, ...fields });
  return { JobId: job(ctx, "UpdateRuleAttribute", "rule", rule.RuleId, "Update") };
}

function deleteRule(ctx: HandlerCtx): Doc {
  const r = getRule(ctx);
  ctx.tx.del(RULE, r.RuleId);
  return { JobId: job(ctx, "DeleteRule", "rule", r.RuleId, "Delete") };
}

export const ruleHandlers: HandlerEntry[] = [
  ["CreateRule", true, createRule],
  ["CreateRules", true, createRules],
  ["ListRules", false, listRules],
  ["UpdateRuleAttribute", true, updateRuleAttribute],
  ["DeleteRule", true, deleteRule],
];
