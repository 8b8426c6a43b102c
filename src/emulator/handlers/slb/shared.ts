// SLB (CLB) 2014-05-15 emulator: the collections, id formats, stored document shapes and lookups that
// every SLB handler section shares. No handlers here (those are in the section files; index.ts lists them).
import type { HandlerCtx, Params } from "../../core";
import { Errors } from "../../errors";
import type { Doc, Tx } from "../../store";
import { checkId, ciStr, COLLECTIONS, isObject, type TagDoc } from "../common";

export const LB = COLLECTIONS.slbLb;
export const LISTENER = "slb.listener";
export const VSG = "slb.vsg";
export const TAG = "slb.tag";
export const CERT = "slb.cert";
export const DOMAIN_EXT = "slb.domainExt";
export const ACL = "slb.acl";
export const ACL_ID = /^acl-[a-z0-9]{6,40}$/;

export const LB_ID = /^lb-[a-z0-9]{8,40}$/;
export const VSG_ID = /^rsp-[a-z0-9]{6,40}$/;

export type Proto = "tcp" | "udp" | "http" | "https";
export const PROTOS: readonly Proto[] = ["tcp", "udp", "http", "https"];

export interface LbDoc extends Doc {
  LoadBalancerId: string;
  RegionId: string;
  LoadBalancerName: string;
  Address: string;
  AddressType: string;
  DeleteProtection: string;
  _createdMs: number;
}

export interface Backend extends Doc {
  ServerId: string;
  Port: number;
  Weight: number;
  Type: string;
  ServerIp?: string;
  Description?: string;
}

export interface VsgDoc extends Doc {
  VServerGroupId: string;
  VServerGroupName: string;
  LoadBalancerId: string;
  RegionId: string;
  BackendServers: Backend[];
}

export interface ListenerDoc extends Doc {
  LoadBalancerId: string;
  ListenerPort: number;
  ListenerProtocol: Proto;
  Status: "running" | "stopped";
  /** Every attribute the caller set, typed. */
  _attrs: Record<string, string | number>;
}

// ---------------------------------------------------------------- lookups

/** The ACL ids of a stored or sent `AclId` value: one id or a comma-separated list. */
export function aclIdsOf(value: string | number | undefined): string[] {
  if (typeof value !== "string") return [];
  return value
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
}

export function getLb(ctx: HandlerCtx, id?: string): LbDoc {
  const lbId = checkId("LoadBalancerId", id ?? ctx.p.req("LoadBalancerId"), LB_ID);
  const lb = ctx.tx.get<LbDoc>(LB, lbId);
  if (!lb) throw Errors.slbNotFound(lbId);
  return lb;
}

export const listenerKey = (lbId: string, proto: Proto, port: number): string => `${lbId}/${proto}/${port}`;

export function listenersOf(tx: Tx, lbId: string): ListenerDoc[] {
  return tx.all<ListenerDoc>(LISTENER).filter((l) => l.LoadBalancerId === lbId);
}

export function tagView(tags: TagDoc[]): { Tag: Array<{ TagKey: string; TagValue: string }> } {
  return { Tag: tags.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })) };
}

/** Legacy `Tags='[{"TagKey":"k","TagValue":"v"}]'` parameter. */
export function legacyTags(p: Params, required: boolean): Array<{ Key: string; Value: string }> {
  const raw = p.json("Tags");
  if (raw === undefined) {
    if (required) throw Errors.missingParam("Tags");
    return [];
  }
  if (!Array.isArray(raw)) throw Errors.invalidParam("Tags", "It must be a JSON array.");
  return raw.map((t) => {
    if (!isObject(t)) throw Errors.invalidParam("Tags");
    const key = ciStr(t, "TagKey") ?? ciStr(t, "Key");
    if (!key) throw Errors.invalidParam("Tags", "TagKey is required.");
    return { Key: key, Value: ciStr(t, "TagValue") ?? ciStr(t, "Value") ?? "" };
  });
}
