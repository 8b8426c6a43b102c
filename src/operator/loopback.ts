// Pepr 1.1.4 calls `server.listen(port)`, which binds every interface. Locally nothing may listen beyond
// loopback, so a bare-port listen on this process's HTTPS servers is pinned to 127.0.0.1. Used by the local
// operator process (main.ts) and the benchmarks' no-op Pepr module (bench/noop-pepr-webhook.ts).
import https from "node:https";
import net from "node:net";

export function pinHttpsListenToLoopback(): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- re-bound with apply below
  const originalListen = https.Server.prototype.listen;
  https.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    if (typeof args[0] === "number" && (args.length === 1 || typeof args[1] === "function")) {
      return originalListen.apply(this, [args[0], "127.0.0.1", ...args.slice(1)] as never);
    }
    return originalListen.apply(this, args as never);
  } as typeof https.Server.prototype.listen;
}
