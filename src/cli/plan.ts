// `npm run plan -- -f service.yaml [-f more.yaml]`: what the operator would do for these manifests,
// without doing it. Admission (defaults + validation) runs as the webhook would; then the desired
// model is diffed against the configured cloud (read-only) and the actions are printed.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import type { V1EndpointSlice, V1Node, V1Service } from "@kubernetes/client-node";
import { isClbManagedService } from "../../capabilities/clb-service/annotations";
import { mutateService, validateService } from "../../capabilities/clb-service/admission/rules";
import { formatAction } from "../../capabilities/clb-service/plan";
import { planFor } from "../../capabilities/clb-service/pipeline";
import { createCloudProvider, loadCloudConfig } from "../cloud";
import { ClusterClient } from "../k8s/client";
import { KINDS } from "../k8s/kinds";
import { loadCloudSettings, resolveClusterId, type CloudSettings } from "../operator/settings";
import { printAlbPlans } from "./plan-alb";

interface ClusterView {
  services: V1Service[];
  nodes: V1Node[];
  slices(ns: string, name: string): Promise<V1EndpointSlice[]>;
}

async function clusterView(): Promise<ClusterView | undefined> {
  if (!process.env.KUBECONFIG) return undefined;
  try {
    const client = new ClusterClient();
    const [services, nodes] = await Promise.all([
      client.list<V1Service>(KINDS.Service),
      client.list<V1Node>(KINDS.Node),
    ]);
    return {
      services: services.items,
      nodes: nodes.items,
      slices: async (namespace, name) =>
        (
          await client.list<V1EndpointSlice>(KINDS.EndpointSlice, {
            namespace,
            labelSelector: `kubernetes.io/service-name=${name}`,
          })
        ).items,
    };
  } catch (e) {
    console.error(
      `(cluster not reachable, planning without nodes and endpoints: ${e instanceof Error ? e.message : String(e)})`,
    );
    return undefined;
  }
}

async function main(): Promise<number> {
  const files: string[] = [];
  for (let i = 2; i < process.argv.length; i++) {
    if (process.argv[i] === "-f" && process.argv[i + 1]) files.push(process.argv[++i]);
  }
  if (files.length === 0) {
    console.error("usage: npm run plan -- -f service.yaml [-f more.yaml]");
    return 2;
  }
  const docs = files.flatMap((f) => yaml.loadAll(readFileSync(f, "utf8")) as V1Service[]).filter(Boolean);
  const services = docs.filter((d) => d.kind === "Service");
  let settings: CloudSettings;
  let clusterId: string;
  try {
    // The operator's settings and cluster id, so the preview is what the controller would do.
    settings = loadCloudSettings(process.env);
    clusterId = settings.clusterId ?? (await resolveClusterId(settings, new ClusterClient()));
  } catch (e) {
    console.error(`plan: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const cluster = await clusterView();
  const cloud = createCloudProvider(loadCloudConfig(process.env));
  // AlbConfigs and their Ingresses (docs/alb-ingress.md): planned by the ALB pipeline.
  let failed = await printAlbPlans(docs, cloud, { clusterId, vpcId: settings.vpcId });
  for (const input of services) {
    const svc: V1Service = structuredClone(input);
    svc.metadata ??= {};
    svc.metadata.namespace ??= "default";
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    const existing = cluster?.services.find(
      (s) => s.metadata?.namespace === svc.metadata?.namespace && s.metadata?.name === svc.metadata?.name,
    );
    if (!isClbManagedService(svc)) {
      console.log(`${key}: not a CLB-managed Service; the operator leaves it alone`);
      continue;
    }
    const defaults = mutateService(svc).annotationsToAdd;
    svc.metadata.annotations = { ...defaults, ...svc.metadata.annotations };
    const others = (cluster?.services ?? []).filter((s) => s !== existing);
    const decision = validateService({
      svc,
      oldSvc: existing,
      operation: existing ? "UPDATE" : "CREATE",
      otherServices: others,
      settings,
    });
    if (!decision.allowed) {
      failed++;
      console.log(`${key}: admission would deny it:`);
      for (const e of decision.errors) console.log(`  - ${e}`);
      continue;
    }
    // A Service not created yet has no UID and no NodePorts (the apiserver assigns both): plan with
    // stand-ins so the preview is complete, and say so.
    svc.metadata.uid = existing?.metadata?.uid ?? "00000000-0000-0000-0000-000000000000";
    svc.status = existing?.status;
    let placeholderPorts = false;
    for (const [i, port] of (svc.spec?.ports ?? []).entries()) {
      const assigned = existing?.spec?.ports?.find(
        (p) => p.port === port.port && p.protocol === port.protocol,
      )?.nodePort;
      if (port.nodePort === undefined) {
        port.nodePort = assigned ?? 30000 + i;
        placeholderPorts ||= assigned === undefined;
      }
    }
    const result = await planFor({
      svc,
      nodes: cluster?.nodes ?? [],
      endpointSlices: cluster ? await cluster.slices(svc.metadata.namespace, svc.metadata.name ?? "") : [],
      clusterId,
      settings,
      slb: cloud.slb,
      network: { ecs: cloud.ecs, vpc: cloud.vpc, vpcId: settings.vpcId },
      deleting: false,
      // The same batching as the controller: a positive integer, else the default; plan() clamps it.
      backendBatchSize: positiveInt(process.env.OPERATOR_SG_BATCH_SIZE),
    });
    console.log(
      `${key}:${
        Object.keys(defaults).length
          ? ` (defaults added: ${Object.entries(defaults)
              .map(([k, v]) => `${k.split("/").pop()}=${v}`)
              .join(", ")})`
          : ""
      }`,
    );
    if (placeholderPorts)
      console.log("  note: NodePorts are assigned at create time; this preview uses 30000, 30001, ...");
    for (const w of decision.warnings) console.log(`  warning: ${w}`);
    for (const e of result.modelErrors) console.log(`  error: ${e.field}: ${e.message}`);
    for (const e of result.plan.errors) console.log(`  error: ${e.message}`);
    if (result.eni?.skippedIps.length)
      console.log(
        `  note: pods [${result.eni.skippedIps.join(",")}] are not in the VPC's CIDR blocks: left out`,
      );
    if (result.eni?.invalidIps.length)
      console.log(`  error: pods [${result.eni.invalidIps.join(",")}] have no ENI yet (invalid backends)`);
    if (result.plan.actions.length === 0 && result.modelErrors.length === 0) console.log("  no changes");
    for (const a of result.plan.actions) console.log(`  ${formatAction(a)}`);
    if (result.modelErrors.length || result.plan.errors.length || result.eni?.invalidIps.length) failed++;
  }
  return failed > 0 ? 1 : 0;
}

function positiveInt(v: string | undefined): number | undefined {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
