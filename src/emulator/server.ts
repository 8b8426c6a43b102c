// The HTTP pipeline (docs/emulator.md, Code layout): read body → admin? → route by Version → authenticate
// → rate limit → pre faults → idempotency → handler (synchronous, on a transaction) → journal fsync
// → post faults → reply. One port, loopback only.
import { createHash, randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { EMULATOR_DEFAULTS } from "../config";
import { authenticate, NonceCache, parseQueryPairs } from "./auth";
import {
  acceptParams,
  COMMON_PARAMS,
  type Handler,
  type HandlerCtx,
  IdGen,
  Params,
  type Product,
  type Quotas,
  type Transitions,
  DEFAULT_TRANSITIONS,
  regionCode,
  VERSION_PRODUCT,
} from "./core";
import { ApiError, errorBody, Errors } from "./errors";
import { type FaultRule, Faults, RateLimiter } from "./faults";
import { albHandlers } from "./handlers/alb";
import { casHandlers } from "./handlers/cas";
import { eciHandlers } from "./handlers/eci";
import { slbHandlers } from "./handlers/slb";
import { vpcEcsHandlers } from "./handlers/vpc-ecs";
import { type Doc, Store, type Tx } from "./store";

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Directory for the journal and snapshots; undefined = in-memory, no journal. */
  dataDir?: string;
  /** fsync each journal record before replying (default true). */
  fsync?: boolean;
  /** AccessKeyId → AccessKeySecret. Default `testAk`/`testSecret`. */
  accessKeys?: Record<string, string>;
  quotas?: Partial<Quotas>;
  regionId?: string;
  /** Seeds the ID generator and fault dice. */
  seed?: number;
  faults?: FaultRule[];
  /** Per (AK, product, action) limit in requests per second; undefined = unlimited. */
  rateLimitRps?: number;
  /** Journal records between snapshots. */
  snapshotEvery?: number;
  /** Durations of asynchronous transitions (ALB provisioning, ECI phases), in virtual ms. */
  transitions?: Partial<Transitions>;
}

export interface RunningEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The one handler table: `${version}/${action}` → handler. */
const HANDLERS: Handler[] = [
  ...slbHandlers,
  ...albHandlers,
  ...eciHandlers,
  ...vpcEcsHandlers,
  ...casHandlers,
];
const TABLE = new Map(HANDLERS.map((h) => [`${h.version}/${h.action}`, h]));

export function handlerTable(): ReadonlyArray<Pick<Handler, "product" | "version" | "action" | "mutating">> {
  return HANDLERS.map(({ product, version, action, mutating }) => ({ product, version, action, mutating }));
}

const MAX_BODY_BYTES = 1 << 20;
const REQUEST_LOG_SIZE = 1_000;
const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
const IDEM = "idem";
/** Expired idempotency records are purged every this many mutating requests (and on clock/advance). */
const IDEM_PURGE_EVERY = 500;
const META = "meta";

interface RequestLogEntry {
  atMs: number;
  requestId: string;
  product?: string;
  action?: string;
  status: number;
  code?: string;
  fault?: string[];
  replayed?: boolean;
  /** Parameters the action does not declare: the real gateway ignores them, so does the emulator. */
  ignoredParams?: string[];
  durationMs: number;
}

class Emulator {
  readonly store: Store;
  readonly faults: Faults;
  private readonly nonces: NonceCache;
  private readonly accessKeys: Record<string, string>;
  private readonly quotas: Quotas;
  private transitions: Transitions;
  private readonly regionId: string;
  private readonly limiter: RateLimiter | undefined;
  private readonly ids: IdGen;
  private readonly requests: RequestLogEntry[] = [];
  /** Calls per "<product>:<action>" since start or the last DELETE /_emulator/stats (benchmarks count these). */
  private callCounts = new Map<string, number>();
  /** Of those, the ones answered 200: a busy or throttled refusal that a client retried counts once here. */
  private okCounts = new Map<string, number>();
  private mutationsSincePurge = 0;

  constructor(opts: EmulatorOptions) {
    this.store = Store.open({
      dataDir: opts.dataDir,
      fsync: opts.fsync ?? true,
      snapshotEvery: opts.snapshotEvery ?? EMULATOR_DEFAULTS.snapshotEvery,
    });
    // A copy: POST /_emulator/credentials adds keys without touching the caller's object.
    this.accessKeys = {
      ...(opts.accessKeys ?? { [EMULATOR_DEFAULTS.accessKeyId]: EMULATOR_DEFAULTS.accessKeySecret }),
    };
    this.quotas = { ...EMULATOR_DEFAULTS.quotas, ...(opts.quotas ?? {}) };
    this.transitions = checkTransitions({ ...DEFAULT_TRANSITIONS, ...(opts.transitions ?? {}) });
    this.regionId = opts.regionId ?? EMULATOR_DEFAULTS.regionId;
    this.nonces = new NonceCache(EMULATOR_DEFAULTS.maxClockSkewMs);
    this.limiter = opts.rateLimitRps ? new RateLimiter(opts.rateLimitRps) : undefined;
    const seed = (opts.seed ?? Date.now()) >>> 0;
    // Mixing in the journal position keeps IDs fresh after a restart with the same seed.
    this.ids = new IdGen(
      seed + this.store.currentSeq * 7919,
      (id) => this.store.has(id),
      regionCode(this.regionId),
    );
    const dice = new IdGen(seed ^ 0x9e3779b9, () => false, "");
    this.faults = new Faults(() => dice.next());
    for (const f of opts.faults ?? []) this.faults.add(f);
  }

  get clockOffsetMs(): number {
    return Number(this.store.get<Doc>(META, "clock")?.offsetMs ?? 0);
  }
  virtualNowMs(): number {
    return Date.now() + this.clockOffsetMs;
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID().toUpperCase();
    const log: RequestLogEntry = { atMs: Date.now(), requestId, status: 200, durationMs: 0 };
    let product: Product | undefined;
    let isAdmin = false;
    try {
      const body = await readBody(req);
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      const path = q < 0 ? url : url.slice(0, q);
      const rawQuery = q < 0 ? "" : url.slice(q + 1);
      if (path.startsWith("/_emulator/")) {
        isAdmin = true; // admin calls stay out of the request log that tests assert on
        return this.admin(req, res, path, rawQuery, body);
      }
      if (req.method !== "POST" && req.method !== "GET") throw Errors.unsupportedMethod();

      const params: Record<string, string> = Object.fromEntries(parseQueryPairs(rawQuery));
      if (
        body.length > 0 &&
        /application\/x-www-form-urlencoded/i.test(String(req.headers["content-type"] ?? ""))
      ) {
        for (const [k, v] of parseQueryPairs(body.toString("utf8"))) params[k] = v;
      }
      const version = header(req, "x-acs-version") ?? params.Version ?? "";
      const action = header(req, "x-acs-action") ?? params.Action ?? "";
      log.action = action;
      product = VERSION_PRODUCT[version];
      log.product = product;
      if (!version) throw Errors.missingParam("Version");
      if (!product) throw Errors.unknownVersion(version);

      const auth = authenticate(
        { method: req.method, path, rawQuery, headers: req.headers, body, params },
        {
          accessKeys: this.accessKeys,
          maxClockSkewMs: EMULATOR_DEFAULTS.maxClockSkewMs,
          nonces: this.nonces,
        },
        Date.now(),
      );
      if (!action) throw Errors.missingParam("Action");
      const handler = TABLE.get(`${version}/${action}`);
      if (!handler) throw Errors.unknownAction(action);
      const regionId = params.RegionId || this.regionId;
      if (!/^[a-z]{2,}-[a-z0-9-]+$/.test(regionId)) throw Errors.invalidParam("RegionId");

      if (this.limiter) {
        const waitMs = this.limiter.take(`${auth.accessKeyId}|${product}|${action}`, Date.now());
        if (waitMs > 0) throw Errors.throttled(waitMs);
      }
      const pre = this.faults.evaluate("pre", product, action, regionId);
      if (pre.fired.length) log.fault = pre.fired;
      if (pre.latencyMs > 0) await sleep(pre.latencyMs);
      if (pre.network) return this.networkFault(req, pre.network, log);
      if (pre.error) throw pre.error;

      const accepted = handler.params ? acceptParams(handler.params, params) : { params, ignored: [] };
      if (accepted.ignored.length) log.ignoredParams = accepted.ignored;

      // ---- from here to the reply nothing awaits until the journal is durable: the request is atomic
      const { body: result, replayed } = this.execute(handler, accepted.params, regionId, requestId);
      log.replayed = replayed || undefined;

      const post = this.faults.evaluate("post", product, action, regionId);
      if (post.fired.length) log.fault = [...(log.fault ?? []), ...post.fired];
      if (post.latencyMs > 0) await sleep(post.latencyMs);
      if (post.network) return this.networkFault(req, post.network, log);
      if (post.error) throw post.error;
      this.send(res, 200, { RequestId: requestId, ...result }, requestId);
    } catch (e) {
      const err = e instanceof ApiError ? e : Errors.internal(e instanceof Error ? e.message : String(e));
      if (!(e instanceof ApiError)) console.error("emulator: internal error", e);
      log.status = err.httpStatus;
      log.code = err.code;
      this.send(res, err.httpStatus, errorBody(err, requestId, product), requestId, err.headers);
    } finally {
      if (!isAdmin) {
        log.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
        this.requests.push(log);
        if (this.requests.length > REQUEST_LOG_SIZE) this.requests.shift();
        const countKey = `${log.product ?? "unknown"}:${log.action ?? ""}`;
        this.callCounts.set(countKey, (this.callCounts.get(countKey) ?? 0) + 1);
        if (log.status === 200) this.okCounts.set(countKey, (this.okCounts.get(countKey) ?? 0) + 1);
      }
    }
  }

  /** Drops the connection (reset) or leaves it unanswered (hang: the client's read timeout fires). */
  private networkFault(req: http.IncomingMessage, kind: "reset" | "hang", log: RequestLogEntry): void {
    log.status = 0;
    log.code = `network.${kind}`;
    if (kind === "reset") req.socket.destroy();
  }

  /** Runs one handler atomically, with ClientToken idempotency and DryRun. */
  private execute(
    handler: Handler,
    raw: Record<string, string>,
    regionId: string,
    requestId: string,
  ): { body: Doc; replayed: boolean } {
    const p = new Params(raw);
    const nowMs = this.virtualNowMs();
    const token = handler.mutating ? p.str("ClientToken") : undefined;
    if (token !== undefined && (token.length > 64 || !/^[\x20-\x7e]+$/.test(token)))
      throw Errors.invalidClientToken();
    const idemKey = token
      ? `${EMULATOR_DEFAULTS.accountId}|${regionId}|${handler.product}|${handler.action}|${token}`
      : undefined;
    const hash = idemKey ? paramsHash(raw) : undefined;
    if (idemKey) {
      const prev = this.store.get<Doc & { hash: string; body: Doc; atMs: number }>(IDEM, idemKey);
      if (prev && nowMs - prev.atMs < IDEMPOTENCY_TTL_MS) {
        if (prev.hash !== hash) throw Errors.idempotenceMismatch();
        return { body: prev.body, replayed: true };
      }
    }
    this.ids.regionCode = regionCode(regionId);
    const tx = this.store.begin();
    const ctx: HandlerCtx = {
      p,
      tx,
      nowMs,
      regionId,
      accountId: EMULATOR_DEFAULTS.accountId,
      ids: this.ids,
      quotas: this.quotas,
      transitions: this.transitions,
      requestId,
    };
    let body: Doc;
    try {
      body = handler.fn(ctx);
      if (handler.mutating && p.str("DryRun") !== undefined && p.bool("DryRun")) throw Errors.dryRun();
      if (idemKey) tx.put(IDEM, idemKey, { hash, body, atMs: nowMs });
      if (handler.mutating && ++this.mutationsSincePurge >= IDEM_PURGE_EVERY)
        this.purgeIdempotency(tx, nowMs);
    } catch (e) {
      tx.rollback();
      throw e;
    }
    this.store.commit(tx); // appends + fsyncs the journal; rolls back and throws on I/O failure
    return { body, replayed: false };
  }

  /** Drops idempotency records past their TTL, inside the caller's transaction (so it is journaled). */
  private purgeIdempotency(tx: Tx, nowMs: number): void {
    this.mutationsSincePurge = 0;
    for (const [id, rec] of this.store.coll(IDEM)) {
      if (nowMs - Number(rec.atMs) >= IDEMPOTENCY_TTL_MS) tx.del(IDEM, id);
    }
  }

  private send(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    requestId: string,
    headers: Record<string, string> = {},
  ): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json;charset=utf-8",
      "content-length": Buffer.byteLength(text),
      "x-acs-request-id": requestId,
      ...headers,
    });
    res.end(text);
  }

  // ---------------------------------------------------------------- admin API (unsigned, loopback only)
  private admin(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
    rawQuery: string,
    body: Buffer,
  ): void {
    const requestId = randomUUID().toUpperCase();
    const reply = (status: number, obj: unknown): void => this.send(res, status, obj, requestId);
    if (!isLoopback(req.socket.remoteAddress))
      return reply(403, { Code: "Forbidden", Message: "admin API is loopback-only" });
    let json: Record<string, unknown> = {};
    if (body.length > 0) {
      try {
        json = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      } catch {
        return reply(400, { Code: "InvalidJson", Message: "body must be JSON" });
      }
    }
    const route = `${req.method} ${path.replace(/\/+$/, "")}`;
    const query = Object.fromEntries(parseQueryPairs(rawQuery));
    try {
      switch (true) {
        case route === "GET /_emulator/health":
          return reply(200, {
            status: "ok",
            seq: this.store.currentSeq,
            nowMs: this.virtualNowMs(),
            clockOffsetMs: this.clockOffsetMs,
            regionId: this.regionId,
          });
        case route === "POST /_emulator/reset":
          this.store.reset();
          this.faults.remove();
          this.nonces.clear();
          this.requests.length = 0;
          return reply(200, { ok: true });
        case route === "GET /_emulator/state":
          return reply(200, {
            seq: this.store.currentSeq,
            nowMs: this.virtualNowMs(),
            collections: this.store.dump(),
          });
        case route === "GET /_emulator/faults":
          return reply(200, { faults: this.faults.list() });
        case route === "POST /_emulator/faults": {
          const rules = Array.isArray(json.faults) ? (json.faults as FaultRule[]) : [json as FaultRule];
          return reply(200, { faults: rules.map((r) => this.faults.add(r)) });
        }
        case route === "DELETE /_emulator/faults":
          return reply(200, { removed: this.faults.remove(query.id) });
        case route.startsWith("DELETE /_emulator/faults/"):
          return reply(200, {
            removed: this.faults.remove(decodeURIComponent(path.slice("/_emulator/faults/".length))),
          });
        case route === "POST /_emulator/clock/advance": {
          const ms = Number(json.ms);
          if (!Number.isFinite(ms) || ms < 0)
            return reply(400, { Code: "InvalidParameter", Message: "ms must be a non-negative number" });
          const tx = this.store.begin();
          tx.put(META, "clock", { offsetMs: this.clockOffsetMs + ms });
          this.purgeIdempotency(tx, this.virtualNowMs()); // the put above already moved the clock
          this.store.commit(tx);
          return reply(200, { nowMs: this.virtualNowMs(), clockOffsetMs: this.clockOffsetMs });
        }
        case route === "GET /_emulator/requests": {
          const limit = Math.max(
            1,
            Math.min(REQUEST_LOG_SIZE, Number(query.limit ?? REQUEST_LOG_SIZE) || REQUEST_LOG_SIZE),
          );
          return reply(200, { requests: this.requests.slice(-limit) });
        }
        case route === "GET /_emulator/transitions":
          return reply(200, { transitions: this.transitions });
        case route === "POST /_emulator/transitions":
          this.transitions = checkTransitions({ ...this.transitions, ...(json as Partial<Transitions>) });
          return reply(200, { transitions: this.transitions });
        case route === "GET /_emulator/credentials":
          return reply(200, { accessKeyIds: Object.keys(this.accessKeys) });
        case route === "POST /_emulator/credentials": {
          const { accessKeyId, accessKeySecret } = json;
          if (
            typeof accessKeyId !== "string" ||
            !accessKeyId ||
            typeof accessKeySecret !== "string" ||
            !accessKeySecret
          ) {
            return reply(400, {
              Code: "InvalidParameter",
              Message: "accessKeyId and accessKeySecret are required",
            });
          }
          this.accessKeys[accessKeyId] = accessKeySecret;
          return reply(200, { accessKeyIds: Object.keys(this.accessKeys) });
        }
        case route === "GET /_emulator/stats":
          return reply(200, {
            calls: Object.fromEntries(this.callCounts),
            succeeded: Object.fromEntries(this.okCounts),
          });
        case route === "DELETE /_emulator/stats":
          this.callCounts = new Map();
          this.okCounts = new Map();
          return reply(200, { calls: {}, succeeded: {} });
        case route === "GET /_emulator/handlers":
          return reply(200, { handlers: handlerTable() });
        default:
          return reply(404, { Code: "NotFound", Message: `unknown admin route ${route}` });
      }
    } catch (e) {
      const err = e instanceof ApiError ? e : Errors.internal(String(e));
      return reply(err.httpStatus, { Code: err.code, Message: err.message });
    }
  }

  close(): void {
    this.store.close({ snapshot: true });
  }
}

function checkTransitions(t: Transitions): Transitions {
  for (const [k, v] of Object.entries(t)) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
      throw Errors.invalidParam(k, "Durations are non-negative ms.");
  }
  return t;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v || undefined;
}

function paramsHash(raw: Record<string, string>): string {
  const business = Object.entries(raw)
    .filter(([k]) => !COMMON_PARAMS.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash("sha256").update(JSON.stringify(business)).digest("hex");
}

function isLoopback(addr: string | undefined): boolean {
  return addr === "127.0.0.1" || addr === "::1" || addr === "::ffff:127.0.0.1";
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(Errors.bodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = new Emulator(opts);
  // The SDKs put some batch parameters in the query (ALB RemovedServers.N, 200 per call: ~20 KiB of URL); the
  // gateway takes such URLs, Node's default 16 KiB header limit would not.
  const server = http.createServer({ maxHeaderSize: EMULATOR_DEFAULTS.maxRequestHeaderBytes }, (req, res) => {
    emu.handle(req, res).catch((e: unknown) => {
      console.error("emulator: unhandled", e);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, EMULATOR_DEFAULTS.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed = false;
  return {
    url: `http://${EMULATOR_DEFAULTS.host}:${port}`,
    port,
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      emu.close();
    },
  };
}
