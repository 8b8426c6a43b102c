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
export const ACL = "alb.acl";

const LB_ID = /^alb-[a-z0-9]{8,40}$/;
export const ACL_ID = /^acl-[a-z0-9]{8,40}$/;
const LSR_ID = /^lsr-[a-z0-9]{8,40}$/;
const SGP_ID = /^sgp-[a-z0-9]{8,40}$/;
export const RULE_ID = /^rule-[a-z0-9]{8,40}$/;

type Tag = { Key: string; Value: string };

/** Stored ALB resources carry `_readyAtMs` (end of Provisioning) and `_configuringUntilMs` (end of Configuring). */
interface Timed {
  _readyAtMs: number;
  _configuringUntilMs?: number;
  _createdMs: number;
}

export interface LbDoc extends Doc, Timed {
  LoadBalancerId: string;
  LoadBalancerName: string;
  RegionId: string;
  VpcId: string;
  DeletionProtectionConfig: { Enabled: boolean; EnabledTime?: string };
  Tags: Tag[];
}

export interface ListenerCert {
  CertificateId: string;
  IsDefault: boolean;
}

export interface ListenerDoc extends Doc, Timed {
  ListenerId: string;
  LoadBalancerId: string;
  ListenerPort: number;
  ListenerProtocol: string;
  DefaultActions: Array<{
    Type: string;
    ForwardGroupConfig: { ServerGroupTuples: Array<{ ServerGroupId: string }> };
  }>;
  /** Default and additional server certificates (GetListenerAttribute shows the default one only). */
  _certificates: ListenerCert[];
  _acl?: { AclType: "White" | "Black"; AclIds: string[] };
  _stopped?: boolean;
}

export interface AclDoc extends Doc, Timed {
  AclId: string;
  AclName: string;
  RegionId: string;
  Tags: Tag[];
  _entries: Array<{ Entry: string; Description: string }>;
}

export interface ServerDoc extends Doc {
  ServerId: string;
  ServerType: string;
  ServerIp: string;
  Port: number;
  Weight: number;
  Description: string;
  _readyAtMs: number;
  /** What the server is until `_readyAtMs`: Adding (new) or Configuring (weight changed). */
  _pending?: "Adding" | "Configuring";
}

export interface SgDoc extends Doc {
  ServerGroupId: string;
  ServerGroupName: string;
  VpcId: string;
  RegionId: string;
  Tags: Tag[];
  _servers: ServerDoc[];
  _createdMs: number;
  _configuringUntilMs?: number;
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
  "HealthCheckInterval",
  "HealthCheckTimeout",
  "HealthCheckConnectPort",
  "HealthyThreshold",
  "UnhealthyThreshold",
  "CookieTimeout",
  "ConnectionDrainTimeout",
  "SlowStartDuration",
]);
const KEEP_STRING = new Set(["HttpCode"]); // the SDK models type HttpCode as a string
/** Objects whose leaves stay strings although their names are numeric elsewhere (the SDK models type them so). */
const STRING_OBJECTS = new Set(["RedirectConfig"]);
function normalize(t: Tree | string, key = "", parent = ""): unknown {
  if (typeof t === "string") {
    if (t === "true" || t === "false") return t === "true";
    if (STRING_OBJECTS.has(parent)) return t;
    if (NUMERIC_LEAVES.has(key) && !KEEP_STRING.has(key) && /^-?\d+$/.test(t)) return Number(t);
    return t;
  }
  const keys = Object.keys(t);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k)))
    return toList(t).map((c) => normalize(c, key, parent));
  return Object.fromEntries(keys.map((k) => [k, normalize(t[k], k, key)]));
}

/**
 * A structured parameter, sent flattened (`Rules.1.Priority=1`, both SDKs' repeated style) or as one JSON
 * string (`Rules=[{"Priority":1}]`, the JSON style some clients use for complex types): the same value either way.
 */
function structured(ctx: HandlerCtx, name: string): unknown {
  const t = ctx.p.tree()[name];
  if (t === undefined) return undefined;
  if (typeof t === "string" && /^\s*[[{]/.test(t)) {
    try {
      return jsonLeaves(JSON.parse(t) as unknown, name);
    } catch {
      throw Errors.invalidParam(name, "It is not valid JSON.");
    }
  }
  return normalize(t, name);
}

/** JSON values as the flattened form gives them: numbers where the API's leaves are numeric, the rest as sent. */
function jsonLeaves(v: unknown, key: string, parent = ""): unknown {
  if (Array.isArray(v)) return v.map((x) => jsonLeaves(x, key, parent));
  if (typeof v === "object" && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonLeaves(x, k, key)]));
  if (typeof v === "string") return normalize(v, key, parent);
  if (typeof v === "number" && STRING_OBJECTS.has(parent)) return String(v);
  return v;
}

export function obj(ctx: HandlerCtx, name: string): Record<string, unknown> | undefined {
  const v = structured(ctx, name);
  return v === undefined ? undefined : (v as Record<string, unknown>);
}

export function arr(ctx: HandlerCtx, name: string): Array<Record<string, unknown>> {
  const v = structured(ctx, name);
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]) as Array<Record<string, unknown>>;
}

export function status(readyAtMs: number, nowMs: number, pending: string, done: string): string {
  return nowMs < readyAtMs ? pending : done;
}

/** Provisioning until ready, Configuring while a change is being applied, else `settled`. */
export function timedStatus(doc: Partial<Timed>, nowMs: number, settled: string): string {
  if (nowMs < (doc._readyAtMs ?? 0)) return "Provisioning";
  if (nowMs < (doc._configuringUntilMs ?? 0)) return "Configuring";
  return settled;
}

export function lbStatus(lb: LbDoc, nowMs: number): string {
  return timedStatus(lb, nowMs, "Active");
}

export function listenerStatus(l: ListenerDoc, nowMs: number): string {
  return timedStatus(l, nowMs, l._stopped ? "Stopped" : "Running");
}

/**
 * A change to the instance or one of its listeners, rules, certificates or ACLs: refused while the instance is
 * Provisioning (IncorrectStatus.LoadBalancer) or another change is being applied (Conflict.Lock); otherwise the
 * instance is Configuring for `albConfiguringMs` from now. Returns the stored (updated) document.
 */
export function lockLb(ctx: HandlerCtx, lb: LbDoc): LbDoc {
  const st = lbStatus(lb, ctx.nowMs);
  if (st === "Provisioning") throw Errors.albIncorrectStatus("LoadBalancer", lb.LoadBalancerId, st);
  if (st === "Configuring") throw Errors.albLocked(lb.LoadBalancerId);
  const next = { ...lb, _configuringUntilMs: ctx.nowMs + ctx.transitions.albConfiguringMs };
  ctx.tx.put(LB, lb.LoadBalancerId, next);
  return next;
}

/** A change to a listener (or its rules, certificates, ACLs): its instance is locked first, then the listener. */
export function lockListener(ctx: HandlerCtx, l: ListenerDoc): ListenerDoc {
  const lb = ctx.tx.get<LbDoc>(LB, l.LoadBalancerId);
  if (lb) lockLb(ctx, lb);
  const st = listenerStatus(l, ctx.nowMs);
  if (st === "Provisioning" || st === "Configuring")
    throw Errors.albIncorrectStatus("Listener", l.ListenerId, st);
  const next = { ...l, _configuringUntilMs: ctx.nowMs + ctx.transitions.albConfiguringMs };
  ctx.tx.put(LISTENER, l.ListenerId, next);
  return next;
}

/** A change to a server group's servers or attributes: refused while the previous one is being applied. */
export function lockSg(ctx: HandlerCtx, g: SgDoc): SgDoc {
  if (ctx.nowMs < (g._configuringUntilMs ?? 0))
    throw Errors.albIncorrectStatus("ServerGroup", g.ServerGroupId, "Configuring");
  const next = { ...g, _configuringUntilMs: ctx.nowMs + ctx.transitions.albConfiguringMs };
  ctx.tx.put(SG, g.ServerGroupId, next);
  return next;
}

/** A list parameter (`Rules.N`, `Servers.N`…) of at most `max` entries per call, as the real API takes. */
export function checkBatch(name: string, count: number, max: number): void {
  if (count > max) throw Errors.albBatchLimit(name, max);
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
  kind: "LoadBalancer" | "Listener" | "ServerGroup" | "Rule" | "Acl",
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

export function getListener(ctx: HandlerCtx, id?: string): ListenerDoc {
  return getResource<ListenerDoc>(ctx, "Listener", LISTENER, LSR_ID, id);
}

export function getAcl(ctx: HandlerCtx, id?: string): AclDoc {
  return getResource<AclDoc>(ctx, "Acl", ACL, ACL_ID, id);
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
