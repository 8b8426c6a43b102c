// `npm run plan`: the actions the operator would take for a manifest, read-only against the cloud,
// or the admission errors it would get.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { P, serviceYaml } from "../helpers/clb";
import { startPlanCli, type PlanCli } from "../helpers/plan-cli";

let cli: PlanCli;

before(async () => {
  cli = await startPlanCli();
});

after(async () => {
  await cli?.close();
});

test("prints the create plan with the defaults the webhook would add, and changes nothing", async () => {
  const r = await cli.plan([
    serviceYaml(
      "shop",
      { [`${P}protocol-port`]: "https:443", [`${P}cert-id`]: "cert-1" },
      { ports: [{ port: 443 }] },
    ),
  ]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /default\/shop/);
  assert.match(r.out, /address-type=internet/);
  assert.match(r.out, /CreateLoadBalancer/);
  assert.match(r.out, /CreateListener.*443/);
  assert.deepEqual(await cli.mutatingCalls(), [], "no mutating cloud call");
});

test("prints the admission errors for a bad manifest and exits 1", async () => {
  const r = await cli.plan([
    serviceYaml("bad", { [`${P}protocol-port`]: "https:443" }, { ports: [{ port: 443 }] }),
  ]);
  assert.equal(r.code, 1);
  assert.match(r.out, /admission would deny it/);
  assert.match(r.out, /cert-id/);
});

test("says so for a Service the operator does not manage", async () => {
  const r = await cli.plan([serviceYaml("internal", {}, { type: "ClusterIP" })]);
  assert.equal(r.code, 0);
  assert.match(r.out, /not a CLB-managed Service/);
});
