// After `npx pepr build`: assembles our Helm chart (chart/ + what the build produced) in
// dist/chart/alicloud-operator and, with --package, packs dist/alicloud-operator-<version>.tgz.
// From the build it takes only the module bundle (shipped gzipped in a Secret, checked by sha256 as Pepr's
// controller does) and the webhook rules; RBAC comes from scripts/chart/rbac.ts, certificates are minted
// at install time (chart/templates/_helpers.tpl), so the package holds no private key.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { WEBHOOK_POLICIES } from "../capabilities/webhook-policies";
import { shapeWebhookConfigs, type MatchCondition } from "../src/admission/webhook-config";
import yaml from "js-yaml";
import { defaultBinDir } from "../src/controlplane/controlplane";
import {
  ADMISSION_CLUSTER_RULES,
  DRAIN_CLUSTER_RULES,
  DRAIN_FINALIZERS,
  PEPR_STORE_NAMESPACE,
  PEPR_STORE_RULES,
  WATCHER_CLUSTER_RULES,
  WATCHER_NAMESPACE_RULES,
  type PolicyRule,
} from "./chart/rbac";

const ROOT = resolve(__dirname, "..");
export const MODULE_UUID = "alicloud-operator";
export const CHART_SOURCE_DIR = join(ROOT, "chart");
export const CHART_BUILD_DIR = join(ROOT, "dist", "chart", "alicloud-operator");

interface WebhookRule {
  apiGroups?: string[];
  apiVersions?: string[];
  operations?: string[];
  resources?: string[];
  scope?: string;
}

interface PeprWebhook {
  name?: string;
  rules?: WebhookRule[];
  failurePolicy?: string;
  timeoutSeconds?: number | string;
  namespaceSelector?: { matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
  matchConditions?: MatchCondition[];
}

interface WebhookDoc {
  kind?: string;
  webhooks?: PeprWebhook[];
}

/** One webhook entry as chart/templates/webhooks.yaml reads it from files/webhooks.json. */
export interface ChartWebhook {
  name: string;
  rules: WebhookRule[];
  failurePolicy?: string;
  timeoutSeconds?: number;
  excludedNamespaces: string[];
  matchConditions?: MatchCondition[];
}

export interface ChartWebhookConfig {
  kind: "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration";
  path: "mutate" | "validate";
  webhooks: ChartWebhook[];
}

const ALWAYS_EXCLUDED = new Set(["kube-system", "pepr-system"]);

/** Pods and Services split off into entries of their own (capabilities/webhook-policies.ts, docs/chart.md). */
export function shapeModuleWebhooks(docs: WebhookDoc[]): WebhookDoc[] {
  return shapeWebhookConfigs(docs, WEBHOOK_POLICIES);
}

/** The module's webhook configurations, as the chart's webhooks template reads them. Pure. */
export function chartWebhooks(moduleDocs: unknown[]): ChartWebhookConfig[] {
  const docs = (moduleDocs as WebhookDoc[]).filter(
    (d) => d?.kind === "MutatingWebhookConfiguration" || d?.kind === "ValidatingWebhookConfiguration",
  );
  return shapeModuleWebhooks(docs).map((d) => {
    const kind = d.kind as ChartWebhookConfig["kind"];
    return {
      kind,
      path: kind === "MutatingWebhookConfiguration" ? "mutate" : "validate",
      webhooks: (d.webhooks ?? []).map((w): ChartWebhook => {
        const rules = w.rules ?? [];
        const notIn = (w.namespaceSelector?.matchExpressions ?? [])
          .filter((e) => e.key === "kubernetes.io/metadata.name" && e.operator === "NotIn")
          .flatMap((e) => e.values ?? []);
        const conditions = w.matchConditions ?? [];
        return {
          name: w.name ?? `pepr-${MODULE_UUID}.pepr.dev`,
          rules,
          ...(w.failurePolicy === "Ignore" ? { failurePolicy: "Ignore" } : {}),
          ...(w.timeoutSeconds !== undefined && Number.isFinite(Number(w.timeoutSeconds))
            ? { timeoutSeconds: Number(w.timeoutSeconds) }
            : {}),
          excludedNamespaces: notIn.filter((n) => !ALWAYS_EXCLUDED.has(n)),
          ...(conditions.length ? { matchConditions: conditions } : {}),
        };
      }),
    };
  });
}

/** apiVersion, kind and metadata of one RBAC object of the chart. */
function rbacHeader(kind: string, name: string, namespace: string | undefined, extraMeta: string): string[] {
  return [
    "apiVersion: rbac.authorization.k8s.io/v1",
    `kind: ${kind}`,
    "metadata:",
    `  name: ${name}`,
    ...(namespace ? [`  namespace: ${namespace}`] : []),
    "  labels:",
    '    {{- include "ao.labels" . | nindent 4 }}',
    ...(extraMeta ? [extraMeta] : []),
  ];
}

function roleDoc(
  kind: "ClusterRole" | "Role",
  name: string,
  namespace: string | undefined,
  rules: PolicyRule[],
  extraMeta = "",
) {
  return [...rbacHeader(kind, name, namespace, extraMeta), `rules: ${JSON.stringify(rules)}`].join("\n");
}

function bindingDoc(
  kind: "ClusterRoleBinding" | "RoleBinding",
  name: string,
  namespace: string | undefined,
  roleKind: "ClusterRole" | "Role",
  roleName: string,
  subjects: string[],
  extraMeta = "",
) {
  return [
    ...rbacHeader(kind, name, namespace, extraMeta),
    "roleRef:",
    "  apiGroup: rbac.authorization.k8s.io",
    `  kind: ${roleKind}`,
    `  name: ${roleName}`,
    "subjects:",
    ...subjects.map(
      (sa) => `  - kind: ServiceAccount\n    name: ${sa}\n    namespace: {{ .Release.Namespace }}`,
    ),
  ].join("\n");
}

/** templates/rbac.yaml, rendered from the one table in scripts/chart/rbac.ts. */
export function rbacTemplate(): string {
  const fn = '{{ include "ao.fullname" . }}';
  const rel = "{{ .Release.Namespace }}";
  const hook = [
    "  annotations:",
    "    helm.sh/hook: post-delete",
    '    helm.sh/hook-weight: "-10"',
    "    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded",
  ].join("\n");
  const docs = [
    roleDoc("ClusterRole", `${fn}-watcher`, undefined, WATCHER_CLUSTER_RULES),
    bindingDoc("ClusterRoleBinding", `${fn}-watcher`, undefined, "ClusterRole", `${fn}-watcher`, [
      `${fn}-watcher`,
    ]),
    roleDoc("Role", `${fn}-watcher`, rel, WATCHER_NAMESPACE_RULES),
    bindingDoc("RoleBinding", `${fn}-watcher`, rel, "Role", `${fn}-watcher`, [`${fn}-watcher`]),
    roleDoc("ClusterRole", `${fn}-admission`, undefined, ADMISSION_CLUSTER_RULES),
    bindingDoc("ClusterRoleBinding", `${fn}-admission`, undefined, "ClusterRole", `${fn}-admission`, [
      `${fn}-admission`,
    ]),
    roleDoc("Role", `${fn}-pepr-store`, PEPR_STORE_NAMESPACE, PEPR_STORE_RULES),
    bindingDoc("RoleBinding", `${fn}-pepr-store`, PEPR_STORE_NAMESPACE, "Role", `${fn}-pepr-store`, [
      `${fn}-admission`,
      `${fn}-watcher`,
    ]),
    "{{- if .Values.uninstall.drainFinalizers }}\n" +
      roleDoc("ClusterRole", `${fn}-drain`, undefined, DRAIN_CLUSTER_RULES, hook),
    bindingDoc(
      "ClusterRoleBinding",
      `${fn}-drain`,
      undefined,
      "ClusterRole",
      `${fn}-drain`,
      [`${fn}-drain`],
      hook,
    ),
    roleDoc("Role", `${fn}-drain`, rel, [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }], hook),
    bindingDoc("RoleBinding", `${fn}-drain`, rel, "Role", `${fn}-drain`, [`${fn}-drain`], hook) +
      "\n{{- end }}",
  ];
  return [
    "{{- /* Generated by scripts/package-chart.ts from scripts/chart/rbac.ts: edit the table, not this file. */}}",
    docs.join("\n---\n"),
    "",
  ].join("\n");
}

/** What the drain hook walks: list path prefix, plural and our finalizers (files/drain-targets.json). */
export function drainTargets(): Array<{ prefix: string; plural: string; finalizers: readonly string[] }> {
  const prefixes: Record<keyof typeof DRAIN_FINALIZERS, string> = {
    services: "/api/v1",
    ingresses: "/apis/networking.k8s.io/v1",
    albconfigs: "/apis/alibabacloud.com/v1",
    imagecaches: "/apis/eci.alibabacloud.com/v1",
  };
  return (Object.keys(DRAIN_FINALIZERS) as Array<keyof typeof DRAIN_FINALIZERS>).map((plural) => ({
    prefix: prefixes[plural],
    plural,
    finalizers: DRAIN_FINALIZERS[plural],
  }));
}

export function helmBinary(): string {
  return join(defaultBinDir(), "helm");
}

/** Assembles the chart from chart/ and the build output; returns its directory. */
export function assembleChart(outDir = CHART_BUILD_DIR): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  const bundlePath = join(ROOT, "dist", `pepr-${MODULE_UUID}.js`);
  const moduleYaml = join(ROOT, "dist", `pepr-module-${MODULE_UUID}.yaml`);
  for (const p of [bundlePath, moduleYaml]) {
    if (!existsSync(p)) throw new Error(`${p} is missing: run npx pepr build first`);
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  cpSync(CHART_SOURCE_DIR, outDir, { recursive: true });

  const chartYaml = join(outDir, "Chart.yaml");
  writeFileSync(
    chartYaml,
    readFileSync(chartYaml, "utf8")
      .replace(/^version: .*$/m, `version: ${pkg.version}`)
      .replace(/^appVersion: .*$/m, `appVersion: "${pkg.version}"`),
  );

  // CRDs: ours, and Pepr's store CRD (its controller applies it at start-up; shipping it keeps that a patch).
  const crdDir = join(outDir, "crds");
  mkdirSync(crdDir, { recursive: true });
  for (const f of readdirSync(join(ROOT, "crds")).filter((n) => n.endsWith(".yaml")))
    cpSync(join(ROOT, "crds", f), join(crdDir, f));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- Pepr's own CRD object, loaded at build time only
  const { peprStoreCRD } = require("pepr/src/lib/assets/store") as { peprStoreCRD: object };
  writeFileSync(join(crdDir, "peprstores.pepr.dev.yaml"), yaml.dump(peprStoreCRD, { noRefs: true }));

  // The module: gzipped in a Secret; the controller checks its sha256 against the Deployment's argument.
  const code = readFileSync(bundlePath);
  const hash = createHash("sha256").update(code).digest("hex");
  // As a binary chart file, base64-encoded only when rendered: Helm keeps the chart and the rendered manifest
  // in one release Secret (at most 1 MiB), and a base64 template would be base64-encoded once more there.
  writeFileSync(join(outDir, "files", "module.js.gz"), gzipSync(code, { level: 9 }));
  writeFileSync(
    join(outDir, "templates", "_module.tpl"),
    `{{/* Generated by scripts/package-chart.ts: sha256 of the module bundle. */}}\n{{- define "ao.moduleHash" -}}${hash}{{- end -}}\n`,
  );
  writeFileSync(
    join(outDir, "templates", "module-secret.yaml"),
    [
      "{{- /* Generated by scripts/package-chart.ts: the module bundle that Pepr's controller runs. */}}",
      "apiVersion: v1",
      "kind: Secret",
      "metadata:",
      '  name: {{ include "ao.fullname" . }}-module',
      "  namespace: {{ .Release.Namespace }}",
      "  labels:",
      '    {{- include "ao.labels" . | nindent 4 }}',
      "type: Opaque",
      "data:",
      `  module-${hash}.js.gz: {{ .Files.Get "files/module.js.gz" | b64enc }}`,
      "",
    ].join("\n"),
  );

  writeFileSync(
    join(outDir, "files", "webhooks.json"),
    `${JSON.stringify(chartWebhooks(yaml.loadAll(readFileSync(moduleYaml, "utf8"))), null, 2)}\n`,
  );
  writeFileSync(join(outDir, "files", "drain-targets.json"), JSON.stringify(drainTargets()));
  writeFileSync(join(outDir, "templates", "rbac.yaml"), rbacTemplate());
  return outDir;
}

/** `helm package` of the assembled chart; returns the .tgz path. */
export function packageChart(chartDir = CHART_BUILD_DIR, destDir = join(ROOT, "dist")): string {
  const out = execFileSync(helmBinary(), ["package", chartDir, "--destination", destDir], {
    encoding: "utf8",
  });
  const m = /saved it to: (.*\.tgz)/.exec(out);
  if (!m) throw new Error(`helm package: ${out}`);
  return m[1].trim();
}

if (require.main === module) {
  const dir = assembleChart();
  console.log(`chart assembled in ${dir}`);
  if (process.argv.includes("--package")) console.log(`packaged ${packageChart(dir)}`);
}
