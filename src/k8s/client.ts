// The Kubernetes writes and reads the reconcilers need, on one shared KubeConfig and connection
// (KFC builds a new config and agent per request, which is too costly on a hot reconcile path).
import {
  ApiException,
  CoreV1Api,
  CoreV1Event,
  DiscoveryV1Api,
  KubeConfig,
  PatchStrategy,
  V1EndpointSlice,
  V1Node,
  V1Pod,
  V1Service,
  setHeaderOptions,
} from "@kubernetes/client-node";
import { createHash } from "node:crypto";

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiException && e.code === 404;
}

export function isConflict(e: unknown): boolean {
  return e instanceof ApiException && e.code === 409;
}

/** A short description of a Kubernetes API failure for logs and Events. */
export function describeK8sError(e: unknown): string {
  if (e instanceof ApiException) {
    const body = typeof e.body === "string" ? e.body : JSON.stringify(e.body);
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return `HTTP ${e.code}: ${parsed.message}`;
    } catch {
      // not JSON
    }
    return `HTTP ${e.code}`;
  }
  return e instanceof Error ? e.message : String(e);
}

export type EventType = "Normal" | "Warning";

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
}

export class ClusterClient {
  readonly core: CoreV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly component: string;

  constructor(kubeConfig?: KubeConfig, component = "alicloud-operator") {
    const kc = kubeConfig ?? ClusterClient.defaultKubeConfig();
    this.core = kc.makeApiClient(CoreV1Api);
    this.discovery = kc.makeApiClient(DiscoveryV1Api);
    this.component = component;
  }

  static defaultKubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    return kc;
  }

  async getService(namespace: string, name: string): Promise<V1Service | undefined> {
    try {
      return await this.core.readNamespacedService({ namespace, name });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async listServices(labelSelector?: string): Promise<V1Service[]> {
    const list = await this.core.listServiceForAllNamespaces({ labelSelector });
    return list.items;
  }

  async listNodes(): Promise<V1Node[]> {
    return (await this.core.listNode()).items;
  }

  async listEndpointSlices(namespace: string, serviceName: string): Promise<V1EndpointSlice[]> {
    const list = await this.discovery.listNamespacedEndpointSlice({
      namespace,
      labelSelector: `kubernetes.io/service-name=${serviceName}`,
    });
    return list.items;
  }

  async getPod(namespace: string, name: string): Promise<V1Pod | undefined> {
    try {
      return await this.core.readNamespacedPod({ namespace, name });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** Strategic merge patch of a pod's status subresource (conditions merge by type). */
  async patchPodStatus(namespace: string, name: string, body: object): Promise<V1Pod> {
    return this.core.patchNamespacedPodStatus(
      { namespace, name, body },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
  }

  /** JSON merge patch of a Service's metadata/spec. Include resourceVersion to make it conditional. */
  async mergePatchService(namespace: string, name: string, body: object): Promise<V1Service> {
    return this.core.patchNamespacedService(
      { namespace, name, body },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
  }

  async mergePatchServiceStatus(namespace: string, name: string, body: object): Promise<V1Service> {
    return this.core.patchNamespacedServiceStatus(
      { namespace, name, body },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
  }

  /**
   * Records an Event on an object. Repeats of the same reason+message bump the count of one Event
   * instead of creating a new one each resync.
   */
  async recordEvent(ref: ObjectRef, type: EventType, reason: string, message: string): Promise<void> {
    const namespace = ref.namespace ?? "default";
    const digest = createHash("sha256")
      .update(`${ref.uid}/${type}/${reason}/${message}`)
      .digest("hex")
      .slice(0, 12);
    const name = `${ref.name}.${digest}`.slice(0, 253);
    const now = new Date();
    const event: CoreV1Event = {
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        name: ref.name,
        namespace: ref.namespace,
        uid: ref.uid,
      },
      type,
      reason,
      message: message.slice(0, 1024),
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: this.component,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    // Create first (the common case, one call); a repeat finds it there and bumps its count.
    try {
      await this.core.createNamespacedEvent({ namespace, body: event });
      return;
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
    const existing = await this.core.readNamespacedEvent({ namespace, name });
    await this.core.patchNamespacedEvent(
      { namespace, name, body: { count: (existing.count ?? 1) + 1, lastTimestamp: now } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
  }
}
