// Failure modes: a flaky cloud (throttling and 5xx), the controller process crashing mid-rollout, and
// a Service deleted while its SLB is being created. In every case: convergence, no duplicate SLB, no
// orphan. The admission and controller halves run as separate processes, as in the Helm chart.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import type { FaultRule } from "../../src/emulator";
import { CloudProvider, SlbLoadBalancer } from "../../src/cloud";
import {
  cloudOf,
  createNodes,
  getService,
  loadBalancersOwnedBy,
  serviceYaml,
  emulatorFaults,
} from "../helpers/clb";
import { eventually, KILLED_WATCHER_ENV, Stack, startStack } from "../helpers/stack";

let stack: Stack;
let cloud: CloudProvider;

before(async () => {
  stack = await startStack({ operator: "split", emulator: true, operatorEnv: KILLED_WATCHER_ENV });
  cloud = cloudOf(stack);
  createNodes(stack, ["n1", "n2"]);
});

after(async () => {
  await stack?.stop();
});

function faults(method: "POST" | "DELETE", rule?: FaultRule): Promise<void> {
  return emulatorFaults(stack, method, rule);
}

function manyServices(prefix: string, count: number): string {
  return Array.from({ length: count }, (_, i) => serviceYaml(`${prefix}-${i}`)).join("\n---\n");
}

async function allConverged(prefix: string, count: number, timeoutMs: number): Promise<void> {
  await eventually(
    () => {
      const out = JSON.parse(stack.kubectlOk(["get", "svc", "-o", "json"])) as {
        items: Array<{ metadata: { name: string }; status?: { loadBalancer?: { ingress?: unknown[] } } }>;
      };
      const ready = out.items.filter(
        (s) => s.metadata.name.startsWith(`${prefix}-`) && s.status?.loadBalancer?.ingress?.length,
      );
      return ready.length === count ? true : undefined;
    },
    timeoutMs,
    `${count} ${prefix} Services with an ingress`,
  );
}

async function assertOneSlbEach(prefix: string, count: number): Promise<SlbLoadBalancer[]> {
  const owned: SlbLoadBalancer[] = [];
  for (let i = 0; i < count; i++) {
    const svc = getService(stack, `${prefix}-${i}`)!;
    const lbs = await loadBalancersOwnedBy(cloud, svc.metadata.uid);
    assert.equal(lbs.length, 1, `${prefix}-${i} has exactly one SLB`);
    owned.push(lbs[0]);
  }
  return owned;
}

/** Every SLB carrying our ownership tag belongs to a Service that exists. */
async function assertNoOrphans(): Promise<void> {
  const uids = new Set(
    (
      JSON.parse(stack.kubectlOk(["get", "svc", "-A", "-o", "json"])) as {
        items: Array<{ metadata: { uid: string } }>;
      }
    ).items.map((s) => `a${s.metadata.uid.replace(/-/g, "")}`.slice(0, 32)),
  );
  const all = await cloud.slb.findLoadBalancers({});
  for (const lb of all) {
    const owner = lb.tags.find((t) => t.key === "kubernetes.do.not.delete")?.value;
    if (owner) assert.ok(uids.has(owner), `SLB ${lb.loadBalancerId} (${owner}) has no Service`);
  }
}

test("20% throttling and 5% server errors: every Service converges, no duplicate SLB", async () => {
  await faults("POST", {
    id: "throttle",
    match: { product: "slb" },
    probability: 0.2,
    error: {
      httpStatus: 400,
      code: "Throttling.User",
      message: "Request was denied due to user flow control.",
    },
  });
  await faults("POST", {
    id: "5xx",
    match: { product: "slb" },
    probability: 0.05,
    error: {
      httpStatus: 503,
      code: "ServiceUnavailable",
      message: "The request has failed due to a temporary failure of the server.",
    },
  });
  // A create whose reply is lost after the SLB was made: the retry must not make a second one.
  await faults("POST", {
    id: "lost-reply",
    match: { product: "slb", action: "CreateLoadBalancer" },
    phase: "post",
    failNext: 2,
    error: { httpStatus: 503, code: "ServiceUnavailable" },
  });
  stack.kubectlOk(["apply", "-f", "-"], manyServices("flaky", 10));
  await allConverged("flaky", 10, 120_000);
  await faults("DELETE");
  const log = (await (await fetch(`${stack.emulator!.url}/_emulator/requests`)).json()) as {
    requests: Array<{ fault?: string[] }>;
  };
  const fired = (id: string) => log.requests.filter((r) => r.fault?.includes(id)).length;
  assert.ok(fired("throttle") > 0, "throttling was injected");
  assert.equal(fired("lost-reply"), 2, "two create replies were lost");
  await assertOneSlbEach("flaky", 10);
});

test("the controller process killed 5 times during a 50-Service rollout: all converge, no orphan, no duplicate", async () => {
  stack.kubectlOk(["apply", "-f", "-"], manyServices("rollout", 50));
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 1_500));
    await stack.watcher!.kill();
    await stack.restartWatcher();
  }
  await allConverged("rollout", 50, 180_000);
  await assertOneSlbEach("rollout", 50);
  await assertNoOrphans();
});

test("a Service deleted while its SLB is being created leaves nothing in the cloud", async () => {
  await faults("POST", {
    id: "slow-create",
    match: { product: "slb", action: "CreateLoadBalancer" },
    latencyMs: 2_000,
  });
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("short-lived"));
  const uid = await eventually(
    () =>
      getService(stack, "short-lived")?.metadata.finalizers?.length
        ? getService(stack, "short-lived")!.metadata.uid
        : undefined,
    30_000,
    "finalizer",
  );
  stack.kubectlOk(["delete", "svc", "short-lived", "--wait=false"]);
  await eventually(
    () => (getService(stack, "short-lived") === undefined ? true : undefined),
    60_000,
    "Service gone",
  );
  await faults("DELETE");
  assert.equal((await loadBalancersOwnedBy(cloud, uid)).length, 0);
  await assertNoOrphans();
});
