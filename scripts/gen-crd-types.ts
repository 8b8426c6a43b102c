// Generates TypeScript types from the CRD schemas in crds/, so the types cannot drift from the schema
// (the shape of defenseunicorns/uds-core src/pepr/operator/crd/generated, without quicktype).
//   npx tsx scripts/gen-crd-types.ts          write the files (make docs)
//   npx tsx scripts/gen-crd-types.ts --check  exit 1 if a generated file is stale (make docs-check)
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";

const ROOT = join(__dirname, "..");

/** The subset of JSONSchemaProps our CRDs use. */
export interface SchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  enum?: unknown[];
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  [other: string]: unknown;
}

export interface CrdTypesTarget {
  crd: string;
  version: string;
  out: string;
  /** Type names by schema path (`spec.config`, `spec.listeners[]`); other objects get parent + property. */
  names: Readonly<Record<string, string>>;
}

/** Every CRD whose types are generated. */
export const TARGETS: readonly CrdTypesTarget[] = [
  {
    crd: "crds/albconfigs.alibabacloud.com.yaml",
    version: "v1",
    out: "capabilities/alb-ingress/crd/generated/albconfig-v1.ts",
    names: {
      "": "AlbConfig",
      spec: "AlbConfigSpec",
      "spec.config": "LoadBalancerSpec",
      "spec.config.zoneMappings[]": "ZoneMapping",
      "spec.config.accessLogConfig": "AccessLogConfig",
      "spec.config.billingConfig": "BillingConfig",
      "spec.config.modificationProtectionConfig": "ModificationProtectionConfig",
      "spec.config.tags[]": "Tag",
      "spec.listeners[]": "ListenerSpec",
      "spec.listeners[].certificates[]": "Certificate",
      "spec.listeners[].caCertificates[]": "CaCertificate",
      "spec.listeners[].quicConfig": "QuicConfig",
      "spec.listeners[].xForwardedForConfig": "XForwardedForConfig",
      "spec.listeners[].logConfig": "LogConfig",
      "spec.listeners[].logConfig.accessLogTracingConfig": "AccessLogTracingConfig",
      "spec.listeners[].aclConfig": "AclConfig",
      "spec.listeners[].defaultActions[]": "DefaultAction",
      status: "AlbConfigStatus",
      "status.loadBalancer": "LoadBalancerStatus",
      "status.loadBalancer.listeners[]": "ListenerStatus",
      "status.loadBalancer.listeners[].certificates[]": "AppliedCertificate",
      "status.conditions[]": "AlbConfigCondition",
    },
  },
];

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function doc(description: string | undefined, indent: string): string[] {
  if (!description) return [];
  const text = description.trim().replace(/\*\//g, "*\\/");
  return [`${indent}/** ${text} */`];
}

/** Renders the interfaces of one schema; `metadata` is the Kubernetes ObjectMeta. */
export function renderTypes(schema: SchemaNode, target: CrdTypesTarget, kind: string): string {
  const interfaces: string[][] = [];
  const used = new Set<string>();

  const nameFor = (path: string, parentName: string, prop: string): string => {
    let name = target.names[path] ?? parentName + pascal(prop.replace(/\[\]$/, ""));
    while (used.has(name)) name += "_";
    used.add(name);
    return name;
  };

  const typeOf = (node: SchemaNode, path: string, parentName: string, prop: string): string => {
    if (node["x-kubernetes-int-or-string"]) return "number | string";
    if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(" | ");
    switch (node.type) {
      case "string":
        return "string";
      case "integer":
      case "number":
        return "number";
      case "boolean":
        return "boolean";
      case "array": {
        const item = typeOf(node.items ?? {}, `${path}[]`, parentName, `${prop}[]`);
        return item.includes("|") ? `Array<${item}>` : `${item}[]`;
      }
      case "object": {
        if (path === "metadata") return "V1ObjectMeta";
        if (!node.properties) {
          if (node.additionalProperties && typeof node.additionalProperties === "object")
            return `Record<string, ${typeOf(node.additionalProperties, `${path}{}`, parentName, prop)}>`;
          return "Record<string, unknown>";
        }
        const name = nameFor(path, parentName, prop);
        emit(node, path, name);
        return name;
      }
      default:
        return "unknown";
    }
  };

  const emit = (node: SchemaNode, path: string, name: string): void => {
    const lines: string[] = [...doc(node.description, ""), `export interface ${name} {`];
    const slot = interfaces.length;
    interfaces.push(lines); // parents before children
    const required = new Set(node.required ?? []);
    for (const [prop, child] of Object.entries(node.properties ?? {})) {
      const childPath = path ? `${path}.${prop}` : prop;
      const t = typeOf(child, childPath, name, prop);
      const key = IDENT.test(prop) ? prop : JSON.stringify(prop);
      lines.push(...doc(child.description, "  "), `  ${key}${required.has(prop) ? "" : "?"}: ${t};`);
    }
    lines.push("}");
    interfaces[slot] = lines;
  };

  used.add(target.names[""] ?? kind);
  emit(schema, "", target.names[""] ?? kind);
  return [
    `// Generated by scripts/gen-crd-types.ts from ${target.crd} (${target.version}). Do not edit:`,
    "// change the CRD and run `make docs`; `make docs-check` fails when this file is stale.",
    'import type { V1ObjectMeta } from "@kubernetes/client-node";',
    "",
    ...interfaces
      .map((l) => l.join("\n"))
      .join("\n\n")
      .split("\n"),
    "",
  ].join("\n");
}

interface Crd {
  spec: {
    names: { kind: string };
    versions: Array<{ name: string; schema: { openAPIV3Schema: SchemaNode } }>;
  };
}

export function generate(target: CrdTypesTarget): string {
  const crd = yaml.load(readFileSync(join(ROOT, target.crd), "utf8")) as Crd;
  const version = crd.spec.versions.find((v) => v.name === target.version);
  if (!version) throw new Error(`${target.crd}: no version ${target.version}`);
  return renderTypes(version.schema.openAPIV3Schema, target, crd.spec.names.kind);
}

function main(): void {
  const check = process.argv.includes("--check");
  for (const target of TARGETS) {
    const text = generate(target);
    const path = join(ROOT, target.out);
    if (check) {
      let current = "";
      try {
        current = readFileSync(path, "utf8");
      } catch {
        // a missing file counts as stale
      }
      if (current !== text) {
        console.error(`${target.out} is stale against ${target.crd}. Run: npx tsx scripts/gen-crd-types.ts`);
        process.exitCode = 1;
      }
      continue;
    }
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}

if (require.main === module) main();
