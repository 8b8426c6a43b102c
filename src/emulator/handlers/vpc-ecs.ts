// Minimal VPC 2016-04-28 and ECS 2014-05-26 answers for the optional CCM paths (emulator-clients.md
// §4.3): VPCs and vSwitches are not modelled, so any well-formed id "exists" with fixed, plausible
// attributes; there are no EIPs and no ENIs.
import { type Handler, type HandlerCtx } from "../core";
import type { Doc } from "../store";
import { checkId, VPC_ID, VSW_ID } from "./common";

function describeVpcAttribute(ctx: HandlerCtx): Doc {
  const vpcId = checkId("VpcId", ctx.p.req("VpcId"), VPC_ID);
  return {
    VpcId: vpcId,
    VpcName: vpcId,
    RegionId: ctx.regionId,
    Status: "Available",
    CidrBlock: "192.168.0.0/16",
    SecondaryCidrBlocks: { SecondaryCidrBlock: [] },
    VSwitchIds: { VSwitchId: [] },
    IsDefault: false,
  };
}

function describeVSwitches(ctx: HandlerCtx): Doc {
  const vswId = ctx.p.str("VSwitchId");
  const vpcId = ctx.p.str("VpcId");
  if (vpcId) checkId("VpcId", vpcId, VPC_ID);
  const pageNumber = ctx.p.int("PageNumber", { min: 1 }) ?? 1;
  const pageSize = ctx.p.int("PageSize", { min: 1, max: 50 }) ?? 10;
  const items = vswId
    ? [
        {
          VSwitchId: checkId("VSwitchId", vswId, VSW_ID),
          VpcId: vpcId ?? `vpc-${vswId.slice(4)}`,
          ZoneId: ctx.p.str("ZoneId") ?? `${ctx.regionId}-k`,
          CidrBlock: "192.168.0.0/24",
          AvailableIpAddressCount: 250,
          Status: "Available",
          VSwitchName: vswId,
        },
      ]
    : [];
  return {
    VSwitches: { VSwitch: items },
    TotalCount: items.length,
    PageNumber: pageNumber,
    PageSize: pageSize,
  };
}

function describeEipAddresses(ctx: HandlerCtx): Doc {
  return {
    EipAddresses: { EipAddress: [] },
    TotalCount: 0,
    PageNumber: ctx.p.int("PageNumber", { min: 1 }) ?? 1,
    PageSize: ctx.p.int("PageSize", { min: 1, max: 100 }) ?? 10,
  };
}

function describeNetworkInterfaces(ctx: HandlerCtx): Doc {
  return {
    NetworkInterfaceSets: { NetworkInterfaceSet: [] },
    TotalCount: 0,
    NextToken: "",
    MaxResults: ctx.p.int("MaxResults", { min: 1, max: 500 }) ?? 100,
  };
}

const vpc = (action: string, fn: (ctx: HandlerCtx) => Doc): Handler => ({
  product: "vpc",
  version: "2016-04-28",
  action,
  mutating: false,
  fn,
});

export const vpcEcsHandlers: Handler[] = [
  vpc("DescribeVpcAttribute", describeVpcAttribute),
  vpc("DescribeVSwitches", describeVSwitches),
  vpc("DescribeEipAddresses", describeEipAddresses),
  {
    product: "ecs",
    version: "2014-05-26",
    action: "DescribeNetworkInterfaces",
    mutating: false,
    fn: describeNetworkInterfaces,
  },
];
