// Planner for the domain extensions (extra SNI certificates) of this Service's HTTPS listeners (`domain-extensions`),
// and the list of domains to record as ours afterwards (../tracking.ts). § numbers refer to docs/clb-service.md.
import type { SlbDomainExtension } from "../../../src/cloud";
import type { DesiredListener, DesiredModel } from "../model";
import { listenersManaged } from "../tracking";
import { push } from "./common";
import type { IdOrRef, Plan, RemoteModel } from "./index";
import { listenerKey } from "./listeners";

/**
 * `domain-extensions` (§1.2 row 45) on the HTTPS listeners this plan leaves us owning: a listener
 * created here gets its extensions after its create; on an existing one they are diffed by domain.
 * A changed certificate is a SetDomainExtensionAttribute with the extension's id and the *new*
 * certificate (upstream sends neither, §9 C11). An extension leaves only if we created or updated it
 * before; a listener we delete takes its extensions with it, so nothing is planned for those.
 */
export function planDomainExtensions(
  desired: DesiredModel,
  remote: RemoteModel,
  updated: readonly DesiredListener[],
  lbId: IdOrRef,
  out: Plan,
): void {
  const applied = new Set(desired.appliedDomainExtensions ?? []);
  const https = desired.listeners.filter((l) => l.protocol === "https").sort((a, b) => a.port - b.port);
  for (const l of https) {
    const want = l.domainExtensions ?? [];
    const createKey = `${listenerKey(l.protocol, l.port)}:create`;
    const created = out.actions.some((a) => a.key === createKey) ? createKey : undefined;
    let have: SlbDomainExtension[];
    if (created) {
      have = [];
    } else {
      // Not created (a blocked port or a missing group) and not updated: no listener of ours to extend.
      if (!updated.includes(l)) continue;
      const read = remote.domainExtensions?.find((d) => d.listenerPort === l.port);
      if (!read) continue; // not read: never diff blindly (a create would fail with DomainExist)
      have = read.extensions;
    }
    const base = `${listenerKey(l.protocol, l.port)}:domain`;
    for (const w of want) {
      const r = have.find((h) => h.domain === w.domain);
      if (!r) {
        push(
          out,
          `${base}:${w.domain}:create`,
          {
            kind: "CreateDomainExtension",
            loadBalancerId: lbId,
            listenerPort: l.port,
            domain: w.domain,
            serverCertificateId: w.serverCertificateId,
          },
          created ? [created] : [],
        );
      } else if (r.serverCertificateId !== w.serverCertificateId) {
        push(out, `${base}:${w.domain}:update`, {
          kind: "UpdateDomainExtension",
          domainExtensionId: r.domainExtensionId,
          listenerPort: l.port,
          domain: w.domain,
          serverCertificateId: w.serverCertificateId,
        });
      }
    }
    const gone = have
      .filter((r) => !want.some((w) => w.domain === r.domain) && applied.has(r.domain))
      .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
    for (const r of gone) {
      push(out, `${base}:${r.domain}:delete`, {
        kind: "DeleteDomainExtension",
        domainExtensionId: r.domainExtensionId,
        listenerPort: l.port,
        domain: r.domain,
      });
    }
  }
}

/**
 * The extension domains to record as ours after a reconcile (the applied-domain-extensions
 * annotation), or undefined when this Service's listeners are not ours to manage (§2.3).
 */
export function domainExtensionsToRecord(desired: DesiredModel): string[] | undefined {
  if (!listenersManaged(desired)) return undefined;
  const domains = desired.listeners.flatMap((l) => (l.domainExtensions ?? []).map((d) => d.domain));
  return [...new Set(domains)].sort();
}
