// Loopback port helpers shared by the control plane, the emulator runner and the operator runner.
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

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

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
