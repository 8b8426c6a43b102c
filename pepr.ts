// The Pepr module entry point: what `npx pepr build` bundles and the in-cluster controller runs.
import { PeprModule } from "pepr";
import cfg from "./package.json";
import { capabilities } from "./capabilities";
import { stripPeprStatusAnnotations } from "./src/k8s/admission-hooks";
import { installTelemetry } from "./src/operator/telemetry";
import { startLeaderElection } from "./src/k8s/leader";

// The chart's watcher Deployment elects a leader on a Lease before the first watch event (admission never
// elects), as src/operator/main.ts does locally; OPERATOR_LEADER_ELECTION=false makes every replica lead.
if (process.env.PEPR_WATCH_MODE === "true") startLeaderElection();

// Our series on Pepr's /metrics, /readyz and /livez, and admission timing: before Pepr starts its server.
installTelemetry();
new PeprModule(cfg, capabilities, { afterHook: stripPeprStatusAnnotations });
