// Request authentication: Alibaba signature V3 (ACS3-HMAC-SHA256) and V2 (HMAC-SHA1), clock skew and
// nonce replay. Clients do not send the canonical encoding on the wire, so every value is decoded
// first and re-encoded here (docs/emulator.md, Wire behaviour).
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { ApiError, Errors } from "./errors";

/** RFC 3986 percent-encoding on UTF-8 bytes, the canonical form of both signature versions. */
export function pct(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Parses `a=b&c=d`; `+` means space (Go's url.Values and HTML forms). Repeated keys: last wins. */
export function parseQueryPairs(qs: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const part of qs.split("&")) {
    if (!part) continue;
    const i = part.indexOf("=");
    const dec = (x: string): string => {
      try {
        return decodeURIComponent(x.replace(/\+/g, "%20"));
      } catch {
        throw Errors.incompleteSignature("Malformed percent-encoding in the request.");
      }
    };
    out.push(i < 0 ? [dec(part), ""] : [dec(part.slice(0, i)), dec(part.slice(i + 1))]);
  }
  return out;
}

const byKey = (a: [string, string], b: [string, string]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** Remembers nonces for the skew window so a replayed request is refused. */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  /** The cap bounds memory under sustained load; evicting the oldest only weakens replay checks on old nonces. */
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 500_000,
  ) {}
  /** Returns false if the nonce was already used within the TTL. */
  use(nonce: string, nowMs: number): boolean {
    // Map keeps insertion order, so expired entries are always at the front.
    for (const [n, exp] of this.seen) {
      if (exp > nowMs && this.seen.size < this.maxEntries) break;
      this.seen.delete(n);
    }
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, nowMs + this.ttlMs);
    return true;
  }
  clear(): void {
    this.seen.clear();
  }
}

export interface AuthInput {
  method: string;
  path: string;
  rawQuery: string;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Query ∪ form body, decoded. */
  params: Record<string, string>;
}

export interface AuthConfig {
  accessKeys: Record<string, string>;
  maxClockSkewMs: number;
  nonces: NonceCache;
}

export interface AuthResult {
  accessKeyId: string;
  signatureVersion: "v2" | "v3";
}

function header(h: AuthInput["headers"], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(",") : v;
}

function checkSkew(ts: string, cfg: AuthConfig, realNowMs: number): void {
  // Both versions use ISO-8601 UTC `YYYY-MM-DDThh:mm:ssZ`; tolerate milliseconds.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(ts)) throw Errors.timestampFormat(ts);
  const t = Date.parse(ts);
  if (Number.isNaN(t)) throw Errors.timestampFormat(ts);
  if (Math.abs(realNowMs - t) > cfg.maxClockSkewMs) throw Errors.timestampExpired(ts);
}

function checkNonce(nonce: string | undefined, cfg: AuthConfig, realNowMs: number): void {
  if (!nonce) throw Errors.missingParam("SignatureNonce");
  if (!cfg.nonces.use(nonce, realNowMs)) throw Errors.nonceUsed();
}

const V3_AUTH = /^ACS3-HMAC-SHA256 Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$/;

/** Verifies the request and returns the caller's AccessKeyId, or throws an ApiError. */
export function authenticate(input: AuthInput, cfg: AuthConfig, realNowMs: number): AuthResult {
  const authz = header(input.headers, "authorization");
  if (authz && authz.startsWith("ACS3-")) return verifyV3(input, authz, cfg, realNowMs);
  if (input.params.Signature !== undefined) return verifyV2(input, cfg, realNowMs);
  throw Errors.incompleteSignature("Neither an Authorization header nor a Signature parameter was sent.");
}

function verifyV3(input: AuthInput, authz: string, cfg: AuthConfig, realNowMs: number): AuthResult {
  const m = V3_AUTH.exec(authz);
  if (!m) throw Errors.incompleteSignature("Malformed Authorization header.");
  const [, ak, signedHeaders, sig] = m as unknown as [string, string, string, string];
  const secret = cfg.accessKeys[ak];
  if (secret === undefined) throw Errors.unknownAccessKey();
  const signed = signedHeaders.split(";");
  for (const required of ["host", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"]) {
    if (!signed.includes(required)) throw Errors.incompleteSignature(`Header ${required} must be signed.`);
  }
  const bodyHash = sha256Hex(input.body);
  // Why: without this check a tampered body would still carry a valid signature over the old hash.
  if (header(input.headers, "x-acs-content-sha256") !== bodyHash) throw Errors.contentShaMismatch();
  const q = parseQueryPairs(input.rawQuery)
    .sort(byKey)
    .map(([k, v]) => pct(k) + "=" + pct(v))
    .join("&");
  const h = signed.map((n) => `${n}:${String(header(input.headers, n) ?? "").trim()}\n`).join("");
  const creq = [input.method, input.path || "/", q, h, signedHeaders, bodyHash].join("\n");
  const expected = createHmac("sha256", secret)
    .update(`ACS3-HMAC-SHA256\n${sha256Hex(creq)}`)
    .digest("hex");
  if (!safeEqual(expected, sig)) throw Errors.signatureMismatch();
  // Skew and nonce are checked after the signature so an attacker cannot burn someone's nonces.
  checkSkew(header(input.headers, "x-acs-date") ?? "", cfg, realNowMs);
  checkNonce(header(input.headers, "x-acs-signature-nonce"), cfg, realNowMs);
  return { accessKeyId: ak, signatureVersion: "v3" };
}

function verifyV2(input: AuthInput, cfg: AuthConfig, realNowMs: number): AuthResult {
  const p = input.params;
  const ak = p.AccessKeyId;
  if (!ak) throw Errors.missingParam("AccessKeyId");
  const secret = cfg.accessKeys[ak];
  if (secret === undefined) throw Errors.unknownAccessKey();
  if (p.SignatureMethod && p.SignatureMethod !== "HMAC-SHA1")
    throw Errors.incompleteSignature("Unsupported SignatureMethod.");
  const canon = Object.entries(p)
    .filter(([k]) => k !== "Signature")
    .sort(byKey)
    .map(([k, v]) => pct(k) + "=" + pct(v))
    .join("&");
  const expected = createHmac("sha1", secret + "&")
    .update(`${input.method}&${pct("/")}&${pct(canon)}`)
    .digest("base64");
  if (!safeEqual(expected, p.Signature ?? "")) throw Errors.signatureMismatch();
  if (!p.Timestamp) throw Errors.missingParam("Timestamp");
  checkSkew(p.Timestamp, cfg, realNowMs);
  checkNonce(p.SignatureNonce, cfg, realNowMs);
  return { accessKeyId: ak, signatureVersion: "v2" };
}

export { ApiError };
