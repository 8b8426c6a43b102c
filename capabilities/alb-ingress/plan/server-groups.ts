// Planner for server groups and their servers: create each group a managed listener or rule needs (then
// add its servers in batches), bring attributes and servers of existing ones into line, and delete our
// groups nothing needs once no listener or rule uses them. Only groups with this AlbConfig's and this
// cluster's tags are ever changed (../tracking.ts). § numbers refer to docs/alb-ingress.md.
import type { DesiredModel, DesiredServer, DesiredServerGroup, RuleAction } from "../model/types";
import { isOwnedServerGroup, serverGroupTags } from "../tracking";
import { batchKey, batches, covers, createToken, push, serversPerCall } from "./common";
import type {
  ActionParams,
  IdOrRef,
  Plan,
  PlanOptions,
  RemoteModel,
  RemoteServerGroup,
  ServerGroupAttributes,
} from "./index";
import type { ListenerDecision } from "./listeners";

/** Where each needed desired group (by key) lives after apply: its id, or the Ref of its create. */
export type GroupIds = Map<string, { id: IdOrRef; createKey?: string }>;

/** Keys of the server groups an action forwards or mirrors to. */
export function groupsOfAction<G>(a: RuleAction<G>): G[] {
  return [...(a.forwardGroup?.serverGroupTuples ?? []), ...(a.trafficMirror?.serverGroupTuples ?? [])].map(
    (t) => t.serverGroupId,
  );
}

/** The groups the managed listeners need: their default groups (ours only) and every group a rule uses. */
export function neededGroupKeys(decisions: ListenerDecision[]): Set<string> {
  const keys = new Set<string>();
  for (const d of decisions) {
    if (d.mode === "blocked") continue;
    if (d.mode !== "takeover") keys.add(d.listener.defaultServerGroup);
    for (const r of d.listener.rules)
      for (const a of r.actions) for (const k of groupsOfAction(a)) keys.add(k);
  }
  return keys;
}

export function ownedRemoteGroups(desired: DesiredModel, remote: RemoteModel): RemoteServerGroup[] {
  return remote.serverGroups.filter((g) =>
    isOwnedServerGroup(g.tags, desired.albConfig.name, desired.clusterId),
  );
}

function attributesOf(g: ServerGroupAttributes): ServerGroupAttributes {
  return {
    scheduler: g.scheduler,
    ...(g.uchConfig !== undefined ? { uchConfig: g.uchConfig } : {}),
    healthCheck: g.healthCheck,
    stickySession: g.stickySession,
    upstreamKeepaliveEnabled: g.upstreamKeepaliveEnabled,
  };
}

export function planServerGroups(
  desired: DesiredModel,
  remote: RemoteModel,
  decisions: ListenerDecision[],
  opts: PlanOptions,
  out: Plan,
): GroupIds {
  const ids: GroupIds = new Map();
  const needed = neededGroupKeys(decisions);
  const owned = ownedRemoteGroups(desired, remote);
  const perCall = serversPerCall(opts);
  for (const g of [...desired.serverGroups].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    if (!needed.has(g.key)) continue;
    if (g.servers.length === 0 && !g.listenerDefault)
      out.warnings.push(`server group ${g.name} (${g.key}) has no servers`);
    const found = owned.find((r) => r.name === g.name);
    if (found) {
      ids.set(g.key, { id: found.serverGroupId });
      const attrs = attributesOf(g);
      const changed = Object.fromEntries(
        Object.entries(attrs).filter(
          ([k, v]) => !covers(v, (attributesOf(found) as unknown as Record<string, unknown>)[k]),
        ),
      );
      if (Object.keys(changed).length > 0)
        push(out, `sg:${g.key}:update`, {
          kind: "UpdateServerGroup",
          serverGroupId: found.serverGroupId,
          name: g.name,
          attrs: changed,
        });
      planServerDiff(g, found, perCall, out);
      continue;
    }
    const createKey = push(out, `sg:${g.key}:create`, {
      kind: "CreateServerGroup",
      spec: {
        serverGroupName: g.name,
        protocol: g.protocol,
        vpcId: desired.loadBalancer.vpcId,
        tags: serverGroupTags(g.owner, desired.albConfig.name, desired.clusterId),
        ...attributesOf(g),
      },
      clientToken: createToken(desired, `server-group/${g.name}`),
    });
    const id: IdOrRef = { ref: createKey };
    pushServerBatches(out, `sg:${g.key}:add`, sortServers(g.servers), perCall, [createKey], (servers) => ({
      kind: "AddServers",
      serverGroupId: id,
      name: g.name,
      servers,
    }));
    ids.set(g.key, { id, createKey });
  }
  return ids;
}

function serverKey(s: DesiredServer): string {
  return s.serverType === "Eni" ? `${s.serverId}|${s.serverIp ?? ""}|${s.port}` : `${s.serverId}|${s.port}`;
}

function sortServers(servers: DesiredServer[]): DesiredServer[] {
  return [...servers].sort((a, b) =>
    serverKey(a) < serverKey(b) ? -1 : serverKey(a) > serverKey(b) ? 1 : 0,
  );
}

/** One action per batch, each after the one before; the first after `after`. Returns the last key. */
function pushServerBatches(
  out: Plan,
  key: string,
  servers: DesiredServer[],
  perCall: number,
  after: string[],
  params: (servers: DesiredServer[]) => ActionParams,
): string | undefined {
  const parts = batches(servers, perCall);
  let prev = after;
  let last: string | undefined;
  parts.forEach((part, i) => {
    last = push(out, batchKey(key, i, parts.length), params(part), prev);
    prev = [last];
  });
  return last;
}

/**
 * Servers: add what is missing, then remove what is not wanted (after the adds, so a swap never empties
 * the group), and update weights. A group with invalid servers (an ENI not found yet) is only added to.
 */
function planServerDiff(g: DesiredServerGroup, r: RemoteServerGroup, perCall: number, out: Plan): void {
  const have = new Map(r.servers.map((s) => [serverKey(s), s]));
  const want = new Map(g.servers.map((s) => [serverKey(s), s]));
  const add = sortServers(g.servers.filter((s) => !have.has(serverKey(s))));
  const lastAdd = pushServerBatches(out, `sg:${g.key}:add`, add, perCall, [], (servers) => ({
    kind: "AddServers",
    serverGroupId: r.serverGroupId,
    name: g.name,
    servers,
  }));
  if ((g.invalidServerIps ?? []).length > 0) return;
  const remove = sortServers(r.servers.filter((s) => !want.has(serverKey(s))));
  pushServerBatches(out, `sg:${g.key}:remove`, remove, perCall, lastAdd ? [lastAdd] : [], (servers) => ({
    kind: "RemoveServers",
    serverGroupId: r.serverGroupId,
    name: g.name,
    servers,
  }));
  const update = sortServers(
    g.servers.filter((s) => have.has(serverKey(s)) && have.get(serverKey(s))?.weight !== s.weight),
  );
  pushServerBatches(out, `sg:${g.key}:update`, update, perCall, [], (servers) => ({
    kind: "UpdateServers",
    serverGroupId: r.serverGroupId,
    name: g.name,
    servers,
  }));
}

/**
 * Our groups that no needed desired group names (a Service, port or protocol left, an Ingress was
 * deleted): deleted once every action that may stop a listener or rule from using them is done.
 */
export function planStaleServerGroups(
  desired: DesiredModel,
  remote: RemoteModel,
  groups: GroupIds,
  releaseKeys: string[],
  out: Plan,
): void {
  const keep = new Set(desired.serverGroups.filter((g) => groups.has(g.key)).map((g) => g.name));
  for (const r of ownedRemoteGroups(desired, remote).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (keep.has(r.name)) continue;
    push(
      out,
      `sg:${r.name}:delete`,
      { kind: "DeleteServerGroup", serverGroupId: r.serverGroupId, name: r.name },
      releaseKeys,
    );
  }
}
