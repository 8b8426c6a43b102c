// The provider interface: what controllers may ask of the cloud. Typed requests and results only;
// no HTTP, no SDK types. Field names follow the Alibaba API fields in camelCase so the mapping is obvious.
// Every method throws `CloudError` (src/cloud/errors.ts) on failure.

export type Tag = { key: string; value: string };

// ---------------------------------------------------------------- SLB (CLB) 2014-05-15

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

// ---------------------------------------------------------------- ALB 2020-06-16

export type AlbLoadBalancerStatus = "Provisioning" | "Active" | "Inactive" | "Configuring" | "CreateFailed";

export interface AlbZoneMapping {
  zoneId: string;
  vSwitchId: string;
  allocationId?: string;
}

export interface AlbLoadBalancer {
  loadBalancerId: string;
  loadBalancerName: string;
  loadBalancerStatus: AlbLoadBalancerStatus;
  dnsName: string;
  addressType: "Internet" | "Intranet";
  addressAllocatedMode: "Dynamic" | "Fixed";
  addressIpVersion: "IPv4" | "DualStack";
  loadBalancerEdition: "Basic" | "Standard" | "StandardWithWaf";
  vpcId: string;
  zoneMappings: AlbZoneMapping[];
  deletionProtectionEnabled: boolean;
  tags: Tag[];
}

export interface AlbCreateLoadBalancerRequest {
  loadBalancerName: string;
  vpcId: string;
  addressType: "Internet" | "Intranet";
  addressAllocatedMode?: "Dynamic" | "Fixed";
  addressIpVersion?: "IPv4" | "DualStack";
  loadBalancerEdition: "Basic" | "Standard" | "StandardWithWaf";
  payType: "PostPay";
  zoneMappings: AlbZoneMapping[];
  resourceGroupId?: string;
  deletionProtectionEnabled?: boolean;
  tags: Tag[];
  clientToken: string;
}

export interface AlbListener {
  listenerId: string;
  loadBalancerId: string;
  listenerPort: number;
  listenerProtocol: "HTTP" | "HTTPS" | "QUIC";
  listenerStatus: "Provisioning" | "Running" | "Configuring" | "Stopped";
  listenerDescription?: string;
  defaultServerGroupId?: string;
  certificateIds: string[];
  idleTimeout?: number;
  requestTimeout?: number;
  http2Enabled?: boolean;
  securityPolicyId?: string;
}

export interface AlbServer {
  serverId: string;
  serverType: "Ecs" | "Eni" | "Eci" | "Ip";
  serverIp?: string;
  port: number;
  weight: number;
  description?: string;
  status?: "Adding" | "Available" | "Configuring" | "Removing";
}

export interface AlbServerGroup {
  serverGroupId: string;
  serverGroupName: string;
  serverGroupType: "Instance" | "Ip" | "Fc";
  protocol: "HTTP" | "HTTPS" | "gRPC";
  vpcId: string;
  scheduler: "Wrr" | "Wlc" | "Sch";
  healthCheckEnabled: boolean;
  tags: Tag[];
}

export interface AlbRuleCondition {
  type: "Host" | "Path" | "Header" | "QueryString" | "Method" | "Cookie" | "SourceIp";
  values: string[];
  key?: string;
}

export interface AlbRuleAction {
  order: number;
  type: "ForwardGroup" | "Redirect" | "FixedResponse" | "Rewrite" | "InsertHeader";
  serverGroupIds?: string[];
  redirect?: { protocol?: string; port?: string; httpCode?: string; host?: string; path?: string };
  fixedResponse?: { httpCode: string; content?: string; contentType?: string };
}

export interface AlbRule {
  ruleId: string;
  listenerId: string;
  priority: number;
  ruleName: string;
  conditions: AlbRuleCondition[];
  actions: AlbRuleAction[];
}

export interface AlbProvider {
  listLoadBalancers(query: {
    loadBalancerIds?: string[];
    loadBalancerNames?: string[];
    tags?: Tag[];
  }): Promise<AlbLoadBalancer[]>;
  getLoadBalancer(loadBalancerId: string): Promise<AlbLoadBalancer>;
  createLoadBalancer(req: AlbCreateLoadBalancerRequest): Promise<{ loadBalancerId: string }>;
  /** Enable/DisableDeletionProtection. The controller turns it off before deleting its own ALB. */
  setDeletionProtection(loadBalancerId: string, enabled: boolean): Promise<void>;
  deleteLoadBalancer(loadBalancerId: string): Promise<void>;
  createListener(req: {
    loadBalancerId: string;
    listenerPort: number;
    listenerProtocol: "HTTP" | "HTTPS" | "QUIC";
    defaultServerGroupId: string;
    certificateIds?: string[];
    listenerDescription?: string;
    clientToken: string;
  }): Promise<{ listenerId: string }>;
  listListeners(loadBalancerId: string): Promise<AlbListener[]>;
  updateListener(
    listenerId: string,
    attrs: Partial<Omit<AlbListener, "listenerId" | "loadBalancerId">>,
  ): Promise<void>;
  deleteListener(listenerId: string): Promise<void>;
  createServerGroup(req: {
    serverGroupName: string;
    serverGroupType: "Instance" | "Ip";
    vpcId: string;
    protocol?: "HTTP" | "HTTPS";
    scheduler?: "Wrr" | "Wlc" | "Sch";
    healthCheckEnabled: boolean;
    tags: Tag[];
    clientToken: string;
  }): Promise<{ serverGroupId: string }>;
  listServerGroups(query: {
    serverGroupIds?: string[];
    tags?: Tag[];
    vpcId?: string;
  }): Promise<AlbServerGroup[]>;
  listServerGroupServers(serverGroupId: string): Promise<AlbServer[]>;
  addServers(serverGroupId: string, servers: AlbServer[]): Promise<void>;
  removeServers(serverGroupId: string, servers: AlbServer[]): Promise<void>;
  deleteServerGroup(serverGroupId: string): Promise<void>;
  createRule(req: Omit<AlbRule, "ruleId"> & { clientToken: string }): Promise<{ ruleId: string }>;
  listRules(listenerId: string): Promise<AlbRule[]>;
  updateRule(ruleId: string, attrs: Partial<Omit<AlbRule, "ruleId" | "listenerId">>): Promise<void>;
  deleteRule(ruleId: string): Promise<void>;
}

// ---------------------------------------------------------------- ECI 2018-08-08 image caches

export type EciImageCacheStatus = "Preparing" | "Creating" | "Ready" | "Failed" | "Updating" | "UpdateFailed";

export interface EciImageCacheEvent {
  name: string;
  type: "Normal" | "Warning";
  reason?: string;
  message: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
}

export interface EciImageCache {
  imageCacheId: string;
  imageCacheName: string;
  status: EciImageCacheStatus;
  progress: string;
  images: string[];
  imageCacheSize: number;
  snapshotId?: string;
  creationTime: string;
  expireDateTime?: string;
  events: EciImageCacheEvent[];
  tags: Tag[];
}

export interface EciRegistryCredential {
  server: string;
  userName: string;
  password: string;
}

export interface EciCreateImageCacheRequest {
  imageCacheName: string;
  images: string[];
  imageCacheSize?: number;
  retentionDays?: number;
  securityGroupId?: string;
  vSwitchId?: string;
  imageRegistryCredentials?: EciRegistryCredential[];
  autoMatchImageCache?: boolean;
  tags: Tag[];
  clientToken: string;
}

export interface EciProvider {
  createImageCache(req: EciCreateImageCacheRequest): Promise<{ imageCacheId: string }>;
  describeImageCaches(query: {
    imageCacheId?: string;
    imageCacheName?: string;
    tags?: Tag[];
  }): Promise<EciImageCache[]>;
  updateImageCache(
    imageCacheId: string,
    req: Partial<Omit<EciCreateImageCacheRequest, "clientToken" | "imageCacheName">>,
  ): Promise<void>;
  deleteImageCache(imageCacheId: string): Promise<void>;
}

// ---------------------------------------------------------------- ECS 2014-05-26: elastic network interfaces

export type EcsNetworkInterfaceStatus = "Available" | "Attaching" | "InUse" | "Detaching" | "Deleting";

export interface EcsNetworkInterface {
  networkInterfaceId: string;
  status: EcsNetworkInterfaceStatus;
  type: "Primary" | "Secondary" | "Trunk" | "Member";
  vpcId: string;
  vSwitchId: string;
  instanceId?: string;
  /** The primary private IPv4 address. */
  primaryIpAddress: string;
  /** Every private IPv4 address: the primary and the secondary ones. */
  privateIpAddresses: string[];
  /** IPv6 addresses in canonical (compressed, lower-case) text. */
  ipv6Addresses: string[];
}

export interface EcsProvider {
  /**
   * The in-use ENIs of `vpcId` that carry any of `ips` (IPv4 as a primary or secondary private address,
   * IPv6 by Ipv6Address), keyed by the address as given. Addresses with no ENI are absent from the map.
   * Batched: DescribeNetworkInterfaces takes at most 100 addresses per call.
   */
  findNetworkInterfacesByPrivateIp(
    vpcId: string,
    ips: readonly string[],
  ): Promise<Map<string, EcsNetworkInterface>>;
}

// ---------------------------------------------------------------- VPC 2016-04-28: VPC attributes, elastic IPs

export interface VpcAttributes {
  vpcId: string;
  /** The primary IPv4 block first, then the secondary blocks. */
  cidrBlocks: string[];
  ipv6CidrBlocks: string[];
}

export interface VpcEip {
  allocationId: string;
  ipAddress: string;
  status: "Associating" | "Unassociating" | "InUse" | "Available" | "Releasing";
  instanceId?: string;
  instanceType?: string;
  bandwidthMbps?: number;
}

export interface VpcProvider {
  /** Throws CloudError kind NotFound for an unknown VPC. */
  getVpc(vpcId: string): Promise<VpcAttributes>;
  /** The EIPs bound to this CLB instance (AssociatedInstanceType SlbInstance), in allocation-id order. */
  findEipsBoundTo(loadBalancerId: string): Promise<VpcEip[]>;
}

export interface CloudProvider {
  readonly regionId: string;
  readonly slb: SlbProvider;
  readonly alb: AlbProvider;
  readonly eci: EciProvider;
  readonly ecs: EcsProvider;
  readonly vpc: VpcProvider;
}
