// ALB benchmark on the real stack (kube-apiserver, the operator as a local process, the emulator over the
// wire): BENCH_ALB_INGRESSES Ingresses (default 200, one path each) across BENCH_ALB_CONFIGS AlbConfigs
// (default 5) over 2 nodes.
//  1. Time until every Ingress has a hostname, over the rate floor (the busiest ALB API's minimum calls
//     divided by the client's ALB rate limit, CLOUD_DEFAULTS.rateLimitPerSecond.alb).
//  2. Mutating cloud calls per rule, over the minimum (batch APIs counted: one CreateRules per 10 rules).
//  3. A reconcile of every AlbConfig with nothing changed: mutating cloud calls (target 0).
// Not measured here yet: Ingress admission p99 at 50/s against no-op webhooks (bench/admission.bench.ts shape).
import { ALB_BATCH_LIMITS } from "../src/cloud";
import { CLOUD_DEFAULTS } from "../src/config";
import { createNodes } from "../test/helpers/clb";
import { albConfigYaml, ingressClassYaml, ingressYaml, nodePortServiceYaml } from "../test/helpers/alb";
import { startStack, type Stack } from "../test/helpers/stack";
import { onCleanup, row, runCleanups, writeResult } from "./lib";

const INGRESSES = Number(process.env.BENCH_ALB_INGRESSES ?? 200);
const CONFIGS = Number(process.env.BENCH_ALB_CONFIGS ?? 5);
const RATE = CLOUD_DEFAULTS.rateLimitPerSecond.alb;
const MUTATING =
  /^alb:(Create|Update|Delete|Add|Remove|Replace|Associate|Dissociate|Tag|UnTag|Enable|Disable|Start|Stop)/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stats(stack: Stack): Promise<Record<string, number>> {
  return (
    (await (await fetch(`${stack.emulator!.url}/_emulator/stats`)).json()) as {
      calls: Record<string, number>;
    }
  ).calls;
}

function mutating(s: Record<string, number>): number {
  return Object.entries(s)
    .filter(([k]) => MUTATING.test(k))
    .reduce((n, [, v]) => n + v, 0);
}

function hostnames(stack: Stack): number {
  const out = stack.kubectlOk([
    "get",
    "ingress",
    "-A",
    "-o",
    'jsonpath={range .items[*]}{.status.loadBalancer.ingress[0].hostname}{"\\n"}{end}',
  ]);
  return out.split("\n").filter(Boolean).length;
}

async function main(): Promise<void> {
  const stack = await startStack({ operator: "all", emulator: true });
  onCleanup(() => stack.stop());
  createNodes(stack, ["n1", "n2"]);
  const perConfig = new Array<number>(CONFIGS).fill(0);
  const docs: string[] = [];
  for (let c = 0; c < CONFIGS; c++)
    docs.push(albConfigYaml(`bench-${c}`), ingressClassYaml(`bench-${c}`, `bench-${c}`));
  for (let i = 0; i < INGRESSES; i++) {
    const c = i % CONFIGS;
    perConfig[c]++;
    docs.push(nodePortServiceYaml(`svc-${i}`));
    docs.push(
      ingressYaml(`ing-${i}`, {
        className: `bench-${c}`,
        host: `h${i}.example.com`,
        paths: [{ path: "/", service: `svc-${i}` }],
      }),
    );
  }
  await fetch(`${stack.emulator!.url}/_emulator/stats`, { method: "DELETE" });
  const started = Date.now();
  stack.kubectlOk(["apply", "-f", "-"], docs.map((d) => JSON.stringify(JSON.parse(d))).join("\n---\n"));
  while (hostnames(stack) < INGRESSES) {
    if (Date.now() - started > 30 * 60_000) throw new Error("not every Ingress got a hostname in 30 min");
    await sleep(500);
  }
  const elapsedMs = Date.now() - started;
  await sleep(3_000); // let the last reconciles finish their writes
  const first = await stats(stack);
  // Minimum mutating calls: per AlbConfig an ALB, a listener and its default group; per Ingress a server
  // group and one AddServers; rules in batches of 10 per AlbConfig.
  const minRuleCalls = perConfig.reduce((n, k) => n + Math.ceil(k / ALB_BATCH_LIMITS.rulesPerCall), 0);
  const minimum = CONFIGS * 3 + INGRESSES * 2 + minRuleCalls;
  // The busiest API at the minimum: CreateServerGroup (or AddServers), once per Ingress.
  const floorMs = ((INGRESSES + CONFIGS) / RATE) * 1000;
  const ruleCalls =
    (first["alb:CreateRules"] ?? 0) +
    (first["alb:UpdateRulesAttribute"] ?? 0) +
    (first["alb:DeleteRules"] ?? 0);

  // No-change reconcile of every AlbConfig.
  await fetch(`${stack.emulator!.url}/_emulator/stats`, { method: "DELETE" });
  for (let c = 0; c < CONFIGS; c++)
    stack.kubectlOk(["annotate", "--overwrite", "albconfig", `bench-${c}`, `bench/touched=${Date.now()}`]);
  for (
    let waited = 0;
    (await stats(stack))["alb:ListListeners"] === undefined || waited < 5_000;
    waited += 500
  )
    await sleep(500);
  const resync = await stats(stack);

  writeResult(
    "alb",
    `BENCH_ALB_INGRESSES=${INGRESSES} BENCH_ALB_CONFIGS=${CONFIGS} node --import tsx bench/alb.bench.ts`,
    [
      row(`time until ${INGRESSES} Ingresses in ${CONFIGS} AlbConfigs have a hostname`, elapsedMs, "ms", {
        baseline: { what: `rate floor (${INGRESSES + CONFIGS} server groups at ${RATE}/s)`, value: floorMs },
        target: "≤ 1.5x",
      }),
      row("mutating ALB calls", mutating(first), "calls", {
        baseline: { what: "minimum (batch APIs counted)", value: minimum },
        target: "≤ 1.1x",
      }),
      row("rule calls (Create/Update/DeleteRules)", ruleCalls, "calls", {
        baseline: { what: "one CreateRules per 10 rules of an AlbConfig", value: minRuleCalls },
      }),
      row("no-change reconcile of every AlbConfig: mutating calls", mutating(resync), "calls", {
        target: "0",
      }),
    ],
  );
}

main().then(runCleanups, async (e) => {
  console.error(e);
  await runCleanups();
  process.exitCode = 1;
});
