// ALB emulator: listeners (create, list, get, update, start/stop, delete), their default forward actions, server
// certificates (default and additional) and ACL associations. Forwarding rules are in rules.ts.
import type { HandlerCtx, HandlerEntry } from "../../core";
import { Errors } from "../../errors";
import type { Doc } from "../../store";
import { childrenOfLoadBalancersIn, view, wantedOrAny } from "../common";
import { casCertificateExists } from "../cas";
import {
  arr,
  checkBatch,
  checkGroupsExist,
  getAcl,
  getLb,
  getListener,
  job,
  LB,
  LISTENER,
  type ListenerCert,
  type ListenerDoc,
  listenerStatus,
  listPage,
  lockLb,
  lockListener,
  obj,
  RULE,
  type RuleDoc,
} from "./shared";

/** Certificates.N of CreateListener/UpdateListenerAttribute and the Associate/Dissociate calls. */
const MAX_CERTIFICATES_PER_CALL = 20;
const MAX_ACL_IDS_PER_CALL = 3;
const MAX_ACLS_PER_LISTENER = 3;

/** The defaults the real API reports for a listener created without these fields. */
function listenerDefaults(proto: string): Record<string, unknown> {
  return {
    ListenerDescription: "",
    IdleTimeout: 15,
    RequestTimeout: 60,
    GzipEnabled: true,
    Http2Enabled: proto !== "HTTP",
    SecurityPolicyId: proto === "HTTP" ? "" : "tls_cipher_policy_1_0",
    CaEnabled: false,
    XForwardedForConfig: {
      XForwardedForEnabled: true,
      XForwardedForProtoEnabled: false,
      XForwardedForSLBIdEnabled: false,
      XForwardedForSLBPortEnabled: false,
      XForwardedForClientSrcPortEnabled: false,
      XForwardedForHostEnabled: false,
      XForwardedForClientCertSubjectDNEnabled: false,
      XForwardedForClientCertIssuerDNEnabled: false,
      XForwardedForClientCertFingerprintEnabled: false,
      XForwardedForClientCertClientVerifyEnabled: false,
    },
  };
}

function listenerView(ctx: HandlerCtx, l: ListenerDoc): Doc {
  const defaultCert = l._certificates.find((c) => c.IsDefault);
  const acl = l._acl;
  return {
    ...view(l),
    ListenerStatus: listenerStatus(l, ctx.nowMs),
    // Only the default certificate; ListListenerCertificates has the additional ones.
    Certificates: defaultCert ? [{ CertificateId: defaultCert.CertificateId }] : [],
    AclConfig: acl
      ? { AclType: acl.AclType, AclRelations: acl.AclIds.map((id) => ({ AclId: id, Status: "Associated" })) }
      : { AclRelations: [] },
  };
}

function checkCertificate(ctx: HandlerCtx, name: string, id: unknown): string {
  if (typeof id !== "string" || id === "") throw Errors.missingParam(name);
  if (!casCertificateExists(ctx, id)) throw Errors.albNotFound("Certificate", id);
  return id;
}

function listenerFields(ctx: HandlerCtx, proto: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const desc = ctx.p.str("ListenerDescription");
  if (desc !== undefined) {
    if (desc.length > 256) throw Errors.invalidParam("ListenerDescription", "At most 256 characters.");
    out.ListenerDescription = desc;
  }
  const idle = ctx.p.int("IdleTimeout", { min: 1, max: 60 });
  if (idle !== undefined) out.IdleTimeout = idle;
  const reqT = ctx.p.int("RequestTimeout", { min: 1, max: 180 });
  if (reqT !== undefined) out.RequestTimeout = reqT;
  const http2 = ctx.p.bool("Http2Enabled");
  if (http2 !== undefined) {
    if (proto === "HTTP" && http2)
      throw Errors.invalidParam("Http2Enabled", "Only HTTPS listeners use HTTP/2.");
    out.Http2Enabled = http2;
  }
  const gzip = ctx.p.bool("GzipEnabled");
  if (gzip !== undefined) out.GzipEnabled = gzip;
  const sp = ctx.p.str("SecurityPolicyId");
  if (sp !== undefined) {
    if (proto === "HTTP") throw Errors.invalidParam("SecurityPolicyId", "HTTP listeners take no TLS policy.");
    if (!SYSTEM_POLICY_IDS.has(sp)) throw Errors.albNotFound("SecurityPolicy", sp);
    out.SecurityPolicyId = sp;
  }
  const certs = arr(ctx, "Certificates");
  if (certs.length > 0) {
    if (proto === "HTTP") throw Errors.invalidParam("Certificates", "HTTP listeners take no certificates.");
    checkBatch("Certificates", certs.length, MAX_CERTIFICATES_PER_CALL);
    // The default certificate: the first one (the others are additional certificates, associated separately).
    out._defaultCertificate = checkCertificate(ctx, "Certificates.1.CertificateId", certs[0].CertificateId);
  }
  const xff = obj(ctx, "XForwardedForConfig");
  if (xff) out.XForwardedForConfig = xff;
  const actions = arr(ctx, "DefaultActions");
  if (actions.length > 0) {
    actions.forEach((a, i) => {
      if (typeof a.Type !== "string") throw Errors.missingParam(`DefaultActions.${i + 1}.Type`);
      if (a.Type !== "ForwardGroup")
        throw Errors.invalidParam(`DefaultActions.${i + 1}.Type`, "Allowed: ForwardGroup.");
    });
    checkGroupsExist(ctx, actions);
    out.DefaultActions = actions;
  }
  return out;
}

function withDefaultCertificate(certs: ListenerCert[], id: string | undefined): ListenerCert[] {
  if (id === undefined) return certs;
  return [
    { CertificateId: id, IsDefault: true },
    ...certs.filter((c) => !c.IsDefault && c.CertificateId !== id),
  ];
}

function createListener(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  const port = ctx.p.reqInt("ListenerPort", { min: 1, max: 65535 });
  const proto = ctx.p.reqOneOf("ListenerProtocol", ["HTTP", "HTTPS", "QUIC"] as const);
  if (ctx.p.tree().DefaultActions === undefined) throw Errors.missingParam("DefaultActions");
  const { _defaultCertificate, ...fields } = listenerFields(ctx, proto);
  if (proto !== "HTTP" && _defaultCertificate === undefined) throw Errors.missingParam("Certificates");
  const siblings = ctx.tx.all<ListenerDoc>(LISTENER).filter((l) => l.LoadBalancerId === lb.LoadBalancerId);
  if (siblings.some((l) => l.ListenerPort === port)) throw Errors.albListenerExists(port);
  if (siblings.length >= ctx.quotas.listenersPerAlb)
    throw Errors.albQuotaOf("ListenersNum", ctx.quotas.listenersPerAlb);
  lockLb(ctx, lb);
  const id = ctx.ids.id("lsr-", 18, false);
  const doc: ListenerDoc = {
    ListenerId: id,
    LoadBalancerId: lb.LoadBalancerId,
    ListenerPort: port,
    ListenerProtocol: proto,
    ...listenerDefaults(proto),
    Tags: ctx.p.tags(),
    ...fields,
    DefaultActions: fields.DefaultActions as ListenerDoc["DefaultActions"],
    _certificates: withDefaultCertificate([], _defaultCertificate as string | undefined),
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
  // The list carries neither certificates nor ACLs (GetListenerAttribute does).
  return listPage(ctx, "Listeners", all, (l) => {
    const { Certificates: _c, AclConfig: _a, ...rest } = listenerView(ctx, l);
    void _c;
    void _a;
    return rest;
  });
}

function updateListenerAttribute(ctx: HandlerCtx): Doc {
  const current = getListener(ctx);
  const { _defaultCertificate, ...fields } = listenerFields(ctx, current.ListenerProtocol);
  const l = lockListener(ctx, current);
  ctx.tx.put(LISTENER, l.ListenerId, {
    ...l,
    ...fields,
    _certificates: withDefaultCertificate(l._certificates, _defaultCertificate as string | undefined),
  });
  return { JobId: job(ctx, "UpdateListenerAttribute", "listener", l.ListenerId, "Update") };
}

function setListenerStopped(stopped: boolean) {
  return (ctx: HandlerCtx): Doc => {
    const l = lockListener(ctx, getListener(ctx));
    ctx.tx.put(LISTENER, l.ListenerId, { ...l, _stopped: stopped });
    const api = stopped ? "StopListener" : "StartListener";
    return { JobId: job(ctx, api, "listener", l.ListenerId, "Update") };
  };
}

function deleteListener(ctx: HandlerCtx): Doc {
  const l = lockListener(ctx, getListener(ctx));
  for (const r of ctx.tx.all<RuleDoc>(RULE).filter((r) => r.ListenerId === l.ListenerId))
    ctx.tx.del(RULE, r.RuleId);
  ctx.tx.del(LISTENER, l.ListenerId);
  return { JobId: job(ctx, "DeleteListener", "listener", l.ListenerId, "Delete") };
}

// ---------------------------------------------------------------- certificates

function listListenerCertificates(ctx: HandlerCtx): Doc {
  const l = getListener(ctx);
  const type = ctx.p.oneOf("CertificateType", ["Ca", "Server"] as const);
  const ids = ctx.p.strList("CertificateIds");
  const all = type === "Ca" ? [] : l._certificates.filter((c) => wantedOrAny(ids, c.CertificateId));
  return listPage(ctx, "Certificates", all, (c) => ({
    CertificateId: c.CertificateId,
    IsDefault: c.IsDefault,
    CertificateType: "Server",
    Status: "Associated",
  }));
}

function certificateIdsParam(ctx: HandlerCtx): string[] {
  const certs = arr(ctx, "Certificates");
  if (certs.length === 0) throw Errors.missingParam("Certificates");
  checkBatch("Certificates", certs.length, MAX_CERTIFICATES_PER_CALL);
  return certs.map((c, i) => checkCertificate(ctx, `Certificates.${i + 1}.CertificateId`, c.CertificateId));
}

function associateAdditionalCertificates(ctx: HandlerCtx): Doc {
  const current = getListener(ctx);
  if (current.ListenerProtocol === "HTTP")
    throw Errors.invalidParam("ListenerId", "HTTP listeners take no certificates.");
  const ids = certificateIdsParam(ctx);
  const l = lockListener(ctx, current);
  // Already associated ones are left as they are.
  const have = new Set(l._certificates.map((c) => c.CertificateId));
  const added = ids.filter((id) => !have.has(id)).map((id) => ({ CertificateId: id, IsDefault: false }));
  ctx.tx.put(LISTENER, l.ListenerId, { ...l, _certificates: [...l._certificates, ...added] });
  return {
    JobId: job(ctx, "AssociateAdditionalCertificatesWithListener", "listener", l.ListenerId, "Update"),
  };
}

function dissociateAdditionalCertificates(ctx: HandlerCtx): Doc {
  const current = getListener(ctx);
  const ids = new Set(certificateIdsParam(ctx));
  if (current._certificates.some((c) => c.IsDefault && ids.has(c.CertificateId)))
    throw Errors.invalidParam("Certificates", "The default certificate cannot be dissociated.");
  const l = lockListener(ctx, current);
  ctx.tx.put(LISTENER, l.ListenerId, {
    ...l,
    _certificates: l._certificates.filter((c) => !ids.has(c.CertificateId)),
  });
  return {
    JobId: job(ctx, "DissociateAdditionalCertificatesFromListener", "listener", l.ListenerId, "Update"),
  };
}

// ---------------------------------------------------------------- ACLs on listeners

function associateAcls(ctx: HandlerCtx): Doc {
  const current = getListener(ctx);
  const ids = ctx.p.strList("AclIds");
  if (ids.length === 0) throw Errors.missingParam("AclIds");
  checkBatch("AclIds", ids.length, MAX_ACL_IDS_PER_CALL);
  const type = ctx.p.reqOneOf("AclType", ["White", "Black"] as const);
  for (const id of ids) getAcl(ctx, id);
  const existing = current._acl;
  if (existing && existing.AclType !== type)
    throw Errors.albAlreadyAssociated("Acl", existing.AclIds.join(","));
  const merged = [...new Set([...(existing?.AclIds ?? []), ...ids])];
  if (merged.length > MAX_ACLS_PER_LISTENER) throw Errors.albBatchLimit("AclIds", MAX_ACLS_PER_LISTENER);
  const l = lockListener(ctx, current);
  ctx.tx.put(LISTENER, l.ListenerId, { ...l, _acl: { AclType: type, AclIds: merged } });
  return { JobId: job(ctx, "AssociateAclsWithListener", "listener", l.ListenerId, "Update") };
}

function dissociateAcls(ctx: HandlerCtx): Doc {
  const current = getListener(ctx);
  const ids = ctx.p.strList("AclIds");
  if (ids.length === 0) throw Errors.missingParam("AclIds");
  checkBatch("AclIds", ids.length, MAX_ACL_IDS_PER_CALL);
  const l = lockListener(ctx, current);
  const left = (l._acl?.AclIds ?? []).filter((id) => !ids.includes(id));
  ctx.tx.put(LISTENER, l.ListenerId, {
    ...l,
    _acl: left.length > 0 && l._acl ? { AclType: l._acl.AclType, AclIds: left } : undefined,
  });
  return { JobId: job(ctx, "DissociateAclsFromListener", "listener", l.ListenerId, "Update") };
}

// ---------------------------------------------------------------- security policies

/** The predefined TLS policies (ListSystemSecurityPolicies), the ids a listener's SecurityPolicyId takes. */
const SYSTEM_POLICIES: ReadonlyArray<{ id: string; tls: string[]; ciphers: string[] }> = [
  {
    id: "tls_cipher_policy_1_0",
    tls: ["TLSv1.0", "TLSv1.1", "TLSv1.2"],
    ciphers: ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "AES128-SHA", "DES-CBC3-SHA"],
  },
  {
    id: "tls_cipher_policy_1_1",
    tls: ["TLSv1.1", "TLSv1.2"],
    ciphers: ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "AES128-SHA"],
  },
  {
    id: "tls_cipher_policy_1_2",
    tls: ["TLSv1.2"],
    ciphers: ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "AES128-GCM-SHA256"],
  },
  {
    id: "tls_cipher_policy_1_2_strict",
    tls: ["TLSv1.2"],
    ciphers: ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256"],
  },
  {
    id: "tls_cipher_policy_1_2_strict_with_1_3",
    tls: ["TLSv1.2", "TLSv1.3"],
    ciphers: ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "ECDHE-RSA-AES128-GCM-SHA256"],
  },
];
const SYSTEM_POLICY_IDS = new Set(SYSTEM_POLICIES.map((p) => p.id));

function listSystemSecurityPolicies(): Doc {
  return {
    SecurityPolicies: SYSTEM_POLICIES.map((p) => ({
      SecurityPolicyId: p.id,
      TLSVersions: p.tls,
      Ciphers: p.ciphers,
    })),
  };
}

export const listenerHandlers: HandlerEntry[] = [
  ["CreateListener", true, createListener],
  ["ListListeners", false, listListeners],
  ["GetListenerAttribute", false, (ctx) => listenerView(ctx, getListener(ctx))],
  ["UpdateListenerAttribute", true, updateListenerAttribute],
  ["StartListener", true, setListenerStopped(false)],
  ["StopListener", true, setListenerStopped(true)],
  ["DeleteListener", true, deleteListener],
  ["ListListenerCertificates", false, listListenerCertificates],
  ["AssociateAdditionalCertificatesWithListener", true, associateAdditionalCertificates],
  ["DissociateAdditionalCertificatesFromListener", true, dissociateAdditionalCertificates],
  ["AssociateAclsWithListener", true, associateAcls],
  ["DissociateAclsFromListener", true, dissociateAcls],
  ["ListSystemSecurityPolicies", false, listSystemSecurityPolicies],
  ["ListSecurityPolicies", false, (ctx) => listPage(ctx, "SecurityPolicies", [], (x) => x)],
];
