// ALB end to end on the real control plane + emulator: the controller process is killed (SIGKILL) while an
// AlbConfig's rollout is in flight (its ALB made, its Ingresses without a hostname), then started again. The
// new process finds what the dead one made (ownership tags, create tokens from the create intent) and
// finishes with no duplicate ALB, listener, server group or rule. Admission and controllers run as separate
// processes, as in the Helm chart; slow ALB creates keep the rollout in flight when the process dies.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import type { CloudProvider } from "../../src/cloud";
import { emulatorFaults } from "../helpers/clb";
import {
  ALB,
  albConfigYaml,
  albsOf,
  applyOk,
  getObject,
  ingressClassYaml,
  ingressYaml,
  rulesOf,
  startAlbStack,
  type PathSpec,
} from "../helpers/alb";
import { eventually, KILLED_WATCHER_ENV, type Stack } from "../helpers/stack";

const TAG_ALBCONFIG = "ingress.k8s.alibaba/albconfig";

/** The cafe example and four more Ingresses, one on its own port: two listeners, six backend groups. */
const INGRESSES: Array<{
  name: string;
  host: string;
  paths: PathSpec[];
  annotations?: Record<string, string>;
}> = [
  {
    name: "cafe-ingress",
    host: "cafe.example.com",
    paths: [
      { path: "/tea", service: "tea-svc" },
      { path: "/coffee", service: "coffee-svc" },
    ],
  },
  { name: "juice", host: "juice.example.com", paths: [{ path: "/", service: "juice-svc" }] },
  { name: "water", host: "water.example.com", paths: [{ path: "/", service: "water-svc" }] },
  { name: "milk", host: "milk.example.com", paths: [{ path: "/", service: "milk-svc" }] },
  {
    name: "soda",
    host: "soda.example.com",
    paths: [{ path: "/", service: "soda-svc" }],
    annotations: { [`${ALB}listen-ports`]: '[{"HTTP": 8080}]' },
  },
];
const LISTENERS = ["HTTP:80", "HTTP:8080"];
const BACKENDS = INGRESSES.flatMap((i) => i.paths.map((p) => `${i.name}/${p.service}/80`));
const RULES = { "HTTP:80": 5, "HTTP:8080": 1 };

let stack: Stack;
let cloud: CloudProvider;

before(async () => {
  ({ stack, cloud } = await startAlbStack(new Set(INGRESSES.flatMap((i) => i.paths.map((p) => p.service))), {
    operator: "split",
    operatorEnv: KILLED_WATCHER_ENV,
  }));
});

after(async () => {
  await stack?.stop();
});

function hostnames(): Map<string, string | undefined> {
  return new Map(
    INGRESSES.map((i) => [
      i.name,
      getObject(stack, "ingress", i.name, "default")?.status?.loadBalancer?.ingress?.[0]?.hostname,
    ]),
  );
}

const ownGroups = () => cloud.alb.listServerGroups({ tags: [{ key: TAG_ALBCONFIG, value: "cafe" }] });

test("SIGKILL mid-rollout, then a restart: one ALB, one listener per port, one group per backend, no duplicate rule", async () => {
  // Every ALB create (ALB, listeners, server groups, rules) and server add answers slowly.
  for (const action of ["Create*", "AddServersToServerGroup"])
    await emulatorFaults(stack, "POST", {
      id: `slow-${action}`,
      match: { product: "alb", action },
      latencyMs: 700,
    });
  applyOk(
    stack,
    albConfigYaml("cafe"),
    ingressClassYaml("alb", "cafe"),
    ...INGRESSES.map((i) =>
      ingressYaml(i.name, { host: i.host, paths: i.paths, annotations: i.annotations }),
    ),
  );
  const appliedMs = Date.now();
  // Mid-rollout: the ALB and some of its server groups exist.
  await eventually(
    async () =>
      (await albsOf(cloud, "cafe")).length > 0 && (await ownGroups()).length > 0 ? true : undefined,
    60_000,
    "the ALB and a first server group",
  );
  await stack.watcher!.kill();
  const killedMs = Date.now();
  console.log(`killed ${killedMs - appliedMs} ms after the apply`);
  const atKill = hostnames();
  assert.equal((await albsOf(cloud, "cafe")).length, 1, "the ALB exists when the process dies");
  assert.ok(
    [...atKill.values()].some((h) => h === undefined),
    `some Ingress has no hostname yet when the process dies: ${JSON.stringify([...atKill])}`,
  );
  await emulatorFaults(stack, "DELETE");

  await stack.restartWatcher();
  const done = await eventually(
    () => {
      const h = hostnames();
      return [...h.values()].every((x) => x !== undefined) ? h : undefined;
    },
    90_000,
    "a hostname on every Ingress after the restart",
  );
  console.log(`every Ingress has a hostname ${Date.now() - killedMs} ms after the kill`);

  const albs = await albsOf(cloud, "cafe");
  assert.equal(albs.length, 1, "exactly one ALB for the AlbConfig");
  const alb = albs[0];
  assert.deepEqual(new Set(done.values()), new Set([alb.dnsName]), "every hostname is the ALB's DNS name");
  assert.equal(getObject(stack, "albconfig", "cafe")?.status?.loadBalancer?.id, alb.loadBalancerId);

  const listeners = (await cloud.alb.listListeners(alb.loadBalancerId)).map(
    (l) => `${l.listenerProtocol}:${l.listenerPort}`,
  );
  assert.deepEqual(listeners.sort(), LISTENERS, "one listener per port");

  // One group per (Ingress, Service, port), one default group per listener (service "-"); no key twice.
  const groups = await ownGroups();
  const keys = groups.map((g) =>
    ["ingress_name", "service_name", "service_port"]
      .map((k) => g.tags.find((t) => t.key === `ingress.k8s.alibaba/${k}`)?.value)
      .join("/"),
  );
  assert.equal(new Set(keys).size, keys.length, `no duplicate server group: ${keys.join(", ")}`);
  assert.deepEqual(
    keys.filter((k) => !k.includes("/-/")).sort(),
    [...BACKENDS].sort(),
    "one server group per backend Service/port",
  );
  assert.equal(groups.length, BACKENDS.length + LISTENERS.length, "and one default group per listener");

  // The emulator refuses a second rule at a priority: a duplicate would be the same conditions again.
  const rules = await rulesOf(cloud, alb.loadBalancerId);
  for (const [listener, count] of Object.entries(RULES)) {
    const conditions = (rules.get(listener) ?? []).map((r) =>
      r.conditions.map((c) => `${c.type}=${c.values.join("|")}`).join(" "),
    );
    assert.equal(
      new Set(conditions).size,
      conditions.length,
      `no duplicate rule on ${listener}: ${conditions.join(", ")}`,
    );
    assert.equal(conditions.length, count, `${count} rules on ${listener}`);
  }
});
