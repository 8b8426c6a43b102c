// The watcher holds ONE Pepr watch per kind for every phase (src/k8s/watch-bindings.ts widens the binding to
// Event.ANY): a Node deleted, which only the DELETED phase reports, still leaves the SLB's backends, and a
// Service deleted still gets its SLB deleted.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import type { CloudProvider } from "../../src/cloud";
import {
  cloudOf,
  createNodes,
  getService,
  loadBalancersOwnedBy,
  serviceYaml,
  waitForIngress,
} from "../helpers/clb";
import { eventually, Stack, startStack } from "../helpers/stack";

let stack: Stack;
let cloud: CloudProvider;

before(async () => {
  stack = await startStack({ operator: "split", emulator: true });
  cloud = cloudOf(stack);
  createNodes(stack, ["n1", "n2"]);
});

after(async () => {
  await stack?.stop();
});

async function backendIds(lbId: string): Promise<string[]> {
  const groups = await cloud.slb.listVServerGroups(lbId);
  return groups.flatMap((g) => g.backendServers.map((b) => b.serverId)).sort();
}

test("a deleted Node leaves the backends; a deleted Service loses its SLB", async () => {
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("phases"));
  await waitForIngress(stack, "phases");
  const uid = getService(stack, "phases")!.metadata.uid;
  const [lb] = await loadBalancersOwnedBy(cloud, uid);
  assert.deepEqual(await backendIds(lb.loadBalancerId), ["i-n1", "i-n2"]);

  stack.kubectlOk(["delete", "node", "n2"]);
  await eventually(
    async () => ((await backendIds(lb.loadBalancerId)).join() === "i-n1" ? true : undefined),
    30_000,
    "n2 gone from the backends",
  );

  stack.kubectlOk(["delete", "svc", "phases", "--wait=false"]);
  await eventually(
    async () => ((await loadBalancersOwnedBy(cloud, uid)).length === 0 ? true : undefined),
    30_000,
    "the SLB deleted",
  );
  await eventually(() => (getService(stack, "phases") ? undefined : true), 30_000, "the Service gone");
});
