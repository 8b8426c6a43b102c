// Tests for the cluster-wide settings loader, the cluster id default and the pure reuse-policy decisions.
import test from "node:test";
import assert from "node:assert/strict";
import { K8sApiError } from "../k8s/rest";
import { recording } from "../../test/helpers/recording";
import {
  cloudSettingsProblems,
  DEFAULT_CLOUD_SETTINGS,
  describeReusePolicy,
  loadCloudSettings,
  resolveClusterId,
  reuseNamespaceProblem,
  reuseTagProblem,
  SettingsError,
  type NamespaceReader,
} from "./settings";

test("no variables: the defaults (upstream behaviour, ecs backends, public SLBs allowed)", () => {
  assert.deepEqual(loadCloudSettings({}), DEFAULT_CLOUD_SETTINGS);
  // Blank values count as unset (a chart may render an empty string).
  assert.deepEqual(
    loadCloudSettings({
      CLUSTER_ID: " ",
      OPERATOR_REUSE_ALLOWED_NAMESPACES: "",
      ALIBABA_CLOUD_VSWITCH_IDS: "",
    }),
    DEFAULT_CLOUD_SETTINGS,
  );
});

test("every variable is read", () => {
  const s = loadCloudSettings({
    CLUSTER_ID: "c-prod.1",
    ALIBABA_CLOUD_VPC_ID: "vpc-bp1abc",
    ALIBABA_CLOUD_VSWITCH_IDS: " vsw-bp1a , vsw-bp1b,vsw-bp1a,",
    ALIBABA_CLOUD_RESOURCE_GROUP_ID: "rg-acfm2x",
    OPERATOR_DEFAULT_BACKEND_TYPE: "eni",
    OPERATOR_FORBID_PUBLIC_LB: "true",
    OPERATOR_REUSE_ALLOWED_NAMESPACES: "team-a, team-b",
    OPERATOR_REUSE_REQUIRE_NAMESPACE_TAG: "true",
  });
  assert.deepEqual(s, {
    clusterId: "c-prod.1",
    vpcId: "vpc-bp1abc",
    vSwitchIds: ["vsw-bp1a", "vsw-bp1b"],
    resourceGroupId: "rg-acfm2x",
    defaultBackendType: "eni",
    forbidPublicLoadBalancer: true,
    reuse: {
      allowedNamespaces: ["team-a", "team-b"],
      requireNamespaceTag: true,
      namespaceTagKey: "alicloud-operator.io/reuse-namespaces",
    },
  });
});

test("a wrong value names the variable, the value and what is allowed; all problems at once", () => {
  const env = {
    CLUSTER_ID: "a/b",
    ALIBABA_CLOUD_VPC_ID: "vsw-123",
    ALIBABA_CLOUD_VSWITCH_IDS: "vsw-ok,subnet-1",
    ALIBABA_CLOUD_RESOURCE_GROUP_ID: "default",
    OPERATOR_DEFAULT_BACKEND_TYPE: "ENI",
    OPERATOR_FORBID_PUBLIC_LB: "yes",
    OPERATOR_REUSE_ALLOWED_NAMESPACES: "Team_A",
    OPERATOR_REUSE_REQUIRE_NAMESPACE_TAG: "1",
  };
  assert.throws(() => loadCloudSettings(env), SettingsError);
  const problems = cloudSettingsProblems(env);
  assert.equal(problems.length, 8, problems.join("\n"));
  for (const [name, value] of Object.entries(env)) {
    const line = problems.find((p) => p.startsWith(`${name} ${JSON.stringify(value)} is not allowed`));
    assert.ok(line, `${name}: ${problems.join("\n")}`);
    assert.match(line, /allowed: \S/, line);
  }
  assert.ok(
    problems.some((p) => p.includes('("subnet-1")')),
    "the bad entry of a list is named",
  );
  assert.deepEqual(cloudSettingsProblems({ OPERATOR_FORBID_PUBLIC_LB: "false" }), []);
});

/** A Namespace reader answering `answer` (or throwing it) for the one get the default needs. */
function reader(answer: unknown, fails = false) {
  return recording<NamespaceReader>({
    get: <T>() => (fails ? Promise.reject(answer as Error) : Promise.resolve(answer as T | undefined)),
  });
}

test("cluster id: CLUSTER_ID wins and no API call is made; else the kube-system Namespace UID", async () => {
  const none = reader(undefined);
  assert.equal(await resolveClusterId({ ...DEFAULT_CLOUD_SETTINGS, clusterId: "c1" }, none), "c1");
  assert.deepEqual(none.calls, []);
  const ns = reader({ metadata: { name: "kube-system", uid: "0b7f-uid" } });
  assert.equal(await resolveClusterId(DEFAULT_CLOUD_SETTINGS, ns), "0b7f-uid");
  assert.equal(ns.calls.length, 1);
  assert.deepEqual(ns.calls[0].args[1], { name: "kube-system" });
  assert.equal((ns.calls[0].args[0] as { kind: string }).kind, "Namespace");
});

test("cluster id: a forbidden or failed read stops with a message saying what to set (no constant fallback)", async () => {
  await assert.rejects(
    resolveClusterId(DEFAULT_CLOUD_SETTINGS, reader(new K8sApiError(403, "namespaces is forbidden"), true)),
    /cannot default the cluster id: reading Namespace kube-system failed \(HTTP 403: namespaces is forbidden\); set CLUSTER_ID/,
  );
  await assert.rejects(
    resolveClusterId(DEFAULT_CLOUD_SETTINGS, reader(undefined)),
    /Namespace kube-system not found; set CLUSTER_ID/,
  );
  await assert.rejects(
    resolveClusterId(DEFAULT_CLOUD_SETTINGS, reader({ metadata: { name: "kube-system" } })),
    /has no uid/,
  );
});

test("reuse policy: the namespace allow-list", () => {
  const open = DEFAULT_CLOUD_SETTINGS.reuse;
  assert.equal(reuseNamespaceProblem(open, "anything"), undefined);
  const listed = { ...open, allowedNamespaces: ["team-a"] };
  assert.equal(reuseNamespaceProblem(listed, "team-a"), undefined);
  assert.equal(
    reuseNamespaceProblem(listed, "team-b"),
    "the reuse policy OPERATOR_REUSE_ALLOWED_NAMESPACES=team-a does not allow namespace team-b to reuse a load balancer",
  );
  assert.equal(describeReusePolicy(open), "every namespace may reuse (upstream behaviour)");
});

test("reuse policy: tag mode reads the tag's comma list of namespaces", () => {
  const off = DEFAULT_CLOUD_SETTINGS.reuse;
  assert.equal(reuseTagProblem(off, "team-a", "lb-1", []), undefined, "off: any SLB");
  const on = { ...off, requireNamespaceTag: true };
  const tag = (value: string) => [{ key: "alicloud-operator.io/reuse-namespaces", value }];
  assert.equal(reuseTagProblem(on, "team-a", "lb-1", tag("team-b, team-a")), undefined);
  assert.match(
    reuseTagProblem(on, "team-a", "lb-1", []) ?? "",
    /lb-1 may not be reused from namespace team-a \(it has no such tag\)/,
  );
  assert.match(reuseTagProblem(on, "team-a", "lb-1", tag("team-ab")) ?? "", /\(it names team-ab\)/);
  assert.match(
    reuseTagProblem(on, "team-a", "lb-1", [{ key: "reuse-namespaces", value: "team-a" }]) ?? "",
    /OPERATOR_REUSE_REQUIRE_NAMESPACE_TAG=true/,
    "only the exact tag key counts",
  );
});
