// Runs the module as one local process (admission + controllers), as `pepr dev` does, but on a port
// of our choosing and bound to 127.0.0.1 only. Used by `make dev` and the integration tests.
import https from "node:https";
import net from "node:net";

// Pepr 1.1.4 calls `server.listen(port)`, which binds every interface. Locally nothing may listen
// beyond loopback, so a bare-port listen on this process's HTTPS servers is pinned to 127.0.0.1.
// eslint-disable-next-line @typescript-eslint/unbound-method -- re-bound with apply below
const originalListen = https.Server.prototype.listen;
https.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
  if (typeof args[0] === "number" && (args.length === 1 || typeof args[1] === "function")) {
    return originalListen.apply(this, [args[0], "127.0.0.1", ...args.slice(1)] as never);
  }
  return originalListen.apply(this, args as never);
} as typeof https.Server.prototype.listen;

async function main(): Promise<void> {
  const port = Number(process.env.OPERATOR_PORT ?? "3000");
  const [{ PeprModule }, cfg, { capabilities }, { stripPeprStatusAnnotations }] = await Promise.all([
    import("pepr"),
    import("../../package.json"),
    import("../../capabilities"),
    import("../k8s/admission-hooks"),
  ]);
  const module = new PeprModule(cfg.default, capabilities, {
    deferStart: true,
    afterHook: stripPeprStatusAnnotations,
  });
  module.start(port);
}

main().catch((e) => {
  console.error("operator failed to start:", e);
  process.exit(1);
});
