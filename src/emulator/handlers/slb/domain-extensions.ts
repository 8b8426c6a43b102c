// SLB emulator: domain extensions, the extra SNI certificates of an HTTPS listener (create, describe,
// point at another certificate, delete).
import type { HandlerCtx, HandlerEntry } from "../../core";
import { Errors } from "../../errors";
import type { Doc } from "../../store";
import { checkId } from "../common";
import { DOMAIN_EXT, getLb, LISTENER, listenerKey } from "./shared";

const DE_ID = /^de-[a-z0-9]{6,40}$/;

function createDomainExtension(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  const port = ctx.p.reqInt("ListenerPort", { min: 1, max: 65535 });
  const domain = ctx.p.req("Domain");
  const certId = ctx.p.req("ServerCertificateId");
  if (!ctx.tx.get(LISTENER, listenerKey(lb.LoadBalancerId, "https", port)))
    throw Errors.slbListenerNotFound(port);
  const dup = ctx.tx
    .all<Doc>(DOMAIN_EXT)
    .some((d) => d._lbId === lb.LoadBalancerId && d.ListenerPort === port && d.Domain === domain);
  if (dup) throw Errors.slbDomainExists();
  const id = ctx.ids.id("de-", 20, true);
  ctx.tx.put(DOMAIN_EXT, id, {
    DomainExtensionId: id,
    Domain: domain,
    ServerCertificateId: certId,
    ListenerPort: port,
    _lbId: lb.LoadBalancerId,
  });
  return { DomainExtensionId: id, ListenerPort: port };
}

function getDomainExt(ctx: HandlerCtx): Doc {
  const id = checkId("DomainExtensionId", ctx.p.req("DomainExtensionId"), DE_ID);
  const d = ctx.tx.get<Doc>(DOMAIN_EXT, id);
  if (!d) throw Errors.slbDomainExtNotFound(id);
  return d;
}

function describeDomainExtensions(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  const port = ctx.p.reqInt("ListenerPort", { min: 1, max: 65535 });
  const id = ctx.p.str("DomainExtensionId");
  const items = ctx.tx
    .all<Doc>(DOMAIN_EXT)
    .filter(
      (d) => d._lbId === lb.LoadBalancerId && d.ListenerPort === port && (!id || d.DomainExtensionId === id),
    )
    .map((d) => ({
      DomainExtensionId: d.DomainExtensionId,
      Domain: d.Domain,
      ServerCertificateId: d.ServerCertificateId,
    }));
  return { DomainExtensions: { DomainExtension: items } };
}

export const domainExtensionHandlers: HandlerEntry[] = [
  ["CreateDomainExtension", true, createDomainExtension],
  [
    "SetDomainExtensionAttribute",
    true,
    (ctx) => {
      const d = getDomainExt(ctx);
      ctx.tx.put(DOMAIN_EXT, String(d.DomainExtensionId), {
        ...d,
        ServerCertificateId: ctx.p.req("ServerCertificateId"),
      });
      return {};
    },
  ],
  [
    "DeleteDomainExtension",
    true,
    (ctx) => {
      const d = getDomainExt(ctx);
      ctx.tx.del(DOMAIN_EXT, String(d.DomainExtensionId));
      return {};
    },
  ],
  ["DescribeDomainExtensions", false, describeDomainExtensions],
];
