// A real local Kubernetes control plane: etcd + kube-apiserver (+ optional kube-controller-manager)
// as plain processes on 127.0.0.1, the way controller-runtime's envtest runs them. Used by the tests
// (one per suite) and by `make dev`.
import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CONTROL_PLANE_DEFAULTS } from "../config";
import { ensureCa, ensureRsaKey, ensureServingCert } from "./pki";
import { freePort, httpsOk, waitFor } from "./ports";

export interface ControlPlaneOptions {
  /** Folder for data, PKI, logs and the kubeconfig. */
  dir: string;
  /** Folder with kube-apiserver, etcd (and kube-controller-manager). Default: the build cache. */
  binDir?: string;
  /** Run kube-controller-manager for namespace deletion and garbage collection. */
  withControllerManager?: boolean;
  /** Fixed apiserver port (0 or absent = pick a free one). */
  apiserverPort?: number;
}

export interface ControlPlane {
  url: string;
  kubeconfigPath: string;
  caCertPath: string;
  token: string;
  /** Milliseconds from spawning etcd to the apiserver answering /readyz. */
  startMs: number;
  pids: Record<string, number>;
  stop(): Promise<void>;
}

export function defaultBinDir(): string {
  return resolve(__dirname, "../../.cache/bin", `k8s-${CONTROL_PLANE_DEFAULTS.kubernetesVersion}`);
}

function startProcess(name: string, bin: string, args: string[], logDir: string): ChildProcess {
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: "a" });
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

async function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

export function writeKubeconfig(path: string, server: string, caCertPath: string, token: string): void {
  const caData = readFileSync(caCertPath).toString("base64");
  const yaml = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: local",
    "  cluster:",
    `    server: ${server}`,
    `    certificate-authority-data: ${caData}`,
    "users:",
    "- name: admin",
    "  user:",
    `    token: ${token}`,
    "contexts:",
    "- name: local",
    "  context: {cluster: local, user: admin, namespace: default}",
    "current-context: local",
    "",
  ].join("\n");
  writeFileSync(path, yaml, { mode: 0o600 });
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const dir = resolve(opts.dir);
  const binDir = opts.binDir ?? process.env.K8S_BIN_DIR ?? defaultBinDir();
  for (const bin of ["kube-apiserver", "etcd"]) {
    if (!existsSync(join(binDir, bin))) {
      throw new Error(`${join(binDir, bin)} is missing: run scripts/build-k8s-bins.sh (make bins) first`);
    }
  }
  const pkiDir = join(dir, "pki");
  const logDir = join(dir, "logs");
  mkdirSync(logDir, { recursive: true });
  const ca = ensureCa(pkiDir, "ca");
  const serving = ensureServingCert(pkiDir, "apiserver", ca, {
    dns: ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"],
    ips: ["127.0.0.1"],
  });
  const saKey = ensureRsaKey(pkiDir, "sa");
  const tokenPath = join(pkiDir, "admin-token");
  if (!existsSync(tokenPath)) writeFileSync(tokenPath, randomBytes(24).toString("hex"), { mode: 0o600 });
  const token = readFileSync(tokenPath, "utf8").trim();
  const tokensCsv = join(pkiDir, "tokens.csv");
  writeFileSync(tokensCsv, `${token},admin,admin-uid,system:masters\n`, { mode: 0o600 });

  const started = Date.now();
  const etcdPort = await freePort();
  const peerPort = await freePort();
  const etcd = startProcess(
    "etcd",
    join(binDir, "etcd"),
    [
      "--name=local",
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=local=http://127.0.0.1:${peerPort}`,
      "--listen-metrics-urls=",
      "--unsafe-no-fsync",
      "--log-level=warn",
    ],
    logDir,
  );
  const children: Array<[string, ChildProcess]> = [["etcd", etcd]];
  const stopAll = async () => {
    for (const [, child] of [...children].reverse()) await stopProcess(child);
  };

  try {
    const apiPort = opts.apiserverPort || (await freePort());
    const apiserver = startProcess(
      "kube-apiserver",
      join(binDir, "kube-apiserver"),
      [
        `--etcd-servers=http://127.0.0.1:${etcdPort}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${apiPort}`,
        "--advertise-address=127.0.0.1",
        "--endpoint-reconciler-type=none",
        `--tls-cert-file=${serving.certPath}`,
        `--tls-private-key-file=${serving.keyPath}`,
        `--cert-dir=${join(dir, "certs")}`,
        `--client-ca-file=${ca.certPath}`,
        `--token-auth-file=${tokensCsv}`,
        "--authorization-mode=RBAC",
        "--service-account-issuer=https://kubernetes.default.svc",
        `--service-account-key-file=${saKey}`,
        `--service-account-signing-key-file=${saKey}`,
        // Loopback service range: even a Service-based webhook can only ever be dialled on this machine.
        `--service-cluster-ip-range=${CONTROL_PLANE_DEFAULTS.serviceClusterIpRange}`,
        "--service-node-port-range=30000-32767",
        "--disable-admission-plugins=ServiceAccount",
        "--allow-privileged=true",
        "--profiling=false",
        "--enable-priority-and-fairness=false",
      ],
      logDir,
    );
    children.push(["kube-apiserver", apiserver]);
    const url = `https://127.0.0.1:${apiPort}`;
    const caPem = readFileSync(ca.certPath);
    const exitedEarly = () => apiserver.exitCode !== null || etcd.exitCode !== null;
    await waitFor(
      async () => {
        if (exitedEarly()) throw new Error(`control plane process exited; see ${logDir}`);
        return httpsOk({
          host: "127.0.0.1",
          port: apiPort,
          path: "/readyz",
          ca: caPem,
          headers: { Authorization: `Bearer ${token}` },
        });
      },
      CONTROL_PLANE_DEFAULTS.startTimeoutMs,
      "kube-apiserver /readyz",
    );
    const startMs = Date.now() - started;
    const kubeconfigPath = join(dir, "kubeconfig");
    writeKubeconfig(kubeconfigPath, url, ca.certPath, token);

    if (opts.withControllerManager && existsSync(join(binDir, "kube-controller-manager"))) {
      const kcm = startProcess(
        "kube-controller-manager",
        join(binDir, "kube-controller-manager"),
        [
          `--kubeconfig=${kubeconfigPath}`,
          `--authentication-kubeconfig=${kubeconfigPath}`,
          `--authorization-kubeconfig=${kubeconfigPath}`,
          "--bind-address=127.0.0.1",
          "--secure-port=0",
          "--leader-elect=false",
          "--controllers=namespace,garbagecollector,serviceaccount",
          `--service-account-private-key-file=${saKey}`,
          `--root-ca-file=${ca.certPath}`,
          "--use-service-account-credentials=false",
        ],
        logDir,
      );
      children.push(["kube-controller-manager", kcm]);
    }

    const pids: Record<string, number> = {};
    for (const [name, child] of children) pids[name] = child.pid ?? -1;
    writeFileSync(join(dir, "pids.json"), JSON.stringify(pids));
    return { url, kubeconfigPath, caCertPath: ca.certPath, token, startMs, pids, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
