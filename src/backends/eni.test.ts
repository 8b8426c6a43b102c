// Shared ENI resolution (§3.1): the lookup reads the VPC only when needed; each pod IP classifies as
// resolved, skipped (outside the VPC) or invalid (in the VPC, no ENI). § numbers refer to docs/clb-service.md.
import test from "node:test";
import assert from "node:assert/strict";
import type { EcsNetworkInterface, EcsProvider, VpcProvider } from "../cloud";
import { classifyIp, lookupEnis, unresolvedIps } from "./eni";

function fakeCloud(enis: Record<string, string>, cidrs: string[]) {
  const calls: string[] = [];
  const ecs: EcsProvider = {
    findNetworkInterfacesByPrivateIp: (vpcId, ips) => {
      calls.push(`ecs:${vpcId}:${ips.join(",")}`);
      const out = new Map<string, EcsNetworkInterface>();
      for (const ip of ips)
        if (enis[ip])
          out.set(ip, {
            networkInterfaceId: enis[ip],
            status: "InUse",
            type: "Secondary",
            vpcId,
            vSwitchId: "vsw-1",
            primaryIpAddress: ip,
            privateIpAddresses: [ip],
            ipv6Addresses: [],
          });
      return Promise.resolve(out);
    },
  };
  const vpc: VpcProvider = {
    getVpc: (vpcId) => {
      calls.push(`vpc:${vpcId}`);
      return Promise.resolve({ vpcId, cidrBlocks: cidrs, ipv6CidrBlocks: [] });
    },
    findEipsBoundTo: () => Promise.resolve([]),
    listVSwitches: () => Promise.resolve([]),
  };
  return { cloud: { ecs, vpc }, calls };
}

test("lookupEnis: no call for no IPs, no VPC read when every IP has an ENI, the VPC's blocks otherwise", async () => {
  const f = fakeCloud({ "192.168.0.1": "eni-a" }, ["192.168.0.0/16"]);
  assert.deepEqual((await lookupEnis(f.cloud, "vpc-1", [])).eniByIp.size, 0);
  assert.deepEqual(f.calls, []);
  const all = await lookupEnis(f.cloud, "vpc-1", ["192.168.0.1"]);
  assert.deepEqual([...all.eniByIp], [["192.168.0.1", "eni-a"]]);
  assert.equal(all.vpcCidrs, undefined);
  assert.deepEqual(f.calls, ["ecs:vpc-1:192.168.0.1"]);
  const some = await lookupEnis(f.cloud, "vpc-1", ["192.168.0.1", "192.168.0.2"]);
  assert.deepEqual(some.vpcCidrs, ["192.168.0.0/16"]);
  assert.deepEqual(f.calls.slice(1), ["ecs:vpc-1:192.168.0.1,192.168.0.2", "vpc:vpc-1"]);
});

test("classifyIp and unresolvedIps: ENI id when found, else invalid inside the VPC's blocks and skipped outside", () => {
  const lookup = {
    eniByIp: new Map([["192.168.0.1", "eni-a"]]),
    vpcCidrs: ["192.168.0.0/16", "2408:4005:3cd:ab00::/56"],
  };
  assert.deepEqual(classifyIp(lookup, "192.168.0.1"), { kind: "resolved", eniId: "eni-a" });
  assert.deepEqual(classifyIp(lookup, "192.168.9.9"), { kind: "invalid" });
  assert.deepEqual(classifyIp(lookup, "2408:4005:3cd:ab00::9"), { kind: "invalid" });
  assert.deepEqual(classifyIp(lookup, "10.9.0.1"), { kind: "skipped" });
  // Without the VPC's blocks (every IP had an ENI when looked up) an unknown IP counts as outside.
  assert.deepEqual(classifyIp({ eniByIp: new Map() }, "192.168.9.9"), { kind: "skipped" });
  assert.deepEqual(unresolvedIps(lookup, ["192.168.9.9", "10.9.0.1", "192.168.0.1", "10.9.0.1"]), {
    skippedIps: ["10.9.0.1"],
    invalidIps: ["192.168.9.9"],
  });
});
