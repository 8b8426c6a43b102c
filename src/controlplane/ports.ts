// Loopback port helpers shared by the control plane, the emulator runner and the operator runner.
import https from "node:https";
import net from "node:net";

/** A port that was free on 127.0.0.1 a moment ago (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true; throws with `what` after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delayMs = 50;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(delayMs);
    delayMs = Math.min(delayMs * 2, 500);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** True when an HTTPS GET answers 200 within `timeoutMs`; any error or timeout is false (for polling). */
export function httpsOk(options: https.RequestOptions, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get({ ...options, timeout: timeoutMs }, (r) => {
      r.resume();
      resolve(r.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
  });
}
