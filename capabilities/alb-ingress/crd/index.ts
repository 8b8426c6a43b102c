// The AlbConfig custom resource as TypeScript: the types generated from crds/albconfigs.alibabacloud.com.yaml
// (generated/, never edited by hand) and the defaults of docs/alb-ingress.md §1 as one pure function that the
// mutating webhook writes and the controller applies. No Pepr here (the Pepr kind is kind.ts).
import { ALB_INGRESS_DEFAULTS } from "../../../src/config";
import type { AlbConfig, ListenerSpec, LoadBalancerSpec } from "./generated/albconfig-v1";

export * from "./generated/albconfig-v1";

export const ALBCONFIG_GVK = {
  group: "alibabacloud.com",
  version: "v1",
  kind: "AlbConfig",
  plural: "albconfigs",
} as const;

/** A JSON patch operation (RFC 6902) of a default written into an AlbConfig. */
export interface DefaultPatch {
  op: "add";
  path: string;
  value: unknown;
}

/** `ingress-auto-listener-<port>`. */
export function defaultListenerDescription(port: number | string): string {
  return `${ALB_INGRESS_DEFAULTS.listener.descriptionPrefix}${String(port)}`;
}

function escapePointer(s: string): string {
  return s.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * The defaults the mutating webhook writes into an AlbConfig (docs/alb-ingress.md §1.2): addressType,
 * addressAllocatedMode, addressIpVersion, edition, billingConfig.payType, and each listener's description
 * when empty. `name` is not defaulted (it depends on the cluster id); neither is anything the user set.
 * Pure; returns no patch for a field that is present, and nothing at all without `spec.config`.
 */
export function albConfigDefaultPatches(obj: unknown): DefaultPatch[] {
  const spec = recordOf(recordOf(obj)?.spec);
  const config = recordOf(spec?.config);
  if (!spec || !config) return [];
  const d = ALB_INGRESS_DEFAULTS.albConfig;
  const out: DefaultPatch[] = [];
  const fill = (key: keyof LoadBalancerSpec, value: string) => {
    if (config[key] === undefined || config[key] === "")
      out.push({ op: "add", path: `/spec/config/${escapePointer(key)}`, value });
  };
  fill("addressType", d.addressType);
  fill("addressAllocatedMode", d.addressAllocatedMode);
  fill("addressIpVersion", d.addressIpVersion);
  fill("edition", d.edition);
  const billing = recordOf(config.billingConfig);
  if (!billing) out.push({ op: "add", path: "/spec/config/billingConfig", value: { payType: d.payType } });
  else if (billing.payType === undefined || billing.payType === "")
    out.push({ op: "add", path: "/spec/config/billingConfig/payType", value: d.payType });
  const listeners = spec.listeners;
  if (Array.isArray(listeners))
    listeners.forEach((l: unknown, i) => {
      const listener = recordOf(l);
      if (!listener) return;
      const port = listener.port;
      if (
        (listener.description === undefined || listener.description === "") &&
        (typeof port === "number" || typeof port === "string")
      )
        out.push({
          op: "add",
          path: `/spec/listeners/${i}/description`,
          value: defaultListenerDescription(port),
        });
    });
  return out;
}

/** The AlbConfig with the webhook defaults applied (a copy; the input is not changed). */
export function withAlbConfigDefaults<T extends AlbConfig>(obj: T): T {
  const out = structuredClone(obj);
  for (const p of albConfigDefaultPatches(out)) {
    const parts = p.path
      .slice(1)
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    let cur: Record<string, unknown> = out as unknown as Record<string, unknown>;
    for (const part of parts.slice(0, -1)) cur = cur[part] as Record<string, unknown>;
    cur[parts[parts.length - 1]] = p.value;
  }
  return out;
}

/** The effective listener values the controller uses when the AlbConfig leaves them out (§1.3). */
export function listenerEffective(l: ListenerSpec): {
  idleTimeoutSeconds: number;
  requestTimeoutSeconds: number;
  gzipEnabled: boolean;
  http2Enabled: boolean;
  securityPolicyId: string;
  description: string;
} {
  const d = ALB_INGRESS_DEFAULTS.listener;
  return {
    idleTimeoutSeconds: l.idleTimeout || d.idleTimeoutSeconds,
    requestTimeoutSeconds: l.requestTimeout || d.requestTimeoutSeconds,
    gzipEnabled: l.gzipEnabled ?? true,
    http2Enabled: l.http2Enabled ?? true,
    securityPolicyId: l.securityPolicyId || d.securityPolicyId,
    description: l.description || defaultListenerDescription(l.port),
  };
}

function recordOf(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
