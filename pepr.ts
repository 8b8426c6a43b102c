// The Pepr module entry point: what `npx pepr build` bundles and the in-cluster controller runs.
import { PeprModule } from "pepr";
import cfg from "./package.json";
import { capabilities } from "./capabilities";
import { stripPeprStatusAnnotations } from "./src/k8s/admission-hooks";
import { installTelemetry } from "./src/operator/telemetry";

// Our series on Pepr's /metrics, /readyz and /livez, and admission timing: before Pepr starts its server.
installTelemetry();
new PeprModule(cfg, capabilities, { afterHook: stripPeprStatusAnnotations });
