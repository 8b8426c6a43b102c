// The ALB part of `npm run plan`: for each AlbConfig in the manifests, its member Ingresses (from the
// manifests, else the cluster) are planned against the configured cloud (read-only) and the actions printed,
// exactly as the ALB controller would apply them (capabilities/alb-ingress/pipeline.ts).
import type { V1EndpointSlice, V1IngressClass, V1Node, V1Service } from "@kubernetes/client-node";
import type { Ingress } from "../../capabilities/alb-ingress/annotations";
import { validateAlbConfigSpec } from "../../capabilities/alb-ingress/admission/rules";
import { withAlbConfigDefaults, type AlbConfig } from "../../capabilities/alb-ingress/crd";
import { albMembership, ingressRef } from "../../capabilities/alb-ingress/group";
import { planFor } from "../../capabilities/alb-ingress/pipeline";
import { formatAction } from "../../capabilities/alb-ingress/plan";
import type { CloudProvider } from "../cloud";
import { EMULATOR_DEFAULTS } from "../config";
import { ClusterClient } from "../k8s/client";
import { KINDS } from "../k8s/kinds";

interface Doc {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

interface AlbCluster {
  albConfigs: AlbConfig[];
  ingresses: Ingress[];
  classes: V1IngressClass[];
  services: V1Service[];
  nodes: V1Node[];
  slices: V1EndpointSlice[];
}

async function albCluster(): Promise<AlbCluster | undefined> {
  if (!process.env.KUBECONFIG) return undefined;
  try {
    const c = new ClusterClient();
    const [albConfigs, ingresses, classes, services, nodes, slices] = await Promise.all([
      c.list<AlbConfig>(KINDS.AlbConfig),
      c.list<Ingress>(KINDS.Ingress),
      c.list<V1IngressClass>(KINDS.IngressClass),
      c.list<V1Service>(KINDS.Service),
      c.list<V1Node>(KINDS.Node),
      c.list<V1EndpointSlice>(KINDS.EndpointSlice),
    ]);
    return {
      albConfigs: albConfigs.items,
      ingresses: ingresses.items,
      classes: classes.items,
      services: services.items,
      nodes: nodes.items,
      slices: slices.items,
    };
  } catch (e) {
    console.error(
      `(cluster not reachable, planning ALB without it: ${e instanceof Error ? e.message : String(e)})`,
    );
    return undefined;
  }
}

const refOf = (d: Doc) => `${d.metadata?.namespace ?? "default"}/${d.metadata?.name ?? ""}`;

/** Manifests win over the cluster's copy of the same object. */
function merged<T extends Doc>(fromFiles: T[], fromCluster: T[] = []): T[] {
  const out = new Map(fromCluster.map((o) => [refOf(o), o]));
  for (const o of fromFiles) out.set(refOf(o), o);
  return [...out.values()];
}

/** Prints the ALB plan of every AlbConfig in `docs`; returns how many could not be planned cleanly. */
export async function printAlbPlans(
  docs: Doc[],
  cloud: CloudProvider,
  ids: { clusterId: string; vpcId?: string },
): Promise<number> {
  const albConfigs = docs.filter((d): d is AlbConfig & Doc => d?.kind === "AlbConfig");
  if (albConfigs.length === 0) return 0;
  const cluster = await albCluster();
  const ingresses = merged(
    docs
      .filter((d): d is Ingress & Doc => d?.kind === "Ingress")
      .map((i) => ({ ...i, metadata: { namespace: "default", ...i.metadata } })),
    cluster?.ingresses,
  );
  const classes = merged(
    docs.filter((d): d is V1IngressClass & Doc => d?.kind === "IngressClass"),
    cluster?.classes,
  );
  const services = merged(
    docs
      .filter((d): d is V1Service & Doc => d?.kind === "Service")
      .map((s) => ({ ...s, metadata: { namespace: "default", ...s.metadata } })),
    cluster?.services,
  );
  // A Service not created yet has no NodePorts (the apiserver assigns them): stand-ins, and a note.
  let placeholders = 0;
  for (const svc of services)
    if (svc.spec?.type === "NodePort" || svc.spec?.type === "LoadBalancer")
      for (const p of svc.spec.ports ?? []) if (p.nodePort === undefined) p.nodePort = 30000 + placeholders++;
  if (placeholders > 0)
    console.log("note: NodePorts are assigned at create time; this preview uses 30000, 30001, ...");
  const lookup = (name: string) => classes.find((c) => c.metadata?.name === name);
  let failed = 0;
  for (const input of albConfigs) {
    const name = input.metadata?.name ?? "";
    const existing = cluster?.albConfigs.find((a) => a.metadata?.name === name);
    const ac = withAlbConfigDefaults(structuredClone(input));
    ac.metadata = { ...ac.metadata, uid: existing?.metadata?.uid ?? "00000000-0000-0000-0000-000000000000" };
    ac.status = existing?.status;
    console.log(`AlbConfig ${name}:`);
    const specErrors = validateAlbConfigSpec(ac);
    if (specErrors.length > 0) {
      failed++;
      for (const e of specErrors) console.log(`  admission would deny it: ${e}`);
      continue;
    }
    const members = ingresses.filter((i) => {
      const m = albMembership(i, lookup);
      return m.ours && m.albConfig === name && !i.metadata?.deletionTimestamp;
    });
    console.log(`  members: ${members.map(ingressRef).join(", ") || "none"}`);
    const result = await planFor({
      albConfig: ac,
      ingresses: members,
      services,
      nodes: cluster?.nodes ?? [],
      endpointSlices: cluster?.slices ?? [],
      clusterId: ids.clusterId,
      vpcId: ids.vpcId ?? EMULATOR_DEFAULTS.vpc.vpcId,
      cloud,
      deleting: false,
    });
    for (const e of result.modelErrors) console.log(`  error: ${e.field}: ${e.message}`);
    for (const e of result.plan.errors) console.log(`  error: ${e.reason}: ${e.message}`);
    for (const w of result.plan.warnings) console.log(`  warning: ${w}`);
    if (result.plan.actions.length === 0 && result.modelErrors.length === 0) console.log("  no changes");
    for (const a of result.plan.actions) console.log(`  ${formatAction(a)}`);
    if (result.modelErrors.length > 0 || result.plan.errors.length > 0) failed++;
  }
  return failed;
}
