// The Kubernetes kinds the operator reads or writes, as data: group, version, plural and scope. The
// generic client (client.ts) and the watch-fed stores (stores.ts) take one of these instead of a kind-
// specific API class, so a new capability adds a row here, not a client.

export interface KindRef {
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

export const KINDS = {
  Service: { group: "", version: "v1", kind: "Service", plural: "services", namespaced: true },
  Pod: { group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true },
  Node: { group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false },
  Namespace: { group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false },
  Event: { group: "", version: "v1", kind: "Event", plural: "events", namespaced: true },
  Secret: { group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true },
  EndpointSlice: {
    group: "discovery.k8s.io",
    version: "v1",
    kind: "EndpointSlice",
    plural: "endpointslices",
    namespaced: true,
  },
  Ingress: {
    group: "networking.k8s.io",
    version: "v1",
    kind: "Ingress",
    plural: "ingresses",
    namespaced: true,
  },
  IngressClass: {
    group: "networking.k8s.io",
    version: "v1",
    kind: "IngressClass",
    plural: "ingressclasses",
    namespaced: false,
  },
  Lease: { group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true },
  AlbConfig: {
    group: "alibabacloud.com",
    version: "v1",
    kind: "AlbConfig",
    plural: "albconfigs",
    namespaced: false,
  },
  ImageCache: {
    group: "eci.alibabacloud.com",
    version: "v1",
    kind: "ImageCache",
    plural: "imagecaches",
    namespaced: false,
  },
} as const satisfies Record<string, KindRef>;

export function apiVersionOf(k: KindRef): string {
  return k.group ? `${k.group}/${k.version}` : k.version;
}

/** The REST path of a kind's collection (namespace only for namespaced kinds; none = all namespaces). */
export function collectionPath(k: KindRef, namespace?: string): string {
  const base = k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`;
  return k.namespaced && namespace
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${k.plural}`
    : `${base}/${k.plural}`;
}

/** Where an object is: cluster-scoped kinds have no namespace. */
export interface ObjectKey {
  namespace?: string;
  name: string;
}

/** "<namespace>/<name>" for namespaced objects, "<name>" for cluster-scoped ones (client-go's cache key). */
export function keyOf(obj: { metadata?: { namespace?: string; name?: string } }): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name ?? ""}` : (obj.metadata?.name ?? "");
}

export function parseKey(key: string): ObjectKey {
  const i = key.indexOf("/");
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
