// SLB (CLB) methods round-trip through the real adapter and the emulator's wire format.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import {
  API_VERSIONS,
  clientTokenFor,
  isCloudError,
  rpcParams,
  type SlbBackendServer,
  type SlbListenerSpec,
} from "../../src/cloud";
import OpenApi, { $OpenApiUtil } from "@alicloud/openapi-core";
import { RuntimeOptions } from "@darabonba/typescript";
import { EMU_ENV, emulatorSdkConfig, OWNER_TAGS, startHarness, type Harness } from "./harness";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const VPC = { vpcId: "vpc-bp1a2b3c4d5e6f7g8h9i0", vSwitchId: "vsw-bp1a2b3c4d5e6f7g8h9i0" };

async function newLb(name: string, extra: Record<string, unknown> = {}) {
  return h.cloud.slb.createLoadBalancer({
    loadBalancerName: name,
    addressType: "intranet",
    ...VPC,
    loadBalancerSpec: "slb.s1.small",
    deleteProtection: "on",
    modificationProtectionStatus: "ConsoleProtection",
    modificationProtectionReason: "managed by alicloud-operator",
    tags: OWNER_TAGS,
    clientToken: clientTokenFor(`uid-${name}`, "clb:create"),
    ...extra,
  });
}

test("create, get and find a load balancer by id, name and tags", async () => {
  const { loadBalancerId, address } = await newLb("lb-roundtrip");
  assert.match(loadBalancerId, /^lb-/);
  assert.ok(address);

  const lb = await h.cloud.slb.getLoadBalancer(loadBalancerId);
  assert.equal(lb.loadBalancerId, loadBalancerId);
  assert.equal(lb.loadBalancerName, "lb-roundtrip");
  assert.equal(lb.address, address);
  assert.equal(lb.addressType, "intranet");
  assert.equal(lb.networkType, "vpc");
  assert.equal(lb.vpcId, VPC.vpcId);
  assert.equal(lb.vSwitchId, VPC.vSwitchId);
  assert.equal(lb.status, "active");
  assert.equal(lb.deleteProtection, "on");
  assert.equal(lb.modificationProtectionStatus, "ConsoleProtection");
  assert.equal(lb.modificationProtectionReason, "managed by alicloud-operator");
  assert.equal(lb.loadBalancerSpec, "slb.s1.small");
  assert.deepEqual(
    [...lb.tags].sort((a, b) => a.key.localeCompare(b.key)),
    [...OWNER_TAGS].sort((a, b) => a.key.localeCompare(b.key)),
  );

  const byId = await h.cloud.slb.findLoadBalancers({ loadBalancerIds: [loadBalancerId] });
  assert.deepEqual(
    byId.map((l) => l.loadBalancerId),
    [loadBalancerId],
  );
  assert.equal(
    byId[0]?.internetChargeType,
    lb.internetChargeType,
    "list reads the readable alias, not the numeric code",
  );
  const byName = await h.cloud.slb.findLoadBalancers({ loadBalancerName: "lb-roundtrip" });
  assert.deepEqual(
    byName.map((l) => l.loadBalancerId),
    [loadBalancerId],
  );
  const byTags = await h.cloud.slb.findLoadBalancers({
    tags: [{ key: "kubernetes.do.not.delete", value: OWNER_TAGS[0].value }],
  });
  assert.ok(byTags.some((l) => l.loadBalancerId === loadBalancerId));
  const none = await h.cloud.slb.findLoadBalancers({
    tags: [{ key: "kubernetes.do.not.delete", value: "nobody" }],
  });
  assert.deepEqual(none, []);
});

test("load balancer setters are visible on the next read", async () => {
  const { loadBalancerId } = await newLb("lb-setters");
  await h.cloud.slb.setLoadBalancerName(loadBalancerId, "lb-renamed");
  await h.cloud.slb.setDeleteProtection(loadBalancerId, "off");
  await h.cloud.slb.setModificationProtection(loadBalancerId, "NonProtection");
  await h.cloud.slb.modifyInstanceSpec(loadBalancerId, "slb.s2.small");
  await h.cloud.slb.modifyInternetSpec(loadBalancerId, {
    internetChargeType: "paybybandwidth",
    bandwidth: 50,
  });
  await h.cloud.slb.tagLoadBalancer(loadBalancerId, [{ key: "team", value: "net" }]);
  await h.cloud.slb.untagLoadBalancer(loadBalancerId, ["ack.aliyun.com"]);

  const lb = await h.cloud.slb.getLoadBalancer(loadBalancerId);
  assert.equal(lb.loadBalancerName, "lb-renamed");
  assert.equal(lb.deleteProtection, "off");
  assert.equal(lb.modificationProtectionStatus, "NonProtection");
  assert.equal(lb.loadBalancerSpec, "slb.s2.small");
  assert.equal(lb.internetChargeType, "paybybandwidth");
  assert.equal(lb.bandwidth, 50);
  const tagMap = Object.fromEntries(lb.tags.map((t) => [t.key, t.value]));
  assert.equal(tagMap.team, "net");
  assert.equal(tagMap["ack.aliyun.com"], undefined);
  assert.equal(tagMap["kubernetes.do.not.delete"], OWNER_TAGS[0].value);

  await h.cloud.slb.modifyInstanceChargeType(loadBalancerId, "PayByCLCU");
  assert.equal((await h.cloud.slb.getLoadBalancer(loadBalancerId)).instanceChargeType, "PayByCLCU");

  await h.cloud.slb.deleteLoadBalancer(loadBalancerId);
  await assert.rejects(h.cloud.slb.getLoadBalancer(loadBalancerId), (e) => isCloudError(e, "NotFound"));
});

const LISTENERS: SlbListenerSpec[] = [
  {
    listenerPort: 80,
    listenerProtocol: "tcp",
    description: "k8s/80/web/default/cid",
    bandwidth: -1,
    scheduler: "wrr",
    persistenceTimeout: 30,
    establishedTimeout: 600,
    connectionDrain: "on",
    connectionDrainTimeout: 60,
    healthCheckSwitch: "on",
    healthCheckType: "tcp",
    healthCheckConnectTimeout: 5,
    healthyThreshold: 4,
    unhealthyThreshold: 5,
    healthCheckInterval: 3,
  },
  {
    listenerPort: 53,
    listenerProtocol: "udp",
    description: "k8s/53/dns/default/cid",
    scheduler: "rr",
    healthCheckSwitch: "off",
    proxyProtocolV2Enabled: true,
  },
  {
    listenerPort: 8080,
    listenerProtocol: "http",
    description: "k8s/8080/web/default/cid",
    scheduler: "wlc",
    healthCheck: "on",
    healthCheckURI: "/healthz",
    healthCheckDomain: "$_ip",
    healthCheckHttpCode: "http_2xx,http_3xx",
    healthCheckTimeout: 4,
    healthCheckMethod: "get",
    stickySession: "on",
    stickySessionType: "insert",
    cookieTimeout: 1800,
    idleTimeout: 30,
    requestTimeout: 90,
    xForwardedFor_proto: "on",
    xForwardedFor_SLBPORT: "on",
    xForwardedFor_ClientSrcPort: "off",
  },
];

function pick<T extends object>(o: T, keys: ReadonlyArray<keyof T>): Partial<T> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Partial<T>;
}

test("listeners of every L4/L7 protocol round-trip their attributes; start, update, stop, delete", async () => {
  const { loadBalancerId } = await newLb("lb-listeners", { deleteProtection: "off" });
  const { vServerGroupId } = await h.cloud.slb.createVServerGroup(
    loadBalancerId,
    "k8s/30080/web/default/cid",
    [],
  );
  for (const spec of LISTENERS) await h.cloud.slb.createListener(loadBalancerId, { ...spec, vServerGroupId });

  const listed = await h.cloud.slb.listListeners(loadBalancerId);
  assert.equal(listed.length, LISTENERS.length);
  for (const spec of LISTENERS) {
    const got = listed.find(
      (l) => l.listenerPort === spec.listenerPort && l.listenerProtocol === spec.listenerProtocol,
    );
    assert.ok(got, `listener ${spec.listenerProtocol}:${spec.listenerPort} listed`);
    assert.equal(got.status, "stopped", "a new listener starts stopped");
    assert.equal(got.loadBalancerId, loadBalancerId);
    assert.equal(got.vServerGroupId, vServerGroupId);
    const keys = Object.keys(spec) as Array<keyof SlbListenerSpec>;
    assert.deepEqual(pick(got, keys), spec, `attributes of ${spec.listenerProtocol}:${spec.listenerPort}`);
  }

  await h.cloud.slb.startListener(loadBalancerId, 80, "tcp");
  await h.cloud.slb.updateListener(loadBalancerId, 80, "tcp", {
    scheduler: "rr",
    persistenceTimeout: 0,
    description: "changed",
  });
  let tcp = (await h.cloud.slb.listListeners(loadBalancerId)).find((l) => l.listenerPort === 80);
  assert.equal(tcp?.status, "running");
  assert.equal(tcp?.scheduler, "rr");
  assert.equal(tcp?.persistenceTimeout, 0);
  assert.equal(tcp?.description, "changed");
  assert.equal(tcp?.establishedTimeout, 600, "attributes not in the update are untouched");

  await h.cloud.slb.stopListener(loadBalancerId, 80, "tcp");
  tcp = (await h.cloud.slb.listListeners(loadBalancerId)).find((l) => l.listenerPort === 80);
  assert.equal(tcp?.status, "stopped");

  // An L7 update that also moves the listener to another vserver group (VServerGroup=on + VServerGroupId).
  const { vServerGroupId: other } = await h.cloud.slb.createVServerGroup(
    loadBalancerId,
    "k8s/30081/web/default/cid",
    [],
  );
  await h.cloud.slb.updateListener(loadBalancerId, 8080, "http", {
    vServerGroupId: other,
    stickySessionType: "server",
    cookie: "SESSIONID",
    healthCheck: "off",
    xForwardedFor_ClientSrcPort: "on",
  });
  const http = (await h.cloud.slb.listListeners(loadBalancerId)).find((l) => l.listenerPort === 8080);
  assert.equal(http?.vServerGroupId, other);
  assert.equal(http?.stickySessionType, "server");
  assert.equal(http?.cookie, "SESSIONID");
  assert.equal(http?.healthCheck, "off");
  assert.equal(http?.xForwardedFor_ClientSrcPort, "on");
  assert.equal(http?.idleTimeout, 30, "untouched");

  await h.cloud.slb.deleteListener(loadBalancerId, 53, "udp");
  const after = await h.cloud.slb.listListeners(loadBalancerId);
  assert.deepEqual(after.map((l) => `${l.listenerProtocol}:${l.listenerPort}`).sort(), [
    "http:8080",
    "tcp:80",
  ]);
});

test("an HTTPS listener carries its certificate and TLS settings", async () => {
  const { loadBalancerId } = await newLb("lb-https", { deleteProtection: "off" });
  const cert = await uploadCertificate();
  const { vServerGroupId } = await h.cloud.slb.createVServerGroup(
    loadBalancerId,
    "k8s/443/web/default/cid",
    [],
  );
  await h.cloud.slb.createListener(loadBalancerId, {
    vServerGroupId,
    listenerPort: 443,
    listenerProtocol: "https",
    serverCertificateId: cert,
    tlsCipherPolicy: "tls_cipher_policy_1_2",
    enableHttp2: "off",
    healthCheck: "off",
    stickySession: "off",
  });
  const [l] = await h.cloud.slb.listListeners(loadBalancerId);
  assert.equal(l?.listenerProtocol, "https");
  assert.equal(l?.serverCertificateId, cert);
  assert.equal(l?.tlsCipherPolicy, "tls_cipher_policy_1_2");
  assert.equal(l?.enableHttp2, "off");
});

test("domain extensions of an HTTPS listener: create, list, change the certificate, delete", async () => {
  const { loadBalancerId } = await newLb("lb-domain-ext", { deleteProtection: "off" });
  const [certA, certB] = [await uploadCertificate(), await uploadCertificate()];
  const { vServerGroupId } = await h.cloud.slb.createVServerGroup(
    loadBalancerId,
    "k8s/443/web/default/cid",
    [],
  );
  await h.cloud.slb.createListener(loadBalancerId, {
    vServerGroupId,
    listenerPort: 443,
    listenerProtocol: "https",
    serverCertificateId: certA,
  });
  const www = await h.cloud.slb.createDomainExtension(loadBalancerId, 443, "www.example.com", certA);
  const wild = await h.cloud.slb.createDomainExtension(loadBalancerId, 443, "*.example.org", certB);
  assert.match(www.domainExtensionId, /^de-/);
  assert.notEqual(www.domainExtensionId, wild.domainExtensionId);
  const byDomain = async () =>
    Object.fromEntries(
      (await h.cloud.slb.listDomainExtensions(loadBalancerId, 443)).map((d) => [
        d.domain,
        [d.domainExtensionId, d.serverCertificateId],
      ]),
    );
  assert.deepEqual(await byDomain(), {
    "www.example.com": [www.domainExtensionId, certA],
    "*.example.org": [wild.domainExtensionId, certB],
  });
  await assert.rejects(
    h.cloud.slb.createDomainExtension(loadBalancerId, 443, "www.example.com", certB),
    (e) => isCloudError(e, "Conflict") && e.code === "DomainExist",
  );

  await h.cloud.slb.setDomainExtensionCertificate(www.domainExtensionId, certB);
  assert.deepEqual((await byDomain())["www.example.com"], [www.domainExtensionId, certB]);

  await h.cloud.slb.deleteDomainExtension(wild.domainExtensionId);
  await assert.rejects(h.cloud.slb.deleteDomainExtension(wild.domainExtensionId), (e) =>
    isCloudError(e, "NotFound"),
  );
  assert.deepEqual(Object.keys(await byDomain()), ["www.example.com"]);
  await assert.rejects(h.cloud.slb.setDomainExtensionCertificate(wild.domainExtensionId, certA), (e) =>
    isCloudError(e, "NotFound"),
  );

  // The extensions go with their listener.
  await h.cloud.slb.deleteListener(loadBalancerId, 443, "https");
  await h.cloud.slb.createListener(loadBalancerId, {
    vServerGroupId,
    listenerPort: 443,
    listenerProtocol: "https",
    serverCertificateId: certA,
  });
  assert.deepEqual(await h.cloud.slb.listDomainExtensions(loadBalancerId, 443), []);
});

/**
 * HTTPS needs a certificate that exists in the emulator. The provider has no upload method (the operator
 * only references certificates), so this goes through the same SDK generic call, signed for real.
 */
async function uploadCertificate(): Promise<string> {
  const client = new OpenApi(emulatorSdkConfig(h.url));
  const res = await client.callApi(
    rpcParams("UploadServerCertificate", API_VERSIONS.slb),
    new $OpenApiUtil.OpenApiRequest({
      query: {
        RegionId: EMU_ENV.ALIBABA_CLOUD_REGION_ID,
        ServerCertificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        PrivateKey: "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n",
        ServerCertificateName: "contract-test",
      },
    }),
    new RuntimeOptions({}),
  );
  const id = (res.body as { ServerCertificateId?: string }).ServerCertificateId;
  assert.ok(id, "certificate uploaded");
  return id;
}

test("vserver groups: create with more than one batch of backends, add, update weights, remove, delete", async () => {
  const { loadBalancerId } = await newLb("lb-vsg", { deleteProtection: "off" });
  const backends: SlbBackendServer[] = Array.from({ length: 25 }, (_, i) => ({
    serverId: `i-bp1node${String(i).padStart(12, "0")}`,
    port: 30080,
    weight: 100,
    type: "ecs",
    description: "k8s/30080/web/default/cid",
  }));
  const { vServerGroupId } = await h.cloud.slb.createVServerGroup(
    loadBalancerId,
    "k8s/30080/web/default/cid",
    backends,
  );
  let [group] = await h.cloud.slb.listVServerGroups(loadBalancerId);
  assert.equal(group?.vServerGroupId, vServerGroupId);
  assert.equal(group?.vServerGroupName, "k8s/30080/web/default/cid");
  assert.equal(group?.loadBalancerId, loadBalancerId);
  assert.equal(group?.backendServers.length, 25, "25 backends = 20 on create + 5 added");
  assert.deepEqual(
    group?.backendServers.find((b) => b.serverId === backends[0].serverId),
    { ...backends[0], serverIp: undefined },
  );

  const eni: SlbBackendServer = {
    serverId: "eni-bp1pod000000000001",
    port: 8080,
    weight: 50,
    type: "eni",
    serverIp: "10.0.0.7",
  };
  await h.cloud.slb.addBackendServers(vServerGroupId, [eni]);
  await h.cloud.slb.updateBackendServers(vServerGroupId, [{ ...backends[1], weight: 10 }]);
  await h.cloud.slb.removeBackendServers(vServerGroupId, backends.slice(2, 24));
  [group] = await h.cloud.slb.listVServerGroups(loadBalancerId);
  const byId = new Map(group?.backendServers.map((b) => [b.serverId, b]));
  assert.equal(byId.size, 4);
  assert.equal(byId.get(backends[1].serverId)?.weight, 10);
  assert.equal(byId.get(eni.serverId)?.serverIp, "10.0.0.7");
  assert.equal(byId.get(eni.serverId)?.type, "eni");

  await h.cloud.slb.deleteVServerGroup(vServerGroupId);
  assert.deepEqual(await h.cloud.slb.listVServerGroups(loadBalancerId), []);
});

test("paging follows PageNumber and NextToken to the end", async () => {
  const small = h.provider({ pageSize: 2 });
  const tag = { key: "paging", value: "yes" };
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await small.cloud.slb.createLoadBalancer({
      loadBalancerName: `lb-page-${i}`,
      tags: [tag],
      clientToken: clientTokenFor("uid-paging", `clb:create:${i}`),
    });
    ids.push(r.loadBalancerId);
  }
  const since = await h.mark();
  const found = await small.cloud.slb.findLoadBalancers({ tags: [tag] });
  assert.deepEqual(found.map((l) => l.loadBalancerId).sort(), [...ids].sort());
  const describes = (await since()).filter((r) => r.action === "DescribeLoadBalancers");
  assert.equal(describes.length, 3, "5 items at 2 per page = 3 pages");

  const lbId = ids[0];
  const { vServerGroupId } = await small.cloud.slb.createVServerGroup(lbId, "k8s/8x/web/default/cid", []);
  for (const port of [81, 82, 83, 84, 85]) {
    await small.cloud.slb.createListener(lbId, {
      listenerPort: port,
      listenerProtocol: "tcp",
      vServerGroupId,
    });
  }
  const sinceListeners = await h.mark();
  const listeners = await small.cloud.slb.listListeners(lbId);
  assert.deepEqual(listeners.map((l) => l.listenerPort).sort(), [81, 82, 83, 84, 85]);
  const listCalls = (await sinceListeners()).filter((r) => r.action === "DescribeLoadBalancerListeners");
  assert.equal(listCalls.length, 3, "5 listeners at 2 per page = 3 NextToken pages");
});
