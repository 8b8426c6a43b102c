// e2e: the packaged chart on a real control plane, installed with only --set values, its Deployments run
// by the test pod runner (test/helpers/pod-runner.ts: each process gets its ServiceAccount's token, so the
// chart's RBAC is what it really has; webhooks reach it through the loopback ClusterIP). A Service gets an
// SLB from the emulator, RBAC denials hold, the upgrade from the previous package keeps the certificate and
// a near-expiry one is replaced with no request refused, and `helm uninstall` leaves every Service
// deletable (and the SLB in the cloud). What it does not prove: the container image, probes, kubelet.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { EMULATOR_DEFAULTS } from "../../src/config";
import { CHART_BUILD_DIR, helmBinary, packageChart } from "../../scripts/package-chart";
import {
  helm,
  packagedChart,
  RELEASE,
  RELEASE_NAMESPACE as NS,
  startPodRunner,
  type RunnerProcess,
} from "../helpers/chart";
import {
  cloudOf,
  createNodes,
  getService,
  loadBalancersOwnedBy,
  P,
  serviceYaml,
  waitForIngress,
} from "../helpers/clb";
import { eventually, Stack, startStack } from "../helpers/stack";

let stack: Stack;
let runner: RunnerProcess;
let chart: string;
let previousChart: string;

function run(cmd: string, args: string[], input?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    child.on("exit", (code) => resolve({ code: code ?? -1, out }));
    child.stdin.end(input ?? "");
  });
}
const helmAsync = (args: string[]) => run(helmBinary(), [...args, "--kubeconfig", stack.cp.kubeconfigPath]);
const kubectlAsync = (args: string[], input?: string) =>
  run("kubectl", ["--kubeconfig", stack.cp.kubeconfigPath, ...args], input);

function installSets(): string[] {
  return [
    "cloud.region=cn-hangzhou",
    `cloud.endpoint=${stack.emulator?.url ?? ""}`,
    `cloud.credentials.accessKeyId=${EMULATOR_DEFAULTS.accessKeyId}`,
    `cloud.credentials.accessKeySecret=${EMULATOR_DEFAULTS.accessKeySecret}`,
    `cloud.vpcId=${EMULATOR_DEFAULTS.vpc.vpcId}`,
    "clusterId=e2e-chart",
    // Short-lived, not yet due: the upgrade keeps it; a later upgrade with a longer renew window replaces it.
    "webhook.certValidityDays=2",
    "webhook.certRenewBeforeDays=1",
  ].flatMap((s) => ["--set", s]);
}

function tlsSecret(): Record<string, string> {
  return (
    JSON.parse(stack.kubectlOk(["-n", NS, "get", "secret", `${RELEASE}-webhook-tls`, "-o", "json"])) as {
      data: Record<string, string>;
    }
  ).data;
}

function readyPods(workload: string, templateHash?: string) {
  return runner
    .state()
    .pods.filter(
      (p) => p.workload === workload && p.ready && (!templateHash || p.templateHash === templateHash),
    );
}

async function waitForPods(): Promise<void> {
  await eventually(
    () =>
      readyPods(`${RELEASE}-admission`).length >= 2 && readyPods(`${RELEASE}-watcher`).length >= 1
        ? true
        : undefined,
    120_000,
    `admission x2 and watcher running (runner errors: ${runner.state().errors.join("; ")})`,
  );
}

/** GET https://127.0.0.1:<port><path>, verifying the chart's CA and the admission Service's DNS name. */
function getTls(
  port: number,
  path: string,
  host = "127.0.0.1",
): Promise<{ status: number; body: string; cert: string }> {
  const ca = Buffer.from(tlsSecret()["ca-bundle.crt"], "base64");
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host, port, path, ca, servername: `${RELEASE}-admission.${NS}.svc`, timeout: 5_000 },
      (res) => {
        // Read before the end: the socket goes back to the agent (or closes) once the body is read.
        const cert = (res.socket as tls.TLSSocket).getPeerCertificate().fingerprint256;
        let body = "";
        res.on("data", (b: Buffer) => (body += b.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, cert }));
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
  });
}

/**
 * Admission requests the webhook replicas logged for a Service (Pepr logs "Incoming request" with name "/<name>").
 * Pepr 1.1.4's own pepr_mutate/pepr_validate summaries stay empty (it observes "pepr_Mutate"), so logs it is.
 */
function admissionRequestsFor(name: string): number {
  let total = 0;
  for (const p of runner.state().pods.filter((x) => x.workload === `${RELEASE}-admission`)) {
    for (const line of readFileSync(p.logPath, "utf8").split("\n"))
      if (line.includes('"Incoming request"') && line.includes(`"name":"/${name}"`)) total++;
  }
  return total;
}

before(async () => {
  chart = packagedChart();
  // The previous version: the same chart one pre-release lower (the first release of this chart).
  const prevDir = join(mkdtempSync(join(tmpdir(), "chart-prev-")), "alicloud-operator");
  cpSync(CHART_BUILD_DIR, prevDir, { recursive: true });
  const chartYaml = join(prevDir, "Chart.yaml");
  writeFileSync(
    chartYaml,
    readFileSync(chartYaml, "utf8").replace(/^version: (.*)$/m, "version: $1-previous"),
  );
  previousChart = packageChart(prevDir, join(prevDir, ".."));
  stack = await startStack({ crds: false, operator: false, emulator: true });
  createNodes(stack, ["node-a", "node-b"]);
  runner = startPodRunner({
    adminToken: stack.cp.token,
    apiServerUrl: stack.cp.url,
    caCertPath: stack.cp.caCertPath,
    namespace: NS,
    dir: join(stack.dir, "pods"),
  });
});

after(async () => {
  await runner?.stop();
  await stack?.stop();
});

test("helm install with only --set values: both Deployments run as their own ServiceAccounts", async () => {
  const r = helm(
    ["install", RELEASE, previousChart, "-n", NS, "--create-namespace", ...installSets(), "--timeout", "60s"],
    stack.cp.kubeconfigPath,
  );
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /Check that it works/);
  await waitForPods();
  // The watcher elected itself on the Lease in the release namespace: it holds a token that may do so.
  const holder = await eventually(
    () => {
      const l = stack.kubectl([
        "-n",
        NS,
        "get",
        "lease",
        "alicloud-operator-controller",
        "-o",
        "jsonpath={.spec.holderIdentity}",
      ]);
      return l.code === 0 && l.stdout ? l.stdout : undefined;
    },
    30_000,
    "the leader Lease",
  );
  // The elector's identity is <hostname>_<pid>_<random> (src/k8s/leader.ts defaultIdentity).
  assert.match(holder, /^.+_\d+_[0-9a-f]{8}$/);
});

test("RBAC: admission reads no Secret, the watcher lists none, neither has a wildcard", () => {
  const can = (sa: string, args: string[]) =>
    stack
      .kubectl(["auth", "can-i", ...args, `--as=system:serviceaccount:${NS}:${RELEASE}-${sa}`])
      .stdout.trim();
  const expectations: Array<[string, string[], "yes" | "no"]> = [
    ["admission", ["get", "secrets", "-n", NS], "no"],
    ["admission", ["get", "secrets", "-n", "default"], "no"],
    ["admission", ["list", "secrets", "-A"], "no"],
    ["admission", ["patch", "services", "-n", "default"], "no"],
    ["admission", ["watch", "services", "-A"], "yes"],
    ["admission", ["create", "events", "-n", "default"], "no"],
    ["watcher", ["list", "secrets", "-A"], "no"],
    ["watcher", ["watch", "secrets", "-n", "default"], "no"],
    ["watcher", ["get", "secrets", "-n", "default"], "yes"],
    ["watcher", ["patch", "services", "-n", "default", "--subresource=status"], "yes"],
    ["watcher", ["delete", "services", "-n", "default"], "no"],
    ["watcher", ["create", "leases.coordination.k8s.io", "-n", NS], "yes"],
    ["watcher", ["create", "leases.coordination.k8s.io", "-n", "default"], "no"],
    ["watcher", ["get", "namespaces/kube-system"], "yes"],
    ["watcher", ["get", "namespaces/default"], "no"],
    ["watcher", ["create", "deployments.apps", "-n", NS], "no"],
  ];
  for (const sa of ["admission", "watcher"]) {
    assert.equal(can(sa, ["*", "*"]), "no", `${sa} may do anything`);
    assert.equal(can(sa, ["get", "*", "-A"]), "no", `${sa} may get everything`);
  }
  for (const [sa, args, want] of expectations) assert.equal(can(sa, args), want, `${sa} ${args.join(" ")}`);
});

test("a LoadBalancer Service is admitted through the Service-based webhook and gets an SLB", async () => {
  const created = await kubectlAsync(["apply", "-f", "-"], serviceYaml("web"));
  assert.equal(created.code, 0, created.out);
  const svc = getService(stack, "web");
  assert.equal(svc?.metadata.annotations?.[`${P}address-type`], "internet", "the mutating webhook's default");
  await waitForIngress(stack, "web", 90_000);
  const uid = getService(stack, "web")?.metadata.uid ?? "";
  assert.equal((await loadBalancersOwnedBy(cloudOf(stack), uid)).length, 1);

  const bad = await kubectlAsync(
    ["apply", "-f", "-"],
    serviceYaml("bad", { [`${P}health-check-interval`]: "0" }),
  );
  assert.notEqual(bad.code, 0);
  assert.match(bad.out, /denied the request.*health-check-interval/s);

  // The cheap path: ClusterIP Services never reach the webhook (matchConditions in the API server).
  for (const name of ["plain-1", "plain-2", "plain-3"]) {
    const r = await kubectlAsync(["apply", "-f", "-"], serviceYaml(name, {}, { type: "ClusterIP" }));
    assert.equal(r.code, 0, r.out);
  }
  const dry = await kubectlAsync(["apply", "--dry-run=server", "-f", "-"], serviceYaml("web-dry"));
  assert.equal(dry.code, 0, dry.out);
  // Logs are written asynchronously: by the time the LoadBalancer's requests show, the others would have too.
  await eventually(
    () => (admissionRequestsFor("web-dry") >= 2 ? true : undefined),
    10_000,
    "web-dry in the logs",
  );
  for (const name of ["plain-1", "plain-2", "plain-3"])
    assert.equal(admissionRequestsFor(name), 0, `${name} (ClusterIP) reached the webhook`);
});

test("/metrics: both processes serve Prometheus text over the chart's certificate, with our series", async () => {
  const bodies = new Map<string, string>();
  for (const workload of [`${RELEASE}-admission`, `${RELEASE}-watcher`]) {
    const pod = readyPods(workload)[0];
    const r = await getTls(pod.port, "/metrics");
    assert.equal(r.status, 200, `${workload}: ${r.body.slice(0, 200)}`);
    assert.match(r.body, /^# TYPE pepr_\w+ /m);
    bodies.set(workload, r.body);
  }
  // The Service of the test before converged: a successful CLB reconcile and an accepted CreateLoadBalancer
  // on the watcher; the admission process answered reviews of Services.
  const watcher = bodies.get(`${RELEASE}-watcher`) ?? "";
  assert.match(
    watcher,
    /^controller_runtime_reconcile_total\{(?=[^}]*controller="clb-service")(?=[^}]*result="success")[^}]*\} [1-9]/m,
  );
  assert.match(
    watcher,
    /^alicloud_operator_cloud_requests_total\{(?=[^}]*product="slb")(?=[^}]*action="CreateLoadBalancer")(?=[^}]*code="OK")[^}]*\} [1-9]/m,
  );
  assert.match(
    bodies.get(`${RELEASE}-admission`) ?? "",
    /^alicloud_operator_admission_requests_total\{(?=[^}]*kind="Service")[^}]*\} [1-9]/m,
  );
});

test("upgrade from the previous version keeps the certificate; a near-expiry one is replaced, no request refused", async () => {
  const first = tlsSecret();
  const up = helm(
    ["upgrade", RELEASE, chart, "-n", NS, "--reuse-values", "--timeout", "60s"],
    stack.cp.kubeconfigPath,
  );
  assert.equal(up.code, 0, up.out);
  const kept = tlsSecret();
  assert.equal(kept["tls.crt"], first["tls.crt"], "not due: the serving certificate is kept");
  assert.equal(kept["ca.crt"], first["ca.crt"]);
  await waitForPods();

  // Admission requests all through the renewal: dry-run creates of a LoadBalancer Service.
  let stop = false;
  const results: Array<{ code: number; out: string }> = [];
  const load = (async () => {
    for (let i = 0; !stop; i++)
      results.push(await kubectlAsync(["create", "--dry-run=server", "-f", "-"], serviceYaml(`rot-${i}`)));
  })();
  try {
    const oldHashes = new Set(runner.state().pods.map((p) => p.templateHash));
    const renew = await helmAsync([
      "upgrade",
      RELEASE,
      chart,
      "-n",
      NS,
      "--reuse-values",
      "--set",
      "webhook.certRenewBeforeDays=3",
      "--timeout",
      "60s",
    ]);
    assert.equal(renew.code, 0, renew.out);
    await eventually(
      () => {
        const pods = runner.state().pods.filter((p) => p.workload === `${RELEASE}-admission`);
        return pods.length === 2 && pods.every((p) => p.ready && !oldHashes.has(p.templateHash))
          ? true
          : undefined;
      },
      120_000,
      "admission replicas rolled to the renewed certificate",
    );
    await new Promise((r) => setTimeout(r, 3_000));
  } finally {
    // Also on failure: the load loop must end with the test.
    stop = true;
    await load;
  }
  const refused = results.filter((r) => r.code !== 0);
  assert.deepEqual(refused, [], "no admission request was refused during the renewal");
  assert.ok(results.length >= 5, `only ${results.length} requests ran during the renewal`);

  const renewed = tlsSecret();
  assert.notEqual(renewed["tls.crt"], first["tls.crt"], "the serving certificate was replaced");
  assert.notEqual(renewed["tls.key"], first["tls.key"]);
  assert.equal(renewed["ca.crt"], first["ca.crt"], "same CA: the caBundle did not change");
  // The replicas now serve the new certificate.
  const served = await getTls(readyPods(`${RELEASE}-admission`)[0].port, "/healthz");
  const expected = new X509Certificate(Buffer.from(renewed["tls.crt"], "base64")).fingerprint256;
  assert.equal(served.cert, expected);
});

test("a bypassed webhook: the controller re-validates and shows an Event and a condition", async () => {
  stack.kubectlOk(["delete", "validatingwebhookconfiguration", RELEASE]);
  const r = await kubectlAsync(
    ["apply", "-f", "-"],
    serviceYaml("bypassed", { [`${P}health-check-interval`]: "0" }),
  );
  assert.equal(r.code, 0, r.out);
  const condition = await eventually(
    () =>
      getService(stack, "bypassed")?.status?.conditions?.find(
        (c) => c.type.endsWith("LoadBalancerSynced") && c.status === "False",
      ),
    60_000,
    "a Synced=False condition on the bypassed Service",
  );
  assert.match(condition.message, /health-check-interval/);
  const events = stack.kubectlOk([
    "get",
    "events",
    "--field-selector",
    "involvedObject.name=bypassed,type=Warning",
    "-o",
    "jsonpath={.items[*].reason}",
  ]);
  assert.match(events, /SyncLoadBalancerFailed/);
  assert.equal(
    (await loadBalancersOwnedBy(cloudOf(stack), getService(stack, "bypassed")?.metadata.uid ?? "")).length,
    0,
  );
  // helm upgrade puts the missing webhook configuration back.
  const up = helm(["upgrade", RELEASE, chart, "-n", NS, "--reuse-values"], stack.cp.kubeconfigPath);
  assert.equal(up.code, 0, up.out);
  stack.kubectlOk(["get", "validatingwebhookconfiguration", RELEASE]);
});

test("helm uninstall drains our finalizers: Services are deletable afterwards, the SLB stays", async () => {
  const web = getService(stack, "web");
  assert.ok(web?.metadata.finalizers?.includes("service.k8s.alibaba/resources"));
  const uninstall = await helmAsync(["uninstall", RELEASE, "-n", NS, "--timeout", "120s"]);
  assert.equal(uninstall.code, 0, uninstall.out);
  assert.ok(
    runner.state().jobsRun.some((j) => j.startsWith(`${RELEASE}-drain/`)),
    "the post-delete drain Job ran",
  );
  assert.deepEqual(getService(stack, "web")?.metadata.finalizers ?? [], []);
  const del = await kubectlAsync(["delete", "service", "web", "bypassed", "--timeout=30s"]);
  assert.equal(del.code, 0, del.out);
  assert.equal(
    (await loadBalancersOwnedBy(cloudOf(stack), web?.metadata.uid ?? "")).length,
    1,
    "cloud resources are kept",
  );
  const left = stack.kubectl([
    "get",
    "validatingwebhookconfiguration,mutatingwebhookconfiguration,clusterrole",
    "-o",
    "name",
  ]);
  assert.doesNotMatch(left.stdout, /alicloud-operator/);
  assert.deepEqual(runner.state().pods, [], "no operator process left running");
});
