// Applies shapeWebhookConfigs (webhook-config.ts) to the Helm chart's webhook templates. The templates hold
// Go template actions, which are not YAML: each is swapped for a placeholder, the YAML reshaped, and the
// actions put back. A template shape this does not understand fails the chart build instead of guessing.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { shapeWebhookConfigs, type WebhookPolicy } from "./webhook-config";

const ACTION = /\{\{.*?\}\}/g;
const ACTION_LINE = /^(\s*)(\{\{.*\}\})\s*$/;
const TOKEN = /__TPL_(\d+)__/g;
const LINE_TOKEN = /^(\s*)- __TPLLINE_(\d+)__$/;

/** The template text with its webhook entries split by policy, template actions preserved. */
export function shapeWebhookTemplateText(text: string, policies?: readonly WebhookPolicy[]): string {
  const actions: string[] = [];
  const lineActions: string[] = [];
  const lines = text.split("\n");
  const protectedLines = lines.map((line, i) => {
    const whole = ACTION_LINE.exec(line);
    if (whole) {
      // Only inside a block sequence (a range over list items): it becomes an item of that list.
      const prev = lines[i - 1] ?? "";
      const indent = whole[1];
      if (!prev.startsWith(`${indent}- `) && !ACTION_LINE.test(prev))
        throw new Error(`webhook template: a template action line outside a list: ${line.trim()}`);
      lineActions.push(whole[2]);
      return `${indent}- __TPLLINE_${lineActions.length - 1}__`;
    }
    return line.replace(ACTION, (m) => {
      actions.push(m);
      return `__TPL_${actions.length - 1}__`;
    });
  });
  const docs = yaml.loadAll(protectedLines.join("\n"));
  const shaped = shapeWebhookConfigs(docs, policies);
  const out = shaped.map((d) => yaml.dump(d, { lineWidth: -1, noRefs: true })).join("---\n");
  return out
    .split("\n")
    .map((line) => {
      const m = LINE_TOKEN.exec(line);
      return m ? `${m[1]}${lineActions[Number(m[2])]}` : line;
    })
    .join("\n")
    .replace(TOKEN, (_m, n: string) => actions[Number(n)]);
}

/** Rewrites the chart's mutation and validation webhook templates in place. */
export function shapeChartWebhookTemplates(chartDir: string): void {
  for (const file of ["mutation-webhook.yaml", "validation-webhook.yaml"]) {
    const path = join(chartDir, "templates", file);
    writeFileSync(path, shapeWebhookTemplateText(readFileSync(path, "utf8")));
  }
}
