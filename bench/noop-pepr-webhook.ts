// The framework baseline of the admission benchmarks: a Pepr 1.1.4 module whose bindings do nothing, served by
// Pepr's own admission server (express, its mutate and validate processors) in its own process, as ours is.
// Against it, a ratio measures what our hooks add on top of the framework; against bench/noop-webhook.ts, what
// the framework and our hooks add together. The module's Pepr store needs the PeprStore CRD and the pepr-system
// namespace, which startLocalOperator has already applied to the same cluster.
// Usage: node --import tsx bench/noop-pepr-webhook.ts <port> <group> <kind> (started by startNoopWebhooks)
import https from "node:https";
import { Capability, PeprModule, a } from "pepr";
import { pinHttpsListenToLoopback } from "../src/operator/loopback";

pinHttpsListenToLoopback();

// Its settings come from the environment the bench passes (SSL_CERT_PATH, SSL_KEY_PATH, PEPR_API_PATH,
// PEPR_WATCH_MODE=false, LOG_LEVEL=warn as our admission process has, KUBECONFIG): Pepr reads LOG_LEVEL when its
// logger is first imported, before any line of this file runs.
const [port, group, kind] = process.argv.slice(2);

const noop = new Capability({ name: "noop", description: "allows every request, unchanged" });
noop
  .When(a.GenericKind, { group, version: "v1", kind })
  .IsCreatedOrUpdated()
  .Mutate(() => undefined)
  .Validate((req) => req.Approve());

const module = new PeprModule(
  {
    description: "no-op webhooks (admission benchmark baseline)",
    pepr: {
      uuid: "bench-noop",
      onError: "ignore",
      webhookTimeout: 10,
      customLabels: { namespace: {} },
      alwaysIgnore: { namespaces: [] },
      includedFiles: [],
      env: {},
    },
  } as unknown as ConstructorParameters<typeof PeprModule>[0],
  [noop],
  { deferStart: true },
);
module.start(Number(port));

// Pepr binds its webhook routes once its store has loaded: "ready" (the line the bench waits for) after that.
// A probe of this process by itself over loopback, so the certificate's chain is not checked.
const probe = (): void => {
  https
    .get({ host: "127.0.0.1", port: Number(port), path: "/healthz", rejectUnauthorized: false }, (res) => {
      res.resume();
      if (res.statusCode === 200) console.log("noop pepr webhook ready");
      else setTimeout(probe, 200);
    })
    .on("error", () => setTimeout(probe, 200));
};
probe();
process.on("SIGINT", () => process.exit(0));
