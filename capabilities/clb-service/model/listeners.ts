// The desired listener of one Service port: protocol, ownership description, the attributes its protocol accepts,
// forward-port and domain extensions. Pure; its vserver group is vserver-groups.ts's.
// § numbers refer to docs/clb-service.md.
import { dropUndefined } from "../../../src/lib/objects";
import type { SlbListenerAttributes, SlbListenerProtocol } from "../../../src/cloud";
import type { ClbAnnotationConfig, ResolvedListenerPort } from "../annotations";
import { ownerKey } from "../tracking";
import type { DesiredDomainExtension, DesiredListener, ServiceRef } from "./types";

/**
 * The listener for port `p`, forwarding to the vserver group named `vServerGroupName`. `listenerPorts`:
 * the ports of every listener of the Service (a `forward-port` entry to any other port is ignored).
 */
export function desiredListener(
  p: ResolvedListenerPort,
  config: ClbAnnotationConfig,
  service: ServiceRef,
  clusterId: string,
  vServerGroupName: string,
  listenerPorts: ReadonlySet<number>,
): DesiredListener {
  // An entry naming a port the Service does not have is ignored (the webhook warns), so removing a port
  // does not need a forward-port edit in the same step. Upstream only ever reads the entry of an existing
  // http port (kubernetes/cloud-provider-alibaba-cloud pkg/controller/service/clbv1/listeners.go forwardPort).
  const forward =
    p.protocol === "http"
      ? config.forwardPort?.find((f) => f.httpPort === p.port && listenerPorts.has(f.httpsPort))?.httpsPort
      : undefined;
  return dropUndefined({
    port: p.port,
    protocol: p.protocol,
    description: ownerKey(p.port, service, clusterId),
    vServerGroupName,
    attributes: listenerAttributes(p.protocol, config),
    forwardPort: forward,
    domainExtensions: p.protocol === "https" ? domainExtensions(config) : undefined,
  });
}

/** §1.2, the Protocols column: only the attributes the protocol's Set*ListenerAttribute accepts. */
export function listenerAttributes(
  protocol: SlbListenerProtocol,
  c: ClbAnnotationConfig,
): SlbListenerAttributes {
  const common: SlbListenerAttributes = {
    scheduler: c.scheduler,
    aclStatus: c.aclStatus,
    aclId: c.aclIds?.join(","),
    aclType: c.aclType,
  };
  const healthCommon: SlbListenerAttributes = {
    healthCheckConnectPort: c.healthCheckConnectPort,
    healthyThreshold: c.healthyThreshold,
    unhealthyThreshold: c.unhealthyThreshold,
    healthCheckInterval: c.healthCheckIntervalSeconds,
  };
  const httpCheck: SlbListenerAttributes = {
    healthCheckURI: c.healthCheckUri,
    healthCheckDomain: c.healthCheckDomain,
    healthCheckHttpCode: c.healthCheckHttpCodes?.join(","),
  };
  const l4: SlbListenerAttributes = {
    connectionDrain: c.connectionDrain,
    // The drain timeout is only accepted while draining is on.
    connectionDrainTimeout: c.connectionDrain === "on" ? c.connectionDrainTimeoutSeconds : undefined,
    proxyProtocolV2Enabled: c.proxyProtocol === undefined ? undefined : c.proxyProtocol === "on",
    healthCheckSwitch: c.healthCheckSwitch,
    healthCheckConnectTimeout: c.healthCheckConnectTimeoutSeconds,
    ...healthCommon,
  };
  switch (protocol) {
    case "udp":
      return dropUndefined({ ...common, ...l4 });
    case "tcp":
      return dropUndefined({
        ...common,
        ...l4,
        persistenceTimeout: c.persistenceTimeoutSeconds,
        establishedTimeout: c.establishedTimeoutSeconds,
        healthCheckType: c.healthCheckType,
        ...(c.healthCheckType === "http" ? httpCheck : {}),
      });
    case "http":
    case "https":
      return dropUndefined({
        ...common,
        ...l7Attributes(c, healthCommon, httpCheck),
        ...(protocol === "https" ? tlsAttributes(c) : {}),
      });
  }
}

function l7Attributes(
  c: ClbAnnotationConfig,
  healthCommon: SlbListenerAttributes,
  httpCheck: SlbListenerAttributes,
): SlbListenerAttributes {
  const sticky = c.stickySession === "on";
  const checking = c.healthCheckFlag === "on";
  return {
    idleTimeout: c.idleTimeoutSeconds,
    requestTimeout: c.requestTimeoutSeconds,
    stickySession: c.stickySession,
    // Sticky details are rejected by the API unless sticky sessions are on.
    stickySessionType: sticky ? c.stickySessionType : undefined,
    cookieTimeout: sticky && c.stickySessionType === "insert" ? c.cookieTimeoutSeconds : undefined,
    cookie: sticky && c.stickySessionType === "server" ? c.cookie : undefined,
    xForwardedFor_proto: c.xForwardedForProto,
    xForwardedFor_SLBPORT: c.xForwardedForSlbPort,
    xForwardedFor_ClientSrcPort: c.xForwardedForClientSrcPort,
    healthCheck: c.healthCheckFlag,
    // L7 check details only apply while the L7 check is on.
    ...(checking
      ? {
          ...healthCommon,
          ...httpCheck,
          healthCheckTimeout: c.healthCheckTimeoutSeconds,
          healthCheckMethod: c.healthCheckMethod,
        }
      : {}),
  };
}

/**
 * `domain-extensions` (§1.2 row 45), sorted by domain; undefined when the annotation is absent, empty
 * when it is "" (no extensions: those we added are removed, as when the annotation is removed).
 */
function domainExtensions(c: ClbAnnotationConfig): DesiredDomainExtension[] | undefined {
  if (!c.domainExtensions) return undefined;
  return c.domainExtensions
    .map((d) => ({ domain: d.domain, serverCertificateId: d.certId }))
    .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
}

function tlsAttributes(c: ClbAnnotationConfig): SlbListenerAttributes {
  return { serverCertificateId: c.certId, tlsCipherPolicy: c.tlsCipherPolicy, enableHttp2: c.http2Enabled };
}
