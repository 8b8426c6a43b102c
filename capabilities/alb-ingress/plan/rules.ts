// Planner for forwarding rules of the managed listeners, matched by priority (priorities are 1…N in member
// order, §C4): create what is missing, update what differs, delete what no Ingress wants, each with the
// batch APIs (CreateRules, UpdateRulesAttribute, DeleteRules: up to 10 rules a call), so the calls per
// rule stay near the minimum. A new group or listener is waited for through its create's key. The rule
// calls of one listener never run at once (they share an `exclusive` value): each makes the listener
// Configuring for the length of its job, and a second call meanwhile is refused (IncorrectStatus.Listener)
// and retried, which costs calls and time. Deletes come before updates and updates before creates (a
// priority must be free before another rule takes it); within each, whichever batch has its groups first
// goes first, so the batches follow the server groups as they are made.
import type { IdOrRef } from "../../../src/reconcile/actions";
import type { DesiredModel, DesiredRule, RuleAction, ServerGroupTuple } from "../model/types";
import { batchKey, batches, covers, createToken, depsOfRef, push, rulesPerCall } from "./common";
import type { Plan, PlanOptions, RemoteRule, RuleSpec } from "./index";
import type { ListenerDecision, ListenerIds } from "./listeners";
import { groupsOfAction, type GroupIds } from "./server-groups";

function resolveAction(a: RuleAction<string>, groups: GroupIds): RuleAction<IdOrRef> {
  const tuples = (ts: ServerGroupTuple<string>[]): ServerGroupTuple<IdOrRef>[] =>
    ts.map((t) => ({ ...t, serverGroupId: groups.get(t.serverGroupId)?.id ?? t.serverGroupId }));
  const { forwardGroup, trafficMirror, ...rest } = a;
  return {
    ...rest,
    ...(forwardGroup
      ? { forwardGroup: { ...forwardGroup, serverGroupTuples: tuples(forwardGroup.serverGroupTuples) } }
      : {}),
    ...(trafficMirror
      ? { trafficMirror: { ...trafficMirror, serverGroupTuples: tuples(trafficMirror.serverGroupTuples) } }
      : {}),
  };
}

function specOf(r: DesiredRule, groups: GroupIds): RuleSpec {
  return {
    name: r.name,
    priority: r.priority,
    direction: r.direction,
    conditions: r.conditions,
    actions: [...r.actions].sort((a, b) => a.order - b.order).map((a) => resolveAction(a, groups)),
  };
}

function remoteSpec(r: RemoteRule): RuleSpec {
  return {
    name: r.name,
    priority: r.priority,
    direction: r.direction,
    conditions: r.conditions,
    actions: [...r.actions].sort((a, b) => a.order - b.order),
  };
}

function depsOfSpec(s: RuleSpec): string[] {
  return s.actions.flatMap((a) => groupsOfAction(a).flatMap((g) => depsOfRef(g)));
}

/** Returns the keys of the rule updates and deletes (after which a server group may be unused). */
export function planRules(
  desired: DesiredModel,
  decisions: ListenerDecision[],
  listeners: ListenerIds,
  groups: GroupIds,
  opts: PlanOptions,
  out: Plan,
): string[] {
  const perCall = rulesPerCall(opts);
  const releaseKeys: string[] = [];
  for (const d of decisions) {
    const l = d.listener;
    const ids = listeners.byPort.get(l.port);
    if (d.mode === "blocked" || !ids) continue;
    // A replaced listener starts empty; an own or taken-over one has its rules read.
    const have = d.mode === "own" || d.mode === "takeover" ? (d.remote?.rules ?? []) : [];
    const byPriority = new Map(have.map((r) => [r.priority, r]));
    const create: RuleSpec[] = [];
    const update: (RuleSpec & { ruleId: string })[] = [];
    for (const r of [...l.rules].sort((a, b) => a.priority - b.priority)) {
      const spec = specOf(r, groups);
      const found = byPriority.get(r.priority);
      if (!found) create.push(spec);
      else if (!covers(spec, remoteSpec(found))) update.push({ ...spec, ruleId: found.ruleId });
    }
    const wanted = new Set(l.rules.map((r) => r.priority));
    const remove = have
      .filter((r) => !wanted.has(r.priority))
      .sort((a, b) => a.priority - b.priority)
      .map((r) => r.ruleId);
    const base = `rules:${l.protocol}:${l.port}`;
    const listenerId = ids.id;
    /** Every rule call of the phases before: the next phase waits for all of them. */
    const before: string[] = [];
    const removeParts = batches(remove, perCall);
    const deletes = removeParts.map((ruleIds, i) =>
      push(
        out,
        batchKey(`${base}:delete`, i, removeParts.length),
        { kind: "DeleteRules", listenerId: listenerId as string, port: l.port, ruleIds },
        [],
        base,
      ),
    );
    releaseKeys.push(...deletes);
    before.push(...deletes);
    const updateParts = batches(update, perCall);
    const updates = updateParts.map((rules, i) =>
      push(
        out,
        batchKey(`${base}:update`, i, updateParts.length),
        { kind: "UpdateRules", listenerId: listenerId as string, port: l.port, rules },
        [...before, ...rules.flatMap(depsOfSpec)],
        base,
      ),
    );
    releaseKeys.push(...updates);
    before.push(...updates);
    const createParts = batches(create, perCall);
    createParts.forEach((rules, i) =>
      push(
        out,
        batchKey(`${base}:create`, i, createParts.length),
        {
          kind: "CreateRules",
          listenerId,
          port: l.port,
          rules,
          clientToken: createToken(desired, `rules/${l.protocol}/${l.port}/${JSON.stringify(rules)}`),
        },
        [...before, ...depsOfRef(listenerId), ...rules.flatMap(depsOfSpec)],
        base,
      ),
    );
  }
  return releaseKeys;
}
