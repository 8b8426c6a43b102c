// Unit tests of the SLB wire mapping (slb.ts): Describe* items to typed results, typed specs to params.
import test from "node:test";
import assert from "node:assert/strict";
import {
  backendFromWire,
  backendsToWire,
  domainExtensionFromWire,
  listenerAttrsToWire,
  listenerFromWire,
  loadBalancerFromWire,
} from "./slb";

test("DescribeLoadBalancers items map to SlbLoadBalancer, reading the charge-type alias and Tags.Tag[]", () => {
  const lb = loadBalancerFromWire({
    LoadBalancerId: "lb-bp1abc",
    LoadBalancerName: "a5e4dbfc9",
    Address: "47.0.0.1",
    AddressType: "internet",
    AddressIPVersion: "ipv4",
    NetworkType: "vpc",
    VpcId: "vpc-1",
    VSwitchId: "vsw-1",
    LoadBalancerStatus: "active",
    DeleteProtection: "on",
    ModificationProtectionStatus: "ConsoleProtection",
    ModificationProtectionReason: "managed",
    InstanceChargeType: "PayByCLCU",
    InternetChargeType: "4",
    InternetChargeTypeAlias: "paybybandwidth",
    Bandwidth: "5120",
    Tags: { Tag: [{ TagKey: "kubernetes.do.not.delete", TagValue: "a5e4" }] },
  });
  assert.equal(lb.loadBalancerId, "lb-bp1abc");
  assert.equal(lb.status, "active");
  assert.equal(lb.deleteProtection, "on");
  assert.equal(lb.modificationProtectionStatus, "ConsoleProtection");
  assert.equal(lb.instanceChargeType, "PayByCLCU");
  assert.equal(lb.internetChargeType, "paybybandwidth");
  assert.equal(lb.bandwidth, 5120);
  assert.deepEqual(lb.tags, [{ key: "kubernetes.do.not.delete", value: "a5e4" }]);
});

test("listener attributes go only to the protocols that accept them", () => {
  const attrs = {
    vServerGroupId: "rsp-1",
    scheduler: "wrr" as const,
    persistenceTimeout: 30,
    healthCheckSwitch: "on" as const,
    stickySession: "on" as const,
    proxyProtocolV2Enabled: true,
    xForwardedFor_proto: "on" as const,
    tlsCipherPolicy: "tls_cipher_policy_1_2",
  };
  assert.deepEqual(listenerAttrsToWire("tcp", attrs), {
    VServerGroupId: "rsp-1",
    Scheduler: "wrr",
    PersistenceTimeout: 30,
    ProxyProtocolV2Enabled: "true",
    HealthCheckSwitch: "on",
  });
  assert.deepEqual(listenerAttrsToWire("https", attrs), {
    VServerGroupId: "rsp-1",
    Scheduler: "wrr",
    StickySession: "on",
    XForwardedFor_proto: "on",
    TLSCipherPolicy: "tls_cipher_policy_1_2",
  });
});

test("a TCP listener read back from DescribeLoadBalancerListeners has the attributes that were written", () => {
  const written = {
    vServerGroupId: "rsp-1",
    description: "k8s/80/svc/ns/cid",
    bandwidth: -1,
    scheduler: "wrr" as const,
    persistenceTimeout: 30,
    establishedTimeout: 900,
    connectionDrain: "on" as const,
    connectionDrainTimeout: 60,
    proxyProtocolV2Enabled: true,
    healthCheckSwitch: "on" as const,
    healthCheckType: "http" as const,
    healthCheckURI: "/healthz",
    healthyThreshold: 3,
    aclStatus: "on" as const,
    aclType: "white" as const,
  };
  const wire = listenerAttrsToWire("tcp", written);
  // Shape of the real response: top-level common fields, the rest inside TCPListenerConfig;
  // HealthCheckSwitch is read back as HealthCheck, and AclIds carries the ACL ids.
  const config: Record<string, unknown> = {};
  const top = new Set(["VServerGroupId", "Description", "Bandwidth", "Scheduler", "AclStatus", "AclType"]);
  const response: Record<string, unknown> = {
    LoadBalancerId: "lb-1",
    ListenerPort: 80,
    ListenerProtocol: "tcp",
    Status: "running",
    AclIds: ["acl-1", "acl-2"],
    TCPListenerConfig: config,
  };
  for (const [k, v] of Object.entries(wire)) {
    if (top.has(k)) response[k] = v;
    else config[k === "HealthCheckSwitch" ? "HealthCheck" : k] = v;
  }
  const l = listenerFromWire(response);
  assert.equal(l.listenerPort, 80);
  assert.equal(l.listenerProtocol, "tcp");
  assert.equal(l.status, "running");
  assert.equal(l.aclId, "acl-1,acl-2");
  const { aclId: _aclId, ...rest } = l;
  assert.deepEqual(rest, {
    ...written,
    loadBalancerId: "lb-1",
    listenerPort: 80,
    listenerProtocol: "tcp",
    status: "running",
  });
});

test("BackendServers is a JSON string with ServerId/Port/Weight/Type; removal omits weights", () => {
  const backends = [
    { serverId: "i-1", port: 30080, weight: 100, type: "ecs" as const, description: "k8s/30080/svc/ns/cid" },
    { serverId: "eni-1", port: 8080, weight: 50, type: "eni" as const, serverIp: "10.0.0.5" },
  ];
  assert.deepEqual(JSON.parse(backendsToWire(backends)), [
    { ServerId: "i-1", Port: "30080", Weight: "100", Type: "ecs", Description: "k8s/30080/svc/ns/cid" },
    { ServerId: "eni-1", Port: "8080", Weight: "50", Type: "eni", ServerIp: "10.0.0.5" },
  ]);
  assert.deepEqual(JSON.parse(backendsToWire(backends, true)), [
    { ServerId: "i-1", Port: "30080", Type: "ecs" },
    { ServerId: "eni-1", Port: "8080", Type: "eni", ServerIp: "10.0.0.5" },
  ]);
  assert.deepEqual(backendFromWire({ ServerId: "i-1", Port: "30080", Weight: 100, Type: "ecs" }), {
    serverId: "i-1",
    port: 30080,
    weight: 100,
    type: "ecs",
    serverIp: undefined,
    description: undefined,
  });
});

test("DescribeDomainExtensions items map to SlbDomainExtension", () => {
  assert.deepEqual(
    domainExtensionFromWire({
      DomainExtensionId: "de-bp1rp7ta1",
      Domain: "*.example.com",
      ServerCertificateId: "1231579085529123_166f8204689_1714763408_709981430",
      Certificates: { Certificate: [] },
    }),
    {
      domainExtensionId: "de-bp1rp7ta1",
      domain: "*.example.com",
      serverCertificateId: "1231579085529123_166f8204689_1714763408_709981430",
    },
  );
  assert.equal(domainExtensionFromWire({ Domain: "a.com" }).serverCertificateId, "");
});
