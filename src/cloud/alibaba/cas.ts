// SSL Certificates Service (cas 2020-04-07) over the generic openapi-core `callApi`: the certificates an ALB
// listener can reference, found by domain (ListUserCertificateOrder, GetUserCertificateDetail).

import { CloudError } from "../errors";
import type { CasCertificate, CasProvider } from "../types";
import type { Transport } from "./transport";
import { bool, list, MAX_PAGES, num, reqStr, str, type WireObject } from "./wire";

/** ListUserCertificateOrder pages hold at most 100 entries (`ShowSize`). */
const MAX_CAS_PAGE_SIZE = 100;

export function casCertificateFromWire(
  c: WireObject,
  regionId: string,
  idKey = "CertificateId",
): CasCertificate {
  const certId = num(c, idKey) ?? num(c, "Id") ?? 0;
  const sans = (str(c, "Sans") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    certId,
    certIdentifier: `${certId}-${regionId}`,
    name: reqStr(c, "Name"),
    commonName: reqStr(c, "CommonName") || reqStr(c, "Common"),
    sans,
    startDate: reqStr(c, "StartDate"),
    endDate: reqStr(c, "EndDate"),
    expired: bool(c, "Expired") ?? false,
    upload: bool(c, "Upload") ?? false,
    ...(str(c, "Fingerprint") ? { fingerprint: str(c, "Fingerprint") } : {}),
    ...(str(c, "Issuer") ? { issuer: str(c, "Issuer") } : {}),
  };
}

export class AlibabaCasProvider implements CasProvider {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }

  async listCertificates(query: { keyword?: string } = {}): Promise<CasCertificate[]> {
    const out: CasCertificate[] = [];
    const showSize = Math.min(this.#t.pageSize, MAX_CAS_PAGE_SIZE);
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = await this.#t.rpc("cas", "ListUserCertificateOrder", {
        OrderType: "CERT",
        Keyword: query.keyword,
        CurrentPage: page,
        ShowSize: showSize,
      });
      const items = list(body, "CertificateOrderList").map((c) =>
        casCertificateFromWire(c, this.#t.regionId),
      );
      out.push(...items);
      const total = num(body, "TotalCount") ?? 0;
      if (items.length === 0 || out.length >= total) break;
    }
    return out;
  }

  async getCertificate(certId: number): Promise<CasCertificate> {
    const body = await this.#t.rpc("cas", "GetUserCertificateDetail", { CertId: certId, CertFilter: true });
    const cert = casCertificateFromWire(body, this.#t.regionId, "Id");
    if (cert.certId === 0)
      throw new CloudError({
        kind: "NotFound",
        code: "NotFound",
        message: `cas:GetUserCertificateDetail: certificate ${certId} not found`,
        action: "cas:GetUserCertificateDetail",
      });
    return cert;
  }
}
