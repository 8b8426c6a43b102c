// scripts/package-chart.ts, the pure parts: webhook entries for the chart (match conditions on Service-only
// entries, Ignore kept, namespace exclusions) and the RBAC template rendered from scripts/chart/rbac.ts.
import test from "node:test";
import assert from "node:assert/strict";
import yaml from "js-yaml";
import {
  chartWebhooks,
  drainTargets,
  rbacTemplate,
  SERVICE_MATCH_CONDITIONS,
} from "../../scripts/package-chart";
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

test("Service-only webhook entries get the LoadBalancer and not-deleting match conditions; others do not", () => {
  const [mutating, validating] = chartWebhooks([
    { kind: "Namespace" },
    peprDoc("MutatingWebhookConfiguration", [["services"], ["services", "pods"]]),
    peprDoc("ValidatingWebhookConfiguration", [["pods"]], { failurePolicy: "Ignore", timeoutSeconds: 3 }),
  ]);
  assert.equal(mutating.path, "mutate");
  assert.equal(validating.path, "validate");
  assert.deepEqual(mutating.webhooks[0].matchConditions, SERVICE_MATCH_CONDITIONS);
  assert.equal(mutating.webhooks[1].matchConditions, undefined, "a mixed entry must see every request");
  assert.equal(mutating.webhooks[0].failurePolicy, undefined, "Fail follows the chart value");
  assert.equal(validating.webhooks[0].failurePolicy, "Ignore");
  assert.equal(validating.webhooks[0].timeoutSeconds, 3);
  assert.deepEqual(mutating.webhooks[0].excludedNamespaces, ["extra"]);
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
