// shapeWebhookConfigs: pods move to their own entry (Ignore, short timeout, system namespaces excluded),
// the rest stays as Pepr generated it (the chart packager, scripts/package-chart.ts, applies the same); each
// policy's match conditions go on its entry.
import test from "node:test";
import assert from "node:assert/strict";
import { PODS_WEBHOOK_POLICY } from "../../capabilities/eci-imagecache/admission/webhook-policy";
import { WEBHOOK_POLICIES } from "../../capabilities/webhook-policies";
import { WEBHOOK_DEFAULTS } from "../config";
import { shapeWebhookConfigs as shapeWith, type WebhookDoc } from "./webhook-config";

/** The generic behaviour, with the pods policy alone. */
const shapeWebhookConfigs = (docs: WebhookDoc[]) => shapeWith(docs, [PODS_WEBHOOK_POLICY]);

const rule = (resources: string[], operations = ["CREATE", "UPDATE"]) => ({
  apiGroups: [""],
  apiVersions: ["v1"],
  operations,
  resources,
});

function peprDoc(kind: string, rules: object[]): WebhookDoc {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind,
    metadata: { name: "alicloud-operator" },
    webhooks: [
      {
        name: "alicloud-operator.pepr.dev",
        failurePolicy: "Fail",
        timeoutSeconds: 10,
        clientConfig: { url: "https://localhost:1/mutate/x" },
        namespaceSelector: {
          matchExpressions: [
            { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "pepr-system"] },
          ],
        },
        rules,
      },
    ],
  };
}

test("pods get their own entry: Ignore, the policy's timeout, system namespaces excluded; the rest is unchanged", () => {
  const input = [
    peprDoc("MutatingWebhookConfiguration", [
      rule(["services"]),
      rule(["pods"], ["CREATE"]),
      { ...rule(["imagecaches"]), apiGroups: ["eci.alibabacloud.com"] },
    ]),
    { kind: "Secret", metadata: { name: "x" } },
  ];
  const frozen = JSON.stringify(input);
  const [mutating, secret] = shapeWebhookConfigs(input);
  assert.equal(JSON.stringify(input), frozen, "input not mutated");
  assert.deepEqual(secret, input[1]);
  const [main, pods] = mutating.webhooks!;
  assert.equal(mutating.webhooks!.length, 2);
  assert.equal(main.name, "alicloud-operator.pepr.dev");
  assert.equal(main.failurePolicy, "Fail");
  assert.deepEqual(
    main.rules!.map((r) => r.resources),
    [["services"], ["imagecaches"]],
  );
  assert.equal(pods.name, "pods.alicloud-operator.pepr.dev");
  assert.equal(pods.failurePolicy, "Ignore");
  assert.equal(pods.timeoutSeconds, WEBHOOK_DEFAULTS.pods.timeoutSeconds);
  assert.deepEqual(pods.matchConditions, PODS_WEBHOOK_POLICY.matchConditions);
  assert.equal(main.matchConditions, undefined, "the rest sees every request");
  assert.deepEqual(pods.rules, [rule(["pods"], ["CREATE"])]);
  assert.deepEqual(pods.clientConfig, main.clientConfig, "same server");
  const notIn = pods.namespaceSelector!.matchExpressions![0].values!;
  for (const ns of ["kube-system", "pepr-system", "kube-node-lease", "kube-public"])
    assert.ok(notIn.includes(ns), ns);
  assert.equal(new Set(notIn).size, notIn.length, "no duplicates");
});

test("an entry with only pods becomes the pod entry; documents without pods are returned as they are", () => {
  const onlyPods = shapeWebhookConfigs([peprDoc("ValidatingWebhookConfiguration", [rule(["pods"])])]);
  const hooks = onlyPods[0].webhooks!;
  assert.equal(hooks.length, 1);
  assert.equal(hooks[0].failurePolicy, "Ignore");
  const noPods = [peprDoc("ValidatingWebhookConfiguration", [rule(["services"])])];
  assert.deepEqual(shapeWebhookConfigs(noPods), noPods);
  // subresources of pods (pods/status) follow pods
  const sub = shapeWebhookConfigs([
    peprDoc("ValidatingWebhookConfiguration", [rule(["services", "pods/status"])]),
  ]);
  assert.deepEqual(
    sub[0].webhooks!.map((w) => w.rules![0].resources),
    [["services"], ["pods/status"]],
  );
});

test("the module's policies: pods and Services each get an entry with their match conditions", () => {
  const [shaped] = shapeWith(
    [peprDoc("ValidatingWebhookConfiguration", [rule(["services", "pods", "ingresses"])])],
    WEBHOOK_POLICIES,
  );
  const byName = new Map(shaped.webhooks!.map((w) => [w.name, w]));
  assert.deepEqual([...byName.keys()].sort(), [
    "alicloud-operator.pepr.dev",
    "pods.alicloud-operator.pepr.dev",
    "services.alicloud-operator.pepr.dev",
  ]);
  assert.deepEqual(
    byName.get("services.alicloud-operator.pepr.dev")!.matchConditions!.map((c) => c.name),
    ["not-being-deleted", "load-balancer-services"],
  );
  assert.deepEqual(
    byName.get("pods.alicloud-operator.pepr.dev")!.matchConditions!.map((c) => c.name),
    ["asks-for-an-image-cache"],
  );
  assert.equal(byName.get("alicloud-operator.pepr.dev")!.matchConditions, undefined);
});
