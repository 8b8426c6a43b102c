// The chart's RBAC, as one reviewed table: every rule the admission and watcher ServiceAccounts get.
// scripts/package-chart.ts renders templates/rbac.yaml from it and test/e2e/chart-render.test.ts compares
// the rendered chart with it. Adding a capability means adding its rows here, reviewed (no `*`, no Secret
// list/watch, nothing for admission that it does not read). Why each row exists: docs/chart.md "RBAC".

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** Names the chart fills in at render time (release namespace, Lease name). */
export const RBAC_PLACEHOLDERS = {
  leaseName: "{{ .Values.controller.leaderElection.leaseName }}",
} as const;

/** Pepr 1.1.4 keeps its per-module store in this namespace, whatever the release namespace is. */
export const PEPR_STORE_NAMESPACE = "pepr-system";
export const PEPR_STORE_NAMES = ["pepr-alicloud-operator-store", "pepr-alicloud-operator-schedule"];

const read = ["get", "list", "watch"];
const readWrite = ["get", "list", "watch", "patch", "update"];
const statusWrite = ["patch", "update"];

/**
 * Pepr's controller force-applies the PeprStore CRD at start-up (node_modules/pepr/src/runtime/controller.ts);
 * the chart ships that CRD, so the apply is a patch of that one object.
 */
const peprStoreCrd: PolicyRule = {
  apiGroups: ["apiextensions.k8s.io"],
  resources: ["customresourcedefinitions"],
  verbs: ["get", "patch"],
  resourceNames: ["peprstores.pepr.dev"],
};

/** The watcher: every controller (CLB, ALB, ImageCache). Holds the cloud credentials. */
export const WATCHER_CLUSTER_RULES: PolicyRule[] = [
  // CLB: Services (finalizer, lb-id label, bookkeeping annotations) and their status.
  { apiGroups: [""], resources: ["services"], verbs: readWrite },
  { apiGroups: [""], resources: ["services/status"], verbs: statusWrite },
  // CLB backends: nodes, endpoints, pods (readiness gates set a pod condition).
  { apiGroups: [""], resources: ["nodes"], verbs: read },
  { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: read },
  { apiGroups: [""], resources: ["pods"], verbs: read },
  { apiGroups: [""], resources: ["pods/status"], verbs: ["patch"] },
  // Every controller: Events on the objects it reconciles (created; a repeat is read and its count patched).
  { apiGroups: [""], resources: ["events"], verbs: ["create", "get", "patch"] },
  // Cluster identity: CLUSTER_ID unset means the kube-system Namespace's UID.
  { apiGroups: [""], resources: ["namespaces"], verbs: ["get"], resourceNames: ["kube-system"] },
  // ALB: AlbConfigs and Ingresses of class alb.
  { apiGroups: ["alibabacloud.com"], resources: ["albconfigs"], verbs: readWrite },
  { apiGroups: ["alibabacloud.com"], resources: ["albconfigs/status"], verbs: statusWrite },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: readWrite },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses/status"], verbs: statusWrite },
  { apiGroups: ["networking.k8s.io"], resources: ["ingressclasses"], verbs: read },
  // ECI ImageCaches; image pull Secrets are read by name only (never listed or watched).
  { apiGroups: ["eci.alibabacloud.com"], resources: ["imagecaches"], verbs: readWrite },
  { apiGroups: ["eci.alibabacloud.com"], resources: ["imagecaches/status"], verbs: statusWrite },
  { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
  peprStoreCrd,
];

/** The watcher in the release namespace: the leader-election Lease (create cannot be limited by name). */
export const WATCHER_NAMESPACE_RULES: PolicyRule[] = [
  {
    apiGroups: ["coordination.k8s.io"],
    resources: ["leases"],
    verbs: ["get", "update"],
    resourceNames: [RBAC_PLACEHOLDERS.leaseName],
  },
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
];

/**
 * Admission: only list/watch of what its watch-fed stores read (SLB reuse checks, ALB and ImageCache
 * cross-object checks). No Secrets, no writes, no cloud credentials.
 */
export const ADMISSION_CLUSTER_RULES: PolicyRule[] = [
  { apiGroups: [""], resources: ["services"], verbs: ["list", "watch"] },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "ingressclasses"], verbs: ["list", "watch"] },
  { apiGroups: ["alibabacloud.com"], resources: ["albconfigs"], verbs: ["list", "watch"] },
  { apiGroups: ["eci.alibabacloud.com"], resources: ["imagecaches"], verbs: ["list", "watch"] },
  peprStoreCrd,
];

/** Both: Pepr's own key/value store CR (read at start-up before the HTTP server listens). */
export const PEPR_STORE_RULES: PolicyRule[] = [
  {
    apiGroups: ["pepr.dev"],
    resources: ["peprstores"],
    verbs: ["get", "list", "watch", "patch"],
    resourceNames: PEPR_STORE_NAMES,
  },
  { apiGroups: ["pepr.dev"], resources: ["peprstores"], verbs: ["create"] },
];

/** The pre-delete hook that removes our finalizers on `helm uninstall` (exists only while it runs). */
export const DRAIN_CLUSTER_RULES: PolicyRule[] = [
  { apiGroups: [""], resources: ["services"], verbs: ["list", "patch"] },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: ["list", "patch"] },
  { apiGroups: ["alibabacloud.com"], resources: ["albconfigs"], verbs: ["list", "patch"] },
  { apiGroups: ["eci.alibabacloud.com"], resources: ["imagecaches"], verbs: ["list", "patch"] },
];

/** The finalizers the drain removes (CLB, ALB, ImageCache). */
export const DRAIN_FINALIZERS = {
  services: ["service.k8s.alibaba/resources"],
  ingresses: ["ingress.k8s.alibaba/resources"],
  albconfigs: ["ingress.k8s.alibaba/resources"],
  imagecaches: ["eci.alibabacloud.com/imagecache"],
} as const;
