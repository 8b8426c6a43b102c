// ALB 2020-06-16: the typed requests, results and provider interface the controllers use.
// No HTTP, no SDK types (the adapter is src/cloud/alibaba/alb.ts).

import type { Tag } from "./common";

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
