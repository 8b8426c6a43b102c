// Runs the module as one local process (admission + controllers), as `pepr dev` does, but on a port
// of our choosing and bound to 127.0.0.1 only. Used by `make dev` and the integration tests. The
// watcher and `all` modes elect a leader on a Lease (src/k8s/leader.ts); admission never elects.
import { pinHttpsListenToLoopback } from "./loopback";

pinHttpsListenToLoopback();

/**
 * On SIGTERM, ends the term and releases the Lease (so a successor need not wait for it to expire)
 * before Pepr's own SIGTERM handler closes the server and exits. Pepr registers that handler in
 * start(), so it is taken off here and run after the release, which is bounded by releaseTimeoutMs.
 */
function releaseLeaseOnSigterm(elector: { stop(): Promise<void> }, releaseTimeoutMs: number): void {
  const peprListeners = process.listeners("SIGTERM");
  process.removeAllListeners("SIGTERM");
  process.once("SIGTERM", (signal) => {
    const bound = new Promise<void>((r) => setTimeout(r, releaseTimeoutMs).unref());
    void Promise.race([elector.stop(), bound])
      .catch((e: unknown) => console.warn("leader-election: release on SIGTERM failed:", e))
      .finally(() => {
        for (const listener of peprListeners) listener(signal);
      });
  });
}

async function main(): Promise<void> {
  const { installTelemetry, operatorMode } = await import("./telemetry");
  // Cluster-wide settings (both halves read them): a wrong value stops the process with one line each.
  const { cloudSettingsProblems } = await import("./settings");
  const settingsProblems = cloudSettingsProblems(process.env);
  if (settingsProblems.length > 0) {
    for (const p of settingsProblems) console.error(`operator: bad configuration: ${p}`);
    process.exit(1);
  }
  if (operatorMode(process.env) !== "admission") {
    // A configuration the controllers cannot work with stops the process here, with one line.
    const { clbConfigurationProblem } = await import("../../capabilities/clb-service/wiring");
    const problem = clbConfigurationProblem(process.env);
    if (problem) {
      console.error(`operator: bad configuration: ${problem}`);
      process.exit(1);
    }
    // The cluster id before anything starts: an unreadable kube-system Namespace stops the process here.
    const [{ clusterIdentity }, { ClusterClient }] = await Promise.all([
      import("./settings"),
      import("../k8s/client"),
    ]);
    try {
      console.info(`operator: cluster id ${await clusterIdentity(new ClusterClient())}`);
    } catch (e) {
      console.error(`operator: bad configuration: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    }
  }
  const port = Number(process.env.OPERATOR_PORT ?? "3000");
  const [
    { PeprModule },
    cfg,
    { capabilities },
    { stripPeprStatusAnnotations },
    leader,
    { LEADER_ELECTION_DEFAULTS },
  ] = await Promise.all([
    import("pepr"),
    import("../../package.json"),
    import("../../capabilities"),
    import("../k8s/admission-hooks"),
    import("../k8s/leader"),
    import("../config"),
  ]);
  const module = new PeprModule(cfg.default, capabilities, {
    deferStart: true,
    afterHook: stripPeprStatusAnnotations,
  });
  // Before the first watch event: the controllers read leader.leadership() from then on.
  const elector = operatorMode(process.env) === "admission" ? undefined : leader.startLeaderElection();
  // Before the server starts: /metrics, /readyz, /livez and admission timing join Pepr's server.
  installTelemetry(operatorMode(process.env));
  module.start(port);
  if (elector) releaseLeaseOnSigterm(elector, LEADER_ELECTION_DEFAULTS.releaseTimeoutMs);
}

main().catch((e) => {
  console.error("operator failed to start:", e);
  process.exit(1);
});
