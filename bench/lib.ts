// Shared bench plumbing: results as JSON rows (each figure with the baseline measured in the same
// run and their ratio), RSS and CPU time from /proc, percentiles.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { execFileSync, execSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";

export interface BenchRow {
  figure: string;
  value: number;
  unit: string;
  baseline?: { what: string; value: number };
  /** value / baseline.value */
  ratio?: number;
  target?: string;
  note?: string;
}

export interface BenchResult {
  name: string;
  command: string;
  measuredAt: string;
  commit: string;
  machine: string;
  rows: BenchRow[];
}

/** bench/results, or BENCH_RESULTS_DIR (a smoke run with small numbers writes there, not over the real results). */
export const RESULTS_DIR = process.env.BENCH_RESULTS_DIR
  ? resolve(process.env.BENCH_RESULTS_DIR)
  : resolve(__dirname, "results");

export function row(
  figure: string,
  value: number,
  unit: string,
  extra: Omit<BenchRow, "figure" | "value" | "unit"> = {},
): BenchRow {
  const r: BenchRow = { figure, value: round(value), unit, ...extra };
  if (r.baseline && r.baseline.value > 0) r.ratio = round(value / r.baseline.value, 3);
  return r;
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function writeResult(name: string, command: string, rows: BenchRow[]): BenchResult {
  mkdirSync(RESULTS_DIR, { recursive: true });
  let commit = "unknown";
  try {
    commit = execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    // not a checkout
  }
  const result: BenchResult = {
    name,
    command,
    measuredAt: new Date().toISOString(),
    commit,
    machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    rows,
  };
  writeFileSync(join(RESULTS_DIR, `${name}.json`), JSON.stringify(result, null, 2) + "\n");
  for (const r of rows) {
    const ratio =
      r.ratio !== undefined
        ? `  ratio ${r.ratio} vs ${r.baseline!.what} (${r.baseline!.value} ${r.unit})`
        : "";
    console.log(
      `${name}: ${r.figure} = ${r.value} ${r.unit}${ratio}${r.target ? `  target ${r.target}` : ""}`,
    );
  }
  return result;
}

/** Resident set size of a process in MiB. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? "0");
  return kb / 1024;
}

/** RSS of a process and all its descendants (tsx runs the code in a child node process). */
export function treeRssMiB(pid: number): number {
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      total += rssMiB(p);
      const children = readFileSync(`/proc/${p}/task/${p}/children`, "utf8").trim();
      if (children) stack.push(...children.split(/\s+/).map(Number));
    } catch {
      // exited
    }
  }
  return total;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

let clockTicksPerSecond: number | undefined;

/** CPU time (user + system, every thread) a process has used so far, in ms. */
export function cpuTimeMs(pid: number): number {
  clockTicksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  // Fields after the ")" that ends the command name: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
}

const cleanups: Array<() => unknown> = [];

/** Registers a teardown (stop a control plane, kill a process) for runCleanups; last in, first out. */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

/** Runs every registered teardown once, even if one fails: a failed bench leaves no process behind. */
export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (e) {
      console.error("cleanup failed:", e);
    }
  }
}
