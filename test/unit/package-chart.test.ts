// scripts/package-chart.ts, the pure parts: webhook entries for the chart (match conditions on the Service and
// pod entries, Ignore kept, namespace exclusions) and the RBAC template rendered from scripts/chart/rbac.ts.
import test from "node:test";
import assert from "node:assert/strict";
import yaml from "js-yaml";
import { SERVICE_MATCH_CONDITIONS } from "../../capabilities/clb-service/admission/webhook-policy";
import { PODS_WEBHOOK_POLICY } from "../../capabilities/eci-imagecache/admission/webhook-policy";
import { chartWebhooks, drainTargets, rbacTemplate } from "../../scripts/package-chart";
import { ADMISSION_CLUSTER_RULES, WATCHER_CLUSTER_RULES } from "../../scripts/chart/rbac";

const peprDoc = (kind: string, resources: string[][], extra: Record<string, unknown> = {}) => ({
  apiVersion: "admissionregistration.k8s.io/v1",
  kind,
  metadata: { name: "pepr-alicloud-operator" },
  webhooks: resources.map((r, i) => ({
    name: `hook-${i}.pepr.dev`,
    rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: r }],
    namespaceSelector: {
      matchExpressions: [
        {
          key: "kubernetes.io/metadata.name",
          operator: "NotIn",
          values: ["kube-system", "pepr-system", "extra"],
        },
      ],
    },
    failurePolicy: "Fail",
    ...extra,
  })),
});

test("Services and pods get entries of their own: Services with the match conditions, pods Ignore; the rest as it was", () => {
  const [mutating, validating] = chartWebhooks([
    { kind: "Namespace" },
    peprDoc("MutatingWebhookConfiguration", [["services"], ["services", "ingresses", "pods"]]),
    peprDoc("ValidatingWebhookConfiguration", [["ingresses"]]),
  ]);
  assert.equal(mutating.path, "mutate");
  assert.equal(validating.path, "validate");
  const byName = new Map(mutating.webhooks.map((w) => [w.name, w]));
  assert.deepEqual([...byName.keys()].sort(), [
    "hook-1.pepr.dev",
    "pods.hook-1.pepr.dev",
    "services.hook-0.pepr.dev",
    "services.hook-1.pepr.dev",
  ]);
  for (const name of ["services.hook-0.pepr.dev", "services.hook-1.pepr.dev"]) {
    assert.deepEqual(byName.get(name)?.matchConditions, SERVICE_MATCH_CONDITIONS);
    assert.equal(byName.get(name)?.failurePolicy, undefined, "Fail follows the chart value");
    assert.deepEqual(byName.get(name)?.excludedNamespaces, ["extra"]);
  }
  assert.deepEqual(byName.get("hook-1.pepr.dev")?.rules[0].resources, ["ingresses"]);
  assert.equal(byName.get("hook-1.pepr.dev")?.matchConditions, undefined, "Ingresses see every request");
  const pods = byName.get("pods.hook-1.pepr.dev");
  assert.equal(pods?.failurePolicy, "Ignore");
  assert.equal(pods?.timeoutSeconds, 3);
  assert.deepEqual(
    pods?.matchConditions,
    PODS_WEBHOOK_POLICY.matchConditions,
    "only pods asking for a cache",
  );
  assert.equal(validating.webhooks[0].matchConditions, undefined);
});

test("the rendered RBAC template holds exactly the table's rules, and no wildcard", () => {
  const text = rbacTemplate()
    .split("\n")
    .filter((l) => !l.includes("{{-"))
    .join("\n")
    .replace(/\{\{[^}]*\}\}/g, "x");
  const docs = yaml.loadAll(text) as Array<{ kind: string; metadata: { name: string }; rules?: unknown[] }>;
  const clusterRoles = docs.filter((d) => d?.kind === "ClusterRole");
  assert.deepEqual(clusterRoles.find((d) => d.metadata.name === "x-watcher")?.rules, WATCHER_CLUSTER_RULES);
  assert.deepEqual(
    clusterRoles.find((d) => d.metadata.name === "x-admission")?.rules,
    ADMISSION_CLUSTER_RULES,
  );
  assert.doesNotMatch(JSON.stringify(docs), /"\*"/);
});

test("the drain walks every kind that carries one of our finalizers", () => {
  const targets = drainTargets();
  assert.deepEqual(
    targets.map((t) => `${t.prefix}/${t.plural}`),
    [
      "/api/v1/services",
      "/apis/networking.k8s.io/v1/ingresses",
      "/apis/alibabacloud.com/v1/albconfigs",
      "/apis/eci.alibabacloud.com/v1/imagecaches",
    ],
  );
  assert.ok(targets.every((t) => t.finalizers.length > 0));
});
