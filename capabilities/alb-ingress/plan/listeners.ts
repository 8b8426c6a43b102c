// Planner for listeners: decide per wanted port whether the listener is created, replaced (ours, other
// protocol), updated (ours, or taken over with listenerForceOverride) or left alone with an error (a user
// listener we may not take over), then diff attributes, certificates and the default action. Listeners of
// ours that no port wants any more are deleted; a user listener never is (§C3).
import type { DesiredListener, DesiredModel } from "../model/types";
import { isOwnedBy, ownershipTags } from "../tracking";
import { createToken, depsOfRef, push } from "./common";
import type { IdOrRef, ListenerAttributes, Plan, RemoteListener, RemoteModel } from "./index";
import type { LoadBalancerPlan } from "./load-balancer";
import type { GroupIds } from "./server-groups";

export type ListenerMode = "create" | "replace" | "own" | "takeover" | "blocked";

export interface ListenerDecision {
  listener: DesiredListener;
  mode: ListenerMode;
  remote?: RemoteListener;
}

export interface ListenerIds {
  byPort: Map<number, { id: IdOrRef; createKey?: string }>;
  /** Actions after which a server group may no longer be in use by a listener (updates, deletes). */
  releaseKeys: string[];
}

function listenerOwned(desired: DesiredModel, lb: LoadBalancerPlan, r: RemoteListener): boolean {
  return lb.owned || isOwnedBy(r.tags, desired.albConfig.name, desired.clusterId);
}

/** What happens to each wanted listener; blocked ones are reported as errors here. */
export function decideListeners(
  desired: DesiredModel,
  remote: RemoteModel,
  lb: LoadBalancerPlan,
  out: Plan,
): ListenerDecision[] {
  const found = remote.listeners ?? [];
  return [...desired.listeners]
    .sort((a, b) => a.port - b.port)
    .map((listener): ListenerDecision => {
      const r = found.find((x) => x.port === listener.port);
      if (!r) return { listener, mode: "create" };
      const owned = listenerOwned(desired, lb, r);
      if (r.protocol !== listener.protocol) {
        if (owned) return { listener, mode: "replace", remote: r };
        out.errors.push({
          reason: "ListenerConflict",
          message: `listener ${r.listenerId} on port ${r.port} is ${r.protocol}, not ${listener.protocol}, and was not created by this AlbConfig; remove it or change the port`,
        });
        return { listener, mode: "blocked", remote: r };
      }
      if (owned) return { listener, mode: "own", remote: r };
      if (desired.loadBalancer.listenerForceOverride) return { listener, mode: "takeover", remote: r };
      out.errors.push({
        reason: "ListenerInUse",
        message: `listener ${r.listenerId} (${r.protocol}:${r.port}) already in use, please set listenerForceOverride=true and reconcile`,
      });
      return { listener, mode: "blocked", remote: r };
    });
}

export function planListeners(
  desired: DesiredModel,
  remote: RemoteModel,
  lb: LoadBalancerPlan,
  decisions: ListenerDecision[],
  groups: GroupIds,
  out: Plan,
): ListenerIds {
  const ids: ListenerIds = { byPort: new Map(), releaseKeys: [] };
  // Ours that no port wants any more: deleted first, so a replaced port is free for its new listener.
  const wanted = new Set(desired.listeners.map((l) => l.port));
  for (const r of [...(remote.listeners ?? [])].sort((a, b) => a.port - b.port)) {
    const replaced = decisions.some((d) => d.mode === "replace" && d.remote?.listenerId === r.listenerId);
    if ((!wanted.has(r.port) || replaced) && listenerOwned(desired, lb, r))
      ids.releaseKeys.push(
        push(out, `listener:${r.protocol}:${r.port}:delete`, {
          kind: "DeleteListener",
          listenerId: r.listenerId,
          port: r.port,
          protocol: r.protocol,
        }),
      );
  }
  for (const d of decisions) {
    const l = d.listener;
    if (d.mode === "blocked") continue;
    if (d.mode === "create" || d.mode === "replace") {
      ids.byPort.set(l.port, planCreate(desired, lb, d, groups, out));
      continue;
    }
    const r = d.remote as RemoteListener;
    ids.byPort.set(l.port, { id: r.listenerId });
    const attrs = attributeDiff(l, r);
    // A taken-over listener keeps its default action: the user's traffic for unmatched requests stays.
    const group = d.mode === "own" ? groups.get(l.defaultServerGroup) : undefined;
    const repoint = group && group.id !== r.defaultServerGroupId ? group.id : undefined;
    if (Object.keys(attrs).length > 0 || repoint !== undefined)
      ids.releaseKeys.push(
        push(
          out,
          `listener:${l.protocol}:${l.port}:update`,
          {
            kind: "UpdateListener",
            listenerId: r.listenerId,
            port: l.port,
            attrs,
            ...(repoint !== undefined ? { defaultServerGroupId: repoint } : {}),
          },
          depsOfRef(repoint),
        ),
      );
    const wantExtra = extraCertificates(l);
    const haveExtra = r.certificates.filter((c) => !c.isDefault).map((c) => c.certificateId);
    const add = wantExtra.filter((c) => !haveExtra.includes(c));
    const remove = haveExtra.filter((c) => !wantExtra.includes(c));
    if (add.length > 0)
      push(out, `listener:${l.protocol}:${l.port}:certs:add`, {
        kind: "AddListenerCertificates",
        listenerId: r.listenerId,
        port: l.port,
        certificateIds: add,
      });
    if (remove.length > 0)
      push(out, `listener:${l.protocol}:${l.port}:certs:remove`, {
        kind: "RemoveListenerCertificates",
        listenerId: r.listenerId,
        port: l.port,
        certificateIds: remove,
      });
  }
  return ids;
}

function planCreate(
  desired: DesiredModel,
  lb: LoadBalancerPlan,
  d: ListenerDecision,
  groups: GroupIds,
  out: Plan,
): { id: IdOrRef; createKey: string } {
  const l = d.listener;
  const group = groups.get(l.defaultServerGroup);
  if (!group)
    throw new Error(`plan: default server group ${l.defaultServerGroup} of port ${l.port} not planned`);
  const deps = [...depsOfRef(lb.id), ...depsOfRef(group.id)];
  if (d.mode === "replace" && d.remote) deps.push(`listener:${d.remote.protocol}:${d.remote.port}:delete`);
  const key = push(
    out,
    `listener:${l.protocol}:${l.port}:create`,
    {
      kind: "CreateListener",
      loadBalancerId: lb.id,
      spec: { port: l.port, protocol: l.protocol, ...wantedAttributes(l) },
      defaultServerGroupId: group.id,
      tags: ownershipTags(desired.albConfig.name, desired.clusterId),
      clientToken: createToken(desired, `listener/${l.protocol}/${l.port}`),
    },
    deps,
  );
  const extra = extraCertificates(l);
  if (extra.length > 0)
    push(
      out,
      `listener:${l.protocol}:${l.port}:certs:add`,
      { kind: "AddListenerCertificates", listenerId: { ref: key }, port: l.port, certificateIds: extra },
      [key],
    );
  return { id: { ref: key }, createKey: key };
}

function extraCertificates(l: DesiredListener): string[] {
  return l.certificates.filter((c) => !c.isDefault).map((c) => c.certificateId);
}

function wantedAttributes(l: DesiredListener): ListenerAttributes {
  const tls = l.protocol !== "HTTP";
  return {
    description: l.description,
    idleTimeoutSeconds: l.idleTimeoutSeconds,
    requestTimeoutSeconds: l.requestTimeoutSeconds,
    gzipEnabled: l.gzipEnabled,
    ...(tls && l.http2Enabled !== undefined ? { http2Enabled: l.http2Enabled } : {}),
    ...(tls && l.securityPolicyId ? { securityPolicyId: l.securityPolicyId } : {}),
    ...(tls ? { defaultCertificateId: l.certificates.find((c) => c.isDefault)?.certificateId } : {}),
  };
}

/** The attributes whose wanted value differs from the listener's. */
function attributeDiff(l: DesiredListener, r: RemoteListener): ListenerAttributes {
  const want = wantedAttributes(l);
  const have: ListenerAttributes = {
    description: r.description,
    idleTimeoutSeconds: r.idleTimeoutSeconds,
    requestTimeoutSeconds: r.requestTimeoutSeconds,
    gzipEnabled: r.gzipEnabled,
    http2Enabled: r.http2Enabled,
    securityPolicyId: r.securityPolicyId,
    defaultCertificateId: r.certificates.find((c) => c.isDefault)?.certificateId,
  };
  const diff: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(want) as [keyof ListenerAttributes, unknown][])
    if (v !== undefined && v !== have[k]) diff[k] = v;
  return diff as ListenerAttributes;
}
