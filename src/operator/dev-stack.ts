// The `make dev` stack, shaped like production: etcd + kube-apiserver, the cloud emulator as its own process
// (request log in <dir>/emulator/requests.jsonl), the admission process (webhooks registered by URL) and each
// controller replica as a separate process under a Supervisor that restarts it when it dies. scripts/dev.ts
// prints it; test/integration/dev-stack.test.ts kills a controller in it. Settings: DEV_DEFAULTS in src/config.ts.
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { clientTokenFor, createCloudProvider, loadCloudConfig } from "../cloud";
import { DEV_DEFAULTS, EMULATOR_DEFAULTS } from "../config";
import { startControlPlane, type ControlPlane } from "../controlplane/controlplane";
import { ensureModuleBuilt, REPO_ROOT, startLocalOperator, type LocalOperator } from "./local";
import { Supervisor } from "./supervisor";

export interface DevStackOptions {
  /** Everything goes under it: control plane, emulator data and request log, one folder per process. */
  dir: string;
  /** Controller replicas (each a supervised process); more than one elect a leader. */
  replicas?: number;
  /** Extra emulator flags (src/emulator/main.ts), e.g. from `devEmulatorArgs(process.env)`. */
  emulatorArgs?: string[];
  /** Run kube-controller-manager too (EndpointSlices, namespace cleanup); `make dev` does. */
  controllerManager?: boolean;
  /** Extra environment of the operator processes. */
  operatorEnv?: Record<string, string>;
  /** Restart backoff of the controllers (DEV_DEFAULTS by default). */
  restartBackoffBaseMs?: number;
  log?: (message: string) => void;
  /** Called after any operator process (re)started: e.g. to rewrite a pid file. */
  onProcessStarted?: () => void;
}

export interface DevStack {
  cp: ControlPlane;
  kubeconfigPath: string;
  emulatorUrl: string;
  emulator: ChildProcess;
  cloudEnv: Record<string, string>;
  /** The SLB examples/clb-reuse.yaml names, made by hand (no ownership tags). */
  userLoadBalancerId: string;
  /** The hand-made ALB examples/alb/reuse.yaml names. */
  userAlbId: string;
  crdCount: number;
  admission: LocalOperator;
  controllers: Supervisor[];
  requestLogPath: string;
  /** Current pids by name, the supervisor (this process) first. */
  pids(): Record<string, number>;
  stop(): Promise<void>;
}

/** REPLICAS from the environment, checked: a whole number from 1 to DEV_DEFAULTS.maxReplicas. */
export function devReplicas(env: NodeJS.ProcessEnv): number {
  const raw = env.REPLICAS?.trim();
  if (!raw) return DEV_DEFAULTS.replicas;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > DEV_DEFAULTS.maxReplicas)
    throw new Error(`REPLICAS=${raw}: must be a whole number from 1 to ${DEV_DEFAULTS.maxReplicas}`);
  return n;
}

/** Emulator flags from the `make dev` variables; the emulator itself checks the values' ranges. */
export function devEmulatorArgs(env: NodeJS.ProcessEnv): string[] {
  const flags: Array<[string, string]> = [
    ["EMULATOR_RPS", "--rate-limit"],
    ["EMULATOR_QUOTAS", "--quotas"],
    ["EMULATOR_THROTTLE_RATE", "--throttle-rate"],
    ["EMULATOR_ERROR_RATE", "--error-rate"],
    ["EMULATOR_LATENCY_MS", "--latency-ms"],
  ];
  const args: string[] = [];
  for (const [name, flag] of flags) {
    const v = env[name]?.trim();
    if (!v) continue;
    if (name === "EMULATOR_QUOTAS") {
      try {
        JSON.parse(v);
      } catch {
        throw new Error(`${name}=${v}: must be JSON, e.g. '{"slbPerAccount":5}'`);
      }
    }
    args.push(flag, v);
  }
  return args;
}

/** Ready Nodes with Alibaba-style providerIDs: what a kubelet and the node controller would provide. */
function createDevNodes(kubeconfigPath: string, count: number): void {
  const kubectl = (args: string[], input?: string) =>
    execFileSync("kubectl", ["--kubeconfig", kubeconfigPath, ...args], {
      input,
      stdio: ["pipe", "ignore", "ignore"],
    });
  for (let i = 1; i <= count; i++) {
    const name = `dev-node-${i}`;
    kubectl(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Node",
        metadata: { name },
        spec: { providerID: `cn-hangzhou.i-devnode${i}` },
      }),
    );
    const now = new Date().toISOString();
    const status = {
      conditions: [
        { type: "Ready", status: "True", reason: "Dev", lastHeartbeatTime: now, lastTransitionTime: now },
      ],
      addresses: [{ type: "InternalIP", address: `192.168.0.${10 + i}` }],
    };
    kubectl([
      "patch",
      "node",
      name,
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify({ status }),
    ]);
    try {
      kubectl(["taint", "node", name, "node.kubernetes.io/not-ready:NoSchedule-"]);
    } catch {
      // the taint may not be there
    }
  }
}

/**
 * The SLB examples/clb-reuse.yaml reuses: made "by hand" (no ownership tags), once per emulator data dir, first
 * thing after a fresh start, so the seeded emulator (--seed 1) gives it the id that the example names.
 */
/** Tags of the load balancers a user made by hand: none of the operator's ownership tags. */
const USER_TAGS = [{ key: "owner", value: "platform-team" }];

/**
 * A hand-made SLB and ALB for examples/clb-reuse.yaml and examples/alb/reuse.yaml. The emulator's ids are
 * seeded (--seed 1) and these are its first creates, so the ids the examples name are the ones made here.
 */
async function ensureUserLoadBalancers(
  cloudEnv: Record<string, string>,
): Promise<{ slbId: string; albId: string }> {
  const cloud = createCloudProvider(loadCloudConfig(cloudEnv));
  const [slb] = await cloud.slb.findLoadBalancers({ loadBalancerName: "user-made-slb" });
  const slbId =
    slb?.loadBalancerId ??
    (
      await cloud.slb.createLoadBalancer({
        loadBalancerName: "user-made-slb",
        addressType: "internet",
        tags: USER_TAGS,
        clientToken: clientTokenFor("make-dev", "user-made-slb"),
      })
    ).loadBalancerId;
  const [alb] = await cloud.alb.listLoadBalancers({ loadBalancerNames: ["user-made-alb"] });
  const albId =
    alb?.loadBalancerId ??
    (
      await cloud.alb.createLoadBalancer({
        loadBalancerName: "user-made-alb",
        vpcId: EMULATOR_DEFAULTS.vpc.vpcId,
        addressType: "Internet",
        loadBalancerEdition: "Standard",
        payType: "PostPay",
        // Two zones, as the API requires: the seeded vSwitches of zones h and i.
        zoneMappings: EMULATOR_DEFAULTS.vpc.vSwitches
          .filter((v) => v.zoneId === "h" || v.zoneId === "i")
          .map((v) => ({ vSwitchId: v.vSwitchId, zoneId: `${EMULATOR_DEFAULTS.regionId}-${v.zoneId}` })),
        tags: USER_TAGS,
        clientToken: clientTokenFor("make-dev", "user-made-alb"),
      })
    ).loadBalancerId;
  return { slbId, albId };
}

function startEmulatorProcess(
  dataDir: string,
  extraArgs: string[],
  requestLogPath: string,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(REPO_ROOT, "src/emulator/main.ts"),
      "--port",
      "0",
      "--data-dir",
      dataDir,
      "--seed",
      "1",
      "--request-log",
      requestLogPath,
      ...extraArgs,
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((res, rej) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => rej(new Error("emulator did not start within 60 s")), 60_000);
    lines.on("line", (line) => {
      const m = /emulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        res({ child, url: m[1] });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`emulator exited with ${code}`));
    });
  });
}

export async function startDevStack(opts: DevStackOptions): Promise<DevStack> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const replicas = opts.replicas ?? DEV_DEFAULTS.replicas;
  mkdirSync(opts.dir, { recursive: true });
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    log("starting etcd + kube-apiserver on 127.0.0.1 ...");
    const cp = await startControlPlane({
      dir: join(opts.dir, "controlplane"),
      withControllerManager: opts.controllerManager,
    });
    stops.push(() => cp.stop());
    log(`control plane ready at ${cp.url} in ${cp.startMs} ms`);
    createDevNodes(cp.kubeconfigPath, DEV_DEFAULTS.nodes);
    log(`created ${DEV_DEFAULTS.nodes} Ready nodes (no kubelet here) so SLBs get ECS backends`);

    log("starting the cloud emulator ...");
    const emulatorDir = join(opts.dir, "emulator");
    mkdirSync(emulatorDir, { recursive: true });
    const requestLogPath = join(emulatorDir, "requests.jsonl");
    const emulator = await startEmulatorProcess(emulatorDir, opts.emulatorArgs ?? [], requestLogPath);
    stops.push(
      () =>
        new Promise<void>((r) => {
          if (emulator.child.exitCode !== null || emulator.child.signalCode !== null) return r();
          emulator.child.once("exit", () => r());
          emulator.child.kill("SIGTERM");
        }),
    );
    const cloudEnv: Record<string, string> = {
      ALIBABA_CLOUD_ENDPOINT: emulator.url,
      ALIBABA_CLOUD_REGION_ID: EMULATOR_DEFAULTS.regionId,
      ALIBABA_CLOUD_ACCESS_KEY_ID: EMULATOR_DEFAULTS.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: EMULATOR_DEFAULTS.accessKeySecret,
      // The emulator's VPC: ENI backends are looked up in it.
      ALIBABA_CLOUD_VPC_ID: EMULATOR_DEFAULTS.vpc.vpcId,
      // Its vSwitch is the default of intranet SLBs that name none (README "Cloud defaults").
      ALIBABA_CLOUD_VSWITCH_IDS: EMULATOR_DEFAULTS.vpc.vSwitchId,
    };
    log(`emulator listening on ${emulator.url} (request log: ${requestLogPath})`);
    const userLoadBalancers = await ensureUserLoadBalancers(cloudEnv);

    const crds = readdirSync(join(REPO_ROOT, "crds")).filter((f) => f.endsWith(".yaml"));
    for (const f of crds)
      execFileSync(
        "kubectl",
        ["--kubeconfig", cp.kubeconfigPath, "apply", "--server-side", "-f", join(REPO_ROOT, "crds", f)],
        { stdio: "ignore" },
      );

    ensureModuleBuilt();
    const env = { ...cloudEnv, ...opts.operatorEnv };
    // Admission first, as its own process: it registers the webhooks and never runs a controller.
    const admission = await startLocalOperator({
      kubeconfigPath: cp.kubeconfigPath,
      dir: join(opts.dir, "admission"),
      env,
      mode: "admission",
    });
    stops.push(() => admission.stop());
    opts.onProcessStarted?.();
    const controllers = Array.from(
      { length: replicas },
      (_, i) =>
        new Supervisor({
          name: `controller-${i + 1}`,
          log,
          backoffBaseMs: opts.restartBackoffBaseMs,
          start: async () => {
            const op = await startLocalOperator({
              kubeconfigPath: cp.kubeconfigPath,
              dir: join(opts.dir, `controller-${i + 1}`),
              env,
              mode: "watcher",
            });
            opts.onProcessStarted?.();
            return op;
          },
        }),
    );
    stops.push(async () => {
      for (const c of controllers) await c.stop();
    });
    await Promise.all(controllers.map((c) => c.started()));

    return {
      cp,
      kubeconfigPath: cp.kubeconfigPath,
      emulatorUrl: emulator.url,
      emulator: emulator.child,
      cloudEnv,
      userLoadBalancerId: userLoadBalancers.slbId,
      userAlbId: userLoadBalancers.albId,
      crdCount: crds.length,
      admission,
      controllers,
      requestLogPath,
      pids: () => ({
        dev: process.pid,
        ...Object.fromEntries(controllers.map((c) => [c.name, c.current?.pid ?? -1])),
        admission: admission.pid,
        emulator: emulator.child.pid ?? -1,
        ...cp.pids,
      }),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
