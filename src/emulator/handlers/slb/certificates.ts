// SLB emulator: server certificates (upload, describe, rename, delete). The PEM is only fingerprinted,
// never parsed. SNI certificates on a listener are domain extensions (domain-extensions.ts).
import { createHash } from "node:crypto";
import { type HandlerCtx, type HandlerEntry, isoSeconds } from "../../core";
import { Errors } from "../../errors";
import type { Doc } from "../../store";
import { view } from "../common";
import { CERT } from "./shared";

function uploadServerCertificate(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const pem = ctx.p.str("ServerCertificate");
  const aliId = ctx.p.str("AliCloudCertificateId");
  if (!pem && !aliId) throw Errors.missingParam("ServerCertificate");
  if (pem && !ctx.p.str("PrivateKey")) throw Errors.missingParam("PrivateKey");
  if (pem && !pem.includes("-----BEGIN CERTIFICATE-----"))
    throw Errors.invalidParam("ServerCertificate", "Not a PEM certificate.");
  const id = `${ctx.accountId}-${ctx.ids.base36(11)}`;
  const fingerprint = createHash("sha1")
    .update(pem ?? aliId ?? "")
    .digest("hex")
    .match(/../g)!
    .join(":");
  const doc: Doc = {
    ServerCertificateId: id,
    ServerCertificateName: ctx.p.str("ServerCertificateName") ?? id,
    Fingerprint: fingerprint,
    CommonName: "emulator.local",
    SubjectAlternativeNames: { SubjectAlternativeName: [] },
    ExpireTime: isoSeconds(ctx.nowMs + 365 * 86_400_000),
    ExpireTimeStamp: ctx.nowMs + 365 * 86_400_000,
    CreateTime: isoSeconds(ctx.nowMs),
    CreateTimeStamp: ctx.nowMs,
    RegionId: ctx.regionId,
    IsAliCloudCertificate: aliId ? 1 : 0,
    AliCloudCertificateId: aliId ?? "",
  };
  ctx.tx.put(CERT, id, doc);
  return doc;
}

function describeServerCertificates(ctx: HandlerCtx): Doc {
  ctx.p.req("RegionId");
  const id = ctx.p.str("ServerCertificateId");
  const certs = ctx.tx
    .all<Doc>(CERT)
    .filter((c) => c.RegionId === ctx.regionId && (!id || c.ServerCertificateId === id));
  return { ServerCertificates: { ServerCertificate: certs.map(view) } };
}

function getCert(ctx: HandlerCtx): Doc {
  const id = ctx.p.req("ServerCertificateId");
  const c = ctx.tx.get<Doc>(CERT, id);
  if (!c) throw Errors.slbCertNotFound(id);
  return c;
}

export const certificateHandlers: HandlerEntry[] = [
  ["UploadServerCertificate", true, uploadServerCertificate],
  ["DescribeServerCertificates", false, describeServerCertificates],
  [
    "SetServerCertificateName",
    true,
    (ctx) => {
      const c = getCert(ctx);
      ctx.tx.put(CERT, String(c.ServerCertificateId), {
        ...c,
        ServerCertificateName: ctx.p.req("ServerCertificateName"),
      });
      return {};
    },
  ],
  [
    "DeleteServerCertificate",
    true,
    (ctx) => {
      const c = getCert(ctx);
      ctx.tx.del(CERT, String(c.ServerCertificateId));
      return {};
    },
  ],
];
