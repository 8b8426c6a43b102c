// The parameter names real clients put on the wire for each SLB (CLB) 2014-05-15 action the emulator serves:
// the union of the Go SDK request structs (aliyun/alibaba-cloud-sdk-go services/slb, `position:"Query"` tags)
// and the Tea SDK models the TypeScript SDK shares (alibabacloud-go/slb-20140515 client/client.go). Data only.
import type { ParamSpec } from "../../core";

/**
 * Top-level names (`Tag` covers `Tag.N.Key`), beyond the gateway parameters every action takes
 * (GATEWAY_PARAMS in core.ts, RegionId and the owner fields). The spellings are the metadata's: it writes
 * `healthCheckInterval` on the TCP/UDP creates and `healthCheckReq`/`healthCheckExp` on UDP (docs/emulator.md,
 * Parameter names).
 */
const NAMES: Record<string, string> = {
  CreateLoadBalancer: `
    Address AddressIPVersion AddressType AutoPay AutoRenew AutoRenewPeriod Bandwidth ClientToken CloudType
    DeleteProtection Duration EnableVpcVipFlow InstanceChargeType InstanceListenerType InternetChargeType
    LoadBalancerName LoadBalancerSpec MasterZoneId ModificationProtectionReason ModificationProtectionStatus
    PayType PricingCycle Ratio ResourceGroupId SlaveZoneId SupportPrivateLink Tag Tags VpcId VSwitchId`,
  DescribeLoadBalancers: `
    Address AddressIPVersion AddressType BusinessStatus FilterByTagOrName Fuzzy InstanceChargeType
    InternetChargeType LoadBalancerId LoadBalancerName LoadBalancerStatus MasterZoneId NetworkType
    PageNumber PageSize PayType ResourceGroupId ServerId ServerIntranetAddress SlaveZoneId
    SupportPrivateLink Tag Tags VpcId VSwitchId`,
  DescribeLoadBalancerAttribute: `
    IncludeReservedData LoadBalancerId Tags`,
  DeleteLoadBalancer: `
    EnableEipReserve LoadBalancerId Tags`,
  SetLoadBalancerName: `
    LoadBalancerId LoadBalancerName Tags`,
  SetLoadBalancerDeleteProtection: `
    DeleteProtection LoadBalancerId Tags`,
  SetLoadBalancerModificationProtection: `
    LoadBalancerId ModificationProtectionReason ModificationProtectionStatus`,
  ModifyLoadBalancerInstanceSpec: `
    AutoPay LoadBalancerId LoadBalancerSpec Tags`,
  ModifyLoadBalancerInternetSpec: `
    AutoPay Bandwidth InternetChargeType LoadBalancerId Ratio Tags`,
  ModifyLoadBalancerInstanceChargeType: `
    Bandwidth InstanceChargeType InternetChargeType LoadBalancerId LoadBalancerSpec`,
  TagResources: `
    ResourceId ResourceType Tag`,
  UntagResources: `
    All ResourceId ResourceType TagKey`,
  ListTagResources: `
    NextToken ResourceId ResourceType Tag`,
  AddTags: `
    LoadBalancerId Tags`,
  RemoveTags: `
    LoadBalancerId Tags`,
  DescribeTags: `
    DistinctKey LoadBalancerId PageNumber PageSize Tags`,
  CreateLoadBalancerTCPListener: `
    AclId AclStatus AclType BackendServerPort Bandwidth ConnectionDrain ConnectionDrainTimeout Description
    EstablishedTimeout FailoverStrategy FailoverThreshold FullNatEnabled HealthCheckConnectPort
    HealthCheckConnectTimeout HealthCheckDomain HealthCheckHttpCode healthCheckInterval HealthCheckMethod
    HealthCheckSwitch HealthCheckTcpFastCloseEnabled HealthCheckType HealthCheckURI HealthyThreshold
    ListenerPort LoadBalancerId MasterServerGroupId MasterSlaveModeEnabled MasterSlaveServerGroupId
    MaxConnection PersistenceTimeout PortRange ProxyProtocolV2Enabled Scheduler SlaveServerGroupId Tag Tags
    UnhealthyThreshold VpcIds VServerGroupId`,
  SetLoadBalancerTCPListenerAttribute: `
    AclId AclStatus AclType Bandwidth ConnectionDrain ConnectionDrainTimeout Description EstablishedTimeout
    FailoverStrategy FailoverThreshold FullNatEnabled HealthCheckConnectPort HealthCheckConnectTimeout
    HealthCheckDomain HealthCheckHttpCode HealthCheckInterval HealthCheckMethod HealthCheckSwitch
    HealthCheckTcpFastCloseEnabled HealthCheckType HealthCheckURI HealthyThreshold ListenerPort
    LoadBalancerId MasterServerGroupId MasterSlaveModeEnabled MasterSlaveServerGroup
    MasterSlaveServerGroupId MaxConnection PersistenceTimeout PortRange ProxyProtocolV2Enabled
    ProxyProtocolVpcIdEnabled Scheduler SlaveServerGroupId SynProxy Tags UnhealthyThreshold VpcIds
    VServerGroup VServerGroupId`,
  DescribeLoadBalancerTCPListenerAttribute: `
    ListenerPort LoadBalancerId Tags`,
  CreateLoadBalancerUDPListener: `
    AclId AclStatus AclType BackendServerPort Bandwidth ConnectionDrain ConnectionDrainTimeout Description
    FailoverStrategy FailoverThreshold FullNatEnabled HealthCheckConnectPort HealthCheckConnectTimeout
    HealthCheckDomain healthCheckExp HealthCheckHttpCode healthCheckInterval HealthCheckMethod
    healthCheckReq HealthCheckSwitch HealthCheckType HealthCheckURI HealthyThreshold ListenerPort
    LoadBalancerId MasterServerGroupId MasterSlaveModeEnabled MasterSlaveServerGroupId MaxConnection
    PersistenceTimeout PortRange ProxyProtocolV2Enabled QuicVersion Scheduler SlaveServerGroupId Tag Tags
    UnhealthyThreshold VpcIds VServerGroupId`,
  SetLoadBalancerUDPListenerAttribute: `
    AclId AclStatus AclType Bandwidth ConnectionDrain ConnectionDrainTimeout Description FailoverStrategy
    FailoverThreshold FullNatEnabled HealthCheckConnectPort HealthCheckConnectTimeout HealthCheckDomain
    healthCheckExp HealthCheckHttpCode HealthCheckInterval HealthCheckMethod healthCheckReq
    HealthCheckSwitch HealthCheckType HealthCheckURI HealthyThreshold ListenerPort LoadBalancerId
    MasterServerGroupId MasterSlaveModeEnabled MasterSlaveServerGroup MasterSlaveServerGroupId MaxConnection
    PersistenceTimeout PortRange ProxyProtocolV2Enabled ProxyProtocolVpcIdEnabled QuicVersion Scheduler
    SlaveServerGroupId Tags UnhealthyThreshold VpcIds VServerGroup VServerGroupId`,
  DescribeLoadBalancerUDPListenerAttribute: `
    ListenerPort LoadBalancerId Tags`,
  CreateLoadBalancerHTTPListener: `
    AclId AclStatus AclType BackendServerPort Bandwidth Cookie CookieTimeout Description ForwardCode
    ForwardPort Gzip HealthCheck HealthCheckConnectPort HealthCheckDomain HealthCheckHttpCode
    HealthCheckHttpVersion HealthCheckInterval HealthCheckMethod HealthCheckTimeout HealthCheckType
    HealthCheckURI HealthyThreshold IdleTimeout ListenerForward ListenerPort LoadBalancerId MaxConnection
    RequestTimeout Scheduler StickySession StickySessionType Tag Tags UnhealthyThreshold VpcIds
    VServerGroupId XForwardedFor XForwardedFor_ClientSrcPort XForwardedFor_proto XForwardedFor_SLBID
    XForwardedFor_SLBIP XForwardedFor_SLBPORT`,
  SetLoadBalancerHTTPListenerAttribute: `
    AclId AclStatus AclType Bandwidth Cookie CookieTimeout Description ForwardCode Gzip HealthCheck
    HealthCheckConnectPort HealthCheckDomain HealthCheckHttpCode HealthCheckInterval HealthCheckMethod
    HealthCheckTimeout HealthCheckType HealthCheckURI HealthyThreshold IdleTimeout ListenerPort
    LoadBalancerId MaxConnection RequestTimeout Scheduler StickySession StickySessionType Tags
    UnhealthyThreshold VpcIds VServerGroup VServerGroupId XForwardedFor XForwardedFor_ClientSrcPort
    XForwardedFor_proto XForwardedFor_SLBID XForwardedFor_SLBIP XForwardedFor_SLBPORT`,
  DescribeLoadBalancerHTTPListenerAttribute: `
    ListenerPort LoadBalancerId Tags`,
  CreateLoadBalancerHTTPSListener: `
    AclId AclStatus AclType BackendProtocol BackendServerPort Bandwidth CACertificateId Cookie CookieTimeout
    Description EnableHttp2 Gzip HealthCheck HealthCheckConnectPort HealthCheckDomain HealthCheckHttpCode
    HealthCheckHttpVersion HealthCheckInterval HealthCheckMethod HealthCheckTimeout HealthCheckType
    HealthCheckURI HealthyThreshold IdleTimeout ListenerPort LoadBalancerId MaxConnection RequestTimeout
    Scheduler ServerCertificate ServerCertificateId StickySession StickySessionType Tag Tags TLSCipherPolicy
    UnhealthyThreshold VpcIds VServerGroupId XForwardedFor XForwardedFor_ClientCertClientVerify
    XForwardedFor_ClientCertClientVerifyAlias XForwardedFor_ClientCertFingerprint
    XForwardedFor_ClientCertFingerprintAlias XForwardedFor_ClientCertIssuerDN
    XForwardedFor_ClientCertIssuerDNAlias XForwardedFor_ClientCertSubjectDN
    XForwardedFor_ClientCertSubjectDNAlias XForwardedFor_ClientSrcPort XForwardedFor_proto
    XForwardedFor_SLBID XForwardedFor_SLBIP XForwardedFor_SLBPORT`,
  SetLoadBalancerHTTPSListenerAttribute: `
    AclId AclStatus AclType BackendProtocol Bandwidth CACertificateId Cookie CookieTimeout Description
    EnableHttp2 Gzip HealthCheck HealthCheckConnectPort HealthCheckDomain HealthCheckHttpCode
    HealthCheckInterval HealthCheckMethod HealthCheckTimeout HealthCheckType HealthCheckURI HealthyThreshold
    IdleTimeout ListenerPort LoadBalancerId MaxConnection RequestTimeout Scheduler ServerCertificate
    ServerCertificateId StickySession StickySessionType Tags TLSCipherPolicy UnhealthyThreshold VpcIds
    VServerGroup VServerGroupId XForwardedFor XForwardedFor_ClientCertClientVerify
    XForwardedFor_ClientCertClientVerifyAlias XForwardedFor_ClientCertFingerprint
    XForwardedFor_ClientCertFingerprintAlias XForwardedFor_ClientCertIssuerDN
    XForwardedFor_ClientCertIssuerDNAlias XForwardedFor_ClientCertSubjectDN
    XForwardedFor_ClientCertSubjectDNAlias XForwardedFor_ClientSrcPort XForwardedFor_proto
    XForwardedFor_SLBID XForwardedFor_SLBIP XForwardedFor_SLBPORT`,
  DescribeLoadBalancerHTTPSListenerAttribute: `
    ListenerPort LoadBalancerId Tags`,
  StartLoadBalancerListener: `
    ListenerPort ListenerProtocol LoadBalancerId Tags`,
  StopLoadBalancerListener: `
    ListenerPort ListenerProtocol LoadBalancerId Tags`,
  DeleteLoadBalancerListener: `
    ListenerPort ListenerProtocol LoadBalancerId Tags`,
  DescribeLoadBalancerListeners: `
    Description ListenerPort ListenerProtocol LoadBalancerId MaxResults NextToken Tag`,
  CreateVServerGroup: `
    BackendServers LoadBalancerId Tag Tags VServerGroupName`,
  DescribeVServerGroups: `
    Description IncludeListener IncludeRule LoadBalancerId Tag Tags`,
  DescribeVServerGroupAttribute: `
    Tags VServerGroupId`,
  AddVServerGroupBackendServers: `
    BackendServers Tags VServerGroupId`,
  RemoveVServerGroupBackendServers: `
    BackendServers Tags VServerGroupId`,
  ModifyVServerGroupBackendServers: `
    NewBackendServers OldBackendServers Tags VServerGroupId`,
  SetVServerGroupAttribute: `
    BackendServers Tags VServerGroupId VServerGroupName`,
  DeleteVServerGroup: `
    Tags VServerGroupId`,
  UploadServerCertificate: `
    AliCloudCertificateId AliCloudCertificateName AliCloudCertificateRegionId PrivateKey ResourceGroupId
    ServerCertificate ServerCertificateName StandardType Tag Tags`,
  DescribeServerCertificates: `
    ResourceGroupId ServerCertificateId Tag Tags`,
  SetServerCertificateName: `
    ServerCertificateId ServerCertificateName Tags`,
  DeleteServerCertificate: `
    ServerCertificateId Tags`,
  CreateDomainExtension: `
    CertificateId Domain ListenerPort LoadBalancerId ServerCertificate ServerCertificateId Tags`,
  SetDomainExtensionAttribute: `
    CertificateId DomainExtensionId ServerCertificate ServerCertificateId Tags`,
  DeleteDomainExtension: `
    DomainExtensionId Tags`,
  DescribeDomainExtensions: `
    DomainExtensionId ListenerPort LoadBalancerId Tags`,
  DescribeHealthStatus: `
    ListenerPort ListenerProtocol LoadBalancerId Tags`,
  CreateAccessControlList: `
    AclName AddressIPVersion ResourceGroupId Tag Tags`,
  DescribeAccessControlLists: `
    AclName AddressIPVersion PageNumber PageSize ResourceGroupId Tag Tags`,
  DescribeAccessControlListAttribute: `
    AclEntryComment AclId Page PageSize Tags`,
  AddAccessControlListEntry: `
    AclEntrys AclId Tags`,
  RemoveAccessControlListEntry: `
    AclEntrys AclId Tags`,
  SetAccessControlListAttribute: `
    AclId AclName Tags`,
  DeleteAccessControlList: `
    AclId Tags`,
};

/**
 * Parameters whose metadata spelling starts lower-case are also taken in PascalCase: clients written from the
 * API reference send that (denverdino/aliyungo slb/listeners.go, this operator's src/cloud). Whether the real
 * gateway matches names case-insensitively in general is not confirmed, so other casings are not accepted.
 */
function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function specOf(action: string, names: string): ParamSpec {
  const accepted = new Map<string, string>();
  for (const name of names.split(/\s+/).filter(Boolean)) {
    const canonical = pascal(name);
    accepted.set(name, canonical);
    if (!accepted.has(canonical)) accepted.set(canonical, canonical);
  }
  return { action, accepted };
}

const SPECS = new Map(Object.entries(NAMES).map(([action, names]) => [action, specOf(action, names)]));

/** The accepted names of one SLB action; undefined for an action the table does not list. */
export function slbParamSpec(action: string): ParamSpec | undefined {
  return SPECS.get(action);
}

/** Every action the table lists (a test checks it covers the handler table). */
export const SLB_PARAM_ACTIONS: readonly string[] = Object.keys(NAMES);
