// The servers of one ALB server group from a backend Service: NodePort/LoadBalancer Services attach the
// candidate nodes (ECS instance, NodePort), or only the nodes with ready endpoints under
// externalTrafficPolicy Local; ClusterIP Services attach the pods' ENIs (Terway), as docs/alb-ingress.md
// §C5 says. Pure: the ENI of each pod IP was looked up before (../pipeline.ts).
import type { V1EndpointSlice, V1Node, V1Service, V1ServicePort } from "@kubernetes/client-node";
import { endpointsWithReadiness } from "../../../src/backends/endpoints";
import { candidateNodes, excludedAsBackend, instanceIdFromProviderId } from "../../../src/backends/nodes";
import type { DesiredServer } from "./types";

export interface ServerInput {
  service: V1Service;
  servicePort: V1ServicePort;
  nodes: V1Node[];
  /** EndpointSlices of this Service. */
  endpointSlices: V1EndpointSlice[];
  /** Pod IP → ENI id (ClusterIP Services). */
  eniByIp: ReadonlyMap<string, string>;
}

export interface ServerResult {
  servers: DesiredServer[];
  /** Pod IPs with no ENI found (ClusterIP Services): the group is only added to until they resolve. */
  invalidIps: string[];
  errors: string[];
}

const DEFAULT_WEIGHT = 100;

/** Pod IPs of a ClusterIP Service's port (what ENI resolution must look up). */
export function eniPodIps(
  service: V1Service,
  servicePort: V1ServicePort,
  slices: V1EndpointSlice[],
): string[] {
  if (usesNodes(service)) return [];
  return endpointsWithReadiness(slices, servicePort.name).endpoints.map((e) => e.ip);
}

function usesNodes(service: V1Service): boolean {
  return service.spec?.type === "NodePort" || service.spec?.type === "LoadBalancer";
}

export function buildServers(input: ServerInput): ServerResult {
  const { service, servicePort } = input;
  const ref = `${service.metadata?.namespace ?? "default"}/${service.metadata?.name ?? ""}`;
  const out: ServerResult = { servers: [], invalidIps: [], errors: [] };
  const endpoints = endpointsWithReadiness(input.endpointSlices, servicePort.name).endpoints;
  if (!usesNodes(service)) {
    for (const e of endpoints) {
      const eni = input.eniByIp.get(e.ip);
      if (!eni) {
        out.invalidIps.push(e.ip);
        continue;
      }
      out.servers.push({
        serverType: "Eni",
        serverId: eni,
        serverIp: e.ip,
        port: e.port,
        weight: DEFAULT_WEIGHT,
      });
    }
    out.invalidIps.sort();
    return out;
  }
  const nodePort = servicePort.nodePort;
  if (!nodePort) {
    out.errors.push(`service ${ref} port ${servicePort.port} has no nodePort yet`);
    return out;
  }
  let nodes = candidateNodes(input.nodes, { removeUnscheduledBackend: false }).filter(
    (n) => !excludedAsBackend(n),
  );
  if (service.spec?.externalTrafficPolicy === "Local") {
    const hosting = new Set(endpoints.map((e) => e.nodeName));
    nodes = nodes.filter((n) => hosting.has(n.metadata?.name));
  }
  for (const n of nodes) {
    const id = instanceIdFromProviderId(n.spec?.providerID);
    if (!id) {
      out.errors.push(
        `node ${n.metadata?.name ?? ""}: providerID ${JSON.stringify(n.spec?.providerID ?? "")} expected: \${regionid}.\${nodeid}`,
      );
      continue;
    }
    out.servers.push({ serverType: "Ecs", serverId: id, port: nodePort, weight: DEFAULT_WEIGHT });
  }
  out.servers.sort((a, b) => (a.serverId < b.serverId ? -1 : a.serverId > b.serverId ? 1 : 0));
  return out;
}
