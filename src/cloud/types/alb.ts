// ALB 2020-06-16: the typed requests, results and provider interface the controllers use.
// No HTTP, no SDK types (the adapter is src/cloud/alibaba/alb.ts; the API's rules are in docs/cloud-layer.md, ALB).

import type { Tag } from "./common";

export type AlbLoadBalancerStatus = "Provisioning" | "Active" | "Inactive" | "Configuring" | "CreateFailed";
export type AlbAddressType = "Internet" | "Intranet";
export type AlbEdition = "Basic" | "Standard" | "StandardWithWaf";
export type AlbListenerProtocol = "HTTP" | "HTTPS" | "QUIC";
export type AlbListenerStatus = "Provisioning" | "Running" | "Configuring" | "Stopped";
export type AlbScheduler = "Wrr" | "Wlc" | "Sch" | "Uch";
export type AlbBackendProtocol = "HTTP" | "HTTPS" | "gRPC";
export type AlbServerType = "Ecs" | "Eni" | "Eci" | "Ip";
/** The resource types TagResources, UnTagResources and ListTagResources take. */
export type AlbTaggableType = "loadbalancer" | "acl" | "securitypolicy" | "servergroup";

/**
 * The documented per-call limits of the batch APIs. The adapter splits longer lists into several calls, so a
 * caller never has to; a controller counting the minimum number of calls divides by these.
 */
export const ALB_BATCH_LIMITS = {
  /** CreateRules and UpdateRulesAttribute: `Rules.N`. */
  rulesPerCall: 10,
  /** DeleteRules: `RuleIds.N`. */
  ruleIdsPerDelete: 100,
  /** Add/Remove/ReplaceServers…: `Servers.N` (`AddedServers.N`, `RemovedServers.N` each). */
  serversPerCall: 200,
  /** Associate/DissociateAdditionalCertificates…: `Certificates.N`. */
  certificatesPerCall: 20,
  /** AddEntriesToAcl / RemoveEntriesFromAcl: `AclEntries.N` / `Entries.N`. */
  aclEntriesPerCall: 20,
  /** AssociateAclsWithListener: `AclIds.N`. */
  aclIdsPerCall: 3,
  /** TagResources / UnTagResources: `ResourceId.N`. */
  resourceIdsPerTagCall: 50,
  /** TagResources: `Tag.N` (and UnTagResources `TagKey.N`). */
  tagsPerCall: 20,
} as const;

/** What every asynchronous ALB mutation answers: the job to watch in ListAsynJobs (absent when nothing changed). */
export interface AlbJobRef {
  jobId?: string;
}

export interface AlbJob {
  jobId: string;
  apiName: string;
  resourceType: string;
  resourceIds: string[];
  status: "Processing" | "Succeeded" | "Failed";
  errorCode?: string;
  errorMessage?: string;
}

/** Options of the wait helpers; defaults in src/config.ts ALB_CLOUD_DEFAULTS. */
export interface AlbWaitOptions {
  timeoutMs?: number;
  pollIntervalMs?: number;
}

// ---------------------------------------------------------------- load balancers

export interface AlbZoneMapping {
  zoneId: string;
  vSwitchId: string;
  /** EIP allocation id (internet-facing ALBs only). */
  allocationId?: string;
}

export interface AlbZoneMappingStatus extends AlbZoneMapping {
  /** Public (Internet) or private address of the zone, as reported. */
  address?: string;
  intranetAddress?: string;
}

export interface AlbLoadBalancer {
  loadBalancerId: string;
  loadBalancerName: string;
  loadBalancerStatus: AlbLoadBalancerStatus;
  dnsName: string;
  addressType: AlbAddressType;
  addressAllocatedMode: "Dynamic" | "Fixed";
  addressIpVersion: "IPv4" | "DualStack";
  ipv6AddressType?: AlbAddressType;
  loadBalancerEdition: AlbEdition;
  vpcId: string;
  resourceGroupId?: string;
  payType?: string;
  zoneMappings: AlbZoneMappingStatus[];
  deletionProtectionEnabled: boolean;
  modificationProtection: { status: "NonProtection" | "ConsoleProtection"; reason?: string };
  /** Operation locks (financial or security) that block changes; empty when none. */
  operationLocks: Array<{ lockType: string; lockReason: string }>;
  tags: Tag[];
}

export interface AlbCreateLoadBalancerRequest {
  loadBalancerName: string;
  vpcId: string;
  addressType: AlbAddressType;
  addressAllocatedMode?: "Dynamic" | "Fixed";
  addressIpVersion?: "IPv4" | "DualStack";
  loadBalancerEdition: AlbEdition;
  payType: "PostPay";
  /** At least two zones; the API rejects one. */
  zoneMappings: AlbZoneMapping[];
  resourceGroupId?: string;
  deletionProtectionEnabled?: boolean;
  modificationProtection?: { status: "NonProtection" | "ConsoleProtection"; reason?: string };
  tags: Tag[];
  clientToken: string;
}

/** UpdateLoadBalancerAttribute: only the fields given change. */
export interface AlbUpdateLoadBalancerRequest {
  loadBalancerName?: string;
  modificationProtection?: { status: "NonProtection" | "ConsoleProtection"; reason?: string };
}

export interface AlbLoadBalancerQuery {
  loadBalancerIds?: string[];
  loadBalancerNames?: string[];
  vpcIds?: string[];
  /** All must match (AND). */
  tags?: Tag[];
}

// ---------------------------------------------------------------- listeners

export interface AlbXForwardedForConfig {
  xForwardedForEnabled?: boolean;
  xForwardedForProtoEnabled?: boolean;
  xForwardedForSLBIdEnabled?: boolean;
  xForwardedForSLBPortEnabled?: boolean;
  xForwardedForClientSrcPortEnabled?: boolean;
  xForwardedForClientCertSubjectDNEnabled?: boolean;
  xForwardedForClientCertIssuerDNEnabled?: boolean;
  xForwardedForClientCertFingerprintEnabled?: boolean;
  xForwardedForClientCertClientVerifyEnabled?: boolean;
  xForwardedForHostEnabled?: boolean;
}

/** The listener attributes a controller sets; absent means "leave as is" (update) or "API default" (create). */
export interface AlbListenerAttributes {
  listenerDescription?: string;
  /** Seconds, 1-60; API default 15. */
  idleTimeout?: number;
  /** Seconds, 1-180; API default 60. */
  requestTimeout?: number;
  /** API default true. */
  gzipEnabled?: boolean;
  /** HTTPS only; API default true. */
  http2Enabled?: boolean;
  /** HTTPS/QUIC only; a system policy id (`tls_cipher_policy_1_0`…) or a custom `spy-…`. */
  securityPolicyId?: string;
  /** The default server certificate (HTTPS/QUIC). Additional ones: associateAdditionalCertificates. */
  defaultCertificateId?: string;
  /** Where requests no rule matches go. */
  defaultServerGroupId?: string;
  xForwardedForConfig?: AlbXForwardedForConfig;
}

export interface AlbListener extends AlbListenerAttributes {
  listenerId: string;
  loadBalancerId: string;
  listenerPort: number;
  listenerProtocol: AlbListenerProtocol;
  listenerStatus: AlbListenerStatus;
  /** ACLs bound to the listener (aclConfig). */
  aclConfig?: { aclType: "White" | "Black"; aclIds: string[] };
  tags: Tag[];
}

export interface AlbCreateListenerRequest extends AlbListenerAttributes {
  loadBalancerId: string;
  listenerPort: number;
  listenerProtocol: AlbListenerProtocol;
  defaultServerGroupId: string;
  tags?: Tag[];
  clientToken: string;
}

export interface AlbListenerCertificate {
  certificateId: string;
  isDefault: boolean;
  status: "Associating" | "Associated" | "Diassociating";
}

// ---------------------------------------------------------------- server groups

export interface AlbHealthCheckConfig {
  healthCheckEnabled: boolean;
  /** HTTP | HTTPS | TCP | gRPC; API default HTTP. */
  healthCheckProtocol?: "HTTP" | "HTTPS" | "TCP" | "gRPC";
  /** HEAD | GET | POST; API default HEAD. */
  healthCheckMethod?: "HEAD" | "GET" | "POST";
  healthCheckPath?: string;
  healthCheckHost?: string;
  /** `http_2xx`… (HTTP) or `0-99` ranges (gRPC); API default [http_2xx]. */
  healthCheckCodes?: string[];
  /** 0 = the backend's port. */
  healthCheckConnectPort?: number;
  /** Seconds, API default 2. */
  healthCheckInterval?: number;
  /** Seconds, API default 5. */
  healthCheckTimeout?: number;
  /** API default 3. */
  healthyThreshold?: number;
  /** API default 3. */
  unhealthyThreshold?: number;
  healthCheckHttpVersion?: "HTTP1.0" | "HTTP1.1";
}

export interface AlbStickySessionConfig {
  stickySessionEnabled: boolean;
  stickySessionType?: "Insert" | "Server";
  cookie?: string;
  /** Seconds, 1-86400; API default 1000. */
  cookieTimeout?: number;
}

export interface AlbServerGroupAttributes {
  serverGroupName?: string;
  scheduler?: AlbScheduler;
  healthCheckConfig?: AlbHealthCheckConfig;
  stickySessionConfig?: AlbStickySessionConfig;
  upstreamKeepaliveEnabled?: boolean;
  /** Uch scheduler only: the hash key (`QueryString` with its parameter name). */
  uchConfig?: { type: "QueryString"; value: string };
}

export interface AlbServerGroup {
  serverGroupId: string;
  serverGroupName: string;
  serverGroupType: "Instance" | "Ip" | "Fc";
  serverGroupStatus: "Creating" | "Available" | "Configuring";
  protocol: AlbBackendProtocol;
  vpcId: string;
  scheduler: AlbScheduler;
  healthCheckConfig: Required<
    Pick<
      AlbHealthCheckConfig,
      | "healthCheckEnabled"
      | "healthCheckProtocol"
      | "healthCheckMethod"
      | "healthCheckPath"
      | "healthCheckCodes"
      | "healthCheckConnectPort"
      | "healthCheckInterval"
      | "healthCheckTimeout"
      | "healthyThreshold"
      | "unhealthyThreshold"
    >
  > &
    Pick<AlbHealthCheckConfig, "healthCheckHost" | "healthCheckHttpVersion">;
  stickySessionConfig: AlbStickySessionConfig;
  upstreamKeepaliveEnabled: boolean;
  serverCount: number;
  /** ALBs whose listeners or rules forward to this group. */
  relatedLoadBalancerIds: string[];
  tags: Tag[];
}

export interface AlbCreateServerGroupRequest extends AlbServerGroupAttributes {
  serverGroupName: string;
  serverGroupType: "Instance" | "Ip";
  vpcId: string;
  protocol?: AlbBackendProtocol;
  healthCheckConfig: AlbHealthCheckConfig;
  resourceGroupId?: string;
  tags: Tag[];
  clientToken: string;
}

export interface AlbServerGroupQuery {
  serverGroupIds?: string[];
  serverGroupNames?: string[];
  vpcId?: string;
  /** All must match (AND). */
  tags?: Tag[];
}

export interface AlbServer {
  serverId: string;
  serverType: AlbServerType;
  /** Required for Eni/Eci/Ip servers. */
  serverIp?: string;
  port: number;
  /** 0-100, API default 100. */
  weight: number;
  description?: string;
  /** Read only. */
  status?: "Adding" | "Available" | "Configuring" | "Removing";
}

/** A server to remove: the port tells which one of several ports of one server. */
export type AlbServerKey = Pick<AlbServer, "serverId" | "serverType" | "serverIp" | "port">;

// ---------------------------------------------------------------- rules

export interface AlbRuleCondition {
  type: "Host" | "Path" | "Header" | "QueryString" | "Method" | "Cookie" | "SourceIp";
  values: string[];
  /** Header name (Header) or parameter/cookie name (QueryString, Cookie). */
  key?: string;
}

export interface AlbServerGroupTuple {
  serverGroupId: string;
  /** 0-100; canary splits set it. */
  weight?: number;
}

export interface AlbRuleAction {
  /** 1-50000, unique in the rule; executed in ascending order. */
  order: number;
  type:
    | "ForwardGroup"
    | "Redirect"
    | "FixedResponse"
    | "Rewrite"
    | "InsertHeader"
    | "RemoveHeader"
    | "TrafficLimit"
    | "TrafficMirror"
    | "Cors";
  forwardGroup?: {
    serverGroupTuples: AlbServerGroupTuple[];
    stickySession?: { enabled: boolean; timeout?: number };
  };
  redirect?: {
    protocol?: string;
    port?: string;
    httpCode?: string;
    host?: string;
    path?: string;
    query?: string;
  };
  fixedResponse?: { httpCode: string; content?: string; contentType?: string };
  rewrite?: { host?: string; path?: string; query?: string };
  insertHeader?: {
    key: string;
    value: string;
    valueType: "UserDefined" | "ReferenceHeader" | "SystemDefined";
  };
  removeHeader?: { key: string };
  trafficLimit?: { qps?: number; perIpQps?: number };
  trafficMirror?: { targetType: "ForwardGroupMirror"; serverGroupTuples: AlbServerGroupTuple[] };
  cors?: {
    allowOrigin: string[];
    allowMethods?: string[];
    allowHeaders?: string[];
    exposeHeaders?: string[];
    allowCredentials?: "on" | "off";
    maxAge?: number;
  };
}

export interface AlbRuleSpec {
  /** 1-10000, unique on the listener; lower wins. */
  priority: number;
  ruleName: string;
  conditions: AlbRuleCondition[];
  actions: AlbRuleAction[];
  direction?: "Request" | "Response";
}

export interface AlbRule extends AlbRuleSpec {
  ruleId: string;
  listenerId: string;
  loadBalancerId: string;
  ruleStatus: "Provisioning" | "Configuring" | "Available";
  direction: "Request" | "Response";
}

/** UpdateRulesAttribute entries: only the fields given change. */
export type AlbRuleUpdate = { ruleId: string } & Partial<Omit<AlbRuleSpec, "direction">>;

// ---------------------------------------------------------------- ACLs, security policies, tags

export interface AlbAcl {
  aclId: string;
  aclName: string;
  aclStatus: "Creating" | "Available" | "Configuring";
  addressIpVersion: "IPv4";
  tags: Tag[];
}

export interface AlbAclEntry {
  /** An IPv4 CIDR block. */
  entry: string;
  description?: string;
}

export interface AlbSecurityPolicy {
  securityPolicyId: string;
  securityPolicyName?: string;
  tlsVersions: string[];
  ciphers: string[];
  /** System policies are the predefined `tls_cipher_policy_*` ones. */
  system: boolean;
}

export interface AlbTagResource {
  resourceId: string;
  resourceType: AlbTaggableType;
  tag: Tag;
}

// ---------------------------------------------------------------- the provider

export interface AlbProvider {
  // load balancers
  /** Every page; each result carries the full attribute (zone mappings included). */
  listLoadBalancers(query: AlbLoadBalancerQuery): Promise<AlbLoadBalancer[]>;
  /** CloudError NotFound when it does not exist. */
  getLoadBalancer(loadBalancerId: string): Promise<AlbLoadBalancer>;
  /** The one mutation without a JobId: wait with waitForLoadBalancerActive. */
  createLoadBalancer(req: AlbCreateLoadBalancerRequest): Promise<{ loadBalancerId: string }>;
  updateLoadBalancer(loadBalancerId: string, req: AlbUpdateLoadBalancerRequest): Promise<AlbJobRef>;
  /** Enable/DisableDeletionProtection. The controller turns it off before deleting its own ALB. */
  setDeletionProtection(loadBalancerId: string, enabled: boolean): Promise<void>;
  /**
   * Already gone counts as done. Deletion protection must be off (Conflict otherwise); `disableProtection`
   * turns it off first (for an ALB of ours: the caller has checked the ownership tags).
   */
  deleteLoadBalancer(loadBalancerId: string, opts?: { disableProtection?: boolean }): Promise<AlbJobRef>;
  /** Polls GetLoadBalancerAttribute until Active; CloudError Timeout when it does not get there in time. */
  waitForLoadBalancerActive(loadBalancerId: string, opts?: AlbWaitOptions): Promise<AlbLoadBalancer>;

  // asynchronous jobs
  listAsynJobs(query: { jobIds?: string[]; resourceIds?: string[] }): Promise<AlbJob[]>;
  /** Polls ListAsynJobs until every job has ended; a Failed job is a CloudError with its error code. */
  waitForJobs(jobIds: readonly string[], opts?: AlbWaitOptions): Promise<void>;

  // listeners
  createListener(req: AlbCreateListenerRequest): Promise<{ listenerId: string } & AlbJobRef>;
  /** Every listener of the ALB, attributes included (default certificate, ACLs). */
  listListeners(loadBalancerId: string): Promise<AlbListener[]>;
  getListener(listenerId: string): Promise<AlbListener>;
  /** Port and protocol cannot change in place. */
  updateListener(listenerId: string, attrs: AlbListenerAttributes): Promise<AlbJobRef>;
  startListener(listenerId: string): Promise<AlbJobRef>;
  stopListener(listenerId: string): Promise<AlbJobRef>;
  /** Its rules go with it. Already gone counts as done. */
  deleteListener(listenerId: string): Promise<AlbJobRef>;
  /** Server certificates of the listener: the default one and the additional ones. */
  listListenerCertificates(listenerId: string): Promise<AlbListenerCertificate[]>;
  /** Batched by ALB_BATCH_LIMITS.certificatesPerCall; already associated ones are skipped by the API. */
  associateAdditionalCertificates(
    listenerId: string,
    certificateIds: readonly string[],
  ): Promise<AlbJobRef[]>;
  dissociateAdditionalCertificates(
    listenerId: string,
    certificateIds: readonly string[],
  ): Promise<AlbJobRef[]>;

  // rules (batch APIs)
  listRules(listenerId: string): Promise<AlbRule[]>;
  /** CreateRules in batches of ALB_BATCH_LIMITS.rulesPerCall; the ids come back in the order given. */
  createRules(
    listenerId: string,
    rules: readonly AlbRuleSpec[],
    clientToken: string,
  ): Promise<{ ruleIds: string[]; jobIds: string[] }>;
  updateRules(updates: readonly AlbRuleUpdate[]): Promise<AlbJobRef[]>;
  /** Already gone rules are skipped. */
  deleteRules(ruleIds: readonly string[]): Promise<AlbJobRef[]>;

  // server groups
  createServerGroup(req: AlbCreateServerGroupRequest): Promise<{ serverGroupId: string } & AlbJobRef>;
  listServerGroups(query: AlbServerGroupQuery): Promise<AlbServerGroup[]>;
  updateServerGroup(serverGroupId: string, attrs: AlbServerGroupAttributes): Promise<AlbJobRef>;
  /** Conflict (ResourceInUse) while a listener or rule forwards to it. Already gone counts as done. */
  deleteServerGroup(serverGroupId: string): Promise<AlbJobRef>;
  listServerGroupServers(serverGroupId: string): Promise<AlbServer[]>;
  /** The servers of every server group carrying all of `tags`, in one paged listing (not one call per group). */
  listServersOfTaggedGroups(tags: Tag[]): Promise<(AlbServer & { serverGroupId: string })[]>;
  /** Batched by ALB_BATCH_LIMITS.serversPerCall. Change weights of present servers with updateServers. */
  addServers(serverGroupId: string, servers: readonly AlbServer[]): Promise<AlbJobRef[]>;
  removeServers(serverGroupId: string, servers: readonly AlbServerKey[]): Promise<AlbJobRef[]>;
  /** UpdateServerGroupServersAttribute: new weights/descriptions of servers already in the group (200 per call). */
  updateServers(serverGroupId: string, servers: readonly AlbServer[]): Promise<AlbJobRef[]>;
  /** ReplaceServersInServerGroup: one job per batch for adds and removes together. */
  replaceServers(
    serverGroupId: string,
    add: readonly AlbServer[],
    remove: readonly AlbServerKey[],
  ): Promise<AlbJobRef[]>;

  // tags
  tagResources(type: AlbTaggableType, resourceIds: readonly string[], tags: readonly Tag[]): Promise<void>;
  /** `keys` undefined removes every tag of the resources. */
  untagResources(
    type: AlbTaggableType,
    resourceIds: readonly string[],
    keys?: readonly string[],
  ): Promise<void>;
  listTagResources(query: {
    resourceType: AlbTaggableType;
    resourceIds?: string[];
    tags?: Tag[];
  }): Promise<AlbTagResource[]>;

  // ACLs (listener aclConfig)
  createAcl(req: {
    aclName: string;
    tags?: Tag[];
    clientToken: string;
  }): Promise<{ aclId: string } & AlbJobRef>;
  listAcls(query: { aclIds?: string[]; aclNames?: string[]; tags?: Tag[] }): Promise<AlbAcl[]>;
  listAclEntries(aclId: string): Promise<AlbAclEntry[]>;
  addAclEntries(aclId: string, entries: readonly AlbAclEntry[]): Promise<AlbJobRef[]>;
  removeAclEntries(aclId: string, entries: readonly string[]): Promise<AlbJobRef[]>;
  associateAclsWithListener(
    listenerId: string,
    aclIds: readonly string[],
    aclType: "White" | "Black",
  ): Promise<AlbJobRef[]>;
  dissociateAclsFromListener(listenerId: string, aclIds: readonly string[]): Promise<AlbJobRef[]>;
  /** Conflict while a listener uses it. Already gone counts as done. */
  deleteAcl(aclId: string): Promise<AlbJobRef>;

  // security policies
  /** The predefined TLS policies (`tls_cipher_policy_1_0`…), valid as a listener's securityPolicyId. */
  listSystemSecurityPolicies(): Promise<AlbSecurityPolicy[]>;
}
