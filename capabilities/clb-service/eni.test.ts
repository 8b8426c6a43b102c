// CLB's ENI resolution (§3.1) on the desired model: pod IP → ENI id per vserver group, IPs outside the
// VPC skipped, IPs in the VPC without an ENI invalid (their group becomes add-only). The lookup itself
// is tested in src/backends/eni.test.ts. § numbers refer to docs/clb-service.md.
import test from "node:test";
import assert from "node:assert/strict";
import { eniBackendIps, resolveEniBackends } from "./eni";
import { UNRESOLVED_ENI, type DesiredModel, type DesiredVServerGroup } from "./model";
import { plan } from "./plan";

const eniBackend = (ip: string, desc: string) => ({
  serverId: UNRESOLVED_ENI,
  serverIp: ip,
  port: 8080,
  weight: 100,
  type: "eni" as const,
  description: desc,
});

function model(groups: Array<{ name: string; ips: string[] }>): DesiredModel {
  const vServerGroups: DesiredVServerGroup[] = groups.map((g, i) => ({
    name: g.name,
    servicePort: 80 + i,
    backends: g.ips.map((ip) => eniBackend(ip, g.name)),
    ignoreWeightUpdate: false,
  }));
  return {
    service: { namespace: "default", name: "web", uid: "u-1" },
    clusterId: "c1",
    deleting: false,
    statusIngress: [],
    provisionedBefore: true,
    loadBalancer: {
      mode: "create",
      defaultName: "au1",
      name: "au1",
      defaultTags: [],
      additionalTags: [],
      appliedTagKeys: [],
      forceOverrideListeners: false,
      preserveOnDelete: false,
      externalIpIsEip: false,
    },
    listeners: [],
    vServerGroups,
  };
}

const G1 = "k8s/8080/web/default/c1";
const G2 = "k8s/9090/web/default/c1";

test("eniBackendIps: every ENI backend's pod IP once, sorted; ECS backends ignored", () => {
  const m = model([
    { name: G1, ips: ["192.168.0.3", "192.168.0.1"] },
    { name: G2, ips: ["192.168.0.1"] },
  ]);
  m.vServerGroups[1].backends.push({
    serverId: "i-n1",
    port: 30080,
    weight: 1,
    type: "ecs",
    description: G2,
  });
  assert.deepEqual(eniBackendIps(m), ["192.168.0.1", "192.168.0.3"]);
});

test("resolveEniBackends: ENI ids filled in, outside-VPC IPs skipped, in-VPC IPs without ENI invalid per group", () => {
  const m = model([
    { name: G1, ips: ["192.168.0.1", "192.168.0.2", "10.9.0.1"] },
    { name: G2, ips: ["192.168.0.1", "2408:4005:3cd:ab00::9"] },
  ]);
  const r = resolveEniBackends(m, {
    eniByIp: new Map([["192.168.0.1", "eni-bp1aaa"]]),
    vpcCidrs: ["192.168.0.0/16", "2408:4005:3cd:ab00::/56"],
  });
  assert.deepEqual(r.skippedIps, ["10.9.0.1"]);
  assert.deepEqual(r.invalidIps, ["192.168.0.2", "2408:4005:3cd:ab00::9"]);
  assert.deepEqual(
    r.model.vServerGroups.map((g) => [
      g.name,
      g.backends.map((b) => `${b.serverId}/${b.serverIp}`),
      g.invalidBackendIps,
    ]),
    [
      [G1, ["eni-bp1aaa/192.168.0.1"], ["192.168.0.2"]],
      [G2, ["eni-bp1aaa/192.168.0.1"], ["2408:4005:3cd:ab00::9"]],
    ],
  );
  // The input model is untouched (plan inputs stay pure values).
  assert.equal(m.vServerGroups[0].backends[0].serverId, UNRESOLVED_ENI);
  assert.equal(m.vServerGroups[0].invalidBackendIps, undefined);
});

test("resolved model through plan(): an invalid backend keeps the group add-only, a resolved one is a normal diff", () => {
  const m = model([{ name: G1, ips: ["192.168.0.1", "192.168.0.2"] }]);
  const remote = {
    loadBalancer: undefined,
    vServerGroups: [
      {
        vServerGroupId: "rsp-1",
        vServerGroupName: G1,
        loadBalancerId: "lb-1",
        backendServers: [{ ...eniBackend("192.168.0.7", G1), serverId: "eni-old" }],
      },
    ],
  };
  const lbRemote = {
    ...remote,
    loadBalancer: {
      loadBalancerId: "lb-1",
      loadBalancerName: "au1",
      address: "47.1.1.1",
      addressType: "internet" as const,
      addressIPVersion: "ipv4" as const,
      networkType: "classic" as const,
      status: "active" as const,
      deleteProtection: "off" as const,
      modificationProtectionStatus: "NonProtection" as const,
      instanceChargeType: "PayByCLCU" as const,
      internetChargeType: "paybytraffic" as const,
      tags: [
        { key: "kubernetes.do.not.delete", value: "au1" },
        { key: "ack.aliyun.com", value: "c1" },
      ],
    },
    foundBy: "tag" as const,
    listeners: [],
  };
  const kinds = (vpcEnis: Map<string, string>) =>
    plan(
      resolveEniBackends(m, { eniByIp: vpcEnis, vpcCidrs: ["192.168.0.0/16"] }).model,
      lbRemote,
    ).actions.map((a) => a.kind);
  // 192.168.0.2 has no ENI yet: add the resolved one, keep the stale remote backend.
  assert.deepEqual(kinds(new Map([["192.168.0.1", "eni-a"]])), ["AddBackendServers"]);
  // Both resolved: add and remove as usual.
  assert.deepEqual(
    kinds(
      new Map([
        ["192.168.0.1", "eni-a"],
        ["192.168.0.2", "eni-b"],
      ]),
    ),
    ["AddBackendServers", "RemoveBackendServers"],
  );
});
