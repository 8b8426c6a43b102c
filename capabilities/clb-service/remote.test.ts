// readRemoteModel: the abandoned-SLB lookup of reuse mode (an `id` added between our create and the first
// successful sync). Only then is the extra call made, and the reused SLB itself is never "abandoned".
import test from "node:test";
import assert from "node:assert/strict";
import type { SlbFindLoadBalancersQuery, SlbLoadBalancer, SlbProvider } from "../../src/cloud";
import { recording } from "../../test/helpers/recording";
import type { DesiredModel } from "./model";
import { readRemoteModel } from "./remote";

const DEFAULT_NAME = "a5e4dbfc9c2ae4642b0335607860aef6";

function lb(id: string, tags: SlbLoadBalancer["tags"]): SlbLoadBalancer {
  return { loadBalancerId: id, address: "47.0.0.1", tags } as SlbLoadBalancer;
}

function desired(o: { createIntent?: string; provisionedBefore?: boolean }): DesiredModel {
  return {
    service: { namespace: "default", name: "web", uid: "u", createIntent: o.createIntent },
    clusterId: "c1",
    deleting: false,
    statusIngress: [],
    provisionedBefore: o.provisionedBefore ?? false,
    loadBalancer: {
      mode: "reuse",
      reuseId: "lb-user",
      defaultName: DEFAULT_NAME,
      defaultTags: [],
      additionalTags: [],
      appliedTagKeys: [],
      forceOverrideListeners: false,
      preserveOnDelete: false,
      externalIpIsEip: false,
    },
    listeners: [],
    vServerGroups: [],
  };
}

function cloud() {
  const ours = lb("lb-ours", [{ key: "kubernetes.do.not.delete", value: DEFAULT_NAME }]);
  return recording<SlbProvider>({
    getLoadBalancer: () => Promise.resolve(lb("lb-user", [])),
    listVServerGroups: () => Promise.resolve([]),
    findLoadBalancers: (q: SlbFindLoadBalancersQuery) =>
      Promise.resolve(q.tags?.[0]?.value === DEFAULT_NAME ? [ours] : []),
  });
}

test("reuse mode with a create intent and nothing reported: our created SLB is found as abandoned", async () => {
  const remote = await readRemoteModel(cloud(), desired({ createIntent: "i-1" }));
  assert.equal(remote.loadBalancer?.loadBalancerId, "lb-user");
  assert.deepEqual(
    remote.abandonedLoadBalancers?.map((l) => l.loadBalancerId),
    ["lb-ours"],
  );
});

test("no intent, or already reported: no abandoned lookup at all", async () => {
  for (const d of [desired({}), desired({ createIntent: "i-1", provisionedBefore: true })]) {
    const slb = cloud();
    const remote = await readRemoteModel(slb, d);
    assert.equal(remote.abandonedLoadBalancers, undefined);
    assert.equal(slb.calls.filter((c) => c.method === "findLoadBalancers").length, 0);
  }
});
