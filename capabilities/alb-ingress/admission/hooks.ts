// Pepr glue for AlbConfig and Ingress admission: the decisions are the pure functions of rules.ts; this file
// only gathers their inputs and shapes the responses. Group-wide checks read watch-fed stores of Ingresses
// (indexed by the AlbConfig they reference), IngressClasses and AlbConfigs (src/k8s/stores.ts): no LIST per request.
import { PeprMutateRequest, PeprValidateRequest, a } from "pepr";
import type { V1IngressClass } from "@kubernetes/client-node";
import { guardedValidate, respond } from "../../../src/admission/respond";
import { ALB_INGRESS_DEFAULTS } from "../../../src/config";
import { ClusterClient } from "../../../src/k8s/client";
import { KINDS } from "../../../src/k8s/kinds";
import { startInformer, Store } from "../../../src/k8s/stores";
import type { Ingress } from "../annotations";
import type { AlbConfig } from "../crd";
import type { AlbConfigKind } from "../crd/kind";
import {
  albConfigRefsOf,
  INGRESSES_BY_ALBCONFIG_REF,
  LEGACY_INGRESS_CLASS_ANNOTATION,
  membersOfAlbConfig,
  albMembership,
} from "../group";
import { mutateAlbConfig, validateAlbConfig, validateIngress } from "./rules";

export interface AlbAdmissionStores {
  ingresses: Store<Ingress>;
  ingressClasses: Store<V1IngressClass>;
  albConfigs: Store<AlbConfig>;
}

export function newAlbAdmissionStores(): AlbAdmissionStores {
  return {
    ingresses: new Store<Ingress>(KINDS.Ingress, { [INGRESSES_BY_ALBCONFIG_REF]: albConfigRefsOf }),
    ingressClasses: new Store<V1IngressClass>(KINDS.IngressClass),
    albConfigs: new Store<AlbConfig>(KINDS.AlbConfig),
  };
}

let stores: AlbAdmissionStores | undefined;

/** The admission process's stores, started on the first ALB admission request (not at import: Pepr's build imports this). */
function admissionStores(): AlbAdmissionStores {
  if (!stores) {
    stores = newAlbAdmissionStores();
    const client = new ClusterClient();
    const log = (m: string) => console.warn(`alb-ingress admission: ${m}`);
    startInformer(stores.ingresses, client.kubeConfig, client, { log });
    startInformer(stores.ingressClasses, client.kubeConfig, client, { log });
    startInformer(stores.albConfigs, client.kubeConfig, client, { log });
  }
  return stores;
}

/** Waits (bounded) until every store has its first full list; false when one has not. */
export async function storesSynced(
  s: ReadonlyArray<{ synced: boolean; whenSynced(): Promise<void> }>,
  waitMs: number,
): Promise<boolean> {
  if (s.every((x) => x.synced)) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((r) => (timer = setTimeout(r, waitMs)));
  await Promise.race([Promise.all(s.map((x) => x.whenSynced())), timeout]);
  clearTimeout(timer);
  return s.every((x) => x.synced);
}

const TRY_AGAIN =
  "the webhook has not finished reading the cluster's Ingresses, IngressClasses and AlbConfigs; try again in a few seconds";

export function mutateAlbConfigRequest(req: PeprMutateRequest<AlbConfigKind>): void {
  admissionStores();
  for (const p of mutateAlbConfig(req.Raw)) {
    const parts = p.path.slice(1).split("/");
    let cur = req.Raw as unknown as Record<string, unknown>;
    for (const part of parts.slice(0, -1)) cur = cur[part] as Record<string, unknown>;
    cur[parts[parts.length - 1]] = p.value;
  }
}

function operationOf(req: { Request: { operation: unknown } }): "CREATE" | "UPDATE" | "DELETE" {
  const op = String(req.Request.operation).toUpperCase();
  return op === "DELETE" ? "DELETE" : op === "UPDATE" ? "UPDATE" : "CREATE";
}

export const validateAlbConfigRequest = guardedValidate(
  "AlbConfig",
  async (req: PeprValidateRequest<AlbConfigKind>) => {
    const s = admissionStores();
    const operation = operationOf(req);
    const albConfig = req.Raw;
    if (operation !== "DELETE")
      return respond(req, validateAlbConfig({ albConfig, oldAlbConfig: req.OldResource, operation }));
    if (!(await storesSynced([s.ingresses, s.ingressClasses], ALB_INGRESS_DEFAULTS.admissionStoreWaitMs)))
      return req.Deny(TRY_AGAIN);
    const name = albConfig.metadata?.name ?? "";
    const members = membersOfAlbConfig(name, s.ingresses, s.ingressClasses, (n) => s.ingressClasses.get(n));
    return respond(req, validateAlbConfig({ albConfig, operation, members }));
  },
);

/** Cheapest path: an Ingress that names no class at all can never be an ALB Ingress. */
function namesAClass(ing: Ingress): boolean {
  return !!ing.spec?.ingressClassName || !!ing.metadata?.annotations?.[LEGACY_INGRESS_CLASS_ANNOTATION];
}

export const validateIngressRequest = guardedValidate(
  "Ingress",
  async (req: PeprValidateRequest<a.Ingress>) => {
    const ing: Ingress = req.Raw;
    const old = req.OldResource as Ingress | undefined;
    const operation = operationOf(req) === "UPDATE" ? "UPDATE" : "CREATE";
    if (!namesAClass(ing) || ing.metadata?.deletionTimestamp) return req.Approve();
    if (
      operation === "UPDATE" &&
      old &&
      JSON.stringify(ing.metadata?.annotations ?? {}) === JSON.stringify(old.metadata?.annotations ?? {}) &&
      JSON.stringify(ing.spec ?? {}) === JSON.stringify(old.spec ?? {})
    )
      return req.Approve(); // status, finalizers or labels only: nothing of ours to judge
    const s = admissionStores();
    if (
      !(await storesSynced(
        [s.ingresses, s.ingressClasses, s.albConfigs],
        ALB_INGRESS_DEFAULTS.admissionStoreWaitMs,
      ))
    )
      return req.Deny(TRY_AGAIN);
    const lookup = (n: string) => s.ingressClasses.get(n);
    const membership = albMembership(ing, lookup);
    if (!membership.ours) return req.Approve();
    const groupMembers =
      membership.albConfig !== undefined
        ? membersOfAlbConfig(membership.albConfig, s.ingresses, s.ingressClasses, lookup)
        : [];
    return respond(
      req,
      validateIngress({
        ingress: ing,
        oldIngress: old,
        operation,
        ingressClasses: lookup,
        groupMembers,
        albConfigExists: (name) =>
          s.albConfigs.get(name) ? true : name === ALB_INGRESS_DEFAULTS.legacyGroupName ? undefined : false,
      }),
    );
  },
);
