// Top-level parameter names of each ALB action the emulator serves, from the SDK request models
// (@alicloud/alb20200616 `<Action>Request.names()`, the metadata alibabacloud-go/alb-20200616 shares); `Tag` covers
// `Tag.N.Key`. Data only: regenerate when actions are added. Undeclared names are ignored (docs/emulator.md).
import type { ParamSpec } from "../../core";

const NAMES: Record<string, string> = {
  CreateLoadBalancer: `
    AddressAllocatedMode AddressIpVersion AddressType ClientToken DeletionProtectionEnabled DryRun
    LoadBalancerBillingConfig LoadBalancerEdition LoadBalancerName ModificationProtectionConfig
    ResourceGroupId SecurityGroupIds Tag VpcId ZoneMappings`,
  GetLoadBalancerAttribute: `
    LoadBalancerId`,
  ListLoadBalancers: `
    AddressIpVersion AddressType DNSName Ipv6AddressType LoadBalancerBussinessStatus LoadBalancerIds
    LoadBalancerNames LoadBalancerStatus MaxResults NextToken PayType ResourceGroupId Tag VpcIds ZoneId`,
  UpdateLoadBalancerAttribute: `
    ClientToken DryRun LoadBalancerId LoadBalancerName ModificationProtectionConfig`,
  DeleteLoadBalancer: `
    ClientToken DryRun LoadBalancerId RetainResourceType`,
  EnableDeletionProtection: `
    ClientToken DryRun ResourceId`,
  DisableDeletionProtection: `
    ClientToken DryRun ResourceId`,
  CreateListener: `
    CaCertificates CaEnabled Certificates ClientToken DefaultActions DryRun GzipEnabled Http2Enabled
    IdleTimeout ListenerDescription ListenerPort ListenerProtocol LoadBalancerId QuicConfig RequestTimeout
    SecurityPolicyId Tag XForwardedForConfig`,
  ListListeners: `
    ListenerIds ListenerProtocol LoadBalancerIds MaxResults NextToken Tag`,
  GetListenerAttribute: `
    ListenerId`,
  UpdateListenerAttribute: `
    CaCertificates CaEnabled Certificates ClientToken DefaultActions DryRun GzipEnabled Http2Enabled
    IdleTimeout ListenerDescription ListenerId QuicConfig RequestTimeout SecurityPolicyId
    XForwardedForConfig`,
  StartListener: `
    ClientToken DryRun ListenerId`,
  StopListener: `
    ClientToken DryRun ListenerId`,
  DeleteListener: `
    ClientToken DryRun ListenerId`,
  ListListenerCertificates: `
    CertificateIds CertificateType ListenerId MaxResults NextToken`,
  AssociateAdditionalCertificatesWithListener: `
    Certificates ClientToken DryRun ListenerId`,
  DissociateAdditionalCertificatesFromListener: `
    Certificates ClientToken DryRun ListenerId`,
  AssociateAclsWithListener: `
    AclIds AclType ClientToken DryRun ListenerId`,
  DissociateAclsFromListener: `
    AclIds ClientToken DryRun ListenerId`,
  ListSystemSecurityPolicies: ``,
  ListSecurityPolicies: `
    MaxResults NextToken ResourceGroupId SecurityPolicyIds SecurityPolicyNames Tag`,
  CreateServerGroup: `
    ClientToken ConnectionDrainConfig CrossZoneEnabled DryRun HealthCheckConfig Ipv6Enabled
    IpVersionAffinityMode Protocol ResourceGroupId Scheduler ServerGroupName ServerGroupType ServiceName
    SlowStartConfig StickySessionConfig Tag UchConfig UpstreamKeepaliveEnabled VpcId`,
  ListServerGroups: `
    MaxResults NextToken ResourceGroupId ServerGroupIds ServerGroupNames ServerGroupType Tag VpcId`,
  ListServerGroupServers: `
    MaxResults NextToken ServerGroupId ServerIds Tag`,
  AddServersToServerGroup: `
    ClientToken DryRun ServerGroupId Servers`,
  RemoveServersFromServerGroup: `
    ClientToken DryRun ServerGroupId Servers`,
  ReplaceServersInServerGroup: `
    AddedServers ClientToken DryRun RemovedServers ServerGroupId`,
  UpdateServerGroupServersAttribute: `
    ClientToken DryRun ServerGroupId Servers`,
  UpdateServerGroupAttribute: `
    ClientToken ConnectionDrainConfig CrossZoneEnabled DryRun HealthCheckConfig IpVersionAffinityMode
    Scheduler ServerGroupId ServerGroupName ServiceName SlowStartConfig StickySessionConfig UchConfig
    UpstreamKeepaliveEnabled`,
  DeleteServerGroup: `
    ClientToken DryRun ServerGroupId`,
  CreateRule: `
    ClientToken Direction DryRun ListenerId Priority RuleActions RuleConditions RuleName Tag`,
  CreateRules: `
    ClientToken DryRun ListenerId Rules`,
  ListRules: `
    Direction ListenerIds LoadBalancerIds MaxResults NextToken RuleIds Tag`,
  UpdateRuleAttribute: `
    ClientToken DryRun Priority RuleActions RuleConditions RuleId RuleName`,
  UpdateRulesAttribute: `
    ClientToken DryRun Rules`,
  DeleteRule: `
    ClientToken DryRun RuleId`,
  DeleteRules: `
    ClientToken DryRun RuleIds`,
  ListAsynJobs: `
    ApiName BeginTime EndTime JobIds MaxResults NextToken ResourceIds ResourceType`,
  TagResources: `
    ResourceId ResourceType Tag`,
  UnTagResources: `
    All ResourceId ResourceType Tag TagKey`,
  ListTagResources: `
    MaxResults NextToken ResourceId ResourceType Tag`,
  CreateAcl: `
    AclName ClientToken DryRun ResourceGroupId Tag`,
  ListAcls: `
    AclIds AclNames MaxResults NextToken ResourceGroupId Tag`,
  ListAclEntries: `
    AclId MaxResults NextToken`,
  AddEntriesToAcl: `
    AclEntries AclId ClientToken DryRun`,
  RemoveEntriesFromAcl: `
    AclId ClientToken DryRun Entries`,
  DeleteAcl: `
    AclId ClientToken DryRun`,
};

const SPECS = new Map(
  Object.entries(NAMES).map(([action, names]) => {
    const accepted = new Map<string, string>();
    for (const name of names.split(/\s+/).filter(Boolean)) accepted.set(name, name);
    return [action, { action, accepted } satisfies ParamSpec];
  }),
);

export function albParamSpec(action: string): ParamSpec | undefined {
  return SPECS.get(action);
}

/** Every action the table lists (a test checks it covers the handler table). */
export const ALB_PARAM_ACTIONS: readonly string[] = Object.keys(NAMES);
