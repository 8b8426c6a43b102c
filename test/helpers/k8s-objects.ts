// In-memory Kubernetes objects for unit tests of backends and models: Nodes, EndpointSlices and Pods
// with just the fields those read. Not for a real API server (see clb.ts and stack.ts for that).
import type { V1EndpointSlice, V1Node, V1Pod } from "@kubernetes/client-node";

/** A node with providerID `cn-hangzhou.i-<name>`, Ready unless told otherwise. */
export function node(
  name: string,
  opts: {
    labels?: Record<string, string>;
    ready?: boolean;
    providerID?: string;
    unschedulable?: boolean;
    taint?: string;
  } = {},
): V1Node {
  return {
    metadata: { name, labels: opts.labels ?? {} },
    spec: {
      providerID: opts.providerID ?? `cn-hangzhou.i-${name}`,
      unschedulable: opts.unschedulable,
      taints: opts.taint ? [{ key: opts.taint, effect: "NoSchedule" }] : undefined,
    },
    status: { conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }] },
  };
}

/** An IPv4 slice with one port and endpoints without pod references (ready unless told otherwise). */
export function slice(
  name: string,
  port: { name?: string; port: number },
  eps: { ip: string; node?: string; ready?: boolean; terminating?: boolean }[],
): V1EndpointSlice {
  return {
    metadata: { name },
    addressType: "IPv4",
    ports: [{ name: port.name, port: port.port, protocol: "TCP" }],
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      nodeName: e.node,
      conditions: { ready: e.ready ?? true, terminating: e.terminating },
    })),
  };
}

/** A pod in namespace "shop" (or `namespace`), declaring the readiness gate `gate` when given. */
export function pod(
  name: string,
  opts: { gate?: string; containersReady?: boolean; namespace?: string } = {},
): V1Pod {
  return {
    metadata: { name, namespace: opts.namespace ?? "shop" },
    spec: {
      containers: [],
      readinessGates: opts.gate ? [{ conditionType: opts.gate }] : undefined,
    },
    status: {
      conditions: [{ type: "ContainersReady", status: opts.containersReady ? "True" : "False" }],
    },
  };
}

/** A slice in namespace "shop" with port "http" 8080 whose endpoints reference their pods. */
export function podSlice(
  eps: { ip: string; pod: string; node?: string; ready: boolean; terminating?: boolean }[],
  family: "IPv4" | "IPv6" = "IPv4",
): V1EndpointSlice {
  return {
    metadata: { name: `s-${family}`, namespace: "shop" },
    addressType: family,
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      nodeName: e.node,
      conditions: { ready: e.ready, terminating: e.terminating },
      targetRef: { kind: "Pod", name: e.pod, namespace: "shop" },
    })),
  };
}
