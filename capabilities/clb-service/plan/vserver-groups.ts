// Planner for vserver groups and their backends (§3.5): find or create each desired group, diff its backends in batches
// (add, then remove, then update), and clean up the groups this Service no longer wants. Only groups and backends whose
// owner key names this Service are ever changed (../tracking.ts). § numbers refer to docs/clb-service.md.
import type { SlbBackendServer, SlbVServerGroup } from "../../../src/cloud";
import type { DesiredModel, DesiredVServerGroup } from "../model";
import { isOwnedBy, parseOwnerKey } from "../tracking";
import { batches, depsOfRef, push } from "./common";
import type { ActionParams, IdOrRef, Plan, RemoteModel } from "./index";

/** Where each desired group lives after apply: its id, or a Ref to the action that creates it. */
export type GroupIds = Map<string, { id: IdOrRef; createKey?: string }>;

function groupKey(g: DesiredVServerGroup): string {
  return `vgroup:${g.userGroupId ?? g.name}`;
}

export function planVServerGroups(
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
 * Remote groups no longer desired (§3.5 cleanup): ours are deleted after the listener actions, since a
 * listener may still point at them; a user group we no longer bind (vgroup-port removed or changed)
 * only loses our backends. See releaseGroups.
 */
export function planStaleGroups(
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
  releaseGroups(desired, unwanted, listenerKeys, batchSize, out);
}

function sortGroups(gs: SlbVServerGroup[]): SlbVServerGroup[] {
  return [...gs].sort((a, b) =>
    a.vServerGroupName < b.vServerGroupName ? -1 : a.vServerGroupName > b.vServerGroupName ? 1 : 0,
  );
}

/**
 * Lets go of remote groups, each after `dependsOn` (the listener actions: a listener may still point at
 * a group). A group named as this Service's is deleted, or only loses our backends when it holds user
 * backends too; a user group (`vgroup-port`, no owner key) only loses our backends; a group of another
 * Service is left alone.
 */
export function releaseGroups(
  desired: DesiredModel,
  groups: SlbVServerGroup[],
  dependsOn: string[],
  batchSize: number,
  out: Plan,
): void {
  const mine = (b: SlbBackendServer) => isOwnedBy(b.description, desired.service, desired.clusterId);
  for (const r of sortGroups(groups)) {
    const ourGroup = isOwnedBy(r.vServerGroupName, desired.service, desired.clusterId);
    if (!ourGroup && parseOwnerKey(r.vServerGroupName)) continue;
    if (ourGroup && r.backendServers.every(mine)) {
      push(
        out,
        `vgroup:${r.vServerGroupName}:delete`,
        { kind: "DeleteVServerGroup", vServerGroupId: r.vServerGroupId, name: r.vServerGroupName },
        dependsOn,
      );
      continue;
    }
    pushBackendBatches(
      out,
      `vgroup:${r.vServerGroupId}:remove`,
      batches(sortBackends(r.backendServers.filter(mine)), batchSize),
      dependsOn,
      (backends) => ({
        kind: "RemoveBackendServers",
        vServerGroupId: r.vServerGroupId,
        name: r.vServerGroupName,
        backends,
      }),
    );
  }
}
