// The Pepr module entry point: what `npx pepr build` bundles and the in-cluster controller runs.
import { PeprModule } from "pepr";
import cfg from "./package.json";
import { capabilities } from "./capabilities";
import { stripPeprStatusAnnotations } from "./src/k8s/admission-hooks";
import { cloudSettingsProblems } from "./src/operator/settings";

// In the cluster (not while `pepr build` loads the module): wrong cluster-wide settings stop the pod.
const settingsProblems = process.env.PEPR_MODE === "build" ? [] : cloudSettingsProblems(process.env);
for (const p of settingsProblems) console.error(`operator: bad configuration: ${p}`);
if (settingsProblems.length > 0) process.exit(1);

new PeprModule(cfg, capabilities, { afterHook: stripPeprStatusAnnotations });
