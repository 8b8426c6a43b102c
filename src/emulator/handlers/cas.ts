// SSL Certificates Service (cas 2020-04-07), read side only: the certificates ALB listeners reference, as a
// controller discovers them by domain (ListUserCertificateOrder with OrderType CERT/UPLOAD, GetUserCertificateDetail).
// The certificates are the seeds in EMULATOR_DEFAULTS.casCertificates; ALB takes them as `<certId>-<regionId>`.
import { EMULATOR_DEFAULTS } from "../../config";
import { type Handler, type HandlerCtx, productHandlers } from "../core";
import { Errors } from "../errors";
import type { Doc } from "../store";

interface SeedCert {
  certId: number;
  name: string;
  commonName: string;
  sans: readonly string[];
  expired?: boolean;
}

const CERTS: readonly SeedCert[] = EMULATOR_DEFAULTS.casCertificates;
/** ListUserCertificateOrder `ShowSize` (page size): at most 100 (unverified; the SDK documents no bound). */
const MAX_SHOW_SIZE = 100;

function dates(c: SeedCert): { StartDate: string; EndDate: string } {
  return c.expired
    ? { StartDate: "2020-01-01", EndDate: "2021-01-01" }
    : { StartDate: "2026-01-01", EndDate: "2036-01-01" };
}

function fingerprint(c: SeedCert): string {
  return c.certId.toString(16).toUpperCase().padStart(40, "A");
}

/** Whether an ALB certificate id (`<certId>-<regionId>`) names a certificate of this account and region. */
export function casCertificateExists(ctx: HandlerCtx, certificateId: string): boolean {
  const m = /^(\d+)-([a-z]{2,}-[a-z0-9-]+)$/.exec(certificateId);
  if (!m || m[2] !== ctx.regionId) return false;
  return CERTS.some((c) => c.certId === Number(m[1]));
}

function listItem(c: SeedCert): Doc {
  return {
    CertificateId: c.certId,
    InstanceId: `cas-upload-${c.certId}`,
    Name: c.name,
    CommonName: c.commonName,
    Sans: c.sans.join(","),
    ...dates(c),
    Expired: c.expired ?? false,
    Upload: true,
    Fingerprint: fingerprint(c),
    Issuer: "Emulator Test CA",
    OrgName: "",
    ResourceGroupId: "rg-default",
    SerialNo: c.certId.toString(16),
  };
}

function listUserCertificateOrder(ctx: HandlerCtx): Doc {
  const orderType = ctx.p.oneOf("OrderType", ["CPACK", "BUY", "UPLOAD", "CERT"] as const, "CPACK");
  const keyword = ctx.p.str("Keyword")?.toLowerCase();
  const status = ctx.p.oneOf("Status", ["ISSUED", "WILLEXPIRED", "EXPIRED"] as const);
  const page = ctx.p.int("CurrentPage", { min: 1 }) ?? 1;
  const showSize = ctx.p.int("ShowSize", { min: 1, max: MAX_SHOW_SIZE }) ?? 50;
  // Orders (CPACK/BUY) are not modelled: every seeded certificate is an uploaded one.
  const all =
    orderType === "CPACK" || orderType === "BUY"
      ? []
      : CERTS.filter(
          (c) =>
            // The keyword matches any substring of a domain or the id, not the name.
            (!keyword ||
              [c.commonName, ...c.sans, String(c.certId)].some((d) => d.toLowerCase().includes(keyword))) &&
            (!status || (status === "EXPIRED") === (c.expired ?? false)),
        );
  const items = all.slice((page - 1) * showSize, page * showSize);
  return {
    CertificateOrderList: items.map(listItem),
    TotalCount: all.length,
    CurrentPage: page,
    ShowSize: showSize,
  };
}

function getUserCertificateDetail(ctx: HandlerCtx): Doc {
  const id = ctx.p.reqInt("CertId", { min: 1 });
  const c = CERTS.find((x) => x.certId === id);
  if (!c) throw Errors.casNotFound(String(id));
  const filtered = ctx.p.bool("CertFilter") ?? false;
  const { CertificateId, ...rest } = listItem(c);
  return {
    Id: CertificateId,
    ...rest,
    Common: c.commonName,
    ...(filtered
      ? {}
      : {
          Cert: `-----BEGIN CERTIFICATE-----\nEMULATOR-${c.certId}\n-----END CERTIFICATE-----`,
          Key: "",
        }),
  };
}

export const casHandlers: Handler[] = productHandlers("cas", [
  ["ListUserCertificateOrder", false, listUserCertificateOrder],
  ["GetUserCertificateDetail", false, getUserCertificateDetail],
]);
