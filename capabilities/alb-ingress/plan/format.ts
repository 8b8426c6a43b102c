// One human line per ALB plan action, for `npm run plan`, logs and the golden files. Printing only.
import type { Tag } from "../../../src/cloud";
import type { DesiredServer } from "../model/types";
import type { Action, ActionParams, IdOrRef, RuleSpec } from "./index";

function idText(id: IdOrRef | undefined): string {
  if (id === undefined) return "-";
  return typeof id === "string" ? id : `<${id.ref}>`;
}

function tagsText(tags: Tag[]): string {
  return tags.map((t) => `${t.key}=${t.value}`).join(",");
}

function serversText(ss: DesiredServer[]): string {
  return ss.map((s) => `${s.serverId}${s.serverIp ? `(${s.serverIp})` : ""}:${s.port}@${s.weight}`).join(",");
}

function ruleText(r: RuleSpec): string {
  const conds = r.conditions
    .map((c) => `${c.type}${c.key ? `[${c.key}]` : ""}=${c.values.join("|")}`)
    .join("&");
  const acts = r.actions
    .map((a) => {
      const groups = a.forwardGroup?.serverGroupTuples
        .map((t) => `${idText(t.serverGroupId)}${t.weight !== undefined ? `@${t.weight}` : ""}`)
        .join("+");
      return groups ? `${a.type}(${groups})` : a.type;
    })
    .join(",");
  return `#${r.priority} ${conds || "*"} -> ${acts}`;
}

/** One human line per action, for `npm run plan` and logs. */
export function formatAction(a: Action): string {
  const after = a.dependsOn.length > 0 ? `  (after ${a.dependsOn.join(", ")})` : "";
  return `${a.key}: ${actionText(a.params)}${after}`;
}

function attrsText(o: object): string {
  return Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" ");
}

function actionText(p: ActionParams): string {
  switch (p.kind) {
    case "CreateLoadBalancer":
      return `CreateLoadBalancer name=${p.request.loadBalancerName} addressType=${p.request.addressType} edition=${p.request.edition} zones=${p.request.zoneMappings.map((z) => `${z.zoneId}/${z.vSwitchId}`).join(",")} tags=${tagsText(p.request.tags)}`;
    case "UpdateLoadBalancerName":
      return `UpdateLoadBalancerName ${p.loadBalancerId} name=${p.name}`;
    case "TagLoadBalancer":
      return `TagLoadBalancer ${p.loadBalancerId} ${tagsText(p.tags)}`;
    case "SetDeletionProtection":
      return `SetDeletionProtection ${p.loadBalancerId} ${p.enabled ? "on" : "off"}`;
    case "DeleteLoadBalancer":
      return `DeleteLoadBalancer ${p.loadBalancerId}`;
    case "CreateServerGroup":
      return `CreateServerGroup name=${p.spec.serverGroupName} protocol=${p.spec.protocol} scheduler=${p.spec.scheduler}`;
    case "UpdateServerGroup":
      return `UpdateServerGroup ${p.serverGroupId} (${p.name}) ${attrsText(p.attrs)}`;
    case "DeleteServerGroup":
      return `DeleteServerGroup ${p.serverGroupId} (${p.name})`;
    case "AddServers":
    case "RemoveServers":
    case "UpdateServers":
      return `${p.kind} ${idText(p.serverGroupId)} [${serversText(p.servers)}]`;
    case "CreateListener":
      return `CreateListener ${idText(p.loadBalancerId)} ${p.spec.protocol}:${p.spec.port} default=${idText(p.defaultServerGroupId)}${p.spec.defaultCertificateId ? ` cert=${p.spec.defaultCertificateId}` : ""}`;
    case "UpdateListener":
      return `UpdateListener ${p.listenerId} :${p.port}${p.defaultServerGroupId ? ` default=${idText(p.defaultServerGroupId)}` : ""} ${attrsText(p.attrs)}`.trimEnd();
    case "DeleteListener":
      return `DeleteListener ${p.listenerId} ${p.protocol}:${p.port}`;
    case "AddListenerCertificates":
    case "RemoveListenerCertificates":
      return `${p.kind} ${idText(p.listenerId)} :${p.port} ${p.certificateIds.join(",")}`;
    case "CreateRules":
      return `CreateRules ${idText(p.listenerId)} :${p.port} ${p.rules.map(ruleText).join("; ")}`;
    case "UpdateRules":
      return `UpdateRules ${p.listenerId} :${p.port} ${p.rules.map((r) => `${r.ruleId}=${ruleText(r)}`).join("; ")}`;
    case "DeleteRules":
      return `DeleteRules ${p.listenerId} :${p.port} ${p.ruleIds.join(",")}`;
  }
}
