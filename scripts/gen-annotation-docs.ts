// Generates docs/annotations.md from every annotation registry (src/annotations/docs.ts renders each one).
//   npx tsx scripts/gen-annotation-docs.ts          write the file (make docs)
//   npx tsx scripts/gen-annotation-docs.ts --check  exit 1 if the file is stale (make docs-check)
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderAnnotationFile, type DocSection } from "../src/annotations/docs";
import { ALB_ANNOTATION_DOCS } from "../capabilities/alb-ingress/annotations/docs";
import { CLB_ANNOTATION_DOCS } from "../capabilities/clb-service/annotations/docs";

const OUT = join(__dirname, "..", "docs", "annotations.md");

/** One entry per capability that reads annotations, in the order of the file. */
const SECTIONS: readonly DocSection[] = [CLB_ANNOTATION_DOCS, ALB_ANNOTATION_DOCS];

export function renderAnnotationDocs(): string {
  return renderAnnotationFile({
    title: "Annotations",
    generatedBy:
      "`npx tsx scripts/gen-annotation-docs.ts` from the annotation registries (capabilities/*/annotations/registry.ts)",
    intro: [
      "Every annotation the operator reads, one section per capability. The same registries parse the annotations and drive the webhooks, so this page and the operator cannot disagree.",
    ],
    sections: SECTIONS,
  });
}

function main(): void {
  const text = renderAnnotationDocs();
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(OUT, "utf8");
    } catch {
      // missing file counts as stale
    }
    if (current === text) return;
    const a = current.split("\n");
    const b = text.split("\n");
    let line = 0;
    while (line < Math.max(a.length, b.length) && a[line] === b[line]) line++;
    console.error(`docs/annotations.md is stale (first difference at line ${line + 1}).`);
    console.error(`  file:      ${a[line] ?? "<end of file>"}`);
    console.error(`  generated: ${b[line] ?? "<end of file>"}`);
    console.error("Run: npx tsx scripts/gen-annotation-docs.ts");
    process.exitCode = 1;
    return;
  }
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT}`);
}

if (require.main === module) main();
