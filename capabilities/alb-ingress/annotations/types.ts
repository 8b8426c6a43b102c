// The typed view of the ALB Ingress annotations (docs/alb-ingress.md §4) and the JSON shapes of the custom
// actions and conditions the controller builds rules from. Types and constants only; the rows are in
// registry.ts, the value codecs in codecs.ts.
import type { V1Ingress } from "@kubernetes/client-node";
import type { RegistryTypes } from "../../../src/annotations/registry";

export type Ingress = V1Ingress;

export type ListenProtocol = "HTTP" | "HTTPS";
export interface ListenPort {
  protocol: ListenProtocol;
  port: number;
}

export type HealthCheckProtocol = "HTTP" | "TCP" | "GRPC";
export type HealthCheckMethod = "HEAD" | "GET" | "POST";
export type BackendProtocol = "http" | "https" | "grpc";
export type BackendScheduler = "wrr" | "wlc" | "sch" | "uch";
export type StickySessionType = "Insert" | "Server";
export type RuleDirection = "Request" | "Response";

// ---------------------------------------------------------------- custom actions (`actions.<svc>`)

/** Action types, in the spelling of the ALB API; the annotation's `type` is matched case-insensitively. */
export const ACTION_TYPES = [
  "ForwardGroup",
  "FixedResponse",
  "Redirect",
  "InsertHeader",
  "RemoveHeader",
  "TrafficMirror",
  "Rewrite",
  "TrafficLimit",
] as const;
export type AlbActionType = (typeof ACTION_TYPES)[number];
/** Actions that end a rule; a rule has at most one. */
export const FINAL_ACTION_TYPES: readonly AlbActionType[] = ["ForwardGroup", "Redirect", "FixedResponse"];

/** A backend Service port of a forward or mirror action (the controller turns it into a server group). */
export interface ServiceTuple {
  serviceName: string;
  servicePort: number;
  /** 0-100; absent: the ALB default (100). */
  weight?: number;
}

export type AlbAction =
  | {
      type: "ForwardGroup";
      forwardConfig: {
        serverGroups: ServiceTuple[];
        serverGroupStickySession?: { enabled: boolean; timeoutSeconds?: number };
      };
    }
  | { type: "FixedResponse"; fixedResponseConfig: { httpCode: string; contentType: string; content: string } }
  | {
      type: "Redirect";
      /** Every field filled in: absent ones take `${host}`, 301, `${path}`, `${port}`, `${protocol}`, `${query}`. */
      redirectConfig: {
        host: string;
        httpCode: string;
        path: string;
        port: string;
        protocol: string;
        query: string;
      };
    }
  | {
      type: "InsertHeader";
      insertHeaderConfig: {
        key: string;
        value: string;
        valueType: "UserDefined" | "ReferenceHeader" | "SystemDefined";
        coverEnabled: boolean;
      };
    }
  | { type: "RemoveHeader"; removeHeaderConfig: { key: string } }
  | {
      type: "TrafficMirror";
      trafficMirrorConfig: {
        targetType: "ForwardGroupMirror";
        mirrorGroupConfig: { serverGroups: ServiceTuple[] };
      };
    }
  | { type: "Rewrite"; rewriteConfig: { host: string; path: string; query: string } }
  | { type: "TrafficLimit"; trafficLimitConfig: { qps?: number; qpsPerIp?: number } };

// ---------------------------------------------------------------- custom conditions (`conditions.<svc>`)

export const CONDITION_TYPES = [
  "Host",
  "Path",
  "Header",
  "QueryString",
  "Method",
  "Cookie",
  "SourceIp",
  "ResponseHeader",
  "ResponseStatusCode",
] as const;
export type AlbConditionType = (typeof CONDITION_TYPES)[number];

export const HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface KeyValue {
  key: string;
  value: string;
}

export type AlbCondition =
  | { type: "Host"; hostConfig: { values: string[] } }
  | { type: "Path"; pathConfig: { values: string[] } }
  | { type: "Header"; headerConfig: { key: string; values: string[] } }
  | { type: "QueryString"; queryStringConfig: { values: KeyValue[] } }
  | { type: "Method"; methodConfig: { values: HttpMethod[] } }
  | { type: "Cookie"; cookieConfig: { values: KeyValue[] } }
  | { type: "SourceIp"; sourceIpConfig: { values: string[] } }
  | { type: "ResponseHeader"; responseHeaderConfig: { key: string; values: string[] } }
  | { type: "ResponseStatusCode"; responseStatusCodeConfig: { values: string[] } };

// ---------------------------------------------------------------- the typed view

/** Every ALB annotation on one Ingress; a field is absent when its annotation is absent or invalid. */
export interface AlbIngressConfig {
  // group membership and order
  albConfigName?: string;
  order?: number;
  // listeners and routing
  listenPorts?: ListenPort[];
  sslRedirect?: boolean;
  backendProtocol?: BackendProtocol;
  rewriteTarget?: string;
  useRegex?: boolean;
  // health check
  healthCheckEnabled?: boolean;
  healthCheckPath?: string;
  healthCheckProtocol?: HealthCheckProtocol;
  healthCheckMethod?: HealthCheckMethod;
  /** `http_2xx`..`http_5xx` (HTTP) or `0-99`-style ranges (GRPC); checked against the protocol in admission. */
  healthCheckHttpCodes?: string[];
  healthCheckTimeoutSeconds?: number;
  healthCheckIntervalSeconds?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
  /** 0: the backend port. */
  healthCheckConnectPort?: number;
  // canary
  canary?: boolean;
  canaryByHeader?: string;
  canaryByHeaderValue?: string;
  canaryByCookie?: string;
  canaryWeight?: number;
  // sessions and backends
  stickySession?: boolean;
  stickySessionType?: StickySessionType;
  cookieTimeoutSeconds?: number;
  cookie?: string;
  backendScheduler?: BackendScheduler;
  backendSchedulerUchValue?: string;
  backendKeepalive?: boolean;
  // CORS
  enableCors?: boolean;
  corsAllowOrigin?: string[];
  corsAllowMethods?: string[];
  corsAllowHeaders?: string[];
  corsExposeHeaders?: string[];
  corsAllowCredentials?: boolean;
  corsMaxAgeSeconds?: number;
  // traffic limits
  trafficLimitQps?: number;
  trafficLimitIpQps?: number;
  // custom actions and conditions, by backend Service name
  actions?: ReadonlyMap<string, AlbAction[]>;
  conditions?: ReadonlyMap<string, AlbCondition[]>;
  ruleDirection?: ReadonlyMap<string, RuleDirection>;
  // legacy: only for the auto-created `default` AlbConfig
  legacyLoadBalancerId?: string;
  legacyLoadBalancerName?: string;
  legacyForceOverrideListeners?: boolean;
  legacyAddressType?: "Internet" | "Intranet";
  legacyAddressAllocatedMode?: "Dynamic" | "Fixed";
  legacyChargeType?: "PostPay";
  legacyEdition?: "Standard" | "StandardWithWaf" | "Basic";
  legacyVSwitchIds?: string[];
  legacyAccessLog?: { logProject: string; logStore: string };
}

export type AlbIngressField = keyof AlbIngressConfig;

export type AlbAnnotationGroup =
  | "group"
  | "routing"
  | "health-check"
  | "canary"
  | "backend"
  | "cors"
  | "traffic-limit"
  | "custom"
  | "legacy";

export interface AlbAnnotationTypes extends RegistryTypes {
  config: AlbIngressConfig;
  group: AlbAnnotationGroup;
  /** The Ingress annotations get no webhook defaults (docs/alb-ingress.md §4). */
  when: "never";
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no ALB-specific row fields
  extra: {};
  object: Ingress;
}
