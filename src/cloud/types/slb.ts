// SLB (CLB) 2014-05-15: the typed requests, results and provider interface the controllers use.
// No HTTP, no SDK types (the adapter is src/cloud/alibaba/slb.ts).

import type { Tag } from "./common";

export type SlbAddressType = "internet" | "intranet";
export type SlbListenerProtocol = "tcp" | "udp" | "http" | "https";
export type OnOff = "on" | "off";

export interface SlbLoadBalancer {
  loadBalancerId: string;
  loadBalancerName: string;
  address: string;
  addressType: SlbAddressType;
  addressIPVersion: "ipv4" | "ipv6";
  networkType: "classic" | "vpc";
  vpcId?: string;
  vSwitchId?: string;
  status: "active" | "inactive" | "locked";
  deleteProtection: OnOff;
  modificationProtectionStatus: "ConsoleProtection" | "NonProtection";
  modificationProtectionReason?: string;
  instanceChargeType: "PayBySpec" | "PayByCLCU";
  loadBalancerSpec?: string;
  internetChargeType: "paybytraffic" | "paybybandwidth";
  bandwidth?: number;
  masterZoneId?: string;
  slaveZoneId?: string;
  resourceGroupId?: string;
  tags: Tag[];
}

export interface SlbCreateLoadBalancerRequest {
  loadBalancerName: string;
  addressType?: SlbAddressType;
  addressIPVersion?: "ipv4" | "ipv6";
  vpcId?: string;
  vSwitchId?: string;
  address?: string;
  loadBalancerSpec?: string;
  instanceChargeType?: "PayBySpec" | "PayByCLCU";
  internetChargeType?: "paybytraffic" | "paybybandwidth";
  bandwidth?: number;
  masterZoneId?: string;
  slaveZoneId?: string;
  resourceGroupId?: string;
  deleteProtection?: OnOff;
  modificationProtectionStatus?: "ConsoleProtection" | "NonProtection";
  modificationProtectionReason?: string;
  tags: Tag[];
  /** Idempotency token, derived deterministically from the owning object (never random). */
  clientToken: string;
}

export interface SlbFindLoadBalancersQuery {
  loadBalancerIds?: string[];
  loadBalancerName?: string;
  /** All must match (AND). */
  tags?: Tag[];
}

/** Every listener attribute the operator drives. Absent = not set / cloud default. */
export interface SlbListenerAttributes {
  vServerGroupId?: string;
  description?: string;
  bandwidth?: number;
  scheduler?: "rr" | "wrr" | "wlc" | "sch" | "tch" | "qch";
  // tcp
  persistenceTimeout?: number;
  establishedTimeout?: number;
  // tcp/udp
  connectionDrain?: OnOff;
  connectionDrainTimeout?: number;
  proxyProtocolV2Enabled?: boolean;
  healthCheckSwitch?: OnOff;
  healthCheckType?: "tcp" | "http";
  healthCheckConnectTimeout?: number;
  // http/https
  healthCheck?: OnOff;
  healthCheckTimeout?: number;
  healthCheckMethod?: "head" | "get";
  stickySession?: OnOff;
  stickySessionType?: "insert" | "server";
  cookieTimeout?: number;
  cookie?: string;
  idleTimeout?: number;
  requestTimeout?: number;
  xForwardedFor_proto?: OnOff;
  xForwardedFor_SLBPORT?: OnOff;
  xForwardedFor_ClientSrcPort?: OnOff;
  listenerForward?: OnOff;
  forwardPort?: number;
  // https
  serverCertificateId?: string;
  tlsCipherPolicy?: string;
  enableHttp2?: OnOff;
  // shared health-check fields
  healthCheckURI?: string;
  healthCheckDomain?: string;
  healthCheckHttpCode?: string;
  healthCheckConnectPort?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
  healthCheckInterval?: number;
  // ACL
  aclStatus?: OnOff;
  aclId?: string;
  aclType?: "white" | "black";
}

export interface SlbListener extends SlbListenerAttributes {
  loadBalancerId: string;
  listenerPort: number;
  listenerProtocol: SlbListenerProtocol;
  status: "running" | "stopped" | "starting" | "configuring" | "stopping";
}

export interface SlbListenerSpec extends SlbListenerAttributes {
  listenerPort: number;
  listenerProtocol: SlbListenerProtocol;
}

export interface SlbBackendServer {
  serverId: string;
  port: number;
  weight: number;
  type: "ecs" | "eni" | "eci";
  serverIp?: string;
  description?: string;
}

export interface SlbVServerGroup {
  vServerGroupId: string;
  vServerGroupName: string;
  loadBalancerId: string;
  backendServers: SlbBackendServer[];
}

/** An extra SNI certificate on an HTTPS listener (CreateDomainExtension / DescribeDomainExtensions). */
export interface SlbDomainExtension {
  domainExtensionId: string;
  domain: string;
  serverCertificateId: string;
}

export interface SlbProvider {
  findLoadBalancers(query: SlbFindLoadBalancersQuery): Promise<SlbLoadBalancer[]>;
  /** Throws CloudError kind NotFound for an unknown id. */
  getLoadBalancer(loadBalancerId: string): Promise<SlbLoadBalancer>;
  createLoadBalancer(req: SlbCreateLoadBalancerRequest): Promise<{ loadBalancerId: string; address: string }>;
  deleteLoadBalancer(loadBalancerId: string): Promise<void>;
  setLoadBalancerName(loadBalancerId: string, name: string): Promise<void>;
  setDeleteProtection(loadBalancerId: string, value: OnOff): Promise<void>;
  setModificationProtection(
    loadBalancerId: string,
    status: "ConsoleProtection" | "NonProtection",
    reason?: string,
  ): Promise<void>;
  modifyInstanceChargeType(
    loadBalancerId: string,
    chargeType: "PayBySpec" | "PayByCLCU",
    spec?: string,
  ): Promise<void>;
  modifyInstanceSpec(loadBalancerId: string, spec: string): Promise<void>;
  modifyInternetSpec(
    loadBalancerId: string,
    req: { internetChargeType?: "paybytraffic" | "paybybandwidth"; bandwidth?: number },
  ): Promise<void>;
  tagLoadBalancer(loadBalancerId: string, tags: Tag[]): Promise<void>;
  untagLoadBalancer(loadBalancerId: string, tagKeys: string[]): Promise<void>;

  listListeners(loadBalancerId: string): Promise<SlbListener[]>;
  /** Creates the listener (stopped, as the API does). */
  createListener(loadBalancerId: string, spec: SlbListenerSpec): Promise<void>;
  /** Sets only the attributes present in `attrs`. */
  updateListener(
    loadBalancerId: string,
    port: number,
    protocol: SlbListenerProtocol,
    attrs: SlbListenerAttributes,
  ): Promise<void>;
  startListener(loadBalancerId: string, port: number, protocol: SlbListenerProtocol): Promise<void>;
  stopListener(loadBalancerId: string, port: number, protocol: SlbListenerProtocol): Promise<void>;
  deleteListener(loadBalancerId: string, port: number, protocol: SlbListenerProtocol): Promise<void>;

  /** The domain extensions of the HTTPS listener on `listenerPort`. */
  listDomainExtensions(loadBalancerId: string, listenerPort: number): Promise<SlbDomainExtension[]>;
  /** Adds `domain` with its certificate to the HTTPS listener on `listenerPort`. */
  createDomainExtension(
    loadBalancerId: string,
    listenerPort: number,
    domain: string,
    serverCertificateId: string,
  ): Promise<{ domainExtensionId: string }>;
  /** Points an existing domain extension at another certificate (SetDomainExtensionAttribute). */
  setDomainExtensionCertificate(domainExtensionId: string, serverCertificateId: string): Promise<void>;
  /** Throws CloudError kind NotFound for an unknown id (a retried delete that finds it gone succeeds). */
  deleteDomainExtension(domainExtensionId: string): Promise<void>;

  listVServerGroups(loadBalancerId: string): Promise<SlbVServerGroup[]>;
  createVServerGroup(
    loadBalancerId: string,
    name: string,
    backends: SlbBackendServer[],
  ): Promise<{ vServerGroupId: string }>;
  addBackendServers(vServerGroupId: string, backends: SlbBackendServer[]): Promise<void>;
  removeBackendServers(vServerGroupId: string, backends: SlbBackendServer[]): Promise<void>;
  /** Updates weight/description of existing backends (SetVServerGroupAttribute). */
  updateBackendServers(vServerGroupId: string, backends: SlbBackendServer[]): Promise<void>;
  deleteVServerGroup(vServerGroupId: string): Promise<void>;
}
