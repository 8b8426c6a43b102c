// Finalizers on any kind: added before the first cloud write, removed last. Each write is a merge patch
// that carries the resourceVersion it was computed from, so it never drops another writer's finalizer;
// on a conflict it re-reads and tries again (AWS LBC pkg/k8s/finalizer.go, Alibaba CCM
// pkg/controller/helper/finalizer.go do the same with client-go).
import { isConflict, type ClusterClient } from "./client";
import type { KindRef } from "./kinds";

interface Finalizable {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; finalizers?: string[] };
}

/** Conflicts in a row before giving up (the caller's reconcile then retries with backoff). */
const MAX_CONFLICT_RETRIES = 5;

function keyOf(obj: Finalizable): { namespace?: string; name: string } {
  return { namespace: obj.metadata?.namespace, name: obj.metadata?.name ?? "" };
}

export function hasFinalizer(obj: Finalizable, finalizer: string): boolean {
  return obj.metadata?.finalizers?.includes(finalizer) ?? false;
}

async function updateFinalizers<T extends Finalizable>(
  client: ClusterClient,
  kind: KindRef,
  obj: T,
  change: (finalizers: string[]) => string[] | undefined,
  extraMetadata: Record<string, unknown>,
): Promise<T | undefined> {
  let current: T | undefined = obj;
  for (let attempt = 0; ; attempt++) {
    const next = change(current.metadata?.finalizers ?? []);
    if (!next) return current;
    try {
      return await client.patch<T>(kind, keyOf(current), {
        metadata: { ...extraMetadata, finalizers: next, resourceVersion: current.metadata?.resourceVersion },
      });
    } catch (e) {
      if (!isConflict(e) || attempt >= MAX_CONFLICT_RETRIES) throw e;
      current = await client.get<T>(kind, keyOf(current));
      if (!current) return undefined;
    }
  }
}

/** Adds `finalizer` if missing; returns the object as written (or as read, when nothing changed). */
export async function ensureFinalizer<T extends Finalizable>(
  client: ClusterClient,
  kind: KindRef,
  obj: T,
  finalizer: string,
): Promise<T> {
  const written = await updateFinalizers(
    client,
    kind,
    obj,
    (fs) => (fs.includes(finalizer) ? undefined : [...fs, finalizer]),
    {},
  );
  if (!written)
    throw new Error(`${kind.kind} ${obj.metadata?.name} vanished while adding finalizer ${finalizer}`);
  return written;
}

/**
 * Removes `finalizer` (with any `metadata` changes that must go in the same write, such as our labels);
 * returns undefined when the object is gone. Once it is removed the object may vanish: call it last.
 */
export async function removeFinalizer<T extends Finalizable>(
  client: ClusterClient,
  kind: KindRef,
  obj: T,
  finalizer: string,
  metadata: Record<string, unknown> = {},
): Promise<T | undefined> {
  return updateFinalizers(
    client,
    kind,
    obj,
    (fs) => (fs.includes(finalizer) ? fs.filter((f) => f !== finalizer) : undefined),
    metadata,
  );
}
