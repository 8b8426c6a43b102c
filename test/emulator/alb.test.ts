// ALB through the typed @alicloud/alb20200616 client: asynchronous statuses on the virtual clock, jobs, DryRun,
// busy refusals, guards and cascades. Transitions are set far longer than any test step takes, and every change
// of status comes from an explicit clock advance, so a loaded machine cannot flip a status under the test.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { $alb, admin, albClient, type Json, rejectsWith } from "./helpers";
import type Alb from "@alicloud/alb20200616";

let emu: RunningEmulator;
let alb: Alb;

/** Provisioning and Configuring last this long in virtual time; real time never gets there during a test. */
const ALB_MS = 60_000;
const CONFIGURING_MS = 30_000;

before(async () => {
  emu = await startEmulator({ seed: 5, transitions: { albMs: ALB_MS, albConfiguringMs: CONFIGURING_MS } });
  alb = albClient(emu);
});
after(() => emu.close());

const advance = (ms: number): Promise<Json> => admin(emu, "POST", "clock/advance", { ms });
/** Past every pending transition. */
const settle = (): Promise<Json> => advance(ALB_MS + 1_000);

function lbRequest(name: string, extra: Record<string, unknown> = {}): $alb.CreateLoadBalancerRequest {
  return new $alb.CreateLoadBalancerRequest({
    loadBalancerName: name,
    vpcId: "vpc-bp1abcdef",
    addressType: "Internet",
    loadBalancerEdition: "Standard",
    loadBalancerBillingConfig: new $alb.CreateLoadBalancerRequestLoadBalancerBillingConfig({
      payType: "PostPay",
    }),
    zoneMappings: [
      new $alb.CreateLoadBalancerRequestZoneMappings({ zoneId: "cn-hangzhou-h", vSwitchId: "vsw-bp1aaaaaa" }),
      new $alb.CreateLoadBalancerRequestZoneMappings({ zoneId: "cn-hangzhou-i", vSwitchId: "vsw-bp1bbbbbb" }),
    ],
    tag: [new $alb.CreateLoadBalancerRequestTag({ key: "owner", value: "test" })],
    ...extra,
  });
}

const forward = (sgId: string): $alb.CreateListenerRequestDefaultActions[] => [
  new $alb.CreateListenerRequestDefaultActions({
    type: "ForwardGroup",
    forwardGroupConfig: new $alb.CreateListenerRequestDefaultActionsForwardGroupConfig({
      serverGroupTuples: [
        new $alb.CreateListenerRequestDefaultActionsForwardGroupConfigServerGroupTuples({
          serverGroupId: sgId,
        }),
      ],
    }),
  }),
];

test("ALB: provisioning, listener, server group, servers, rules, jobs, guards and cascade", async () => {
  const created = await alb.createLoadBalancer(lbRequest("alb-one"));
  const lbId = created.body!.loadBalancerId!;
  assert.match(lbId, /^alb-[a-z0-9]{18}$/);
  let lb = (
    await alb.getLoadBalancerAttribute(new $alb.GetLoadBalancerAttributeRequest({ loadBalancerId: lbId }))
  ).body!;
  assert.equal(lb.loadBalancerStatus, "Provisioning");
  assert.equal(lb.zoneMappings!.length, 2);
  assert.match(lb.zoneMappings![0].loadBalancerAddresses![0].address!, /^47\./);
  assert.equal(lb.DNSName, `${lbId}.cn-hangzhou.alb.aliyuncs.com`);
  assert.deepEqual(
    lb.tags!.map((t) => [t.key, t.value]),
    [["owner", "test"]],
  );

  const sg = await alb.createServerGroup(
    new $alb.CreateServerGroupRequest({
      serverGroupName: "sg1",
      vpcId: "vpc-bp1abcdef",
      serverGroupType: "Instance",
      protocol: "HTTP",
      healthCheckConfig: new $alb.CreateServerGroupRequestHealthCheckConfig({ healthCheckEnabled: false }),
    }),
  );
  const sgId = sg.body!.serverGroupId!;
  assert.match(sgId, /^sgp-[a-z0-9]{18}$/);
  assert.ok(sg.body!.jobId);

  // Children cannot change while the instance provisions.
  const listenerReq = new $alb.CreateListenerRequest({
    loadBalancerId: lbId,
    listenerPort: 80,
    listenerProtocol: "HTTP",
    defaultActions: forward(sgId),
    listenerDescription: "web",
  });
  await rejectsWith(alb.createListener(listenerReq), "IncorrectStatus.LoadBalancer");
  await settle();
  lb = (
    await alb.getLoadBalancerAttribute(new $alb.GetLoadBalancerAttributeRequest({ loadBalancerId: lbId }))
  ).body!;
  assert.equal(lb.loadBalancerStatus, "Active");

  // DryRun validates and creates nothing.
  const dry = await rejectsWith(
    alb.createListener(new $alb.CreateListenerRequest({ ...listenerReq, dryRun: true })),
    "DryRunOperation",
  );
  assert.equal(dry.statusCode, 400);
  assert.equal(
    (await alb.listListeners(new $alb.ListListenersRequest({ loadBalancerIds: [lbId] }))).body!.totalCount,
    0,
  );

  const lsr = await alb.createListener(listenerReq);
  const lsrId = lsr.body!.listenerId!;
  assert.match(lsrId, /^lsr-[a-z0-9]{18}$/);
  const jobId = lsr.body!.jobId!;
  let jobs = await alb.listAsynJobs(new $alb.ListAsynJobsRequest({ jobIds: [jobId] }));
  assert.equal(jobs.body!.jobs![0].status, "Processing");
  await rejectsWith(alb.createListener(listenerReq), "ResourceAlreadyExist.Listener");

  await alb.addServersToServerGroup(
    new $alb.AddServersToServerGroupRequest({
      serverGroupId: sgId,
      servers: [
        new $alb.AddServersToServerGroupRequestServers({
          serverId: "i-bp1server1",
          serverType: "Ecs",
          port: 8080,
          weight: 100,
        }),
        new $alb.AddServersToServerGroupRequestServers({
          serverId: "10.0.0.9",
          serverType: "Ip",
          serverIp: "10.0.0.9",
          port: 8080,
          weight: 50,
        }),
      ],
    }),
  );
  let servers = (
    await alb.listServerGroupServers(new $alb.ListServerGroupServersRequest({ serverGroupId: sgId }))
  ).body!;
  assert.deepEqual(
    servers.servers!.map((s) => s.status),
    ["Adding", "Adding"],
  );

  await settle(); // the listener Provisions, the instance applies the listener
  const rules = await alb.createRules(
    new $alb.CreateRulesRequest({
      listenerId: lsrId,
      rules: [
        new $alb.CreateRulesRequestRules({
          priority: 10,
          ruleName: "host-rule",
          ruleConditions: [
            new $alb.CreateRulesRequestRulesRuleConditions({
              type: "Host",
              hostConfig: new $alb.CreateRulesRequestRulesRuleConditionsHostConfig({
                values: ["a.example.com"],
              }),
            }),
          ],
          ruleActions: [
            new $alb.CreateRulesRequestRulesRuleActions({
              order: 1,
              type: "ForwardGroup",
              forwardGroupConfig: new $alb.CreateRulesRequestRulesRuleActionsForwardGroupConfig({
                serverGroupTuples: [
                  new $alb.CreateRulesRequestRulesRuleActionsForwardGroupConfigServerGroupTuples({
                    serverGroupId: sgId,
                  }),
                ],
              }),
            }),
          ],
        }),
      ],
    }),
  );
  const ruleId = rules.body!.ruleIds![0].ruleId!;
  assert.match(ruleId, /^rule-[a-z0-9]{18}$/);

  await settle();
  jobs = await alb.listAsynJobs(new $alb.ListAsynJobsRequest({ jobIds: [jobId] }));
  assert.equal(jobs.body!.jobs![0].status, "Succeeded");
  servers = (
    await alb.listServerGroupServers(new $alb.ListServerGroupServersRequest({ serverGroupId: sgId }))
  ).body!;
  assert.deepEqual(
    servers.servers!.map((s) => `${s.serverId}:${s.port}:${s.weight}:${s.status}`),
    ["i-bp1server1:8080:100:Available", "10.0.0.9:8080:50:Available"],
  );
  const listed = (await alb.listListeners(new $alb.ListListenersRequest({ loadBalancerIds: [lbId] }))).body!;
  assert.equal(listed.listeners![0].listenerStatus, "Running");
  assert.equal(
    listed.listeners![0].defaultActions![0].forwardGroupConfig!.serverGroupTuples![0].serverGroupId,
    sgId,
  );

  const ruleList = (await alb.listRules(new $alb.ListRulesRequest({ listenerIds: [lsrId] }))).body!;
  const rule = ruleList.rules![0];
  assert.equal(rule.priority, 10);
  assert.equal(rule.ruleStatus, "Available");
  assert.deepEqual(rule.ruleConditions![0].hostConfig!.values, ["a.example.com"]);
  assert.equal(rule.ruleActions![0].order, 1);
  await alb.updateRuleAttribute(
    new $alb.UpdateRuleAttributeRequest({ ruleId, priority: 20, ruleName: "renamed" }),
  );
  const updated = (await alb.listRules(new $alb.ListRulesRequest({ ruleIds: [ruleId] }))).body!.rules![0];
  assert.deepEqual([updated.priority, updated.ruleName], [20, "renamed"]);

  await settle(); // the rule update is being applied
  await alb.updateListenerAttribute(
    new $alb.UpdateListenerAttributeRequest({
      listenerId: lsrId,
      listenerDescription: "changed",
      idleTimeout: 30,
    }),
  );
  const got = (await alb.getListenerAttribute(new $alb.GetListenerAttributeRequest({ listenerId: lsrId })))
    .body!;
  assert.deepEqual(
    [got.listenerDescription, got.idleTimeout, got.listenerPort, got.listenerProtocol],
    ["changed", 30, 80, "HTTP"],
  );

  // Guards and cascade.
  await rejectsWith(
    alb.deleteServerGroup(new $alb.DeleteServerGroupRequest({ serverGroupId: sgId })),
    "ResourceInUse.ServerGroup",
  );
  await alb.removeServersFromServerGroup(
    new $alb.RemoveServersFromServerGroupRequest({
      serverGroupId: sgId,
      servers: [
        new $alb.RemoveServersFromServerGroupRequestServers({
          serverId: "10.0.0.9",
          serverType: "Ip",
          serverIp: "10.0.0.9",
          port: 8080,
        }),
      ],
    }),
  );
  assert.equal(
    (await alb.listServerGroupServers(new $alb.ListServerGroupServersRequest({ serverGroupId: sgId }))).body!
      .totalCount,
    1,
  );
  await settle();
  await alb.deleteLoadBalancer(new $alb.DeleteLoadBalancerRequest({ loadBalancerId: lbId }));
  const nf = await rejectsWith(
    alb.getLoadBalancerAttribute(new $alb.GetLoadBalancerAttributeRequest({ loadBalancerId: lbId })),
    "ResourceNotFound.LoadBalancer",
  );
  assert.equal(nf.statusCode, 404);
  await rejectsWith(
    alb.getListenerAttribute(new $alb.GetListenerAttributeRequest({ listenerId: lsrId })),
    "ResourceNotFound.Listener",
  );
  assert.equal((await alb.listRules(new $alb.ListRulesRequest({ ruleIds: [ruleId] }))).body!.totalCount, 0);
  await alb.deleteServerGroup(new $alb.DeleteServerGroupRequest({ serverGroupId: sgId }));
  assert.equal(
    (await alb.listServerGroups(new $alb.ListServerGroupsRequest({ serverGroupIds: [sgId] }))).body!
      .totalCount,
    0,
  );
});

test("ALB: deletion protection, list filters, validation", async () => {
  const { body } = await alb.createLoadBalancer(lbRequest("protected", { deletionProtectionEnabled: true }));
  const id = body!.loadBalancerId!;
  await rejectsWith(
    alb.deleteLoadBalancer(new $alb.DeleteLoadBalancerRequest({ loadBalancerId: id })),
    "OperationDenied.DeletionProtectionEnabled",
  );
  const byName = await alb.listLoadBalancers(
    new $alb.ListLoadBalancersRequest({ loadBalancerNames: ["protected"] }),
  );
  assert.deepEqual(
    byName.body!.loadBalancers!.map((l) => l.loadBalancerId),
    [id],
  );
  const byTag = await alb.listLoadBalancers(
    new $alb.ListLoadBalancersRequest({
      tag: [new $alb.ListLoadBalancersRequestTag({ key: "owner", value: "nobody" })],
    }),
  );
  assert.equal(byTag.body!.totalCount, 0);
  await alb.disableDeletionProtection(new $alb.DisableDeletionProtectionRequest({ resourceId: id }));
  await settle(); // a Provisioning instance cannot be deleted either
  await alb.deleteLoadBalancer(new $alb.DeleteLoadBalancerRequest({ loadBalancerId: id }));
  await rejectsWith(
    alb.createLoadBalancer(
      lbRequest("one-zone", {
        zoneMappings: [
          new $alb.CreateLoadBalancerRequestZoneMappings({ zoneId: "z", vSwitchId: "vsw-bp1aaaaaa" }),
        ],
      }),
    ),
    "InvalidParameter",
  );
  await rejectsWith(alb.createLoadBalancer(lbRequest("no-vpc", { vpcId: undefined })), "MissingVpcId");
  await rejectsWith(
    alb.getLoadBalancerAttribute(new $alb.GetLoadBalancerAttributeRequest({ loadBalancerId: "bogus" })),
    "InvalidParameter",
  );
});

test("ALB busy refusals: Conflict.Lock and IncorrectStatus.Listener; stats count them as calls, not successes", async () => {
  await admin(emu, "DELETE", "stats");
  const { body } = await alb.createLoadBalancer(lbRequest("busy"));
  const lbId = body!.loadBalancerId!;
  const sg = await alb.createServerGroup(
    new $alb.CreateServerGroupRequest({
      serverGroupName: "sg-busy",
      vpcId: "vpc-bp1abcdef",
      healthCheckConfig: new $alb.CreateServerGroupRequestHealthCheckConfig({ healthCheckEnabled: false }),
    }),
  );
  const listen = (port: number) =>
    alb.createListener(
      new $alb.CreateListenerRequest({
        loadBalancerId: lbId,
        listenerPort: port,
        listenerProtocol: "HTTP",
        defaultActions: forward(sg.body!.serverGroupId!),
      }),
    );
  await settle();
  const lsrId = (await listen(80)).body!.listenerId!;
  const attr = () =>
    alb.getLoadBalancerAttribute(new $alb.GetLoadBalancerAttributeRequest({ loadBalancerId: lbId }));
  assert.equal((await attr()).body!.loadBalancerStatus, "Configuring");
  const locked = await rejectsWith(listen(81), "Conflict.Lock");
  assert.equal(locked.statusCode, 409);
  await advance(CONFIGURING_MS);
  assert.equal((await attr()).body!.loadBalancerStatus, "Active");
  await rejectsWith(
    alb.updateListenerAttribute(
      new $alb.UpdateListenerAttributeRequest({ listenerId: lsrId, idleTimeout: 20 }),
    ),
    "IncorrectStatus.Listener",
  );
  const stats = (await admin(emu, "GET", "stats")) as {
    calls: Record<string, number>;
    succeeded: Record<string, number>;
  };
  assert.equal(stats.calls["alb:CreateListener"], 2);
  assert.equal(stats.succeeded["alb:CreateListener"], 1);
  assert.equal(stats.calls["alb:UpdateListenerAttribute"], 1);
  assert.equal(stats.succeeded["alb:UpdateListenerAttribute"], undefined);
});
