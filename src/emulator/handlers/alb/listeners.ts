// ALB emulator: listeners (create, list, get, update, delete) and their default forward actions.
// Forwarding rules are in rules.ts.
import type { HandlerCtx, HandlerEntry } from "../../core";
import { Errors } from "../../errors";
import type { Doc } from "../../store";
import { childrenOfLoadBalancersIn, view, wantedOrAny } from "../common";
import {
  arr,
  checkGroupsExist,
  getLb,
  getListener,
  job,
  LB,
  LISTENER,
  type ListenerDoc,
  listPage,
  obj,
  requireLbReady,
  RULE,
  type RuleDoc,
  status,
} from "./shared";

function listenerView(l: ListenerDoc, nowMs: number): Doc {
  return { ...view(l), ListenerStatus: status(l._readyAtMs, nowMs, "Provisioning", "Running") };
}

function listenerFields(ctx: HandlerCtx): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const desc = ctx.p.str("ListenerDescription");
  if (desc !== undefined) out.ListenerDescription = desc;
  const idle = ctx.p.int("IdleTimeout", { min: 1, max: 600 });
  if (idle !== undefined) out.IdleTimeout = idle;
  const reqT = ctx.p.int("RequestTimeout", { min: 1, max: 600 });
  if (reqT !== undefined) out.RequestTimeout = reqT;
  const http2 = ctx.p.bool("Http2Enabled");
  if (http2 !== undefined) out.Http2Enabled = http2;
  const gzip = ctx.p.bool("GzipEnabled");
  if (gzip !== undefined) out.GzipEnabled = gzip;
  const sp = ctx.p.str("SecurityPolicyId");
  if (sp !== undefined) out.SecurityPolicyId = sp;
  const certs = arr(ctx, "Certificates");
  if (certs.length > 0)
    out.Certificates = certs.map((c) => ({
      CertificateId: typeof c.CertificateId === "string" ? c.CertificateId : "",
      IsDefault: true,
      Status: "Associated",
    }));
  const xff = obj(ctx, "XForwardedForConfig");
  if (xff) out.XForwardedForConfig = xff;
  const actions = arr(ctx, "DefaultActions");
  if (actions.length > 0) {
    actions.forEach((a, i) => {
      if (typeof a.Type !== "string") throw Errors.missingParam(`DefaultActions.${i + 1}.Type`);
    });
    checkGroupsExist(ctx, actions);
    out.DefaultActions = actions;
  }
  return out;
}

function createListener(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  const port = ctx.p.reqInt("ListenerPort", { min: 1, max: 65535 });
  const proto = ctx.p.reqOneOf("ListenerProtocol", ["HTTP", "HTTPS", "QUIC"] as const);
  if (ctx.p.tree().DefaultActions === undefined) throw Errors.missingParam("DefaultActions");
  const fields = listenerFields(ctx);
  if (proto !== "HTTP" && !fields.Certificates) throw Errors.missingParam("Certificates");
  requireLbReady(ctx, lb);
  const clash = ctx.tx
    .all<ListenerDoc>(LISTENER)
    .some((l) => l.LoadBalancerId === lb.LoadBalancerId && l.ListenerPort === port);
  if (clash) throw Errors.albListenerExists(port);
  const id = ctx.ids.id("lsr-", 18, false);
  const doc: ListenerDoc = {
    ListenerId: id,
    LoadBalancerId: lb.LoadBalancerId,
    ListenerPort: port,
    ListenerProtocol: proto,
    ListenerDescription: "",
    IdleTimeout: 15,
    RequestTimeout: 60,
    Http2Enabled: proto !== "HTTP",
    GzipEnabled: true,
    SecurityPolicyId: proto === "HTTP" ? "" : "tls_cipher_policy_1_0",
    Certificates: [],
    CaEnabled: false,
    XForwardedForConfig: {
      XForwardedForEnabled: true,
      XForwardedForProtoEnabled: false,
      XForwardedForSLBIdEnabled: false,
      XForwardedForSLBPortEnabled: false,
      XForwardedForClientSrcPortEnabled: false,
    },
    Tags: ctx.p.tags(),
    ...(fields as Partial<ListenerDoc>),
    DefaultActions: fields.DefaultActions as ListenerDoc["DefaultActions"],
    _readyAtMs: ctx.nowMs + ctx.transitions.albMs,
    _createdMs: ctx.nowMs,
  };
  ctx.tx.put(LISTENER, id, doc);
  return { ListenerId: id, JobId: job(ctx, "CreateListener", "listener", id, "Create") };
}

function listListeners(ctx: HandlerCtx): Doc {
  const lbIds = ctx.p.strList("LoadBalancerIds");
  const ids = ctx.p.strList("ListenerIds");
  const proto = ctx.p.str("ListenerProtocol");
  const all = childrenOfLoadBalancersIn<ListenerDoc>(ctx.tx, LB, LISTENER, ctx.regionId)
    .filter(
      (l) =>
        wantedOrAny(lbIds, l.LoadBalancerId) &&
        wantedOrAny(ids, l.ListenerId) &&
        (!proto || l.ListenerProtocol === proto),
    )
    .sort((a, b) => a._createdMs - b._createdMs || a.ListenerPort - b.ListenerPort);
  return listPage(ctx, "Listeners", all, (l) => listenerView(l, ctx.nowMs));
}

function updateListenerAttribute(ctx: HandlerCtx): Doc {
  const l = getListener(ctx);
  const fields = listenerFields(ctx);
  // A configuration change puts the listener back into a short Configuring-like transition.
  ctx.tx.put(LISTENER, l.ListenerId, { ...l, ...fields, _readyAtMs: Math.max(l._readyAtMs, ctx.nowMs) });
  return { JobId: job(ctx, "UpdateListenerAttribute", "listener", l.ListenerId, "Update") };
}

function deleteListener(ctx: HandlerCtx): Doc {
  const l = getListener(ctx);
  for (const r of ctx.tx.all<RuleDoc>(RULE).filter((r) => r.ListenerId === l.ListenerId))
    ctx.tx.del(RULE, r.RuleId);
  ctx.tx.del(LISTENER, l.ListenerId);
  return { JobId: job(ctx, "DeleteListener", "listener", l.ListenerId, "Delete") };
}

export const listenerHandlers: HandlerEntry[] = [
  ["CreateListener", true, createListener],
  ["ListListeners", false, listListeners],
  ["GetListenerAttribute", false, (ctx) => listenerView(getListener(ctx), ctx.nowMs)],
  ["UpdateListenerAttribute", true, updateListenerAttribute],
  ["DeleteListener", true, deleteListener],
];
