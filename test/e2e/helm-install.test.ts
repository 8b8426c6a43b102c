// e2e: the Helm chart that `npx pepr build` generated (plus our CRDs) installs into a real
// kube-apiserver with real helm. Without a kubelet no pod runs, so we check objects, not pods.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { defaultBinDir } from "../../src/controlplane/controlplane";
import { ROOT, Stack, startStack } from "../helpers/stack";

const chartDir = join(ROOT, "dist", "alicloud-operator-chart");
let stack: Stack;

function helm(args: string[]): { code: number; out: string } {
  const r = spawnSync(join(defaultBinDir(), "helm"), [...args, "--kubeconfig", stack.cp.kubeconfigPath], {
    encoding: "utf8",
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

before(async () => {
  if (!existsSync(join(chartDir, "crds"))) {
    spawnSync("npx", ["--offline", "pepr", "build"], { cwd: ROOT, stdio: "inherit" });
    spawnSync("npx", ["tsx", "scripts/package-chart.ts"], { cwd: ROOT, stdio: "inherit" });
  }
  stack = await startStack({ crds: false, operator: false });
});

after(async () => {
  await stack?.stop();
});

test("helm install of the generated chart creates CRDs, webhooks, RBAC and Deployments", () => {
  // The README's steps: pre-create pepr-system for the credentials Secret, adoptable by the release
  // (the chart creates that namespace itself, so the release record lives in default).
  const prep = spawnSync(
    "bash",
    [
      "-c",
      `kubectl create namespace pepr-system --dry-run=client -o yaml | kubectl label -f - --local -o yaml \
        app.kubernetes.io/managed-by=Helm | kubectl annotate -f - --local -o yaml \
        meta.helm.sh/release-name=alicloud-operator meta.helm.sh/release-namespace=default | kubectl apply -f - &&
       kubectl -n pepr-system create secret generic alibaba-cloud-credentials \
        --from-literal=ALIBABA_CLOUD_ACCESS_KEY_ID=ak --from-literal=ALIBABA_CLOUD_ACCESS_KEY_SECRET=sk`,
    ],
    { env: { ...process.env, KUBECONFIG: stack.cp.kubeconfigPath }, encoding: "utf8" },
  );
  assert.equal(prep.status, 0, `${prep.stdout}${prep.stderr}`);
  const install = helm([
    "install",
    "alicloud-operator",
    chartDir,
    "--set",
    "watcher.envFrom[0].secretRef.name=alibaba-cloud-credentials",
    "--timeout",
    "60s",
  ]);
  assert.equal(install.code, 0, install.out);
  const watcher = JSON.parse(
    stack.kubectlOk([
      "-n",
      "pepr-system",
      "get",
      "deployment",
      "pepr-alicloud-operator-watcher",
      "-o",
      "json",
    ]),
  ) as {
    spec: {
      template: { spec: { containers: Array<{ envFrom?: Array<{ secretRef?: { name: string } }> }> } };
    };
  };
  assert.equal(
    watcher.spec.template.spec.containers[0].envFrom?.[0]?.secretRef?.name,
    "alibaba-cloud-credentials",
  );

  const crds = stack.kubectlOk(["get", "crd", "-o", "name"]);
  assert.match(crds, /albconfigs\.alibabacloud\.com/);
  assert.match(crds, /imagecaches\.eci\.alibabacloud\.com/);

  for (const kind of ["validatingwebhookconfiguration", "mutatingwebhookconfiguration"]) {
    const webhook = JSON.parse(stack.kubectlOk(["get", kind, "pepr-alicloud-operator", "-o", "json"])) as {
      webhooks: Array<{
        clientConfig: { service?: { name: string; namespace: string } };
        rules: Array<{ resources: string[] }>;
      }>;
    };
    assert.equal(webhook.webhooks[0].clientConfig.service?.name, "pepr-alicloud-operator");
    assert.equal(webhook.webhooks[0].clientConfig.service?.namespace, "pepr-system");
    assert.ok(
      webhook.webhooks[0].rules.some((r) => r.resources.includes("services")),
      `${kind} covers services`,
    );
  }

  const role = JSON.parse(
    stack.kubectlOk(["get", "clusterrole", "pepr-alicloud-operator", "-o", "json"]),
  ) as { rules: unknown[] };
  assert.ok(role.rules.length > 0);
  stack.kubectlOk(["get", "clusterrolebinding", "pepr-alicloud-operator"]);
  // The CLB controller's writes and reads, as the module's service account: Service status, Events,
  // and the pods behind readiness gates (read, then a condition on the pods/status subresource).
  const sa = "system:serviceaccount:pepr-system:pepr-alicloud-operator";
  for (const [verb, resource, subresource] of [
    ["patch", "services", "status"],
    ["create", "events", ""],
    ["get", "pods", ""],
    ["patch", "pods", "status"],
  ]) {
    const args = ["auth", "can-i", verb, resource, `--as=${sa}`, "-n", "default"];
    if (subresource) args.push(`--subresource=${subresource}`);
    assert.equal(stack.kubectl(args).stdout.trim(), "yes", `${sa} may ${verb} ${resource}/${subresource}`);
  }
  stack.kubectlOk(["-n", "pepr-system", "get", "serviceaccount", "pepr-alicloud-operator"]);
  const deployments = stack.kubectlOk(["-n", "pepr-system", "get", "deployments", "-o", "name"]);
  assert.match(deployments, /pepr-alicloud-operator$/m);
  assert.match(deployments, /pepr-alicloud-operator-watcher$/m);

  // The webhook Service got a loopback ClusterIP: the apiserver can never dial off this machine.
  const svc = JSON.parse(
    stack.kubectlOk(["-n", "pepr-system", "get", "service", "pepr-alicloud-operator", "-o", "json"]),
  ) as {
    spec: { clusterIP: string };
  };
  assert.match(svc.spec.clusterIP, /^127\./);
});

test("helm uninstall removes the webhook configurations", () => {
  const r = helm(["uninstall", "alicloud-operator", "--timeout", "60s"]);
  assert.equal(r.code, 0, r.out);
  const left = stack.kubectl([
    "get",
    "validatingwebhookconfiguration,mutatingwebhookconfiguration",
    "-o",
    "name",
  ]);
  assert.doesNotMatch(left.stdout, /pepr-alicloud-operator/);
});
