// Cluster-wide cloud settings and policy (src/config.ts CLOUD_SETTINGS_ENV): one loader that reads and checks
// the environment, the cluster identity (CLUSTER_ID, else the kube-system Namespace UID, read once), and the
// pure reuse-policy decisions every capability shares. README "Cluster identity", "Reuse policy", "Cloud defaults".
import type { V1Namespace } from "@kubernetes/client-node";
import { CLOUD_SETTINGS_DEFAULTS, CLOUD_SETTINGS_ENV } from "../config";
import { describeK8sError } from "../k8s/client";
import { KINDS, type KindRef, type ObjectKey } from "../k8s/kinds";

export type BackendType = "ecs" | "eni";

/** Who may reuse an existing load balancer by id (README "Reuse policy"). */
export interface ReusePolicy {
  /** Namespaces whose Services may reuse; undefined = every namespace (upstream behaviour). */
  allowedNamespaces?: string[];
  /** Only load balancers tagged `namespaceTagKey` with a value naming the namespace may be reused. */
  requireNamespaceTag: boolean;
  namespaceTagKey: string;
}

export interface CloudSettings {
  /** CLUSTER_ID when set; otherwise resolveClusterId() reads the kube-system Namespace UID. */
  clusterId?: string;
  vpcId?: string;
  /** Default vSwitches, in the order given; intranet CLBs that name none use the first. */
  vSwitchIds: string[];
  resourceGroupId?: string;
  defaultBackendType: BackendType;
  forbidPublicLoadBalancer: boolean;
  reuse: ReusePolicy;
}

/** What an operator with no settings in its environment runs with. */
export const DEFAULT_CLOUD_SETTINGS: CloudSettings = Object.freeze({
  vSwitchIds: [],
  defaultBackendType: CLOUD_SETTINGS_DEFAULTS.defaultBackendType,
  forbidPublicLoadBalancer: CLOUD_SETTINGS_DEFAULTS.forbidPublicLoadBalancer,
  reuse: Object.freeze({
    requireNamespaceTag: CLOUD_SETTINGS_DEFAULTS.reuseRequireNamespaceTag,
    namespaceTagKey: CLOUD_SETTINGS_DEFAULTS.reuseNamespaceTagKey,
  }),
});

/** One or more environment variables have values the operator cannot work with. */
export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
    this.name = "SettingsError";
  }
}

// Cluster ids go into owner keys `k8s/<port>/<svc>/<ns>/<cluster id>` (split on "/") and tag values.
const CLUSTER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const VPC_ID = /^vpc-[a-z0-9]{1,64}$/;
const VSWITCH_ID = /^vsw-[a-z0-9]{1,64}$/;
const RESOURCE_GROUP_ID = /^rg-[a-z0-9]{1,64}$/;
// A namespace name is a DNS-1123 label.
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

type Env = Record<string, string | undefined>;

/** The variable's value, trimmed; undefined when unset or blank. */
function valueOf(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function show(v: string): string {
  return JSON.stringify(v);
}

/** Comma list: entries trimmed, empty entries dropped. */
function commaList(v: string): string[] {
  return v
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
}

/**
 * Reads every cluster-wide setting from `env`, or throws SettingsError naming each bad variable, its value
 * and what is allowed. Pure: no API call (the cluster id default is resolveClusterId's).
 */
export function loadCloudSettings(env: Env): CloudSettings {
  const problems: string[] = [];
  const E = CLOUD_SETTINGS_ENV;
  const pattern = (name: string, re: RegExp, allowed: string): string | undefined => {
    const v = valueOf(env, name);
    if (v !== undefined && !re.test(v)) {
      problems.push(`${name} ${show(v)} is not allowed; allowed: ${allowed}`);
      return undefined;
    }
    return v;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const v = valueOf(env, name);
    if (v === undefined) return fallback;
    if (v === "true" || v === "false") return v === "true";
    problems.push(`${name} ${show(v)} is not allowed; allowed: true, false`);
    return fallback;
  };
  const list = (name: string, re: RegExp, allowed: string): string[] | undefined => {
    const v = valueOf(env, name);
    if (v === undefined) return undefined;
    const items = commaList(v);
    const bad = items.filter((x) => !re.test(x));
    if (bad.length > 0) {
      problems.push(`${name} ${show(v)} is not allowed (${bad.map(show).join(", ")}); allowed: ${allowed}`);
      return undefined;
    }
    return [...new Set(items)];
  };

  const clusterId = pattern(
    E.clusterId,
    CLUSTER_ID,
    "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit (no '/'); or unset for the kube-system Namespace UID",
  );
  const vpcId = pattern(E.vpcId, VPC_ID, "a VPC id like vpc-bp1xxxx");
  const vSwitchIds = list(E.vSwitchIds, VSWITCH_ID, "a comma list of vSwitch ids like vsw-bp1xxxx") ?? [];
  const resourceGroupId = pattern(
    E.resourceGroupId,
    RESOURCE_GROUP_ID,
    "a resource group id like rg-acfmxxxx",
  );
  let defaultBackendType: BackendType = DEFAULT_CLOUD_SETTINGS.defaultBackendType;
  const backend = valueOf(env, E.defaultBackendType);
  if (backend === "ecs" || backend === "eni") defaultBackendType = backend;
  else if (backend !== undefined)
    problems.push(`${E.defaultBackendType} ${show(backend)} is not allowed; allowed: ecs, eni`);
  const forbidPublicLoadBalancer = bool(
    E.forbidPublicLoadBalancer,
    DEFAULT_CLOUD_SETTINGS.forbidPublicLoadBalancer,
  );
  const allowedNamespaces = list(
    E.reuseAllowedNamespaces,
    NAMESPACE,
    "a comma list of namespace names (DNS-1123 labels); unset or empty for every namespace",
  );
  const requireNamespaceTag = bool(
    E.reuseRequireNamespaceTag,
    DEFAULT_CLOUD_SETTINGS.reuse.requireNamespaceTag,
  );
  if (problems.length > 0) throw new SettingsError(problems);
  const settings: CloudSettings = {
    vSwitchIds,
    defaultBackendType,
    forbidPublicLoadBalancer,
    reuse: { requireNamespaceTag, namespaceTagKey: DEFAULT_CLOUD_SETTINGS.reuse.namespaceTagKey },
  };
  if (clusterId) settings.clusterId = clusterId;
  if (vpcId) settings.vpcId = vpcId;
  if (resourceGroupId) settings.resourceGroupId = resourceGroupId;
  if (allowedNamespaces) settings.reuse.allowedNamespaces = allowedNamespaces;
  return settings;
}

/** What is wrong with the settings in `env`, one line each; empty when they load. */
export function cloudSettingsProblems(env: Env): string[] {
  try {
    loadCloudSettings(env);
    return [];
  } catch (e) {
    return e instanceof SettingsError ? e.problems : [String(e)];
  }
}

let cached: CloudSettings | undefined;

/** The process's settings from process.env, loaded once (the start-up check has already proven them). */
export function cloudSettings(): CloudSettings {
  cached ??= loadCloudSettings(process.env);
  return cached;
}

// ---------------------------------------------------------------- cluster identity

/** The one API read the default cluster id needs (ClusterClient satisfies it). */
export interface NamespaceReader {
  get<T>(kind: KindRef, key: ObjectKey): Promise<T | undefined>;
}

/**
 * The cluster id: CLUSTER_ID when set, else the UID of the kube-system Namespace (unique per cluster,
 * stable for its life). A failed or forbidden read throws a message saying what to do; there is no constant
 * fallback, since two clusters sharing one would own each other's listeners and vserver groups.
 */
export async function resolveClusterId(settings: CloudSettings, client: NamespaceReader): Promise<string> {
  if (settings.clusterId) return settings.clusterId;
  const name = CLOUD_SETTINGS_DEFAULTS.clusterIdNamespace;
  const how = `set ${CLOUD_SETTINGS_ENV.clusterId}, or let the operator get the Namespace ${name}`;
  let ns: V1Namespace | undefined;
  try {
    ns = await client.get<V1Namespace>(KINDS.Namespace, { name });
  } catch (e) {
    throw new Error(
      `cannot default the cluster id: reading Namespace ${name} failed (${describeK8sError(e)}); ${how}`,
    );
  }
  const uid = ns?.metadata?.uid;
  if (!uid)
    throw new Error(
      `cannot default the cluster id: Namespace ${name} ${ns ? "has no uid" : "not found"}; ${how}`,
    );
  return uid;
}

let clusterIdOnce: Promise<string> | undefined;

/** resolveClusterId for this process, read once and shared by every capability. */
export function clusterIdentity(client: NamespaceReader): Promise<string> {
  clusterIdOnce ??= resolveClusterId(cloudSettings(), client);
  return clusterIdOnce;
}

// ---------------------------------------------------------------- reuse policy (pure)

/** The policy in words, for messages. */
export function describeReusePolicy(policy: ReusePolicy): string {
  const parts: string[] = [];
  if (policy.allowedNamespaces)
    parts.push(
      `${CLOUD_SETTINGS_ENV.reuseAllowedNamespaces}=${policy.allowedNamespaces.join(",")} (only these namespaces may reuse a load balancer)`,
    );
  if (policy.requireNamespaceTag)
    parts.push(
      `${CLOUD_SETTINGS_ENV.reuseRequireNamespaceTag}=true (only load balancers tagged ${policy.namespaceTagKey}=<namespaces> naming the namespace may be reused)`,
    );
  return parts.length > 0 ? parts.join(" and ") : "every namespace may reuse (upstream behaviour)";
}

/** Namespace allow-list: undefined when `namespace` may reuse, else why not (naming the policy). */
export function reuseNamespaceProblem(policy: ReusePolicy, namespace: string): string | undefined {
  const allowed = policy.allowedNamespaces;
  if (!allowed || allowed.includes(namespace)) return undefined;
  return `the reuse policy ${CLOUD_SETTINGS_ENV.reuseAllowedNamespaces}=${allowed.join(",")} does not allow namespace ${namespace} to reuse a load balancer`;
}

/** The namespaces a load balancer's tags open it to in tag mode (the tag's comma list). */
export function namespacesInReuseTag(
  policy: ReusePolicy,
  tags: readonly { key: string; value: string }[],
): string[] {
  const tag = tags.find((t) => t.key === policy.namespaceTagKey);
  return tag ? commaList(tag.value) : [];
}

/** Tag mode: undefined when the load balancer's tags let `namespace` reuse it, else why not. */
export function reuseTagProblem(
  policy: ReusePolicy,
  namespace: string,
  loadBalancerId: string,
  tags: readonly { key: string; value: string }[],
): string | undefined {
  if (!policy.requireNamespaceTag) return undefined;
  const named = namespacesInReuseTag(policy, tags);
  if (named.includes(namespace)) return undefined;
  const has = named.length > 0 ? `it names ${named.join(",")}` : "it has no such tag";
  return `the reuse policy ${CLOUD_SETTINGS_ENV.reuseRequireNamespaceTag}=true allows only load balancers tagged ${policy.namespaceTagKey} with a value naming the namespace; ${loadBalancerId} may not be reused from namespace ${namespace} (${has})`;
}
