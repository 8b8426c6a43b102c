// Leader election on a real apiserver: one admission process and two watcher processes against one
// control plane and the cloud emulator. Each watcher reaches the emulator through its own recording
// forwarder, so every cloud call is attributed to the process that made it (the emulator's own request
// log does not say who called). Short lease timings keep the failovers quick.
import type { FaultRule } from "../../src/emulator";
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { CloudProvider } from "../../src/cloud";
import {
  cloudOf,
  createNodes,
  getService,
  loadBalancersOwnedBy,
  serviceYaml,
  waitForIngress,
  emulatorFaults,
} from "../helpers/clb";
import { eventually, Stack, startStack } from "../helpers/stack";

const LEASE_MS = 4_000;
const RENEW_DEADLINE_MS = 3_000;
const RETRY_MS = 500;
/** One slow Lease call on a loaded machine, on top of the protocol's own bound. */
const CALL_SLACK_MS = 750;
const LEASE_NAME = "alicloud-operator-controller";

interface CloudCall {
  atMs: number;
  action: string;
  status: number;
}

/** Forwards one watcher's cloud calls to the emulator unchanged (the V3 signature covers the Host it sent). */
class CloudCallRecorder {
  readonly calls: CloudCall[] = [];
  #server: http.Server | undefined;
  url = "";

  async start(target: string): Promise<this> {
    const upstream = new URL(target);
    this.#server = http.createServer((req, res) => {
      const action =
        String(req.headers["x-acs-action"] ?? "") ||
        (new URL(req.url ?? "/", "http://x").searchParams.get("Action") ?? "");
      const atMs = Date.now();
      const out = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          this.calls.push({ atMs, action, status: answer.statusCode ?? 0 });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on("error", () => res.destroy());
      req.pipe(out);
    });
    await new Promise<void>((r) => this.#server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  writes(mutating: Set<string>): CloudCall[] {
    return this.calls.filter((c) => mutating.has(c.action));
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

let stack: Stack;
let cloud: CloudProvider;
/** The recorder of each watcher's current process, by index; every recorder ever made, to close. */
const recorders: CloudCallRecorder[] = [];
const allRecorders: CloudCallRecorder[] = [];
let mutating: Set<string>;

before(async () => {
  stack = await startStack({
    operator: "split",
    watchers: 2,
    emulator: true,
    operatorEnv: {
      OPERATOR_LEASE_DURATION_MS: String(LEASE_MS),
      OPERATOR_RENEW_DEADLINE_MS: String(RENEW_DEADLINE_MS),
      OPERATOR_RETRY_PERIOD_MS: String(RETRY_MS),
      OPERATOR_BACKOFF_BASE_MS: "200",
      OPERATOR_BACKOFF_CAP_MS: "2000",
    },
    watcherEnv: async (index, cloudEnv) => {
      const recorder = await new CloudCallRecorder().start(cloudEnv.ALIBABA_CLOUD_ENDPOINT);
      recorders[index] = recorder;
      allRecorders.push(recorder);
      return { ALIBABA_CLOUD_ENDPOINT: recorder.url };
    },
  });
  cloud = cloudOf(stack);
  createNodes(stack, ["n1", "n2"]);
  const table = (await (await fetch(`${stack.emulator!.url}/_emulator/handlers`)).json()) as {
    handlers: Array<{ action: string; mutating: boolean }>;
  };
  mutating = new Set(table.handlers.filter((h) => h.mutating).map((h) => h.action));
});

after(async () => {
  await stack?.stop();
  for (const r of allRecorders) await r.close();
});

function lease(): LeaseSpec | undefined {
  const r = stack.kubectl(["-n", "pepr-system", "get", "lease", LEASE_NAME, "-o", "json"]);
  return r.code === 0 ? ((JSON.parse(r.stdout) as { spec?: LeaseSpec }).spec ?? {}) : undefined;
}

/** Which watcher (index) holds the Lease: identities are <hostname>_<pid>_<random>. */
function holderIndex(spec: LeaseSpec | undefined): number | undefined {
  const holder = spec?.holderIdentity;
  if (!holder) return undefined;
  const i = stack.watchers.findIndex((w) => holder.includes(`_${w.pid}_`));
  return i < 0 ? undefined : i;
}

async function waitForHolder(notIndex?: number, timeoutMs = 4 * LEASE_MS): Promise<number> {
  return eventually(
    () => {
      const i = holderIndex(lease());
      return i !== undefined && i !== notIndex ? i : undefined;
    },
    timeoutMs,
    notIndex === undefined ? "a Lease holder" : `a Lease holder other than watcher ${notIndex}`,
  );
}

function faults(method: "POST" | "DELETE", rule?: FaultRule): Promise<void> {
  return emulatorFaults(stack, method, rule);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("exactly one watcher holds the Lease and keeps renewing it", async () => {
  const holder = await waitForHolder();
  const first = lease()!;
  assert.equal(first.leaseDurationSeconds, LEASE_MS / 1000);
  assert.match(first.holderIdentity!, new RegExp(`_${stack.watchers[holder].pid}_[0-9a-f]{8}$`));
  await sleep(6 * RETRY_MS);
  const later = lease()!;
  assert.equal(later.holderIdentity, first.holderIdentity, "no change of holder while both run");
  assert.equal(later.leaseTransitions, first.leaseTransitions);
  assert.ok(Date.parse(later.renewTime!) > Date.parse(first.renewTime!), "the holder renews");
  assert.ok(
    Date.now() - Date.parse(later.renewTime!) < RENEW_DEADLINE_MS,
    "renewed within the renew deadline",
  );
});

test("admission answers on its own process, which never takes part in the election", () => {
  const bad = serviceYaml("bad-lb", {
    "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-health-check-interval": "0",
  });
  const r = stack.kubectl(["apply", "-f", "-"], bad);
  assert.notEqual(r.code, 0, "the Service must be denied");
  assert.match(r.stderr, /denied the request/);
  assert.match(r.stderr, /health-check-interval/);
  assert.ok(!lease()?.holderIdentity?.includes(`_${stack.operator!.pid}_`));
});

test("only the Lease holder writes to the cloud", async () => {
  const holder = await waitForHolder();
  stack.kubectlOk(
    ["apply", "-f", "-"],
    serviceYaml("one-writer", {}, { ports: [{ port: 80 }, { port: 81 }] }),
  );
  await waitForIngress(stack, "one-writer");
  assert.ok(recorders[holder].writes(mutating).length > 0, "the holder made the SLB");
  assert.deepEqual(
    recorders[1 - holder].writes(mutating).map((c) => c.action),
    [],
    "the follower made no mutating call",
  );
});

/** State the kill -9 test leaves for the next one. */
const failover = { killedIndex: -1, successorIndex: -1, killMs: 0, acquiredMs: 0 };
const FAILOVER_PORTS = [80, 81, 82, 83];

test("kill -9 the holder mid-rollout: the other holds the Lease within leaseDuration + retryPeriod", async () => {
  const holder = await waitForHolder();
  const before = lease()!;
  // Slow listener and vserver group calls keep the rollout in flight when the holder dies.
  await faults("POST", {
    id: "slow-rollout",
    match: { product: "slb", action: "Create*" },
    latencyMs: 400,
  });
  stack.kubectlOk(
    ["apply", "-f", "-"],
    serviceYaml("failover", {}, { ports: FAILOVER_PORTS.map((port) => ({ port })) }),
  );
  await eventually(
    () =>
      recorders[holder].calls.some((c) => c.action === "CreateLoadBalancer" && c.status === 200)
        ? true
        : undefined,
    60_000,
    "the holder's CreateLoadBalancer",
  );
  const lastRenewMs = Date.parse(lease()!.renewTime!);
  failover.killMs = Date.now();
  await stack.watchers[holder].kill();
  failover.killedIndex = holder;
  failover.successorIndex = await waitForHolder(holder, 4 * LEASE_MS);
  const after = lease()!;
  failover.acquiredMs = Date.parse(after.acquireTime!);
  const takeoverMs = failover.acquiredMs - failover.killMs;
  console.log(`takeover ${takeoverMs} ms after kill -9 (lease ${LEASE_MS} ms, retry ${RETRY_MS} ms)`);
  assert.ok(
    failover.acquiredMs >= lastRenewMs + LEASE_MS,
    `not before the lease expired (acquired ${failover.acquiredMs - lastRenewMs} ms after the last renew)`,
  );
  assert.ok(
    takeoverMs <= LEASE_MS + RETRY_MS + CALL_SLACK_MS,
    `taken over ${takeoverMs} ms after the kill, bound ${LEASE_MS + RETRY_MS} (+${CALL_SLACK_MS} slack)`,
  );
  assert.equal(after.leaseTransitions, (before.leaseTransitions ?? 0) + 1);
});

test("after the failover the successor finishes with no duplicate SLB, vserver group or listener, and never wrote while the dead one led", async () => {
  assert.ok(failover.successorIndex >= 0, "the kill -9 test ran");
  await waitForIngress(stack, "failover", 90_000);
  await faults("DELETE");
  const svc = getService(stack, "failover")!;
  const lbs = await loadBalancersOwnedBy(cloud, svc.metadata.uid);
  assert.equal(lbs.length, 1, "exactly one SLB");
  const groups = await cloud.slb.listVServerGroups(lbs[0].loadBalancerId);
  assert.equal(groups.length, FAILOVER_PORTS.length, "one vserver group per port");
  assert.equal(new Set(groups.map((g) => g.vServerGroupName)).size, groups.length, "no duplicate group");
  const listeners = await cloud.slb.listListeners(lbs[0].loadBalancerId);
  assert.deepEqual(listeners.map((l) => l.listenerPort).sort(), FAILOVER_PORTS, "one listener per port");
  const successor = recorders[failover.successorIndex].writes(mutating);
  assert.ok(successor.length > 0, "the successor finished the rollout");
  assert.deepEqual(
    successor.filter((c) => c.atMs < failover.acquiredMs).map((c) => c.action),
    [],
    "the successor wrote nothing before it held the Lease",
  );
});

test("graceful stop releases the Lease: the other holds it within about one retryPeriod", async () => {
  assert.ok(failover.killedIndex >= 0, "the kill -9 test ran");
  await faults("DELETE");
  await stack.restartWatcher(failover.killedIndex);
  const holder = await waitForHolder();
  const other = 1 - holder;
  const before = lease()!;
  await sleep(2 * RETRY_MS); // the restarted watcher is polling as a follower
  const stopMs = Date.now();
  await stack.watchers[holder].stop();
  await waitForHolder(holder, 2 * LEASE_MS);
  const after = lease()!;
  assert.ok(after.holderIdentity?.includes(`_${stack.watchers[other].pid}_`));
  const takeoverMs = Date.parse(after.acquireTime!) - stopMs;
  console.log(`takeover ${takeoverMs} ms after SIGTERM (retry ${RETRY_MS} ms, lease ${LEASE_MS} ms)`);
  assert.ok(
    takeoverMs <= RETRY_MS + 2 * CALL_SLACK_MS,
    `taken over ${takeoverMs} ms after the stop: released, not expired (lease ${LEASE_MS} ms)`,
  );
  assert.equal(after.leaseTransitions, (before.leaseTransitions ?? 0) + 1);
  assert.match(
    readFileSync(stack.watchers[holder].logPath, "utf8"),
    /released pepr-system\/alicloud-operator-controller/,
  );
});
