// What a person (or Terway) does in the cloud around a cluster, done through the official SDK against
// the emulator's real API: ENIs carrying pod IPs, EIPs bound to an SLB. Tests use it to set the scene.
import OpenApi, { $OpenApiUtil } from "@alicloud/openapi-core";
import { RuntimeOptions } from "@darabonba/typescript";
import { API_VERSIONS, flattenParams, rpcParams, type RpcFamily, type WireParams } from "../../src/cloud";
import { EMULATOR_DEFAULTS } from "../../src/config";

type Body = Record<string, unknown>;

export interface CloudScene {
  /** An ENI of the emulator's VPC carrying `ips` (the first is primary), attached to a node: InUse. */
  createAttachedEni(ips: string[], opts?: { ipv6?: string[]; instanceId?: string }): Promise<string>;
  /** Adds secondary IPs to an existing ENI (AssignPrivateIpAddresses). */
  assignIps(eniId: string, ips: string[]): Promise<void>;
  /** Allocates an EIP and binds it to the SLB; returns its id and address. */
  bindEip(loadBalancerId: string): Promise<{ allocationId: string; ipAddress: string }>;
  unbindEip(allocationId: string, loadBalancerId: string): Promise<void>;
  /** Any RPC action of these products (the scene's helpers, and SLB calls the provider lacks, e.g. ACLs). */
  call(product: Product, action: string, query: WireParams): Promise<Body>;
}

type Product = Exclude<RpcFamily, "eci">;

/** `url` is the emulator's `http://127.0.0.1:<port>`. */
export function cloudScene(url: string): CloudScene {
  const client = new OpenApi(
    new $OpenApiUtil.Config({
      accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
      accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
      regionId: EMULATOR_DEFAULTS.regionId,
      endpoint: url.replace(/^http:\/\//, ""),
      protocol: "http",
      connectTimeout: 10_000,
      readTimeout: 10_000,
    }),
  );
  const call = async (product: Product, action: string, query: WireParams): Promise<Body> => {
    const flat = flattenParams({ RegionId: EMULATOR_DEFAULTS.regionId, ...query });
    const res = await client.callApi(
      rpcParams(action, API_VERSIONS[product]),
      new $OpenApiUtil.OpenApiRequest({ query: flat }),
      new RuntimeOptions({}),
    );
    return res.body as Body;
  };
  return {
    call,
    async createAttachedEni(ips, opts = {}) {
      const created = await call("ecs", "CreateNetworkInterface", {
        VSwitchId: EMULATOR_DEFAULTS.vpc.vSwitchId,
        SecurityGroupId: "sg-bp1testpods0001",
        PrimaryIpAddress: ips[0],
        PrivateIpAddress: ips.slice(1),
        Ipv6Address: opts.ipv6,
      });
      const id = String(created.NetworkInterfaceId);
      await call("ecs", "AttachNetworkInterface", {
        NetworkInterfaceId: id,
        InstanceId: opts.instanceId ?? "i-bp1testnode0001",
      });
      return id;
    },
    async assignIps(eniId, ips) {
      await call("ecs", "AssignPrivateIpAddresses", { NetworkInterfaceId: eniId, PrivateIpAddress: ips });
    },
    async bindEip(loadBalancerId) {
      const eip = await call("vpc", "AllocateEipAddress", {});
      await call("vpc", "AssociateEipAddress", {
        AllocationId: String(eip.AllocationId),
        InstanceId: loadBalancerId,
        InstanceType: "SlbInstance",
      });
      return { allocationId: String(eip.AllocationId), ipAddress: String(eip.EipAddress) };
    },
    async unbindEip(allocationId, loadBalancerId) {
      await call("vpc", "UnassociateEipAddress", {
        AllocationId: allocationId,
        InstanceId: loadBalancerId,
        InstanceType: "SlbInstance",
      });
    },
  };
}
