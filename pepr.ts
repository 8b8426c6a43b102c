// The Pepr module entry point: what `npx pepr build` bundles and the in-cluster controller runs.
import { PeprModule } from "pepr";
import cfg from "./package.json";
import { capabilities } from "./capabilities";
import { stripPeprStatusAnnotations } from "./src/k8s/admission-hooks";

new PeprModule(cfg, capabilities, { afterHook: stripPeprStatusAnnotations });
