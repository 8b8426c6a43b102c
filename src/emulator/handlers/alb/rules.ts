// ALB emulator: forwarding rules of a listener (conditions and actions; create one or many, list, update,
// delete).
import type { HandlerCtx, HandlerEntry } from "../../core";
import { Errors } from "../../errors";
import type { Doc } from "../../store";
import { view, wantedOrAny } from "../common";
import {
  arr,
  checkBatch,
  checkGroupsExist,
  getListener,
  getResource,
  job,
  LISTENER,
  type ListenerDoc,
  listPage,
  lockListener,
  RULE,
  RULE_ID,
  type RuleDoc,
  timedStatus,
} from "./shared";

/** CreateRules and UpdateRulesAttribute take at most 10 rules per call, DeleteRules 100 rule ids. */
const MAX_RULES_PER_CALL = 10;
const MAX_RULE_IDS_PER_DELETE = 100;
const CONDITION_TYPES = [
  "Host",
  "Path",
  "Header",
  "QueryString",
  "Method",
  "Cookie",
  "SourceIp",
  "ResponseHeader",
  "ResponseStatusCode",
];
const ACTION_TYPES = [
  "ForwardGroup",
  "Redirect",
  "FixedResponse",
  "Rewrite",
  "InsertHeader",
  "RemoveHeader",
  "TrafficLimit",
  "TrafficMirror",
  "Cors",
];

function getRule(ctx: HandlerCtx, id?: string): RuleDoc {
  return getResource<RuleDoc>(ctx, "Rule", RULE, RULE_ID, id);
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
      if (!CONDITION_TYPES.includes(c.Type))
        throw Errors.invalidParam(
          `${prefix}RuleConditions.${i + 1}.Type`,
          `Allowed: ${CONDITION_TYPES.join(", ")}.`,
        );
    });
    out.RuleConditions = list;
  } else if (!partial) throw Errors.missingParam(`${prefix}RuleConditions`);
  const acts = r.RuleActions;
  if (acts !== undefined) {
    const list = (Array.isArray(acts) ? acts : [acts]) as Array<Record<string, unknown>>;
    list.forEach((a, i) => {
      if (typeof a.Type !== "string") throw Errors.missingParam(`${prefix}RuleActions.${i + 1}.Type`);
      if (typeof a.Order !== "number") throw Errors.missingParam(`${prefix}RuleActions.${i + 1}.Order`);
      if (!ACTION_TYPES.includes(a.Type))
        throw Errors.invalidParam(
          `${prefix}RuleActions.${i + 1}.Type`,
          `Allowed: ${ACTION_TYPES.join(", ")}.`,
        );
      if (a.Order < 1 || a.Order > 50000) throw Errors.invalidParam(`${prefix}RuleActions.${i + 1}.Order`);
    });
    checkGroupsExist(ctx, list);
    out.RuleActions = list;
  } else if (!partial) throw Errors.missingParam(`${prefix}RuleActions`);
  if (out.Priority !== undefined) {
    const clash = ctx.tx
      .all<RuleDoc>(RULE)
      .some((x) => x.ListenerId === l.ListenerId && x.Priority === out.Priority && x.RuleId !== r.RuleId);
    // A batch update may swap priorities: UpdateRulesAttribute checks the end state itself.
    if (clash && partial && prefix.startsWith("Rules.")) return out;
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

function checkRuleQuota(ctx: HandlerCtx, l: ListenerDoc, adding: number): void {
  const have = ctx.tx.all<RuleDoc>(RULE).filter((r) => r.LoadBalancerId === l.LoadBalancerId).length;
  if (have + adding > ctx.quotas.rulesPerAlb) throw Errors.albQuotaOf("RulesNum", ctx.quotas.rulesPerAlb);
}

function ruleFromParams(ctx: HandlerCtx, ruleId?: string): Record<string, unknown> {
  return {
    ...(ruleId ? { RuleId: ruleId } : {}),
    Priority: ctx.p.int("Priority"),
    RuleName: ctx.p.str("RuleName"),
    RuleConditions: ctx.p.tree().RuleConditions === undefined ? undefined : arr(ctx, "RuleConditions"),
    RuleActions: ctx.p.tree().RuleActions === undefined ? undefined : arr(ctx, "RuleActions"),
  };
}

function createRule(ctx: HandlerCtx): Doc {
  const current = getListener(ctx);
  const fields = parseRule(ctx, ruleFromParams(ctx), "", current, false);
  checkRuleQuota(ctx, current, 1);
  const l = lockListener(ctx, current);
  const id = putRule(ctx, l, fields, ctx.p.str("Direction") ?? "Request", ctx.p.tags());
  return { RuleId: id, JobId: job(ctx, "CreateRule", "rule", id, "Create") };
}

function createRules(ctx: HandlerCtx): Doc {
  const current = getListener(ctx);
  const rules = arr(ctx, "Rules");
  if (rules.length === 0) throw Errors.missingParam("Rules");
  checkBatch("Rules", rules.length, MAX_RULES_PER_CALL);
  const parsed = rules.map((r, i) => parseRule(ctx, r, `Rules.${i + 1}.`, current, false));
  const priorities = parsed.map((f) => f.Priority!);
  const dup = priorities.find((p, i) => priorities.indexOf(p) !== i);
  if (dup !== undefined) throw Errors.albPriorityConflict(dup, current.ListenerId);
  checkRuleQuota(ctx, current, rules.length);
  const l = lockListener(ctx, current);
  const ids = parsed.map((fields, i) => {
    const r = rules[i];
    const id = putRule(
      ctx,
      l,
      fields,
      typeof r.Direction === "string" ? r.Direction : "Request",
      r.Tag ?? [],
    );
    return { Priority: fields.Priority!, RuleId: id };
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
    RuleStatus: timedStatus(r, ctx.nowMs, "Available"),
  }));
}

function updateRuleAttribute(ctx: HandlerCtx): Doc {
  const rule = getRule(ctx);
  const current = ctx.tx.get<ListenerDoc>(LISTENER, rule.ListenerId)!;
  const fields = parseRule(ctx, ruleFromParams(ctx, rule.RuleId), "", current, true);
  lockListener(ctx, current);
  ctx.tx.put(RULE, rule.RuleId, { ...rule, ...fields });
  return { JobId: job(ctx, "UpdateRuleAttribute", "rule", rule.RuleId, "Update") };
}

function updateRulesAttribute(ctx: HandlerCtx): Doc {
  const entries = arr(ctx, "Rules");
  if (entries.length === 0) throw Errors.missingParam("Rules");
  checkBatch("Rules", entries.length, MAX_RULES_PER_CALL);
  const updates = entries.map((e, i) => {
    if (typeof e.RuleId !== "string") throw Errors.missingParam(`Rules.${i + 1}.RuleId`);
    const rule = getRule(ctx, e.RuleId);
    const l = ctx.tx.get<ListenerDoc>(LISTENER, rule.ListenerId)!;
    return { rule, l, fields: parseRule(ctx, e, `Rules.${i + 1}.`, l, true) };
  });
  // Priorities are checked against the listener as it will be after the whole batch.
  const after = new Map(ctx.tx.all<RuleDoc>(RULE).map((r) => [r.RuleId, r]));
  for (const u of updates) after.set(u.rule.RuleId, { ...u.rule, ...u.fields });
  const seen = new Set<string>();
  for (const r of after.values()) {
    const key = `${r.ListenerId}/${r.Priority}`;
    if (seen.has(key)) throw Errors.albPriorityConflict(r.Priority, r.ListenerId);
    seen.add(key);
  }
  for (const l of new Map(updates.map((u) => [u.l.ListenerId, u.l])).values()) lockListener(ctx, l);
  for (const u of updates) ctx.tx.put(RULE, u.rule.RuleId, { ...u.rule, ...u.fields });
  const ids = updates.map((u) => u.rule.RuleId).join(",");
  return { JobId: job(ctx, "UpdateRulesAttribute", "rule", ids, "Update") };
}

function deleteRule(ctx: HandlerCtx): Doc {
  const r = getRule(ctx);
  const l = ctx.tx.get<ListenerDoc>(LISTENER, r.ListenerId);
  if (l) lockListener(ctx, l);
  ctx.tx.del(RULE, r.RuleId);
  return { JobId: job(ctx, "DeleteRule", "rule", r.RuleId, "Delete") };
}

function deleteRules(ctx: HandlerCtx): Doc {
  const ids = ctx.p.strList("RuleIds");
  if (ids.length === 0) throw Errors.missingParam("RuleIds");
  checkBatch("RuleIds", ids.length, MAX_RULE_IDS_PER_DELETE);
  const rules = [...new Set(ids)].map((id) => getRule(ctx, id));
  const listeners = new Set(rules.map((r) => r.ListenerId));
  for (const id of listeners) {
    const l = ctx.tx.get<ListenerDoc>(LISTENER, id);
    if (l) lockListener(ctx, l);
  }
  for (const r of rules) ctx.tx.del(RULE, r.RuleId);
  return { JobId: job(ctx, "DeleteRules", "rule", rules.map((r) => r.RuleId).join(","), "Delete") };
}

export const ruleHandlers: HandlerEntry[] = [
  ["CreateRule", true, createRule],
  ["CreateRules", true, createRules],
  ["ListRules", false, listRules],
  ["UpdateRuleAttribute", true, updateRuleAttribute],
  ["UpdateRulesAttribute", true, updateRulesAttribute],
  ["DeleteRule", true, deleteRule],
  ["DeleteRules", true, deleteRules],
];
