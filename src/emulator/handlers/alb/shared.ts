// ALB 2020-06-16 emulator: the collections, id formats, stored document shapes and helpers (parameter trees,
// lazy statuses, asynchronous jobs, lookups) every ALB handler section shares. No handlers here.
import { type HandlerCtx, page, toList, type Tree } from "../../core";
import { Errors } from "../../errors";
import type { Doc } from "../../store";
import { checkId } from "../common";

export const LB = "alb.lb";
export const LISTENER = "alb.listener";
export const SG = "alb.sg";
export const RULE = "alb.rule";
export const JOB = "alb.job";

const LB_ID = /^alb-[a-z0-9]{8,40}$/;
const LSR_ID = /^lsr-[a-z0-9]{8,40}$/;
const SGP_ID = /^sgp-[a-z0-9]{8,40}$/;
export const RULE_ID = /^rule-[a-z0-9]{8,40}$/;

type Tag = { Key: string; Value: string };

export interface LbDoc extends Doc {
  LoadBalancerId: string;
  LoadBalancerName: string;
  RegionId: string;
  VpcId: string;
  DeletionProtectionConfig: { Enabled: boolean; EnabledTime?: string };
  Tags: Tag[];
  _readyAtMs: number;
  _createdMs: number;
}

export interface ListenerDoc extends Doc {
  ListenerId: string;
  LoadBalancerId: string;
  ListenerPort: number;
  ListenerProtocol: string;
  DefaultActions: Array<{
    Type: string;
    ForwardGroupConfig: { ServerGroupTuples: Array<{ ServerGroupId: string }> };
  }>;
  _readyAtMs: number;
  _createdMs: number;
}

export interface ServerDoc extends Doc {
  ServerId: string;
  ServerType: string;
  ServerIp: string;
  Port: number;
  Weight: number;
  Description: string;
  _readyAtMs: number;
}

export interface SgDoc extends Doc {
  ServerGroupId: string;
  ServerGroupName: string;
  VpcId: string;
  RegionId: string;
  Tags: Tag[];
  _servers: ServerDoc[];
  _createdMs: number;
}

export interface RuleDoc extends Doc {
  RuleId: string;
  ListenerId: string;
  LoadBalancerId: string;
  Priority: number;
  RuleName: string;
  RuleConditions: unknown[];
  RuleActions: Array<Record<string, unknown>>;
  _readyAtMs: number;
  _createdMs: number;
}

// ---------------------------------------------------------------- helpers

/** Turns the flattened tree into JSON: numbered children become arrays, numeric leaves numbers. */
const NUMERIC_LEAVES = new Set([
  "Order",
  "Priority",
  "Weight",
  "Port",
  "HttpCode",
  "MaxAge",
  "QPS",
  "PerIpQps",
  "Timeout",
]);
const KEEP_STRING = new Set(["HttpCode"]); // the SDK models type HttpCode as a string
function normalize(t: Tree | string, key = ""): unknown {
  if (typeof t === "string") {
    if (t === "true" || t === "false") return t === "true";
    if (NUMERIC_LEAVES.has(key) && !KEEP_STRING.has(key) && /^-?\d+$/.test(t)) return Number(t);
    return t;
  }
  const keys = Object.keys(t);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) return toList(t).map((c) => normalize(c, key));
  return Object.fromEntries(keys.map((k) => [k, normalize(t[k], k)]));
}

export function obj(ctx: HandlerCtx, name: string): Record<string, unknown> | undefined {
  const t = ctx.p.tree()[name];
  return t === undefined ? undefined : (normalize(t, name) as Record<string, unknown>);
}

export function arr(ctx: HandlerCtx, name: string): Array<Record<string, unknown>> {
  const t = ctx.p.tree()[name];
  if (t === undefined) return [];
  const v = normalize(t, name);
  return (Array.isArray(v) ? v : [v]) as Array<Record<string, unknown>>;
}

export function status(readyAtMs: number, nowMs: number, pending: string, done: string): string {
  return nowMs < readyAtMs ? pending : done;
}

export function job(
  ctx: HandlerCtx,
  apiName: string,
  resourceType: string,
  resourceId: string,
  operateType: string,
): string {
  const id = ctx.ids.uuid();
  ctx.tx.put(JOB, id, {
    Id: id,
    ApiName: apiName,
    ResourceType: resourceType,
    ResourceId: resourceId,
    OperateType: operateType,
    CreateTime: ctx.nowMs,
    _readyAtMs: ctx.nowMs + ctx.transitions.albMs,
  });
  return id;
}

/** The `kind` with this id (else the request's `<kind>Id` parameter): a malformed id is a 400, a missing one a 404. */
export function getResource<T extends Doc>(
  ctx: HandlerCtx,
  kind: "LoadBalancer" | "Listener" | "ServerGroup" | "Rule",
  coll: string,
  idFormat: RegExp,
  id?: string,
): T {
  const param = `${kind}Id`;
  const checked = checkId(param, id ?? ctx.p.req(param), idFormat);
  const doc = ctx.tx.get<T>(coll, checked);
  if (!doc) throw Errors.albNotFound(kind, checked);
  return doc;
}

export function getLb(ctx: HandlerCtx, id?: string): LbDoc {
  return getResource<LbDoc>(ctx, "LoadBalancer", LB, LB_ID, id);
}

/** Children of a load balancer cannot change while it is still provisioning. */
export function requireLbReady(ctx: HandlerCtx, lb: LbDoc): void {
  if (ctx.nowMs < lb._readyAtMs) {
    throw Errors.albIncorrectStatus(lb.LoadBalancerId, "Provisioning");
  }
}

export function getListener(ctx: HandlerCtx): ListenerDoc {
  return getResource<ListenerDoc>(ctx, "Listener", LISTENER, LSR_ID);
}

export function getSg(ctx: HandlerCtx, id?: string): SgDoc {
  return getResource<SgDoc>(ctx, "ServerGroup", SG, SGP_ID, id);
}

export function hasTags(have: Tag[], want: Tag[]): boolean {
  return want.every((w) => have.some((h) => h.Key === w.Key && (w.Value === "" || h.Value === w.Value)));
}

/** Server group ids referenced by actions (listener default actions and rule actions). */
export function referencedGroups(actions: Array<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const a of actions) {
    const fg = a.ForwardGroupConfig as { ServerGroupTuples?: Array<{ ServerGroupId?: string }> } | undefined;
    for (const t of fg?.ServerGroupTuples ?? []) if (t.ServerGroupId) out.push(t.ServerGroupId);
  }
  return out;
}

export function checkGroupsExist(ctx: HandlerCtx, actions: Array<Record<string, unknown>>): void {
  for (const id of referencedGroups(actions)) getSg(ctx, id);
}

/** A List* answer: the page of `all` that MaxResults and NextToken ask for, under `key`, with the totals. */
export function listPage<T>(ctx: HandlerCtx, key: string, all: T[], render: (item: T) => unknown): Doc {
  const maxResults = ctx.p.int("MaxResults", { min: 1, max: 100 }) ?? 20;
  const pg = page(all, ctx.p.str("NextToken"), maxResults);
  return {
    [key]: pg.items.map(render),
    TotalCount: all.length,
    MaxResults: maxResults,
    NextToken: pg.nextToken,
  };
}
