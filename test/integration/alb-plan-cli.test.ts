// `npm run plan` for ALB: an AlbConfig + IngressClass + Service + Ingress manifest prints the ALB actions
// (read-only against the emulator: no mutating call), and a bad AlbConfig prints the admission error.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { EMULATOR_DEFAULTS } from "../../src/config";
import { albConfigYaml, ingressClassYaml, ingressYaml, nodePortServiceYaml } from "../helpers/alb";
import { startPlanCli, type PlanCli } from "../helpers/plan-cli";

let cli: PlanCli;

before(async () => {
  // ALB server groups and the ALB itself are made in the cluster's VPC.
  cli = await startPlanCli({ ALIBABA_CLOUD_VPC_ID: EMULATOR_DEFAULTS.vpc.vpcId });
});

after(async () => {
  await cli?.close();
});

test("an AlbConfig with a cafe Ingress prints the ALB, listener, group and rule actions, and changes nothing", async () => {
  const r = await cli.plan([
    albConfigYaml("cafe"),
    ingressClassYaml("alb", "cafe"),
    nodePortServiceYaml("tea-svc"),
    ingressYaml("cafe-ingress", { host: "cafe.example.com", paths: [{ path: "/tea", service: "tea-svc" }] }),
  ]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /AlbConfig cafe:/);
  assert.match(r.out, /members: default\/cafe-ingress/);
  assert.match(r.out, /alb:create: CreateLoadBalancer name=k8s-cafe-/);
  assert.match(r.out, /CreateListener <alb:create> HTTP:80/);
  assert.match(
    r.out,
    /CreateRules <listener:HTTP:80:create> :80 #1 Host=cafe.example.com&Path=\/tea\|\/tea\/\*/,
  );
  assert.deepEqual(await cli.mutatingCalls(), []);
});

test("a bad AlbConfig prints the admission error and exits 1", async () => {
  const r = await cli.plan([albConfigYaml("bad", { zoneMappings: [{ vSwitchId: "vsw-only-one" }] })]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /admission would deny it/);
});
