// A stand-in for kubelet + kube-proxy in e2e tests (there is no kubelet here): runs the installed chart's
// Deployments and Jobs as local processes, with the container's env, Secret/ConfigMap volumes written to
// files and a token of the pod's ServiceAccount from the TokenRequest API (so the chart's RBAC is what the
// process really gets), and forwards each loopback ClusterIP:port to a ready replica. What it does not do:
// pull or run the container image (the module runs on this machine's node and node_modules), enforce
// resources, security contexts or liveness probes (readiness = the readinessProbe's httpGet path answering 200).
import { ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import https from "node:https";
import net from "node:net";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { freePort } from "../../src/controlplane/ports";
import { ROOT } from "./stack";

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}
interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: Array<{ secretRef?: { name: string } }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  readinessProbe?: { httpGet?: { path?: string } };
}
interface Volume {
  name: string;
  secret?: { secretName: string; items?: Array<{ key: string; path: string }> };
  configMap?: { name: string; items?: Array<{ key: string; path: string }> };
}
interface PodSpec {
  serviceAccountName?: string;
  containers: Container[];
  volumes?: Volume[];
}
interface Workload {
  kind: "Deployment" | "Job";
  metadata: { name: string; namespace: string; uid: string };
  spec: {
    replicas?: number;
    template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
  };
  status?: { succeeded?: number; failed?: number };
}
interface ServiceObject {
  metadata: { name: string };
  spec: { clusterIP?: string; selector?: Record<string, string>; ports: Array<{ port: number }> };
}

export interface RunnerPod {
  name: string;
  workload: string;
  templateHash: string;
  labels: Record<string, string>;
  port: number;
  child: ChildProcess;
  logPath: string;
  ready: boolean;
  stopping: boolean;
  /** The container's readinessProbe httpGet path, as a kubelet would probe it. */
  readinessPath: string;
}

export interface PodRunnerState {
  pods: Array<{
    name: string;
    workload: string;
    templateHash: string;
    ready: boolean;
    port: number;
    logPath: string;
    exitCode: number | null;
  }>;
  jobsRun: string[];
  errors: string[];
}

export interface PodRunnerOptions {
  /** The control plane's admin token: the runner reads workloads as kubelet would (never for the pods). */
  adminToken: string;
  apiServerUrl: string;
  caCertPath: string;
  namespace: string;
  dir: string;
  /** Poll period of the Deployments, Jobs and Services. */
  pollMs?: number;
}

// Pepr's server calls `listen(3000)` (all interfaces); the runner gives each replica its own loopback port.
const PRELOAD = `"use strict";
const https = require("node:https");
const orig = https.Server.prototype.listen;
https.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number") return orig.apply(this, [Number(process.env.POD_RUNNER_PORT), "127.0.0.1", ...args.slice(1).filter((a) => typeof a === "function")]);
  return orig.apply(this, args);
};
`;

function templateHash(spec: unknown): string {
  return createHash("sha256").update(JSON.stringify(spec)).digest("hex").slice(0, 10);
}

export class PodRunner {
  readonly pods: RunnerPod[] = [];
  readonly jobsRun: string[] = [];
  readonly #opts: Required<PodRunnerOptions>;
  readonly #ca: Buffer;
  readonly #proxies = new Map<string, net.Server>();
  #timer?: NodeJS.Timeout;
  #busy = false;
  #stopped = false;
  #seq = 0;
  #rr = 0;
  /** Errors of the loop (kept, not thrown: a test asserts on what the workloads did). */
  readonly errors: string[] = [];

  constructor(opts: PodRunnerOptions) {
    this.#opts = { pollMs: 1_000, ...opts };
    this.#ca = readFileSync(opts.caCertPath);
    mkdirSync(opts.dir, { recursive: true });
    writeFileSync(join(opts.dir, "preload.cjs"), PRELOAD);
  }

  start(): void {
    const tick = async () => {
      if (this.#stopped) return;
      if (!this.#busy) {
        this.#busy = true;
        try {
          await this.#sync();
        } catch (e) {
          this.errors.push(e instanceof Error ? e.message : String(e));
        } finally {
          this.#busy = false;
          this.#writeState();
        }
      }
      if (!this.#stopped) this.#timer = setTimeout(() => void tick(), this.#opts.pollMs);
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await Promise.all(this.pods.map((p) => this.#stopPod(p)));
    for (const s of this.#proxies.values()) s.close();
    this.#proxies.clear();
  }

  /** dir/state.json: what runs, for a test in another process (see pod-runner-main.ts). */
  #writeState(): void {
    const state: PodRunnerState = {
      pods: this.pods.map((p) => ({
        name: p.name,
        workload: p.workload,
        templateHash: p.templateHash,
        ready: p.ready,
        port: p.port,
        logPath: p.logPath,
        exitCode: p.child.exitCode,
      })),
      jobsRun: this.jobsRun,
      errors: this.errors.slice(-20),
    };
    writeFileSync(join(this.#opts.dir, "state.json.tmp"), JSON.stringify(state));
    renameSync(join(this.#opts.dir, "state.json.tmp"), join(this.#opts.dir, "state.json"));
  }

  readyPods(workload: string): RunnerPod[] {
    return this.pods.filter((p) => p.workload === workload && p.ready && !p.stopping);
  }

  /** One API request (async: the forwarding proxy in this process must never wait on it). */
  #api<T>(
    method: string,
    path: string,
    body?: unknown,
    opts: { token?: string; contentType?: string } = {},
  ): Promise<T> {
    const url = new URL(path, this.#opts.apiServerUrl);
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<T>((resolve, reject) => {
      const req = https.request(
        {
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method,
          ca: this.#ca,
          headers: {
            authorization: `Bearer ${opts.token ?? this.#opts.adminToken}`,
            accept: "application/json",
            ...(data
              ? {
                  "content-type": opts.contentType ?? "application/json",
                  "content-length": Buffer.byteLength(data),
                }
              : {}),
          },
          timeout: 30_000,
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () => {
            if ((res.statusCode ?? 0) >= 300)
              reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`));
            else resolve((text ? JSON.parse(text) : {}) as T);
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on("error", reject);
      if (data) req.write(data);
      req.end();
    });
  }

  async #list<T>(collection: string): Promise<T[]> {
    return (await this.#api<{ items: T[] }>("GET", collection)).items;
  }

  #nsPath(group: string, plural: string, name = ""): string {
    const base = group ? `/apis/${group}` : "/api/v1";
    return `${base}/namespaces/${this.#opts.namespace}/${plural}${name ? `/${encodeURIComponent(name)}` : ""}`;
  }

  async #sync(): Promise<void> {
    const deployments = await this.#list<Workload>(this.#nsPath("apps/v1", "deployments"));
    // Deployments first: one that is gone stops its pods before a hook Job (e.g. the drain) runs.
    const wanted = new Set(deployments.map((d) => d.metadata.name));
    for (const p of this.pods.filter((p) => !wanted.has(p.workload) && !p.stopping)) await this.#stopPod(p);
    for (const d of deployments) await this.#syncDeployment(d);
    for (const job of await this.#list<Workload>(this.#nsPath("batch/v1", "jobs"))) await this.#runJob(job);
    this.#syncProxies(await this.#list<ServiceObject>(this.#nsPath("", "services")));
  }

  async #syncDeployment(d: Workload): Promise<void> {
    const hash = templateHash(d.spec.template);
    const replicas = d.spec.replicas ?? 1;
    const current = this.pods.filter((p) => p.workload === d.metadata.name && !p.stopping);
    const fresh = current.filter((p) => p.templateHash === hash);
    const stale = current.filter((p) => p.templateHash !== hash);
    // Surge: new replicas first; old ones leave only once enough new ones are ready (maxUnavailable 0).
    for (let i = fresh.length; i < replicas; i++) fresh.push(await this.#startPod(d, hash));
    for (const p of fresh.slice(replicas)) await this.#stopPod(p);
    const readyFresh = fresh.filter((p) => p.ready).length;
    if (stale.length && readyFresh >= replicas) for (const p of stale) await this.#stopPod(p);
  }

  async #materializeVolumes(spec: PodSpec, podDir: string): Promise<Map<string, string>> {
    const mounts = new Map<string, string>(); // volume name -> local dir
    for (const v of spec.volumes ?? []) {
      const dir = join(podDir, "volumes", v.name);
      mkdirSync(dir, { recursive: true });
      if (v.secret) {
        const s = await this.#api<{ data?: Record<string, string> }>(
          "GET",
          this.#nsPath("", "secrets", v.secret.secretName),
        );
        const items = v.secret.items ?? Object.keys(s.data ?? {}).map((k) => ({ key: k, path: k }));
        for (const it of items)
          writeFileSync(join(dir, it.path), Buffer.from(s.data?.[it.key] ?? "", "base64"));
      } else if (v.configMap) {
        const c = await this.#api<{ data?: Record<string, string> }>(
          "GET",
          this.#nsPath("", "configmaps", v.configMap.name),
        );
        const items = v.configMap.items ?? Object.keys(c.data ?? {}).map((k) => ({ key: k, path: k }));
        for (const it of items) writeFileSync(join(dir, it.path), c.data?.[it.key] ?? "");
      }
      mounts.set(v.name, dir);
    }
    return mounts;
  }

  /** A token of the pod's ServiceAccount (TokenRequest API) in a kubeconfig and an SA folder. */
  async #serviceAccount(
    sa: string,
    podDir: string,
  ): Promise<{ kubeconfig: string; saDir: string; token: string }> {
    const token = (
      await this.#api<{ status: { token: string } }>(
        "POST",
        `${this.#nsPath("", "serviceaccounts", sa)}/token`,
        {
          apiVersion: "authentication.k8s.io/v1",
          kind: "TokenRequest",
          spec: { expirationSeconds: 7200 },
        },
      )
    ).status.token;
    const saDir = join(podDir, "serviceaccount");
    mkdirSync(saDir, { recursive: true });
    writeFileSync(join(saDir, "token"), token);
    writeFileSync(join(saDir, "ca.crt"), readFileSync(this.#opts.caCertPath));
    writeFileSync(join(saDir, "namespace"), this.#opts.namespace);
    const kubeconfig = join(podDir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
          {
            name: "c",
            cluster: { server: this.#opts.apiServerUrl, "certificate-authority": this.#opts.caCertPath },
          },
        ],
        users: [{ name: sa, user: { token } }],
        contexts: [{ name: "c", context: { cluster: "c", user: sa, namespace: this.#opts.namespace } }],
        "current-context": "c",
      }),
    );
    return { kubeconfig, saDir, token };
  }

  async #env(c: Container, podName: string): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    const secret = async (name: string): Promise<Record<string, string>> =>
      (await this.#api<{ data?: Record<string, string> }>("GET", this.#nsPath("", "secrets", name))).data ??
      {};
    for (const from of c.envFrom ?? [])
      if (from.secretRef)
        for (const [k, v] of Object.entries(await secret(from.secretRef.name)))
          env[k] = Buffer.from(v, "base64").toString();
    for (const e of c.env ?? []) {
      if (e.value !== undefined) env[e.name] = e.value;
      else if (e.valueFrom?.fieldRef?.fieldPath === "metadata.name") env[e.name] = podName;
      else if (e.valueFrom?.fieldRef?.fieldPath === "metadata.namespace") env[e.name] = this.#opts.namespace;
      else if (e.valueFrom?.secretKeyRef) {
        const v = (await secret(e.valueFrom.secretKeyRef.name))[e.valueFrom.secretKeyRef.key];
        if (v !== undefined) env[e.name] = Buffer.from(v, "base64").toString();
      }
    }
    return env;
  }

  async #startPod(d: Workload, hash: string): Promise<RunnerPod> {
    const name = `${d.metadata.name}-${hash}-${++this.#seq}`;
    const podDir = join(this.#opts.dir, name);
    mkdirSync(podDir, { recursive: true });
    const spec = d.spec.template.spec;
    const c = spec.containers[0];
    const volumes = await this.#materializeVolumes(spec, podDir);
    const at = (mountPath: string): string | undefined => {
      const m = c.volumeMounts?.find((v) => v.mountPath === mountPath);
      return m ? volumes.get(m.name) : undefined;
    };
    const sa = await this.#serviceAccount(spec.serviceAccountName ?? "default", podDir);
    // What Pepr's controller.js does: apply the PeprStore CRD (as the pod's identity), then check the
    // module's sha256 against the argument and run it.
    const args = c.args ?? [];
    const moduleHash = args[1];
    if (!args[0]?.endsWith("pepr/dist/controller.js") || !moduleHash)
      throw new Error(`${d.metadata.name}: not a Pepr controller container: ${args.join(" ")}`);
    await this.#api(
      "PATCH",
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/peprstores.pepr.dev?fieldManager=pepr&force=true",
      await peprStoreCrd(),
      { token: sa.token, contentType: "application/apply-patch+yaml" },
    ).catch((e: unknown) => {
      throw new Error(`${name}: PeprStore CRD apply as ${spec.serviceAccountName}: ${String(e)}`);
    });
    const gz = readFileSync(join(at("/app/load") ?? "", `module-${moduleHash}.js.gz`));
    const code = gunzipSync(gz);
    const actual = createHash("sha256").update(code).digest("hex");
    if (actual !== moduleHash) throw new Error(`${name}: module hash ${actual} is not ${moduleHash}`);
    const modulePath = join(podDir, `module-${moduleHash}.js`);
    writeFileSync(modulePath, code);

    const port = await freePort();
    const certs = at("/etc/certs");
    const apiPathDir = at("/app/api-path");
    const logPath = join(podDir, "pod.log");
    const log = createWriteStream(logPath, { flags: "a" });
    const child = spawn(process.execPath, ["--require", join(this.#opts.dir, "preload.cjs"), modulePath], {
      cwd: podDir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: podDir,
        HOSTNAME: name,
        NODE_PATH: join(ROOT, "node_modules"),
        KUBECONFIG: sa.kubeconfig,
        POD_RUNNER_PORT: String(port),
        ...(certs ? { SSL_KEY_PATH: join(certs, "tls.key"), SSL_CERT_PATH: join(certs, "tls.crt") } : {}),
        ...(apiPathDir ? { PEPR_API_PATH: readFileSync(join(apiPathDir, "value"), "utf8").trim() } : {}),
        ...(await this.#env(c, name)),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const pod: RunnerPod = {
      name,
      workload: d.metadata.name,
      templateHash: hash,
      labels: d.spec.template.metadata?.labels ?? {},
      port,
      child,
      logPath,
      ready: false,
      stopping: false,
      readinessPath: c.readinessProbe?.httpGet?.path ?? "/healthz",
    };
    this.pods.push(pod);
    void this.#probe(pod, certs ? readFileSync(join(certs, "tls.crt")) : undefined);
    return pod;
  }

  async #probe(pod: RunnerPod, _cert?: Buffer): Promise<void> {
    while (!pod.stopping && pod.child.exitCode === null) {
      const ok = await new Promise<boolean>((resolve) => {
        const req = https.get(
          {
            host: "127.0.0.1",
            port: pod.port,
            path: pod.readinessPath,
            rejectUnauthorized: false,
            timeout: 1_000,
          },
          (res) => {
            res.resume();
            resolve(res.statusCode === 200);
          },
        );
        req.on("error", () => resolve(false));
        req.on("timeout", () => req.destroy());
      });
      pod.ready = ok;
      await new Promise((r) => setTimeout(r, ok ? 2_000 : 300));
    }
    pod.ready = false;
  }

  async #stopPod(p: RunnerPod): Promise<void> {
    if (p.stopping) return;
    p.stopping = true;
    p.ready = false;
    if (p.child.exitCode === null && p.child.signalCode === null) {
      const exited = new Promise<void>((r) => p.child.once("exit", () => r()));
      p.child.kill("SIGTERM");
      const t = setTimeout(() => p.child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    }
    this.pods.splice(this.pods.indexOf(p), 1);
  }

  async #runJob(job: Workload): Promise<void> {
    const key = `${job.metadata.name}/${job.metadata.uid}`;
    if (this.jobsRun.includes(key) || job.status?.succeeded || job.status?.failed) return;
    this.jobsRun.push(key);
    const podDir = join(this.#opts.dir, `job-${job.metadata.name}-${++this.#seq}`);
    mkdirSync(podDir, { recursive: true });
    const spec = job.spec.template.spec;
    const c = spec.containers[0];
    const volumes = await this.#materializeVolumes(spec, podDir);
    const sa = await this.#serviceAccount(spec.serviceAccountName ?? "default", podDir);
    const jobEnv = await this.#env(c, job.metadata.name);
    const remap = (arg: string): string => {
      for (const m of c.volumeMounts ?? [])
        if (arg.startsWith(`${m.mountPath}/`))
          return join(volumes.get(m.name) ?? "", arg.slice(m.mountPath.length + 1));
      return arg;
    };
    const [cmd, ...rest] = [...(c.command ?? []), ...(c.args ?? [])].map(remap);
    const api = new URL(this.#opts.apiServerUrl);
    const started = new Date().toISOString();
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      const child = spawn(cmd === "node" ? process.execPath : cmd, rest, {
        cwd: podDir,
        env: {
          PATH: process.env.PATH ?? "",
          KUBERNETES_SERVICE_HOST: api.hostname,
          KUBERNETES_SERVICE_PORT: api.port,
          SA_DIR: sa.saDir,
          ...jobEnv,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout?.on("data", (b: Buffer) => (out += b.toString()));
      child.stderr?.on("data", (b: Buffer) => (out += b.toString()));
      child.on("exit", (code) => resolve({ code: code ?? -1, out }));
    });
    writeFileSync(join(podDir, "job.log"), r.out);
    const now = new Date().toISOString();
    const conditions =
      r.code === 0
        ? [
            { type: "SuccessCriteriaMet", status: "True", lastTransitionTime: now, lastProbeTime: now },
            { type: "Complete", status: "True", lastTransitionTime: now, lastProbeTime: now },
          ]
        : [
            {
              type: "FailureTarget",
              status: "True",
              lastTransitionTime: now,
              lastProbeTime: now,
              reason: "BackoffLimitExceeded",
            },
            {
              type: "Failed",
              status: "True",
              lastTransitionTime: now,
              lastProbeTime: now,
              reason: "BackoffLimitExceeded",
            },
          ];
    const status = {
      status: {
        startTime: started,
        ...(r.code === 0 ? { completionTime: now, succeeded: 1 } : { failed: 1 }),
        conditions,
      },
    };
    const statusPath = `${this.#nsPath("batch/v1", "jobs", job.metadata.name)}/status`;
    const patch = (body: unknown) =>
      this.#api("PATCH", statusPath, body, { contentType: "application/merge-patch+json" });
    // The Job controller's terminal conditions; an API server that refuses the first of a pair gets the last.
    await patch(status).catch(async (e: unknown) => {
      this.errors.push(`job status (retrying with the terminal condition only): ${String(e)}`);
      await patch({ status: { ...status.status, conditions: conditions.slice(-1) } });
    });
    if (r.code !== 0) this.errors.push(`job ${job.metadata.name} failed: ${r.out}`);
  }

  /** kube-proxy: each loopback ClusterIP:port to a ready replica whose labels match the selector. */
  #syncProxies(services: ServiceObject[]): void {
    const wanted = new Set<string>();
    for (const s of services) {
      const ip = s.spec.clusterIP;
      if (!ip?.startsWith("127.") || !s.spec.selector) continue;
      for (const { port } of s.spec.ports) {
        const key = `${ip}:${port}`;
        wanted.add(key);
        if (this.#proxies.has(key)) continue;
        const selector = s.spec.selector;
        const server = net.createServer((socket) => {
          const backends = this.pods.filter(
            (p) => p.ready && !p.stopping && Object.entries(selector).every(([k, v]) => p.labels[k] === v),
          );
          if (!backends.length) return socket.destroy();
          const target = backends[this.#rr++ % backends.length];
          const upstream = net.connect(target.port, "127.0.0.1");
          socket.pipe(upstream).pipe(socket);
          const close = () => {
            socket.destroy();
            upstream.destroy();
          };
          socket.on("error", close);
          upstream.on("error", close);
        });
        server.on("error", (e) => this.errors.push(`proxy ${key}: ${e.message}`));
        server.listen(port, ip);
        this.#proxies.set(key, server);
      }
    }
    for (const [key, server] of this.#proxies)
      if (!wanted.has(key)) {
        server.close();
        this.#proxies.delete(key);
      }
  }
}

let crdCache: object | undefined;
async function peprStoreCrd(): Promise<object> {
  crdCache ??= ((await import("pepr/src/lib/assets/store")) as { peprStoreCRD: object }).peprStoreCRD;
  return crdCache;
}
