// SLB (CLB) 2014-05-15 through the real SDK and Go-style raw requests: the CCM create/update/delete
// flows, response shapes, cascades, guards, quotas and ClientToken idempotency.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { admin, goSdkV2, type Json, rejectsWith, rpcClient, SLB_VERSION, type Call } from "./helpers";

let emu: RunningEmulator;
let slb: Call;

before(async () => {
  emu = await startEmulator({
    seed: 11,
    quotas: { slbPerAccount: 8, listenersPerSlb: 3, backendsPerSlb: 5 },
  });
  slb = rpcClient(emu, SLB_VERSION);
});
after(() => emu.close());

const uid = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

async function goCall(action: string, params: Record<string, string>): Promise<Json> {
  const res = await goSdkV2(emu, action, params);
  if (res.status !== 200)
    throw Object.assign(new Error(res.body.Message), { code: res.body.Code, status: res.status });
  return res.body;
}

test("CCM create flow: find by Tags JSON and name, create, describe, vgroup, backends, listener, start", async () => {
  // 1-2: nothing found yet, via the legacy Tags JSON filter and the exact name.
  const byTags = await goCall("DescribeLoadBalancers", {
    Tags: JSON.stringify([{ TagKey: "kubernetes.do.not.delete", TagValue: uid }]),
  });
  assert.equal(byTags.TotalCount, 0);
  assert.deepEqual(byTags.LoadBalancers.LoadBalancer, []);
  assert.equal((await goCall("DescribeLoadBalancers", { LoadBalancerName: uid })).TotalCount, 0);

  // 3: create, as the CCM does (ClientToken, tags, protections on).
  const created = await goCall("CreateLoadBalancer", {
    ClientToken: "ccm-token-1",
    LoadBalancerName: uid,
    AddressType: "internet",
    LoadBalancerSpec: "slb.s1.small",
    "Tag.1.Key": "kubernetes.do.not.delete",
    "Tag.1.Value": uid,
    "Tag.2.Key": "ack.aliyun.com",
    "Tag.2.Value": "c-test",
    DeleteProtection: "on",
    ModificationProtectionStatus: "ConsoleProtection",
    ModificationProtectionReason: "managed by ack",
  });
  const lbId: string = created.LoadBalancerId;
  assert.match(lbId, /^lb-bp1[a-z0-9]+$/);
  assert.match(created.Address, /^47\.\d+\.\d+\.\d+$/);

  // Found by tags now, with Tags.Tag[] and InternetChargeTypeAlias on the list item.
  const found = await goCall("DescribeLoadBalancers", {
    Tags: JSON.stringify([{ TagKey: "kubernetes.do.not.delete", TagValue: uid }]),
  });
  assert.equal(found.TotalCount, 1);
  const item = found.LoadBalancers.LoadBalancer[0];
  assert.equal(item.InternetChargeTypeAlias, "paybytraffic");
  assert.deepEqual(item.Tags.Tag.map((t: Json) => t.TagKey).sort(), [
    "ack.aliyun.com",
    "kubernetes.do.not.delete",
  ]);

  // 4: attribute
  const attr = await slb("DescribeLoadBalancerAttribute", { LoadBalancerId: lbId });
  assert.equal(attr.InternetChargeType, "paybytraffic");
  assert.equal(attr.DeleteProtection, "on");
  assert.equal(attr.ModificationProtectionStatus, "ConsoleProtection");
  assert.equal(attr.LoadBalancerSpec, "slb.s1.small");

  // 5: vgroup, backends with the CCM's lower-case JSON and extra keys, listener, start.
  const vg = await goCall("CreateVServerGroup", {
    LoadBalancerId: lbId,
    VServerGroupName: "k8s/30080/svc/ns/c-test",
  });
  assert.match(vg.VServerGroupId, /^rsp-[a-z0-9]+$/);
  const ccmBackends = [
    {
      IsUserManaged: false,
      NodeName: null,
      description: "k8s/30080/svc/ns/c-test",
      serverId: "i-emu1",
      serverIp: "",
      weight: 100,
      port: 30080,
      type: "ecs",
      TargetRef: { kind: "Pod" },
      Invalid: false,
    },
    { ServerId: "i-emu2", Port: "30080", Weight: "50", Type: "ecs" },
  ];
  const added = await goCall("AddVServerGroupBackendServers", {
    VServerGroupId: vg.VServerGroupId,
    BackendServers: JSON.stringify(ccmBackends),
  });
  assert.deepEqual(
    added.BackendServers.BackendServer.map((b: Json) => [b.ServerId, b.Port, b.Weight, b.Type]),
    [
      ["i-emu1", 30080, 100, "ecs"],
      ["i-emu2", 30080, 50, "ecs"],
    ],
  );
  await slb("CreateLoadBalancerTCPListener", {
    LoadBalancerId: lbId,
    ListenerPort: 80,
    Bandwidth: -1,
    VServerGroupId: vg.VServerGroupId,
    Description: "k8s/80/svc/ns/c-test",
    PersistenceTimeout: 0,
  });
  let listeners = await goCall("DescribeLoadBalancerListeners", {
    "LoadBalancerId.1": lbId,
    MaxResults: "50",
  });
  assert.equal(listeners.Listeners[0].Status, "stopped", "a new listener starts stopped");
  await slb("StartLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: 80 });
  listeners = await goCall("DescribeLoadBalancerListeners", { "LoadBalancerId.1": lbId, MaxResults: "50" });
  const l = listeners.Listeners[0];
  assert.equal(l.Status, "running");
  assert.equal(l.ListenerProtocol, "tcp");
  assert.equal(l.VServerGroupId, vg.VServerGroupId);
  assert.equal(l.Description, "k8s/80/svc/ns/c-test");
  assert.equal(l.TCPListenerConfig.PersistenceTimeout, 0);
  assert.equal(listeners.NextToken, "");

  const groups = await slb("DescribeVServerGroups", { LoadBalancerId: lbId });
  assert.deepEqual(groups.VServerGroups.VServerGroup[0].AssociatedObjects.Listeners.Listener, [
    { Protocol: "tcp", Port: 80 },
  ]);
  const health = await slb("DescribeHealthStatus", { LoadBalancerId: lbId });
  assert.equal(health.BackendServers.BackendServer.length, 2);
  assert.ok(health.BackendServers.BackendServer.every((b: Json) => b.ServerHealthStatus === "normal"));

  // Guards: vgroup in use, delete protection.
  await rejectsWith(slb("DeleteVServerGroup", { VServerGroupId: vg.VServerGroupId }), "RspoolVipExist");
  await rejectsWith(slb("DeleteLoadBalancer", { LoadBalancerId: lbId }), "OperationDenied.DeleteProtection");

  // Delete flow: protection off, delete, then every child is gone (cascade).
  await slb("SetLoadBalancerDeleteProtection", { LoadBalancerId: lbId, DeleteProtection: "off" });
  await slb("DeleteLoadBalancer", { LoadBalancerId: lbId });
  const gone = await rejectsWith(
    slb("DescribeLoadBalancerAttribute", { LoadBalancerId: lbId }),
    "InvalidLoadBalancerId.NotFound",
  );
  assert.equal(gone.statusCode, 404);
  assert.match(String(gone.data?.Message ?? gone.message), /The specified LoadBalancerId does not exist/);
  await rejectsWith(
    slb("DescribeVServerGroupAttribute", { VServerGroupId: vg.VServerGroupId }),
    "InvalidParameter",
  );
  assert.deepEqual((await slb("DescribeLoadBalancerListeners", { LoadBalancerId: [lbId] })).Listeners, []);
  assert.deepEqual(
    (await slb("ListTagResources", { ResourceType: "instance", ResourceId: [lbId] })).TagResources
      .TagResource,
    [],
  );
});

test("listener attributes: HTTP set/describe, TCP/UDP share a port, duplicates and missing params refused", async () => {
  const { LoadBalancerId: lbId } = await slb("CreateLoadBalancer", { LoadBalancerName: "listeners" });
  await rejectsWith(
    slb("CreateLoadBalancerTCPListener", { LoadBalancerId: lbId, ListenerPort: 53, BackendServerPort: 53 }),
    "MissingBandwidth",
  );
  await slb("CreateLoadBalancerTCPListener", {
    LoadBalancerId: lbId,
    ListenerPort: 53,
    Bandwidth: -1,
    BackendServerPort: 53,
  });
  await slb("CreateLoadBalancerUDPListener", {
    LoadBalancerId: lbId,
    ListenerPort: 53,
    Bandwidth: -1,
    BackendServerPort: 53,
  });
  await rejectsWith(
    slb("CreateLoadBalancerHTTPListener", {
      LoadBalancerId: lbId,
      ListenerPort: 53,
      HealthCheck: "off",
      BackendServerPort: 53,
    }),
    "ListenerAlreadyExists",
  );
  await slb("CreateLoadBalancerHTTPListener", {
    LoadBalancerId: lbId,
    ListenerPort: 8080,
    HealthCheck: "off",
    BackendServerPort: 80,
  });
  await rejectsWith(
    slb("CreateLoadBalancerHTTPListener", {
      LoadBalancerId: lbId,
      ListenerPort: 8081,
      HealthCheck: "off",
      BackendServerPort: 80,
    }),
    "QuotaExceeded.Listener",
  );
  await slb("SetLoadBalancerHTTPListenerAttribute", {
    LoadBalancerId: lbId,
    ListenerPort: 8080,
    StickySession: "on",
    StickySessionType: "insert",
    CookieTimeout: 500,
    IdleTimeout: 30,
  });
  const a = await slb("DescribeLoadBalancerHTTPListenerAttribute", {
    LoadBalancerId: lbId,
    ListenerPort: 8080,
  });
  assert.equal(a.StickySession, "on");
  assert.equal(a.CookieTimeout, 500);
  assert.equal(a.IdleTimeout, 30);
  assert.equal(a.Status, "stopped");
  assert.deepEqual(a.Rules, { Rule: [] });
  await rejectsWith(
    slb("SetLoadBalancerHTTPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 53 }),
    "ResourceNotFound.Listener",
  );
  await rejectsWith(
    slb("SetLoadBalancerHTTPListenerAttribute", {
      LoadBalancerId: lbId,
      ListenerPort: 8080,
      StickySession: "maybe",
    }),
    "InvalidParameter",
  );
  await slb("DeleteLoadBalancerListener", {
    LoadBalancerId: lbId,
    ListenerPort: 53,
    ListenerProtocol: "udp",
  });
  const left = await slb("DescribeLoadBalancerListeners", { LoadBalancerId: [lbId] });
  assert.deepEqual(
    left.Listeners.map((x: Json) => `${x.ListenerProtocol}/${x.ListenerPort}`),
    ["tcp/53", "http/8080"],
  );
  // Paging with MaxResults/NextToken
  const p1 = await slb("DescribeLoadBalancerListeners", { LoadBalancerId: [lbId], MaxResults: 1 });
  assert.equal(p1.Listeners.length, 1);
  assert.notEqual(p1.NextToken, "");
  const p2 = await slb("DescribeLoadBalancerListeners", {
    LoadBalancerId: [lbId],
    MaxResults: 1,
    NextToken: p1.NextToken,
  });
  assert.equal(p2.Listeners[0].ListenerPort, 8080);
  assert.equal(p2.NextToken, "");
  await slb("DeleteLoadBalancer", { LoadBalancerId: lbId });
});

test("validation: missing params, malformed ids, unknown ids, bad backend JSON", async () => {
  await rejectsWith(slb("DescribeLoadBalancerAttribute", {}), "MissingLoadBalancerId");
  const bad = await rejectsWith(
    slb("DescribeLoadBalancerAttribute", { LoadBalancerId: "not-an-id" }),
    "InvalidParameter",
  );
  assert.equal(bad.statusCode, 400);
  await rejectsWith(
    slb("DeleteLoadBalancer", { LoadBalancerId: "lb-bp1doesnotexist00000" }),
    "InvalidLoadBalancerId.NotFound",
  );
  await rejectsWith(slb("CreateLoadBalancer", { VpcId: "vpc_bad" }), "InvalidParameter");
  const { LoadBalancerId: lbId } = await slb("CreateLoadBalancer", { LoadBalancerName: "validation" });
  const { VServerGroupId } = await slb("CreateVServerGroup", { LoadBalancerId: lbId });
  await rejectsWith(
    slb("AddVServerGroupBackendServers", { VServerGroupId, BackendServers: "not json" }),
    "InvalidParameter",
  );
  await rejectsWith(
    slb("AddVServerGroupBackendServers", {
      VServerGroupId,
      BackendServers: JSON.stringify([{ ServerId: "i-1", Port: 80, Weight: 101 }]),
    }),
    "InvalidParameter",
  );
  await rejectsWith(slb("AddVServerGroupBackendServers", { VServerGroupId }), "MissingBackendServers");
  await slb("DeleteLoadBalancer", { LoadBalancerId: lbId });
});

test("backends: add/modify/set weights/remove, and the per-SLB backend quota", async () => {
  const { LoadBalancerId: lbId } = await slb("CreateLoadBalancer", { LoadBalancerName: "backends" });
  const { VServerGroupId } = await slb("CreateVServerGroup", {
    LoadBalancerId: lbId,
    BackendServers: JSON.stringify([{ ServerId: "i-a", Port: 80 }]),
  });
  const four = ["i-b", "i-c", "i-d", "i-e"].map((id) => ({ ServerId: id, Port: 80, Weight: 10 }));
  await slb("AddVServerGroupBackendServers", { VServerGroupId, BackendServers: JSON.stringify(four) });
  const over = await rejectsWith(
    slb("AddVServerGroupBackendServers", {
      VServerGroupId,
      BackendServers: JSON.stringify([{ ServerId: "i-f", Port: 80 }]),
    }),
    "InstanceBackendServerNumberOverLimit",
  );
  assert.equal(over.statusCode, 400);
  await slb("SetVServerGroupAttribute", {
    VServerGroupId,
    VServerGroupName: "renamed",
    BackendServers: JSON.stringify([{ serverId: "i-b", port: 80, weight: 0 }]),
  });
  await slb("ModifyVServerGroupBackendServers", {
    VServerGroupId,
    OldBackendServers: JSON.stringify([{ ServerId: "i-c", Port: 80 }]),
    NewBackendServers: JSON.stringify([{ ServerId: "i-c", Port: 8080, Weight: 5 }]),
  });
  await slb("RemoveVServerGroupBackendServers", {
    VServerGroupId,
    BackendServers: JSON.stringify([
      { ServerId: "i-d", Port: 80 },
      { ServerId: "i-zzz", Port: 80 },
    ]),
  });
  const attr = await slb("DescribeVServerGroupAttribute", { VServerGroupId });
  assert.equal(attr.VServerGroupName, "renamed");
  assert.equal(attr.LoadBalancerId, lbId);
  assert.deepEqual(
    attr.BackendServers.BackendServer.map((b: Json) => `${b.ServerId}:${b.Port}:${b.Weight}`),
    ["i-a:80:100", "i-b:80:0", "i-e:80:10", "i-c:8080:5"],
  );
  await slb("DeleteVServerGroup", { VServerGroupId });
  await slb("DeleteLoadBalancer", { LoadBalancerId: lbId });
});

test("instance updates: name, modification protection, specs, charge type", async () => {
  const { LoadBalancerId: lbId } = await slb("CreateLoadBalancer", { LoadBalancerName: "updates" });
  await slb("SetLoadBalancerName", { LoadBalancerId: lbId, LoadBalancerName: "updated" });
  await slb("SetLoadBalancerModificationProtection", {
    LoadBalancerId: lbId,
    ModificationProtectionStatus: "ConsoleProtection",
    ModificationProtectionReason: "r",
  });
  await slb("ModifyLoadBalancerInternetSpec", {
    LoadBalancerId: lbId,
    InternetChargeType: "paybybandwidth",
    Bandwidth: 10,
  });
  await slb("ModifyLoadBalancerInstanceSpec", { LoadBalancerId: lbId, LoadBalancerSpec: "slb.s2.medium" });
  let a = await slb("DescribeLoadBalancerAttribute", { LoadBalancerId: lbId });
  assert.deepEqual(
    [
      a.LoadBalancerName,
      a.ModificationProtectionStatus,
      a.ModificationProtectionReason,
      a.InternetChargeType,
      a.Bandwidth,
      a.LoadBalancerSpec,
      a.InstanceChargeType,
    ],
    ["updated", "ConsoleProtection", "r", "paybybandwidth", 10, "slb.s2.medium", "PayBySpec"],
  );
  await slb("ModifyLoadBalancerInstanceChargeType", {
    LoadBalancerId: lbId,
    InstanceChargeType: "PayByCLCU",
  });
  a = await slb("DescribeLoadBalancerAttribute", { LoadBalancerId: lbId });
  assert.equal(a.InstanceChargeType, "PayByCLCU");
  await rejectsWith(
    slb("ModifyLoadBalancerInstanceChargeType", { LoadBalancerId: lbId, InstanceChargeType: "PayBySpec" }),
    "MissingLoadBalancerSpec",
  );
  await slb("DeleteLoadBalancer", { LoadBalancerId: lbId });
});

test("tags: TagResources/UntagResources/ListTagResources and legacy AddTags/RemoveTags/DescribeTags; Tag.N filter", async () => {
  const { LoadBalancerId: lbId } = await slb("CreateLoadBalancer", { LoadBalancerName: "tags" });
  await slb("TagResources", {
    ResourceType: "instance",
    ResourceId: [lbId],
    Tag: [
      { Key: "team", Value: "a" },
      { Key: "env", Value: "dev" },
    ],
  });
  await slb("AddTags", {
    LoadBalancerId: lbId,
    Tags: JSON.stringify([{ TagKey: "legacy", TagValue: "yes" }]),
  });
  const listed = await slb("ListTagResources", { ResourceType: "instance", ResourceId: [lbId] });
  assert.deepEqual(
    listed.TagResources.TagResource.map((t: Json) => `${t.TagKey}=${t.TagValue}`),
    ["env=dev", "legacy=yes", "team=a"],
  );
  assert.equal(listed.TagResources.TagResource[0].ResourceType, "instance");
  const byTag = await slb("DescribeLoadBalancers", {
    Tag: [
      { Key: "team", Value: "a" },
      { Key: "env", Value: "dev" },
    ],
  });
  assert.deepEqual(
    byTag.LoadBalancers.LoadBalancer.map((x: Json) => x.LoadBalancerId),
    [lbId],
  );
  assert.equal((await slb("DescribeLoadBalancers", { Tag: [{ Key: "team", Value: "b" }] })).TotalCount, 0);
  await slb("UntagResources", { ResourceType: "instance", ResourceId: [lbId], TagKey: ["team"] });
  await slb("RemoveTags", {
    LoadBalancerId: lbId,
    Tags: JSON.stringify([{ TagKey: "legacy", TagValue: "yes" }]),
  });
  const sets = await slb("DescribeTags", { LoadBalancerId: lbId });
  assert.deepEqual(sets.TagSets.TagSet, [{ TagKey: "env", TagValue: "dev", InstanceCount: 1 }]);
  await rejectsWith(
    slb("TagResources", {
      ResourceType: "instance",
      ResourceId: ["lb-bp1nothere0000000000"],
      Tag: [{ Key: "k", Value: "v" }],
    }),
    "InvalidLoadBalancerId.NotFound",
  );
  await slb("DeleteLoadBalancer", { LoadBalancerId: lbId });
});

test("DescribeLoadBalancers: id list, paging and TotalCount", async () => {
  const ids: string[] = [];
  for (let i = 0; i < 3; i++)
    ids.push((await slb("CreateLoadBalancer", { LoadBalancerName: `page-${i}` })).LoadBalancerId);
  const byIds = await slb("DescribeLoadBalancers", {
    LoadBalancerId: ids.join(","),
    PageSize: 2,
    PageNumber: 2,
  });
  assert.equal(byIds.TotalCount, 3);
  assert.equal(byIds.PageNumber, 2);
  assert.deepEqual(
    byIds.LoadBalancers.LoadBalancer.map((x: Json) => x.LoadBalancerId),
    [ids[2]],
  );
  for (const id of ids) await slb("DeleteLoadBalancer", { LoadBalancerId: id });
});

test("ClientToken: same params replay the original; different params → IdempotenceParamNotMatch", async () => {
  const first = await slb("CreateLoadBalancer", { LoadBalancerName: "idem", ClientToken: "tok-1" });
  const again = await slb("CreateLoadBalancer", { LoadBalancerName: "idem", ClientToken: "tok-1" });
  assert.equal(again.LoadBalancerId, first.LoadBalancerId);
  assert.equal(again.Address, first.Address);
  assert.notEqual(again.RequestId, first.RequestId);
  assert.equal((await slb("DescribeLoadBalancers", { LoadBalancerName: "idem" })).TotalCount, 1);
  const e = await rejectsWith(
    slb("CreateLoadBalancer", { LoadBalancerName: "other", ClientToken: "tok-1" }),
    "IdempotenceParamNotMatch",
  );
  assert.equal(e.statusCode, 400);
  await slb("DeleteLoadBalancer", { LoadBalancerId: first.LoadBalancerId });
});

test("SLB instance quota", async () => {
  const before = (await slb("DescribeLoadBalancers", { PageSize: 100 })).TotalCount as number;
  const made: string[] = [];
  for (let i = before; i < 8; i++)
    made.push((await slb("CreateLoadBalancer", { LoadBalancerName: `q${i}` })).LoadBalancerId);
  await rejectsWith(
    slb("CreateLoadBalancer", { LoadBalancerName: "one too many" }),
    "QuotaExceeded.LoadBalancer",
  );
  for (const id of made) await slb("DeleteLoadBalancer", { LoadBalancerId: id });
});

test("HTTPS listener with certificate and domain extensions", async () => {
  const { LoadBalancerId: lbId } = await slb("CreateLoadBalancer", { LoadBalancerName: "https" });
  const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  const cert = await slb("UploadServerCertificate", {
    ServerCertificate: pem,
    PrivateKey: "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n",
    ServerCertificateName: "c1",
  });
  assert.ok(cert.ServerCertificateId);
  const certs = await slb("DescribeServerCertificates", { ServerCertificateId: cert.ServerCertificateId });
  assert.equal(certs.ServerCertificates.ServerCertificate[0].ServerCertificateName, "c1");
  await rejectsWith(
    slb("CreateLoadBalancerHTTPSListener", {
      LoadBalancerId: lbId,
      ListenerPort: 443,
      Bandwidth: -1,
      HealthCheck: "off",
      BackendServerPort: 80,
    }),
    "MissingServerCertificateId",
  );
  await slb("CreateLoadBalancerHTTPSListener", {
    LoadBalancerId: lbId,
    ListenerPort: 443,
    Bandwidth: -1,
    HealthCheck: "off",
    BackendServerPort: 80,
    ServerCertificateId: cert.ServerCertificateId,
  });
  const de = await slb("CreateDomainExtension", {
    LoadBalancerId: lbId,
    ListenerPort: 443,
    Domain: "*.example.com",
    ServerCertificateId: cert.ServerCertificateId,
  });
  await rejectsWith(
    slb("CreateDomainExtension", {
      LoadBalancerId: lbId,
      ListenerPort: 443,
      Domain: "*.example.com",
      ServerCertificateId: cert.ServerCertificateId,
    }),
    "DomainExist",
  );
  await slb("SetDomainExtensionAttribute", {
    DomainExtensionId: de.DomainExtensionId,
    ServerCertificateId: "other-cert",
  });
  const list = await slb("DescribeDomainExtensions", { LoadBalancerId: lbId, ListenerPort: 443 });
  assert.deepEqual(list.DomainExtensions.DomainExtension, [
    { DomainExtensionId: de.DomainExtensionId, Domain: "*.example.com", ServerCertificateId: "other-cert" },
  ]);
  await slb("DeleteDomainExtension", { DomainExtensionId: de.DomainExtensionId });
  assert.deepEqual(
    (await slb("DescribeDomainExtensions", { LoadBalancerId: lbId, ListenerPort: 443 })).DomainExtensions
      .DomainExtension,
    [],
  );
  await slb("DeleteLoadBalancer", { LoadBalancerId: lbId });
});

test("regions: IDs carry the region code, and resources are only listed in their region", async () => {
  const bj = await slb("CreateLoadBalancer", { RegionId: "cn-beijing", LoadBalancerName: "beijing" });
  assert.match(bj.LoadBalancerId, /^lb-2ze/);
  assert.equal((await slb("DescribeLoadBalancers", { LoadBalancerName: "beijing" })).TotalCount, 0);
  assert.equal(
    (await slb("DescribeLoadBalancers", { RegionId: "cn-beijing", LoadBalancerName: "beijing" })).TotalCount,
    1,
  );
  // Actions keyed by id resolve without the region, as the real API's global id index does.
  assert.equal(
    (await slb("DescribeLoadBalancerAttribute", { LoadBalancerId: bj.LoadBalancerId })).RegionId,
    "cn-beijing",
  );
  await slb("DeleteLoadBalancer", { LoadBalancerId: bj.LoadBalancerId });
});

test("ClientToken records expire after 24 h of virtual time and are purged from state", async () => {
  const first = await slb("CreateLoadBalancer", { LoadBalancerName: "ttl", ClientToken: "ttl-1" });
  const key = (state: Json): string[] =>
    Object.keys(state.collections.idem ?? {}).filter((k) => k.endsWith("|ttl-1"));
  assert.equal(key(await admin(emu, "GET", "state")).length, 1);
  await admin(emu, "POST", "clock/advance", { ms: 24 * 3_600_000 });
  assert.deepEqual(key(await admin(emu, "GET", "state")), []);
  // After expiry the token is free again: other parameters no longer conflict.
  const second = await slb("CreateLoadBalancer", { LoadBalancerName: "ttl-other", ClientToken: "ttl-1" });
  assert.notEqual(second.LoadBalancerId, first.LoadBalancerId);
  await slb("DeleteLoadBalancer", { LoadBalancerId: first.LoadBalancerId });
  await slb("DeleteLoadBalancer", { LoadBalancerId: second.LoadBalancerId });
});

test("ACLs: create, entries, bind to a listener, in-use guard, rename, delete", async () => {
  const { AclId } = await slb("CreateAccessControlList", { AclName: "office" });
  assert.match(AclId, /^acl-bp1[a-z0-9]{17}$/);
  await rejectsWith(slb("CreateAccessControlList", { AclName: "office" }), "AclNameExist");
  await slb("AddAccessControlListEntry", {
    AclId,
    AclEntrys: JSON.stringify([
      { entry: "10.0.0.0/24", comment: "lan" },
      { entry: "192.168.1.7", comment: "host" },
    ]),
  });
  await rejectsWith(slb("AddAccessControlListEntry", { AclId, AclEntrys: "[]" }), "AclEntryEmpty");
  await rejectsWith(
    slb("AddAccessControlListEntry", { AclId, AclEntrys: JSON.stringify([{ entry: "not-an-ip" }]) }),
    "InvalidParameter",
  );
  await slb("RemoveAccessControlListEntry", { AclId, AclEntrys: JSON.stringify([{ entry: "192.168.1.7" }]) });

  const { LoadBalancerId: lbId } = await slb("CreateLoadBalancer", { LoadBalancerName: "acl-lb" });
  await rejectsWith(
    slb("CreateLoadBalancerTCPListener", {
      LoadBalancerId: lbId,
      ListenerPort: 22,
      Bandwidth: -1,
      BackendServerPort: 22,
      AclStatus: "on",
      AclType: "white",
      AclId: "acl-bp1missing000000000",
    }),
    "AclNotExist",
  );
  await slb("CreateLoadBalancerTCPListener", {
    LoadBalancerId: lbId,
    ListenerPort: 22,
    Bandwidth: -1,
    BackendServerPort: 22,
    AclStatus: "on",
    AclType: "white",
    AclId,
  });
  const attr = await slb("DescribeAccessControlListAttribute", { AclId });
  assert.deepEqual(attr.AclEntrys.AclEntry, [{ AclEntryIP: "10.0.0.0/24", AclEntryComment: "lan" }]);
  assert.deepEqual(attr.RelatedListeners.RelatedListener, [
    { LoadBalancerId: lbId, ListenerPort: 22, Protocol: "tcp", AclType: "white" },
  ]);
  const l = (await slb("DescribeLoadBalancerListeners", { LoadBalancerId: [lbId] })).Listeners[0];
  assert.deepEqual([l.AclStatus, l.AclType, l.AclIds], ["on", "white", [AclId]]);
  await rejectsWith(slb("DeleteAccessControlList", { AclId }), "AclInUsed");
  await slb("SetAccessControlListAttribute", { AclId, AclName: "office-2" });
  assert.equal((await slb("DescribeAccessControlLists", { AclName: "office-2" })).Acls.Acl[0].AclId, AclId);
  await slb("DeleteLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: 22 });
  await slb("DeleteAccessControlList", { AclId });
  await rejectsWith(slb("DescribeAccessControlListAttribute", { AclId }), "AclNotExist");
  await slb("DeleteLoadBalancer", { LoadBalancerId: lbId });
});
