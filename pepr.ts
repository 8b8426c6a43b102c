// The Pepr module entry point: what `npx pepr build` bundles and the in-cluster controller runs.
import { PeprModule } from "pepr";
import cfg from "./package.json";
import { capabilities } from "./capabilities";
import { stripPeprStatusAnnotations } from "./src/k8s/admission-hooks";
import { startLeaderElection } from "./src/k8s/leader";
import { cloudSettingsProblems } from "./src/operator/settings";
import { installTelemetry } from "./src/operator/telemetry";

// In the cluster (not while `pepr build` loads the module): wrong cluster-wide settings stop the pod.
const settingsProblems = process.env.PEPR_MODE === "build" ? [] : cloudSettingsProblems(process.env);
for (const p of settingsProblems) console.error(`operator: bad configuration: ${p}`);
if (settingsProblems.length > 0) process.exit(1);

// The chart's watcher Deployment elects a leader on a Lease before the first watch event (admission never
// elects), as src/operator/main.ts does locally; OPERATOR_LEADER_ELECTION=false makes every replica lead.
if (process.env.PEPR_WATCH_MODE === "true") startLeaderElection();

// Our series on Pepr's /metrics, /readyz and /livez, and admission timing: before Pepr starts its server.
installTelemetry();
new PeprModule(cfg, capabilities, { afterHook: stripPeprStatusAnnotations });
