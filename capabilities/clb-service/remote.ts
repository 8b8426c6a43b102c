// Remote model: what the cloud has for one Service (§2.1 lookup, then listeners and vserver groups). The read stage
// only: cloud reads, no writes, no diff (plan/ does that; pipeline.ts runs the stages).
// § numbers refer to docs/clb-service.md.
import { isCloudError } from "../../src/cloud";
import type { SlbListener, SlbLoadBalancer, SlbProvider } from "../../src/cloud";
import type { DesiredModel } from "./model";
import type { RemoteDomainExtensions, RemoteModel } from "./plan";
import { listenersManaged, TAG_DO_NOT_DELETE } from "./tracking";

export type { RemoteModel } from "./plan";

/**
 * Finds the SLB by the `id` annotation, else by tag `kubernetes.do.not.delete=<defaultName>`, else by
 * name; then reads listeners (only when we may manage them) and vserver groups concurrently.
 * Cloud failures other than "not found" propagate as CloudError.
 */
export async function readRemoteModel(slb: SlbProvider, desired: DesiredModel): Promise<RemoteModel> {
  const [found, abandoned] = await Promise.all([
    findLoadBalancer(slb, desired),
    findAbandonedLoadBalancers(slb, desired),
  ]);
  if ("lookupError" in found) return { vServerGroups: [], lookupError: found.lookupError };
  const extra = abandoned.length > 0 ? { abandonedLoadBalancers: abandoned } : {};
  if (!found.loadBalancer) return { vServerGroups: [], ...extra };
  const id = found.loadBalancer.loadBalancerId;
  const [listeners, vServerGroups] = await Promise.all([
    listenersManaged(desired) ? readListenersWithExtensions(slb, id, desired) : Promise.resolve(undefined),
    slb.listVServerGroups(id),
  ]);
  return {
    loadBalancer: found.loadBalancer,
    foundBy: found.foundBy,
    listeners: listeners?.listeners,
    ...(listeners?.domainExtensions.length ? { domainExtensions: listeners.domainExtensions } : {}),
    vServerGroups,
    ...extra,
  };
}

/**
 * Reuse mode only: SLBs we created for this Service before its `id` annotation was added (between our
 * create and the first successful sync, which is when admission starts to refuse that). They carry our
 * ownership tag for this Service and were never reported; plan/ deletes them instead of leaving orphans.
 * Only looked for while a create intent is recorded and nothing was reported (tracking.ts).
 */
async function findAbandonedLoadBalancers(
  slb: SlbProvider,
  desired: DesiredModel,
): Promise<SlbLoadBalancer[]> {
  const d = desired.loadBalancer;
  if (d.mode !== "reuse" || !desired.service.createIntent || desired.provisionedBefore) return [];
  const owned = await slb.findLoadBalancers({ tags: [{ key: TAG_DO_NOT_DELETE, value: d.defaultName }] });
  return owned.filter((lb) => lb.loadBalancerId !== d.reuseId);
}

/**
 * Listeners, then the domain extensions of each remote HTTPS listener on a port where this Service
 * wants an HTTPS listener (plan leaves it ours), when extensions are wanted or were applied before.
 * Services that never used `domain-extensions` pay no extra call.
 */
async function readListenersWithExtensions(
  slb: SlbProvider,
  loadBalancerId: string,
  desired: DesiredModel,
): Promise<{ listeners: SlbListener[]; domainExtensions: RemoteDomainExtensions[] }> {
  const listeners = await slb.listListeners(loadBalancerId);
  const applied = (desired.appliedDomainExtensions ?? []).length > 0;
  const ports = desired.listeners
    .filter((l) => l.protocol === "https" && (applied || (l.domainExtensions ?? []).length > 0))
    .map((l) => l.port)
    .filter((port) => listeners.some((r) => r.listenerPort === port && r.listenerProtocol === "https"));
  const domainExtensions = await Promise.all(
    ports.map(async (listenerPort) => ({
      listenerPort,
      extensions: await slb.listDomainExtensions(loadBalancerId, listenerPort),
    })),
  );
  return { listeners, domainExtensions };
}

type Found = { loadBalancer?: SlbLoadBalancer; foundBy?: RemoteModel["foundBy"] } | { lookupError: string };

async function findLoadBalancer(slb: SlbProvider, desired: DesiredModel): Promise<Found> {
  const d = desired.loadBalancer;
  if (d.mode === "reuse" && d.reuseId) {
    try {
      const lb = await slb.getLoadBalancer(d.reuseId);
      if (lb.loadBalancerId !== d.reuseId) {
        return { lookupError: `find loadbalancer ${d.reuseId} returned ${lb.loadBalancerId}` };
      }
      return { loadBalancer: lb, foundBy: "id" };
    } catch (e) {
      if (isCloudError(e, "NotFound")) return {}; // plan reports it (ensure) or treats it as done (cleanup)
      throw e;
    }
  }
  const byTag = await slb.findLoadBalancers({ tags: [{ key: TAG_DO_NOT_DELETE, value: d.defaultName }] });
  if (byTag.length > 1)
    return { lookupError: `find multiple loadbalances by tag ${TAG_DO_NOT_DELETE}=${d.defaultName}` };
  if (byTag.length === 1) return { loadBalancer: byTag[0], foundBy: "tag" };
  // A created SLB whose tag was removed is still ours by its default name (§2.1 step 3). A Service
  // that never had an SLB cannot have one whose tag a person removed: its SLB, if a crashed create
  // made one, carries the tag (tags are set atomically by CreateLoadBalancer), so skip the call.
  if (!desired.provisionedBefore && !desired.deleting) return {};
  const byName = await slb.findLoadBalancers({ loadBalancerName: d.defaultName });
  if (byName.length > 1) return { lookupError: `find multiple loadbalances by name ${d.defaultName}` };
  if (byName.length === 1) return { loadBalancer: byName[0], foundBy: "name" };
  return {};
}
