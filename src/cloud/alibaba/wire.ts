// Helpers for the hand-written RPC wire types: request flattening (Tag.1.Key=…) and tolerant readers
// for response JSON (numbers sent as strings, XML-style wrappers, absent lists).

import type { Tag } from "../types";

export type WireScalar = string | number | boolean;
export type WireValue = WireScalar | undefined | null | WireValue[] | { [key: string]: WireValue };
export type WireParams = Record<string, WireValue>;
export type WireObject = Record<string, unknown>;

/**
 * Flattens nested params the way Alibaba RPC expects: arrays become `Name.1`, `Name.2` (1-based),
 * objects become `Name.Field`. Undefined/null are dropped (the API treats absent and empty
 * differently, so we never send empty strings we did not mean).
 */
export function flattenParams(
  params: WireParams,
  prefix = "",
  out: Record<string, string> = {},
): Record<string, string> {
  for (const [key, value] of Object.entries(params)) {
    flattenValue(prefix ? `${prefix}.${key}` : key, value, out);
  }
  return out;
}

function flattenValue(name: string, value: WireValue, out: Record<string, string>): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => flattenValue(`${name}.${i + 1}`, item, out));
  } else if (typeof value === "object") {
    flattenParams(value, name, out);
  } else {
    out[name] = String(value);
  }
}

export function isObject(v: unknown): v is WireObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads `obj[key]` as an object, or an empty one. */
export function obj(o: unknown, key: string): WireObject {
  const v = isObject(o) ? o[key] : undefined;
  return isObject(v) ? v : {};
}

/**
 * Reads a list that may be plain (`Listeners: [...]`) or XML-wrapped (`LoadBalancers: {LoadBalancer: [...]}`),
 * and tolerates a single object where a list was expected (an XML-to-JSON artefact).
 */
export function list(o: unknown, key: string, inner?: string): WireObject[] {
  let v = isObject(o) ? o[key] : undefined;
  if (inner !== undefined && isObject(v)) v = v[inner];
  if (v === undefined || v === null || v === "") return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.filter(isObject);
}

/** Same as `list`, for lists of strings (`Images: ["nginx"]`, `AclIds: {AclId: [...]}`). */
export function strList(o: unknown, key: string, inner?: string): string[] {
  let v = isObject(o) ? o[key] : undefined;
  if (inner !== undefined && isObject(v)) v = v[inner];
  if (v === undefined || v === null || v === "") return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.filter((x): x is string | number => typeof x === "string" || typeof x === "number").map(String);
}

export function str(o: unknown, key: string): string | undefined {
  const v = isObject(o) ? o[key] : undefined;
  if (typeof v === "string") return v === "" ? undefined : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

export function reqStr(o: unknown, key: string, fallback = ""): string {
  return str(o, key) ?? fallback;
}

export function num(o: unknown, key: string): number | undefined {
  const v = isObject(o) ? o[key] : undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

export function bool(o: unknown, key: string): boolean | undefined {
  const v = isObject(o) ? o[key] : undefined;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "on") return true;
  if (v === "false" || v === "off") return false;
  return undefined;
}

/** Narrows a wire string to one of the allowed values, else the fallback (never trusts the wire blindly). */
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T;
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined;
export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  fallback?: T,
): T | undefined {
  if (value === undefined) return fallback;
  const hit = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  return hit ?? fallback;
}

/** `Tag.N.Key`/`Tag.N.Value`; absent when there are none. */
export function tagsToWire(tags: readonly Tag[] | undefined): WireParams[] | undefined {
  return tags && tags.length > 0 ? tags.map((t) => ({ Key: t.key, Value: t.value })) : undefined;
}

/** `Tags.Tag[]{TagKey,TagValue}` (older actions) or `Tags[]{Key,Value}`; tags without a key are dropped. */
export function tagsFromWire(item: WireObject): Tag[] {
  const wrapped = list(item, "Tags", "Tag");
  const items = wrapped.length > 0 ? wrapped : list(item, "Tags");
  return items
    .map((t) => ({
      key: str(t, "TagKey") ?? str(t, "Key") ?? "",
      value: str(t, "TagValue") ?? str(t, "Value") ?? "",
    }))
    .filter((t) => t.key !== "");
}

/** Stops a server that never ends its paging from looping us forever. */
export const MAX_PAGES = 1_000;

/** Follows NextToken until the server stops returning one. */
export async function allPages<T>(
  fetch: (nextToken?: string) => Promise<{ items: T[]; nextToken?: string }>,
): Promise<T[]> {
  const out: T[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await fetch(nextToken);
    out.push(...res.items);
    nextToken = res.nextToken || undefined;
    if (!nextToken) break;
  }
  return out;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
