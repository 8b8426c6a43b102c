// ECS ENI lookups and VPC EIP/CIDR reads: the real adapter against the emulator.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { isCloudError } from "../../src/cloud";
import { EMULATOR_DEFAULTS } from "../../src/config";
import { cloudScene, type CloudScene } from "../helpers/vpc-ecs";
import { OWNER_TAGS, startHarness, type Harness } from "./harness";

const VPC_ID = EMULATOR_DEFAULTS.vpc.vpcId;
let h: Harness;
let scene: CloudScene;

before(async () => {
  h = await startHarness();
  scene = cloudScene(h.url);
});
after(async () => {
  await h?.close();
});

/** 192.168.<third>.<n> for n in 1..count. */
const ips = (third: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `192.168.${third + Math.floor(i / 250)}.${(i % 250) + 1}`);

test("findNetworkInterfacesByPrivateIp: 250 addresses in batches of 100, primary and secondary IPs, only InUse ENIs of the VPC", async () => {
  const eniA = await scene.createAttachedEni(["192.168.1.1", "192.168.1.2", "192.168.1.3"]);
  const eniB = await scene.createAttachedEni(["192.168.1.10"]);
  // Available (not attached): upstream asks for Status=InUse only.
  await scene.call("ecs", "CreateNetworkInterface", {
    VSwitchId: EMULATOR_DEFAULTS.vpc.vSwitchId,
    SecurityGroupId: "sg-bp1test0001",
    PrimaryIpAddress: "192.168.1.20",
  });
  const wanted = [...ips(2, 246), "192.168.1.2", "192.168.1.10", "192.168.1.20", "192.168.1.2"];
  const since = await h.mark();
  const found = await h.cloud.ecs.findNetworkInterfacesByPrivateIp(VPC_ID, wanted);
  const calls = (await since()).filter((r) => r.action === "DescribeNetworkInterfaces");
  assert.equal(calls.length, 3, "249 distinct addresses need three calls of at most 100");
  assert.deepEqual([...found.entries()].map(([ip, eni]) => [ip, eni.networkInterfaceId]).sort(), [
    ["192.168.1.10", eniB],
    ["192.168.1.2", eniA],
  ]);
  const a = found.get("192.168.1.2")!;
  assert.deepEqual(
    [a.status, a.vpcId, a.primaryIpAddress, a.privateIpAddresses, a.instanceId],
    ["InUse", VPC_ID, "192.168.1.1", ["192.168.1.1", "192.168.1.2", "192.168.1.3"], "i-bp1testnode0001"],
  );
  // Another VPC has none of them.
  assert.equal((await h.cloud.ecs.findNetworkInterfacesByPrivateIp("vpc-bp1othervpc0001", wanted)).size, 0);
  assert.equal((await h.cloud.ecs.findNetworkInterfacesByPrivateIp(VPC_ID, [])).size, 0);
});

test("findNetworkInterfacesByPrivateIp: IPv6 addresses by Ipv6Address, keyed as the caller wrote them; NextToken paging", async () => {
  const prefix = EMULATOR_DEFAULTS.vpc.ipv6CidrBlock.replace(/::\/\d+$/, "");
  const eni6 = await scene.createAttachedEni(["192.168.3.1"], { ipv6: [`${prefix}::b1`, `${prefix}::b2`] });
  const spelled = `${prefix}:0:0:0:00B2`.toLowerCase();
  const found = await h.cloud.ecs.findNetworkInterfacesByPrivateIp(VPC_ID, [spelled, "192.168.3.1"]);
  assert.equal(found.get(spelled)?.networkInterfaceId, eni6);
  assert.equal(found.get("192.168.3.1")?.networkInterfaceId, eni6);
  assert.deepEqual(found.get(spelled)?.ipv6Addresses, [`${prefix}::b1`, `${prefix}::b2`]);

  // Five ENIs answering one query, read two per page.
  const many: string[] = [];
  for (let i = 0; i < 5; i++) many.push(await scene.createAttachedEni([`192.168.4.${i + 1}`]));
  const small = h.provider({ pageSize: 2 }).cloud;
  const since = await h.mark();
  const paged = await small.ecs.findNetworkInterfacesByPrivateIp(
    VPC_ID,
    many.map((_, i) => `192.168.4.${i + 1}`),
  );
  assert.deepEqual([...paged.values()].map((e) => e.networkInterfaceId).sort(), [...many].sort());
  assert.equal((await since()).length, 3);
});

test("getVpc: the VPC's IPv4 and IPv6 blocks; a malformed id is a typed InvalidParameter", async () => {
  const v = await h.cloud.vpc.getVpc(VPC_ID);
  assert.deepEqual(v, {
    vpcId: VPC_ID,
    cidrBlocks: [EMULATOR_DEFAULTS.vpc.cidrBlock],
    ipv6CidrBlocks: [EMULATOR_DEFAULTS.vpc.ipv6CidrBlock],
  });
  await assert.rejects(h.cloud.vpc.getVpc("not-a-vpc"), (e) => {
    assert.ok(isCloudError(e, "InvalidParameter"), String(e));
    assert.equal(e.action, "vpc:DescribeVpcAttribute");
    return true;
  });
});

test("findEipsBoundTo: none, then every EIP bound to this SLB (pages followed), never another SLB's", async () => {
  const create = (name: string) =>
    h.cloud.slb.createLoadBalancer({
      loadBalancerName: name,
      addressType: "intranet",
      tags: OWNER_TAGS,
      clientToken: `token-${name}`,
    });
  const { loadBalancerId: lb } = await create("eip-contract-a");
  const { loadBalancerId: other } = await create("eip-contract-b");
  assert.deepEqual(await h.cloud.vpc.findEipsBoundTo(lb), []);
  const e1 = await scene.bindEip(lb);
  const e2 = await scene.bindEip(lb);
  await scene.bindEip(other);
  const got = await h.provider({ pageSize: 1 }).cloud.vpc.findEipsBoundTo(lb);
  assert.deepEqual(
    got.map((e) => [e.allocationId, e.ipAddress, e.status, e.instanceId, e.instanceType]),
    [e1, e2]
      .sort((a, b) => (a.allocationId < b.allocationId ? -1 : 1))
      .map((e) => [e.allocationId, e.ipAddress, "InUse", lb, "SlbInstance"]),
  );
  await scene.unbindEip(e1.allocationId, lb);
  assert.deepEqual(
    (await h.cloud.vpc.findEipsBoundTo(lb)).map((e) => e.allocationId),
    [e2.allocationId],
  );
});

test("a failing DescribeNetworkInterfaces is retried, then surfaces as a typed CloudError naming the action", async () => {
  await h.addFault({
    match: { product: "ecs", action: "DescribeNetworkInterfaces" },
    failNext: 1,
    error: { httpStatus: 503, code: "ServiceUnavailable", message: "try again" },
  });
  const once = await h.cloud.ecs.findNetworkInterfacesByPrivateIp(VPC_ID, ["192.168.1.10"]);
  assert.equal(once.size, 1);
  await h.addFault({
    match: { product: "vpc", action: "DescribeEipAddresses" },
    error: { httpStatus: 403, code: "Forbidden.RAM", message: "no permission" },
  });
  await assert.rejects(h.cloud.vpc.findEipsBoundTo("lb-bp1whatever0000001"), (e) => {
    assert.ok(isCloudError(e, "Forbidden"), String(e));
    assert.equal(e.action, "vpc:DescribeEipAddresses");
    return true;
  });
  await h.clearFaults();
});
