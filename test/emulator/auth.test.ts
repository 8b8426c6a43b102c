// Authentication and the wire envelope, driven by the real SDK (V3 and V2) and by raw requests
// signed the way the Go SDK and our own V3 signer do.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { goSdkV2, rawRequest, rawV3, rejectsWith, rpcClient, SLB_VERSION, type Call } from "./helpers";

let emu: RunningEmulator;
let v3: Call;
let v2: Call;

before(async () => {
  emu = await startEmulator({ seed: 7 });
  v3 = rpcClient(emu, SLB_VERSION);
  v2 = rpcClient(emu, SLB_VERSION, { signatureAlgorithm: "v2" });
});
after(() => emu.close());

const stamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

test("V3 (SDK default) and V2 (SDK) both authenticate, names with reserved characters survive", async () => {
  const name = "a b*c'(x)~!";
  const created = await v3("CreateLoadBalancer", { LoadBalancerName: name });
  assert.match(created.LoadBalancerId, /^lb-bp1[a-z0-9]{19}$/);
  const viaV2 = await v2("DescribeLoadBalancers", { LoadBalancerName: name });
  assert.equal(viaV2.TotalCount, 1);
  assert.equal(viaV2.LoadBalancers.LoadBalancer[0].LoadBalancerId, created.LoadBalancerId);
});

test("Go SDK V2 request: all params in the query, empty body, empty SignatureType, + for spaces", async () => {
  const res = await goSdkV2(emu, "CreateLoadBalancer", {
    LoadBalancerName: "go sdk*name~",
    AddressType: "intranet",
    VSwitchId: "vsw-bp1abc1234567",
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.match(res.body.Address, /^192\.168\.\d+\.\d+$/);
  assert.equal(res.body.NetworkType, "vpc");
  assert.equal(res.headers["x-acs-request-id"], res.body.RequestId);
  assert.match(res.body.RequestId, /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
});

test("wrong secret → SignatureDoesNotMatch (V3 SDK, V2 SDK, Go-style raw)", async () => {
  const badV3 = rpcClient(emu, SLB_VERSION, { accessKeySecret: "nope" });
  const e = await rejectsWith(badV3("DescribeLoadBalancers"), "SignatureDoesNotMatch");
  assert.equal(e.statusCode, 400);
  const badV2 = rpcClient(emu, SLB_VERSION, { accessKeySecret: "nope", signatureAlgorithm: "v2" });
  await rejectsWith(badV2("DescribeLoadBalancers"), "SignatureDoesNotMatch");
  const raw = await goSdkV2(emu, "DescribeLoadBalancers", {}, { secret: "nope" });
  assert.equal(raw.status, 400);
  assert.equal(raw.body.Code, "SignatureDoesNotMatch");
  assert.deepEqual(Object.keys(raw.body).sort(), ["Code", "HostId", "Message", "Recommend", "RequestId"]);
  assert.equal(raw.body.HostId, "slb.aliyuncs.com");
  assert.match(raw.body.Recommend, /q=SignatureDoesNotMatch/);
});

test("unknown AccessKeyId → 404 InvalidAccessKeyId.NotFound", async () => {
  const bad = rpcClient(emu, SLB_VERSION, { accessKeyId: "ghost" });
  const e = await rejectsWith(bad("DescribeLoadBalancers"), "InvalidAccessKeyId.NotFound");
  assert.equal(e.statusCode, 404);
});

test("clock skew beyond 15 minutes → InvalidTimeStamp.Expired; within is fine", async () => {
  const stale = await goSdkV2(
    emu,
    "DescribeLoadBalancers",
    {},
    { timestamp: stamp(Date.now() - 16 * 60_000) },
  );
  assert.equal(stale.body.Code, "InvalidTimeStamp.Expired");
  const future = await rawV3(
    emu,
    "DescribeLoadBalancers",
    SLB_VERSION,
    { RegionId: "cn-hangzhou" },
    { date: stamp(Date.now() + 16 * 60_000) },
  );
  assert.equal(future.body.Code, "InvalidTimeStamp.Expired");
  const ok = await goSdkV2(emu, "DescribeLoadBalancers", {}, { timestamp: stamp(Date.now() - 14 * 60_000) });
  assert.equal(ok.status, 200);
});

test("a reused nonce is refused (V2 and V3)", async () => {
  const first = await goSdkV2(emu, "DescribeLoadBalancers", {}, { nonce: "nonce-1" });
  assert.equal(first.status, 200);
  const again = await goSdkV2(emu, "DescribeLoadBalancers", {}, { nonce: "nonce-1" });
  assert.equal(again.body.Code, "SignatureNonceUsed");
  const q = { RegionId: "cn-hangzhou" };
  assert.equal((await rawV3(emu, "DescribeLoadBalancers", SLB_VERSION, q, { nonce: "n3" })).status, 200);
  assert.equal(
    (await rawV3(emu, "DescribeLoadBalancers", SLB_VERSION, q, { nonce: "n3" })).body.Code,
    "SignatureNonceUsed",
  );
});

test("tampered body: V3 content hash mismatch and V2 form-body param change are both refused", async () => {
  const body = "LoadBalancerName=honest";
  const ok = await rawV3(emu, "CreateLoadBalancer", SLB_VERSION, { RegionId: "cn-hangzhou" }, { body });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.LoadBalancerName, "honest", "form body params are merged with the query");
  const tampered = await rawV3(
    emu,
    "CreateLoadBalancer",
    SLB_VERSION,
    { RegionId: "cn-hangzhou" },
    { body, sendBody: "LoadBalancerName=evil!!" },
  );
  assert.equal(tampered.body.Code, "SignatureDoesNotMatch");
  const list = await v3("DescribeLoadBalancers", { LoadBalancerName: "evil!!" });
  assert.equal(list.TotalCount, 0, "the tampered request must not have been executed");
  const formOk = await goSdkV2(
    emu,
    "CreateLoadBalancer",
    { LoadBalancerName: "form body" },
    { inBody: true },
  );
  assert.equal(formOk.status, 200, JSON.stringify(formOk.body));
  const formBad = await goSdkV2(
    emu,
    "CreateLoadBalancer",
    { LoadBalancerName: "form body" },
    { inBody: true, tamper: { LoadBalancerName: "evil!!" } },
  );
  assert.equal(formBad.body.Code, "SignatureDoesNotMatch");
});

test("missing signature, unknown version and unknown action", async () => {
  const unsigned = await rawRequest(emu, {
    path: "/?Action=DescribeLoadBalancers&Version=2014-05-15&RegionId=cn-hangzhou",
  });
  assert.equal(unsigned.body.Code, "IncompleteSignature");
  const ver = await goSdkV2(emu, "DescribeLoadBalancers", {}, { version: "1999-01-01" });
  assert.equal(ver.body.Code, "InvalidVersion");
  const act = await rejectsWith(v3("DescribeUnicorns"), "InvalidAction.NotFound");
  assert.equal(act.statusCode, 404);
});

test("V2 over GET verifies with GET in the string to sign; a POST signature replayed as GET does not", async () => {
  const ok = await goSdkV2(emu, "DescribeLoadBalancers", {}, { method: "GET" });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const replayed = await goSdkV2(emu, "DescribeLoadBalancers", {}, { method: "POST", sendAs: "GET" });
  assert.equal(replayed.body.Code, "SignatureDoesNotMatch");
});

test("ClientToken longer than 64 characters is refused", async () => {
  await rejectsWith(
    v3("CreateLoadBalancer", { ClientToken: "x".repeat(65) }),
    "InvalidClientToken.ValueNotSupported",
  );
});

test("one port, routed by Version: VPC and ECS answers for the CCM's optional paths; TagResources stays SLB", async () => {
  const vsw = await goSdkV2(
    emu,
    "DescribeVSwitches",
    { VSwitchId: "vsw-bp1abcdefg" },
    { version: "2016-04-28" },
  );
  assert.equal(vsw.status, 200, JSON.stringify(vsw.body));
  assert.equal(vsw.body.VSwitches.VSwitch[0].VSwitchId, "vsw-bp1abcdefg");
  assert.ok(vsw.body.VSwitches.VSwitch[0].AvailableIpAddressCount > 0);
  const vpc = await goSdkV2(
    emu,
    "DescribeVpcAttribute",
    { VpcId: "vpc-bp1abcdefg" },
    { version: "2016-04-28" },
  );
  assert.equal(vpc.body.CidrBlock, "192.168.0.0/16");
  const eni = await goSdkV2(
    emu,
    "DescribeNetworkInterfaces",
    { VpcId: "vpc-bp1abcdefg", Status: "InUse", MaxResults: "100" },
    { version: "2014-05-26" },
  );
  assert.deepEqual([eni.body.NetworkInterfaceSets.NetworkInterfaceSet, eni.body.NextToken], [[], ""]);
  const eip = await goSdkV2(
    emu,
    "DescribeEipAddresses",
    { AssociatedInstanceType: "SlbInstance" },
    { version: "2016-04-28" },
  );
  assert.equal(eip.body.TotalCount, 0);
  // The same action name under the ECS version is not SLB's TagResources.
  const ecsTag = await goSdkV2(emu, "TagResources", {}, { version: "2014-05-26" });
  assert.equal(ecsTag.body.Code, "InvalidAction.NotFound");
  assert.equal(ecsTag.body.HostId, "ecs.aliyuncs.com");
});
