// Renders annotation registries (src/annotations/registry.ts) to Markdown: one section per registry with a
// table per group, the webhook defaults and the vendor aliases. Text only; scripts/gen-annotation-docs.ts
// writes the file, and each capability says what its section contains (its annotations/docs.ts).
import type { AnnotationRegistry, AnyRow, RegistryTypes } from "./registry";

export interface DocColumn<T extends RegistryTypes> {
  title: string;
  cell(row: AnyRow<T>): string;
}

/** The columns every registry has; a capability lists them by name among its own. */
export type StandardColumn = "key" | "legacy" | "meaning" | "values" | "default" | "mutability" | "notes";

export interface RegistryDocs<T extends RegistryTypes> {
  registry: AnnotationRegistry<T>;
  /** Section title ("CLB Service annotations"). */
  title: string;
  /** Paragraphs before the tables (a paragraph may hold several lines, such as a bullet list). */
  intro: readonly string[];
  /** One table per group, in this order. */
  groups: ReadonlyArray<{ group: T["group"]; title: string }>;
  /** Table columns; default: every standard column. */
  columns?: ReadonlyArray<StandardColumn | DocColumn<T>>;
  /** When the mutating webhook writes a row's default, per condition ("unless `id` is set"). */
  webhookDefaults?: { intro: string; when: Readonly<Record<T["when"], string>>; outro: string };
  /** Further sections after the webhook defaults, before the vendor aliases. */
  sections?: ReadonlyArray<{ title: string; paragraphs: readonly string[] }>;
}

/** A registry's docs ready to render, whatever its types (so one file can list every registry). */
export interface DocSection {
  title: string;
  render(level: number): string[];
}

/** Markdown table cell: pipes escaped, newlines flattened. */
const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The row fields the standard columns read (every registry's rows have them). */
interface DocRow {
  key: string;
  legacyKey?: string;
  meaning: string;
  codec: { values: string };
  defaultText: string;
  webhookDefault?: { value: string; when: string };
  mutability: string;
  notes?: string;
}

/** The standard columns, in their default order; `whenText` says when the webhook writes a default. */
const STANDARD: Readonly<
  Record<StandardColumn, { title: string; cell(r: DocRow, whenText: (when: string) => string): string }>
> = {
  key: { title: "Key", cell: (r) => `\`${r.key}\`` },
  legacy: { title: "Legacy alias", cell: (r) => (r.legacyKey ? `\`${r.legacyKey}\`` : "—") },
  meaning: { title: "Meaning", cell: (r) => r.meaning },
  values: { title: "Values", cell: (r) => r.codec.values },
  default: {
    title: "Default",
    cell: (r, whenText) => {
      const w = r.webhookDefault;
      return w
        ? `${r.defaultText}; \`${w.value}\` written by the mutating webhook ${whenText(w.when)}`.trimEnd()
        : r.defaultText;
    },
  },
  mutability: { title: "Mutability", cell: (r) => r.mutability },
  notes: { title: "Notes", cell: (r) => r.notes ?? "" },
};

/** One registry's docs as a section of the annotations file. */
export function defineRegistryDocs<T extends RegistryTypes>(docs: RegistryDocs<T>): DocSection {
  return { title: docs.title, render: (level) => renderRegistryDocs(docs, level) };
}

/** One registry's section, its headings at `level` (2: `##`) and below. */
export function renderRegistryDocs<T extends RegistryTypes>(docs: RegistryDocs<T>, level = 2): string[] {
  const h = (depth: number, title: string) => `${"#".repeat(level + depth)} ${title}`;
  const rows = docs.registry.rows;
  const when = docs.webhookDefaults?.when;
  const whenText = (w: string) =>
    when && Object.prototype.hasOwnProperty.call(when, w) ? when[w as T["when"]] : "";
  const columns = (docs.columns ?? (Object.keys(STANDARD) as StandardColumn[])).map(
    (c): DocColumn<T> =>
      typeof c === "string" ? { title: STANDARD[c].title, cell: (r) => STANDARD[c].cell(r, whenText) } : c,
  );
  const out: string[] = [h(0, docs.title), ""];
  for (const p of docs.intro) out.push(p, "");
  for (const { group, title } of docs.groups) {
    out.push(h(1, title), "");
    out.push(`| ${columns.map((c) => c.title).join(" | ")} |`);
    out.push(`|${columns.map(() => "---|").join("")}`);
    for (const r of rows.filter((x) => x.group === group))
      out.push(`| ${columns.map((c) => cell(c.cell(r))).join(" | ")} |`);
    out.push("");
  }
  const defaults = docs.webhookDefaults;
  if (defaults) {
    out.push(h(1, "Mutating webhook defaults"), "", defaults.intro, "");
    for (const r of rows) {
      const w = r.webhookDefault;
      if (w) out.push(`* \`${r.key}: ${w.value}\`, ${defaults.when[w.when]}.`);
    }
    out.push("", defaults.outro, "");
  }
  for (const s of docs.sections ?? []) {
    out.push(h(1, s.title), "");
    for (const p of s.paragraphs) out.push(p, "");
  }
  const vendor = rows.flatMap((r) => (r.vendorAliases ?? []).map((a) => ({ r, a })));
  if (vendor.length) {
    out.push(h(1, "Other vendors' keys (aliases)"), "");
    out.push("Accepted with the lowest precedence (canonical, then legacy, then these).", "");
    out.push("| Vendor key | Source | Same as | Value mapping |", "|---|---|---|---|");
    for (const { r, a } of vendor) {
      const mapping = a.valueMap
        ? Object.entries(a.valueMap)
            .map(([k, v]) => `\`${k}\` → \`${v}\``)
            .join(", ")
        : "value used as is";
      out.push(`| \`${a.key}\` | ${cell(a.source)} | \`${r.suffix}\` | ${cell(mapping)} |`);
    }
    out.push("");
  }
  return out;
}

/** A whole Markdown file: a title, a note naming the generator, then one section per registry. */
export function renderAnnotationFile(opts: {
  title: string;
  generatedBy: string;
  intro: readonly string[];
  sections: readonly DocSection[];
}): string {
  const out = [`# ${opts.title}`, "", `<!-- Generated by ${opts.generatedBy}. Do not edit. -->`, ""];
  for (const p of opts.intro) out.push(p, "");
  for (const s of opts.sections) out.push(...s.render(2));
  return out.join("\n");
}
