// SLB reuse checks at admission read the webhook's watch-fed Service store, not a LIST per request:
// the apiserver's own request counter for LIST services does not move while Services that name an SLB
// by id are admitted and refused, and a conflict with a Service created a moment ago is still caught.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { P, serviceYaml } from "../helpers/clb";
import { eventually, Stack, startStack } from "../helpers/stack";

let stack: Stack;

before(async () => {
  // Admission in its own process (as in the chart), with no controllers: only the webhook reads Services.
  stack = await startStack({ operator: "split", emulator: true });
  await stack.watcher?.stop();
});

after(async () => {
  await stack?.stop();
});

/** apiserver_request_total for LIST of services, summed over codes and scopes (the apiserver's /metrics). */
function serviceLists(): number {
  const metrics = stack.kubectlOk(["get", "--raw", "/metrics"]);
  let total = 0;
  for (const line of metrics.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    if (!line.includes('resource="services"') || !line.includes('verb="LIST"')) continue;
    total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

test("reuse checks read the store: no LIST of Services per admission request, and fresh conflicts are caught", async () => {
  // Warm the webhook's store (its first list happens on the first Service request it sees; only LoadBalancer
  // Services reach it, by the entry's match conditions). A server-side dry run reaches it and keeps nothing.
  stack.kubectlOk(["apply", "--dry-run=server", "-f", "-"], serviceYaml("warm-up"));
  await new Promise((r) => setTimeout(r, 1_000));
  const before = serviceLists();
  for (let i = 0; i < 5; i++) {
    stack.kubectlOk(
      ["apply", "-f", "-"],
      serviceYaml(`on-shared-${i}`, { [`${P}id`]: "lb-shared-store" }, { ports: [{ port: 8000 + i }] }),
    );
  }
  // Port 8003/TCP of lb-shared-store is taken by on-shared-3 (created a moment ago): R2 refuses it, which
  // needs the store to have seen that create through its watch.
  let attempt = 0;
  const refused = await eventually(
    () => {
      // A new name each try: an admitted try would otherwise be re-applied as an unchanged update.
      const r = stack.kubectl(
        ["apply", "-f", "-"],
        serviceYaml(
          `late-comer-${attempt++}`,
          { [`${P}id`]: "lb-shared-store" },
          { ports: [{ port: 8003 }] },
        ),
      );
      return r.code !== 0 ? r : undefined;
    },
    10_000,
    "the conflicting Service to be refused",
  );
  assert.match(
    refused.stderr,
    /port 8003\/TCP of loadbalancer lb-shared-store is already used by service default\/on-shared-3/,
  );
  assert.equal(attempt, 1, "refused at the first try: the store had seen the create");
  assert.equal(serviceLists() - before, 0, "admission listed no Services");
});
