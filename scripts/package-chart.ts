// After `npx pepr build`: puts our CRDs into the generated Helm chart (helm installs a chart's crds/
// folder before its templates) and sets the chart's version to the module's.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { shapeChartWebhookTemplates } from "../src/admission/webhook-chart";

const root = resolve(__dirname, "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
const chartDir = join(root, "dist", "alicloud-operator-chart");
if (!existsSync(chartDir)) {
  console.error(`${chartDir} is missing: run npx pepr build first`);
  process.exit(1);
}
const crdDir = join(chartDir, "crds");
mkdirSync(crdDir, { recursive: true });
const crds = readdirSync(join(root, "crds")).filter((f) => f.endsWith(".yaml"));
for (const f of crds) copyFileSync(join(root, "crds", f), join(crdDir, f));
// Pod admission in its own webhook entry (failurePolicy Ignore, short timeout): src/admission/webhook-config.ts.
shapeChartWebhookTemplates(chartDir);
const chartYaml = join(chartDir, "Chart.yaml");
const chart = readFileSync(chartYaml, "utf8")
  .replace(/^version: .*$/m, `version: ${pkg.version}`)
  .replace(/^appVersion: .*$/m, `appVersion: "${pkg.version}"`);
writeFileSync(chartYaml, chart);
console.log(`chart ${chartDir}: ${crds.length} CRDs added, version ${pkg.version}`);
