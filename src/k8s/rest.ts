// A small REST client for any Kubernetes kind: JSON in, JSON out, on one keep-alive connection pool.
// The generated per-group API classes of @kubernetes/client-node need one class per kind and have no
// status subresource for custom resources; this needs only a KindRef (kinds.ts). Auth (token, client
// certificate, exec plugin, in-cluster service account) comes from the KubeConfig on every request.
import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

/** A failed API call: the HTTP status and the apiserver's Status message. */
export class K8sApiError extends Error {
  readonly code: number;
  readonly reason?: string;
  constructor(code: number, message: string, reason?: string) {
    super(message);
    this.name = "K8sApiError";
    this.code = code;
    this.reason = reason;
  }
}

export type PatchType = "merge" | "json" | "strategic";

const AUTH_REREAD_MS = 60_000;

const CONTENT_TYPE: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
};

export interface RestRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  patchType?: PatchType;
}

export class RestClient {
  readonly #kc: KubeConfig;
  readonly #server: URL;
  readonly #timeoutMs: number;
  #agent?: http.Agent;
  /** Auth headers from the KubeConfig, re-read once a minute (token files rotate; client-go re-reads them as often). */
  #auth?: { headers: Record<string, string>; readAtMs: number };

  constructor(kc: KubeConfig, timeoutMs: number) {
    this.#kc = kc;
    this.#timeoutMs = timeoutMs;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error("kubeconfig has no current cluster");
    this.#server = new URL(cluster.server);
  }

  async request<T>(req: RestRequest): Promise<T> {
    const url = new URL(this.#server.pathname.replace(/\/$/, "") + req.path, this.#server);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const isHttps = url.protocol === "https:";
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: Record<string, string | number> = {
      ...(await this.#authHeaders(isHttps)),
      Accept: "application/json",
    };
    if (body !== undefined) {
      headers["Content-Type"] =
        req.method === "PATCH" ? CONTENT_TYPE[req.patchType ?? "merge"] : "application/json";
      headers["Content-Length"] = Buffer.byteLength(body);
    }
    const send = isHttps ? https.request : http.request;
    return new Promise<T>((resolve, reject) => {
      const r = send(url, { method: req.method, headers, agent: this.#agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          if (status >= 200 && status < 300) return resolve(parsed as T);
          const s = parsed as { message?: string; reason?: string } | undefined;
          reject(new K8sApiError(status, s?.message ?? (text.slice(0, 200) || `HTTP ${status}`), s?.reason));
        });
      });
      r.on("error", reject);
      r.setTimeout(this.#timeoutMs, () =>
        r.destroy(new Error(`${req.method} ${req.path}: no answer within ${this.#timeoutMs} ms`)),
      );
      if (body !== undefined) r.write(body);
      r.end();
    });
  }

  async #authHeaders(isHttps: boolean): Promise<Record<string, string>> {
    const now = Date.now();
    if (this.#auth && now - this.#auth.readAtMs < AUTH_REREAD_MS) return this.#auth.headers;
    const opts: https.RequestOptions = { headers: {} };
    await this.#kc.applyToHTTPSOptions(opts);
    this.#agent ??= isHttps
      ? new https.Agent({
          keepAlive: true,
          ca: opts.ca,
          cert: opts.cert,
          key: opts.key,
          rejectUnauthorized: opts.rejectUnauthorized,
          servername: opts.servername,
        })
      : new http.Agent({ keepAlive: true });
    const headers = { ...(opts.headers as Record<string, string>) };
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString("base64")}`;
    this.#auth = { headers, readAtMs: now };
    return headers;
  }

  close(): void {
    this.#agent?.destroy();
  }
}
