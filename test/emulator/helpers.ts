// Test helpers: real SDK clients pointed at the emulator, plus a raw V2 request built exactly the
// way the Go SDK builds it (all params in the query of a POST with an empty body).
import OpenApi, { $OpenApiUtil } from "@alicloud/openapi-core";
import Alb, * as $alb from "@alicloud/alb20200616";
import { RuntimeOptions } from "@darabonba/typescript";
import { createHash, createHmac, randomUUID } from "node:crypto";
import * as http from "node:http";
import { API_VERSIONS, rpcParams } from "../../src/cloud";
import { pct } from "../../src/emulator/auth";
import type { RunningEmulator } from "../../src/emulator";

/** Response bodies are untyped JSON whose shape is exactly what the tests assert on. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const AK = "testAk";
export const SECRET = "testSecret";
export const REGION = "cn-hangzhou";
export const SLB_VERSION = API_VERSIONS.slb;
export const ECI_VERSION = API_VERSIONS.eci;

export function endpointOf(emu: RunningEmulator): string {
  return `127.0.0.1:${emu.port}`;
}

export function sdkConfig(emu: RunningEmulator, extra: Record<string, unknown> = {}): $OpenApiUtil.Config {
  return new $OpenApiUtil.Config({
    accessKeyId: AK,
    accessKeySecret: SECRET,
    regionId: REGION,
    endpoint: endpointOf(emu),
    protocol: "http",
    connectTimeout: 10_000,
    readTimeout: 10_000,
    ...extra,
  });
}

export type Call = (action: string, query?: Record<string, unknown>) => Promise<Record<string, Json>>;

/** Generic RPC call through openapi-core (V3 by default, V2 with `signatureAlgorithm: 'v2'`). */
export function rpcClient(emu: RunningEmulator, version: string, extra: Record<string, unknown> = {}): Call {
  const client = new OpenApi(sdkConfig(emu, extra));
  return async (action, query = {}) => {
    const params = rpcParams(action, version);
    const req = new $OpenApiUtil.OpenApiRequest({
      query: $OpenApiUtil.default.query({ RegionId: REGION, ...query }),
    });
    const res = await client.callApi(params, req, new RuntimeOptions({}));
    return res.body as Record<string, Json>;
  };
}

export function albClient(emu: RunningEmulator): Alb {
  return new Alb(sdkConfig(emu));
}
export { $alb };

/** Expects `p` to reject with an SDK error carrying `code`; returns the error. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<Record<string, Json>> {
  try {
    await p;
  } catch (e) {
    const err = e as Record<string, Json>;
    if (err.code !== code)
      throw new Error(`expected ${code}, got ${String(err.code)}: ${String(err.message)}`);
    return err;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, Json>;
}

export function rawRequest(
  emu: RunningEmulator,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: emu.port,
        method: opts.method ?? "POST",
        path: opts.path,
        headers: opts.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? (JSON.parse(text) as Record<string, Json>) : {},
          });
        });
      },
    );
    req.on("error", reject);
    req.end(opts.body ?? "");
  });
}

/** Go `url.Values.Encode`: sorted keys, space → `+`, `*` → `%2A`, `~` raw. */
function goEncode(params: Record<string, string>): string {
  const enc = (s: string): string =>
    encodeURIComponent(s)
      .replace(/%20/g, "+")
      .replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  return Object.keys(params)
    .sort()
    .map((k) => `${enc(k)}=${enc(params[k])}`)
    .join("&");
}

/** A V2 request exactly as alibaba-cloud-sdk-go sends it (rpc_signature_composer.go). */
export function goSdkV2(
  emu: RunningEmulator,
  action: string,
  business: Record<string, string>,
  opts: {
    secret?: string;
    timestamp?: string;
    nonce?: string;
    version?: string;
    /** pop-core style: everything in a form body instead of the query. */
    inBody?: boolean;
    /** Params changed after signing (tampering). */
    tamper?: Record<string, string>;
    /** The aliyun CLI and old clients use GET. */
    method?: "GET" | "POST";
    /** Send with another method than the one signed. */
    sendAs?: "GET" | "POST";
  } = {},
): Promise<RawResponse> {
  const params: Record<string, string> = {
    Version: opts.version ?? SLB_VERSION,
    Action: action,
    Format: "JSON",
    Timestamp: opts.timestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    SignatureMethod: "HMAC-SHA1",
    SignatureVersion: "1.0",
    SignatureType: "",
    SignatureNonce: opts.nonce ?? randomUUID(),
    AccessKeyId: AK,
    RegionId: REGION,
    ...business,
  };
  const canon = Object.keys(params)
    .sort()
    .map((k) => `${pct(k)}=${pct(params[k])}`)
    .join("&");
  params.Signature = createHmac("sha1", (opts.secret ?? SECRET) + "&")
    .update(`${opts.method ?? "POST"}&${pct("/")}&${pct(canon)}`)
    .digest("base64");
  Object.assign(params, opts.tamper ?? {});
  const encoded = goEncode(params);
  return rawRequest(emu, {
    method: opts.sendAs ?? opts.method ?? "POST",
    path: opts.inBody ? "/" : "/?" + encoded,
    body: opts.inBody ? encoded : "",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-acs-version": params.Version,
      "x-acs-action": action,
      "x-sdk-core-version": "0.4.0",
      "x-acs-credentials-provider": "static_ak",
      "user-agent": "AlibabaCloud (linux; amd64) Golang/1.22 Core/0.4.0 ack.ccm/v2 ClusterId/c-test",
    },
  });
}

export async function admin(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, Json>> {
  const res = await rawRequest(emu, {
    method,
    path: `/_emulator/${path}`,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status !== 200)
    throw new Error(`admin ${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A raw V3 (ACS3-HMAC-SHA256) request signed by our own code; `sendBody` may differ to simulate tampering. */
export function rawV3(
  emu: RunningEmulator,
  action: string,
  version: string,
  query: Record<string, string>,
  opts: {
    body?: string;
    sendBody?: string;
    date?: string;
    nonce?: string;
    secret?: string;
    ak?: string;
  } = {},
): Promise<RawResponse> {
  const body = opts.body ?? "";
  const sha = (s: string): string => createHash("sha256").update(s).digest("hex");
  const headers: Record<string, string> = {
    host: endpointOf(emu),
    "x-acs-action": action,
    "x-acs-version": version,
    "x-acs-date": opts.date ?? new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    "x-acs-signature-nonce": opts.nonce ?? randomUUID(),
    "x-acs-content-sha256": sha(body),
  };
  if (body) headers["content-type"] = "application/x-www-form-urlencoded";
  const q = Object.keys(query)
    .sort()
    .map((k) => `${pct(k)}=${pct(query[k])}`)
    .join("&");
  const signed = Object.keys(headers).sort();
  const canonHeaders = signed.map((h) => `${h}:${headers[h].trim()}\n`).join("");
  const creq = ["POST", "/", q, canonHeaders, signed.join(";"), sha(body)].join("\n");
  const sig = createHmac("sha256", opts.secret ?? SECRET)
    .update(`ACS3-HMAC-SHA256\n${sha(creq)}`)
    .digest("hex");
  headers.authorization = `ACS3-HMAC-SHA256 Credential=${opts.ak ?? AK},SignedHeaders=${signed.join(";")},Signature=${sig}`;
  return rawRequest(emu, { path: "/?" + q, headers, body: opts.sendBody ?? body });
}
