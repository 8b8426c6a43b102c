// VPC 2016-04-28 (EIPs, VPC attributes) and ECS 2014-05-26 (ENIs) through the real SDK and Go-style
// raw requests: the lookups the CLB controller makes for ENI backends and `external-ip-type: eip`.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { EMULATOR_DEFAULTS } from "../../src/config";
import { goSdkV2, type Json, rejectsWith, rpcClient, SLB_VERSION, type Call } from "./helpers";

const VPC_VERSION = "2016-04-28";
const ECS_VERSION = "2014-05-26";
const VPC_ID = EMULATOR_DEFAULTS.vpc.vpcId;
const VSW = EMULATOR_DEFAULTS.vpc.vSwitchId;

let emu: RunningEmulator;
let vpc: Call;
let ecs: Call;
let slb: Call;

before(async () => {
  emu = await startEmulator({ seed: 21, quotas: { eipsPerAccount: 4 } });
  vpc = rpcClient(emu, VPC_VERSION);
  ecs = rpcClient(emu, ECS_VERSION);
  slb = rpcClient(emu, SLB_VERSION);
});
after(() => emu.close());

const eniIds = (body: Json): string[] =>
  body.NetworkInterfaceSets.NetworkInterfaceSet.map((e: Json) => e.NetworkInterfaceId as string);

async function createEni(query: Record<string, unknown>): Promise<Json> {
  return ecs("CreateNetworkInterface", { VSwitchId: VSW, SecurityGroupId: "sg-bp1test0001", ...query });
}

test("VPC attributes: the configured CIDR blocks and vSwitches of that VPC", async () => {
  const attr = await vpc("DescribeVpcAttribute", { VpcId: VPC_ID });
  assert.equal(attr.CidrBlock, EMULATOR_DEFAULTS.vpc.cidrBlock);
  assert.equal(attr.Ipv6CidrBlock, EMULATOR_DEFAULTS.vpc.ipv6CidrBlock);
  assert.deepEqual(attr.SecondaryCidrBlocks.SecondaryCidrBlock, []);
  const vsw = await vpc("DescribeVSwitches", { VSwitchId: VSW });
  assert.equal(vsw.VSwitches.VSwitch[0].VpcId, VPC_ID);
  await rejectsWith(vpc("DescribeVpcAttribute", { VpcId: "nope" }), "InvalidParameter");
});

test("ENI lifecycle: create (Available), attach (InUse), found by any private IP, detach, delete", async () => {
  const created = await createEni({
    PrimaryIpAddress: "192.168.10.5",
    "PrivateIpAddress.1": "192.168.10.6",
    "PrivateIpAddress.2": "192.168.10.7",
    NetworkInterfaceName: "pods-a",
  });
  const id: string = created.NetworkInterfaceId;
  assert.match(id, /^eni-bp1[a-z0-9]+$/);
  assert.equal(created.Status, "Available");
  assert.equal(created.VpcId, VPC_ID);
  assert.equal(created.PrivateIpAddress, "192.168.10.5");
  assert.deepEqual(created.PrivateIpSets.PrivateIpSet, [
    { PrivateIpAddress: "192.168.10.5", Primary: true },
    { PrivateIpAddress: "192.168.10.6", Primary: false },
    { PrivateIpAddress: "192.168.10.7", Primary: false },
  ]);
  assert.match(created.MacAddress, /^00:16:3e(:[0-9a-f]{2}){3}$/);

  // The CCM's query: VpcId, Status=InUse, PrivateIpAddress.N. Not attached yet: not InUse.
  const ccmQuery = { VpcId: VPC_ID, Status: "InUse", "PrivateIpAddress.1": "192.168.10.7", MaxResults: 100 };
  assert.deepEqual(eniIds(await ecs("DescribeNetworkInterfaces", ccmQuery)), []);
  await ecs("AttachNetworkInterface", { NetworkInterfaceId: id, InstanceId: "i-bp1node0001" });
  const found = await ecs("DescribeNetworkInterfaces", ccmQuery);
  assert.deepEqual(eniIds(found), [id]);
  const item = found.NetworkInterfaceSets.NetworkInterfaceSet[0];
  assert.equal(item.Status, "InUse");
  assert.equal(item.InstanceId, "i-bp1node0001");
  assert.equal(item.Type, "Secondary");
  assert.equal(found.NextToken, "");
  // Another VPC, another address: nothing.
  assert.deepEqual(
    eniIds(await ecs("DescribeNetworkInterfaces", { ...ccmQuery, VpcId: "vpc-bp1other0001" })),
    [],
  );
  assert.deepEqual(
    eniIds(await ecs("DescribeNetworkInterfaces", { ...ccmQuery, "PrivateIpAddress.1": "192.168.10.99" })),
    [],
  );

  await rejectsWith(
    ecs("DeleteNetworkInterface", { NetworkInterfaceId: id }),
    "InvalidOperation.InvalidEniState",
  );
  await rejectsWith(
    ecs("AttachNetworkInterface", { NetworkInterfaceId: id, InstanceId: "i-bp1node0002" }),
    "InvalidOperation.InvalidEniState",
  );
  await ecs("DetachNetworkInterface", { NetworkInterfaceId: id, InstanceId: "i-bp1node0001" });
  await ecs("DeleteNetworkInterface", { NetworkInterfaceId: id });
  await rejectsWith(ecs("DeleteNetworkInterface", { NetworkInterfaceId: id }), "InvalidEniId.NotFound");
  assert.deepEqual(eniIds(await ecs("DescribeNetworkInterfaces", { "NetworkInterfaceId.1": id })), []);
});

test("ENI addresses: inside the VPC CIDR, unique, auto-assigned when not given; secondary IPs can be added and removed", async () => {
  await rejectsWith(createEni({ PrimaryIpAddress: "10.0.0.5" }), "InvalidPrivateIpAddress.Mismatch");
  await rejectsWith(createEni({ PrimaryIpAddress: "192.168.300.5" }), "InvalidParameter");
  const a = await createEni({ PrimaryIpAddress: "192.168.20.1" });
  await rejectsWith(createEni({ PrimaryIpAddress: "192.168.20.1" }), "InvalidPrivateIpAddress.Duplicated");
  await rejectsWith(createEni({ SecurityGroupId: undefined }), "MissingSecurityGroupId");

  const b = await createEni({ SecondaryPrivateIpAddressCount: 2 });
  const auto: string[] = b.PrivateIpSets.PrivateIpSet.map((p: Json) => p.PrivateIpAddress as string);
  assert.equal(new Set(auto).size, 3);
  for (const ip of auto) assert.match(ip, /^192\.168\.\d+\.\d+$/);

  const assigned = await ecs("AssignPrivateIpAddresses", {
    NetworkInterfaceId: a.NetworkInterfaceId,
    "PrivateIpAddress.1": "192.168.20.2",
  });
  assert.deepEqual(assigned.AssignedPrivateIpAddressesSet.PrivateIpSet.PrivateIpAddress, ["192.168.20.2"]);
  const byIp = await ecs("DescribeNetworkInterfaces", { "PrivateIpAddress.1": "192.168.20.2" });
  assert.deepEqual(eniIds(byIp), [a.NetworkInterfaceId]);
  await rejectsWith(
    ecs("AssignPrivateIpAddresses", {
      NetworkInterfaceId: b.NetworkInterfaceId,
      "PrivateIpAddress.1": "192.168.20.2",
    }),
    "InvalidPrivateIpAddress.Duplicated",
  );
  await ecs("UnassignPrivateIpAddresses", {
    NetworkInterfaceId: a.NetworkInterfaceId,
    "PrivateIpAddress.1": "192.168.20.2",
  });
  assert.deepEqual(
    eniIds(await ecs("DescribeNetworkInterfaces", { "PrivateIpAddress.1": "192.168.20.2" })),
    [],
  );
  // The primary address cannot be unassigned.
  await rejectsWith(
    ecs("UnassignPrivateIpAddresses", {
      NetworkInterfaceId: a.NetworkInterfaceId,
      "PrivateIpAddress.1": "192.168.20.1",
    }),
    "InvalidIp.IpUnassigned",
  );
  for (const id of [a.NetworkInterfaceId, b.NetworkInterfaceId])
    await ecs("DeleteNetworkInterface", { NetworkInterfaceId: id });
});

test("ENI IPv6 addresses: in the VPC's IPv6 block, found by Ipv6Address.N in any spelling", async () => {
  const prefix = EMULATOR_DEFAULTS.vpc.ipv6CidrBlock.replace(/::\/\d+$/, "");
  const created = await createEni({ "Ipv6Address.1": `${prefix}:0:0:0:a1` });
  assert.deepEqual(created.Ipv6Sets.Ipv6Set, [{ Ipv6Address: `${prefix}::a1` }]);
  const found = await ecs("DescribeNetworkInterfaces", { "Ipv6Address.1": `${prefix}:0000::00a1` });
  assert.deepEqual(eniIds(found), [created.NetworkInterfaceId]);
  await rejectsWith(createEni({ "Ipv6Address.1": "2001:db8::1" }), "InvalidPrivateIpAddress.Mismatch");
  const counted = await createEni({ Ipv6AddressCount: 2 });
  assert.equal(counted.Ipv6Sets.Ipv6Set.length, 2);
  for (const id of [created.NetworkInterfaceId, counted.NetworkInterfaceId])
    await ecs("DeleteNetworkInterface", { NetworkInterfaceId: id });
});

test("DescribeNetworkInterfaces pages with MaxResults/NextToken and PageNumber/PageSize; filters are limited to 100 values", async () => {
  const ids: string[] = [];
  for (let i = 0; i < 5; i++)
    ids.push(
      (await createEni({ PrimaryIpAddress: `192.168.30.${i + 1}`, NetworkInterfaceName: "paged" }))
        .NetworkInterfaceId as string,
    );
  const seen: string[] = [];
  let token: string | undefined;
  let calls = 0;
  do {
    const body = await ecs("DescribeNetworkInterfaces", {
      NetworkInterfaceName: "paged",
      MaxResults: 2,
      NextToken: token,
    });
    assert.equal(body.TotalCount, 5);
    seen.push(...eniIds(body));
    token = body.NextToken || undefined;
    calls++;
  } while (token);
  assert.equal(calls, 3);
  assert.deepEqual(seen, [...ids].sort());
  const page2 = await ecs("DescribeNetworkInterfaces", {
    NetworkInterfaceName: "paged",
    PageNumber: 2,
    PageSize: 4,
  });
  assert.deepEqual([page2.PageNumber, page2.PageSize, eniIds(page2).length], [2, 4, 1]);

  const tooMany = Object.fromEntries(
    Array.from({ length: 101 }, (_, i) => [`PrivateIpAddress.${i + 1}`, `192.168.40.${i + 1}`]),
  );
  await rejectsWith(ecs("DescribeNetworkInterfaces", tooMany), "InvalidParameter");
  for (const id of ids) await ecs("DeleteNetworkInterface", { NetworkInterfaceId: id });
});

test("CreateNetworkInterface honours ClientToken: a retry returns the first ENI", async () => {
  const q = { PrimaryIpAddress: "192.168.50.1", ClientToken: "eni-token-1" };
  const first = await createEni(q);
  const again = await createEni(q);
  assert.equal(again.NetworkInterfaceId, first.NetworkInterfaceId);
  assert.deepEqual(eniIds(await ecs("DescribeNetworkInterfaces", { "PrivateIpAddress.1": "192.168.50.1" })), [
    first.NetworkInterfaceId,
  ]);
  await ecs("DeleteNetworkInterface", { NetworkInterfaceId: first.NetworkInterfaceId });
});

test("the Go SDK's V2 request for DescribeNetworkInterfaces (as the upstream CCM sends it)", async () => {
  const eni = await createEni({ PrimaryIpAddress: "192.168.60.1" });
  await ecs("AttachNetworkInterface", {
    NetworkInterfaceId: eni.NetworkInterfaceId,
    InstanceId: "i-bp1node0001",
  });
  const res = await goSdkV2(
    emu,
    "DescribeNetworkInterfaces",
    {
      VpcId: VPC_ID,
      Status: "InUse",
      "PrivateIpAddress.1": "192.168.60.1",
      "PrivateIpAddress.2": "10.1.1.1",
      MaxResults: "100",
    },
    { version: ECS_VERSION },
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(eniIds(res.body), [eni.NetworkInterfaceId]);
  await ecs("DetachNetworkInterface", {
    NetworkInterfaceId: eni.NetworkInterfaceId,
    InstanceId: "i-bp1node0001",
  });
  await ecs("DeleteNetworkInterface", { NetworkInterfaceId: eni.NetworkInterfaceId });
});

async function createSlb(addressType: "internet" | "intranet"): Promise<string> {
  return (await slb("CreateLoadBalancer", { AddressType: addressType })).LoadBalancerId as string;
}

const boundTo = async (lbId: string): Promise<Json> =>
  vpc("DescribeEipAddresses", { AssociatedInstanceType: "SlbInstance", AssociatedInstanceId: lbId });

test("EIPs: allocate, associate with an intranet CLB, list by the associated instance, unassociate, release", async () => {
  const intranet = await createSlb("intranet");
  const internet = await createSlb("internet");
  const eip = await vpc("AllocateEipAddress", { Bandwidth: 10, InternetChargeType: "PayByTraffic" });
  assert.match(eip.AllocationId, /^eip-bp1[a-z0-9]+$/);
  assert.match(eip.EipAddress, /^39\.\d+\.\d+\.\d+$/);
  const id: string = eip.AllocationId;

  assert.equal((await boundTo(intranet)).TotalCount, 0);
  await rejectsWith(
    vpc("AssociateEipAddress", { AllocationId: id, InstanceId: internet, InstanceType: "SlbInstance" }),
    "IncorrectInstanceStatus",
  );
  await rejectsWith(
    vpc("AssociateEipAddress", {
      AllocationId: id,
      InstanceId: "lb-bp1missing00000",
      InstanceType: "SlbInstance",
    }),
    "InvalidInstanceId.NotFound",
  );
  await vpc("AssociateEipAddress", { AllocationId: id, InstanceId: intranet, InstanceType: "SlbInstance" });
  const listed = await boundTo(intranet);
  assert.equal(listed.TotalCount, 1);
  const item = listed.EipAddresses.EipAddress[0];
  assert.deepEqual(
    [item.AllocationId, item.IpAddress, item.Status, item.InstanceId, item.InstanceType, item.Bandwidth],
    [id, eip.EipAddress, "InUse", intranet, "SlbInstance", "10"],
  );
  assert.equal(item.InternetChargeType, "PayByTraffic");
  // Another instance's EIPs are not listed; an EIP in use cannot be bound twice or released.
  assert.equal((await boundTo(internet)).TotalCount, 0);
  await rejectsWith(
    vpc("AssociateEipAddress", { AllocationId: id, InstanceId: intranet, InstanceType: "SlbInstance" }),
    "IncorrectEipStatus",
  );
  await rejectsWith(vpc("ReleaseEipAddress", { AllocationId: id }), "IncorrectEipStatus");
  await rejectsWith(
    vpc("UnassociateEipAddress", { AllocationId: id, InstanceId: internet, InstanceType: "SlbInstance" }),
    "IncorrectEipStatus",
  );
  await vpc("UnassociateEipAddress", { AllocationId: id, InstanceId: intranet, InstanceType: "SlbInstance" });
  assert.equal((await boundTo(intranet)).TotalCount, 0);
  assert.equal(
    (await vpc("DescribeEipAddresses", { AllocationId: id })).EipAddresses.EipAddress[0].Status,
    "Available",
  );
  await vpc("ReleaseEipAddress", { AllocationId: id });
  await rejectsWith(vpc("ReleaseEipAddress", { AllocationId: id }), "InvalidAllocationId.NotFound");
  for (const lb of [intranet, internet]) await slb("DeleteLoadBalancer", { LoadBalancerId: lb });
});

test("EIPs: deleting the CLB frees its EIPs; the EIP quota is enforced; paging", async () => {
  const lb = await createSlb("intranet");
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push((await vpc("AllocateEipAddress", {})).AllocationId as string);
  await rejectsWith(vpc("AllocateEipAddress", {}), "QuotaExceeded.Eip");
  for (const id of ids.slice(0, 2))
    await vpc("AssociateEipAddress", { AllocationId: id, InstanceId: lb, InstanceType: "SlbInstance" });
  const page1 = await vpc("DescribeEipAddresses", {
    AssociatedInstanceType: "SlbInstance",
    AssociatedInstanceId: lb,
    PageSize: 1,
  });
  assert.deepEqual([page1.TotalCount, page1.EipAddresses.EipAddress.length], [2, 1]);
  await slb("DeleteLoadBalancer", { LoadBalancerId: lb });
  assert.equal((await boundTo(lb)).TotalCount, 0);
  const all = await vpc("DescribeEipAddresses", { Status: "Available", PageSize: 100 });
  assert.deepEqual(all.EipAddresses.EipAddress.map((e: Json) => e.AllocationId).sort(), [...ids].sort());
  for (const id of ids) await vpc("ReleaseEipAddress", { AllocationId: id });
});
