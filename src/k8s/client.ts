// Reads and writes of any Kubernetes kind (Services, Pods, Ingresses, custom resources) on one shared
// KubeConfig and keep-alive connection pool: get, list, patch and patchStatus by KindRef (kinds.ts).
// Objects come back as the apiserver's JSON (timestamps are strings), exactly as watches deliver them.
import { ApiException, KubeConfig } from "@kubernetes/client-node";
import { OPERATOR_DEFAULTS } from "../config";
import { collectionPath, type KindRef, type ObjectKey } from "./kinds";
import { K8sApiError, RestClient, type PatchType } from "./rest";

export { K8sApiError } from "./rest";
export type { PatchType } from "./rest";

function statusCode(e: unknown): number | undefined {
  if (e instanceof K8sApiError) return e.code;
  if (e instanceof ApiException) return e.code;
  return undefined;
}

export function isNotFound(e: unknown): boolean {
  return statusCode(e) === 404;
}

export function isConflict(e: unknown): boolean {
  return statusCode(e) === 409;
}

/** A short description of a Kubernetes API failure for logs and Events. */
export function describeK8sError(e: unknown): string {
  if (e instanceof K8sApiError) return `HTTP ${e.code}: ${e.message}`;
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

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ObjectList<T> {
  items: T[];
  metadata?: { resourceVersion?: string };
}

function objectPath(kind: KindRef, key: ObjectKey): string {
  if (kind.namespaced && !key.namespace) throw new Error(`${kind.kind} ${key.name}: a namespace is required`);
  return `${collectionPath(kind, key.namespace)}/${encodeURIComponent(key.name)}`;
}

export class ClusterClient {
  readonly kubeConfig: KubeConfig;
  readonly rest: RestClient;
  /** Reporting component of Events. */
  readonly component: string;

  constructor(kubeConfig?: KubeConfig, component = OPERATOR_DEFAULTS.eventComponent) {
    this.kubeConfig = kubeConfig ?? ClusterClient.defaultKubeConfig();
    this.rest = new RestClient(this.kubeConfig, OPERATOR_DEFAULTS.k8sRequestTimeoutMs);
    this.component = component;
  }

  static defaultKubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    return kc;
  }

  /** The object, or undefined when it does not exist. */
  async get<T>(kind: KindRef, key: ObjectKey): Promise<T | undefined> {
    try {
      return await this.rest.request<T>({ method: "GET", path: objectPath(kind, key) });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** Every object of a kind (in one namespace, or all), with the list's resourceVersion. */
  async list<T>(kind: KindRef, opts: ListOptions = {}): Promise<ObjectList<T>> {
    const list = await this.rest.request<ObjectList<T>>({
      method: "GET",
      path: collectionPath(kind, opts.namespace),
      query: { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector },
    });
    // Lists leave kind/apiVersion off their items; watches and gets carry them.
    for (const item of list.items) {
      const o = item as { kind?: string; apiVersion?: string };
      o.kind ??= kind.kind;
      o.apiVersion ??= kind.group ? `${kind.group}/${kind.version}` : kind.version;
    }
    return list;
  }

  /** A patch of metadata/spec (merge by default). Include metadata.resourceVersion to make it conditional. */
  async patch<T>(kind: KindRef, key: ObjectKey, body: object, type: PatchType = "merge"): Promise<T> {
    return this.rest.request<T>({ method: "PATCH", path: objectPath(kind, key), body, patchType: type });
  }

  /** A patch of the status subresource. */
  async patchStatus<T>(kind: KindRef, key: ObjectKey, body: object, type: PatchType = "merge"): Promise<T> {
    return this.rest.request<T>({
      method: "PATCH",
      path: `${objectPath(kind, key)}/status`,
      body,
      patchType: type,
    });
  }

  async create<T>(kind: KindRef, namespace: string | undefined, body: object): Promise<T> {
    return this.rest.request<T>({ method: "POST", path: collectionPath(kind, namespace), body });
  }

  /** A full replace (PUT); the body's resourceVersion makes it conditional. */
  async replace<T>(kind: KindRef, key: ObjectKey, body: object): Promise<T> {
    return this.rest.request<T>({ method: "PUT", path: objectPath(kind, key), body });
  }
}
