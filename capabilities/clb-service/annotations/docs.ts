// The CLB section of docs/annotations.md: the text around the registry's tables (what a CLB-managed
// Service is, the webhook defaults, the reuse rules). Docs only; scripts/gen-annotation-docs.ts renders it.
import { defineRegistryDocs } from "../../../src/annotations/docs";
import { ANNOTATION_PREFIX, CLB_REGISTRY, LEGACY_ANNOTATION_PREFIX } from "./registry";
import { REUSE_RULES, ROUTING_SUFFIXES, SERVICE_CLASS_ANNOTATION } from "./service";
import type { ClbAnnotationTypes } from "./types";

export const CLB_ANNOTATION_DOCS = defineRegistryDocs<ClbAnnotationTypes>({
  registry: CLB_REGISTRY,
  title: "CLB Service annotations",
  intro: [
    `Services of \`type: LoadBalancer\` become Alibaba Cloud CLB (SLB) instances. Most keys start with \`${ANNOTATION_PREFIX}\`; ` +
      `the legacy prefix \`${LEGACY_ANNOTATION_PREFIX}\` is accepted as an alias, and the canonical key wins when both are present. ` +
      "Values are case-sensitive unless noted. Integers must be plain decimal integers. An empty value is rejected.",
    "A Service is CLB-managed when `spec.type` is `LoadBalancer`, `spec.loadBalancerClass` is unset, " +
      `\`${SERVICE_CLASS_ANNOTATION}\` is absent or empty, and neither \`${ANNOTATION_PREFIX}${ROUTING_SUFFIXES.tunnelType}\` nor \`${ANNOTATION_PREFIX}${ROUTING_SUFFIXES.lbType}\` is present. The webhooks leave every other Service untouched.`,
    "**Mutability**: `immutable` keys cannot be added, changed or removed on UPDATE of a CLB-managed Service (the webhook compares effective values across both spellings).",
  ],
  groups: [
    { group: "instance", title: "Load balancer (instance) attributes" },
    { group: "listener", title: "Listener attributes" },
    { group: "backend", title: "Backend (vserver group) attributes" },
  ],
  columns: [
    { title: "#", cell: (r) => String(r.row) },
    "key",
    "legacy",
    "meaning",
    "values",
    "default",
    "mutability",
    {
      title: "Protocols",
      cell: (r) => (typeof r.protocols === "string" ? r.protocols : r.protocols.join(", ")),
    },
    { title: "API field", cell: (r) => r.apiField },
    "notes",
  ],
  webhookDefaults: {
    intro:
      "Only CLB-managed Services, on CREATE and UPDATE. A key that is present in any spelling (canonical, legacy or vendor alias) is never overwritten.",
    when: {
      "no-id": "unless `id` is set",
      "pay-by-spec": "when instance-charge-type is PayBySpec",
      "spec-set": "when `spec` is set",
    },
    outro: "Nothing else is defaulted; listener defaults are cloud-side outcomes, not annotations.",
  },
  sections: [
    {
      title: "Listener protocol of a port",
      paragraphs: [
        "The `protocol-port` entry for the port, else `spec.ports[].protocol` lowercased. Listener keys apply to every listener of the Service whose protocol is in the Protocols column.",
      ],
    },
    {
      title: "Reuse rules (`id`)",
      paragraphs: [
        REUSE_RULES.map((r) => `* **${r.id}. ${r.title}** (${r.enforcedBy}). ${r.text}`).join("\n"),
      ],
    },
  ],
});
