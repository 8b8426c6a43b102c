// Reshapes the webhook configurations Pepr generates (one entry with every bound resource) so that the
// resources of each policy (capabilities/webhook-policies.ts) get an entry of their own with their own failure
// policy, timeout, namespace exclusions and match conditions. Pure; used by the local runner and the Helm
// chart packager, so both register the same entries.

export interface WebhookRule {
  apiGroups?: string[];
  apiVersions?: string[];
  operations?: string[];
  resources?: string[];
  scope?: string;
}

/** A CEL expression the API server evaluates before calling the webhook (admissionregistration.k8s.io/v1). */
export interface MatchCondition {
  name: string;
  expression: string;
}

export interface WebhookEntry {
  name?: string;
  rules?: WebhookRule[];
  failurePolicy?: string;
  timeoutSeconds?: number | string;
  namespaceSelector?: {
    matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
    matchLabels?: Record<string, string>;
  };
  matchConditions?: MatchCondition[];
  [k: string]: unknown;
}

export interface WebhookDoc {
  kind?: string;
  webhooks?: WebhookEntry[];
  [k: string]: unknown;
}

export interface WebhookPolicy {
  readonly name: string;
  readonly resources: readonly string[];
  readonly failurePolicy: string;
  readonly timeoutSeconds: number;
  readonly excludedNamespaces: readonly string[];
  /** Only requests these all match reach the webhook: the cheap path, decided in the API server. */
  readonly matchConditions?: readonly MatchCondition[];
}

const NAMESPACE_LABEL = "kubernetes.io/metadata.name";

function isWebhookDoc(d: unknown): d is WebhookDoc {
  const kind = (d as WebhookDoc | null)?.kind;
  return kind === "MutatingWebhookConfiguration" || kind === "ValidatingWebhookConfiguration";
}

/** The entry's namespace selector with `excluded` added to its NotIn list (kept as is when already there). */
function excludingNamespaces(
  selector: WebhookEntry["namespaceSelector"],
  excluded: readonly string[],
): NonNullable<WebhookEntry["namespaceSelector"]> {
  const expressions = [...(selector?.matchExpressions ?? [])];
  const i = expressions.findIndex((e) => e.key === NAMESPACE_LABEL && e.operator === "NotIn");
  const current = i >= 0 ? (expressions[i].values ?? []) : [];
  const values = [...current, ...excluded.filter((n) => !current.includes(n))];
  const expr = { key: NAMESPACE_LABEL, operator: "NotIn", values };
  if (i >= 0) expressions[i] = expr;
  else expressions.push(expr);
  return { ...selector, matchExpressions: expressions };
}

/** Splits one rule into the part for `resources` and the rest (either may be undefined). */
function splitRule(
  rule: WebhookRule,
  resources: readonly string[],
): { taken?: WebhookRule; rest?: WebhookRule } {
  const all = rule.resources ?? [];
  const taken = all.filter((r) => resources.includes(r.split("/")[0]));
  const rest = all.filter((r) => !taken.includes(r));
  return {
    taken: taken.length ? { ...rule, resources: taken } : undefined,
    rest: rest.length ? { ...rule, resources: rest } : undefined,
  };
}

/** One entry split by every policy: the entry with what is left (if anything), then one per policy that matched. */
function splitEntry(entry: WebhookEntry, policies: readonly WebhookPolicy[]): WebhookEntry[] {
  let rest = entry.rules ?? [];
  const extra: WebhookEntry[] = [];
  for (const p of policies) {
    const parts = rest.map((r) => splitRule(r, p.resources));
    const taken = parts.flatMap((x) => (x.taken ? [x.taken] : []));
    rest = parts.flatMap((x) => (x.rest ? [x.rest] : []));
    if (taken.length === 0) continue;
    extra.push({
      ...entry,
      name: `${p.name}.${entry.name ?? "webhook"}`,
      rules: taken,
      failurePolicy: p.failurePolicy,
      timeoutSeconds: p.timeoutSeconds,
      namespaceSelector: excludingNamespaces(entry.namespaceSelector, p.excludedNamespaces),
      ...(p.matchConditions?.length
        ? { matchConditions: [...(entry.matchConditions ?? []), ...p.matchConditions] }
        : {}),
    });
  }
  return rest.length ? [{ ...entry, rules: rest }, ...extra] : extra;
}

/**
 * The webhook configuration documents with each policy's resources moved into an entry of their own;
 * every other document is returned as it is. Never mutates its input. A policy whose resources no entry
 * binds adds nothing.
 */
export function shapeWebhookConfigs<T>(docs: readonly T[], policies: readonly WebhookPolicy[]): T[] {
  return docs.map((d) => {
    if (!isWebhookDoc(d)) return d;
    return { ...d, webhooks: (d.webhooks ?? []).flatMap((w) => splitEntry(w, policies)) } as T;
  });
}
