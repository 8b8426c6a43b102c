// What the emulator's request log says about a call beyond its action and status (docs/emulator.md, Request
// log): the resource ids it named or returned, and for mutating calls its business parameters with secrets
// redacted, so a user reading `make dev`'s log can tell which request did what. Pure functions.
import { COMMON_PARAMS } from "./core";

export const REDACTED = "<redacted>";

/** Parameter names whose values are secrets (registry passwords, private keys, STS tokens). */
const SECRET_PARAM = /password|secret|privatekey|securitytoken|accesskey/i;
/** Long values (certificates, policies) are cut to this many characters. */
const MAX_VALUE_CHARS = 120;
/** Id-like names that are not resources. */
const NOT_RESOURCE_IDS = new Set([
  "RequestId",
  "RegionId",
  "AccessKeyId",
  "OwnerId",
  "ResourceOwnerId",
  "ResourceGroupId",
]);

/** `ImageRegistryCredential.1.Password` -> `Password`; `Tag.2.Key` -> `Key`; plain names unchanged. */
function leafName(name: string): string {
  const parts = name.split(".").filter((p) => !/^\d+$/.test(p));
  return parts[parts.length - 1] ?? name;
}

function isResourceIdName(name: string): boolean {
  const leaf = leafName(name);
  // Zones are places, not resources.
  return /(Id|Ids)$/.test(leaf) && !/ZoneIds?$/.test(leaf) && !NOT_RESOURCE_IDS.has(leaf);
}

/** Ids in a value: a JSON list (`["lb-1","lb-2"]`), a comma list, or one id. */
function idsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  if (typeof value !== "string" || value === "") return [];
  if (value.startsWith("[")) {
    try {
      return idsIn(JSON.parse(value) as unknown);
    } catch {
      return [value];
    }
  }
  return value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Resource ids the request named (`LoadBalancerId`, `ResourceId.1`, `VSwitchIds`) and the reply returned. */
export function resourceIds(params: Record<string, string>, reply: Record<string, unknown> = {}): string[] {
  const ids = new Set<string>();
  for (const [name, value] of Object.entries(params))
    if (isResourceIdName(name)) idsIn(value).forEach((i) => ids.add(i));
  for (const [name, value] of Object.entries(reply))
    if (isResourceIdName(name)) idsIn(value).forEach((i) => ids.add(i));
  return [...ids];
}

/** The business parameters of a call (signature and protocol parameters dropped), secrets redacted. */
export function loggedParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (COMMON_PARAMS.has(name) && name !== "ClientToken") continue;
    if (SECRET_PARAM.test(leafName(name))) out[name] = REDACTED;
    else out[name] = value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)}…` : value;
  }
  return out;
}
