// Tests for the Markdown renderer of annotation registries: headings, tables per group, custom and standard
// columns, webhook defaults, extra sections, vendor aliases, and a file of several registries.
import test from "node:test";
import assert from "node:assert/strict";
import { boolCodec, enumCodec, intCodec } from "./codec";
import { defineRegistryDocs, renderAnnotationFile, renderRegistryDocs, type RegistryDocs } from "./docs";
import { defineRegistry, type RegistryTypes } from "./registry";

interface DocTypes extends RegistryTypes {
  config: { scheme?: "internal" | "internet"; weight?: number; actions?: ReadonlyMap<string, boolean> };
  group: "lb" | "rule";
  when: "no-id";
  extra: { api: string };
  object: unknown;
}

const REG = defineRegistry<DocTypes>({
  name: "Doc",
  prefixes: { current: "x.io/", legacy: ["old.x.io/"] },
  rows: [
    {
      field: "scheme",
      suffix: "scheme",
      group: "lb",
      meaning: "Public or private.",
      codec: enumCodec(["internal", "internet"] as const),
      defaultText: "`internet`",
      webhookDefault: { value: "internet", when: "no-id" },
      mutability: "immutable",
      api: "AddressType",
      vendorAliases: [
        { key: "aws.io/scheme", valueMap: { "internet-facing": "internet" }, source: "AWS | EKS" },
        { key: "gke.io/type", source: "GKE" },
      ],
    },
    {
      field: "weight",
      suffix: "weight",
      group: "rule",
      meaning: "Weight\nper backend.",
      codec: intCodec(0, 100),
      defaultText: "—",
      mutability: "mutable",
      api: "Weight",
      notes: "a|b",
    },
    {
      field: "actions",
      suffix: "actions.<name>",
      fullKey: "y.io/actions.<name>",
      group: "rule",
      meaning: "Per-Service actions.",
      codec: boolCodec(),
      defaultText: "—",
      mutability: "mutable",
      api: "Actions",
    },
  ],
});

const DOCS: RegistryDocs<DocTypes> = {
  registry: REG,
  title: "Doc annotations",
  intro: ["First paragraph.", "Second paragraph."],
  groups: [
    { group: "lb", title: "Load balancer" },
    { group: "rule", title: "Rules" },
  ],
  webhookDefaults: { intro: "Defaults:", when: { "no-id": "unless `id` is set" }, outro: "Nothing else." },
  sections: [{ title: "More", paragraphs: ["* one\n* two"] }],
};

test("standard columns by default: key, legacy, meaning, values, default, mutability, notes", () => {
  const md = renderRegistryDocs(DOCS, 2).join("\n");
  assert.ok(
    md.startsWith("## Doc annotations\n\nFirst paragraph.\n\nSecond paragraph.\n\n### Load balancer\n"),
  );
  assert.ok(
    md.includes(
      "| Key | Legacy alias | Meaning | Values | Default | Mutability | Notes |\n|---|---|---|---|---|---|---|\n",
    ),
  );
  assert.ok(
    md.includes(
      "| `x.io/scheme` | `old.x.io/scheme` | Public or private. | internal \\| internet | `internet`; `internet` written by the mutating webhook unless `id` is set | immutable |  |",
    ),
  );
  assert.ok(
    md.includes(
      "| `x.io/weight` | `old.x.io/weight` | Weight per backend. | integer 0-100 | — | mutable | a\\|b |",
    ),
  );
  assert.ok(md.includes("| `y.io/actions.<name>` | — | Per-Service actions. |"), "templated key, no legacy");
  assert.ok(
    md.includes(
      "### Mutating webhook defaults\n\nDefaults:\n\n* `x.io/scheme: internet`, unless `id` is set.\n\nNothing else.\n",
    ),
  );
  assert.ok(md.includes("### More\n\n* one\n* two\n"));
  assert.ok(
    md.endsWith(
      [
        "### Other vendors' keys (aliases)",
        "",
        "Accepted with the lowest precedence (canonical, then legacy, then these).",
        "",
        "| Vendor key | Source | Same as | Value mapping |",
        "|---|---|---|---|",
        "| `aws.io/scheme` | AWS \\| EKS | `scheme` | `internet-facing` → `internet` |",
        "| `gke.io/type` | GKE | `scheme` | value used as is |",
        "",
      ].join("\n"),
    ),
  );
});

test("a capability's columns mix its own cells with the standard ones; headings follow the level", () => {
  const md = renderRegistryDocs(
    {
      ...DOCS,
      columns: [{ title: "API", cell: (r) => r.api }, "key"],
      webhookDefaults: undefined,
      sections: [],
    },
    1,
  );
  assert.equal(md[0], "# Doc annotations");
  assert.ok(md.includes("## Rules"));
  assert.ok(md.includes("| API | Key |"));
  assert.ok(md.includes("| AddressType | `x.io/scheme` |"));
  assert.ok(!md.some((l) => l.includes("Mutating webhook defaults")));
});

test("one file lists every registry, each as a section", () => {
  const other = defineRegistry<DocTypes>({
    name: "Other",
    prefixes: { current: "z.io/", legacy: [] },
    rows: [],
  });
  const text = renderAnnotationFile({
    title: "Annotations",
    generatedBy: "`gen`",
    intro: ["All of them."],
    sections: [
      defineRegistryDocs(DOCS),
      defineRegistryDocs({ registry: other, title: "Other annotations", intro: [], groups: [] }),
    ],
  });
  assert.ok(
    text.startsWith(
      "# Annotations\n\n<!-- Generated by `gen`. Do not edit. -->\n\nAll of them.\n\n## Doc annotations\n",
    ),
  );
  assert.ok(text.indexOf("## Other annotations") > text.indexOf("## Doc annotations"));
  assert.ok(text.endsWith("## Other annotations\n"));
});
