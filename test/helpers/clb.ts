// Fixtures for CLB tests on a real stack: Nodes with status, EndpointSlices, Service manifests, and
// a cloud client (the real adapter) for asserting what the emulator holds.
import { createCloudProvider, loadCloudConfig } from "../../src/cloud";
import type { CloudProvider, SlbLoadBalancer } from "../../src/cloud";
import type { FaultRule } from "../../src/emulator";
import { eventually, Stack } from "./stack";

export const P = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-";

export function cloudOf(stack: Stack): CloudProvider {
  return createCloudProvider(loadCloudConfig(stack.cloudEnv));
}

/** Creates Ready nodes `name` with providerID cn-hangzhou.i-<name> and an InternalIP. */
export function createNodes(stack: Stack, names: string[], labels: Record<string, string> = {}): void {
  for (const [i, name] of names.entries()) {
    const node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
      spec: { providerID: `cn-hangzhou.i-${name}` },
    };
    stack.kubectlOk(["apply", "-f", "-"], JSON.stringify(node));
    setNodeReady(stack, name, true, `192.168.0.${10 + i}`);
    // TaintNodesByCondition adds not-ready taints and no node controller removes them here.
    stack.kubectl(["taint", "node", name, "node.kubernetes.io/not-ready:NoSchedule-"]);
  }
}

export function setNodeReady(stack: Stack, name: string, ready: boolean, ip?: string): void {
  const now = new Date().toISOString();
  const status: Record<string, unknown> = {
    conditions: [
      {
        type: "Ready",
        status: ready ? "True" : "False",
        reason: "Test",
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
    ],
  };
  if (ip) status.addresses = [{ type: "InternalIP", address: ip }];
  stack.kubectlOk([
    "patch",
    "node",
    name,
    "--subresource=status",
    "--type=merge",
    "-p",
    JSON.stringify({ status }),
  ]);
}

export function serviceYaml(
  name: string,
  annotations: Record<string, string> = {},
  opts: {
    ports?: Array<{ port: number; protocol?: string; name?: string }>;
    namespace?: string;
    policy?: "Local" | "Cluster";
    type?: string;
  } = {},
): string {
  const svc = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: opts.namespace ?? "default", annotations },
    spec: {
      type: opts.type ?? "LoadBalancer",
      selector: { app: name },
      externalTrafficPolicy: opts.policy,
      ports: (opts.ports ?? [{ port: 80 }]).map((p, i) => ({
        name: p.name ?? `p${i}`,
        port: p.port,
        protocol: p.protocol ?? "TCP",
        targetPort: 8080,
      })),
    },
  };
  return JSON.stringify(svc);
}

/** An EndpointSlice for `service` with ready endpoints on the given nodes. */
export function endpointSliceYaml(
  service: string,
  endpoints: Array<{ ip: string; node: string }>,
  namespace = "default",
): string {
  return JSON.stringify({
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: `${service}-test`,
      namespace,
      labels: { "kubernetes.io/service-name": service, "endpointslice.kubernetes.io/managed-by": "tests" },
    },
    addressType: "IPv4",
    ports: [{ name: "p0", port: 8080, protocol: "TCP" }],
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], nodeName: e.node, conditions: { ready: true } })),
  });
}

export interface ServiceJson {
  metadata: {
    uid: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    finalizers?: string[];
  };
  spec: { ports: Array<{ port: number; nodePort?: number }> };
  status?: {
    loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> };
    conditions?: Array<{ type: string; status: string; message: string }>;
  };
}

export function getService(stack: Stack, name: string, namespace = "default"): ServiceJson | undefined {
  const r = stack.kubectl(["-n", namespace, "get", "svc", name, "-o", "json"]);
  return r.code === 0 ? (JSON.parse(r.stdout) as ServiceJson) : undefined;
}

export async function waitForIngress(
  stack: Stack,
  name: string,
  timeoutMs = 60_000,
  namespace = "default",
): Promise<string> {
  return eventually(
    () => {
      const svc = getService(stack, name, namespace);
      const ingress = svc?.status?.loadBalancer?.ingress?.[0];
      return ingress?.ip ?? ingress?.hostname;
    },
    timeoutMs,
    `ingress of ${namespace}/${name}`,
  );
}

export async function loadBalancersOwnedBy(cloud: CloudProvider, uid: string): Promise<SlbLoadBalancer[]> {
  const name = `a${uid.replace(/-/g, "")}`.slice(0, 32);
  return cloud.slb.findLoadBalancers({ tags: [{ key: "kubernetes.do.not.delete", value: name }] });
}

export function warningEvents(stack: Stack, name: string, namespace = "default"): string {
  return stack.kubectlOk([
    "-n",
    namespace,
    "get",
    "events",
    "--field-selector",
    `involvedObject.name=${name},type=Warning`,
    "-o",
    'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}',
  ]);
}

/** Adds (POST) or clears (DELETE) the emulator's fault rules (docs/emulator.md, `/_emulator/faults`). */
export async function emulatorFaults(
  stack: Stack,
  method: "POST" | "DELETE",
  rule?: FaultRule,
): Promise<void> {
  const r = await fetch(`${stack.emulator!.url}/_emulator/faults`, {
    method,
    headers: { "content-type": "application/json" },
    body: rule ? JSON.stringify(rule) : undefined,
  });
  if (!r.ok) throw new Error(`faults ${method}: ${r.status}`);
}
