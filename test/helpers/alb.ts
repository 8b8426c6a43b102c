// Fixtures for ALB tests on a real stack: AlbConfig, IngressClass, Service and Ingress manifests, and the
// waits and cloud reads (real adapter against the emulator) the ALB integration tests assert with.
import type { AlbLoadBalancer, CloudProvider } from "../../src/cloud";
import { cloudOf, createNodes } from "./clb";
import { eventually, type Stack, type StackOptions, startStack } from "./stack";

export const ALB = "alb.ingress.kubernetes.io/";

/**
 * The ALB tests' stack: the emulator and the operator (one process unless `opts` says otherwise), Ready nodes
 * n1 and n2, a NodePort Service per name in `services`, and a cloud client reading the emulator.
 */
export async function startAlbStack(
  services: Iterable<string>,
  opts: StackOptions = {},
): Promise<{ stack: Stack; cloud: CloudProvider }> {
  const stack = await startStack({ operator: "all", emulator: true, ...opts });
  try {
    createNodes(stack, ["n1", "n2"]);
    applyOk(stack, ...[...services].map((s) => nodePortServiceYaml(s)));
    return { stack, cloud: cloudOf(stack) };
  } catch (e) {
    await stack.stop();
    throw e;
  }
}

/** `kubectl apply` of the documents, as one manifest. */
export function applyOk(stack: Stack, ...docs: string[]): void {
  stack.kubectlOk(["apply", "-f", "-"], docs.join("\n---\n"));
}

export function albConfigYaml(
  name: string,
  config: Record<string, unknown> = {},
  listeners?: unknown[],
): string {
  return JSON.stringify({
    apiVersion: "alibabacloud.com/v1",
    kind: "AlbConfig",
    metadata: { name },
    spec: { config: { addressType: "Internet", ...config }, ...(listeners ? { listeners } : {}) },
  });
}

export function ingressClassYaml(name: string, albConfig: string): string {
  return JSON.stringify({
    apiVersion: "networking.k8s.io/v1",
    kind: "IngressClass",
    metadata: { name },
    spec: {
      controller: "ingress.k8s.alibabacloud/alb",
      parameters: { apiGroup: "alibabacloud.com", kind: "AlbConfig", name: albConfig },
    },
  });
}

export function nodePortServiceYaml(name: string, namespace = "default"): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace },
    spec: { type: "NodePort", selector: { app: name }, ports: [{ name: "http", port: 80, targetPort: 80 }] },
  });
}

export interface PathSpec {
  path: string;
  service: string;
  pathType?: string;
}

export function ingressYaml(
  name: string,
  opts: {
    className?: string;
    host?: string;
    paths: PathSpec[];
    annotations?: Record<string, string>;
    tlsHosts?: string[];
    namespace?: string;
  },
): string {
  return JSON.stringify({
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name, namespace: opts.namespace ?? "default", annotations: opts.annotations ?? {} },
    spec: {
      ingressClassName: opts.className ?? "alb",
      ...(opts.tlsHosts ? { tls: [{ hosts: opts.tlsHosts }] } : {}),
      rules: [
        {
          ...(opts.host ? { host: opts.host } : {}),
          http: {
            paths: opts.paths.map((p) => ({
              path: p.path,
              pathType: p.pathType ?? "Prefix",
              backend: { service: { name: p.service, port: { number: 80 } } },
            })),
          },
        },
      ],
    },
  });
}

interface Json {
  metadata: { finalizers?: string[]; annotations?: Record<string, string>; uid: string };
  status?: { loadBalancer?: { ingress?: { hostname?: string }[]; id?: string; dnsname?: string } };
}

export function getObject(stack: Stack, kind: string, name: string, namespace?: string): Json | undefined {
  const r = stack.kubectl(["get", kind, name, ...(namespace ? ["-n", namespace] : []), "-o", "json"]);
  return r.code === 0 ? (JSON.parse(r.stdout) as Json) : undefined;
}

/** Waits for the Ingress's hostname; returns it. */
export async function waitForHostname(
  stack: Stack,
  name: string,
  namespace = "default",
  timeoutMs = 60_000,
): Promise<string> {
  return eventually(
    () => getObject(stack, "ingress", name, namespace)?.status?.loadBalancer?.ingress?.[0]?.hostname,
    timeoutMs,
    `hostname on ingress ${namespace}/${name}`,
  );
}

/** Deletes the object (in namespace default if namespaced) and waits until it is gone, finalizers done. */
export async function deleteAndWait(
  stack: Stack,
  kind: string,
  name: string,
  timeoutMs = 30_000,
): Promise<void> {
  stack.kubectlOk(["delete", kind, name, "--wait=false"]);
  await eventually(
    () => (stack.kubectl(["get", kind, name, "-o", "name"]).code === 0 ? undefined : true),
    timeoutMs,
    `${kind} ${name} gone`,
  );
}

/** The ALBs tagged as made by AlbConfig `name`. */
export async function albsOf(cloud: CloudProvider, name: string): Promise<AlbLoadBalancer[]> {
  return cloud.alb.listLoadBalancers({ tags: [{ key: "ingress.k8s.alibaba/albconfig", value: name }] });
}

/** Rules of every listener of an ALB, by "<protocol>:<port>". */
export async function rulesOf(cloud: CloudProvider, lbId: string) {
  const out = new Map<string, Awaited<ReturnType<CloudProvider["alb"]["listRules"]>>>();
  for (const l of await cloud.alb.listListeners(lbId))
    out.set(
      `${l.listenerProtocol}:${l.listenerPort}`,
      (await cloud.alb.listRules(l.listenerId)).sort((a, b) => a.priority - b.priority),
    );
  return out;
}
