// /metrics, /readyz and /livez of the two operator processes (admission and watcher, as the chart runs them)
// on Pepr's own HTTPS server: the controller-runtime and cloud-call series after a CLB Service converges, the
// admission series by decision, certificate expiry and leader status, and readiness that follows the cloud.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { histogramBuckets, parseExposition, select, type Sample } from "../../src/metrics/parse";
import { operatorGet, type LocalOperator } from "../../src/operator/local";
import { P, createNodes, emulatorFaults, serviceYaml, waitForIngress } from "../helpers/clb";
import { eventually, Stack, startStack } from "../helpers/stack";

let stack: Stack;

before(async () => {
  stack = await startStack({
    operator: "split",
    emulator: true,
    // A failed reconcile comes back within a second or two, so the outage test below is short.
    operatorEnv: { OPERATOR_BACKOFF_BASE_MS: "500", OPERATOR_BACKOFF_CAP_MS: "2000" },
  });
  createNodes(stack, ["n1", "n2"]);
});

after(async () => {
  await stack?.stop();
});

async function scrape(op: LocalOperator): Promise<Sample[]> {
  const r = await operatorGet(op, "/metrics");
  assert.equal(r.status, 200, r.body);
  return parseExposition(r.body);
}

const value = (samples: Sample[], name: string, labels: Record<string, string>): number | undefined =>
  select(samples, name, labels)[0]?.value;

test("both processes answer /livez, and /readyz once their stores are seeded", async () => {
  for (const op of [stack.operator!, stack.watcher!]) {
    assert.deepEqual(await operatorGet(op, "/livez"), { status: 200, body: "ok\n" });
  }
  // The watcher's controller is built at its first watch event (the nodes above) and seeds its stores.
  const ready = await eventually(
    async () => {
      const r = await operatorGet(stack.watcher!, "/readyz");
      return r.status === 200 && r.body.includes("[+]controller clb-service ok") ? r : undefined;
    },
    30_000,
    "watcher /readyz 200 with the CLB controller seeded",
  );
  assert.match(ready.body, /\[\+\]cloud ok/);
  assert.match(ready.body, /\[\+\]pepr ok: Pepr's store loaded/);
  assert.match(ready.body, /readyz check passed/);
  assert.equal((await operatorGet(stack.operator!, "/readyz")).status, 200);
});

test("after a Service converges, the watcher's /metrics has the reconcile, queue, cloud-call and leader series", async () => {
  // The first CreateLoadBalancer attempt is throttled: the retry is a second call, with its own code.
  await emulatorFaults(stack, "POST", {
    id: "throttle-create",
    match: { product: "slb", action: "CreateLoadBalancer" },
    failNext: 1,
    error: {
      httpStatus: 400,
      code: "Throttling.User",
      message: "Request was denied due to user flow control.",
    },
  });
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("metered", {}, { ports: [{ port: 80 }] }));
  await waitForIngress(stack, "metered");

  const samples = await eventually(
    async () => {
      const s = await scrape(stack.watcher!);
      const ok = value(s, "controller_runtime_reconcile_total", {
        controller: "clb-service",
        result: "success",
      });
      return ok && ok >= 1 ? s : undefined;
    },
    15_000,
    "a successful reconcile counted",
  );
  for (const result of ["requeue", "terminal", "error"])
    assert.notEqual(
      value(samples, "controller_runtime_reconcile_total", { controller: "clb-service", result }),
      undefined,
      `reconcile_total{result=${result}} is exposed from the start`,
    );
  assert.ok(
    value(samples, "controller_runtime_reconcile_time_seconds_count", { controller: "clb-service" })! >= 1,
  );
  assert.notEqual(value(samples, "workqueue_depth", { name: "clb-service" }), undefined);
  assert.notEqual(value(samples, "workqueue_retries_total", { name: "clb-service" }), undefined);

  const calls = (action: string, code: string) =>
    value(samples, "alicloud_operator_cloud_requests_total", { product: "slb", action, code });
  assert.equal(calls("CreateLoadBalancer", "Throttling.User"), 1, "the throttled attempt");
  assert.equal(calls("CreateLoadBalancer", "OK"), 1, "its retry, and no duplicate create");
  assert.ok(calls("DescribeLoadBalancers", "OK")! >= 1);
  assert.ok(
    histogramBuckets(samples, "alicloud_operator_cloud_request_duration_seconds", {
      product: "slb",
      action: "CreateLoadBalancer",
    }).get(Infinity)! >= 2,
  );
  assert.equal(value(samples, "leader_election_master_status", { name: "alicloud-operator-controller" }), 1);
  assert.equal(value(samples, "alicloud_operator_ready", {}), 1);

  // The certificate the process serves with, and Pepr's own series on the same endpoint.
  const cert = new X509Certificate(readFileSync(join(stack.dir, "watcher", "webhook-pki", "webhook.crt")));
  assert.equal(
    value(samples, "alicloud_operator_webhook_certificate_expiry_timestamp_seconds", {}),
    Math.floor(Date.parse(cert.validTo) / 1000),
  );
  assert.ok(select(samples, "pepr_errors").length === 1, "Pepr's registry is on the same page");
});

test("the admission process counts reviews by webhook, kind, operation and decision, timed in-process", async () => {
  const before = await scrape(stack.operator!);
  const count = (s: Sample[], webhook: string, decision: string) =>
    value(s, "alicloud_operator_admission_requests_total", {
      webhook,
      kind: "Service",
      operation: "CREATE",
      decision,
    }) ?? 0;
  stack.kubectlOk(["apply", "-f", "-"], serviceYaml("admitted", {}, { ports: [{ port: 81 }] }));
  const bad = stack.kubectl(
    ["apply", "-f", "-"],
    serviceYaml("refused", { [`${P}health-check-interval`]: "0" }, { ports: [{ port: 82 }] }),
  );
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /health-check-interval/);
  const afterwards = await scrape(stack.operator!);
  assert.equal(count(afterwards, "mutate", "patched") - count(before, "mutate", "patched"), 2);
  assert.equal(count(afterwards, "validate", "allowed") - count(before, "validate", "allowed"), 1);
  assert.equal(count(afterwards, "validate", "denied") - count(before, "validate", "denied"), 1);
  const durations = histogramBuckets(afterwards, "alicloud_operator_admission_duration_seconds", {
    webhook: "validate",
    kind: "Service",
  });
  assert.ok(durations.get(Infinity)! >= 2);
  assert.equal(
    select(afterwards, "controller_runtime_reconcile_total").length,
    0,
    "admission runs no controller",
  );
  assert.equal(select(afterwards, "leader_election_master_status").length, 0, "admission does not elect");
});

test("the leader's /readyz fails while the cloud does not answer, and recovers with it", async () => {
  await emulatorFaults(stack, "POST", { id: "slb-down", match: { product: "slb" }, network: "reset" });
  try {
    stack.kubectlOk(["apply", "-f", "-"], serviceYaml("during-outage", {}, { ports: [{ port: 83 }] }));
    const down = await eventually(
      async () => {
        const r = await operatorGet(stack.watcher!, "/readyz");
        return r.status === 503 ? r : undefined;
      },
      30_000,
      "watcher /readyz 503",
    );
    assert.match(down.body, /\[-\]cloud failed: last cloud call slb:\w+ at .* failed: .*\(Unavailable\)/);
    assert.equal((await operatorGet(stack.watcher!, "/livez")).status, 200, "unready, not dead");
    assert.equal((await operatorGet(stack.operator!, "/readyz")).status, 200, "admission needs no cloud");
  } finally {
    await emulatorFaults(stack, "DELETE");
  }
  await waitForIngress(stack, "during-outage");
  await eventually(
    async () => ((await operatorGet(stack.watcher!, "/readyz")).status === 200 ? true : undefined),
    30_000,
    "watcher /readyz 200 again",
  );
});
