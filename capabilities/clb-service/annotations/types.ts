// The typed view of the CLB Service annotations (§1) and the vocabulary their codecs accept. Types and constants only;
// the rows are in registry.ts, the value codecs in codecs.ts. § numbers refer to docs/clb-service.md.
import type { kind } from "kubernetes-fluent-client";
import type { OnOff, SlbAddressType, SlbListenerProtocol } from "../../../src/cloud";
import type { RegistryTypes } from "../../../src/annotations/registry";

export type Service = kind.Service;
export type ListenerProtocol = SlbListenerProtocol;
export type { OnOff };

export const LISTENER_PROTOCOLS: readonly ListenerProtocol[] = ["tcp", "udp", "http", "https"];
/** UDP listener ports the CLB reserves (§1.2 row 22). */
export const RESERVED_UDP_PORTS: readonly number[] = [250, 4789, 4790];

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

export type AnnotationGroup = "instance" | "listener" | "backend";

/** Conditions under which the mutating webhook writes a default (§1.4). */
export type WebhookDefaultWhen =
  /** rule 2: only when no `id` annotation is present */
  | "no-id"
  /** rule 3: only when instance-charge-type is PayBySpec (case-insensitive) */
  | "pay-by-spec"
  /** rule 4: only when `spec` is present */
  | "spec-set";

/** CLB's own row fields, beside the generic ones (src/annotations/registry.ts). */
export interface ClbRowExtra {
  /** Row number: the # column of docs/annotations.md ("§1 row N"). */
  row: number;
  /** Listener protocols it applies to; "n/a" for instance and backend keys. */
  protocols: readonly ListenerProtocol[] | "all" | "n/a";
  apiField: string;
}

export interface ClbAnnotationTypes extends RegistryTypes {
  config: ClbAnnotationConfig;
  group: AnnotationGroup;
  when: WebhookDefaultWhen;
  extra: ClbRowExtra;
  object: Service;
}
