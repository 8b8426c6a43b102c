// CLB (SLB 2014-05-15) over the generic openapi-core `callApi`: the typed SLB SDK is not installable here
// (docs/cloud-layer.md). Request and response shapes follow the Go Tea models (alibabacloud-go/slb-20140515).

import { CloudError } from "../errors";
import type {
  OnOff,
  SlbBackendServer,
  SlbDomainExtension,
  SlbCreateLoadBalancerRequest,
  SlbFindLoadBalancersQuery,
  SlbListener,
  SlbListenerAttributes,
  SlbListenerProtocol,
  SlbListenerSpec,
  SlbLoadBalancer,
  SlbProvider,
  SlbVServerGroup,
  Tag,
} from "../types";
import { LISTENER_ACTION_SUFFIX, LISTENER_FIELDS } from "./slb-listener-fields";
import type { Transport } from "./transport";
import {
  allPages,
  chunk,
  list,
  MAX_PAGES,
  num,
  obj,
  oneOf,
  reqStr,
  str,
  strList,
  tagsFromWire,
  tagsToWire,
  type WireObject,
  type WireParams,
} from "./wire";

/** Documented per-call limits. */
const MAX_BACKENDS_PER_CALL = 20;
const MAX_TAGS_PER_CALL = 20;
const MAX_IDS_PER_DESCRIBE = 20;

const PROTOCOLS: readonly SlbListenerProtocol[] = ["tcp", "udp", "http", "https"];

export function loadBalancerFromWire(lb: WireObject): SlbLoadBalancer {
  const onOff = (v: string | undefined): OnOff => (v === "on" ? "on" : "off");
  return {
    loadBalancerId: reqStr(lb, "LoadBalancerId"),
    loadBalancerName: reqStr(lb, "LoadBalancerName"),
    address: reqStr(lb, "Address"),
    addressType: oneOf(str(lb, "AddressType"), ["internet", "intranet"] as const, "internet"),
    addressIPVersion: oneOf(str(lb, "AddressIPVersion"), ["ipv4", "ipv6"] as const, "ipv4"),
    networkType: oneOf(
      str(lb, "NetworkType"),
      ["classic", "vpc"] as const,
      str(lb, "VpcId") ? "vpc" : "classic",
    ),
    vpcId: str(lb, "VpcId"),
    vSwitchId: str(lb, "VSwitchId"),
    status: oneOf(
      str(lb, "LoadBalancerStatus") ?? str(lb, "Status"),
      ["active", "inactive", "locked"] as const,
      "inactive",
    ),
    deleteProtection: onOff(str(lb, "DeleteProtection")),
    modificationProtectionStatus: oneOf(
      str(lb, "ModificationProtectionStatus"),
      ["ConsoleProtection", "NonProtection"] as const,
      "NonProtection",
    ),
    modificationProtectionReason: str(lb, "ModificationProtectionReason"),
    instanceChargeType: oneOf(
      str(lb, "InstanceChargeType"),
      ["PayBySpec", "PayByCLCU"] as const,
      "PayBySpec",
    ),
    loadBalancerSpec: str(lb, "LoadBalancerSpec"),
    // The list action returns a numeric InternetChargeType plus the readable alias (CCM reads the alias).
    internetChargeType:
      oneOf(str(lb, "InternetChargeTypeAlias"), ["paybytraffic", "paybybandwidth"] as const) ??
      oneOf(str(lb, "InternetChargeType"), ["paybytraffic", "paybybandwidth"] as const, "paybytraffic"),
    bandwidth: num(lb, "Bandwidth"),
    masterZoneId: str(lb, "MasterZoneId"),
    slaveZoneId: str(lb, "SlaveZoneId"),
    resourceGroupId: str(lb, "ResourceGroupId"),
    tags: tagsFromWire(lb),
  };
}

export function listenerFromWire(l: WireObject): SlbListener {
  const protocol = oneOf(str(l, "ListenerProtocol"), PROTOCOLS, "tcp");
  const config = obj(l, `${LISTENER_ACTION_SUFFIX[protocol]}ListenerConfig`);
  const attrs: Record<string, unknown> = {};
  for (const f of LISTENER_FIELDS) {
    if (!f.protocols.includes(protocol)) continue;
    // Protocol-specific fields live in <PROTO>ListenerConfig; tolerate servers that flatten them.
    const sources = f.topLevel ? [l] : [config, l];
    const names = [f.readWire ?? f.wire, ...(f.readAliases ?? [])];
    for (const source of sources) {
      const wire = names.find((n) => source[n] !== undefined && source[n] !== "");
      if (wire === undefined) continue;
      attrs[f.key] =
        f.type === "number"
          ? num(source, wire)
          : f.type === "boolean"
            ? boolish(str(source, wire))
            : str(source, wire);
      break;
    }
  }
  const aclIds = strList(l, "AclIds", "AclId");
  if (aclIds.length > 0) attrs.aclId = aclIds.join(",");
  return {
    ...(attrs as SlbListenerAttributes),
    loadBalancerId: reqStr(l, "LoadBalancerId"),
    listenerPort: num(l, "ListenerPort") ?? 0,
    listenerProtocol: protocol,
    status: oneOf(
      str(l, "Status"),
      ["running", "stopped", "starting", "configuring", "stopping"] as const,
      "stopped",
    ),
  };
}

function boolish(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  return v === "true" || v === "on";
}

/** Wire params for the attributes present in `attrs` that this protocol accepts. */
export function listenerAttrsToWire(protocol: SlbListenerProtocol, attrs: SlbListenerAttributes): WireParams {
  const out: WireParams = {};
  for (const f of LISTENER_FIELDS) {
    const value = attrs[f.key];
    if (value === undefined || !f.protocols.includes(protocol)) continue;
    out[f.wire] = typeof value === "boolean" ? (value ? "true" : "false") : value;
  }
  return out;
}

export function backendsToWire(backends: readonly SlbBackendServer[], forRemoval = false): string {
  // A JSON string parameter (docs/cloud-layer.md). Removal identifies a backend; weights are irrelevant there.
  return JSON.stringify(
    backends.map((b) => ({
      ServerId: b.serverId,
      Port: String(b.port),
      ...(forRemoval ? {} : { Weight: String(b.weight) }),
      Type: b.type,
      ...(b.serverIp ? { ServerIp: b.serverIp } : {}),
      ...(!forRemoval && b.description !== undefined ? { Description: b.description } : {}),
    })),
  );
}

export function backendFromWire(b: WireObject): SlbBackendServer {
  return {
    serverId: reqStr(b, "ServerId"),
    port: num(b, "Port") ?? 0,
    weight: num(b, "Weight") ?? 0,
    type: oneOf(str(b, "Type"), ["ecs", "eni", "eci"] as const, "ecs"),
    serverIp: str(b, "ServerIp"),
    description: str(b, "Description"),
  };
}

/** `DomainExtensions.DomainExtension[]` item of DescribeDomainExtensions. */
export function domainExtensionFromWire(d: WireObject): SlbDomainExtension {
  return {
    domainExtensionId: reqStr(d, "DomainExtensionId"),
    domain: reqStr(d, "Domain"),
    serverCertificateId: reqStr(d, "ServerCertificateId"),
  };
}

export class AlibabaSlbProvider implements SlbProvider {
  constructor(private readonly t: Transport) {}

  async findLoadBalancers(query: SlbFindLoadBalancersQuery): Promise<SlbLoadBalancer[]> {
    const idChunks = query.loadBalancerIds?.length
      ? chunk(query.loadBalancerIds, MAX_IDS_PER_DESCRIBE)
      : [undefined];
    const out: SlbLoadBalancer[] = [];
    for (const ids of idChunks) {
      for (let page = 1; page <= MAX_PAGES; page++) {
        const body = await this.t.rpc("slb", "DescribeLoadBalancers", {
          LoadBalancerId: ids?.join(","),
          LoadBalancerName: query.loadBalancerName,
          Tag: tagsToWire(query.tags),
          PageNumber: page,
          PageSize: this.t.pageSize,
        });
        const items = list(body, "LoadBalancers", "LoadBalancer");
        out.push(...items.map(loadBalancerFromWire));
        const total = num(body, "TotalCount");
        if (items.length < this.t.pageSize || (total !== undefined && page * this.t.pageSize >= total)) break;
      }
    }
    return out;
  }

  async getLoadBalancer(loadBalancerId: string): Promise<SlbLoadBalancer> {
    const body = await this.t.rpc("slb", "DescribeLoadBalancerAttribute", { LoadBalancerId: loadBalancerId });
    const lb = loadBalancerFromWire(body);
    if (!lb.loadBalancerId) {
      // Defensive: a 200 without an id would otherwise look like a real, nameless LB.
      throw new CloudError({
        kind: "NotFound",
        code: "InvalidLoadBalancerId.NotFound",
        message: `slb:DescribeLoadBalancerAttribute: ${loadBalancerId} not returned`,
        action: "slb:DescribeLoadBalancerAttribute",
      });
    }
    return lb;
  }

  async createLoadBalancer(
    req: SlbCreateLoadBalancerRequest,
  ): Promise<{ loadBalancerId: string; address: string }> {
    const body = await this.t.rpc("slb", "CreateLoadBalancer", {
      ClientToken: req.clientToken,
      LoadBalancerName: req.loadBalancerName,
      AddressType: req.addressType,
      AddressIPVersion: req.addressIPVersion,
      VpcId: req.vpcId,
      VSwitchId: req.vSwitchId,
      Address: req.address,
      LoadBalancerSpec: req.loadBalancerSpec,
      InstanceChargeType: req.instanceChargeType,
      InternetChargeType: req.internetChargeType,
      Bandwidth: req.bandwidth,
      MasterZoneId: req.masterZoneId,
      SlaveZoneId: req.slaveZoneId,
      ResourceGroupId: req.resourceGroupId,
      DeleteProtection: req.deleteProtection,
      ModificationProtectionStatus: req.modificationProtectionStatus,
      ModificationProtectionReason: req.modificationProtectionReason,
      Tag: tagsToWire(req.tags),
    });
    return { loadBalancerId: reqStr(body, "LoadBalancerId"), address: reqStr(body, "Address") };
  }

  async deleteLoadBalancer(loadBalancerId: string): Promise<void> {
    await this.t.rpc("slb", "DeleteLoadBalancer", { LoadBalancerId: loadBalancerId }, goneIsDone);
  }

  async setLoadBalancerName(loadBalancerId: string, name: string): Promise<void> {
    await this.#onLoadBalancer("SetLoadBalancerName", loadBalancerId, { LoadBalancerName: name });
  }

  async setDeleteProtection(loadBalancerId: string, value: OnOff): Promise<void> {
    await this.#onLoadBalancer("SetLoadBalancerDeleteProtection", loadBalancerId, {
      DeleteProtection: value,
    });
  }

  async setModificationProtection(
    loadBalancerId: string,
    status: "ConsoleProtection" | "NonProtection",
    reason?: string,
  ): Promise<void> {
    await this.#onLoadBalancer("SetLoadBalancerModificationProtection", loadBalancerId, {
      ModificationProtectionStatus: status,
      ModificationProtectionReason: reason,
    });
  }

  async modifyInstanceChargeType(
    loadBalancerId: string,
    chargeType: "PayBySpec" | "PayByCLCU",
    spec?: string,
  ): Promise<void> {
    await this.#onLoadBalancer("ModifyLoadBalancerInstanceChargeType", loadBalancerId, {
      InstanceChargeType: chargeType,
      LoadBalancerSpec: spec,
    });
  }

  async modifyInstanceSpec(loadBalancerId: string, spec: string): Promise<void> {
    await this.#onLoadBalancer("ModifyLoadBalancerInstanceSpec", loadBalancerId, { LoadBalancerSpec: spec });
  }

  async modifyInternetSpec(
    loadBalancerId: string,
    req: { internetChargeType?: "paybytraffic" | "paybybandwidth"; bandwidth?: number },
  ): Promise<void> {
    await this.#onLoadBalancer("ModifyLoadBalancerInternetSpec", loadBalancerId, {
      InternetChargeType: req.internetChargeType,
      Bandwidth: req.bandwidth,
    });
  }

  /** One SLB action on a load balancer: its LoadBalancerId, then `params`. */
  async #onLoadBalancer(action: string, loadBalancerId: string, params: WireParams): Promise<void> {
    await this.t.rpc("slb", action, { LoadBalancerId: loadBalancerId, ...params });
  }

  async tagLoadBalancer(loadBalancerId: string, tags: Tag[]): Promise<void> {
    for (const batch of chunk(tags, MAX_TAGS_PER_CALL)) {
      await this.t.rpc("slb", "TagResources", {
        ResourceType: "instance",
        ResourceId: [loadBalancerId],
        Tag: tagsToWire(batch),
      });
    }
  }

  async untagLoadBalancer(loadBalancerId: string, tagKeys: string[]): Promise<void> {
    for (const batch of chunk(tagKeys, MAX_TAGS_PER_CALL)) {
      await this.t.rpc("slb", "UntagResources", {
        ResourceType: "instance",
        ResourceId: [loadBalancerId],
        TagKey: batch,
      });
    }
  }

  async listListeners(loadBalancerId: string): Promise<SlbListener[]> {
    return allPages(async (nextToken) => {
      const body = await this.t.rpc("slb", "DescribeLoadBalancerListeners", {
        LoadBalancerId: [loadBalancerId],
        MaxResults: this.t.pageSize,
        NextToken: nextToken,
      });
      return { items: list(body, "Listeners").map(listenerFromWire), nextToken: str(body, "NextToken") };
    });
  }

  async createListener(loadBalancerId: string, spec: SlbListenerSpec): Promise<void> {
    const { listenerPort, listenerProtocol, ...attrs } = spec;
    const params: WireParams = {
      LoadBalancerId: loadBalancerId,
      ListenerPort: listenerPort,
      ...listenerAttrsToWire(listenerProtocol, attrs),
    };
    // Required by the API: Bandwidth on TCP/UDP/HTTPS (-1 = no cap), StickySession and HealthCheck on L7.
    if (params.Bandwidth === undefined && listenerProtocol !== "http") params.Bandwidth = -1;
    if (listenerProtocol === "http" || listenerProtocol === "https") {
      params.StickySession ??= "off";
      params.HealthCheck ??= "off";
    }
    // A retried create whose first attempt landed answers ListenerAlreadyExists: that is success.
    await this.t.rpc("slb", `CreateLoadBalancer${LISTENER_ACTION_SUFFIX[listenerProtocol]}Listener`, params, {
      alreadyDone: { kinds: ["Conflict"], result: () => ({}) },
    });
  }

  async updateListener(
    loadBalancerId: string,
    port: number,
    protocol: SlbListenerProtocol,
    attrs: SlbListenerAttributes,
  ): Promise<void> {
    const wire = listenerAttrsToWire(protocol, attrs);
    if (Object.keys(wire).length === 0) return;
    // VServerGroupId only takes effect together with VServerGroup=on.
    if (wire.VServerGroupId !== undefined) wire.VServerGroup = "on";
    await this.t.rpc("slb", `SetLoadBalancer${LISTENER_ACTION_SUFFIX[protocol]}ListenerAttribute`, {
      LoadBalancerId: loadBalancerId,
      ListenerPort: port,
      ...wire,
    });
  }

  async startListener(loadBalancerId: string, port: number, protocol: SlbListenerProtocol): Promise<void> {
    await this.t.rpc("slb", "StartLoadBalancerListener", listenerKey(loadBalancerId, port, protocol));
  }

  async stopListener(loadBalancerId: string, port: number, protocol: SlbListenerProtocol): Promise<void> {
    await this.t.rpc("slb", "StopLoadBalancerListener", listenerKey(loadBalancerId, port, protocol));
  }

  async deleteListener(loadBalancerId: string, port: number, protocol: SlbListenerProtocol): Promise<void> {
    await this.t.rpc(
      "slb",
      "DeleteLoadBalancerListener",
      listenerKey(loadBalancerId, port, protocol),
      goneIsDone,
    );
  }

  async listDomainExtensions(loadBalancerId: string, listenerPort: number): Promise<SlbDomainExtension[]> {
    // The API has no paging here: a listener holds a handful of extensions (3 by default, 10 at most).
    const body = await this.t.rpc("slb", "DescribeDomainExtensions", {
      LoadBalancerId: loadBalancerId,
      ListenerPort: listenerPort,
    });
    return list(body, "DomainExtensions", "DomainExtension").map(domainExtensionFromWire);
  }

  async createDomainExtension(
    loadBalancerId: string,
    listenerPort: number,
    domain: string,
    serverCertificateId: string,
  ): Promise<{ domainExtensionId: string }> {
    // CreateDomainExtension takes no ClientToken, and a domain appears at most once per listener: after
    // an ambiguous failure, adopt the extension for this domain if the failed attempt made it.
    const body = await this.t.rpc(
      "slb",
      "CreateDomainExtension",
      {
        LoadBalancerId: loadBalancerId,
        ListenerPort: listenerPort,
        Domain: domain,
        ServerCertificateId: serverCertificateId,
      },
      {
        recover: async () => {
          const made = (await this.listDomainExtensions(loadBalancerId, listenerPort)).find(
            (d) => d.domain === domain && d.serverCertificateId === serverCertificateId,
          );
          return made ? { DomainExtensionId: made.domainExtensionId } : undefined;
        },
      },
    );
    return { domainExtensionId: reqStr(body, "DomainExtensionId") };
  }

  async setDomainExtensionCertificate(domainExtensionId: string, serverCertificateId: string): Promise<void> {
    await this.t.rpc("slb", "SetDomainExtensionAttribute", {
      DomainExtensionId: domainExtensionId,
      ServerCertificateId: serverCertificateId,
    });
  }

  async deleteDomainExtension(domainExtensionId: string): Promise<void> {
    await this.t.rpc("slb", "DeleteDomainExtension", { DomainExtensionId: domainExtensionId }, goneIsDone);
  }

  async listVServerGroups(loadBalancerId: string): Promise<SlbVServerGroup[]> {
    const out: SlbVServerGroup[] = [];
    for (const g of await this.describeGroups(loadBalancerId)) {
      const vServerGroupId = g.id;
      // The list has no backends; the attribute call does (the CCM makes the same N+1 calls).
      const attr = await this.t.rpc("slb", "DescribeVServerGroupAttribute", {
        VServerGroupId: vServerGroupId,
      });
      out.push({
        vServerGroupId,
        vServerGroupName: str(attr, "VServerGroupName") ?? g.name,
        loadBalancerId: str(attr, "LoadBalancerId") ?? loadBalancerId,
        backendServers: list(attr, "BackendServers", "BackendServer").map(backendFromWire),
      });
    }
    return out;
  }

  async createVServerGroup(
    loadBalancerId: string,
    name: string,
    backends: SlbBackendServer[],
  ): Promise<{ vServerGroupId: string }> {
    const [first = [], ...rest] = chunk(backends, MAX_BACKENDS_PER_CALL);
    // CreateVServerGroup takes no ClientToken. If an attempt fails ambiguously, adopt the group of this
    // name instead of creating a twin: callers create a group only after reading that none of that name
    // exists, and operator-made names are unique per LB (k8s/<port>/<svc>/<ns>/<cluster>).
    const body = await this.t.rpc(
      "slb",
      "CreateVServerGroup",
      {
        LoadBalancerId: loadBalancerId,
        VServerGroupName: name,
        BackendServers: first.length > 0 ? backendsToWire(first) : undefined,
      },
      {
        recover: async () => {
          const made = (await this.describeGroups(loadBalancerId)).find((g) => g.name === name);
          return made ? { VServerGroupId: made.id } : undefined;
        },
      },
    );
    const vServerGroupId = reqStr(body, "VServerGroupId");
    for (const batch of rest) await this.addBatch(vServerGroupId, batch);
    return { vServerGroupId };
  }

  async addBackendServers(vServerGroupId: string, backends: SlbBackendServer[]): Promise<void> {
    for (const batch of chunk(backends, MAX_BACKENDS_PER_CALL)) await this.addBatch(vServerGroupId, batch);
  }

  async removeBackendServers(vServerGroupId: string, backends: SlbBackendServer[]): Promise<void> {
    for (const batch of chunk(backends, MAX_BACKENDS_PER_CALL)) {
      await this.t.rpc("slb", "RemoveVServerGroupBackendServers", {
        VServerGroupId: vServerGroupId,
        BackendServers: backendsToWire(batch, true),
      });
    }
  }

  async updateBackendServers(vServerGroupId: string, backends: SlbBackendServer[]): Promise<void> {
    for (const batch of chunk(backends, MAX_BACKENDS_PER_CALL)) {
      await this.t.rpc("slb", "SetVServerGroupAttribute", {
        VServerGroupId: vServerGroupId,
        BackendServers: backendsToWire(batch),
      });
    }
  }

  async deleteVServerGroup(vServerGroupId: string): Promise<void> {
    await this.t.rpc("slb", "DeleteVServerGroup", { VServerGroupId: vServerGroupId }, goneIsDone);
  }

  private async describeGroups(loadBalancerId: string): Promise<Array<{ id: string; name: string }>> {
    const body = await this.t.rpc("slb", "DescribeVServerGroups", { LoadBalancerId: loadBalancerId });
    return list(body, "VServerGroups", "VServerGroup").map((g) => ({
      id: reqStr(g, "VServerGroupId"),
      name: reqStr(g, "VServerGroupName"),
    }));
  }

  private async addBatch(vServerGroupId: string, batch: SlbBackendServer[]): Promise<void> {
    await this.t.rpc("slb", "AddVServerGroupBackendServers", {
      VServerGroupId: vServerGroupId,
      BackendServers: backendsToWire(batch),
    });
  }
}

function listenerKey(loadBalancerId: string, port: number, protocol: SlbListenerProtocol): WireParams {
  // ListenerProtocol disambiguates TCP and UDP listeners on the same port.
  return { LoadBalancerId: loadBalancerId, ListenerPort: port, ListenerProtocol: protocol };
}

/** A retried delete whose first attempt landed answers NotFound: that is success. */
const goneIsDone = { alreadyDone: { kinds: ["NotFound"] as const, result: () => ({}) } };
