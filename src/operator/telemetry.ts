// Metrics and health on Pepr's own HTTPS server (port 3000 in the chart, OPERATOR_PORT locally), in every process
// mode and in-cluster alike (pepr.ts and src/operator/main.ts both call installTelemetry): our series are appended
// to Pepr's /metrics (its `metricsCollector.getMetrics`), /readyz and /livez are added to its express app, and
// every admission review is timed around Pepr's whole request path. Metrics table: README.md, "Metrics".
import { X509Certificate } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import https from "node:https";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { metricsCollector } from "pepr";
import { TELEMETRY_DEFAULTS } from "../config";
import { leaderElectionSettings, leadership } from "../k8s/leader";
import { health, type Readiness } from "../metrics/health";
import {
  certificateExpiry,
  cloudReachability,
  leaderStatus,
  operatorRegistry,
  readinessStatus,
  recordAdmission,
  type AdmissionDecision,
} from "../metrics/operator";

export type OperatorMode = "all" | "admission" | "watcher";

/** Pepr's env: PEPR_MODE=dev runs everything in one process, else PEPR_WATCH_MODE picks the half. */
export function operatorMode(env: NodeJS.ProcessEnv = process.env): OperatorMode {
  if (env.PEPR_MODE === "dev") return "all";
  return env.PEPR_WATCH_MODE === "true" ? "watcher" : "admission";
}

/** What /readyz answers: 200 or 503, one `[+]`/`[-]` line per check (as kube-apiserver's `?verbose`). */
export function readinessReport(r: Readiness): { status: number; body: string } {
  const lines = r.checks.map((c) => `[${c.ok ? "+" : "-"}]${c.name} ${c.ok ? "ok" : "failed"}: ${c.detail}`);
  lines.push(r.ready ? "readyz check passed" : "readyz check failed");
  return { status: r.ready ? 200 : 503, body: `${lines.join("\n")}\n` };
}

/** What the reply of an admission review says: its HTTP status and `response.allowed` / `response.patch`. */
export function admissionDecision(status: number, replyBody: string): AdmissionDecision {
  if (status !== 200) return "error";
  try {
    const review = JSON.parse(replyBody) as { response?: { allowed?: boolean; patch?: string } };
    if (!review.response) return "error";
    if (!review.response.allowed) return "denied";
    return review.response.patch ? "patched" : "allowed";
  } catch {
    return "error";
  }
}

const WEBHOOK_PATH = /^\/(mutate|validate)\//;

interface ParsedReview {
  body?: { request?: { kind?: { kind?: string }; operation?: string } };
}

/**
 * Wraps Pepr's request listener: an admission review is timed from its first byte to the end of the reply
 * (body parsing, Pepr's processors, our hooks), and counted by webhook, kind, operation and decision.
 */
export function timedAdmission(app: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const webhook = WEBHOOK_PATH.exec(req.url ?? "")?.[1] as "mutate" | "validate" | undefined;
    if (!webhook) return app(req, res);
    const startedMs = performance.now();
    const chunks: Buffer[] = [];
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      const chunk = args[0];
      if (typeof chunk === "string" || Buffer.isBuffer(chunk)) chunks.push(Buffer.from(chunk));
      return end(...args);
    }) as typeof res.end;
    res.once("finish", () => {
      // express.json() put the parsed review on the request.
      const request = (req as IncomingMessage & ParsedReview).body?.request;
      recordAdmission({
        webhook,
        kind: request?.kind?.kind || "unknown",
        operation: request?.operation || "unknown",
        decision: admissionDecision(res.statusCode, Buffer.concat(chunks).toString("utf8")),
        durationSeconds: (performance.now() - startedMs) / 1000,
      });
    });
    return app(req, res);
  };
}

interface ExpressLike {
  (req: IncomingMessage, res: ServerResponse): void;
  get(path: string, handler: (req: IncomingMessage, res: ServerResponse) => void): unknown;
  /** Express 5's router: its layers show which routes are bound. */
  router?: { stack?: Array<{ route?: { path?: unknown } }> };
}

/**
 * Pepr binds /healthz, /metrics and the webhook routes only once its store is loaded; until then a review
 * gets a 404. Ready once /healthz is among the app's routes (unknown router shape: cannot tell, not blocking).
 */
export function peprRoutesBound(app: Pick<ExpressLike, "router">): { ok: boolean; detail: string } {
  const stack = app.router?.stack;
  if (!Array.isArray(stack)) return { ok: true, detail: "cannot inspect Pepr's routes" };
  return stack.some((layer) => layer.route?.path === "/healthz")
    ? { ok: true, detail: "Pepr's store loaded, its routes bound" }
    : { ok: false, detail: "waiting for Pepr's store (webhook routes not bound yet)" };
}

function isExpressApp(v: unknown): v is ExpressLike {
  return typeof v === "function" && typeof (v as { get?: unknown }).get === "function";
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(body);
}

/** Adds /readyz and /livez to Pepr's app (Pepr binds /healthz and /metrics only once its store is ready). */
function addHealthRoutes(app: ExpressLike): void {
  health.addReadinessCheck("pepr", () => peprRoutesBound(app));
  app.get("/readyz", (_req, res) => {
    const { status, body } = readinessReport(health.readiness());
    send(res, status, body);
  });
  // Alive while the event loop answers: readiness covers what can recover on its own (a cloud outage).
  app.get("/livez", (_req, res) => send(res, 200, "ok\n"));
}

/** NotAfter of the certificate at `path` in Unix seconds, re-read when the file changes (rotation). */
function certificateNotAfter(): () => Array<{ labels: Record<string, string>; value: number }> {
  let cached: { path: string; mtimeMs: number; notAfterSeconds: number } | undefined;
  return () => {
    const path = process.env.SSL_CERT_PATH || TELEMETRY_DEFAULTS.servingCertPath;
    const mtimeMs = statSync(path).mtimeMs;
    if (!cached || cached.path !== path || cached.mtimeMs !== mtimeMs) {
      const cert = new X509Certificate(readFileSync(path));
      cached = { path, mtimeMs, notAfterSeconds: Math.floor(Date.parse(cert.validTo) / 1000) };
    }
    return [{ labels: {}, value: cached.notAfterSeconds }];
  };
}

let installed = false;

/**
 * Hooks metrics and health into the Pepr server this process is about to start. Call before Pepr starts its
 * server (before `new PeprModule` without deferStart, or before `module.start()`); later calls do nothing.
 */
export function installTelemetry(mode: OperatorMode = operatorMode()): void {
  if (installed || process.env.PEPR_MODE === "build") return;
  installed = true;

  const peprMetrics = metricsCollector.getMetrics.bind(metricsCollector);
  metricsCollector.getMetrics = async () => {
    const pepr = await peprMetrics();
    return `${pepr}${pepr.endsWith("\n") || pepr === "" ? "" : "\n"}${operatorRegistry.expose()}`;
  };

  // Pepr creates its server with `https.createServer(options, app)`: the app gets our routes and timing.
  const createServer = https.createServer.bind(https) as (...args: unknown[]) => https.Server;
  https.createServer = ((...args: unknown[]) => {
    const app = args.find(isExpressApp);
    if (!app) return createServer(...args);
    addHealthRoutes(app);
    return createServer(...args.map((a) => (a === app ? timedAdmission(app) : a)));
  }) as typeof https.createServer;

  certificateExpiry.collect(certificateNotAfter());
  readinessStatus.collect(() => [{ labels: {}, value: health.readiness().ready ? 1 : 0 }]);
  if (mode !== "admission") {
    const settings = leaderElectionSettings();
    leaderStatus.collect(() => [{ labels: { name: settings.name }, value: leadership().isLeader() ? 1 : 0 }]);
    health.addReadinessCheck("cloud", () =>
      leadership().isLeader()
        ? cloudReachability.status()
        : { ok: true, detail: "not leading: this replica makes no cloud calls" },
    );
  }
}
