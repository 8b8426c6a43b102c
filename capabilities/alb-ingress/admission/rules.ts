// Pure admission logic for AlbConfigs and ALB Ingresses (docs/alb-ingress.md §1.4, §3, §4.2): the AlbConfig
// defaults and every validation rule that spans fields or objects (per-key formats: ../annotations/). No I/O,
// no cloud calls; nothing throws on any input. The controller re-runs the same validators before it acts.
import type { AdmissionDecision } from "../../../src/admission/respond";
import { IPV4_PATTERN, quoteValue } from "../../../src/annotations/codec";
import { ALB_INGRESS_DEFAULTS } from "../../../src/config";
import {
  ALB_REGISTRY,
  FINAL_ACTION_TYPES,
  albAnnotationKey,
  parseAlbIngressAnnotations,
  type AlbIngressConfig,
  type Ingress,
} from "../annotations";
import { albConfigDefaultPatches, type DefaultPatch } from "../crd";
import {
  albMembership,
  explicitOrderOf,
  ingressRef,
  ingressRoutes,
  orderConflictMessage,
  pathPatterns,
  type AlbMembership,
  type IngressClassLookup,
} from "../group";

export type { AdmissionDecision };

// ---------------------------------------------------------------- small safe accessors

type Json = Record<string, unknown>;

function recordOf(v: unknown): Json | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
}

function strOf(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function show(v: unknown): string {
  return quoteValue(v);
}

function decision(errors: string[], warnings: string[] = []): AdmissionDecision {
  return { allowed: errors.length === 0, errors, warnings };
}

function sameIngress(a: unknown, b: unknown): boolean {
  const ma = recordOf(recordOf(a)?.metadata);
  const mb = recordOf(recordOf(b)?.metadata);
  const uidA = strOf(ma?.uid);
  const uidB = strOf(mb?.uid);
  if (uidA && uidB) return uidA === uidB;
  return ingressRef(a) === ingressRef(b);
}

// ================================================================= AlbConfig

/** The JSON patches the mutating webhook adds to an AlbConfig (docs/alb-ingress.md §1.2). */
export function mutateAlbConfig(obj: unknown): DefaultPatch[] {
  try {
    return albConfigDefaultPatches(obj);
  } catch {
    return []; // a hostile object: validation reports what is wrong with it
  }
}

const ENUMS: ReadonlyArray<[string, readonly string[]]> = [
  ["addressAllocatedMode", ["Dynamic", "Fixed"]],
  ["addressType", ["Internet", "Intranet"]],
  ["ipv6AddressType", ["Internet", "Intranet"]],
  ["addressIpVersion", ["IPv4", "DualStack"]],
  ["edition", ["Standard", "StandardWithWaf", "Basic"]],
];

const CIDR = /^([0-9.]+)\/([0-9]|[12][0-9]|3[0-2])$/;

/** An IPv4 CIDR such as 10.0.0.0/8 (a bare address is not a CIDR). */
export function isIpv4Cidr(s: string): boolean {
  const m = CIDR.exec(s);
  return !!m && IPV4_PATTERN.test(m[1]);
}

/** A listener port as written (number or digit string), or undefined when it is not one. */
export function listenerPortOf(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isInteger(v) ? v : undefined;
  if (typeof v === "string" && /^[0-9]{1,5}$/.test(v)) return Number(v);
  return undefined;
}

/**
 * Every rule of an AlbConfig's spec that one object decides (docs/alb-ingress.md §1.4): config present,
 * zone mappings, enums, listener ports and protocols, default certificate, ACLs, access log. Messages name
 * the field, the value and what is allowed.
 */
export function validateAlbConfigSpec(obj: unknown): string[] {
  const errors: string[] = [];
  const spec = recordOf(recordOf(obj)?.spec);
  const config = recordOf(spec?.config);
  if (!config) return ["spec.config: is required (does not exist albconfig.spec.config)"];
  const id = strOf(config.id);
  for (const [field, allowed] of ENUMS) {
    const v = config[field];
    if (v !== undefined && !allowed.includes(v as string))
      errors.push(`spec.config.${field}: ${show(v)} is not allowed; allowed ${allowed.join(", ")}`);
  }
  // zone mappings
  const zones = config.zoneMappings;
  if (zones !== undefined && !Array.isArray(zones)) errors.push("spec.config.zoneMappings: must be a list");
  else if (Array.isArray(zones) && id === "") {
    if (zones.length === 1)
      errors.push(
        "spec.config.zoneMappings: has 1 vSwitch; a new ALB needs at least two zones (list vSwitches in two or more different zones, or none to let the controller discover them)",
      );
    const seen = new Set<string>();
    zones.forEach((z, i) => {
      const vsw = strOf(recordOf(z)?.vSwitchId);
      if (!vsw) errors.push(`spec.config.zoneMappings[${i}].vSwitchId: is required`);
      else if (seen.has(vsw))
        errors.push(
          `spec.config.zoneMappings[${i}].vSwitchId: ${show(vsw)} is listed twice; allowed each vSwitch once`,
        );
      seen.add(vsw);
    });
  }
  // access log
  const log = recordOf(config.accessLogConfig);
  if (log) {
    const store = log.logStore;
    if (store !== undefined && store !== "") {
      if (!strOf(log.logProject))
        errors.push(
          `spec.config.accessLogConfig.logProject: is required when logStore is set (logStore ${show(store)})`,
        );
      if (!strOf(store).startsWith(ALB_INGRESS_DEFAULTS.logStorePrefix))
        errors.push(
          `spec.config.accessLogConfig.logStore: ${show(store)} is not allowed; allowed a name starting with ${ALB_INGRESS_DEFAULTS.logStorePrefix}`,
        );
    }
  }
  // listeners
  const listeners = spec?.listeners;
  if (listeners !== undefined && !Array.isArray(listeners)) errors.push("spec.listeners: must be a list");
  const portsSeen = new Map<number, number>();
  (Array.isArray(listeners) ? listeners : []).forEach((raw, i) => {
    const at = `spec.listeners[${i}]`;
    const l = recordOf(raw);
    if (!l) return void errors.push(`${at}: must be an object`);
    const port = listenerPortOf(l.port);
    if (port === undefined || port < 1 || port > 65535)
      errors.push(`${at}.port: ${show(l.port ?? "<missing>")} is not allowed; allowed an integer 1-65535`);
    else if (portsSeen.has(port))
      errors.push(
        `${at}.port: ${port} is already used by spec.listeners[${portsSeen.get(port)}]; allowed each port once`,
      );
    else portsSeen.set(port, i);
    const protocol = l.protocol;
    if (!["HTTP", "HTTPS", "QUIC"].includes(protocol as string))
      errors.push(
        `${at}.protocol: ${show(protocol ?? "<missing>")} is not allowed; allowed HTTP, HTTPS, QUIC`,
      );
    const certs = l.certificates;
    if (Array.isArray(certs) && certs.length > 0) {
      if (protocol === "HTTPS") {
        const defaults = certs.filter((c) => recordOf(c)?.IsDefault === true).length;
        if (defaults !== 1)
          errors.push(
            `${at}.certificates: ${defaults} certificates have IsDefault true; https listener: ${port ?? show(l.port)} must provider one default cert (exactly one IsDefault: true)`,
          );
      }
      certs.forEach((c, j) => {
        if (!strOf(recordOf(c)?.CertificateId))
          errors.push(`${at}.certificates[${j}].CertificateId: is required`);
      });
    }
    const acl = recordOf(l.aclConfig);
    if (acl) {
      const ids = Array.isArray(acl.aclIds) ? acl.aclIds : [];
      const entries = Array.isArray(acl.aclEntries) ? acl.aclEntries : [];
      if (ids.length > 0 && entries.length > 0)
        errors.push(
          `${at}.aclConfig: aclEntry and aclIds cannot use together; set either aclIds or aclEntries`,
        );
      entries.forEach((e, j) => {
        if (typeof e !== "string" || !isIpv4Cidr(e))
          errors.push(
            `${at}.aclConfig.aclEntries[${j}]: ${show(e)} is not an IPv4 CIDR; allowed e.g. 10.0.0.0/8`,
          );
      });
      if (acl.aclType !== undefined && !["", "White", "Black"].includes(acl.aclType as string))
        errors.push(`${at}.aclConfig.aclType: ${show(acl.aclType)} is not allowed; allowed White, Black`);
    }
  });
  return errors;
}

const IMMUTABLE_CONFIG_FIELDS = ["id", "addressType", "addressIpVersion"] as const;

export interface AlbConfigValidationInput {
  albConfig: unknown;
  oldAlbConfig?: unknown;
  operation: "CREATE" | "UPDATE" | "DELETE";
  /** The Ingresses of this AlbConfig (DELETE only; from the watch-fed store). */
  members?: readonly unknown[];
}

/** The validating webhook's decision on an AlbConfig. Never throws. */
export function validateAlbConfig(input: AlbConfigValidationInput): AdmissionDecision {
  try {
    const name = strOf(recordOf(recordOf(input.albConfig)?.metadata)?.name);
    if (input.operation === "DELETE") {
      const members = input.members ?? [];
      if (members.length === 0) return decision([]);
      const refs = members.map(ingressRef).sort();
      const shown = refs.slice(0, 10).join(", ") + (refs.length > 10 ? `, … (${refs.length} in all)` : "");
      return decision([
        `AlbConfig ${name} still has ${refs.length} Ingress${refs.length === 1 ? "" : "es"} (${shown}); delete them (or move them to another AlbConfig) first`,
      ]);
    }
    if (recordOf(recordOf(input.albConfig)?.metadata)?.deletionTimestamp) return decision([]);
    // Metadata-only writes (the controller's finalizer, labels) of an object admitted before the webhook
    // existed are not judged: only a change of the spec is.
    if (
      input.operation === "UPDATE" &&
      input.oldAlbConfig &&
      JSON.stringify(recordOf(input.oldAlbConfig)?.spec ?? null) ===
        JSON.stringify(recordOf(input.albConfig)?.spec ?? null)
    )
      return decision([]);
    const errors = validateAlbConfigSpec(input.albConfig);
    if (input.operation === "UPDATE" && input.oldAlbConfig) {
      const before = recordOf(recordOf(recordOf(input.oldAlbConfig)?.spec)?.config) ?? {};
      const after = recordOf(recordOf(recordOf(input.albConfig)?.spec)?.config) ?? {};
      for (const f of IMMUTABLE_CONFIG_FIELDS) {
        const a = before[f] ?? "";
        const b = after[f] ?? "";
        if (a !== b)
          errors.push(
            `spec.config.${f}: ${show(b === "" ? "<unset>" : b)} is not allowed; the field is immutable (was ${show(a === "" ? "<unset>" : a)}); create a new AlbConfig instead`,
          );
      }
    }
    return decision(errors);
  } catch (e) {
    return decision([`the AlbConfig could not be checked: ${String(e)}`]);
  }
}

// ================================================================= Ingress

/** The annotation's canonical key, for messages. */
const key = albAnnotationKey;

/** Rules of one Ingress that need nothing but the Ingress and its parsed annotations (§4.2). */
export function validateIngressAnnotations(ing: Ingress, config: AlbIngressConfig): string[] {
  const errors: string[] = [];
  const routes = ingressRoutes(ing);
  const hasTls = (ing.spec?.tls ?? []).length > 0;
  // backend protocol vs TLS and listen ports
  if (config.backendProtocol === "grpc") {
    if (!hasTls)
      errors.push(
        `annotation ${key("backendProtocol")}: "grpc" is not allowed without spec.tls; add a TLS section (gRPC needs HTTPS)`,
      );
    for (const p of config.listenPorts ?? []) {
      const okRedirect = p.protocol === "HTTP" && p.port === 80 && config.sslRedirect === true;
      if (p.protocol !== "HTTPS" && !okRedirect)
        errors.push(
          `annotation ${key("listenPorts")}: ${p.protocol}:${p.port} is not allowed with ${key("backendProtocol")} "grpc"; allowed HTTPS ports only (HTTP 80 only with ssl-redirect)`,
        );
    }
  }
  // paths: pattern rules, rewrite capture groups and use-regex need Prefix
  for (const r of routes) {
    const res = pathPatterns(r.path, r.pathType, {
      rewriteTarget: config.rewriteTarget,
      useRegex: config.useRegex,
    });
    if (res.error) errors.push(`spec.rules host ${show(r.host)} path ${show(r.path)}: ${res.error}`);
  }
  if (config.rewriteTarget !== undefined && /\$\{?[0-9]/.test(config.rewriteTarget)) {
    const bad = routes.find((r) => r.pathType !== "Prefix");
    if (bad)
      errors.push(
        `annotation ${key("rewriteTarget")}: ${show(config.rewriteTarget)} uses capture groups, which need pathType Prefix; path ${show(bad.path)} is ${bad.pathType}`,
      );
  }
  if (config.useRegex === true) {
    const bad = routes.find((r) => r.pathType !== "Prefix");
    if (bad)
      errors.push(
        `annotation ${key("useRegex")}: "true" needs pathType Prefix; path ${show(bad.path)} is ${bad.pathType}`,
      );
  }
  // health check codes per protocol
  if (config.healthCheckHttpCodes) {
    const grpc = config.healthCheckProtocol === "GRPC";
    const bad = config.healthCheckHttpCodes.find((c) => c.startsWith("http_") === grpc);
    if (bad !== undefined)
      errors.push(
        `annotation ${key("healthCheckHttpCodes")}: ${show(bad)} is not allowed with health-check protocol ${config.healthCheckProtocol ?? "HTTP"}; allowed ${grpc ? "codes and ranges within 0-99" : "http_2xx, http_3xx, http_4xx, http_5xx"}`,
      );
  }
  // sessions and scheduler
  if (config.stickySession === true && config.stickySessionType === "Server" && config.cookie === undefined)
    errors.push(`annotation ${key("cookie")} is required because ${key("stickySessionType")} is "Server"`);
  if (config.backendScheduler === "uch" && config.backendSchedulerUchValue === undefined)
    errors.push(
      `annotation ${key("backendSchedulerUchValue")} is required because ${key("backendScheduler")} is "uch"`,
    );
  if (config.backendSchedulerUchValue !== undefined && config.backendScheduler !== "uch")
    errors.push(`annotation ${key("backendSchedulerUchValue")} needs ${key("backendScheduler")} "uch"`);
  // traffic limits
  if (
    config.trafficLimitQps !== undefined &&
    config.trafficLimitIpQps !== undefined &&
    config.trafficLimitIpQps >= config.trafficLimitQps
  )
    errors.push(
      `annotation ${key("trafficLimitIpQps")}: "${config.trafficLimitIpQps}" is not allowed; it must be less than ${key("trafficLimitQps")} (${config.trafficLimitQps})`,
    );
  const qpsSet = config.trafficLimitQps !== undefined || config.trafficLimitIpQps !== undefined;
  // canary
  if (config.canaryByHeaderValue !== undefined && config.canaryByHeader === undefined)
    errors.push(`annotation ${key("canaryByHeaderValue")} needs ${key("canaryByHeader")}`);
  if (config.canary === true && config.conditions && config.conditions.size > 0)
    errors.push(
      `${ingressRef(ing)} can't exist Canary and customize condition at the same time (${key("canary")} "true" with ${[...config.conditions.keys()].map((s) => key("conditions", s)).join(", ")})`,
    );
  const weightOnlyCanary =
    config.canary === true &&
    config.canaryWeight !== undefined &&
    config.canaryByHeader === undefined &&
    config.canaryByCookie === undefined;
  // custom actions, per backend Service
  for (const [svc, actions] of config.actions ?? []) {
    if (qpsSet && actions.some((a) => a.type === "TrafficLimit"))
      errors.push(
        `annotation ${key("actions", svc)}: a TrafficLimit action is not allowed together with ${key("trafficLimitQps")} or ${key("trafficLimitIpQps")}`,
      );
    const finals = actions.filter((a) => FINAL_ACTION_TYPES.includes(a.type));
    if (weightOnlyCanary && finals.some((a) => a.type === "ForwardGroup"))
      errors.push(
        `${ingressRef(ing)} can't exist CanaryWeight and annotation forwardAction at the same time (${key("actions", svc)})`,
      );
    if (finals.length === 0) continue;
    const implicit = routes.find((r) => r.service === svc && r.portName !== "use-annotation");
    if (implicit)
      errors.push(
        `annotation ${key("actions", svc)}: has a ${finals[0].type} action but path ${show(implicit.path)} also forwards to Service ${svc} (multi finalType action find); name the backend port "use-annotation" to use the action instead`,
      );
  }
  for (const r of routes)
    if (r.portName === "use-annotation" && !config.actions?.has(r.service))
      errors.push(
        `path ${show(r.path)}: backend port "use-annotation" needs annotation ${key("actions", r.service)} (a valid one) to say what the rule does`,
      );
  return errors;
}

/** Group members of the Ingress's AlbConfig other than itself (the store may still hold its old version). */
function others(ing: unknown, members: readonly unknown[]): unknown[] {
  return members.filter((m) => !sameIngress(m, ing));
}

/** The group-wide rules for one Ingress (§3.2, §4.2): its explicit order is unique; canary weights of a host+path sum to at most 100. */
export function validateIngressInGroup(
  ing: Ingress,
  config: AlbIngressConfig,
  members: readonly unknown[],
): string[] {
  const errors: string[] = [];
  const rest = others(ing, members);
  const own = explicitOrderOf(ing);
  if (own.order !== undefined) {
    const clash = rest
      .filter((m) => explicitOrderOf(m).order === own.order)
      .sort((a, b) => (ingressRef(a) < ingressRef(b) ? -1 : 1));
    if (clash.length > 0) errors.push(orderConflictMessage(own.order, clash[0], ing));
  }
  if (
    config.canary === true &&
    config.canaryWeight !== undefined &&
    config.canaryByHeader === undefined &&
    config.canaryByCookie === undefined
  ) {
    const mine = new Set(ingressRoutes(ing).map((r) => `${r.host}\u0000${r.path}`));
    const sums = new Map<string, number>([...mine].map((k) => [k, config.canaryWeight as number]));
    for (const m of rest) {
      const c = parseAlbIngressAnnotations(
        recordOf(recordOf(m)?.metadata)?.annotations as Json | undefined,
      ).config;
      if (
        c.canary !== true ||
        c.canaryWeight === undefined ||
        c.canaryByHeader !== undefined ||
        c.canaryByCookie !== undefined
      )
        continue;
      for (const r of ingressRoutes(m as Ingress)) {
        const k = `${r.host}\u0000${r.path}`;
        if (sums.has(k)) sums.set(k, (sums.get(k) ?? 0) + c.canaryWeight);
      }
    }
    for (const [k, sum] of sums)
      if (sum > 100) {
        const [host, path] = k.split("\u0000");
        errors.push(
          `annotation ${key("canaryWeight")}: "${config.canaryWeight}" makes the canary weights of host ${show(host)} path ${show(path)} in this AlbConfig add up to ${sum}; allowed at most 100`,
        );
      }
  }
  return errors;
}

export interface IngressValidationInput {
  ingress: Ingress;
  oldIngress?: Ingress;
  operation: "CREATE" | "UPDATE";
  ingressClasses: IngressClassLookup;
  /** The Ingresses of the same AlbConfig (from the watch-fed store; may include this one's old version). */
  groupMembers: readonly unknown[];
  /** Whether the AlbConfig exists (undefined: unknown); a missing one is a warning, not an error. */
  albConfigExists?: (name: string) => boolean | undefined;
}

/** The validating webhook's decision on an Ingress. Not an ALB Ingress: allowed at once. Never throws. */
export function validateIngress(input: IngressValidationInput): AdmissionDecision {
  try {
    const ing = input.ingress;
    const membership: AlbMembership = albMembership(ing, input.ingressClasses);
    if (!membership.ours) return decision([]);
    const { config, errors: parseErrors } = parseAlbIngressAnnotations(ing.metadata?.annotations);
    const errors: string[] = parseErrors.map((e) => e.message);
    const warnings: string[] = [];
    if (membership.error !== undefined) errors.push(membership.error);
    if (
      input.operation === "UPDATE" &&
      input.oldIngress &&
      albMembership(input.oldIngress, input.ingressClasses).ours
    ) {
      const before = ALB_REGISTRY.rawValue(input.oldIngress.metadata?.annotations, "backendProtocol");
      const after = ALB_REGISTRY.rawValue(ing.metadata?.annotations, "backendProtocol");
      if (before !== after)
        errors.push(
          `annotation ${key("backendProtocol")}: ${after === undefined ? "<removed>" : show(after)} is not allowed; the value is immutable (was ${before === undefined ? "<unset>" : show(before)}); delete and rebuild the Ingress to change it`,
        );
    }
    errors.push(...validateIngressAnnotations(ing, config));
    if (membership.albConfig !== undefined) {
      errors.push(...validateIngressInGroup(ing, config, input.groupMembers));
      if (input.albConfigExists?.(membership.albConfig) === false)
        warnings.push(
          `AlbConfig ${membership.albConfig} does not exist yet; the Ingress gets no ALB until it does`,
        );
    }
    if (
      config.canary !== true &&
      (config.canaryWeight !== undefined ||
        config.canaryByHeader !== undefined ||
        config.canaryByCookie !== undefined)
    )
      warnings.push(`canary annotations are ignored without ${key("canary")}: "true"`);
    return decision(errors, warnings);
  } catch (e) {
    return decision([`the Ingress could not be checked: ${String(e)}`]);
  }
}
