// plan(desired, remote): the pure diff between the local model (model.ts) and the cloud (remote.ts).
// Output is an ordered, deterministic list of actions with explicit dependencies; apply.ts executes it.
// Rule of thumb everywhere below: never an action on a listener, group or backend we do not own (§2.3-§3.5).
import type {
  OnOff,
  SlbBackendServer,
  SlbCreateLoadBalancerRequest,
  SlbDomainExtension,
  SlbListener,
  SlbListenerAttributes,
  SlbListenerProtocol,
  SlbListenerSpec,
  SlbLoadBalancer,
  SlbVServerGroup,
  Tag,
} from "../../src/cloud";
import { clientTokenFor } from "../../src/cloud";
import { OPERATOR_DEFAULTS } from "../../src/config";
import {
  isOwnedBy,
  parseOwnerKey,
  TAG_CLUSTER,
  TAG_DO_NOT_DELETE,
  TAG_REUSED_BY_USER,
  type DesiredListener,
  type DesiredModel,
  type DesiredVServerGroup,
} from "./model";

// ---------------------------------------------------------------- remote model

export interface RemoteModel {
  loadBalancer?: SlbLoadBalancer;
  /** How the SLB was found (§2.1). */
  foundBy?: "id" | "tag" | "name";
  /** Undefined when listeners were not read (reused SLB without force-override, or backends-only scope). */
  listeners?: SlbListener[];
  /**
   * Domain extensions of the HTTPS listeners that carry (or carried) a `domain-extensions` annotation,
   * by listener port. A port missing here was not read, and its extensions are never diffed.
   */
  domainExtensions?: RemoteDomainExtensions[];
  vServerGroups: SlbVServerGroup[];
  /** A lookup problem that must stop the reconcile, e.g. several SLBs carry our tag. */
  lookupError?: string;
}

export interface RemoteDomainExtensions {
  listenerPort: number;
  extensions: SlbDomainExtension[];
}

// ---------------------------------------------------------------- actions

/** The id produced by an earlier action (by its key): a new SLB id or a new vserver group id. */
export interface Ref {
  ref: string;
}
export type IdOrRef = string | Ref;

export type ActionParams =
  | { kind: "CreateLoadBalancer"; request: SlbCreateLoadBalancerRequest }
  | { kind: "SetLoadBalancerName"; loadBalancerId: IdOrRef; name: string }
  | { kind: "SetDeleteProtection"; loadBalancerId: IdOrRef; value: OnOff }
  | {
      kind: "SetModificationProtection";
      loadBalancerId: IdOrRef;
      status: "ConsoleProtection" | "NonProtection";
      reason?: string;
    }
  | {
      kind: "ModifyInstanceChargeType";
      loadBalancerId: IdOrRef;
      chargeType: "PayBySpec" | "PayByCLCU";
      spec?: string;
    }
  | { kind: "ModifyInstanceSpec"; loadBalancerId: IdOrRef; spec: string }
  | {
      kind: "ModifyInternetSpec";
      loadBalancerId: IdOrRef;
      internetChargeType?: "paybytraffic" | "paybybandwidth";
      bandwidthMbps?: number;
    }
  | { kind: "TagLoadBalancer"; loadBalancerId: IdOrRef; tags: Tag[] }
  | { kind: "UntagLoadBalancer"; loadBalancerId: IdOrRef; tagKeys: string[] }
  | { kind: "DeleteLoadBalancer"; loadBalancerId: IdOrRef }
  | { kind: "CreateVServerGroup"; loadBalancerId: IdOrRef; name: string; backends: SlbBackendServer[] }
  | { kind: "DeleteVServerGroup"; vServerGroupId: string; name: string }
  | { kind: "AddBackendServers"; vServerGroupId: IdOrRef; name: string; backends: SlbBackendServer[] }
  | { kind: "RemoveBackendServers"; vServerGroupId: string; name: string; backends: SlbBackendServer[] }
  | { kind: "UpdateBackendServers"; vServerGroupId: string; name: string; backends: SlbBackendServer[] }
  | { kind: "CreateListener"; loadBalancerId: IdOrRef; vServerGroupId: IdOrRef; spec: SlbListenerSpec }
  | {
      kind: "UpdateListener";
      loadBalancerId: IdOrRef;
      port: number;
      protocol: SlbListenerProtocol;
      vServerGroupId?: IdOrRef;
      attrs: SlbListenerAttributes;
    }
  | { kind: "StartListener"; loadBalancerId: IdOrRef; port: number; protocol: SlbListenerProtocol }
  | { kind: "DeleteListener"; loadBalancerId: IdOrRef; port: number; protocol: SlbListenerProtocol }
  | {
      kind: "CreateDomainExtension";
      loadBalancerId: IdOrRef;
      listenerPort: number;
      domain: string;
      serverCertificateId: string;
    }
  | {
      /** SetDomainExtensionAttribute with the extension's id and the new certificate (§9 C11). */
      kind: "UpdateDomainExtension";
      domainExtensionId: string;
      listenerPort: number;
      domain: string;
      serverCertificateId: string;
    }
  | { kind: "DeleteDomainExtension"; domainExtensionId: string; listenerPort: number; domain: string };

export type ActionKind = ActionParams["kind"];

export interface Action {
  kind: ActionKind;
  /** Unique within a plan; other actions name it in dependsOn and in Refs. */
  key: string;
  dependsOn: string[];
  params: ActionParams;
}

export interface PlanError {
  /** Stable reason, e.g. "ReuseForbidden", "ImmutableChanged". */
  reason: string;
  message: string;
}

export interface Plan {
  actions: Action[];
  /** Problems found while planning. Actions still listed are safe to apply despite them. */
  errors: PlanError[];
  /** Notable but not failing, e.g. a group with zero backends (event UnAvailableLoadBalancer). */
  warnings: string[];
}

export interface PlanOptions {
  /** "backends": the Service hash is unchanged, so only vserver-group backends are reconciled (§4.4). */
  scope?: "full" | "backends";
  /**
   * `sg-batch-size` (§3.5): at most this many backends per add/remove/update action, clamped to
   * 1..40; default OPERATOR_DEFAULTS.backendBatchSize (40).
   */
  backendBatchSize?: number;
}

/** The effective batch size: an integer in 1..maxBackendBatchSize, the default when unset or not a number. */
export function backendBatchSize(n: number | undefined): number {
  if (n === undefined || !Number.isFinite(n)) return OPERATOR_DEFAULTS.backendBatchSize;
  return Math.min(OPERATOR_DEFAULTS.maxBackendBatchSize, Math.max(1, Math.floor(n)));
}

const LB_CREATE_KEY = "lb:create";

// ---------------------------------------------------------------- entry point

export function plan(desired: DesiredModel, remote: RemoteModel, opts: PlanOptions = {}): Plan {
  const out = newPlan();
  if (remote.lookupError) {
    out.errors.push({ reason: "LoadBalancerLookupFailed", message: remote.lookupError });
    return out;
  }
  const batchSize = backendBatchSize(opts.backendBatchSize);
  if (desired.deleting) {
    planCleanup(desired, remote, batchSize, out);
    return out;
  }
  planEnsure(desired, remote, opts.scope ?? "full", batchSize, out);
  return out;
}

function newPlan(): Plan {
  return { actions: [], errors: [], warnings: [] };
}

function push(out: Plan, key: string, params: ActionParams, dependsOn: string[] = []): string {
  out.actions.push({ kind: params.kind, key, dependsOn: [...new Set(dependsOn)].sort(), params });
  return key;
}

// ---------------------------------------------------------------- ensure

function planEnsure(
  desired: DesiredModel,
  remote: RemoteModel,
  scope: "full" | "backends",
  batchSize: number,
  out: Plan,
): void {
  const lb = remote.loadBalancer;
  let lbId: IdOrRef;
  if (lb) {
    if (!checkReuse(desired, lb, out)) return;
    lbId = lb.loadBalancerId;
    if (scope === "full") planInstanceAttributes(desired, lb, out);
  } else {
    if (!mayCreate(desired, out)) return;
    lbId = { ref: push(out, LB_CREATE_KEY, { kind: "CreateLoadBalancer", request: createRequest(desired) }) };
  }
  const groups = planVServerGroups(desired, remote, lbId, batchSize, out);
  // A new SLB has no listeners yet, whatever the hash says.
  // Listeners that were not read cannot be diffed: planning against "none" would re-create them all.
  const full = !lb || (scope === "full" && remote.listeners !== undefined);
  const listenerKeys =
    full && listenersManaged(desired) ? planListeners(desired, remote, lbId, groups, out) : [];
  planStaleGroups(desired, remote, listenerKeys, batchSize, out);
}

/** §2.1: no SLB found. A Service that already shows an address lost its SLB: never silently make a new one. */
function mayCreate(desired: DesiredModel, out: Plan): boolean {
  const d = desired.loadBalancer;
  if (d.mode === "reuse") {
    out.errors.push({
      reason: "LoadBalancerNotFound",
      message: `alicloud: can not find loadbalancer by id ${d.reuseId ?? ""}`,
    });
    return false;
  }
  const ips = desired.statusIngress.map((i) => i.ip ?? i.hostname).filter((ip): ip is string => !!ip);
  if (ips.length > 0) {
    out.errors.push({
      reason: "LoadBalancerNotFound",
      message: `alicloud: can not find loadbalancer, but it's defined in service [${ips.join(",")}] this may happen when you delete the loadbalancer`,
    });
    return false;
  }
  return true;
}

function createRequest(desired: DesiredModel): SlbCreateLoadBalancerRequest {
  const d = desired.loadBalancer;
  const isPayBySpec = d.instanceChargeType === "PayBySpec";
  const req: SlbCreateLoadBalancerRequest = {
    loadBalancerName: d.name ?? d.defaultName,
    addressType: d.addressType,
    addressIPVersion: d.addressIPVersion,
    vSwitchId: d.vSwitchId,
    address: d.address,
    // §9 C1: no charge type means PayByCLCU; a spec only applies to PayBySpec.
    instanceChargeType: d.instanceChargeType ?? "PayByCLCU",
    loadBalancerSpec: isPayBySpec ? (d.loadBalancerSpec ?? "slb.s1.small") : undefined,
    internetChargeType: d.internetChargeType,
    bandwidth: d.internetChargeType === "paybybandwidth" ? d.bandwidthMbps : undefined,
    masterZoneId: d.masterZoneId,
    slaveZoneId: d.slaveZoneId,
    resourceGroupId: d.resourceGroupId,
    deleteProtection: d.deleteProtection ?? "on",
    modificationProtectionStatus: d.modificationProtectionStatus ?? "ConsoleProtection",
    modificationProtectionReason: d.modificationProtectionReason,
    tags: [...d.defaultTags, ...d.additionalTags],
    clientToken: "",
  };
  const body = dropUndefined(req);
  // The cloud replays a token's first answer for 24 h and rejects it with other parameters. So the
  // token covers the generation (type LoadBalancer→ClusterIP→LoadBalancer must make a new SLB) and the
  // request itself (a fixed annotation after a failed create is a new intent); a plain retry reuses it.
  const intent = JSON.stringify({ ...body, clientToken: undefined });
  body.clientToken = clientTokenFor(
    desired.service.uid,
    `clb/slb/${desired.service.generation ?? 0}/${intent}`,
  );
  return body;
}

/** §2.4 / R5: may we touch this SLB at all? Returns false when nothing else may be planned. */
function checkReuse(desired: DesiredModel, lb: SlbLoadBalancer, out: Plan): boolean {
  const d = desired.loadBalancer;
  if (d.mode !== "reuse") return true;
  if (lb.tags.some((t) => t.key === TAG_DO_NOT_DELETE || t.key === TAG_CLUSTER)) {
    out.errors.push({
      reason: "ReuseForbidden",
      message: `alicloud: the loadbalancer ${lb.loadBalancerId} can not be reused, can not reuse loadbalancer created by kubernetes.`,
    });
    return false;
  }
  const oldIp = desired.statusIngress.find((i) => i.ip)?.ip;
  if (oldIp && oldIp !== lb.address && !d.externalIpIsEip) {
    out.errors.push({
      reason: "ReuseForbidden",
      message: `service has been associated with ip [${oldIp}], cannot be bound to ip [${lb.address}]`,
    });
    return false;
  }
  // [D] R5 on a reused SLB blocks everything: the user named an SLB that is not the one they described.
  return immutableMismatches(desired, lb, out) === 0;
}

/** Create-time attributes that differ from the SLB; each becomes an error (§1.1 "immutable-err", R5). */
function immutableMismatches(desired: DesiredModel, lb: SlbLoadBalancer, out: Plan): number {
  const d = desired.loadBalancer;
  const checks: [string, string | undefined, string | undefined][] = [
    ["AddressType", d.addressType, lb.addressType],
    ["AddressIPVersion", d.addressIPVersion, lb.addressIPVersion],
    ["ResourceGroupId", d.resourceGroupId, lb.resourceGroupId],
    ["master zone id", d.masterZoneId, lb.masterZoneId],
    ["slave zone id", d.slaveZoneId, lb.slaveZoneId],
    ["network type", d.networkType, lb.networkType],
    ["address", d.address, lb.address],
  ];
  let n = 0;
  for (const [what, want, have] of checks) {
    if (want === undefined || want === have) continue;
    n++;
    out.errors.push({
      reason: "ImmutableChanged",
      message: `alicloud: can not change LoadBalancer ${what} once created (want ${want}, have ${have ?? "unset"}). delete and retry`,
    });
  }
  return n;
}

// ---------------------------------------------------------------- instance attributes

function planInstanceAttributes(desired: DesiredModel, lb: SlbLoadBalancer, out: Plan): void {
  const d = desired.loadBalancer;
  const id = lb.loadBalancerId;
  // Created SLB: immutable drift is reported but does not block listeners and groups (§4.5).
  if (d.mode === "create") immutableMismatches(desired, lb, out);
  if (d.name !== undefined && d.name !== lb.loadBalancerName) {
    push(out, "lb:name", { kind: "SetLoadBalancerName", loadBalancerId: id, name: d.name });
  }
  if (d.deleteProtection !== undefined && d.deleteProtection !== lb.deleteProtection) {
    push(out, "lb:delete-protection", {
      kind: "SetDeleteProtection",
      loadBalancerId: id,
      value: d.deleteProtection,
    });
  }
  if (
    d.modificationProtectionStatus !== undefined &&
    d.modificationProtectionStatus !== lb.modificationProtectionStatus
  ) {
    push(out, "lb:modification-protection", {
      kind: "SetModificationProtection",
      loadBalancerId: id,
      status: d.modificationProtectionStatus,
      reason:
        d.modificationProtectionStatus === "ConsoleProtection" ? d.modificationProtectionReason : undefined,
    });
  }
  planBilling(desired, lb, out);
  planInternetSpec(desired, lb, out);
  planTags(desired, lb, out);
}

/** Upstream updateInstanceChargeTypeAndInstanceSpec: a charge-type change carries the spec; else a spec change alone. */
function planBilling(desired: DesiredModel, lb: SlbLoadBalancer, out: Plan): void {
  const d = desired.loadBalancer;
  const id = lb.loadBalancerId;
  if (d.instanceChargeType !== undefined && d.instanceChargeType !== lb.instanceChargeType) {
    const spec = d.instanceChargeType === "PayBySpec" ? (d.loadBalancerSpec ?? "slb.s1.small") : undefined;
    push(
      out,
      "lb:charge-type",
      dropUndefined({
        kind: "ModifyInstanceChargeType",
        loadBalancerId: id,
        chargeType: d.instanceChargeType,
        spec,
      }),
    );
    return;
  }
  const effectiveType = d.instanceChargeType ?? lb.instanceChargeType;
  if (
    effectiveType === "PayBySpec" &&
    d.loadBalancerSpec !== undefined &&
    d.loadBalancerSpec !== lb.loadBalancerSpec
  ) {
    push(out, "lb:spec", { kind: "ModifyInstanceSpec", loadBalancerId: id, spec: d.loadBalancerSpec });
  }
}

/** Internet billing and bandwidth apply to internet SLBs only; bandwidth only under paybybandwidth (§1.1 #10-11). */
function planInternetSpec(desired: DesiredModel, lb: SlbLoadBalancer, out: Plan): void {
  const d = desired.loadBalancer;
  if (lb.addressType !== "internet") return;
  const chargeType = d.internetChargeType ?? lb.internetChargeType;
  const chargeChanged = d.internetChargeType !== undefined && d.internetChargeType !== lb.internetChargeType;
  const bandwidthChanged =
    chargeType === "paybybandwidth" && d.bandwidthMbps !== undefined && d.bandwidthMbps !== lb.bandwidth;
  if (!chargeChanged && !bandwidthChanged) return;
  push(
    out,
    "lb:internet-spec",
    dropUndefined({
      kind: "ModifyInternetSpec",
      loadBalancerId: lb.loadBalancerId,
      internetChargeType: chargeChanged ? d.internetChargeType : undefined,
      bandwidthMbps: chargeType === "paybybandwidth" ? d.bandwidthMbps : undefined,
    }),
  );
}

/**
 * Tags (§2.2, §9 C3): add missing or changed ones; untag only keys we applied before and that left the
 * annotation. `acs:` keys and the ownership tags are never removed here.
 */
function planTags(desired: DesiredModel, lb: SlbLoadBalancer, out: Plan): void {
  const d = desired.loadBalancer;
  const have = new Map(lb.tags.map((t) => [t.key, t.value]));
  const want: Tag[] = [...d.defaultTags, ...d.additionalTags];
  // Upstream marks a reused SLB, but only while it has room (MaxLBTagNum = 10).
  if (d.mode === "reuse" && !have.has(TAG_REUSED_BY_USER) && lb.tags.length < 10) {
    want.push({ key: TAG_REUSED_BY_USER, value: "true" });
  }
  const toAdd = want.filter((t) => have.get(t.key) !== t.value);
  const wantKeys = new Set(want.map((t) => t.key));
  const protectedKey = (k: string) =>
    k.startsWith("acs:") || k === TAG_DO_NOT_DELETE || k === TAG_CLUSTER || k === TAG_REUSED_BY_USER;
  const toRemove = [...new Set(d.appliedTagKeys)]
    .filter((k) => have.has(k) && !wantKeys.has(k) && !protectedKey(k))
    .sort();
  const id = lb.loadBalancerId;
  if (toAdd.length > 0) push(out, "lb:tag", { kind: "TagLoadBalancer", loadBalancerId: id, tags: toAdd });
  if (toRemove.length > 0)
    push(out, "lb:untag", { kind: "UntagLoadBalancer", loadBalancerId: id, tagKeys: toRemove });
}

// ---------------------------------------------------------------- vserver groups

/** Where each desired group lives after apply: its id, or a Ref to the action that creates it. */
type GroupIds = Map<string, { id: IdOrRef; createKey?: string }>;

function groupKey(g: DesiredVServerGroup): string {
  return `vgroup:${g.userGroupId ?? g.name}`;
}

function planVServerGroups(
  desired: DesiredModel,
  remote: RemoteModel,
  lbId: IdOrRef,
  batchSize: number,
  out: Plan,
): GroupIds {
  const ids: GroupIds = new Map();
  for (const g of [...desired.vServerGroups].sort((a, b) => a.servicePort - b.servicePort)) {
    if (g.backends.length === 0)
      out.warnings.push(`There are no available nodes for LoadBalancer (group ${g.name})`);
    const found = findRemoteGroup(desired, remote, g, out);
    if (found === "error") continue;
    if (found) {
      ids.set(g.name, { id: found.vServerGroupId });
      planBackendDiff(desired, g, found, batchSize, out);
      continue;
    }
    // The group is created with its first batch of backends (one call instead of a create and an
    // add); the other batches are added once it exists. Listeners wait for the create only.
    const [first = [], ...rest] = batches(sortBackends(g.backends), batchSize);
    const createKey = push(
      out,
      `${groupKey(g)}:create`,
      { kind: "CreateVServerGroup", loadBalancerId: lbId, name: g.name, backends: first },
      depsOfRef(lbId),
    );
    const id: IdOrRef = { ref: createKey };
    pushBackendBatches(out, `${groupKey(g)}:add`, rest, [createKey], (backends) => ({
      kind: "AddBackendServers",
      vServerGroupId: id,
      name: g.name,
      backends,
    }));
    ids.set(g.name, { id, createKey });
  }
  return ids;
}

function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * One action per batch, in order: `<key>` when there is one batch, `<key>:1`, `<key>:2`, … otherwise.
 * The first waits for `after`, each later one for the batch before it. Returns the last key.
 */
function pushBackendBatches(
  out: Plan,
  key: string,
  parts: SlbBackendServer[][],
  after: string[],
  params: (backends: SlbBackendServer[]) => ActionParams,
): string | undefined {
  let last: string | undefined;
  for (const [i, part] of parts.entries()) {
    const k = parts.length === 1 ? key : `${key}:${i + 1}`;
    last = push(out, k, params(part), last ? [last] : after);
  }
  return last;
}

/** By id for `vgroup-port` (must exist, must be a user group), otherwise by name (§3.5). */
function findRemoteGroup(
  desired: DesiredModel,
  remote: RemoteModel,
  g: DesiredVServerGroup,
  out: Plan,
): SlbVServerGroup | undefined | "error" {
  if (!g.userGroupId) return remote.vServerGroups.find((r) => r.vServerGroupName === g.name);
  const lbId = remote.loadBalancer?.loadBalancerId ?? desired.loadBalancer.reuseId ?? "";
  const found = remote.vServerGroups.find((r) => r.vServerGroupId === g.userGroupId);
  if (!found) {
    out.errors.push({
      reason: "VGroupNotFound",
      message: `can not find vgroupId ${g.userGroupId} in lb ${lbId}`,
    });
    return "error";
  }
  if (parseOwnerKey(found.vServerGroupName)) {
    out.errors.push({
      reason: "VGroupForbidden",
      message: `cannot reuse a ccm created vgroup ${g.userGroupId} for slb ${lbId}`,
    });
    return "error";
  }
  return found;
}

/** §3.5 key: (ServerId, Port) for ECS, (ServerId, ServerIp, Port) for ENI/ECI. */
function backendKey(b: SlbBackendServer): string {
  return b.type === "ecs" ? `${b.serverId}|${b.port}` : `${b.serverId}|${b.serverIp ?? ""}|${b.port}`;
}

function sortBackends(bs: SlbBackendServer[]): SlbBackendServer[] {
  return [...bs].sort((a, b) => (backendKey(a) < backendKey(b) ? -1 : backendKey(a) > backendKey(b) ? 1 : 0));
}

/**
 * Add, then remove, then update, each in batches of `sg-batch-size` (§3.5). Remote backends not
 * described as ours are user-managed: never touched.
 */
function planBackendDiff(
  desired: DesiredModel,
  g: DesiredVServerGroup,
  remote: SlbVServerGroup,
  batchSize: number,
  out: Plan,
): void {
  const mine = (b: SlbBackendServer) => isOwnedBy(b.description, desired.service, desired.clusterId);
  const remoteByKey = new Map(remote.backendServers.map((b) => [backendKey(b), b]));
  const localKeys = new Set(g.backends.map(backendKey));
  // §3.5: with invalid ENI backends (pod IPs without an ENI yet) the group is only added to.
  const addOnly = (g.invalidBackendIps ?? []).length > 0;
  const toAdd = g.backends.filter((b) => !remoteByKey.has(backendKey(b)));
  const toRemove = addOnly
    ? []
    : remote.backendServers.filter((b) => mine(b) && !localKeys.has(backendKey(b)));
  const toUpdate = g.backends.filter((b) => {
    if (addOnly) return false;
    const r = remoteByKey.get(backendKey(b));
    if (!r || !mine(r)) return false;
    return (!g.ignoreWeightUpdate && r.weight !== b.weight) || r.description !== b.description;
  });
  const vServerGroupId = remote.vServerGroupId;
  const base = groupKey(g);
  const name = g.name;
  // Each phase starts once every batch of the phases before it went through.
  const deps: string[] = [];
  const added = pushBackendBatches(
    out,
    `${base}:add`,
    batches(sortBackends(toAdd), batchSize),
    [],
    (backends) => ({
      kind: "AddBackendServers",
      vServerGroupId,
      name,
      backends,
    }),
  );
  if (added) deps.push(added);
  const removed = pushBackendBatches(
    out,
    `${base}:remove`,
    batches(sortBackends(toRemove), batchSize),
    [...deps],
    (backends) => ({ kind: "RemoveBackendServers", vServerGroupId, name, backends }),
  );
  if (removed) deps.push(removed);
  pushBackendBatches(
    out,
    `${base}:update`,
    batches(sortBackends(toUpdate), batchSize),
    [...deps],
    (backends) => ({ kind: "UpdateBackendServers", vServerGroupId, name, backends }),
  );
}

/**
 * Remote groups named as this Service's but no longer desired (§3.5 cleanup): deleted after the listener
 * actions, since a listener may still point at them. A group holding user backends only loses ours.
 */
function planStaleGroups(
  desired: DesiredModel,
  remote: RemoteModel,
  listenerKeys: string[],
  batchSize: number,
  out: Plan,
): void {
  const wanted = new Set(desired.vServerGroups.flatMap((g) => [g.name, g.userGroupId ?? ""]));
  const unwanted = remote.vServerGroups.filter(
    (r) => !wanted.has(r.vServerGroupName) && !wanted.has(r.vServerGroupId),
  );
  for (const r of sortGroups(unwanted)) {
    if (isOwnedBy(r.vServerGroupName, desired.service, desired.clusterId)) {
      removeGroupOrOurBackends(desired, r, listenerKeys, batchSize, out);
    } else if (!parseOwnerKey(r.vServerGroupName)) {
      // A user group we no longer bind (vgroup-port removed or changed): take our backends out.
      removeOurBackends(desired, r, listenerKeys, batchSize, out);
    }
  }
}

function sortGroups(gs: SlbVServerGroup[]): SlbVServerGroup[] {
  return [...gs].sort((a, b) =>
    a.vServerGroupName < b.vServerGroupName ? -1 : a.vServerGroupName > b.vServerGroupName ? 1 : 0,
  );
}

function removeGroupOrOurBackends(
  desired: DesiredModel,
  r: SlbVServerGroup,
  dependsOn: string[],
  batchSize: number,
  out: Plan,
): void {
  const mine = (b: SlbBackendServer) => isOwnedBy(b.description, desired.service, desired.clusterId);
  if (!r.backendServers.every(mine)) {
    removeOurBackends(desired, r, dependsOn, batchSize, out);
    return;
  }
  push(
    out,
    `vgroup:${r.vServerGroupName}:delete`,
    { kind: "DeleteVServerGroup", vServerGroupId: r.vServerGroupId, name: r.vServerGroupName },
    dependsOn,
  );
}

function removeOurBackends(
  desired: DesiredModel,
  r: SlbVServerGroup,
  dependsOn: string[],
  batchSize: number,
  out: Plan,
): void {
  const ours = r.backendServers.filter((b) => isOwnedBy(b.description, desired.service, desired.clusterId));
  pushBackendBatches(
    out,
    `vgroup:${r.vServerGroupId}:remove`,
    batches(sortBackends(ours), batchSize),
    dependsOn,
    (backends) => ({
      kind: "RemoveBackendServers",
      vServerGroupId: r.vServerGroupId,
      name: r.vServerGroupName,
      backends,
    }),
  );
}

// ---------------------------------------------------------------- listeners

/** §2.3: listeners are managed on created SLBs, and on reused ones only with force-override-listeners. */
function listenersManaged(desired: DesiredModel): boolean {
  return desired.loadBalancer.mode === "create" || desired.loadBalancer.forceOverrideListeners;
}

function listenerKey(protocol: string, port: number): string {
  return `listener:${protocol}:${port}`;
}

/** TCP and UDP listeners on one port coexist; http/https/tcp share the TCP transport. */
function transport(p: SlbListenerProtocol): "tcp" | "udp" {
  return p === "udp" ? "udp" : "tcp";
}

interface ListenerDiff {
  creates: DesiredListener[];
  updates: { local: DesiredListener; remote: SlbListener }[];
  deletes: SlbListener[];
}

function diffListeners(
  desired: DesiredModel,
  remote: SlbListener[],
  groups: GroupIds,
  out: Plan,
): ListenerDiff {
  const diff: ListenerDiff = { creates: [], updates: [], deletes: [] };
  const same = (l: DesiredListener, r: SlbListener) =>
    l.port === r.listenerPort && l.protocol === r.listenerProtocol;
  const ours = (r: SlbListener) => isOwnedBy(r.description, desired.service, desired.clusterId);
  for (const r of remote) {
    const local = desired.listeners.find((l) => same(l, r));
    if (!local) {
      if (ours(r)) diff.deletes.push(r);
    } else if (forwardingChanged(local, r) || forwarderGroupReplaced(local, r, groups)) {
      // forward-port change on an HTTP listener, or its group replaced: delete and recreate (§2.3).
      diff.deletes.push(r);
      diff.creates.push(local);
    } else {
      diff.updates.push({ local, remote: r });
    }
  }
  for (const l of desired.listeners) {
    if (remote.some((r) => same(l, r))) continue;
    // A listener we may not delete still holds this port's transport: creating would fail in the cloud.
    const blocker = remote.find(
      (r) => r.listenerPort === l.port && transport(r.listenerProtocol) === transport(l.protocol) && !ours(r),
    );
    if (blocker) {
      out.errors.push({
        reason: "ListenerPortInUse",
        message: `port ${l.port} is used by ${blocker.listenerProtocol} listener "${blocker.description ?? ""}" not owned by this service`,
      });
      continue;
    }
    diff.creates.push(l);
  }
  return diff;
}

function forwardingChanged(local: DesiredListener, r: SlbListener): boolean {
  if (local.protocol !== "http") return false;
  const remotePort = r.listenerForward === "on" ? r.forwardPort : undefined;
  return remotePort !== local.forwardPort;
}

/**
 * A forwarding HTTP listener is never updated (§2.3), yet it keeps the vserver group it was created
 * with. When that group is replaced (backend-type ecs<->eni or a NodePort change renames it, vgroup-port
 * binds another), the stale group could never be deleted while the listener holds it (RspoolVipExist):
 * the listener is re-created on the new group instead. A listener that reports no group is left alone.
 */
function forwarderGroupReplaced(local: DesiredListener, r: SlbListener, groups: GroupIds): boolean {
  if (local.protocol !== "http" || local.forwardPort === undefined || r.listenerForward !== "on")
    return false;
  const group = groups.get(local.vServerGroupName);
  if (!group || !r.vServerGroupId) return false;
  return group.id !== r.vServerGroupId;
}

function planListeners(
  desired: DesiredModel,
  remote: RemoteModel,
  lbId: IdOrRef,
  groups: GroupIds,
  out: Plan,
): string[] {
  const diff = diffListeners(desired, remote.listeners ?? [], groups, out);
  const keys: string[] = [];
  const deleteKeys = planListenerDeletes(diff.deletes, lbId, out);
  keys.push(...deleteKeys.values());
  const createKeys = new Map<number, string>();
  // Targets before forwarders: https (no forward) first, then by port.
  const creates = [...diff.creates].sort(
    (a, b) => Number(!!a.forwardPort) - Number(!!b.forwardPort) || a.port - b.port,
  );
  for (const l of creates) {
    const group = groups.get(l.vServerGroupName);
    if (!group) {
      out.errors.push({
        reason: "VGroupMissing",
        message: `listener ${l.protocol}:${l.port} has no vserver group ${l.vServerGroupName}`,
      });
      continue;
    }
    const deps = [...depsOfRef(lbId), ...(group.createKey ? [group.createKey] : [])];
    const sameProtoPortDelete = [...deleteKeys.entries()]
      .filter(([r]) => r.listenerPort === l.port)
      .map(([, k]) => k);
    deps.push(...sameProtoPortDelete);
    if (l.forwardPort !== undefined && createKeys.has(l.forwardPort))
      deps.push(createKeys.get(l.forwardPort) as string);
    const key = push(
      out,
      `${listenerKey(l.protocol, l.port)}:create`,
      { kind: "CreateListener", loadBalancerId: lbId, vServerGroupId: group.id, spec: listenerSpec(l) },
      deps,
    );
    createKeys.set(l.port, key);
    keys.push(
      key,
      push(
        out,
        `${listenerKey(l.protocol, l.port)}:start`,
        { kind: "StartListener", loadBalancerId: lbId, port: l.port, protocol: l.protocol },
        [key],
      ),
    );
  }
  for (const u of [...diff.updates].sort(
    (a, b) => a.local.port - b.local.port || (a.local.protocol < b.local.protocol ? -1 : 1),
  )) {
    keys.push(...planListenerUpdate(u.local, u.remote, lbId, groups, out));
  }
  planDomainExtensions(desired, remote, diff, lbId, out);
  return keys;
}

/**
 * `domain-extensions` (§1.2 row 45) on the HTTPS listeners this plan leaves us owning: a listener
 * created here gets its extensions after its create; on an existing one they are diffed by domain.
 * A changed certificate is a SetDomainExtensionAttribute with the extension's id and the *new*
 * certificate (upstream sends neither, §9 C11). An extension leaves only if we created or updated it
 * before; a listener we delete takes its extensions with it, so nothing is planned for those.
 */
function planDomainExtensions(
  desired: DesiredModel,
  remote: RemoteModel,
  diff: ListenerDiff,
  lbId: IdOrRef,
  out: Plan,
): void {
  const applied = new Set(desired.appliedDomainExtensions ?? []);
  const https = desired.listeners.filter((l) => l.protocol === "https").sort((a, b) => a.port - b.port);
  for (const l of https) {
    const want = l.domainExtensions ?? [];
    const createKey = `${listenerKey(l.protocol, l.port)}:create`;
    const created = out.actions.some((a) => a.key === createKey) ? createKey : undefined;
    let have: SlbDomainExtension[];
    if (created) {
      have = [];
    } else {
      // Not created (a blocked port or a missing group) and not updated: no listener of ours to extend.
      if (!diff.updates.some((u) => u.local === l)) continue;
      const read = remote.domainExtensions?.find((d) => d.listenerPort === l.port);
      if (!read) continue; // not read: never diff blindly (a create would fail with DomainExist)
      have = read.extensions;
    }
    const base = `${listenerKey(l.protocol, l.port)}:domain`;
    for (const w of want) {
      const r = have.find((h) => h.domain === w.domain);
      if (!r) {
        push(
          out,
          `${base}:${w.domain}:create`,
          {
            kind: "CreateDomainExtension",
            loadBalancerId: lbId,
            listenerPort: l.port,
            domain: w.domain,
            serverCertificateId: w.serverCertificateId,
          },
          created ? [created] : [],
        );
      } else if (r.serverCertificateId !== w.serverCertificateId) {
        push(out, `${base}:${w.domain}:update`, {
          kind: "UpdateDomainExtension",
          domainExtensionId: r.domainExtensionId,
          listenerPort: l.port,
          domain: w.domain,
          serverCertificateId: w.serverCertificateId,
        });
      }
    }
    const gone = have
      .filter((r) => !want.some((w) => w.domain === r.domain) && applied.has(r.domain))
      .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
    for (const r of gone) {
      push(out, `${base}:${r.domain}:delete`, {
        kind: "DeleteDomainExtension",
        domainExtensionId: r.domainExtensionId,
        listenerPort: l.port,
        domain: r.domain,
      });
    }
  }
}

/**
 * The extension domains to record as ours after a reconcile (the applied-domain-extensions
 * annotation), or undefined when this Service's listeners are not ours to manage (§2.3).
 */
export function domainExtensionsToRecord(desired: DesiredModel): string[] | undefined {
  if (!listenersManaged(desired)) return undefined;
  const domains = desired.listeners.flatMap((l) => (l.domainExtensions ?? []).map((d) => d.domain));
  return [...new Set(domains)].sort();
}

/** Deletes; an HTTP forwarder goes before the HTTPS listener it points at (§2.3). */
function planListenerDeletes(deletes: SlbListener[], lbId: IdOrRef, out: Plan): Map<SlbListener, string> {
  const keys = new Map<SlbListener, string>();
  const sorted = [...deletes].sort(
    (a, b) =>
      Number(b.listenerForward === "on") - Number(a.listenerForward === "on") ||
      a.listenerPort - b.listenerPort,
  );
  for (const r of sorted) {
    const forwarders = [...keys.entries()]
      .filter(([f]) => f.listenerForward === "on" && f.forwardPort === r.listenerPort)
      .map(([, k]) => k);
    const key = push(
      out,
      `${listenerKey(r.listenerProtocol, r.listenerPort)}:delete`,
      { kind: "DeleteListener", loadBalancerId: lbId, port: r.listenerPort, protocol: r.listenerProtocol },
      forwarders,
    );
    keys.set(r, key);
  }
  return keys;
}

function listenerSpec(l: DesiredListener): SlbListenerSpec {
  const creationDefaults: SlbListenerAttributes = { scheduler: "rr" };
  if (l.protocol === "http" || l.protocol === "https") {
    creationDefaults.stickySession = "off";
    creationDefaults.healthCheck = "off";
  }
  const forward: SlbListenerAttributes =
    l.forwardPort !== undefined ? { listenerForward: "on", forwardPort: l.forwardPort } : {};
  return sortKeys({
    listenerPort: l.port,
    listenerProtocol: l.protocol,
    ...creationDefaults,
    ...l.attributes,
    ...forward,
    description: l.description,
  });
}

function planListenerUpdate(
  l: DesiredListener,
  r: SlbListener,
  lbId: IdOrRef,
  groups: GroupIds,
  out: Plan,
): string[] {
  const keys: string[] = [];
  const base = listenerKey(l.protocol, l.port);
  // A forwarding HTTP listener has no backends of its own and is never updated upstream (§2.3).
  const forwarding = l.forwardPort !== undefined;
  const group = groups.get(l.vServerGroupName);
  const attrs = forwarding ? {} : changedAttributes(l, r);
  const groupChanged = !forwarding && group !== undefined && group.id !== r.vServerGroupId;
  let updateKey: string | undefined;
  if (Object.keys(attrs).length > 0 || groupChanged) {
    updateKey = push(
      out,
      `${base}:update`,
      dropUndefined({
        kind: "UpdateListener",
        loadBalancerId: lbId,
        port: l.port,
        protocol: l.protocol,
        vServerGroupId: groupChanged ? group.id : undefined,
        attrs,
      }),
      group?.createKey && groupChanged ? [group.createKey] : [],
    );
    keys.push(updateKey);
  }
  if (r.status === "stopped") {
    keys.push(
      push(
        out,
        `${base}:start`,
        { kind: "StartListener", loadBalancerId: lbId, port: l.port, protocol: l.protocol },
        updateKey ? [updateKey] : [],
      ),
    );
  }
  return keys;
}

/** Annotation-driven attributes that differ from the remote listener, plus the ownership description. */
function changedAttributes(l: DesiredListener, r: SlbListener): SlbListenerAttributes {
  const want: Record<string, unknown> = { ...l.attributes, description: l.description };
  const have = r as unknown as Record<string, unknown>;
  const changed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(want)) {
    if (v === undefined) continue;
    const equal =
      k === "aclId" && typeof v === "string" ? sameIdSet(v, have[k] as string | undefined) : have[k] === v;
    if (!equal) changed[k] = v;
  }
  return sortKeys(changed) as SlbListenerAttributes;
}

/** ACL ids compare as a set (upstream IsListenerACLIDsEqual). */
function sameIdSet(a: string, b: string | undefined): boolean {
  const norm = (s: string) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean)
      .sort()
      .join(",");
  return norm(a) === norm(b ?? "");
}

// ---------------------------------------------------------------- cleanup (§2.4 deletion table)

function planCleanup(desired: DesiredModel, remote: RemoteModel, batchSize: number, out: Plan): void {
  const lb = remote.loadBalancer;
  if (!lb) return; // nothing left in the cloud: cleanup is done
  const d = desired.loadBalancer;
  if (d.mode === "create" && !d.preserveOnDelete) {
    const deps: string[] = [];
    if (lb.deleteProtection === "on") {
      deps.push(
        push(out, "lb:delete-protection", {
          kind: "SetDeleteProtection",
          loadBalancerId: lb.loadBalancerId,
          value: "off",
        }),
      );
    }
    push(out, "lb:delete", { kind: "DeleteLoadBalancer", loadBalancerId: lb.loadBalancerId }, deps);
    return;
  }
  if (d.mode === "reuse" && lb.tags.some((t) => t.key === TAG_DO_NOT_DELETE || t.key === TAG_CLUSTER)) {
    return; // we never got to manage a forbidden SLB, so there is nothing of ours on it
  }
  if (d.mode === "create") planPreserve(lb, out);
  const listenerKeys = cleanupListeners(desired, remote, lb, out);
  for (const r of sortGroups(remote.vServerGroups)) {
    if (isOwnedBy(r.vServerGroupName, desired.service, desired.clusterId)) {
      removeGroupOrOurBackends(desired, r, listenerKeys, batchSize, out);
    } else if (!parseOwnerKey(r.vServerGroupName)) {
      removeOurBackends(desired, r, listenerKeys, batchSize, out); // a user group (vgroup-port): only our backends leave
    }
  }
  if (d.mode === "create") untagOwnership(lb, out);
}

/** preserve-lb-on-delete: hand the SLB back unprotected, so another Service can reuse it. */
function planPreserve(lb: SlbLoadBalancer, out: Plan): void {
  const id = lb.loadBalancerId;
  if (lb.deleteProtection === "on")
    push(out, "lb:delete-protection", { kind: "SetDeleteProtection", loadBalancerId: id, value: "off" });
  if (lb.modificationProtectionStatus !== "NonProtection") {
    push(out, "lb:modification-protection", {
      kind: "SetModificationProtection",
      loadBalancerId: id,
      status: "NonProtection",
    });
  }
}

function untagOwnership(lb: SlbLoadBalancer, out: Plan): void {
  const keys = lb.tags
    .map((t) => t.key)
    .filter((k) => k === TAG_DO_NOT_DELETE || k === TAG_CLUSTER)
    .sort();
  if (keys.length > 0)
    push(out, "lb:untag", { kind: "UntagLoadBalancer", loadBalancerId: lb.loadBalancerId, tagKeys: keys });
}

/** Our listeners only: always on a preserved created SLB, on a reused SLB only with force-override. */
function cleanupListeners(
  desired: DesiredModel,
  remote: RemoteModel,
  lb: SlbLoadBalancer,
  out: Plan,
): string[] {
  if (desired.loadBalancer.mode === "reuse" && !desired.loadBalancer.forceOverrideListeners) return [];
  const ours = (remote.listeners ?? []).filter((r) =>
    isOwnedBy(r.description, desired.service, desired.clusterId),
  );
  return [...planListenerDeletes(ours, lb.loadBalancerId, out).values()];
}

// ---------------------------------------------------------------- helpers

function depsOfRef(id: IdOrRef): string[] {
  return typeof id === "string" ? [] : [id.ref];
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function sortKeys<T extends object>(o: T): T {
  return Object.fromEntries(
    Object.entries(o)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ) as T;
}

// ---------------------------------------------------------------- printing

function idText(id: IdOrRef | undefined): string {
  if (id === undefined) return "-";
  return typeof id === "string" ? id : `<${id.ref}>`;
}

function backendsText(bs: SlbBackendServer[]): string {
  return bs
    .map(
      (b) =>
        `${b.serverId}${b.serverIp && b.serverIp !== b.serverId ? `(${b.serverIp})` : ""}:${b.port}@${b.weight}`,
    )
    .join(",");
}

function attrsText(a: SlbListenerAttributes): string {
  return Object.entries(a)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
}

/** One human line per action, for `npm run plan` and logs. */
export function formatAction(a: Action): string {
  const p = a.params;
  const after = a.dependsOn.length > 0 ? `  (after ${a.dependsOn.join(", ")})` : "";
  return `${a.key}: ${actionText(p)}${after}`;
}

function actionText(p: ActionParams): string {
  switch (p.kind) {
    case "CreateLoadBalancer":
      return `CreateLoadBalancer name=${p.request.loadBalancerName} addressType=${p.request.addressType ?? "-"} tags=${p.request.tags.map((t) => `${t.key}=${t.value}`).join(",")}`;
    case "SetLoadBalancerName":
      return `SetLoadBalancerName ${idText(p.loadBalancerId)} name=${p.name}`;
    case "SetDeleteProtection":
      return `SetDeleteProtection ${idText(p.loadBalancerId)} ${p.value}`;
    case "SetModificationProtection":
      return `SetModificationProtection ${idText(p.loadBalancerId)} ${p.status}${p.reason ? ` reason=${p.reason}` : ""}`;
    case "ModifyInstanceChargeType":
      return `ModifyInstanceChargeType ${idText(p.loadBalancerId)} ${p.chargeType}${p.spec ? ` spec=${p.spec}` : ""}`;
    case "ModifyInstanceSpec":
      return `ModifyInstanceSpec ${idText(p.loadBalancerId)} spec=${p.spec}`;
    case "ModifyInternetSpec":
      return `ModifyInternetSpec ${idText(p.loadBalancerId)} chargeType=${p.internetChargeType ?? "-"} bandwidthMbps=${p.bandwidthMbps ?? "-"}`;
    case "TagLoadBalancer":
      return `TagLoadBalancer ${idText(p.loadBalancerId)} ${p.tags.map((t) => `${t.key}=${t.value}`).join(",")}`;
    case "UntagLoadBalancer":
      return `UntagLoadBalancer ${idText(p.loadBalancerId)} ${p.tagKeys.join(",")}`;
    case "DeleteLoadBalancer":
      return `DeleteLoadBalancer ${idText(p.loadBalancerId)}`;
    case "CreateVServerGroup":
      return `CreateVServerGroup ${idText(p.loadBalancerId)} name=${p.name} backends=${p.backends.length}`;
    case "DeleteVServerGroup":
      return `DeleteVServerGroup ${p.vServerGroupId} name=${p.name}`;
    case "AddBackendServers":
    case "RemoveBackendServers":
    case "UpdateBackendServers":
      return `${p.kind} ${idText(p.vServerGroupId)} [${backendsText(p.backends)}]`;
    case "CreateListener":
      return `CreateListener ${idText(p.loadBalancerId)} ${p.spec.listenerProtocol}:${p.spec.listenerPort} vgroup=${idText(p.vServerGroupId)}`;
    case "UpdateListener":
      return `UpdateListener ${idText(p.loadBalancerId)} ${p.protocol}:${p.port}${p.vServerGroupId ? ` vgroup=${idText(p.vServerGroupId)}` : ""} ${attrsText(p.attrs)}`.trimEnd();
    case "StartListener":
      return `StartListener ${idText(p.loadBalancerId)} ${p.protocol}:${p.port}`;
    case "DeleteListener":
      return `DeleteListener ${idText(p.loadBalancerId)} ${p.protocol}:${p.port}`;
    case "CreateDomainExtension":
      return `CreateDomainExtension ${idText(p.loadBalancerId)} https:${p.listenerPort} ${p.domain} cert=${p.serverCertificateId}`;
    case "UpdateDomainExtension":
      return `UpdateDomainExtension ${p.domainExtensionId} (https:${p.listenerPort} ${p.domain}) cert=${p.serverCertificateId}`;
    case "DeleteDomainExtension":
      return `DeleteDomainExtension ${p.domainExtensionId} (https:${p.listenerPort} ${p.domain})`;
  }
}
