// Shared handler plumbing: the handler table type and its one builder, typed parameter access over the
// flat `Key.N.Sub=value` wire format, ID generation, and the virtual clock.
import { API_VERSIONS } from "../config";
import { Errors } from "./errors";
import type { Doc, Tx } from "./store";

/** The emulated products (VPC and ECS: only what CLB backends and status need, handlers/vpc-ecs.ts). */
export type Product = keyof typeof API_VERSIONS;

const PRODUCTS = Object.keys(API_VERSIONS) as Product[];

/** API version -> product: requests are routed by their `Version` (API_VERSIONS in src/config.ts). */
export const VERSION_PRODUCT: Record<string, Product> = Object.fromEntries(
  PRODUCTS.map((product) => [API_VERSIONS[product], product]),
);

export interface Quotas {
  slbPerAccount: number;
  listenersPerSlb: number;
  backendsPerSlb: number;
  albPerAccount: number;
  listenersPerAlb: number;
  rulesPerAlb: number;
  serversPerServerGroup: number;
  albAclsPerAccount: number;
  imageCachesPerAccount: number;
  eipsPerAccount: number;
}

/** Durations of the asynchronous transitions, in virtual ms (docs/emulator.md, Virtual time). */
export interface Transitions {
  /** ALB instance/listener/rule/server/job: Provisioning|Adding|Processing → done. */
  albMs: number;
  /**
   * After a change, the ALB instance (listener, rule, certificate, ACL changes), the listener (its rules,
   * certificates, ACLs, attributes) and the server group (its servers) stay Configuring this long; other
   * changes to them meanwhile are refused (Conflict.Lock, IncorrectStatus.*), as the real API does.
   */
  albConfiguringMs: number;
  eciPreparingMs: number;
  eciCreatingMs: number;
  eciUpdatingMs: number;
}

export const DEFAULT_TRANSITIONS: Transitions = {
  albMs: 1_000,
  albConfiguringMs: 300,
  eciPreparingMs: 2_000,
  eciCreatingMs: 5_000,
  eciUpdatingMs: 5_000,
};

export interface HandlerCtx {
  p: Params;
  tx: Tx;
  /** Virtual now, in ms since the epoch (real time + clock offset). */
  nowMs: number;
  regionId: string;
  accountId: string;
  ids: IdGen;
  quotas: Quotas;
  transitions: Transitions;
  requestId: string;
}

export interface Handler {
  product: Product;
  version: string;
  action: string;
  /** Mutating actions honour ClientToken (and DryRun for ALB). */
  mutating: boolean;
  fn: (ctx: HandlerCtx) => Doc;
  /** The parameter names the action takes; without it every parameter reaches the handler. */
  params?: ParamSpec;
}

/** The parameters one action declares: wire spelling -> the name handlers read. */
export interface ParamSpec {
  action: string;
  accepted: ReadonlyMap<string, string>;
}

/** One row of a product's handler table: the action, whether it mutates, and what it does. */
export type HandlerEntry = [action: string, mutating: boolean, fn: (ctx: HandlerCtx) => Doc];

/** A product's handler table: every row gets the product and its API version from API_VERSIONS. */
export function productHandlers(product: Product, entries: readonly HandlerEntry[]): Handler[] {
  const version = API_VERSIONS[product];
  return entries.map(([action, mutating, fn]) => ({ product, version, action, mutating, fn }));
}

/** Parameters common to every request; excluded from the idempotency hash. */
export const COMMON_PARAMS = new Set([
  "Action",
  "Version",
  "AccessKeyId",
  "Signature",
  "SignatureMethod",
  "SignatureVersion",
  "SignatureNonce",
  "SignatureType",
  "Timestamp",
  "Format",
  "SecurityToken",
  "ClientToken",
]);

/**
 * Parameters the gateway takes on every action besides the declared ones: the common parameters (minus
 * ClientToken, which only some actions declare), RegionId (the Go SDK adds it to every request) and the owner
 * fields every Go SDK request struct carries.
 */
export const GATEWAY_PARAMS = new Set([
  ...[...COMMON_PARAMS].filter((name) => name !== "ClientToken"),
  "RegionId",
  "OwnerId",
  "OwnerAccount",
  "ResourceOwnerId",
  "ResourceOwnerAccount",
  "access_key_id",
]);

/**
 * What the handler of an action with a parameter table sees: declared parameters under the name it reads,
 * gateway parameters as sent; anything else is left out and named in `ignored`. The real gateway answers
 * undeclared parameters with no error and passes them on to nobody (docs/emulator.md, Parameter names).
 */
export function acceptParams(
  spec: ParamSpec,
  raw: Record<string, string>,
): { params: Record<string, string>; ignored: string[] } {
  const params: Record<string, string> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (GATEWAY_PARAMS.has(key)) {
      params[key] = value;
      continue;
    }
    const dot = key.indexOf(".");
    const top = dot < 0 ? key : key.slice(0, dot);
    const canonical = spec.accepted.get(top);
    if (canonical === undefined) {
      ignored.push(key);
      continue;
    }
    const name = canonical + (dot < 0 ? "" : key.slice(dot));
    // Both spellings of one parameter: the metadata's (the one that differs from the canonical) wins.
    if (name in params && top === canonical) continue;
    params[name] = value;
  }
  return { params, ignored: ignored.sort() };
}

type Tree = { [k: string]: Tree | string };

/** Read access to request parameters with Alibaba's validation errors. */
export class Params {
  private treeCache: Tree | undefined;
  constructor(readonly raw: Record<string, string>) {}

  /** Optional string; empty strings count as absent (the Go SDK omits empty fields anyway). */
  str(name: string): string | undefined {
    const v = this.raw[name];
    return v === undefined || v === "" ? undefined : v;
  }
  req(name: string): string {
    const v = this.str(name);
    if (v === undefined) throw Errors.missingParam(name);
    return v;
  }
  int(name: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw Errors.invalidParam(name, "It must be an integer.");
    if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
      throw Errors.invalidParam(name, `It must be within [${opts.min ?? "-inf"}, ${opts.max ?? "inf"}].`);
    }
    return n;
  }
  reqInt(name: string, opts: { min?: number; max?: number } = {}): number {
    const n = this.int(name, opts);
    if (n === undefined) throw Errors.missingParam(name);
    return n;
  }
  bool(name: string): boolean | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (/^true$/i.test(v)) return true;
    if (/^false$/i.test(v)) return false;
    throw Errors.invalidParam(name, "It must be true or false.");
  }
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T | undefined {
    const v = this.str(name);
    if (v === undefined) return fallback;
    // Alibaba compares most enums case-insensitively; answer with the canonical spelling.
    const hit = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
    if (!hit) throw Errors.invalidParam(name, `Allowed: ${allowed.join(", ")}.`);
    return hit;
  }
  reqOneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const v = this.oneOf(name, allowed);
    if (v === undefined) throw Errors.missingParam(name);
    return v;
  }
  /** JSON-string parameter (SLB `BackendServers`, legacy `Tags`). */
  json(name: string): unknown {
    const v = this.str(name);
    if (v === undefined) return undefined;
    try {
      return JSON.parse(v);
    } catch {
      throw Errors.invalidParam(name, "It is not valid JSON.");
    }
  }

  /** The nested view of `A.1.B=x` style keys. */
  tree(): Tree {
    if (this.treeCache) return this.treeCache;
    const root: Tree = {};
    for (const [k, v] of Object.entries(this.raw)) {
      const parts = k.split(".");
      let node: Tree = root;
      for (let i = 0; i < parts.length - 1; i++) {
        const seg = parts[i];
        const next = node[seg];
        if (typeof next === "object") node = next;
        else node = node[seg] = {};
      }
      const last = parts[parts.length - 1];
      if (typeof node[last] !== "object") node[last] = v;
    }
    return (this.treeCache = root);
  }

  /** A flattened list `Name.N[.Sub…]` as an ordered array (by N). Scalars come back as strings. */
  list(name: string): Array<Tree | string> {
    return toList(this.tree()[name]);
  }
  strList(name: string): string[] {
    return this.list(name).filter((x): x is string => typeof x === "string" && x !== "");
  }
  obj(name: string): Tree | undefined {
    const v = this.tree()[name];
    return typeof v === "object" ? v : undefined;
  }
  /** `Tag.N.Key/Value` pairs. */
  tags(name = "Tag"): Array<{ Key: string; Value: string }> {
    const out: Array<{ Key: string; Value: string }> = [];
    for (const t of this.list(name)) {
      if (typeof t !== "object") continue;
      const key = typeof t.Key === "string" ? t.Key : undefined;
      if (!key) throw Errors.invalidParam(`${name}.N.Key`);
      out.push({ Key: key, Value: typeof t.Value === "string" ? t.Value : "" });
    }
    return out;
  }
}

export function toList(v: Tree | string | undefined): Array<Tree | string> {
  if (v === undefined || typeof v === "string") return v === undefined ? [] : [v];
  return Object.keys(v)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => v[k]);
}

export function treeStr(t: Tree | string | undefined, key: string): string | undefined {
  if (typeof t !== "object") return undefined;
  const v = t[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

export type { Tree };

/** Deterministic PRNG (mulberry32) so a seeded emulator hands out reproducible IDs. */
export class IdGen {
  private state: number;
  constructor(
    seed: number,
    private readonly exists: (id: string) => boolean,
    /** Set per request (handlers are synchronous): IDs carry the code of the request's region. */
    public regionCode: string,
  ) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  base36(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += "0123456789abcdefghijklmnopqrstuvwxyz"[Math.floor(this.next() * 36)];
    return s;
  }
  /** `prefix` + optional region code + random base36; retried until unused. */
  id(prefix: string, len: number, withRegion: boolean): string {
    for (;;) {
      const body = withRegion
        ? this.regionCode + this.base36(len - this.regionCode.length)
        : this.base36(len);
      const id = prefix + body;
      if (!this.exists(id)) return id;
    }
  }
  uuid(): string {
    const h = Array.from({ length: 32 }, () => Math.floor(this.next() * 16).toString(16)).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`.toUpperCase();
  }
}

const REGION_CODES: Record<string, string> = {
  "cn-hangzhou": "bp1",
  "cn-beijing": "2ze",
  "cn-shanghai": "uf6",
  "cn-shenzhen": "wz9",
};

export function regionCode(regionId: string): string {
  const known = REGION_CODES[regionId];
  if (known) return known;
  let h = 0;
  for (const c of regionId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(36).padStart(3, "0").slice(0, 3);
}

/** ISO time without milliseconds, as Alibaba prints it (`2026-11-22T06:21:04Z`). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function matchesGlob(glob: string | undefined, value: string): boolean {
  if (glob === undefined || glob === "" || glob === "*") return true;
  const re = new RegExp(
    "^" +
      glob
        .split("*")
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*") +
      "$",
    "i",
  );
  return re.test(value);
}

/** Simple NextToken paging over an already-filtered list (token = start offset). */
export function page<T>(
  items: T[],
  nextToken: string | undefined,
  maxResults: number,
): { items: T[]; nextToken: string } {
  const start = nextToken ? Number(nextToken) : 0;
  if (!Number.isInteger(start) || start < 0) throw Errors.invalidParam("NextToken");
  const slice = items.slice(start, start + maxResults);
  const end = start + slice.length;
  return { items: slice, nextToken: end < items.length ? String(end) : "" };
}
