// perform.ts over a recorded AlbProvider: Refs resolve to the ids earlier actions produced, every mutation
// waits for its jobs, and a delete of something already gone counts as done.
import test from "node:test";
import assert from "node:assert/strict";
import { CloudError, type AlbProvider } from "../../src/cloud";
import { recording } from "../../test/helpers/recording";
import { apply } from "./perform";
import type { Action } from "./plan";

const sg = (key: string): Action => ({
  kind: "CreateServerGroup",
  key,
  dependsOn: [],
  params: {
    kind: "CreateServerGroup",
    clientToken: "t",
    spec: {
      serverGroupName: key,
      protocol: "HTTP",
      vpcId: "vpc-1",
      tags: [],
      scheduler: "Wrr",
      healthCheck: { healthCheckEnabled: false },
      stickySession: { stickySessionEnabled: false },
      upstreamKeepaliveEnabled: false,
    },
  },
});

test("a group's Ref becomes its id in AddServers and CreateRules; each call waits for its jobs", async () => {
  const alb = recording<AlbProvider>({
    createServerGroup: async () => ({ serverGroupId: "sgp-new", jobId: "job-1" }),
    addServers: async () => [{ jobId: "job-2" }],
    createRules: async () => ({ ruleIds: ["rule-1"], jobIds: ["job-3"] }),
    waitForJobs: async () => undefined,
  });
  const actions: Action[] = [
    sg("sg"),
    {
      kind: "AddServers",
      key: "add",
      dependsOn: ["sg"],
      params: {
        kind: "AddServers",
        serverGroupId: { ref: "sg" },
        name: "sg",
        servers: [{ serverType: "Ecs", serverId: "i-1", port: 30080, weight: 100 }],
      },
    },
    {
      kind: "CreateRules",
      key: "rules",
      dependsOn: ["sg"],
      params: {
        kind: "CreateRules",
        listenerId: "lsn-1",
        port: 80,
        clientToken: "t2",
        rules: [
          {
            name: "rule-80-1",
            priority: 1,
            direction: "Request",
            conditions: [{ type: "Path", values: ["/*"] }],
            actions: [
              {
                order: 1,
                type: "ForwardGroup",
                forwardGroup: { serverGroupTuples: [{ serverGroupId: { ref: "sg" }, weight: 100 }] },
              },
            ],
          },
        ],
      },
    },
  ];
  const r = await apply(alb, actions, { concurrency: 1 });
  assert.deepEqual(r.errors, []);
  const add = alb.calls.find((c) => c.method === "addServers");
  assert.equal(add?.args[0], "sgp-new");
  const rules = alb.calls.find((c) => c.method === "createRules");
  assert.equal(rules?.args[0], "lsn-1");
  const spec = (
    rules?.args[1] as { actions: { forwardGroup: { serverGroupTuples: { serverGroupId: string }[] } }[] }[]
  )[0];
  assert.equal(spec.actions[0].forwardGroup.serverGroupTuples[0].serverGroupId, "sgp-new");
  assert.deepEqual(
    alb.calls.filter((c) => c.method === "waitForJobs").map((c) => c.args[0]),
    [["job-1"], ["job-2"], ["job-3"]],
  );
});

test("a delete that finds nothing counts as done; another failure is reported and skips dependants", async () => {
  const alb = recording<AlbProvider>({
    deleteListener: async () => {
      throw new CloudError({ kind: "NotFound", code: "ResourceNotFound.Listener", message: "gone" });
    },
    createServerGroup: async () => {
      throw new CloudError({
        kind: "QuotaExceeded",
        code: "QuotaExceeded.ServerGroupsNum",
        message: "too many",
      });
    },
  });
  const r = await apply(
    alb,
    [
      {
        kind: "DeleteListener",
        key: "del",
        dependsOn: [],
        params: { kind: "DeleteListener", listenerId: "lsn-x", port: 80, protocol: "HTTP" },
      },
      sg("sg"),
      {
        kind: "AddServers",
        key: "add",
        dependsOn: ["sg"],
        params: { kind: "AddServers", serverGroupId: { ref: "sg" }, name: "sg", servers: [] },
      },
    ],
    { concurrency: 1 },
  );
  assert.deepEqual(
    r.results.map((x) => [x.key, x.status]),
    [
      ["del", "ok"],
      ["sg", "failed"],
      ["add", "skipped"],
    ],
  );
  assert.equal(r.errors.length, 1);
  assert.ok(!alb.calls.some((c) => c.method === "addServers"));
});
