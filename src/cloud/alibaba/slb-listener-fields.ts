// Table of every listener attribute the operator drives: its wire name on Create*/Set*ListenerAttribute,
// where it appears in DescribeLoadBalancerListeners, and which protocols accept it. One table keeps the
// write path and the read path from drifting apart.

import type { SlbListenerAttributes, SlbListenerProtocol } from "../types";

type AttrKey = keyof SlbListenerAttributes;
type FieldType = "string" | "number" | "boolean";

export interface ListenerField {
  key: AttrKey;
  /** Parameter name on Create/Set. */
  wire: string;
  /** Field name when read back (top level or inside the protocol config); defaults to `wire`. */
  readWire?: string;
  /** Other names tolerated on read, after `readWire` (some servers echo the write name). */
  readAliases?: readonly string[];
  /** Read from the listener's top level rather than from `<PROTO>ListenerConfig`. */
  topLevel?: boolean;
  type: FieldType;
  protocols: readonly SlbListenerProtocol[];
}

const ALL: readonly SlbListenerProtocol[] = ["tcp", "udp", "http", "https"];
const L4: readonly SlbListenerProtocol[] = ["tcp", "udp"];
const L7: readonly SlbListenerProtocol[] = ["http", "https"];
const TCP: readonly SlbListenerProtocol[] = ["tcp"];
const HTTP: readonly SlbListenerProtocol[] = ["http"];
const HTTPS: readonly SlbListenerProtocol[] = ["https"];
const TCP_L7: readonly SlbListenerProtocol[] = ["tcp", "http", "https"];

export const LISTENER_FIELDS: readonly ListenerField[] = [
  { key: "vServerGroupId", wire: "VServerGroupId", topLevel: true, type: "string", protocols: ALL },
  { key: "description", wire: "Description", topLevel: true, type: "string", protocols: ALL },
  { key: "bandwidth", wire: "Bandwidth", topLevel: true, type: "number", protocols: ALL },
  { key: "scheduler", wire: "Scheduler", topLevel: true, type: "string", protocols: ALL },
  { key: "aclStatus", wire: "AclStatus", topLevel: true, type: "string", protocols: ALL },
  { key: "aclId", wire: "AclId", topLevel: true, type: "string", protocols: ALL },
  { key: "aclType", wire: "AclType", topLevel: true, type: "string", protocols: ALL },
  { key: "persistenceTimeout", wire: "PersistenceTimeout", type: "number", protocols: TCP },
  { key: "establishedTimeout", wire: "EstablishedTimeout", type: "number", protocols: TCP },
  { key: "connectionDrain", wire: "ConnectionDrain", type: "string", protocols: L4 },
  { key: "connectionDrainTimeout", wire: "ConnectionDrainTimeout", type: "number", protocols: L4 },
  { key: "proxyProtocolV2Enabled", wire: "ProxyProtocolV2Enabled", type: "boolean", protocols: L4 },
  // L4 writes HealthCheckSwitch but reads it back as HealthCheck inside TCP/UDPListenerConfig.
  {
    key: "healthCheckSwitch",
    wire: "HealthCheckSwitch",
    readWire: "HealthCheck",
    readAliases: ["HealthCheckSwitch"],
    type: "string",
    protocols: L4,
  },
  { key: "healthCheckType", wire: "HealthCheckType", type: "string", protocols: TCP },
  { key: "healthCheckConnectTimeout", wire: "HealthCheckConnectTimeout", type: "number", protocols: L4 },
  { key: "healthCheck", wire: "HealthCheck", type: "string", protocols: L7 },
  { key: "healthCheckTimeout", wire: "HealthCheckTimeout", type: "number", protocols: L7 },
  { key: "healthCheckMethod", wire: "HealthCheckMethod", type: "string", protocols: TCP_L7 },
  { key: "stickySession", wire: "StickySession", type: "string", protocols: L7 },
  { key: "stickySessionType", wire: "StickySessionType", type: "string", protocols: L7 },
  { key: "cookieTimeout", wire: "CookieTimeout", type: "number", protocols: L7 },
  { key: "cookie", wire: "Cookie", type: "string", protocols: L7 },
  { key: "idleTimeout", wire: "IdleTimeout", type: "number", protocols: L7 },
  { key: "requestTimeout", wire: "RequestTimeout", type: "number", protocols: L7 },
  { key: "xForwardedFor_proto", wire: "XForwardedFor_proto", type: "string", protocols: L7 },
  { key: "xForwardedFor_SLBPORT", wire: "XForwardedFor_SLBPORT", type: "string", protocols: L7 },
  { key: "xForwardedFor_ClientSrcPort", wire: "XForwardedFor_ClientSrcPort", type: "string", protocols: L7 },
  { key: "listenerForward", wire: "ListenerForward", type: "string", protocols: HTTP },
  { key: "forwardPort", wire: "ForwardPort", type: "number", protocols: HTTP },
  { key: "serverCertificateId", wire: "ServerCertificateId", type: "string", protocols: HTTPS },
  { key: "tlsCipherPolicy", wire: "TLSCipherPolicy", type: "string", protocols: HTTPS },
  { key: "enableHttp2", wire: "EnableHttp2", type: "string", protocols: HTTPS },
  { key: "healthCheckURI", wire: "HealthCheckURI", type: "string", protocols: TCP_L7 },
  { key: "healthCheckDomain", wire: "HealthCheckDomain", type: "string", protocols: TCP_L7 },
  { key: "healthCheckHttpCode", wire: "HealthCheckHttpCode", type: "string", protocols: TCP_L7 },
  { key: "healthCheckConnectPort", wire: "HealthCheckConnectPort", type: "number", protocols: ALL },
  { key: "healthyThreshold", wire: "HealthyThreshold", type: "number", protocols: ALL },
  { key: "unhealthyThreshold", wire: "UnhealthyThreshold", type: "number", protocols: ALL },
  { key: "healthCheckInterval", wire: "HealthCheckInterval", type: "number", protocols: ALL },
];

export const LISTENER_ACTION_SUFFIX: Record<SlbListenerProtocol, string> = {
  tcp: "TCP",
  udp: "UDP",
  http: "HTTP",
  https: "HTTPS",
};
