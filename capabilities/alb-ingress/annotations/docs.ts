// The ALB Ingress section of docs/annotations.md: the text around the registry's tables (which Ingresses
// are ALB Ingresses, the aliases, no webhook defaults). Docs only; scripts/gen-annotation-docs.ts renders it.
import { defineRegistryDocs } from "../../../src/annotations/docs";
import { ALB_INGRESS_DEFAULTS } from "../../../src/config";
import { ALB_ANNOTATION_PREFIX, ALB_REGISTRY, NGINX_ANNOTATION_PREFIX } from "./registry";
import type { AlbAnnotationTypes } from "./types";

export const ALB_ANNOTATION_DOCS = defineRegistryDocs<AlbAnnotationTypes>({
  registry: ALB_REGISTRY,
  title: "ALB Ingress annotations",
  intro: [
    `Ingresses of class alb become rules of the ALB of their AlbConfig (docs/alb-ingress.md). Every key starts with \`${ALB_ANNOTATION_PREFIX}\`. ` +
      `The ingress-nginx keys \`${NGINX_ANNOTATION_PREFIX}{ssl-redirect,canary,canary-by-header,canary-by-header-value,canary-by-cookie,canary-weight}\` ` +
      "are accepted as aliases; the ALB key wins when both are present. Values are case-sensitive unless noted; integers are plain decimal integers; an empty value is rejected.",
    `An Ingress is an ALB Ingress when its \`spec.ingressClassName\` names an IngressClass whose controller is \`${ALB_INGRESS_DEFAULTS.ingressClassController}\`, ` +
      `or, without a class name, when \`kubernetes.io/ingress.class\` is \`${ALB_INGRESS_DEFAULTS.legacyIngressClass}\` or names such an IngressClass. The webhooks let every other Ingress through untouched.`,
    "Keys ending in `.<service>` are templated: `<service>` is the name of a backend Service of the Ingress, and the value applies to the rules of the paths that go to it.",
    "**Mutability**: `backend-protocol` cannot be added, changed or removed on UPDATE. The mutating webhook writes no Ingress annotation: an `order` default written into every Ingress would make every order explicit and conflicting.",
  ],
  groups: [
    { group: "group", title: "AlbConfig and order" },
    { group: "routing", title: "Listeners and routing" },
    { group: "health-check", title: "Health checks" },
    { group: "canary", title: "Canary" },
    { group: "backend", title: "Sessions and backends" },
    { group: "cors", title: "CORS" },
    { group: "traffic-limit", title: "Traffic limits" },
    { group: "custom", title: "Custom actions and conditions" },
    { group: "legacy", title: "Legacy keys (the auto-created `default` AlbConfig)" },
  ],
  columns: ["key", "meaning", "values", "default", "mutability", "notes"],
  sections: [
    {
      title: "Custom actions and conditions (JSON)",
      paragraphs: [
        "Keys inside the JSON are matched case-insensitively, as the upstream controller's Go decoder does. " +
          "A rule has at most one final action (ForwardGroup, Redirect or FixedResponse); a path whose backend port is named anything but `use-annotation` already forwards to its Service, so its actions may not add another final action.",
        "```yaml\n" +
          `${ALB_ANNOTATION_PREFIX}actions.response-503: '[{"type":"FixedResponse","FixedResponseConfig":{"ContentType":"text/plain","HttpCode":"503","Content":"maintenance"}}]'\n` +
          `${ALB_ANNOTATION_PREFIX}conditions.tea-svc: '[{"type":"Header","HeaderConfig":{"Key":"x-env","Values":["canary"]}}]'\n` +
          "```",
      ],
    },
  ],
});
