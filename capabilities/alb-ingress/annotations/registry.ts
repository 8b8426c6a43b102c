// The ALB Ingress annotations (docs/alb-ingress.md §4) as one registry: a row per key drives parsing
// (parseAlbIngressAnnotations), the admission rules (../admission/rules.ts), the controller's model and the
// generated docs (docs/annotations.md). Pure: no I/O, and no function throws on any input.
import {
  boolCodec,
  enumCodec,
  idCodec,
  intCodec,
  lengthCodec,
  patternCodec,
} from "../../../src/annotations/codec";
import {
  defineRegistry,
  type AnnotationError as RegistryAnnotationError,
  type AnnotationMap,
  type RowSpecOf,
  type VendorAlias,
} from "../../../src/annotations/registry";
import { ALB_INGRESS_DEFAULTS } from "../../../src/config";
import {
  accessLogCodec,
  actionsCodec,
  conditionsCodec,
  HEALTH_CHECK_PATH,
  healthCheckCodesCodec,
  listenPortsCodec,
  trimmedListCodec,
  vSwitchIdsCodec,
} from "./codecs";
import type { AlbAnnotationTypes, AlbIngressConfig, AlbIngressField } from "./types";

/** Every ALB Ingress key starts with this. */
export const ALB_ANNOTATION_PREFIX = "alb.ingress.kubernetes.io/";
/** The ingress-nginx prefix whose canary and ssl-redirect keys are accepted as aliases. */
export const NGINX_ANNOTATION_PREFIX = "nginx.ingress.kubernetes.io/";

export type AlbAnnotationError = RegistryAnnotationError<AlbIngressField>;

const nginx = (suffix: string): VendorAlias => ({
  key: NGINX_ANNOTATION_PREFIX + suffix,
  source: "ingress-nginx",
});

const ALB_ROWS: readonly RowSpecOf<AlbAnnotationTypes>[] = [
  // ---- group membership and order
  {
    field: "albConfigName",
    suffix: "albconfig.name",
    group: "group",
    meaning:
      "The AlbConfig (group) of the Ingress; takes precedence over the IngressClass parameters (legacy).",
    codec: patternCodec(
      /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/,
      "an AlbConfig name (DNS subdomain)",
      "a valid AlbConfig name",
    ),
    defaultText: "the IngressClass `parameters.name`",
    mutability: "mutable",
  },
  {
    field: "order",
    suffix: "order",
    group: "group",
    meaning: "Position of the Ingress's rules in its AlbConfig: lower first; ties by namespace/name.",
    codec: intCodec(ALB_INGRESS_DEFAULTS.order.min, ALB_INGRESS_DEFAULTS.order.max),
    defaultText: `\`${ALB_INGRESS_DEFAULTS.order.default}\` (never written by the webhook)`,
    default: ALB_INGRESS_DEFAULTS.order.default,
    mutability: "mutable",
    notes: "an explicit order must be unique among the Ingresses of one AlbConfig",
    vendorAliases: [
      { key: `${ALB_ANNOTATION_PREFIX}albconfig.order`, source: "ALB controller (legacy spelling)" },
    ],
  },
  // ---- listeners and routing
  {
    field: "listenPorts",
    suffix: "listen-ports",
    group: "routing",
    meaning: "The listeners the Ingress's rules go on.",
    codec: listenPortsCodec,
    defaultText: '`[{"HTTP":80}]`; `[{"HTTPS":443}]` when every host has TLS; both when some do',
    mutability: "mutable",
    notes: "with backend-protocol grpc only HTTPS (and HTTP 80 with ssl-redirect)",
  },
  {
    field: "sslRedirect",
    suffix: "ssl-redirect",
    group: "routing",
    meaning: "Redirect HTTP requests to HTTPS 443 (code 308); adds an HTTP 80 listener.",
    codec: boolCodec(),
    defaultText: "`false`",
    mutability: "mutable",
    vendorAliases: [nginx("ssl-redirect")],
  },
  {
    field: "backendProtocol",
    suffix: "backend-protocol",
    group: "routing",
    meaning: "Protocol from the ALB to the backends.",
    codec: enumCodec(["http", "https", "grpc"] as const),
    defaultText: "`http`",
    mutability: "immutable",
    notes: "grpc needs spec.tls; delete and re-create the Ingress to change it",
  },
  {
    field: "rewriteTarget",
    suffix: "rewrite-target",
    group: "routing",
    meaning: "Rewrite the request path (may use `${1}`..`${3}` capture groups of a regex path).",
    codec: patternCodec(/^\/[^\s]{0,127}$/, "a path starting with `/`, up to 128 characters", "a valid path"),
    defaultText: "—",
    mutability: "mutable",
    notes: "capture groups need pathType Prefix",
  },
  {
    field: "useRegex",
    suffix: "use-regex",
    group: "routing",
    meaning: "Treat Prefix paths as regular expressions (`~*` patterns).",
    codec: boolCodec(),
    defaultText: "`false`",
    mutability: "mutable",
    notes: "only with pathType Prefix",
  },
  // ---- health check
  {
    field: "healthCheckEnabled",
    suffix: "healthcheck-enabled",
    group: "health-check",
    meaning: "Health checks of the server groups.",
    codec: boolCodec(),
    defaultText: "`false` (the code's default; docs/alb-ingress.md decision D1)",
    mutability: "mutable",
  },
  {
    field: "healthCheckPath",
    suffix: "healthcheck-path",
    group: "health-check",
    meaning: "Path of HTTP health checks.",
    codec: patternCodec(
      HEALTH_CHECK_PATH,
      "path starting with `/`, 1-80 characters",
      "a valid health-check path",
    ),
    defaultText: "`/`",
    mutability: "mutable",
  },
  {
    field: "healthCheckProtocol",
    suffix: "healthcheck-protocol",
    group: "health-check",
    meaning: "Health-check protocol.",
    codec: enumCodec(["HTTP", "TCP", "GRPC"] as const),
    defaultText: "`HTTP`",
    mutability: "mutable",
  },
  {
    field: "healthCheckMethod",
    suffix: "healthcheck-method",
    group: "health-check",
    meaning: "Health-check request method.",
    codec: enumCodec(["HEAD", "GET", "POST"] as const),
    defaultText: "`HEAD`",
    mutability: "mutable",
  },
  {
    field: "healthCheckHttpCodes",
    suffix: "healthcheck-httpcode",
    group: "health-check",
    meaning: "Status codes that count as healthy.",
    codec: healthCheckCodesCodec,
    defaultText: "`http_2xx`",
    mutability: "mutable",
    notes: "http_Nxx with HTTP; 0-99 codes and ranges with GRPC",
  },
  {
    field: "healthCheckTimeoutSeconds",
    suffix: "healthcheck-timeout-seconds",
    group: "health-check",
    meaning: "Seconds to wait for a health-check response.",
    codec: intCodec(1, 300),
    defaultText: "`5`",
    mutability: "mutable",
  },
  {
    field: "healthCheckIntervalSeconds",
    suffix: "healthcheck-interval-seconds",
    group: "health-check",
    meaning: "Seconds between health checks.",
    codec: intCodec(1, 50),
    defaultText: "`2`",
    mutability: "mutable",
  },
  {
    field: "healthyThreshold",
    suffix: "healthy-threshold-count",
    group: "health-check",
    meaning: "Successes in a row before a backend counts as healthy.",
    codec: intCodec(2, 10),
    defaultText: "`3`",
    mutability: "mutable",
  },
  {
    field: "unhealthyThreshold",
    suffix: "unhealthy-threshold-count",
    group: "health-check",
    meaning: "Failures in a row before a backend counts as unhealthy.",
    codec: intCodec(2, 10),
    defaultText: "`3`",
    mutability: "mutable",
  },
  {
    field: "healthCheckConnectPort",
    suffix: "healthcheck-connect-port",
    group: "health-check",
    meaning: "Port health checks go to; 0 is the backend port.",
    codec: intCodec(0, 65535),
    defaultText: "`0`",
    mutability: "mutable",
  },
  // ---- canary
  {
    field: "canary",
    suffix: "canary",
    group: "canary",
    meaning: "This Ingress is a canary of another Ingress with the same host and path.",
    codec: boolCodec(),
    defaultText: "`false`",
    mutability: "mutable",
    notes: "not together with conditions.<svc>",
    vendorAliases: [nginx("canary")],
  },
  {
    field: "canaryByHeader",
    suffix: "canary-by-header",
    group: "canary",
    meaning: "Requests with this header go to the canary.",
    codec: lengthCodec(1, 40),
    defaultText: "—",
    mutability: "mutable",
    vendorAliases: [nginx("canary-by-header")],
  },
  {
    field: "canaryByHeaderValue",
    suffix: "canary-by-header-value",
    group: "canary",
    meaning: "Value the canary header must have.",
    codec: lengthCodec(1, 128),
    defaultText: "—",
    mutability: "mutable",
    notes: "needs canary-by-header",
    vendorAliases: [nginx("canary-by-header-value")],
  },
  {
    field: "canaryByCookie",
    suffix: "canary-by-cookie",
    group: "canary",
    meaning: "Requests whose cookie of this name is `always` go to the canary.",
    codec: patternCodec(
      /^[A-Za-z0-9_-]{1,100}$/,
      "cookie name of letters, digits, `_` and `-`",
      "a valid cookie name",
    ),
    defaultText: "—",
    mutability: "mutable",
    vendorAliases: [nginx("canary-by-cookie")],
  },
  {
    field: "canaryWeight",
    suffix: "canary-weight",
    group: "canary",
    meaning: "Percentage of requests for the canary (header and cookie take precedence).",
    codec: intCodec(0, 100),
    defaultText: "—",
    mutability: "mutable",
    notes: "the canary weights of one host and path in an AlbConfig add up to at most 100",
    vendorAliases: [nginx("canary-weight")],
  },
  // ---- sessions and backends
  {
    field: "stickySession",
    suffix: "sticky-session",
    group: "backend",
    meaning: "Session persistence.",
    codec: boolCodec(),
    defaultText: "`false`",
    mutability: "mutable",
  },
  {
    field: "stickySessionType",
    suffix: "sticky-session-type",
    group: "backend",
    meaning: "Insert: the ALB sets a cookie; Server: the backend's cookie is used.",
    codec: enumCodec(["Insert", "Server"] as const),
    defaultText: "`Insert`",
    mutability: "mutable",
  },
  {
    field: "cookieTimeoutSeconds",
    suffix: "cookie-timeout",
    group: "backend",
    meaning: "Lifetime of an inserted cookie.",
    codec: intCodec(1, 86400),
    defaultText: "`1000`",
    mutability: "mutable",
  },
  {
    field: "cookie",
    suffix: "cookie",
    group: "backend",
    meaning: "The backend's cookie name (sticky-session-type Server).",
    codec: patternCodec(
      /^[A-Za-z0-9_-]{1,200}$/,
      "cookie name of letters, digits, `_` and `-`",
      "a valid cookie name",
    ),
    defaultText: "—",
    mutability: "mutable",
    notes: "required with sticky-session-type Server",
  },
  {
    field: "backendScheduler",
    suffix: "backend-scheduler",
    group: "backend",
    meaning: "Scheduling algorithm of the server groups.",
    codec: enumCodec(["wrr", "wlc", "sch", "uch"] as const),
    defaultText: "`wrr`",
    mutability: "mutable",
  },
  {
    field: "backendSchedulerUchValue",
    suffix: "backend-scheduler-uch-value",
    group: "backend",
    meaning: "The URL parameter the uch scheduler hashes.",
    codec: lengthCodec(1, 100),
    defaultText: "—",
    mutability: "mutable",
    notes: "needs backend-scheduler uch",
  },
  {
    field: "backendKeepalive",
    suffix: "backend-keepalive",
    group: "backend",
    meaning: "Keep connections to the backends open.",
    codec: boolCodec(),
    defaultText: "`false`",
    mutability: "mutable",
  },
  // ---- CORS
  {
    field: "enableCors",
    suffix: "enable-cors",
    group: "cors",
    meaning: "Answer CORS requests at the ALB.",
    codec: boolCodec(),
    defaultText: "`false`",
    mutability: "mutable",
  },
  {
    field: "corsAllowOrigin",
    suffix: "cors-allow-origin",
    group: "cors",
    meaning: "Allowed origins.",
    codec: trimmedListCodec("comma list of origins"),
    defaultText: "`*`",
    mutability: "mutable",
  },
  {
    field: "corsAllowMethods",
    suffix: "cors-allow-methods",
    group: "cors",
    meaning: "Allowed methods.",
    codec: trimmedListCodec("comma list of methods"),
    defaultText: "`GET, PUT, POST, DELETE, PATCH, OPTIONS`",
    mutability: "mutable",
  },
  {
    field: "corsAllowHeaders",
    suffix: "cors-allow-headers",
    group: "cors",
    meaning: "Allowed request headers.",
    codec: trimmedListCodec("comma list of header names"),
    defaultText:
      "`DNT,X-CustomHeader,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Authorization`",
    mutability: "mutable",
  },
  {
    field: "corsExposeHeaders",
    suffix: "cors-expose-headers",
    group: "cors",
    meaning: "Response headers the browser may read.",
    codec: trimmedListCodec("comma list of header names"),
    defaultText: "none",
    mutability: "mutable",
  },
  {
    field: "corsAllowCredentials",
    suffix: "cors-allow-credentials",
    group: "cors",
    meaning: "Allow credentials.",
    codec: boolCodec(),
    defaultText: "`true`",
    mutability: "mutable",
  },
  {
    field: "corsMaxAgeSeconds",
    suffix: "cors-max-age",
    group: "cors",
    meaning: "How long a preflight answer may be cached.",
    codec: intCodec(-1, 172800),
    defaultText: "`172800`",
    mutability: "mutable",
  },
  // ---- traffic limits
  {
    field: "trafficLimitQps",
    suffix: "traffic-limit-qps",
    group: "traffic-limit",
    meaning: "Requests per second for each rule of the Ingress.",
    codec: intCodec(1, 100000),
    defaultText: "no limit",
    mutability: "mutable",
    notes: "not together with a TrafficLimit custom action",
  },
  {
    field: "trafficLimitIpQps",
    suffix: "traffic-limit-ip-qps",
    group: "traffic-limit",
    meaning: "Requests per second per client IP.",
    codec: intCodec(1, 100000),
    defaultText: "no limit",
    mutability: "mutable",
    notes: "less than traffic-limit-qps when both are set",
  },
  // ---- custom actions and conditions
  {
    field: "actions",
    suffix: "actions.<service>",
    group: "custom",
    meaning: "Custom actions of the rules whose backend is this Service.",
    codec: actionsCodec,
    defaultText: "—",
    mutability: "mutable",
    notes: "backend port name `use-annotation`: no implicit forward to the Service",
  },
  {
    field: "conditions",
    suffix: "conditions.<service>",
    group: "custom",
    meaning: "Extra conditions of the rules whose backend is this Service.",
    codec: conditionsCodec,
    defaultText: "—",
    mutability: "mutable",
    notes: "not together with canary",
  },
  {
    field: "ruleDirection",
    suffix: "rule-direction.<service>",
    group: "custom",
    meaning: "Whether the rules of this Service act on requests or responses.",
    codec: enumCodec(["Request", "Response"] as const),
    defaultText: "`Request`",
    mutability: "mutable",
  },
  // ---- legacy: the auto-created `default` AlbConfig
  {
    field: "legacyLoadBalancerId",
    suffix: "id",
    group: "legacy",
    meaning: "Legacy: ALB to reuse for the `default` AlbConfig.",
    codec: idCodec("`alb-…`"),
    defaultText: "—",
    mutability: "mutable",
  },
  {
    field: "legacyLoadBalancerName",
    suffix: "name",
    group: "legacy",
    meaning: "Legacy: ALB name for the `default` AlbConfig.",
    codec: lengthCodec(2, 128),
    defaultText: "—",
    mutability: "mutable",
  },
  {
    field: "legacyForceOverrideListeners",
    suffix: "force-override-listeners",
    group: "legacy",
    meaning: "Legacy: take over the listeners of a reused ALB.",
    codec: boolCodec(),
    defaultText: "`false`",
    mutability: "mutable",
  },
  {
    field: "legacyAddressType",
    suffix: "address-type",
    group: "legacy",
    meaning: "Legacy: address type of the `default` AlbConfig.",
    codec: enumCodec(["Internet", "Intranet"] as const, true),
    defaultText: "`Internet`",
    mutability: "mutable",
  },
  {
    field: "legacyAddressAllocatedMode",
    suffix: "address-allocated-mode",
    group: "legacy",
    meaning: "Legacy: address allocation of the `default` AlbConfig.",
    codec: enumCodec(["Dynamic", "Fixed"] as const, true),
    defaultText: "`Dynamic`",
    mutability: "mutable",
  },
  {
    field: "legacyChargeType",
    suffix: "charge-type",
    group: "legacy",
    meaning: "Legacy: billing of the `default` AlbConfig.",
    codec: enumCodec(["PostPay"] as const, true),
    defaultText: "`PostPay`",
    mutability: "mutable",
  },
  {
    field: "legacyEdition",
    suffix: "edition",
    group: "legacy",
    meaning: "Legacy: edition of the `default` AlbConfig.",
    codec: enumCodec(["Standard", "StandardWithWaf", "Basic"] as const, true),
    defaultText: "`Standard`",
    mutability: "mutable",
  },
  {
    field: "legacyVSwitchIds",
    suffix: "vswitch-ids",
    group: "legacy",
    meaning: "Legacy: vSwitches (zone mappings) of the `default` AlbConfig.",
    codec: vSwitchIdsCodec,
    defaultText: "—",
    mutability: "mutable",
  },
  {
    field: "legacyAccessLog",
    suffix: "access-log",
    group: "legacy",
    meaning: "Legacy: access log of the `default` AlbConfig.",
    codec: accessLogCodec,
    defaultText: "—",
    mutability: "mutable",
  },
];

export const ALB_REGISTRY = defineRegistry<AlbAnnotationTypes>({
  name: "ALB Ingress",
  prefixes: { current: ALB_ANNOTATION_PREFIX, legacy: [] },
  rows: ALB_ROWS,
});

/** Canonical key of a field (a templated one with `name` filled in), for messages. */
export function albAnnotationKey(field: AlbIngressField, name?: string): string {
  return ALB_REGISTRY.keyOf(field, name);
}

/**
 * Parses every ALB annotation of an Ingress. Invalid values are left out of `config` and reported in
 * `errors` (each message names the key, the value and what is allowed). Never throws.
 */
export function parseAlbIngressAnnotations(annotations: AnnotationMap | undefined): {
  config: AlbIngressConfig;
  errors: AlbAnnotationError[];
} {
  return ALB_REGISTRY.parse(annotations);
}

/** Whether any key of the map belongs to the registry (any spelling). */
export function hasAlbAnnotations(annotations: AnnotationMap | undefined): boolean {
  return ALB_REGISTRY.fieldsPresent(annotations).size > 0;
}
