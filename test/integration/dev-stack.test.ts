// `make dev`'s stack (src/operator/dev-stack.ts, the code scripts/dev.ts runs): kill -9 the controller process
// and it is restarted (and says so), Services applied during the outage are admitted by our webhooks (mutated
// and validated, not waved through), and they converge once the controller is back. The emulator's request log
// file shows which request did what.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDevStack, type DevStack } from "../../src/operator/dev-stack";
import { operatorGet } from "../../src/operator/local";
import { P, serviceYaml } from "../helpers/clb";
import { eventually } from "../helpers/stack";

let stack: DevStack;
let dir: string;
const logLines: string[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "dev-stack-"));
  stack = await startDevStack({
    dir,
    replicas: 1,
    controllerManager: false,
    restartBackoffBaseMs: 500,
    // A short Lease: the restarted process (a new identity) takes over soon after the old one's expires.
    operatorEnv: {
      OPERATOR_LEASE_DURATION_MS: "4000",
      OPERATOR_RENEW_DEADLINE_MS: "3000",
      OPERATOR_RETRY_PERIOD_MS: "500",
    },
    log: (m) => logLines.push(m),
  });
});

after(async () => {
  await stack?.stop();
  if (dir && !process.env.KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
});

function kubectl(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync("kubectl", ["--kubeconfig", stack.kubeconfigPath, ...args], {
    input,
    encoding: "utf8",
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

function ingressOf(name: string): string | undefined {
  const out = execFileSync("kubectl", [
    "--kubeconfig",
    stack.kubeconfigPath,
    "get",
    "svc",
    name,
    "-o",
    "jsonpath={.status.loadBalancer.ingress[0].ip}",
  ]).toString();
  return out || undefined;
}

test("admission and the controller are separate processes; a Service converges", async () => {
  const [controller] = stack.controllers;
  assert.notEqual(controller.current?.pid, stack.admission.pid);
  assert.equal(kubectl(["apply", "-f", "-"], serviceYaml("before-crash")).code, 0);
  await eventually(() => ingressOf("before-crash"), 60_000, "ingress of before-crash");
});

test("kill -9 the controller: it is restarted and logged, admission keeps answering, Services still converge", async () => {
  const [controller] = stack.controllers;
  const crashed = controller.current!;
  process.kill(crashed.pid, "SIGKILL");
  await crashed.exited;

  // While no controller runs: our webhooks still mutate (defaults) and validate (a bad value is refused).
  assert.equal(controller.current, undefined, "the controller is down");
  const applied = kubectl(["apply", "-f", "-"], serviceYaml("during-outage"));
  assert.equal(applied.code, 0, applied.stderr);
  const annotations = JSON.parse(
    kubectl(["get", "svc", "during-outage", "-o", "jsonpath={.metadata.annotations}"]).stdout,
  ) as Record<string, string>;
  assert.equal(annotations[`${P}address-type`], "internet", "defaulted by the mutating webhook");
  const refused = kubectl(
    ["apply", "-f", "-"],
    serviceYaml("refused-during-outage", { [`${P}health-check-interval`]: "0" }),
  );
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /denied the request.*health-check-interval/s);
  assert.equal((await operatorGet(stack.admission, "/readyz")).status, 200);

  const restarted = await eventually(
    () => (controller.current && controller.current.pid !== crashed.pid ? controller.current : undefined),
    30_000,
    "the controller restarted",
  );
  assert.equal(controller.restarts, 1);
  assert.ok(
    logLines.some((l) =>
      new RegExp(`controller-1: pid ${crashed.pid} exited \\(signal SIGKILL\\).*restart #1`).test(l),
    ),
    logLines.join("\n"),
  );
  assert.ok(logLines.some((l) => l === `controller-1: restarted as pid ${restarted.pid}`));

  await eventually(() => ingressOf("during-outage"), 90_000, "ingress of during-outage after the restart");
  assert.equal(kubectl(["apply", "-f", "-"], serviceYaml("after-restart")).code, 0);
  await eventually(() => ingressOf("after-restart"), 60_000, "ingress of after-restart");
});

test("the emulator's request log file names the SLBs each mutating call made, with its parameters", () => {
  const entries = readFileSync(stack.requestLogPath, "utf8")
    .trim()
    .split("\n")
    .map(
      (l) =>
        JSON.parse(l) as {
          action: string;
          product: string;
          resourceIds?: string[];
          params?: Record<string, string>;
        },
    );
  const creates = entries.filter((e) => e.action === "CreateLoadBalancer" && e.product === "slb");
  // The hand-made SLB of examples/clb-reuse.yaml, then one per Service; none twice across the crash.
  assert.equal(creates.length, 4, JSON.stringify(creates));
  for (const c of creates) {
    assert.match(c.resourceIds?.[0] ?? "", /^lb-/);
    assert.ok(c.params?.ClientToken, "the idempotency token is in the log");
    assert.equal(c.params?.Signature, undefined);
  }
});

test("the reuse examples name the hand-made SLB and ALB that a fresh make dev stack makes", () => {
  const named = (file: string, pattern: RegExp) =>
    pattern.exec(readFileSync(join(__dirname, "../../examples", file), "utf8"))?.[1];
  assert.equal(named("clb-reuse.yaml", /alibaba-cloud-loadbalancer-id: "([^"]+)"/), stack.userLoadBalancerId);
  assert.equal(named("alb/reuse.yaml", /^\s+id: (alb-\S+)/m), stack.userAlbId);
});
