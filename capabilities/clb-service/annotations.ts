// The single source of truth for the CLB Service annotations (spec §1, §1.4, §8).
// One registry entry per key drives parsing (parseClbAnnotations), the admission rules
// (admission-rules.ts), the desired model (model.ts) and the generated docs (docs/annotations.md).
// Everything here is pure: no I/O, and no function throws on any input.
import type { kind } from "kubernetes-fluent-client";
import type { OnOff, SlbAddressType, SlbListenerProtocol } from "../../src/cloud";

export type Service = kind.Service;
export type ListenerProtocol = SlbListenerProtocol;
export type { OnOff };

// ---------------------------------------------------------------- keys

/** `P` in the spec. */
export const ANNOTATION_PREFIX = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-";
/** Accepted alias prefix for every `P` key; the canonical key wins when both are present (§0). */
export const LEGACY_ANNOTATION_PREFIX = "service.beta.kubernetes.io/alicloud-loadbalancer-";
/** Label the controller writes with the SLB id (§1.4); R1/R3 read it. */
export const LOADBALANCER_ID_LABEL = "service.k8s.alibaba/loadbalancer-id";
/** Routing keys (§1.4): not CLB attributes, they decide whether the Service is CLB-managed at all. */
export const SERVICE_CLASS_ANNOTATION = "service.beta.kubernetes.io/class";
export const ROUTING_SUFFIXES = { tunnelType: "tunnel-type", lbType: "type" } as const;
export const LISTENER_PROTOCOLS: readonly ListenerProtocol[] = ["tcp", "udp", "http", "https"];
/** UDP listener ports the CLB reserves (§1.2 row 22). */
export const RESERVED_UDP_PORTS: readonly number[] = [250, 4789, 4790];
/** Tag keys the controller itself writes or that mark CCM ownership (§1.1 row 5). */
export const RESERVED_TAG_KEYS: readonly string[] = [
  "kubernetes.do.not.delete",
  "ack.aliyun.com",
  "kubernetes.reused.by.user",
];
export const RESERVED_TAG_PREFIXES: readonly string[] = ["acs:", "aliyun"];
export const MAX_ADDITIONAL_TAGS = 20;
/** Longest value we parse at all; longer values are rejected before any splitting or regex runs. */
export const MAX_VALUE_CHARS = 4096;

// ---------------------------------------------------------------- parsed config

export type Scheduler = "rr" | "wrr" | "wlc" | "sch" | "tch" | "qch";
export type TlsCipherPolicy =
  | "tls_cipher_policy_1_0"
  | "tls_cipher_policy_1_1"
  | "tls_cipher_policy_1_2"
  | "tls_cipher_policy_1_2_strict"
  | "tls_cipher_policy_1_2_strict_with_1_3";
export type HealthCheckHttpCode = "http_2xx" | "http_3xx" | "http_4xx" | "http_5xx";

/** Typed view of every CLB annotation on one Service; a field is absent when its annotation is absent or invalid. */
export interface ClbAnnotationConfig {
  // §1.1 instance
  addressType?: SlbAddressType;
  loadBalancerId?: string;
  loadBalancerName?: string;
  resourceGroupId?: string;
  additionalResourceTags?: Record<string, string>;
  deleteProtection?: OnOff;
  modificationProtection?: "ConsoleProtection" | "NonProtection";
  loadBalancerSpec?: string;
  /** Normalised spelling; the annotation is compared case-insensitively. */
  instanceChargeType?: "PayBySpec" | "PayByCLCU";
  internetChargeType?: "paybytraffic" | "paybybandwidth";
  bandwidthMbps?: number;
  vSwitchId?: string;
  networkType?: "classic" | "vpc";
  masterZoneId?: string;
  slaveZoneId?: string;
  ipVersion?: "ipv4" | "ipv6";
  ipAddress?: string;
  forceOverrideListeners?: boolean;
  preserveLbOnDelete?: boolean;
  externalIpType?: "eip";
  hostname?: string;
  // §1.2 listener
  protocolPort?: Array<{ protocol: ListenerProtocol; port: number }>;
  certId?: string;
  tlsCipherPolicy?: TlsCipherPolicy;
  http2Enabled?: OnOff;
  forwardPort?: Array<{ httpPort: number; httpsPort: number }>;
  scheduler?: Scheduler;
  persistenceTimeoutSeconds?: number;
  establishedTimeoutSeconds?: number;
  idleTimeoutSeconds?: number;
  requestTimeoutSeconds?: number;
  stickySession?: OnOff;
  stickySessionType?: "insert" | "server";
  cookieTimeoutSeconds?: number;
  cookie?: string;
  aclStatus?: OnOff;
  aclIds?: string[];
  aclType?: "white" | "black";
  connectionDrain?: OnOff;
  connectionDrainTimeoutSeconds?: number;
  xForwardedForProto?: OnOff;
  xForwardedForSlbPort?: OnOff;
  xForwardedForClientSrcPort?: OnOff;
  proxyProtocol?: OnOff;
  domainExtensions?: Array<{ domain: string; certId: string }>;
  healthCheckFlag?: OnOff;
  healthCheckSwitch?: OnOff;
  healthCheckType?: "tcp" | "http";
  healthCheckUri?: string;
  healthCheckDomain?: string;
  healthCheckHttpCodes?: HealthCheckHttpCode[];
  /** 1-65535, or -520 (legacy: the backend port). */
  healthCheckConnectPort?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
  healthCheckIntervalSeconds?: number;
  healthCheckConnectTimeoutSeconds?: number;
  healthCheckTimeoutSeconds?: number;
  healthCheckMethod?: "head" | "get";
  // §1.3 backend
  backendLabel?: Record<string, string>;
  removeUnscheduledBackend?: OnOff;
  backendType?: "eni" | "ecs";
  backendIpVersion?: "ipv4" | "ipv6";
  vgroupPort?: Array<{ vGroupId: string; port: number }>;
  weight?: number;
  defaultWeight?: number;
  /** Normalised to lowercase; the annotation is compared case-insensitively. */
  ignoreWeightUpdate?: OnOff;
}

export type ClbAnnotationField = keyof ClbAnnotationConfig;

export interface AnnotationError {
  /** The key as written on the Service (canonical, legacy or vendor spelling). */
  key: string;
  field: ClbAnnotationField;
  /** The offending value, truncated for display. */
  value: string;
  message: string;
}

// ---------------------------------------------------------------- codecs (parser + validation + doc text)

type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface Codec<T> {
  parse(raw: string): ParseResult<T>;
  /** Value format, for docs. */
  values: string;
}

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const bad = <T>(problem: string): ParseResult<T> => ({ ok: false, problem });

/** Display form of a value for messages: JSON-quoted, cut to 80 characters so huge values stay readable. */
export function quoteValue(value: unknown): string {
  let s: string;
  if (typeof value === "string") s = value;
  else {
    try {
      s = String(JSON.stringify(value));
    } catch {
      s = Object.prototype.toString.call(value);
    }
  }
  const limit = 80;
  if (s.length <= limit) return JSON.stringify(s);
  let head = s.slice(0, limit);
  // do not leave half a surrogate pair at the cut
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return `${JSON.stringify(head)}… (${s.length} chars)`;
}

const DECIMAL_INT = /^-?[0-9]{1,10}$/;

function parseDecimal(raw: string): number | undefined {
  if (!DECIMAL_INT.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}

function intCodec(min: number, max: number, extra: readonly number[] = []): Codec<number> {
  const allowed = `${min}-${max}${extra.length ? ` or ${extra.join(", ")}` : ""}`;
  return {
    values: `integer ${allowed}`,
    parse(raw) {
      const n = parseDecimal(raw);
      if (n === undefined) return bad(`is not a decimal integer; allowed ${allowed}`);
      if (extra.includes(n) || (n >= min && n <= max)) return ok(n);
      return bad(`is out of range; allowed ${allowed}`);
    },
  };
}

function enumCodec<T extends string>(values: readonly T[], caseInsensitive = false): Codec<T> {
  const list = values.join(" | ");
  return {
    values: list + (caseInsensitive ? " (case-insensitive)" : ""),
    parse(raw) {
      const hit = values.find((v) => (caseInsensitive ? v.toLowerCase() === raw.toLowerCase() : v === raw));
      return hit !== undefined ? ok(hit) : bad(`is not allowed; allowed ${values.join(", ")}`);
    },
  };
}

const onOff = enumCodec<OnOff>(["on", "off"]);

function boolCodec(): Codec<boolean> {
  return {
    values: "`true` | `false`",
    parse: (raw) =>
      raw === "true" ? ok(true) : raw === "false" ? ok(false) : bad("is not allowed; allowed true, false"),
  };
}

function patternCodec(re: RegExp, values: string, what: string, maxChars = MAX_VALUE_CHARS): Codec<string> {
  return {
    values,
    parse: (raw) =>
      raw.length <= maxChars && re.test(raw) ? ok(raw) : bad(`is not ${what}; allowed ${values}`),
  };
}

/** Cloud resource ids (lb-, rg-, vsw-, cert ids, zone ids): non-empty, no whitespace or commas [D]. */
const idCodec = (example: string) =>
  patternCodec(/^[^\s,]{1,128}$/, example, "a valid id (1-128 chars, no whitespace or commas)");

const IPV4 =
  /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;
const HOSTNAME_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function isRfc1123Hostname(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  return s.split(".").every((l) => HOSTNAME_LABEL.test(l));
}

/** Splits `a,b,c`; an empty element is an error (a stray comma is almost always a typo). */
function splitList(raw: string): string[] | undefined {
  const parts = raw.split(",");
  return parts.some((p) => p.length === 0) ? undefined : parts;
}

function listCodec<E, T>(opts: {
  values: string;
  parseEntry(entry: string): ParseResult<E>;
  finish(entries: E[]): ParseResult<T>;
}): Codec<T> {
  return {
    values: opts.values,
    parse(raw) {
      const parts = splitList(raw);
      if (!parts) return bad(`has an empty list element; allowed ${opts.values}`);
      const out: E[] = [];
      for (const p of parts) {
        const r = opts.parseEntry(p);
        if (!r.ok) return bad(`has an invalid entry ${quoteValue(p)} (${r.problem}); allowed ${opts.values}`);
        out.push(r.value);
      }
      return opts.finish(out);
    },
  };
}

function portOf(s: string): number | undefined {
  const n = parseDecimal(s);
  return n !== undefined && n >= 1 && n <= 65535 ? n : undefined;
}

function firstDuplicate<T>(xs: readonly T[]): T | undefined {
  const seen = new Set<T>();
  for (const x of xs) {
    if (seen.has(x)) return x;
    seen.add(x);
  }
  return undefined;
}

const protocolPortCodec = listCodec<
  { protocol: ListenerProtocol; port: number },
  Array<{ protocol: ListenerProtocol; port: number }>
>({
  values: "`proto:port[,proto:port…]`, proto tcp|udp|http|https, port 1-65535, each port once",
  parseEntry(e) {
    const parts = e.split(":");
    if (parts.length !== 2) return bad("want proto:port");
    const protocol = LISTENER_PROTOCOLS.find((p) => p === parts[0]);
    if (!protocol) return bad(`protocol must be one of ${LISTENER_PROTOCOLS.join(", ")}`);
    const port = portOf(parts[1]);
    if (port === undefined) return bad("port must be an integer 1-65535");
    return ok({ protocol, port });
  },
  finish(entries) {
    const dup = firstDuplicate(entries.map((e) => e.port));
    return dup === undefined ? ok(entries) : bad(`lists port ${dup} twice; allowed each port once`);
  },
});

const forwardPortCodec = listCodec<
  { httpPort: number; httpsPort: number },
  Array<{ httpPort: number; httpsPort: number }>
>({
  values: "`httpPort:httpsPort[,…]`, ports 1-65535",
  parseEntry(e) {
    const parts = e.split(":");
    if (parts.length !== 2) return bad("want httpPort:httpsPort");
    const httpPort = portOf(parts[0]);
    const httpsPort = portOf(parts[1]);
    if (httpPort === undefined || httpsPort === undefined) return bad("ports must be integers 1-65535");
    return ok({ httpPort, httpsPort });
  },
  finish(entries) {
    const dup = firstDuplicate(entries.map((e) => e.httpPort));
    return dup === undefined
      ? ok(entries)
      : bad(`forwards http port ${dup} twice; allowed each http port once`);
  },
});

const tagsCodec: Codec<Record<string, string>> = {
  values:
    "`K1=V1,K2=V2` (`K` or `K=` gives an empty value; whitespace trimmed); at most 20; reserved keys rejected",
  parse(raw) {
    const out: Record<string, string> = {};
    const parts = raw.split(",");
    if (parts.length > MAX_ADDITIONAL_TAGS)
      return bad(`has ${parts.length} tags; allowed at most ${MAX_ADDITIONAL_TAGS}`);
    for (const p of parts) {
      const eq = p.indexOf("=");
      const key = (eq < 0 ? p : p.slice(0, eq)).trim();
      const value = eq < 0 ? "" : p.slice(eq + 1).trim();
      // upstream splits on every "=" and keeps only the second piece; reject rather than guess [D]
      if (value.includes("=")) return bad(`has a tag with more than one "=" (${quoteValue(p)}); allowed K=V`);
      if (key.length === 0)
        return bad(`has a tag with an empty key (${quoteValue(p)}); allowed K=V with a non-empty K`);
      if (RESERVED_TAG_KEYS.includes(key))
        return bad(
          `uses the reserved tag key ${quoteValue(key)}; not allowed: ${RESERVED_TAG_KEYS.join(", ")}`,
        );
      const lower = key.toLowerCase();
      if (RESERVED_TAG_PREFIXES.some((pre) => lower.startsWith(pre)))
        return bad(
          `uses the reserved tag key ${quoteValue(key)}; allowed keys not starting with ${RESERVED_TAG_PREFIXES.join(" or ")}`,
        );
      if (Object.prototype.hasOwnProperty.call(out, key))
        return bad(`lists tag key ${quoteValue(key)} twice; allowed each key once`);
      out[key] = value;
    }
    return ok(out);
  },
};

const backendLabelCodec = listCodec<[string, string], Record<string, string>>({
  values: "`k1=v1[,k2=v2]` (all must match)",
  parseEntry(e) {
    const parts = e.split("=");
    if (parts.length !== 2 || parts[0].length === 0) return bad("want k=v");
    return ok([parts[0], parts[1]]);
  },
  finish(entries) {
    const dup = firstDuplicate(entries.map((e) => e[0]));
    if (dup !== undefined) return bad(`lists label ${quoteValue(dup)} twice; allowed each label once`);
    const out: Record<string, string> = {};
    for (const [k, v] of entries) out[k] = v;
    return ok(out);
  },
});

const aclIdsCodec = listCodec<string, string[]>({
  values: "`acl-…[,acl-…]`",
  parseEntry: (e) => (/^[^\s,]{1,128}$/.test(e) ? ok(e) : bad("want an ACL id without whitespace")),
  finish: (entries) => ok([...new Set(entries)]),
});

const domainExtensionsCodec = listCodec<
  { domain: string; certId: string },
  Array<{ domain: string; certId: string }>
>({
  values: "`domain:certId[,domain:certId]`",
  parseEntry(e) {
    const parts = e.split(":");
    if (parts.length !== 2) return bad("want domain:certId");
    const [domain, certId] = parts;
    const host = domain.startsWith("*.") ? domain.slice(2) : domain;
    if (!isRfc1123Hostname(host)) return bad("domain must be a DNS name, optionally starting with *.");
    if (!/^[^\s]{1,128}$/.test(certId)) return bad("certId must be non-empty without whitespace");
    return ok({ domain, certId });
  },
  finish(entries) {
    const dup = firstDuplicate(entries.map((e) => e.domain));
    return dup === undefined
      ? ok(entries)
      : bad(`lists domain ${quoteValue(dup)} twice; allowed each domain once`);
  },
});

const HTTP_CODES: readonly HealthCheckHttpCode[] = ["http_2xx", "http_3xx", "http_4xx", "http_5xx"];
const httpCodesCodec = listCodec<HealthCheckHttpCode, HealthCheckHttpCode[]>({
  values: "comma list of http_2xx | http_3xx | http_4xx | http_5xx",
  parseEntry(e) {
    const hit = HTTP_CODES.find((c) => c === e);
    return hit ? ok(hit) : bad(`must be one of ${HTTP_CODES.join(", ")}`);
  },
  finish: (entries) => ok([...new Set(entries)]),
});

const vgroupPortCodec = listCodec<
  { vGroupId: string; port: number },
  Array<{ vGroupId: string; port: number }>
>({
  values: "`rsp-id:port[,rsp-id:port]`, port 1-65535",
  parseEntry(e) {
    const parts = e.split(":");
    if (parts.length !== 2 || !/^[^\s]{1,128}$/.test(parts[0])) return bad("want rsp-id:port");
    const port = portOf(parts[1]);
    return port === undefined ? bad("port must be an integer 1-65535") : ok({ vGroupId: parts[0], port });
  },
  finish(entries) {
    const dup = firstDuplicate(entries.map((e) => e.port));
    return dup === undefined ? ok(entries) : bad(`lists port ${dup} twice; allowed each port once`);
  },
});

const nameCodec: Codec<string> = {
  values: "string, 1-80 characters",
  parse(raw) {
    const chars = [...raw].length; // code points, so unicode names are counted as the user sees them
    return chars >= 1 && chars <= 80 ? ok(raw) : bad(`is ${chars} characters long; allowed 1-80`);
  },
};

// ---------------------------------------------------------------- registry

export type AnnotationGroup = "instance" | "listener" | "backend";
export type Mutability = "mutable" | "immutable";

/** Conditions under which the mutating webhook writes a default (§1.4). */
export type WebhookDefaultWhen =
  /** rule 2: only when no `id` annotation is present */
  | "no-id"
  /** rule 3: only when instance-charge-type is PayBySpec (case-insensitive) */
  | "pay-by-spec"
  /** rule 4: only when `spec` is present */
  | "spec-set";

export interface VendorAlias {
  key: string;
  /** vendor value → our value; values not in the map are errors. Absent: the value is used as is. */
  valueMap?: Readonly<Record<string, string>>;
  source: string;
}

export interface AnnotationDef<F extends ClbAnnotationField> {
  /** Row number in spec §1. */
  row: number;
  field: F;
  /** Key suffix after the prefix (`P`+suffix). */
  suffix: string;
  /** Full canonical key. */
  key: string;
  /** `service.beta.kubernetes.io/alicloud-loadbalancer-<suffix>`; absent for backend-type. */
  legacyKey?: string;
  /** Other vendors' equivalent keys (§8), lowest precedence. */
  vendorAliases?: readonly VendorAlias[];
  group: AnnotationGroup;
  meaning: string;
  codec: Codec<NonNullable<ClbAnnotationConfig[F]>>;
  /** What upstream effectively uses when absent (doc text). */
  defaultText: string;
  /** The value the mutating webhook writes, and when. */
  webhookDefault?: { value: string; when: WebhookDefaultWhen };
  mutability: Mutability;
  /** Listener protocols it applies to; "n/a" for instance and backend keys. */
  protocols: readonly ListenerProtocol[] | "all" | "n/a";
  apiField: string;
  /** Extra validation notes for docs (cross-field rules live in admission-rules.ts). */
  notes?: string;
}

type AnyAnnotationDef = { [F in ClbAnnotationField]: AnnotationDef<F> }[ClbAnnotationField];

type DefInput<F extends ClbAnnotationField> = Omit<AnnotationDef<F>, "key" | "legacyKey"> & {
  fullKey?: string;
};

function def<F extends ClbAnnotationField>(d: DefInput<F>): AnnotationDef<F> {
  const { fullKey, ...rest } = d;
  if (fullKey) return { ...rest, key: fullKey };
  return { ...rest, key: ANNOTATION_PREFIX + d.suffix, legacyKey: LEGACY_ANNOTATION_PREFIX + d.suffix };
}

const L7: readonly ListenerProtocol[] = ["http", "https"];
const L4: readonly ListenerProtocol[] = ["tcp", "udp"];

export const CLB_ANNOTATIONS: readonly AnyAnnotationDef[] = [
  // ---- §1.1 instance
  def({
    row: 1,
    field: "addressType",
    suffix: "address-type",
    group: "instance",
    meaning: "Public (internet) or private (intranet) SLB.",
    codec: enumCodec<SlbAddressType>(["internet", "intranet"]),
    defaultText: "`internet`",
    webhookDefault: { value: "internet", when: "no-id" },
    mutability: "immutable",
    protocols: "n/a",
    apiField: "CreateLoadBalancer AddressType",
    vendorAliases: [
      {
        key: "service.beta.kubernetes.io/aws-load-balancer-scheme",
        valueMap: { internal: "intranet", "internet-facing": "internet" },
        source: "AWS EKS",
      },
      {
        key: "service.beta.kubernetes.io/azure-load-balancer-internal",
        valueMap: { true: "intranet", false: "internet" },
        source: "Azure AKS",
      },
      { key: "networking.gke.io/load-balancer-type", valueMap: { Internal: "intranet" }, source: "GKE" },
    ],
  }),
  def({
    row: 2,
    field: "loadBalancerId",
    suffix: "id",
    group: "instance",
    meaning: "Reuse an existing SLB instead of creating one (see the reuse rules below).",
    codec: idCodec("`lb-…`"),
    defaultText: "none (the controller creates an SLB)",
    mutability: "immutable",
    protocols: "n/a",
    apiField: "DescribeLoadBalancerAttribute LoadBalancerId",
    notes: "reuse rules R1-R4; immutable once the Service has an ingress or the loadbalancer-id label (R3)",
    vendorAliases: [{ key: "kubernetes.io/elb.id", source: "Huawei CCE / CTyun CCE" }],
  }),
  def({
    row: 3,
    field: "loadBalancerName",
    suffix: "name",
    group: "instance",
    meaning: "SLB instance name.",
    codec: nameCodec,
    defaultText: "`a` + Service UID without dashes, cut to 32 characters",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "LoadBalancerName / SetLoadBalancerName",
  }),
  def({
    row: 4,
    field: "resourceGroupId",
    suffix: "resource-group-id",
    group: "instance",
    meaning: "Resource group of the SLB.",
    codec: idCodec("`rg-…`"),
    defaultText: "cloud-config `Global.ResourceGroupID`, else the account default",
    mutability: "immutable",
    protocols: "n/a",
    apiField: "ResourceGroupId",
    vendorAliases: [{ key: "kubernetes.io/elb.enterpriseID", source: "Huawei CCE" }],
  }),
  def({
    row: 5,
    field: "additionalResourceTags",
    suffix: "additional-resource-tags",
    group: "instance",
    meaning: "Extra tags on the SLB (diffed; `acs:*` keys and the controller's own tags are never touched).",
    codec: tagsCodec,
    defaultText: "none",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "CreateLoadBalancer Tag, TagResources / UntagResources",
    notes: `reserved keys ${RESERVED_TAG_KEYS.join(", ")}; no key prefix ${RESERVED_TAG_PREFIXES.join(" or ")}; at most ${MAX_ADDITIONAL_TAGS} tags`,
  }),
  def({
    row: 6,
    field: "deleteProtection",
    suffix: "delete-protection",
    group: "instance",
    meaning: "Deletion protection of the SLB.",
    codec: onOff,
    defaultText: "`on`",
    webhookDefault: { value: "on", when: "no-id" },
    mutability: "mutable",
    protocols: "n/a",
    apiField: "DeleteProtection / SetLoadBalancerDeleteProtection",
  }),
  def({
    row: 7,
    field: "modificationProtection",
    suffix: "modification-protection",
    group: "instance",
    meaning: "Console modification protection (reason `managed.by.ack`).",
    codec: enumCodec(["ConsoleProtection", "NonProtection"] as const),
    defaultText: "`ConsoleProtection`",
    webhookDefault: { value: "ConsoleProtection", when: "no-id" },
    mutability: "mutable",
    protocols: "n/a",
    apiField: "ModificationProtectionStatus, ModificationProtectionReason",
  }),
  def({
    row: 8,
    field: "loadBalancerSpec",
    suffix: "spec",
    group: "instance",
    meaning:
      "Instance spec (PayBySpec only), e.g. slb.s1.small, slb.s2.small, slb.s2.medium, slb.s3.small, slb.s3.medium, slb.s3.large.",
    codec: patternCodec(
      /^slb\.s[0-9]\.[a-z]+$/,
      "`slb.s<digit>.<size>` (regex `^slb\\.s[0-9]\\.[a-z]+$`)",
      "a valid spec",
    ),
    defaultText: "`slb.s1.small` only with PayBySpec",
    webhookDefault: { value: "slb.s1.small", when: "pay-by-spec" },
    mutability: "mutable",
    protocols: "n/a",
    apiField: "LoadBalancerSpec / ModifyLoadBalancerInstanceSpec",
  }),
  def({
    row: 9,
    field: "instanceChargeType",
    suffix: "instance-charge-type",
    group: "instance",
    meaning: "Instance billing: by spec or by capacity unit.",
    codec: enumCodec(["PayBySpec", "PayByCLCU"] as const, true),
    defaultText: "`PayByCLCU`",
    webhookDefault: { value: "PayBySpec", when: "spec-set" },
    mutability: "mutable",
    protocols: "n/a",
    apiField: "InstanceChargeType / ModifyLoadBalancerInstanceChargeType",
  }),
  def({
    row: 10,
    field: "internetChargeType",
    suffix: "charge-type",
    group: "instance",
    meaning: "Internet billing (paybybandwidth→paybytraffic takes effect the next day).",
    codec: enumCodec(["paybytraffic", "paybybandwidth"] as const),
    defaultText: "`paybytraffic` (cloud default)",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "InternetChargeType / ModifyLoadBalancerInternetSpec",
    notes: "`paybybandwidth` requires address-type internet",
  }),
  def({
    row: 11,
    field: "bandwidthMbps",
    suffix: "bandwidth",
    group: "instance",
    meaning: "Peak bandwidth in Mbit/s (applied only with paybybandwidth on an internet SLB).",
    codec: intCodec(1, 5120),
    defaultText: "not sent (cloud default 50)",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "Bandwidth",
  }),
  def({
    row: 12,
    field: "vSwitchId",
    suffix: "vswitch-id",
    group: "instance",
    meaning: "vSwitch of an intranet SLB.",
    codec: idCodec("`vsw-…`"),
    defaultText: "a vSwitch from cloud-config",
    mutability: "immutable",
    protocols: "n/a",
    apiField: "VSwitchId (+ VpcId)",
    notes: "requires address-type intranet",
    vendorAliases: [{ key: "kubernetes.io/elb.subnet-id", source: "Huawei CCE / CTyun CCE" }],
  }),
  def({
    row: 13,
    field: "networkType",
    suffix: "network-type",
    group: "instance",
    meaning: "Classic or VPC network.",
    codec: enumCodec(["classic", "vpc"] as const),
    defaultText: "`vpc` (when intranet)",
    mutability: "immutable",
    protocols: "n/a",
    apiField: "NetworkType",
  }),
  def({
    row: 14,
    field: "masterZoneId",
    suffix: "master-zoneid",
    group: "instance",
    meaning: "Primary zone.",
    codec: idCodec("zone id, e.g. `cn-hangzhou-a`"),
    defaultText: "cloud choice",
    mutability: "immutable",
    protocols: "n/a",
    apiField: "MasterZoneId",
  }),
  def({
    row: 15,
    field: "slaveZoneId",
    suffix: "slave-zoneid",
    group: "instance",
    meaning: "Backup zone.",
    codec: idCodec("zone id, e.g. `cn-hangzhou-b`"),
    defaultText: "cloud choice",
    mutability: "immutable",
    protocols: "n/a",
    apiField: "SlaveZoneId",
  }),
  def({
    row: 16,
    field: "ipVersion",
    suffix: "ip-version",
    group: "instance",
    meaning: "Address IP version.",
    codec: enumCodec(["ipv4", "ipv6"] as const),
    defaultText: "`ipv4`",
    webhookDefault: { value: "ipv4", when: "no-id" },
    mutability: "immutable",
    protocols: "n/a",
    apiField: "AddressIPVersion",
    vendorAliases: [
      {
        key: "service.beta.kubernetes.io/aws-load-balancer-ip-address-type",
        valueMap: { ipv4: "ipv4" },
        source: "AWS EKS (dualstack has no CLB equivalent)",
      },
    ],
  }),
  def({
    row: 17,
    field: "ipAddress",
    suffix: "ip",
    group: "instance",
    meaning: "Fixed private address of an intranet SLB.",
    codec: patternCodec(IPV4, "IPv4 address", "an IPv4 address", 15),
    defaultText: "cloud-assigned",
    mutability: "immutable",
    protocols: "n/a",
    apiField: "Address",
    notes: "requires address-type intranet",
  }),
  def({
    row: 18,
    field: "forceOverrideListeners",
    suffix: "force-override-listeners",
    group: "instance",
    meaning: "Manage the listeners of a reused SLB.",
    codec: boolCodec(),
    defaultText: "`false`",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "— (controller behaviour)",
  }),
  def({
    row: 19,
    field: "preserveLbOnDelete",
    suffix: "preserve-lb-on-delete",
    group: "instance",
    meaning: "Keep a controller-created SLB when the Service is deleted (only `true` has an effect).",
    codec: boolCodec(),
    defaultText: "absent (SLB deleted)",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "— (controller behaviour)",
  }),
  def({
    row: 20,
    field: "externalIpType",
    suffix: "external-ip-type",
    group: "instance",
    meaning: "Report the EIP bound to the SLB as the external IP.",
    codec: enumCodec(["eip"] as const),
    defaultText: "the SLB address",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "DescribeEipAddresses",
    notes:
      "one ingress entry per EIP bound to the SLB; none: Warning FailedSetEIPAddress and the SLB address; `hostname` wins",
  }),
  def({
    row: 21,
    field: "hostname",
    suffix: "hostname",
    group: "instance",
    meaning: "Report this hostname instead of an IP in the Service status.",
    codec: {
      values: "RFC 1123 hostname",
      parse: (raw) =>
        isRfc1123Hostname(raw) ? ok(raw) : bad("is not an RFC 1123 hostname; allowed e.g. www.example.com"),
    },
    defaultText: "—",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "— (status only)",
  }),
  // ---- §1.2 listener
  def({
    row: 22,
    field: "protocolPort",
    suffix: "protocol-port",
    group: "listener",
    meaning:
      "Map a Service port to a listener protocol; entries for ports not in spec.ports are ignored (warning).",
    codec: protocolPortCodec,
    defaultText: "the port's own protocol",
    mutability: "mutable",
    protocols: "all",
    apiField: "Create{TCP,UDP,HTTP,HTTPS}Listener (protocol change recreates the listener)",
    notes: `udp ports ${RESERVED_UDP_PORTS.join(", ")} are reserved`,
    vendorAliases: [{ key: "kubernetes.io/elb.protocol-port", source: "CTyun CCE" }],
  }),
  def({
    row: 23,
    field: "certId",
    suffix: "cert-id",
    group: "listener",
    meaning: "Server certificate of the https listeners.",
    codec: idCodec("certificate id"),
    defaultText: "—",
    mutability: "mutable",
    protocols: ["https"],
    apiField: "ServerCertificateId",
    notes: "required when any port resolves to https",
    vendorAliases: [{ key: "kubernetes.io/elb.cert-id", source: "CTyun CCE" }],
  }),
  def({
    row: 24,
    field: "tlsCipherPolicy",
    suffix: "tls-cipher-policy",
    group: "listener",
    meaning: "TLS cipher policy.",
    codec: enumCodec<TlsCipherPolicy>([
      "tls_cipher_policy_1_0",
      "tls_cipher_policy_1_1",
      "tls_cipher_policy_1_2",
      "tls_cipher_policy_1_2_strict",
      "tls_cipher_policy_1_2_strict_with_1_3",
    ]),
    defaultText: "CLB default (`tls_cipher_policy_1_0`)",
    mutability: "mutable",
    protocols: ["https"],
    apiField: "TLSCipherPolicy",
  }),
  def({
    row: 25,
    field: "http2Enabled",
    suffix: "http2-enabled",
    group: "listener",
    meaning: "HTTP/2.",
    codec: onOff,
    defaultText: "CLB default (`on`)",
    mutability: "mutable",
    protocols: ["https"],
    apiField: "EnableHttp2",
  }),
  def({
    row: 26,
    field: "forwardPort",
    suffix: "forward-port",
    group: "listener",
    meaning: "Redirect an HTTP listener to an HTTPS listener (a change recreates the HTTP listener).",
    codec: forwardPortCodec,
    defaultText: "—",
    mutability: "mutable",
    protocols: ["http"],
    apiField: "ListenerForward=on, ForwardPort",
    notes: "left side must resolve to an http listener, right side to an https listener of this Service",
  }),
  def({
    row: 27,
    field: "scheduler",
    suffix: "scheduler",
    group: "listener",
    meaning: "Balancing algorithm.",
    codec: enumCodec<Scheduler>(["rr", "wrr", "wlc", "sch", "tch", "qch"]),
    defaultText: "`rr` (set at listener creation)",
    mutability: "mutable",
    protocols: "all",
    apiField: "Scheduler",
    notes: "sch/tch only on tcp/udp listeners; qch only on udp listeners",
  }),
  def({
    row: 28,
    field: "persistenceTimeoutSeconds",
    suffix: "persistence-timeout",
    group: "listener",
    meaning: "L4 session persistence in seconds (0 = off).",
    codec: intCodec(0, 3600),
    defaultText: "`0`",
    mutability: "mutable",
    protocols: ["tcp"],
    apiField: "PersistenceTimeout",
  }),
  def({
    row: 29,
    field: "establishedTimeoutSeconds",
    suffix: "established-timeout",
    group: "listener",
    meaning: "TCP connection timeout in seconds.",
    codec: intCodec(10, 900),
    defaultText: "CLB default 900",
    mutability: "mutable",
    protocols: ["tcp"],
    apiField: "EstablishedTimeout",
  }),
  def({
    row: 30,
    field: "idleTimeoutSeconds",
    suffix: "idle-timeout",
    group: "listener",
    meaning: "HTTP keepalive idle timeout in seconds.",
    codec: intCodec(1, 60),
    defaultText: "CLB default 15",
    mutability: "mutable",
    protocols: L7,
    apiField: "IdleTimeout",
  }),
  def({
    row: 31,
    field: "requestTimeoutSeconds",
    suffix: "request-timeout",
    group: "listener",
    meaning: "HTTP request timeout in seconds.",
    codec: intCodec(1, 180),
    defaultText: "CLB default 60",
    mutability: "mutable",
    protocols: L7,
    apiField: "RequestTimeout",
  }),
  def({
    row: 32,
    field: "stickySession",
    suffix: "sticky-session",
    group: "listener",
    meaning: "L7 session persistence.",
    codec: onOff,
    defaultText: "`off` (set at listener creation)",
    mutability: "mutable",
    protocols: L7,
    apiField: "StickySession",
    notes: "`on` requires sticky-session-type, and cookie-timeout (insert) or cookie (server)",
  }),
  def({
    row: 33,
    field: "stickySessionType",
    suffix: "sticky-session-type",
    group: "listener",
    meaning: "Cookie handling.",
    codec: enumCodec(["insert", "server"] as const),
    defaultText: "—",
    mutability: "mutable",
    protocols: L7,
    apiField: "StickySessionType",
  }),
  def({
    row: 34,
    field: "cookieTimeoutSeconds",
    suffix: "cookie-timeout",
    group: "listener",
    meaning: "Inserted-cookie TTL in seconds.",
    codec: intCodec(1, 86400),
    defaultText: "—",
    mutability: "mutable",
    protocols: L7,
    apiField: "CookieTimeout",
  }),
  def({
    row: 35,
    field: "cookie",
    suffix: "cookie",
    group: "listener",
    meaning: "Server cookie name.",
    codec: patternCodec(/^[A-Za-z0-9_-]{1,200}$/, "1-200 of `A-Z a-z 0-9 _ -`", "a valid cookie name"),
    defaultText: "—",
    mutability: "mutable",
    protocols: L7,
    apiField: "Cookie",
  }),
  def({
    row: 36,
    field: "aclStatus",
    suffix: "acl-status",
    group: "listener",
    meaning: "Enable access control.",
    codec: onOff,
    defaultText: "`off`",
    mutability: "mutable",
    protocols: "all",
    apiField: "AclStatus",
    notes: "`on` requires acl-id and acl-type",
  }),
  def({
    row: 37,
    field: "aclIds",
    suffix: "acl-id",
    group: "listener",
    meaning: "ACL id(s), compared as a set.",
    codec: aclIdsCodec,
    defaultText: "—",
    mutability: "mutable",
    protocols: "all",
    apiField: "AclId",
  }),
  def({
    row: 38,
    field: "aclType",
    suffix: "acl-type",
    group: "listener",
    meaning: "Whitelist or blacklist.",
    codec: enumCodec(["white", "black"] as const),
    defaultText: "—",
    mutability: "mutable",
    protocols: "all",
    apiField: "AclType",
  }),
  def({
    row: 39,
    field: "connectionDrain",
    suffix: "connection-drain",
    group: "listener",
    meaning: "Connection draining.",
    codec: onOff,
    defaultText: "CLB default `off`",
    mutability: "mutable",
    protocols: L4,
    apiField: "ConnectionDrain",
    notes: "`on` requires connection-drain-timeout",
  }),
  def({
    row: 40,
    field: "connectionDrainTimeoutSeconds",
    suffix: "connection-drain-timeout",
    group: "listener",
    meaning: "Drain timeout in seconds (applied only while draining is on).",
    codec: intCodec(10, 900),
    defaultText: "—",
    mutability: "mutable",
    protocols: L4,
    apiField: "ConnectionDrainTimeout",
  }),
  def({
    row: 41,
    field: "xForwardedForProto",
    suffix: "xforwardedfor-proto",
    group: "listener",
    meaning: "Add X-Forwarded-Proto.",
    codec: onOff,
    defaultText: "`off`",
    mutability: "mutable",
    protocols: L7,
    apiField: "XForwardedFor_proto",
  }),
  def({
    row: 42,
    field: "xForwardedForSlbPort",
    suffix: "xforwardedfor-slbport",
    group: "listener",
    meaning: "Add X-Forwarded-Port.",
    codec: onOff,
    defaultText: "`off`",
    mutability: "mutable",
    protocols: L7,
    apiField: "XForwardedFor_SLBPORT",
  }),
  def({
    row: 43,
    field: "xForwardedForClientSrcPort",
    suffix: "xforwardedfor-clientsrcport",
    group: "listener",
    meaning: "Add X-Forwarded-Client-srcport.",
    codec: onOff,
    defaultText: "`off`",
    mutability: "mutable",
    protocols: L7,
    apiField: "XForwardedFor_ClientSrcPort",
  }),
  def({
    row: 44,
    field: "proxyProtocol",
    suffix: "proxy-protocol",
    group: "listener",
    meaning: "Proxy Protocol v2.",
    codec: onOff,
    defaultText: "`off`",
    mutability: "mutable",
    protocols: L4,
    apiField: "ProxyProtocolV2Enabled",
  }),
  def({
    row: 45,
    field: "domainExtensions",
    suffix: "domain-extensions",
    group: "listener",
    meaning: "Extra SNI certificates.",
    codec: domainExtensionsCodec,
    defaultText: "—",
    mutability: "mutable",
    protocols: ["https"],
    apiField: "CreateDomainExtension / SetDomainExtensionAttribute / DeleteDomainExtension",
    notes:
      "needs at least one https listener; applied to every https listener of the Service (on a reused SLB only with force-override-listeners); a changed certificate updates the extension in place; only extensions the operator added are deleted when they leave the annotation",
  }),
  def({
    row: 46,
    field: "healthCheckFlag",
    suffix: "health-check-flag",
    group: "listener",
    meaning: "L7 health check switch.",
    codec: onOff,
    defaultText: "`off`",
    mutability: "mutable",
    protocols: L7,
    apiField: "HealthCheck",
  }),
  def({
    row: 47,
    field: "healthCheckSwitch",
    suffix: "health-check-switch",
    group: "listener",
    meaning: "L4 health check switch.",
    codec: onOff,
    defaultText: "CLB default `on`",
    mutability: "mutable",
    protocols: L4,
    apiField: "HealthCheckSwitch",
  }),
  def({
    row: 48,
    field: "healthCheckType",
    suffix: "health-check-type",
    group: "listener",
    meaning: "L4 health check method.",
    codec: enumCodec(["tcp", "http"] as const),
    defaultText: "`tcp`",
    mutability: "mutable",
    protocols: ["tcp"],
    apiField: "HealthCheckType",
  }),
  def({
    row: 49,
    field: "healthCheckUri",
    suffix: "health-check-uri",
    group: "listener",
    meaning: "HTTP health check path.",
    codec: patternCodec(
      /^\/\S{0,79}$/,
      "path starting with `/`, 1-80 characters, no whitespace",
      "a valid path",
    ),
    defaultText: "—",
    mutability: "mutable",
    protocols: ["http", "https", "tcp"],
    apiField: "HealthCheckURI",
  }),
  def({
    row: 50,
    field: "healthCheckDomain",
    suffix: "health-check-domain",
    group: "listener",
    meaning: "HTTP health check Host header.",
    codec: patternCodec(/^(\$_ip|[A-Za-z0-9.-]{1,80})$/, "`$_ip` or `[A-Za-z0-9.-]{1,80}`", "a valid domain"),
    defaultText: "backend private IP",
    mutability: "mutable",
    protocols: ["http", "https", "tcp"],
    apiField: "HealthCheckDomain",
  }),
  def({
    row: 51,
    field: "healthCheckHttpCodes",
    suffix: "health-check-httpcode",
    group: "listener",
    meaning: "Status classes counted as healthy.",
    codec: httpCodesCodec,
    defaultText: "`http_2xx`",
    mutability: "mutable",
    protocols: ["http", "https", "tcp"],
    apiField: "HealthCheckHttpCode",
  }),
  def({
    row: 52,
    field: "healthCheckConnectPort",
    suffix: "health-check-connect-port",
    group: "listener",
    meaning: "Health check port (-520: the backend port).",
    codec: intCodec(1, 65535, [-520]),
    defaultText: "the backend port",
    mutability: "mutable",
    protocols: "all",
    apiField: "HealthCheckConnectPort",
  }),
  def({
    row: 53,
    field: "healthyThreshold",
    suffix: "healthy-threshold",
    group: "listener",
    meaning: "Successes before a backend is healthy.",
    codec: intCodec(2, 10),
    defaultText: "`3`",
    mutability: "mutable",
    protocols: "all",
    apiField: "HealthyThreshold",
  }),
  def({
    row: 54,
    field: "unhealthyThreshold",
    suffix: "unhealthy-threshold",
    group: "listener",
    meaning: "Failures before a backend is unhealthy.",
    codec: intCodec(2, 10),
    defaultText: "`3`",
    mutability: "mutable",
    protocols: "all",
    apiField: "UnhealthyThreshold",
  }),
  def({
    row: 55,
    field: "healthCheckIntervalSeconds",
    suffix: "health-check-interval",
    group: "listener",
    meaning: "Health check interval in seconds.",
    codec: intCodec(1, 50),
    defaultText: "`2`",
    mutability: "mutable",
    protocols: "all",
    apiField: "HealthCheckInterval",
  }),
  def({
    row: 56,
    field: "healthCheckConnectTimeoutSeconds",
    suffix: "health-check-connect-timeout",
    group: "listener",
    meaning: "L4 health check timeout in seconds (the cloud uses the interval if it is smaller).",
    codec: intCodec(1, 300),
    defaultText: "`5`",
    mutability: "mutable",
    protocols: L4,
    apiField: "HealthCheckConnectTimeout",
  }),
  def({
    row: 57,
    field: "healthCheckTimeoutSeconds",
    suffix: "health-check-timeout",
    group: "listener",
    meaning: "L7 health check timeout in seconds (the cloud uses the interval if it is smaller).",
    codec: intCodec(1, 300),
    defaultText: "`5`",
    mutability: "mutable",
    protocols: L7,
    apiField: "HealthCheckTimeout",
  }),
  def({
    row: 58,
    field: "healthCheckMethod",
    suffix: "health-check-method",
    group: "listener",
    meaning: "L7 health check method.",
    codec: enumCodec(["head", "get"] as const),
    defaultText: "CLB default `head`",
    mutability: "mutable",
    protocols: L7,
    apiField: "HealthCheckMethod",
  }),
  // ---- §1.3 backend
  def({
    row: 59,
    field: "backendLabel",
    suffix: "backend-label",
    group: "backend",
    meaning: "Only nodes carrying all these labels become backends.",
    codec: backendLabelCodec,
    defaultText: "all nodes",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "vserver group backends",
  }),
  def({
    row: 60,
    field: "removeUnscheduledBackend",
    suffix: "remove-unscheduled-backend",
    group: "backend",
    meaning: "Drop cordoned (unschedulable) nodes.",
    codec: onOff,
    defaultText: "`off`",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "vserver group backends",
  }),
  def({
    row: 61,
    field: "backendType",
    suffix: "backend-type",
    fullKey: "service.beta.kubernetes.io/backend-type",
    group: "backend",
    meaning: "Attach nodes (ecs) or pod ENIs (eni).",
    codec: enumCodec(["eni", "ecs"] as const),
    defaultText: "cloud-config `Global.ServiceBackendType`",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "backend Type",
    notes:
      "eni: ServerId is the ENI carrying the pod IP (DescribeNetworkInterfaces in the VPC ALIBABA_CLOUD_VPC_ID); pod IPs outside the VPC are skipped, in-VPC IPs without an ENI fail the sync until it exists",
    vendorAliases: [
      {
        key: "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type",
        valueMap: { instance: "ecs", ip: "eni" },
        source: "AWS EKS",
      },
    ],
  }),
  def({
    row: 62,
    field: "backendIpVersion",
    suffix: "backend-ip-version",
    group: "backend",
    meaning: "Backend IP family (ipv6 needs ip-version ipv6).",
    codec: enumCodec(["ipv4", "ipv6"] as const),
    defaultText: "`ipv4`",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "backend IPs",
    notes:
      "ipv6 with ip-version ipv6: the Service's IPv6 EndpointSlices (ENIs found by Ipv6Address); otherwise IPv4 (the webhook warns)",
  }),
  def({
    row: 63,
    field: "vgroupPort",
    suffix: "vgroup-port",
    group: "backend",
    meaning: "Bind user-managed vserver groups of a reused SLB.",
    codec: vgroupPortCodec,
    defaultText: "—",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "vserver group of the listener",
    notes: "requires id (R4)",
  }),
  def({
    row: 64,
    field: "weight",
    suffix: "weight",
    group: "backend",
    meaning: "Total weight across backends (only with vgroup-port on a reused SLB).",
    codec: intCodec(0, 100),
    defaultText: "—",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "backend weights",
  }),
  def({
    row: 65,
    field: "defaultWeight",
    suffix: "default-weight",
    group: "backend",
    meaning: "Per-backend weight.",
    codec: intCodec(0, 100),
    defaultText: "`100`",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "backend weights",
  }),
  def({
    row: 66,
    field: "ignoreWeightUpdate",
    suffix: "ignore-weight-update",
    group: "backend",
    meaning: "Never push weight-only changes.",
    codec: enumCodec<OnOff>(["on", "off"], true),
    defaultText: "`off`",
    mutability: "mutable",
    protocols: "n/a",
    apiField: "SetVServerGroupAttribute weight diffs",
  }),
];

const BY_FIELD = new Map<ClbAnnotationField, AnyAnnotationDef>(CLB_ANNOTATIONS.map((d) => [d.field, d]));

export function annotationDef<F extends ClbAnnotationField>(field: F): AnnotationDef<F> {
  return BY_FIELD.get(field) as AnnotationDef<F>;
}

/** Canonical key of a field, for messages and for the keys the mutating webhook writes. */
export function annotationKey(field: ClbAnnotationField): string {
  return annotationDef(field).key;
}

// ---------------------------------------------------------------- lookup

export interface AnnotationLookup {
  /** The key as written on the object. */
  key: string;
  via: "canonical" | "legacy" | "vendor";
  /** Raw value; not necessarily a string when the caller passed garbage. */
  raw: unknown;
  alias?: VendorAlias;
}

type AnnotationMap = Readonly<Record<string, unknown>>;

function hasOwn(o: AnnotationMap, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Finds the effective spelling of an annotation: canonical, then legacy, then vendor aliases (§0, §8). */
export function lookupAnnotation(
  annotations: AnnotationMap | undefined,
  d: Pick<AnyAnnotationDef, "key" | "legacyKey" | "vendorAliases">,
): AnnotationLookup | undefined {
  if (!annotations || typeof annotations !== "object") return undefined;
  if (hasOwn(annotations, d.key)) return { key: d.key, via: "canonical", raw: annotations[d.key] };
  if (d.legacyKey && hasOwn(annotations, d.legacyKey))
    return { key: d.legacyKey, via: "legacy", raw: annotations[d.legacyKey] };
  for (const alias of d.vendorAliases ?? []) {
    if (hasOwn(annotations, alias.key))
      return { key: alias.key, via: "vendor", raw: annotations[alias.key], alias };
  }
  return undefined;
}

/**
 * Every spelling (canonical, legacy, vendor) of every field. Admission runs on each Service write,
 * so parsing walks the object's own keys (a handful) through this index instead of probing 66 rows
 * three ways each: a probe per row costs ~150 ns in V8 (the row objects differ in shape).
 */
const FIELD_BY_SPELLING: ReadonlyMap<string, ClbAnnotationField> = new Map(
  CLB_ANNOTATIONS.flatMap((d) =>
    [d.key, d.legacyKey, ...(d.vendorAliases ?? []).map((a) => a.key)]
      .filter((k): k is string => typeof k === "string")
      .map((k) => [k, d.field] as const),
  ),
);

/** The fields that have at least one spelling among the map's own keys. */
export function fieldsPresent(annotations: AnnotationMap | undefined): Set<ClbAnnotationField> {
  const fields = new Set<ClbAnnotationField>();
  if (!annotations || typeof annotations !== "object") return fields;
  for (const k of Object.keys(annotations)) {
    const field = FIELD_BY_SPELLING.get(k);
    if (field) fields.add(field);
  }
  return fields;
}

/** Effective raw string value in our vocabulary (vendor values mapped); undefined when absent or unusable. */
export function effectiveRawValue(
  annotations: AnnotationMap | undefined,
  field: ClbAnnotationField,
): string | undefined {
  const hit = lookupAnnotation(annotations, annotationDef(field));
  if (!hit || typeof hit.raw !== "string") return undefined;
  return mapVendorValue(hit) ?? undefined;
}

function mapVendorValue(hit: AnnotationLookup): string | null {
  const raw = hit.raw as string;
  if (hit.via !== "vendor" || !hit.alias?.valueMap) return raw;
  return Object.prototype.hasOwnProperty.call(hit.alias.valueMap, raw) ? hit.alias.valueMap[raw] : null;
}

export function formatAnnotationMessage(key: string, value: unknown, problem: string): string {
  return `annotation ${key}: ${quoteValue(value)} ${problem}`;
}

/** Parses one annotation; `undefined` result means absent. */
export function parseAnnotation<F extends ClbAnnotationField>(
  annotations: AnnotationMap | undefined,
  field: F,
):
  | { present: false }
  | { present: true; key: string; value: ClbAnnotationConfig[F] }
  | { present: true; key: string; error: AnnotationError } {
  const d = annotationDef(field);
  const hit = lookupAnnotation(annotations, d);
  if (!hit) return { present: false };
  const fail = (problem: string) => ({
    present: true as const,
    key: hit.key,
    error: {
      key: hit.key,
      field,
      value: quoteValue(hit.raw),
      message: formatAnnotationMessage(hit.key, hit.raw, problem),
    },
  });
  if (typeof hit.raw !== "string") return fail(`is not a string; allowed ${d.codec.values}`);
  if (hit.raw.length === 0) return fail(`is empty; allowed ${d.codec.values}`);
  if (hit.raw.length > MAX_VALUE_CHARS)
    return fail(`is too long (${hit.raw.length} chars); allowed at most ${MAX_VALUE_CHARS} chars`);
  const mapped = mapVendorValue(hit);
  if (mapped === null) {
    const allowed = Object.keys(hit.alias?.valueMap ?? {}).join(", ");
    return fail(`is not allowed; allowed ${allowed}`);
  }
  const r = d.codec.parse(mapped);
  if (!r.ok) return fail(r.problem);
  return { present: true, key: hit.key, value: r.value as ClbAnnotationConfig[F] };
}

/** Parses every CLB annotation. Invalid values are left out of `config` and reported in `errors`. Never throws. */
export function parseClbAnnotations(
  // Record<string, string> in practice; unknown values are accepted (and reported) so admission can pass raw input.
  annotations: Readonly<Record<string, string>> | Readonly<Record<string, unknown>> | undefined,
): {
  config: ClbAnnotationConfig;
  errors: AnnotationError[];
} {
  const config: ClbAnnotationConfig = {};
  const errors: AnnotationError[] = [];
  const map: AnnotationMap | undefined =
    annotations && typeof annotations === "object" ? annotations : undefined;
  let present: Set<ClbAnnotationField>;
  try {
    present = fieldsPresent(map);
  } catch {
    present = new Set(CLB_ANNOTATIONS.map((d) => d.field)); // a hostile object: let each read report
  }
  for (const d of CLB_ANNOTATIONS) {
    if (!present.has(d.field)) continue;
    try {
      const r = parseAnnotation(map, d.field);
      if (!r.present) continue;
      if ("error" in r) errors.push(r.error);
      else (config as Record<string, unknown>)[d.field] = r.value;
    } catch (e) {
      // defensive: a getter on a hostile object must not break admission
      errors.push({
        key: d.key,
        field: d.field,
        value: "",
        message: `annotation ${d.key}: could not be read (${String(e)})`,
      });
    }
  }
  return { config, errors };
}

// ---------------------------------------------------------------- Service helpers

function recordOf(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** metadata.annotations as a plain map (values may still be non-strings on hostile input). */
export function serviceAnnotations(svc: unknown): Record<string, unknown> {
  return recordOf(recordOf(recordOf(svc)?.metadata)?.annotations) ?? {};
}

/** Only the string-valued annotations, for parseClbAnnotations. */
export function stringAnnotations(svc: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(serviceAnnotations(svc))) if (typeof v === "string") out[k] = v;
  return out;
}

function hasRoutingKey(annotations: Record<string, unknown>, suffix: string): boolean {
  return (
    hasOwn(annotations, ANNOTATION_PREFIX + suffix) || hasOwn(annotations, LEGACY_ANNOTATION_PREFIX + suffix)
  );
}

/** §0: type LoadBalancer, no loadBalancerClass, no non-empty `service.beta.kubernetes.io/class`, no tunnel-type, no `P`+type. */
export function isClbManagedService(svc: unknown): boolean {
  try {
    const spec = recordOf(recordOf(svc)?.spec);
    if (!spec || spec.type !== "LoadBalancer") return false;
    if (spec.loadBalancerClass !== undefined && spec.loadBalancerClass !== null) return false;
    const annotations = serviceAnnotations(svc);
    const cls = annotations[SERVICE_CLASS_ANNOTATION];
    if (cls !== undefined && cls !== null && cls !== "") return false;
    if (hasRoutingKey(annotations, ROUTING_SUFFIXES.tunnelType)) return false;
    if (hasRoutingKey(annotations, ROUTING_SUFFIXES.lbType)) return false;
    return true;
  } catch {
    return false;
  }
}

export interface ResolvedListenerPort {
  /** Index in spec.ports. */
  index: number;
  name?: string;
  port: number;
  protocol: ListenerProtocol;
  /** Where the protocol came from. */
  source: "protocol-port" | "spec";
  /** spec.ports[].protocol as written (default TCP). */
  specProtocol: string;
  nodePort?: number;
  targetPort?: number | string;
}

/**
 * Listener protocol per Service port: the protocol-port entry for that port, else spec.ports[].protocol
 * lowercased (§1.2). Ports without a valid number, or with a protocol CLB cannot serve (SCTP), are left out.
 */
export function resolveListenerProtocols(svc: unknown, config?: ClbAnnotationConfig): ResolvedListenerPort[] {
  const out: ResolvedListenerPort[] = [];
  try {
    const cfg = config ?? parseClbAnnotations(stringAnnotations(svc)).config;
    const ports = recordOf(recordOf(svc)?.spec)?.ports;
    if (!Array.isArray(ports)) return out;
    ports.forEach((raw, index) => {
      const p = recordOf(raw);
      if (!p) return;
      const port = p.port;
      if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) return;
      const specProtocol = typeof p.protocol === "string" && p.protocol !== "" ? p.protocol : "TCP";
      const mapped = cfg.protocolPort?.find((e) => e.port === port);
      const fromSpec = LISTENER_PROTOCOLS.find((x) => x === specProtocol.toLowerCase());
      const protocol = mapped?.protocol ?? fromSpec;
      if (!protocol) return;
      const entry: ResolvedListenerPort = {
        index,
        port,
        protocol,
        source: mapped ? "protocol-port" : "spec",
        specProtocol,
      };
      if (typeof p.name === "string") entry.name = p.name;
      if (typeof p.nodePort === "number") entry.nodePort = p.nodePort;
      if (typeof p.targetPort === "number" || typeof p.targetPort === "string")
        entry.targetPort = p.targetPort;
      out.push(entry);
    });
  } catch {
    // hostile input: return what we have
  }
  return out;
}

/** Listener key transport (R2): TCP for tcp/http/https, UDP for udp. */
export function listenerTransport(protocol: ListenerProtocol): "TCP" | "UDP" {
  return protocol === "udp" ? "UDP" : "TCP";
}

// ---------------------------------------------------------------- reuse rules (doc text, §2.5)

/** Reuse rules for `P`+id; R1-R4 are enforced by validateService, R5 by the reconciler, R6 by mutateService. */
export const REUSE_RULES: ReadonlyArray<{ id: string; title: string; text: string; enforcedBy: string }> = [
  {
    id: "R1",
    title: "Not controller-owned",
    text: "An `id` of X is rejected if another Service in any namespace has the label `service.k8s.alibaba/loadbalancer-id=X` and no `id` annotation itself (the controller created that SLB for it).",
    enforcedBy: "validating webhook",
  },
  {
    id: "R2",
    title: "No listener-port overlap on a shared SLB",
    text: "Rejected if another Service has the same `id` and both share a listener key (port, transport); transport is TCP for tcp/http/https and UDP for udp, so TCP:80 and UDP:80 can coexist. Applies regardless of `force-override-listeners`.",
    enforcedBy: "validating webhook",
  },
  {
    id: "R3",
    title: "`id` is immutable",
    text: "On UPDATE, adding, changing or removing `id` is rejected while the old object has a non-empty `status.loadBalancer.ingress` or the label `service.k8s.alibaba/loadbalancer-id`.",
    enforcedBy: "validating webhook",
  },
  {
    id: "R4",
    title: "`vgroup-port` needs `id`",
    text: "`vgroup-port` without `id` is rejected; `weight` without `vgroup-port` is admitted with a warning and has no effect.",
    enforcedBy: "validating webhook",
  },
  {
    id: "R5",
    title: "Reused-SLB immutables",
    text: "If `address-type`, `ip-version`, `resource-group-id`, `master-zoneid` or `slave-zoneid` is set on a reused SLB it must match the SLB; otherwise a `SyncLoadBalancerFailed` warning event is emitted and the Service is requeued.",
    enforcedBy: "reconciler, needs the cloud",
  },
  {
    id: "R6",
    title: "No default annotations on a reused SLB",
    text: "When `id` is present the mutating webhook adds none of the `address-type`, `ip-version`, `delete-protection`, `modification-protection` defaults.",
    enforcedBy: "mutating webhook",
  },
];

/** The SLB id a Service asks to reuse, in any spelling (canonical, legacy, vendor alias); undefined when absent or invalid. */
export function requestedLoadBalancerId(svc: unknown): string | undefined {
  const r = parseAnnotation(serviceAnnotations(svc), "loadBalancerId");
  return r.present && "value" in r ? r.value : undefined;
}
