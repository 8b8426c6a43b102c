// Helpers shared by the product handlers: document views, case-insensitive JSON keys, tags.
import { EMULATOR_DEFAULTS } from "../../config";
import { Errors } from "../errors";
import type { Doc, Tx } from "../store";

/** The response view of a stored document: internal fields start with `_` and never leave. */
export function view(doc: Doc): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith("_")) out[k] = v;
  return out;
}

/** Case-insensitive key lookup: the Go CCM sends lower-case JSON keys, other clients PascalCase. */
export function ciGet(obj: Record<string, unknown>, key: string): unknown {
  const lk = key.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lk) return v;
  return undefined;
}

/** A JSON value that may be a number or a numeric string (Go's fuzzy decoders accept both). */
export function ciInt(obj: Record<string, unknown>, key: string, param: string): number | undefined {
  const v = ciGet(obj, key);
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw Errors.invalidParam(param, `${key} must be an integer.`);
  return n;
}

export function ciStr(obj: Record<string, unknown>, key: string): string | undefined {
  const v = ciGet(obj, key);
  if (v === undefined || v === null || v === "") return undefined;
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// ---- tags, one collection per product: id = `${resourceType}|${resourceId}|${key}`
export interface TagDoc extends Doc {
  ResourceType: string;
  ResourceId: string;
  TagKey: string;
  TagValue: string;
}

export function tagsOf(tx: Tx, coll: string, resourceId: string): TagDoc[] {
  return tx.all<TagDoc>(coll).filter((t) => t.ResourceId === resourceId);
}

export function setTags(
  tx: Tx,
  coll: string,
  resourceType: string,
  resourceId: string,
  tags: Array<{ Key: string; Value: string }>,
  maxPerResource = 20,
): void {
  for (const t of tags) {
    tx.put(coll, `${resourceType}|${resourceId}|${t.Key}`, {
      ResourceType: resourceType,
      ResourceId: resourceId,
      TagKey: t.Key,
      TagValue: t.Value,
    });
  }
  if (tagsOf(tx, coll, resourceId).length > maxPerResource) throw Errors.slbTooManyTags();
}

export function removeTags(tx: Tx, coll: string, resourceId: string, keys?: string[]): void {
  for (const t of tagsOf(tx, coll, resourceId)) {
    if (!keys || keys.includes(t.TagKey)) tx.del(coll, `${t.ResourceType}|${t.ResourceId}|${t.TagKey}`);
  }
}

/** True when the resource carries every tag in `want` (AND). An empty value matches any value. */
export function hasAllTags(have: TagDoc[], want: Array<{ Key: string; Value: string }>): boolean {
  return want.every((w) =>
    have.some((h) => h.TagKey === w.Key && (w.Value === "" || h.TagValue === w.Value)),
  );
}

/** The LoadBalancerIds of one product's load balancers (collection `coll`) in `regionId`. */
export function loadBalancerIdsIn(tx: Tx, coll: string, regionId: string): Set<string> {
  const lbs = tx.all<Doc & { RegionId: string; LoadBalancerId: string }>(coll);
  return new Set(lbs.filter((lb) => lb.RegionId === regionId).map((lb) => lb.LoadBalancerId));
}

/** The documents of `coll` (listeners, say) whose load balancer (collection `lbColl`) is in `regionId`. */
export function childrenOfLoadBalancersIn<T extends Doc & { LoadBalancerId: string }>(
  tx: Tx,
  lbColl: string,
  coll: string,
  regionId: string,
): T[] {
  const lbIds = loadBalancerIdsIn(tx, lbColl, regionId);
  return tx.all<T>(coll).filter((child) => lbIds.has(child.LoadBalancerId));
}

/** A list filter: true when `wanted` is empty (no filter) or holds `value`. */
export function wantedOrAny<T>(wanted: readonly T[], value: T): boolean {
  return wanted.length === 0 || wanted.includes(value);
}

export function checkId(param: string, value: string, re: RegExp): string {
  if (!re.test(value)) throw Errors.invalidParam(param, `Malformed id "${value}".`);
  return value;
}

export const VPC_ID = /^vpc-[a-z0-9]{6,40}$/;
export const VSW_ID = /^vsw-[a-z0-9]{6,40}$/;
export const INSTANCE_ID = /^i-[a-z0-9]{6,40}$/;

/** Collections shared across products (an EIP points at an SLB or an ENI). */
export const COLLECTIONS = { slbLb: "slb.lb", vpcEip: "vpc.eip", ecsEni: "ecs.eni" } as const;

/** The instance an EIP is bound to went away: the EIP becomes Available again (as the cloud does). */
export function unbindEips(tx: Tx, instanceType: string, instanceId: string): void {
  for (const e of tx.all<Doc>(COLLECTIONS.vpcEip)) {
    if (e.InstanceType !== instanceType || e.InstanceId !== instanceId) continue;
    tx.put(COLLECTIONS.vpcEip, String(e.AllocationId), {
      ...e,
      Status: "Available",
      InstanceId: "",
      InstanceType: "",
      InstanceRegionId: "",
      PrivateIpAddress: "",
    });
  }
}

/** A seeded vSwitch of the emulator's VPC (EMULATOR_DEFAULTS.vpc.vSwitches) with its full zone id, if `id` is one. */
export function seededVSwitch(
  regionId: string,
  id: string,
): { vSwitchId: string; zoneId: string; cidrBlock: string } | undefined {
  const v = EMULATOR_DEFAULTS.vpc.vSwitches.find((x) => x.vSwitchId === id);
  return v
    ? { vSwitchId: v.vSwitchId, zoneId: `${regionId}-${v.zoneId}`, cidrBlock: v.cidrBlock }
    : undefined;
}

/** Every seeded vSwitch of the region, with full zone ids. */
export function seededVSwitches(
  regionId: string,
): Array<{ vSwitchId: string; zoneId: string; cidrBlock: string }> {
  return EMULATOR_DEFAULTS.vpc.vSwitches.map((v) => ({
    vSwitchId: v.vSwitchId,
    zoneId: `${regionId}-${v.zoneId}`,
    cidrBlock: v.cidrBlock,
  }));
}
