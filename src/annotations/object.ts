// metadata.annotations of any object, read totally: whatever a request or a watch event carries (null, an
// array, a number, non-string values), the answer is a plain map and never a throw.

/** `v` when it is a plain object (not null, not an array), else undefined. */
export function recordOf(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** metadata.annotations as a plain map (values may still be non-strings on hostile input). */
export function objectAnnotations(obj: unknown): Record<string, unknown> {
  return recordOf(recordOf(recordOf(obj)?.metadata)?.annotations) ?? {};
}

/** Only the string-valued annotations: what the annotation registries parse. */
export function stringAnnotations(obj: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(objectAnnotations(obj))) if (typeof v === "string") out[k] = v;
  return out;
}
