// Planner for listeners (§2.3): which remote listeners are ours, create / update / re-create / delete,
// forwarders after the listener they point at, and a port held by someone else's listener reported, not
// taken. Only on a created SLB, or a reused one with force-override-listeners. Domain extensions are
// domain-extensions.ts's. § numbers refer to docs/clb-service.md.
import type {
  SlbListener,
  SlbListenerAttributes,
  SlbListenerProtocol,
  SlbListenerSpec,
} from "../../../src/cloud";
import { dropUndefined, sortKeys } from "../../../src/lib/objects";
import type { DesiredListener, DesiredModel } from "../model";
import { isOwnedBy } from "../tracking";
import { depsOfRef, push } from "./common";
import type { IdOrRef, Plan, RemoteModel } from "./index";
import type { GroupIds } from "./vserver-groups";

export function listenerKey(protocol: string, port: number): string {
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

export interface ListenerPlan {
  /** Keys of every listener action (stale groups are deleted after them). */
  keys: string[];
  /** Desired listeners that exist remotely and stay (updated in place, or already as wanted). */
  updated: DesiredListener[];
}

export function planListeners(
  desired: DesiredModel,
  remote: RemoteModel,
  lbId: IdOrRef,
  groups: GroupIds,
  out: Plan,
): ListenerPlan {
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
  return { keys, updated: diff.updates.map((u) => u.local) };
}

/** Deletes; an HTTP forwarder goes before the HTTPS listener it points at (§2.3). */
export function planListenerDeletes(
  deletes: SlbListener[],
  lbId: IdOrRef,
  out: Plan,
): Map<SlbListener, string> {
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
