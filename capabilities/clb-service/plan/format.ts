// One human line per plan action, for `npm run plan` and logs (and the golden files). Printing only.
import type { SlbBackendServer, SlbListenerAttributes } from "../../../src/cloud";
import type { Action, ActionParams, IdOrRef } from "./index";

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
