// Pure admission logic for CLB Services (§1, §1.4, §2.5): the mutating defaults and every validation rule that spans
// keys or objects (per-key formats: ../annotations/). No I/O, no cloud calls; never throws.
// § numbers refer to docs/clb-service.md.
import {
  ANNOTATION_PREFIX,
  CLB_ANNOTATIONS,
  LEGACY_ANNOTATION_PREFIX,
  LOADBALANCER_ID_LABEL,
  RESERVED_UDP_PORTS,
  ROUTING_SUFFIXES,
  annotationDef,
  effectiveRawValue,
  formatAnnotationMessage,
  isClbManagedService,
  listenerTransport,
  lookupAnnotation,
  fieldsPresent,
  parseClbAnnotations,
  quoteValue,
  resolveListenerProtocols,
  serviceAnnotations,
  type ClbAnnotationConfig,
  type ClbAnnotationField,
  type ListenerProtocol,
  type ResolvedListenerPort,
  type Service,
} from "../annotations";
import { CLOUD_SETTINGS_ENV } from "../../../src/config";
import {
  DEFAULT_CLOUD_SETTINGS,
  describeReusePolicy,
  reuseNamespaceProblem,
  type CloudSettings,
} from "../../../src/operator/settings";

export interface MutationResult {
  /** Canonical keys to add; never a key that is already present in any spelling. */
  annotationsToAdd: Record<string, string>;
}

export interface ValidationInput {
  svc: Service;
  oldSvc?: Service;
  operation: "CREATE" | "UPDATE";
  /** Every other Service in the cluster (any namespace); used by R1/R2. May include the Service itself. */
  otherServices: Service[];
  /** Cluster-wide settings and policy (src/operator/settings.ts); absent: the defaults. */
  settings?: CloudSettings;
}

export interface ValidationResult {
  allowed: boolean;
  errors: string[];
  warnings: string[];
}

/** Keys upstream defines only for NLB (§1.4); not flagged as unknown. */
const NLB_ONLY_SUFFIXES: ReadonlySet<string> = new Set([
  "zone-maps",
  "security-group-ids",
  "bandwidth-package-id",
  "ipv6-address-type",
  "cross-zone-enabled",
  "cacert-id",
  "cacert",
  "cps",
  "preserve-client-ip",
  "server-group-type",
  "ppv2-pvl-ep-id-enabled",
  "ppv2-pvl-eps-id-enabled",
  "ppv2-pvl-vpc-id-enabled",
  "alpn",
  "alpn-policy",
  "listener-port-range",
  "additional-cert-ids",
]);

// ---------------------------------------------------------------- small safe accessors

function recordOf(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function metaOf(svc: unknown): Record<string, unknown> {
  return recordOf(recordOf(svc)?.metadata) ?? {};
}

function strOf(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function labelOf(svc: unknown, key: string): string | undefined {
  const v = recordOf(metaOf(svc).labels)?.[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

function serviceRef(svc: unknown): string {
  const m = metaOf(svc);
  return `${strOf(m.namespace) || "default"}/${strOf(m.name) || strOf(m.generateName) || "<unnamed>"}`;
}

/** Same object? By UID when both have one, else by namespace/name (a CREATE has no UID yet). */
function isSameService(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ma = metaOf(a);
  const mb = metaOf(b);
  const uidA = strOf(ma.uid);
  const uidB = strOf(mb.uid);
  if (uidA && uidB) return uidA === uidB;
  const nameA = strOf(ma.name);
  return (
    nameA !== "" &&
    nameA === strOf(mb.name) &&
    (strOf(ma.namespace) || "default") === (strOf(mb.namespace) || "default")
  );
}

function hasIngress(svc: unknown): boolean {
  const ingress = recordOf(recordOf(recordOf(svc)?.status)?.loadBalancer)?.ingress;
  return Array.isArray(ingress) && ingress.length > 0;
}

/**
 * The Service has been given an SLB: an address in status or the loadbalancer-id label. The controller
 * writes both only after a successful sync, so before that no SLB of this Service is in use.
 */
function wasProvisioned(svc: unknown): boolean {
  return hasIngress(svc) || labelOf(svc, LOADBALANCER_ID_LABEL) !== undefined;
}

function isPresent(svc: unknown, field: ClbAnnotationField): boolean {
  return lookupAnnotation(serviceAnnotations(svc), annotationDef(field)) !== undefined;
}

/** The key as written on the object (for messages), else the canonical key. */
function keyAsWritten(svc: unknown, field: ClbAnnotationField): string {
  return lookupAnnotation(serviceAnnotations(svc), annotationDef(field))?.key ?? annotationDef(field).key;
}

function valueAsWritten(svc: unknown, field: ClbAnnotationField): unknown {
  return lookupAnnotation(serviceAnnotations(svc), annotationDef(field))?.raw;
}

function parsedConfig(svc: unknown): ClbAnnotationConfig {
  return parseClbAnnotations(serviceAnnotations(svc)).config;
}

// ---------------------------------------------------------------- mutation (§1.4)

/** §1.4 mutation contract: defaults as annotations, never overwriting a key present in any spelling. */
export function mutateService(svc: Service): MutationResult {
  const annotationsToAdd: Record<string, string> = {};
  try {
    if (!isClbManagedService(svc)) return { annotationsToAdd };
    const idPresent = isPresent(svc, "loadBalancerId");
    const chargeType = effectiveRawValue(serviceAnnotations(svc), "instanceChargeType");
    for (const d of CLB_ANNOTATIONS) {
      if (!d.webhookDefault || isPresent(svc, d.field)) continue;
      const when = d.webhookDefault.when;
      const applies =
        (when === "no-id" && !idPresent) || // rule 2 / R6: nothing on a reused SLB
        (when === "pay-by-spec" && chargeType?.toLowerCase() === "paybyspec") || // rule 3
        (when === "spec-set" && isPresent(svc, "loadBalancerSpec")); // rule 4, §9 C1
      if (applies) annotationsToAdd[d.key] = d.webhookDefault.value;
    }
  } catch {
    return { annotationsToAdd: {} };
  }
  return { annotationsToAdd };
}

// ---------------------------------------------------------------- validation

class Findings {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  error(m: string): void {
    if (!this.errors.includes(m)) this.errors.push(m);
  }
  warn(m: string): void {
    if (!this.warnings.includes(m)) this.warnings.push(m);
  }
}

function protocolsText(ls: readonly ResolvedListenerPort[]): string {
  return ls.length ? ls.map((l) => `${l.port}/${l.protocol}`).join(", ") : "none";
}

/** Where a port's protocol came from, for messages. */
function portSource(svc: unknown, l: ResolvedListenerPort): string {
  return l.source === "protocol-port"
    ? `annotation ${keyAsWritten(svc, "protocolPort")}`
    : `spec.ports[${l.index}]`;
}

const KNOWN_SUFFIXES: ReadonlySet<string> = new Set(CLB_ANNOTATIONS.map((d) => d.suffix));

function checkKeySpellings(svc: unknown, f: Findings): void {
  const ann = serviceAnnotations(svc);
  const present = fieldsPresent(ann);
  for (const d of CLB_ANNOTATIONS) {
    if (!present.has(d.field)) continue;
    const spellings = [d.key, d.legacyKey, ...(d.vendorAliases ?? []).map((a) => a.key)].filter(
      (k): k is string => typeof k === "string" && Object.prototype.hasOwnProperty.call(ann, k),
    );
    if (spellings.length > 1) {
      const [winner, ...ignored] = spellings;
      f.warn(`annotation ${ignored.join(", ")} ignored because ${winner} is also set (${winner} wins)`);
    }
  }
  for (const key of Object.keys(ann)) {
    const prefix = key.startsWith(ANNOTATION_PREFIX)
      ? ANNOTATION_PREFIX
      : key.startsWith(LEGACY_ANNOTATION_PREFIX)
        ? LEGACY_ANNOTATION_PREFIX
        : "";
    if (!prefix) continue;
    const suffix = key.slice(prefix.length);
    if (
      KNOWN_SUFFIXES.has(suffix) ||
      NLB_ONLY_SUFFIXES.has(suffix) ||
      suffix === ROUTING_SUFFIXES.lbType ||
      suffix === ROUTING_SUFFIXES.tunnelType
    )
      continue;
    f.warn(`annotation ${quoteValue(key).slice(1, -1)} is not a known CLB annotation and is ignored`);
  }
}

function requirePresent(svc: unknown, f: Findings, field: ClbAnnotationField, because: string): void {
  if (!isPresent(svc, field))
    f.error(`annotation ${annotationDef(field).key} is required because ${because}`);
}

function checkPorts(
  svc: unknown,
  cfg: ClbAnnotationConfig,
  listeners: ResolvedListenerPort[],
  f: Findings,
): void {
  const ports = recordOf(recordOf(svc)?.spec)?.ports;
  const specPorts = Array.isArray(ports) ? ports.map((p) => recordOf(p)) : [];
  specPorts.forEach((p, i) => {
    if (!p) return;
    const port = p.port;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
      f.error(`spec.ports[${i}].port ${quoteValue(port)} is not a port number; allowed 1-65535`);
      return;
    }
    if (!listeners.some((l) => l.index === i))
      f.warn(
        `spec.ports[${i}] (${port}/${quoteValue(p.protocol).slice(1, -1)}) has a protocol CLB cannot serve and gets no listener; allowed TCP, UDP`,
      );
  });
  // protocol-port entries for ports the Service does not have are ignored, as upstream (§1.2 row 22)
  for (const e of cfg.protocolPort ?? []) {
    if (!listeners.some((l) => l.port === e.port))
      f.warn(
        `annotation ${keyAsWritten(svc, "protocolPort")}: entry ${e.protocol}:${e.port} names a port that is not in spec.ports and is ignored`,
      );
  }
  const seen = new Map<string, ResolvedListenerPort>();
  for (const l of listeners) {
    if (l.protocol === "udp" && RESERVED_UDP_PORTS.includes(l.port))
      f.error(
        `${portSource(svc, l)}: port ${l.port}/udp is reserved by CLB for udp listeners; reserved udp ports ${RESERVED_UDP_PORTS.join(", ")}`,
      );
    const k = `${l.port}/${listenerTransport(l.protocol)}`;
    const prev = seen.get(k);
    if (prev)
      f.error(
        `${portSource(svc, l)}: listener ${k} is defined twice (spec.ports[${prev.index}] and spec.ports[${l.index}]); allowed one listener per port and transport`,
      );
    else seen.set(k, l);
  }
}

function checkListenerRules(
  svc: unknown,
  cfg: ClbAnnotationConfig,
  listeners: ResolvedListenerPort[],
  f: Findings,
): void {
  const has = (p: ListenerProtocol) => listeners.some((l) => l.protocol === p);
  const https = listeners.filter((l) => l.protocol === "https");
  if (https.length)
    requirePresent(svc, f, "certId", `port ${https.map((l) => l.port).join(", ")} resolves to https`);

  if (cfg.stickySession === "on") {
    const because = `${keyAsWritten(svc, "stickySession")} is "on"`;
    requirePresent(svc, f, "stickySessionType", because);
    if (cfg.stickySessionType === "insert")
      requirePresent(svc, f, "cookieTimeoutSeconds", `${because} with type insert`);
    if (cfg.stickySessionType === "server") requirePresent(svc, f, "cookie", `${because} with type server`);
  }
  if (cfg.aclStatus === "on") {
    requirePresent(svc, f, "aclIds", `${keyAsWritten(svc, "aclStatus")} is "on"`);
    requirePresent(svc, f, "aclType", `${keyAsWritten(svc, "aclStatus")} is "on"`);
  }
  if (cfg.connectionDrain === "on")
    requirePresent(
      svc,
      f,
      "connectionDrainTimeoutSeconds",
      `${keyAsWritten(svc, "connectionDrain")} is "on"`,
    );

  for (const e of cfg.forwardPort ?? []) {
    const key = keyAsWritten(svc, "forwardPort");
    // An entry naming a port the Service does not have is ignored (the model skips it too), as protocol-port
    // entries are, so a port can be removed without editing forward-port in the same step. Upstream reads
    // only the entry of an existing http port (kubernetes/cloud-provider-alibaba-cloud
    // pkg/controller/service/clbv1/listeners.go forwardPort).
    const missing = [e.httpPort, e.httpsPort].filter((port) => !listeners.some((l) => l.port === port));
    if (missing.length) {
      f.warn(
        `annotation ${key}: entry ${e.httpPort}:${e.httpsPort} names a port that is not a listener of this Service (${missing.join(", ")}) and is ignored; listeners: ${protocolsText(listeners)}`,
      );
      continue;
    }
    const from = listeners.find((l) => l.port === e.httpPort);
    const to = listeners.find((l) => l.port === e.httpsPort);
    if (from?.protocol !== "http")
      f.error(
        `annotation ${key}: entry ${e.httpPort}:${e.httpsPort}: port ${e.httpPort} must resolve to an http listener of this Service (it resolves to ${from?.protocol ?? "no listener"}); listeners: ${protocolsText(listeners)}`,
      );
    if (to?.protocol !== "https")
      f.error(
        `annotation ${key}: entry ${e.httpPort}:${e.httpsPort}: port ${e.httpsPort} must resolve to an https listener of this Service (it resolves to ${to?.protocol ?? "no listener"}); listeners: ${protocolsText(listeners)}`,
      );
  }
  // "" (an empty list) means no extensions and needs no https listener, as upstream
  // (kubernetes/cloud-provider-alibaba-cloud pkg/controller/service/clbv1/listeners.go
  // parseDomainExtensionsAnnotation).
  if (cfg.domainExtensions?.length && !has("https"))
    f.error(
      `annotation ${keyAsWritten(svc, "domainExtensions")} needs at least one https listener; listeners: ${protocolsText(listeners)}`,
    );

  if (cfg.scheduler) {
    const allowedOn: Partial<Record<string, readonly ListenerProtocol[]>> = {
      sch: ["tcp", "udp"],
      tch: ["tcp", "udp"],
      qch: ["udp"],
    };
    const only = allowedOn[cfg.scheduler];
    const wrong = only ? listeners.filter((l) => !only.includes(l.protocol)) : [];
    if (wrong.length)
      f.error(
        `annotation ${keyAsWritten(svc, "scheduler")}: "${cfg.scheduler}" is not allowed on ${protocolsText(wrong)}; "${cfg.scheduler}" is allowed only on ${only?.join("/")} listeners`,
      );
  }

  // listener keys that match none of this Service's listeners are harmless but almost always a mistake
  for (const d of CLB_ANNOTATIONS) {
    if (d.group !== "listener" || !Array.isArray(d.protocols)) continue;
    const value: unknown = cfg[d.field];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue; // "" asks for nothing
    const protocols: readonly ListenerProtocol[] = d.protocols;
    if (listeners.length && !listeners.some((l) => protocols.includes(l.protocol)))
      f.warn(
        `annotation ${keyAsWritten(svc, d.field)} applies only to ${protocols.join("/")} listeners and has no effect here; listeners: ${protocolsText(listeners)}`,
      );
  }
  // on tcp listeners the HTTP check keys matter only with health-check-type http (§1.2 rows 49-51)
  const httpCheckFields = ["healthCheckUri", "healthCheckDomain", "healthCheckHttpCodes"] as const;
  if (listeners.length && !has("http") && !has("https") && has("tcp") && cfg.healthCheckType !== "http") {
    for (const field of httpCheckFields) {
      if (cfg[field] !== undefined)
        f.warn(
          `annotation ${keyAsWritten(svc, field)} has no effect on tcp listeners unless ${annotationDef("healthCheckType").key} is "http"`,
        );
    }
  }
}

function checkInstanceRules(svc: unknown, cfg: ClbAnnotationConfig, f: Findings): void {
  const idPresent = isPresent(svc, "loadBalancerId");
  const addrPresent = isPresent(svc, "addressType");
  // Effective address type: the annotation, else the webhook default; unknown on a reused SLB without the annotation.
  const addressType = addrPresent ? cfg.addressType : idPresent ? undefined : "internet";
  const addrText = addrPresent
    ? `${keyAsWritten(svc, "addressType")} is "${addressType}"`
    : `${annotationDef("addressType").key} defaults to "internet"`;
  if (addressType === "internet") {
    for (const field of ["vSwitchId", "ipAddress"] as const) {
      if (cfg[field] !== undefined)
        f.error(
          formatAnnotationMessage(
            keyAsWritten(svc, field),
            valueAsWritten(svc, field),
            `is allowed only for intranet SLBs; ${addrText}`,
          ),
        );
    }
  }
  if (cfg.internetChargeType === "paybybandwidth" && addressType === "intranet")
    f.error(
      formatAnnotationMessage(
        keyAsWritten(svc, "internetChargeType"),
        "paybybandwidth",
        `requires address-type "internet"; ${addrText}`,
      ),
    );
  if (cfg.bandwidthMbps !== undefined && cfg.internetChargeType !== "paybybandwidth")
    f.warn(
      `annotation ${keyAsWritten(svc, "bandwidthMbps")} has an effect only with ${annotationDef("internetChargeType").key}: paybybandwidth`,
    );
  if (cfg.loadBalancerSpec !== undefined && cfg.instanceChargeType === "PayByCLCU")
    f.warn(
      `annotation ${keyAsWritten(svc, "loadBalancerSpec")} is ignored while ${keyAsWritten(svc, "instanceChargeType")} is PayByCLCU`,
    );
  if (cfg.vgroupPort !== undefined && !idPresent)
    f.error(
      formatAnnotationMessage(
        keyAsWritten(svc, "vgroupPort"),
        valueAsWritten(svc, "vgroupPort"),
        `requires ${annotationDef("loadBalancerId").key} (user vserver groups exist only on a reused SLB)`,
      ),
    );
  if (cfg.weight !== undefined && cfg.vgroupPort === undefined)
    f.warn(
      `annotation ${keyAsWritten(svc, "weight")} has no effect without ${annotationDef("vgroupPort").key}; use ${annotationDef("defaultWeight").key}`,
    );
  if (cfg.backendIpVersion === "ipv6" && cfg.ipVersion !== "ipv6")
    f.warn(
      `annotation ${keyAsWritten(svc, "backendIpVersion")}: ipv6 takes effect only with ${annotationDef("ipVersion").key}: ipv6`,
    );
  if (cfg.preserveLbOnDelete === true && idPresent)
    f.warn(
      `annotation ${keyAsWritten(svc, "preserveLbOnDelete")} has no effect on a reused SLB (it is never deleted)`,
    );
  if (cfg.forceOverrideListeners === true && !idPresent)
    f.warn(
      `annotation ${keyAsWritten(svc, "forceOverrideListeners")} has an effect only on a reused SLB (${annotationDef("loadBalancerId").key})`,
    );
}

/** Effective value for the immutability check: any spelling, else the webhook default the object would get. */
function effectiveForCompare(svc: unknown, field: ClbAnnotationField): string | undefined {
  const ann = serviceAnnotations(svc);
  const hit = lookupAnnotation(ann, annotationDef(field));
  if (hit) return effectiveRawValue(ann, field) ?? quoteValue(hit.raw);
  const d = annotationDef(field);
  if (d.webhookDefault?.when === "no-id" && !isPresent(svc, "loadBalancerId")) return d.webhookDefault.value;
  return undefined;
}

function checkImmutability(svc: unknown, oldSvc: unknown, f: Findings): void {
  // A Service that was not CLB-managed before, or whose create failed or never ran, has no SLB in use:
  // nothing to protect, and a failed create must stay fixable. (An SLB created by a sync that then
  // failed was never reported; the controller replaces it when an immutable attribute changes.)
  if (!isClbManagedService(oldSvc) || !wasProvisioned(oldSvc)) return;
  for (const d of CLB_ANNOTATIONS) {
    if (d.mutability !== "immutable" || d.field === "loadBalancerId") continue; // id follows R3
    const before = effectiveForCompare(oldSvc, d.field);
    const after = effectiveForCompare(svc, d.field);
    if (before === after) continue;
    // old object predates the webhook default on a not-yet-reused path (e.g. id removed before provisioning)
    if (before === undefined && after === d.webhookDefault?.value) continue;
    const key = keyAsWritten(isPresent(svc, d.field) ? svc : oldSvc, d.field);
    f.error(
      `annotation ${key}: ${after === undefined ? "<removed>" : quoteValue(after)} is not allowed; the value is immutable after creation (was ${before === undefined ? "<unset>" : quoteValue(before)}); delete and recreate the Service to change it`,
    );
  }
}

function checkReuse(
  input: ValidationInput,
  cfg: ClbAnnotationConfig,
  listeners: ResolvedListenerPort[],
  f: Findings,
): void {
  const { svc, oldSvc, operation } = input;
  const idKey = keyAsWritten(svc, "loadBalancerId");

  // R3: id is fixed once the Service has been provisioned
  if (operation === "UPDATE" && oldSvc && wasProvisioned(oldSvc)) {
    const before = effectiveRawValue(serviceAnnotations(oldSvc), "loadBalancerId");
    const after = effectiveRawValue(serviceAnnotations(svc), "loadBalancerId");
    if (before !== after)
      f.error(
        `annotation ${idKey}: ${after === undefined ? "<removed>" : quoteValue(after)} is not allowed; ${annotationDef("loadBalancerId").key} cannot be added, changed or removed after the load balancer was provisioned (was ${before === undefined ? "<unset>" : quoteValue(before)})`,
      );
  }

  const id = cfg.loadBalancerId;
  if (id === undefined) return;
  const others = Array.isArray(input.otherServices) ? input.otherServices : [];
  const ours = new Map(listeners.map((l) => [`${l.port}/${listenerTransport(l.protocol)}`, l]));
  for (const other of others) {
    try {
      if (!recordOf(other) || isSameService(svc, other)) continue;
      // R1: the SLB belongs to a controller-created Service
      if (labelOf(other, LOADBALANCER_ID_LABEL) === id && !isPresent(other, "loadBalancerId"))
        f.error(
          formatAnnotationMessage(
            idKey,
            id,
            `is not allowed: loadbalancer ${id} was created by the controller for service ${serviceRef(other)} and cannot be reused`,
          ),
        );
      // R2: two Services on one SLB may not share a listener key (port, transport)
      if (!isClbManagedService(other)) continue;
      const otherCfg = parsedConfig(other);
      if (otherCfg.loadBalancerId !== id) continue;
      for (const l of resolveListenerProtocols(other, otherCfg)) {
        const k = `${l.port}/${listenerTransport(l.protocol)}`;
        if (ours.has(k))
          f.error(
            formatAnnotationMessage(
              idKey,
              id,
              `is not allowed: port ${k} of loadbalancer ${id} is already used by service ${serviceRef(other)}`,
            ),
          );
      }
    } catch {
      // a malformed neighbour must not block this Service
    }
  }
}

/**
 * The cluster policy (README "Reuse policy", "Cloud defaults"); the controller re-checks each rule
 * before it acts. Reuse: the namespace allow-list here; tag mode needs the SLB's tags, which only the
 * controller reads (admission holds no cloud credentials and makes no cloud call per request), so
 * admission only warns. Public SLBs and intranet SLBs without a vSwitch are judged for the SLB we would
 * create: not on a reused one, and not once the Service was provisioned (its SLB exists already).
 */
function checkPolicy(input: ValidationInput, cfg: ClbAnnotationConfig, f: Findings): void {
  const { svc, oldSvc } = input;
  const settings = input.settings ?? DEFAULT_CLOUD_SETTINGS;
  const namespace = strOf(metaOf(svc).namespace) || "default";
  const idKey = keyAsWritten(svc, "loadBalancerId");
  if (cfg.loadBalancerId !== undefined) {
    const problem = reuseNamespaceProblem(settings.reuse, namespace);
    if (problem) f.error(formatAnnotationMessage(idKey, cfg.loadBalancerId, `is not allowed: ${problem}`));
    else if (settings.reuse.requireNamespaceTag)
      f.warn(
        `annotation ${idKey}: the reuse policy (${describeReusePolicy(settings.reuse)}) is checked by the controller before it uses ${cfg.loadBalancerId}; without the tag the Service shows ReuseForbidden`,
      );
    return;
  }
  if (input.operation === "UPDATE" && oldSvc && isClbManagedService(oldSvc) && wasProvisioned(oldSvc)) return;
  const addrPresent = isPresent(svc, "addressType");
  const addressType = addrPresent ? cfg.addressType : "internet";
  const addrText = addrPresent
    ? `${keyAsWritten(svc, "addressType")} is "${addressType}"`
    : `${annotationDef("addressType").key} defaults to "internet"`;
  if (settings.forbidPublicLoadBalancer && addressType === "internet")
    f.error(
      `internet SLBs are forbidden in this cluster (${CLOUD_SETTINGS_ENV.forbidPublicLoadBalancer}=true) and ${addrText}; set ${annotationDef("addressType").key}: intranet`,
    );
  if (addressType === "intranet" && cfg.vSwitchId === undefined && settings.vSwitchIds.length === 0)
    f.error(
      `an intranet SLB needs a vSwitch and ${addrText}: set ${annotationDef("vSwitchId").key}, or have the operator's admin set ${CLOUD_SETTINGS_ENV.vSwitchIds} (default vSwitches)`,
    );
}

/** Every rule of §1 and R1-R4 of §2.5; reports all violations at once. Non-CLB Services are always allowed. */
export function validateService(input: ValidationInput): ValidationResult {
  const f = new Findings();
  try {
    const svc = recordOf(input)?.svc;
    if (!isClbManagedService(svc)) return { allowed: true, errors: [], warnings: [] };
    const { config, errors } = parseClbAnnotations(serviceAnnotations(svc));
    for (const e of errors) f.error(e.message);
    checkKeySpellings(svc, f);
    const listeners = resolveListenerProtocols(svc, config);
    checkPorts(svc, config, listeners, f);
    checkListenerRules(svc, config, listeners, f);
    checkInstanceRules(svc, config, f);
    if (input.operation === "UPDATE" && input.oldSvc) checkImmutability(svc, input.oldSvc, f);
    checkReuse(input, config, listeners, f);
    checkPolicy(input, config, f);
  } catch (e) {
    // Fail closed with a readable reason; the rules above are written not to throw.
    f.error(`internal error while validating the Service: ${quoteValue(String(e))}`);
  }
  return { allowed: f.errors.length === 0, errors: f.errors, warnings: f.warnings };
}
