// SSL Certificates Service (cas 2020-04-07): the certificates ALB listeners reference, as a controller discovers
// them by domain. Typed results and the provider interface only (the adapter is src/cloud/alibaba/cas.ts).

export interface CasCertificate {
  /** The service's numeric certificate id (ListUserCertificateOrder `CertificateId`). */
  certId: number;
  /** The id ALB listeners take: `<certId>-<regionId>` (docs/cloud-layer.md, Certificates). */
  certIdentifier: string;
  name: string;
  commonName: string;
  /** Subject alternative names (the domains the certificate covers, wildcards as `*.example.com`). */
  sans: string[];
  /** `YYYY-MM-DD`. */
  startDate: string;
  endDate: string;
  expired: boolean;
  /** Uploaded by the user (true) or issued by the service. */
  upload: boolean;
  fingerprint?: string;
  issuer?: string;
}

export interface CasProvider {
  /**
   * Every certificate of the account (ListUserCertificateOrder, OrderType CERT, all pages). `keyword` is the
   * API's own filter: a substring of a domain or of the id, not the name.
   */
  listCertificates(query?: { keyword?: string }): Promise<CasCertificate[]>;
  /** GetUserCertificateDetail without the PEM bodies (CertFilter). CloudError NotFound for an unknown id. */
  getCertificate(certId: number): Promise<CasCertificate>;
}

/**
 * Whether a certificate domain (`example.com`, `*.example.com`) covers `host`: exact match, or a wildcard
 * standing for exactly one leftmost label (as TLS matches it). Case-insensitive.
 */
export function certificateDomainMatches(domain: string, host: string): boolean {
  const d = domain.trim().toLowerCase();
  const h = host.trim().toLowerCase();
  if (d === h) return true;
  if (!d.startsWith("*.")) return false;
  const dot = h.indexOf(".");
  return dot > 0 && h.slice(dot + 1) === d.slice(2);
}
