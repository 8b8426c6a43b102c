// CLI: `npm run emulator -- --port 4566 --data-dir .emu [--no-fsync] [--throttle-rate 0.2]
//   [--error-rate 0.05] [--latency-ms 20] [--rate-limit 20] [--seed 1] [--region cn-hangzhou]
//   [--faults faults.json] [--quotas '{"slbPerAccount":100}'] [--snapshot-every N] [--request-log FILE]`. Binds 127.0.0.1 only. SIGTERM/SIGINT: clean shutdown with a snapshot.
import * as fs from "node:fs";
import type { Quotas } from "./core";
import type { FaultRule } from "./faults";
import { startEmulator } from "./server";

function usage(msg: string): never {
  console.error(`emulator: ${msg}
usage: emulator [--port N] [--data-dir DIR] [--no-fsync] [--seed N] [--region ID]
                [--throttle-rate P] [--error-rate P] [--latency-ms MS] [--rate-limit RPS] [--faults FILE.json]
                [--quotas JSON] [--snapshot-every N] [--request-log FILE.jsonl]`);
  process.exit(2);
}

function parseArgs(argv: string[]): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) usage(`unexpected argument ${a}`);
    const eq = a.indexOf("=");
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (a === "--no-fsync") out.set("no-fsync", true);
    else {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      out.set(a.slice(2), v);
    }
  }
  return out;
}

function num(args: Map<string, string | true>, name: string, min: number, max: number): number | undefined {
  const v = args.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || !Number.isFinite(n) || n < min || n > max)
    usage(`--${name} must be a number in [${min}, ${max}]`);
  return n;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const known = new Set([
    "port",
    "data-dir",
    "no-fsync",
    "seed",
    "region",
    "throttle-rate",
    "error-rate",
    "latency-ms",
    "rate-limit",
    "faults",
    "quotas",
    "snapshot-every",
    "request-log",
  ]);
  for (const k of args.keys()) if (!known.has(k)) usage(`unknown flag --${k}`);
  const faults: FaultRule[] = [];
  const throttle = num(args, "throttle-rate", 0, 1);
  if (throttle)
    faults.push({
      id: "cli-throttle",
      probability: throttle,
      error: {
        httpStatus: 400,
        code: "Throttling.User",
        message: "Request was denied due to user flow control.",
      },
    });
  const errorRate = num(args, "error-rate", 0, 1);
  if (errorRate)
    faults.push({
      id: "cli-error",
      probability: errorRate,
      error: {
        httpStatus: 503,
        code: "ServiceUnavailable",
        message: "The request has failed due to a temporary failure of the server.",
      },
    });
  const latencyMs = num(args, "latency-ms", 0, 600_000);
  if (latencyMs) faults.push({ id: "cli-latency", latencyMs });
  const file = args.get("faults");
  if (typeof file === "string") faults.push(...(JSON.parse(fs.readFileSync(file, "utf8")) as FaultRule[]));
  const dataDir = args.get("data-dir");
  const region = args.get("region");
  const quotas = args.get("quotas");
  const requestLog = args.get("request-log");
  const emu = await startEmulator({
    port: num(args, "port", 0, 65535) ?? 0,
    dataDir: typeof dataDir === "string" ? dataDir : undefined,
    fsync: !args.has("no-fsync"),
    seed: num(args, "seed", 0, 2 ** 32),
    regionId: typeof region === "string" ? region : undefined,
    rateLimitRps: num(args, "rate-limit", 0.001, 1e6),
    snapshotEvery: num(args, "snapshot-every", 1, 1e9),
    quotas: typeof quotas === "string" ? (JSON.parse(quotas) as Partial<Quotas>) : undefined,
    faults,
    requestLogPath: typeof requestLog === "string" ? requestLog : undefined,
  });
  console.log(`emulator listening on ${emu.url}`);
  let stopping = false;
  const stop = (sig: string): void => {
    if (stopping) return;
    stopping = true;
    emu.close().then(
      () => {
        console.error(
          `emulator: ${sig}, ${typeof dataDir === "string" ? `state saved in ${dataDir}` : "stopped"}`,
        );
        process.exit(0);
      },
      (e: unknown) => {
        console.error("emulator: shutdown failed", e);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((e: unknown) => {
  console.error("emulator: failed to start:", e instanceof Error ? e.message : e);
  process.exit(1);
});
