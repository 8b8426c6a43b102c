// Which Ingresses are ALB Ingresses, which AlbConfig (group) each belongs to, the order of a group's members,
// and the pure rules that turn Ingress paths and TLS into ALB path patterns and listen ports
// (docs/alb-ingress.md §2, §3). Pure: no I/O; nothing throws on any object. The admission rules and the
// controller's model builder both use these, so they cannot disagree.
import type { V1HTTPIngressPath, V1IngressClass } from "@kubernetes/client-node";
import { ALB_INGRESS_DEFAULTS } from "../../src/config";
import {
  parseAlbIngressAnnotations,
  type AlbIngressConfig,
  type Ingress,
  type ListenPort,
} from "./annotations";
import { ALB_REGISTRY } from "./annotations/registry";

/** The legacy class annotation (before spec.ingressClassName). */
export const LEGACY_INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
export const ALBCONFIG_API_GROUP = "alibabacloud.com";
export const ALBCONFIG_KIND = "AlbConfig";

export type IngressClass = V1IngressClass;
/** Finds an IngressClass by name (a watch-fed store in admission and in the controller). */
export type IngressClassLookup = (name: string) => IngressClass | undefined;

// ---------------------------------------------------------------- small safe accessors

function recordOf(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function annotationsOf(obj: unknown): Record<string, unknown> {
  return recordOf(recordOf(recordOf(obj)?.metadata)?.annotations) ?? {};
}

function nameOf(obj: unknown): string {
  const n = recordOf(recordOf(obj)?.metadata)?.name;
  return typeof n === "string" ? n : "";
}

/** `namespace/name` of an Ingress, for messages and ordering. */
export function ingressRef(ing: unknown): string {
  const ns = recordOf(recordOf(ing)?.metadata)?.namespace;
  return `${typeof ns === "string" && ns ? ns : "default"}/${nameOf(ing) || "<unnamed>"}`;
}

// ---------------------------------------------------------------- class and group

/** The IngressClass is served by the ALB controller. */
export function isAlbIngressClass(ic: unknown): boolean {
  const controller = recordOf(recordOf(ic)?.spec)?.controller;
  return controller === ALB_INGRESS_DEFAULTS.ingressClassController;
}

export type AlbMembership =
  /** Not an ALB Ingress: admission lets it through, the controller ignores it. */
  | { ours: false; albConfig?: undefined; ingressClass?: undefined; error?: undefined }
  /** An ALB Ingress of AlbConfig `albConfig`; `ingressClass` is absent for the legacy annotation without an object. */
  | { ours: true; albConfig: string; ingressClass?: IngressClass; error?: undefined }
  /** An ALB Ingress whose group cannot be resolved. */
  | { ours: true; albConfig?: undefined; ingressClass?: IngressClass; error: string };

/**
 * Whether the Ingress is an ALB Ingress and which AlbConfig it belongs to:
 * `spec.ingressClassName` naming an ALB IngressClass, or (without it) the legacy class annotation equal
 * to `alb` or naming an ALB IngressClass. The group is the `albconfig.name` annotation, else the
 * IngressClass parameters; an IngressClass without parameters is an error; no IngressClass object at all
 * (legacy `alb`) is the `default` group.
 */
export function albMembership(ing: unknown, classes: IngressClassLookup): AlbMembership {
  const spec = recordOf(recordOf(ing)?.spec);
  const className = spec?.ingressClassName;
  let ingressClass: IngressClass | undefined;
  if (typeof className === "string" && className !== "") {
    ingressClass = classes(className);
    if (!ingressClass || !isAlbIngressClass(ingressClass)) return { ours: false };
  } else {
    const legacy = annotationsOf(ing)[LEGACY_INGRESS_CLASS_ANNOTATION];
    if (typeof legacy !== "string" || legacy === "") return { ours: false };
    const named = classes(legacy);
    if (named && isAlbIngressClass(named)) ingressClass = named;
    else if (legacy !== ALB_INGRESS_DEFAULTS.legacyIngressClass) return { ours: false };
  }
  const explicit = ALB_REGISTRY.parseOne(annotationsOf(ing), "albConfigName");
  if (explicit.present) {
    if ("error" in explicit) return { ours: true, ingressClass, error: explicit.error.message };
    return { ours: true, albConfig: explicit.value, ingressClass };
  }
  if (!ingressClass) return { ours: true, albConfig: ALB_INGRESS_DEFAULTS.legacyGroupName };
  const params = ingressClass.spec?.parameters;
  if (!params)
    return {
      ours: true,
      ingressClass,
      error: `albconfig must be referenced in IngressClass ${nameOf(ingressClass)}`,
    };
  if (params.kind !== ALBCONFIG_KIND || (params.apiGroup ?? "") !== ALBCONFIG_API_GROUP || !params.name)
    return {
      ours: true,
      ingressClass,
      error: `IngressClass ${nameOf(ingressClass)} parameters must reference an AlbConfig (apiGroup ${ALBCONFIG_API_GROUP}, kind ${ALBCONFIG_KIND}, a name); found apiGroup ${JSON.stringify(params.apiGroup ?? "")}, kind ${JSON.stringify(params.kind ?? "")}`,
    };
  return { ours: true, albConfig: params.name, ingressClass };
}

/** The AlbConfig an IngressClass points at, when it is an ALB class with AlbConfig parameters. */
export function albConfigOfIngressClass(ic: IngressClass): string | undefined {
  if (!isAlbIngressClass(ic)) return undefined;
  const p = ic.spec?.parameters;
  return p && p.kind === ALBCONFIG_KIND && (p.apiGroup ?? "") === ALBCONFIG_API_GROUP && p.name
    ? p.name
    : undefined;
}

// ---------------------------------------------------------------- member order

export interface GroupMember<T> {
  ingress: T;
  /** Effective order (10 when not set). */
  order: number;
  /** The order was given by an annotation. */
  explicit: boolean;
}

export interface ExplicitOrder {
  /** The order, or undefined when absent. */
  order?: number;
  /** The order annotation is present but not an integer within [1:1000]. */
  error?: string;
}

/** The `order` annotation (or its legacy `albconfig.order` spelling) of one Ingress. */
export function explicitOrderOf(ing: unknown): ExplicitOrder {
  const r = ALB_REGISTRY.parseOne(annotationsOf(ing), "order");
  if (!r.present) return {};
  if ("error" in r) {
    const { min, max } = ALB_INGRESS_DEFAULTS.order;
    return {
      error: `explicit Ingress group order must be within [${min}:${max}], Ingress: ${ingressRef(ing)}, ${r.error.message}`,
    };
  }
  return { order: r.value };
}

export function orderConflictMessage(order: number, first: unknown, second: unknown): string {
  return `conflict Ingress group order: ${order}, conflict ingress :${ingressRef(first)}, ${ingressRef(second)}`;
}

/**
 * The members of one group in rule order: by order (default 10), then by namespace/name. An explicit
 * order outside [1:1000], or one used twice, is an error (every one is reported, in member order).
 */
export function sortGroupMembers<T>(members: readonly T[]): { ordered: GroupMember<T>[]; errors: string[] } {
  const errors: string[] = [];
  const byOrder = new Map<number, T>();
  const list: GroupMember<T>[] = [];
  const sorted = [...members].sort((a, b) => cmp(ingressRef(a), ingressRef(b)));
  for (const ingress of sorted) {
    const { order, error } = explicitOrderOf(ingress);
    if (error) errors.push(error);
    if (order !== undefined) {
      const other = byOrder.get(order);
      if (other !== undefined) errors.push(orderConflictMessage(order, other, ingress));
      else byOrder.set(order, ingress);
    }
    list.push({ ingress, order: order ?? ALB_INGRESS_DEFAULTS.order.default, explicit: order !== undefined });
  }
  list.sort((a, b) => a.order - b.order || cmp(ingressRef(a.ingress), ingressRef(b.ingress)));
  return { ordered: list, errors };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------- paths

export type PathPatterns =
  | { patterns: string[]; error?: undefined }
  | { patterns?: undefined; error: string };

/**
 * ALB path patterns of one Ingress path. Exact and ImplementationSpecific (also the default) are used as
 * given; an Exact path may not contain `*` or `?`. Prefix `/` is `/*`; Prefix `/api/` is `/api` and
 * `/api/*`; with `rewrite-target` or `use-regex: "true"` a Prefix path is the regex `~*<path>`, else it
 * may not contain wildcards. An empty path has no pattern.
 */
export function pathPatterns(
  path: string | undefined,
  pathType: string | undefined,
  opts: { rewriteTarget?: string; useRegex?: boolean },
): PathPatterns {
  if (!path) return { patterns: [] };
  const type = pathType || "ImplementationSpecific";
  if (type === "ImplementationSpecific") return { patterns: [path] };
  if (type === "Exact") {
    if (/[*?]/.test(path)) return { error: `exact path shouldn't contain wildcards: ${path}` };
    return { patterns: [path] };
  }
  if (type !== "Prefix") return { error: `unsupported pathType: ${type}` };
  if (path === "/") return { patterns: ["/*"] };
  if (opts.rewriteTarget !== undefined || opts.useRegex === true) return { patterns: [`~*${path}`] };
  if (/[*?]/.test(path)) return { error: `prefix path shouldn't contain wildcards: ${path}` };
  const trimmed = path.endsWith("/") ? path.slice(0, -1) : path;
  return { patterns: [trimmed, `${trimmed}/*`] };
}

/** Patterns of one Ingress path with the Ingress's annotations. */
export function ingressPathPatterns(path: V1HTTPIngressPath, config: AlbIngressConfig): PathPatterns {
  return pathPatterns(path.path, path.pathType, {
    rewriteTarget: config.rewriteTarget,
    useRegex: config.useRegex,
  });
}

// ---------------------------------------------------------------- listen ports

/** The Ingress's `spec.tls` hosts. */
function tlsHosts(ing: Ingress): Set<string> {
  const out = new Set<string>();
  for (const tls of ing.spec?.tls ?? []) for (const h of tls.hosts ?? []) if (h) out.add(h);
  return out;
}

/**
 * The (protocol, port) pairs an Ingress's rules go on: HTTP 80 first with ssl-redirect; then the
 * `listen-ports` annotation, or without it HTTPS 443 when some TLS host is set, plus HTTP 80 when some rule
 * host has no TLS (only HTTP 80 when there is no TLS host). Duplicates are dropped; order is kept.
 */
export function ingressListenPorts(
  ing: Ingress,
  config: AlbIngressConfig = parseAlbIngressAnnotations(ing.metadata?.annotations).config,
): ListenPort[] {
  const out: ListenPort[] = [];
  if (config.sslRedirect === true) out.push({ protocol: "HTTP", port: 80 });
  if (config.listenPorts) out.push(...config.listenPorts);
  else {
    const tls = tlsHosts(ing);
    const has443 = tls.size > 0;
    const has80 = (ing.spec?.rules ?? []).some((r) => !!r.host && !tls.has(r.host));
    if (has443) {
      if (has80) out.push({ protocol: "HTTP", port: 80 });
      out.push({ protocol: "HTTPS", port: 443 });
    } else out.push({ protocol: "HTTP", port: 80 });
  }
  const seen = new Set<string>();
  return out.filter((p) => {
    const k = `${p.protocol}:${p.port}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Every (host, path) an Ingress routes, for canary sums and the model. `host` is "" for a rule without host;
 * `service` is the backend Service name ("" for a resource backend).
 */
export function ingressRoutes(
  ing: Ingress,
): Array<{ host: string; path: string; pathType: string; service: string; portName?: string }> {
  const out: Array<{ host: string; path: string; pathType: string; service: string; portName?: string }> = [];
  for (const rule of ing.spec?.rules ?? []) {
    for (const p of rule.http?.paths ?? []) {
      const route: { host: string; path: string; pathType: string; service: string; portName?: string } = {
        host: rule.host ?? "",
        path: p.path ?? "",
        pathType: p.pathType ?? "ImplementationSpecific",
        service: p.backend?.service?.name ?? "",
      };
      const portName = p.backend?.service?.port?.name;
      if (portName) route.portName = portName;
      out.push(route);
    }
  }
  return out;
}

// ---------------------------------------------------------------- group members from watch-fed stores

/** Name of the Ingress store index that files an Ingress under the AlbConfig references it makes. */
export const INGRESSES_BY_ALBCONFIG_REF = "albConfigRef";

/**
 * Index values of an Ingress: `name:<albconfig>` for the `albconfig.name` annotation, else `class:<name>`
 * for its IngressClass name (spec or legacy annotation). IngressClasses can change after the Ingress was
 * filed, so the index names only what the Ingress itself says; membersOfAlbConfig resolves classes at
 * lookup time.
 */
export function albConfigRefsOf(ing: unknown): string[] {
  const explicit = ALB_REGISTRY.rawValue(annotationsOf(ing), "albConfigName");
  if (explicit) return [`name:${explicit}`];
  const className = recordOf(recordOf(ing)?.spec)?.ingressClassName;
  if (typeof className === "string" && className) return [`class:${className}`];
  const legacy = annotationsOf(ing)[LEGACY_INGRESS_CLASS_ANNOTATION];
  return typeof legacy === "string" && legacy ? [`class:${legacy}`] : [];
}

/** What membersOfAlbConfig needs from the stores (src/k8s/stores.ts Store has it). */
export interface IngressIndex<T> {
  byIndex(index: string, value: string): T[];
}

/**
 * The Ingresses of AlbConfig `name`, without a LIST: those filed under `name:<name>`, and those filed under
 * a class that points at it (or, for the `default` group, the legacy `alb` class), each confirmed with
 * albMembership. Sorted by namespace/name.
 */
export function membersOfAlbConfig<T extends Ingress>(
  name: string,
  ingresses: IngressIndex<T>,
  classes: { list(): IngressClass[] },
  lookup: IngressClassLookup,
): T[] {
  const refs = new Set<string>([`name:${name}`]);
  for (const ic of classes.list()) if (albConfigOfIngressClass(ic) === name) refs.add(`class:${nameOf(ic)}`);
  if (name === ALB_INGRESS_DEFAULTS.legacyGroupName)
    refs.add(`class:${ALB_INGRESS_DEFAULTS.legacyIngressClass}`);
  const out = new Map<string, T>();
  for (const ref of refs)
    for (const ing of ingresses.byIndex(INGRESSES_BY_ALBCONFIG_REF, ref)) {
      const m = albMembership(ing, lookup);
      if (m.ours && m.albConfig === name) out.set(ingressRef(ing), ing);
    }
  return [...out.entries()].sort((a, b) => cmp(a[0], b[0])).map(([, ing]) => ing);
}
