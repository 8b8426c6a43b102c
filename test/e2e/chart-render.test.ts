// The packaged chart, rendered with real helm (no cluster): RBAC equals the reviewed table, admission gets
// no Secrets and no credentials, webhooks are short and narrow, certificates are minted per render and the
// package holds no private key, and values.schema.json refuses wrong values with a clear message.
import test, { before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ADMISSION_CLUSTER_RULES,
  PEPR_STORE_RULES,
  WATCHER_CLUSTER_RULES,
  WATCHER_NAMESPACE_RULES,
} from "../../scripts/chart/rbac";
import { SERVICE_MATCH_CONDITIONS } from "../../capabilities/clb-service/admission/webhook-policy";
import { find, helm, packagedChart, renderChart, RELEASE_NAMESPACE, type K8sDoc } from "../helpers/chart";

let chart: string;
const REGION = "cloud.region=cn-hangzhou";

interface PodTemplate {
  spec: {
    replicas: number;
    template: {
      spec: {
        serviceAccountName: string;
        affinity?: Record<string, unknown>;
        volumes: Array<{ name: string; secret?: { secretName: string; items?: Array<{ key: string }> } }>;
        containers: Array<{
          env: Array<{ name: string; value?: string; valueFrom?: unknown }>;
          envFrom?: Array<{ secretRef: { name: string } }>;
        }>;
      };
    };
  };
}
const podSpec = (d: K8sDoc) => (d as unknown as PodTemplate).spec.template.spec;

before(() => {
  chart = packagedChart();
});

test("RBAC: the rendered roles are exactly the table in scripts/chart/rbac.ts, with no wildcard", () => {
  const docs = renderChart(chart, [REGION]);
  const rules = (kind: string, name: string) =>
    (find(docs, kind, name) as unknown as { rules: unknown }).rules;
  assert.deepEqual(rules("ClusterRole", "alicloud-operator-watcher"), WATCHER_CLUSTER_RULES);
  assert.deepEqual(rules("ClusterRole", "alicloud-operator-admission"), ADMISSION_CLUSTER_RULES);
  assert.deepEqual(rules("Role", "alicloud-operator-pepr-store"), PEPR_STORE_RULES);
  const leaseRules = JSON.parse(
    JSON.stringify(WATCHER_NAMESPACE_RULES).replace(
      "{{ .Values.controller.leaderElection.leaseName }}",
      "alicloud-operator-controller",
    ),
  ) as unknown;
  assert.deepEqual(rules("Role", "alicloud-operator-watcher"), leaseRules);
  assert.equal(find(docs, "Role", "alicloud-operator-watcher").metadata.namespace, RELEASE_NAMESPACE);
  assert.equal(find(docs, "Role", "alicloud-operator-pepr-store").metadata.namespace, "pepr-system");
  for (const d of docs.filter((x) => x.kind === "ClusterRole" || x.kind === "Role"))
    assert.doesNotMatch(JSON.stringify(d), /"\*"/, `${d.kind} ${d.metadata.name} has a wildcard`);
  // Each binding names its own ServiceAccount: admission never gets the watcher's role.
  const subjects = (kind: string, name: string) =>
    (find(docs, kind, name) as unknown as { subjects: Array<{ name: string }> }).subjects.map((s) => s.name);
  assert.deepEqual(subjects("ClusterRoleBinding", "alicloud-operator-admission"), [
    "alicloud-operator-admission",
  ]);
  assert.deepEqual(subjects("ClusterRoleBinding", "alicloud-operator-watcher"), [
    "alicloud-operator-watcher",
  ]);
});

test("admission: 2 replicas, anti-affinity, a PDB, its own ServiceAccount, no credentials and no CA key", () => {
  const docs = renderChart(chart, [REGION, "cloud.credentials.existingSecret=ak"]);
  const admission = find(docs, "Deployment", "alicloud-operator-admission");
  assert.equal((admission as unknown as PodTemplate).spec.replicas, 2);
  const spec = podSpec(admission);
  assert.equal(spec.serviceAccountName, "alicloud-operator-admission");
  assert.ok(spec.affinity?.podAntiAffinity, "pod anti-affinity");
  assert.equal(spec.containers[0].envFrom, undefined);
  assert.doesNotMatch(JSON.stringify(spec), /ACCESS_KEY|secretKeyRef|"ak"/);
  const tls = spec.volumes.find((v) => v.name === "tls");
  assert.deepEqual(
    tls?.secret?.items?.map((i) => i.key),
    ["tls.crt", "tls.key"],
  );
  const pdb = find(docs, "PodDisruptionBudget", "alicloud-operator-admission") as unknown as {
    spec: { minAvailable: number };
  };
  assert.equal(pdb.spec.minAvailable, 1);

  const watcher = podSpec(find(docs, "Deployment", "alicloud-operator-watcher"));
  assert.equal(watcher.serviceAccountName, "alicloud-operator-watcher");
  assert.deepEqual(watcher.containers[0].envFrom, [{ secretRef: { name: "ak" } }]);
});

test("credentials: inline keys go to a chart-owned Secret; none means the RAM-role chain", () => {
  const inline = renderChart(chart, [
    REGION,
    "cloud.credentials.accessKeyId=LTAIexample",
    "cloud.credentials.accessKeySecret=s3cret",
  ]);
  const secret = find(inline, "Secret", "alicloud-operator-credentials") as unknown as {
    stringData: Record<string, string>;
  };
  assert.equal(secret.stringData.ALIBABA_CLOUD_ACCESS_KEY_ID, "LTAIexample");
  assert.deepEqual(podSpec(find(inline, "Deployment", "alicloud-operator-watcher")).containers[0].envFrom, [
    { secretRef: { name: "alicloud-operator-credentials" } },
  ]);
  const ram = renderChart(chart, [REGION]);
  assert.equal(
    podSpec(find(ram, "Deployment", "alicloud-operator-watcher")).containers[0].envFrom,
    undefined,
  );
  assert.ok(!ram.some((d) => d.kind === "Secret" && d.metadata.name === "alicloud-operator-credentials"));
});

test("settings: every value reaches the process environment", () => {
  const docs = renderChart(chart, [
    REGION,
    "clusterId=prod-1",
    "cloud.vpcId=vpc-abc",
    "cloud.vSwitchIds={vsw-a,vsw-b}",
    "cloud.resourceGroupId=rg-xyz",
    "loadBalancer.defaultBackendType=eni",
    "loadBalancer.forbidPublic=true",
    "loadBalancer.reuse.allowedNamespaces={team-a,team-b}",
    "loadBalancer.reuse.requireNamespaceTag=true",
    "controller.workers=7",
    "controller.resyncSeconds=120",
    "logLevel=debug",
    "controller.leaderElection.enabled=false",
  ]);
  const env = Object.fromEntries(
    podSpec(find(docs, "Deployment", "alicloud-operator-watcher")).containers[0].env.map((e) => [
      e.name,
      e.value,
    ]),
  );
  assert.deepEqual(
    {
      CLUSTER_ID: env.CLUSTER_ID,
      ALIBABA_CLOUD_REGION_ID: env.ALIBABA_CLOUD_REGION_ID,
      ALIBABA_CLOUD_VPC_ID: env.ALIBABA_CLOUD_VPC_ID,
      ALIBABA_CLOUD_VSWITCH_IDS: env.ALIBABA_CLOUD_VSWITCH_IDS,
      ALIBABA_CLOUD_RESOURCE_GROUP_ID: env.ALIBABA_CLOUD_RESOURCE_GROUP_ID,
      OPERATOR_DEFAULT_BACKEND_TYPE: env.OPERATOR_DEFAULT_BACKEND_TYPE,
      OPERATOR_FORBID_PUBLIC_LB: env.OPERATOR_FORBID_PUBLIC_LB,
      OPERATOR_REUSE_ALLOWED_NAMESPACES: env.OPERATOR_REUSE_ALLOWED_NAMESPACES,
      OPERATOR_REUSE_REQUIRE_NAMESPACE_TAG: env.OPERATOR_REUSE_REQUIRE_NAMESPACE_TAG,
      OPERATOR_WORKERS: env.OPERATOR_WORKERS,
      OPERATOR_RESYNC_INTERVAL_MS: env.OPERATOR_RESYNC_INTERVAL_MS,
      LOG_LEVEL: env.LOG_LEVEL,
      OPERATOR_LEADER_ELECTION: env.OPERATOR_LEADER_ELECTION,
      OPERATOR_LEASE_NAMESPACE: env.OPERATOR_LEASE_NAMESPACE,
    },
    {
      CLUSTER_ID: "prod-1",
      ALIBABA_CLOUD_REGION_ID: "cn-hangzhou",
      ALIBABA_CLOUD_VPC_ID: "vpc-abc",
      ALIBABA_CLOUD_VSWITCH_IDS: "vsw-a,vsw-b",
      ALIBABA_CLOUD_RESOURCE_GROUP_ID: "rg-xyz",
      OPERATOR_DEFAULT_BACKEND_TYPE: "eni",
      OPERATOR_FORBID_PUBLIC_LB: "true",
      OPERATOR_REUSE_ALLOWED_NAMESPACES: "team-a,team-b",
      OPERATOR_REUSE_REQUIRE_NAMESPACE_TAG: "true",
      OPERATOR_WORKERS: "7",
      OPERATOR_RESYNC_INTERVAL_MS: "120000",
      LOG_LEVEL: "debug",
      OPERATOR_LEADER_ELECTION: "false",
      OPERATOR_LEASE_NAMESPACE: RELEASE_NAMESPACE,
    },
  );
  // Admission enforces the same policy, so it gets the policy settings (never the keys).
  const admissionEnv = podSpec(find(docs, "Deployment", "alicloud-operator-admission")).containers[0].env.map(
    (e) => e.name,
  );
  assert.ok(admissionEnv.includes("OPERATOR_REUSE_ALLOWED_NAMESPACES"));
  assert.ok(admissionEnv.includes("OPERATOR_FORBID_PUBLIC_LB"));
});

test("webhooks: short timeout, Service requests only for LoadBalancers, release namespace excluded", () => {
  const docs = renderChart(chart, [REGION, "admission.excludedNamespaces={ci}"]);
  for (const kind of ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]) {
    const cfg = find(docs, kind, "alicloud-operator") as unknown as {
      webhooks: Array<{
        timeoutSeconds: number;
        failurePolicy: string;
        matchConditions?: unknown;
        clientConfig: { service: { name: string; namespace: string } };
        namespaceSelector: { matchExpressions: Array<{ values: string[] }> };
        rules: Array<{ resources: string[] }>;
      }>;
    };
    const services = cfg.webhooks.find((w) =>
      w.rules.every((r) => r.resources.every((x) => x === "services")),
    );
    assert.ok(services, `${kind} has a Service entry`);
    assert.equal(services.timeoutSeconds, 5);
    assert.equal(services.failurePolicy, "Fail");
    assert.deepEqual(services.matchConditions, SERVICE_MATCH_CONDITIONS);
    assert.deepEqual(services.clientConfig.service, {
      name: "alicloud-operator-admission",
      namespace: RELEASE_NAMESPACE,
      port: 443,
      path: (services.clientConfig.service as unknown as { path: string }).path,
    });
    assert.deepEqual(services.namespaceSelector.matchExpressions[0].values, [
      "kube-system",
      "pepr-system",
      RELEASE_NAMESPACE,
      "ci",
    ]);
  }
});

test("certificates: minted per render (two renders, two keys) and signed for the admission Service", () => {
  const tls = (docs: K8sDoc[]) =>
    (find(docs, "Secret", "alicloud-operator-webhook-tls") as unknown as { data: Record<string, string> })
      .data;
  const a = tls(renderChart(chart, [REGION]));
  const b = tls(renderChart(chart, [REGION]));
  assert.notEqual(a["tls.key"], b["tls.key"]);
  assert.notEqual(a["ca.key"], b["ca.key"]);
  assert.notEqual(a["api-path"], b["api-path"]);
  const dir = mkdtempSync(join(tmpdir(), "chart-cert-"));
  const certPath = join(dir, "tls.crt");
  writeFileSync(certPath, Buffer.from(a["tls.crt"], "base64"));
  const text = spawnSync("openssl", ["x509", "-in", certPath, "-noout", "-text"], {
    encoding: "utf8",
  }).stdout;
  assert.match(text, /DNS:alicloud-operator-admission\.alicloud-system\.svc/);
});

test("the packaged chart holds no private key", () => {
  const dir = mkdtempSync(join(tmpdir(), "chart-tgz-"));
  const r = spawnSync("tar", ["xzf", chart, "-C", dir], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  assert.ok(
    files.some((f) => f.endsWith("templates/webhook-tls.yaml")),
    "the chart was unpacked",
  );
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    assert.doesNotMatch(text, /PRIVATE KEY|LS0tLS1CRUdJTi/, `${f} holds key material`);
  }
  assert.ok(
    files.some((f) => f.endsWith("crds/albconfigs.alibabacloud.com.yaml")),
    "CRDs are in the package",
  );
});

test("values.schema.json refuses wrong values at install time, naming the value", () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /cloud\.region|region/],
    [[REGION, "loadBalancer.defaultBackendType=slb"], /defaultBackendType/],
    [[REGION, "admission.timeoutSeconds=60"], /timeoutSeconds/],
    [[REGION, "admission.failurePolicy=Maybe"], /failurePolicy/],
    [[REGION, "loadBalancer.reuse.allowedNamespaces={Bad_NS}"], /allowedNamespaces/],
    [[REGION, "cloud.regoin=cn-beijing"], /regoin/],
    [[REGION, "controller.workers=-1"], /workers/],
  ];
  for (const [sets, message] of cases) {
    const r = helm(["template", "x", chart, ...sets.flatMap((s) => ["--set", s])]);
    assert.notEqual(r.code, 0, `helm accepted ${sets.join(" ")}`);
    assert.match(r.out, message, `${sets.join(" ")}: ${r.out}`);
  }
});
