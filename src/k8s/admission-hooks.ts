// Pepr 1.1.4 stamps `<uuid>.pepr.dev/<capability>: succeeded` on every object a Mutate binding saw,
// even when the callback changed nothing. Our contract is that a Service we do not manage passes
// through untouched, so this after-hook removes that bookkeeping from the JSON patch.

interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
}

interface MutateResponseLike {
  patch?: string;
  patchType?: string;
}

const PEPR_STATUS_KEY = /\.pepr\.dev\//;

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Returns the patch without Pepr's status annotations (pure; exported for tests). */
export function withoutPeprStatusAnnotations(ops: JsonPatchOp[]): JsonPatchOp[] {
  const kept: JsonPatchOp[] = [];
  for (const op of ops) {
    const prefix = "/metadata/annotations/";
    if (op.path.startsWith(prefix)) {
      if (PEPR_STATUS_KEY.test(unescapePointer(op.path.slice(prefix.length)))) continue;
      kept.push(op);
      continue;
    }
    if (op.path === "/metadata/annotations" && op.op === "add" && op.value && typeof op.value === "object") {
      const entries = Object.entries(op.value as Record<string, unknown>).filter(
        ([k]) => !PEPR_STATUS_KEY.test(k),
      );
      if (entries.length === 0) continue;
      kept.push({ ...op, value: Object.fromEntries(entries) });
      continue;
    }
    kept.push(op);
  }
  return kept;
}

/** Pepr afterHook: rewrites a mutate response in place. Validate responses have no patch. */
export function stripPeprStatusAnnotations(res: MutateResponseLike): void {
  if (!res.patch) return;
  try {
    const ops = JSON.parse(Buffer.from(res.patch, "base64").toString("utf8")) as JsonPatchOp[];
    const kept = withoutPeprStatusAnnotations(ops);
    if (kept.length === 0) {
      delete res.patch;
      delete res.patchType;
    } else {
      res.patch = Buffer.from(JSON.stringify(kept)).toString("base64");
    }
  } catch {
    // leave an unparseable patch as Pepr produced it
  }
}
