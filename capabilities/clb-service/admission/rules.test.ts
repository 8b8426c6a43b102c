// Tests for rules.ts: the mutating defaults, the validation cases of fixtures/admission/, immutability on
// UPDATE, the reuse rules R1-R3 (docs/clb-service.md §2.5) and hostile input.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mutateService, validateService, type ValidationInput } from "./rules";
import {
  ANNOTATION_PREFIX,
  CLB_ANNOTATIONS,
  LEGACY_ANNOTATION_PREFIX,
  LOADBALANCER_ID_LABEL,
  type Service,
} from "../annotations";
import { loadCloudSettings } from "../../../src/operator/settings";

const P = ANNOTATION_PREFIX;
const L = LEGACY_ANNOTATION_PREFIX;
const FIXTURES = join(__dirname, "..", "fixtures", "admission");

/** Fixtures write `P:` and `L:` for the two prefixes, in keys and in expected messages. */
const expand = (s: string): string => s.replace(/\bP:/g, P).replace(/\bL:/g, L);

function expandKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(expandKeys);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [expand(k), expandKeys(x)]));
  return v;
}

function fixture<T>(name: string): T {
  return expandKeys(JSON.parse(readFileSync(join(FIXTURES, name), "utf8"))) as T;
}

interface SvcOpts {
  name?: string;
  namespace?: string;
  annotations?: Record<string, unknown>;
  labels?: Record<string, string>;
  ports?: Array<Record<string, unknown>>;
  spec?: Record<string, unknown>;
  ingress?: boolean;
}

function svc(o: SvcOpts = {}): Service {
  const s: Record<string, unknown> = {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: o.name ?? "web",
      namespace: o.namespace ?? "default",
      annotations: o.annotations ?? {},
      labels: o.labels ?? {},
    },
    spec: { type: "LoadBalancer", ports: o.ports ?? [{ port: 80, protocol: "TCP" }], ...o.spec },
  };
  if (o.ingress) s.status = { loadBalancer: { ingress: [{ ip: "47.0.0.1" }] } };
  return s as Service;
}

function validate(input: Partial<ValidationInput> & { svc: Service }) {
  return validateService({ operation: "CREATE", otherServices: [], ...input });
}

const others = fixture<Service[]>("other-services.json");

// ---------------------------------------------------------------- mutation

interface MutateCase {
  name: string;
  annotations: Record<string, string>;
  spec?: Record<string, unknown>;
  add: Record<string, string>;
}

for (const c of fixture<MutateCase[]>("mutate-cases.json")) {
  test(`mutate: ${c.name}`, () => {
    const s = svc({ annotations: c.annotations, spec: c.spec });
    assert.deepEqual(mutateService(s), { annotationsToAdd: c.add });
    const noPorts = svc({ annotations: c.annotations, spec: { ...c.spec, ports: undefined } });
    assert.deepEqual(mutateService(noPorts), { annotationsToAdd: c.add }, "ports do not matter");
  });
}

test("mutate: the result of mutation is a fixed point and passes validation", () => {
  const s = svc();
  const { annotationsToAdd } = mutateService(s);
  const after = svc({ annotations: annotationsToAdd });
  assert.deepEqual(mutateService(after), { annotationsToAdd: {} });
  assert.deepEqual(validate({ svc: after }), { allowed: true, errors: [], warnings: [] });
});

test("mutate: UPDATE with the same rules (old object is irrelevant)", () => {
  const s = svc({ annotations: { [`${P}address-type`]: "intranet" }, ingress: true });
  assert.deepEqual(Object.keys(mutateService(s).annotationsToAdd).sort(), [
    `${P}delete-protection`,
    `${P}ip-version`,
    `${P}modification-protection`,
  ]);
});

// ---------------------------------------------------------------- validation cases

interface ValidateCase {
  name: string;
  annotations: Record<string, string>;
  ports?: Array<Record<string, unknown>>;
  spec?: Record<string, unknown>;
  allowed: boolean;
  errors?: string[];
  warnings?: string[];
  noWarnings?: boolean;
}

for (const c of fixture<ValidateCase[]>("validate-cases.json")) {
  test(`validate: ${c.name}`, () => {
    const r = validate({ svc: svc({ annotations: c.annotations, ports: c.ports, spec: c.spec }) });
    assert.equal(r.allowed, c.allowed, JSON.stringify(r));
    assert.equal(r.allowed, r.errors.length === 0);
    for (const want of c.errors ?? []) {
      const w = expand(want);
      assert.ok(
        r.errors.some((e) => e.includes(w)),
        `missing error ${w}\n got ${JSON.stringify(r.errors, null, 1)}`,
      );
    }
    if (c.allowed) assert.deepEqual(r.errors, []);
    for (const want of c.warnings ?? []) {
      const w = expand(want);
      assert.ok(
        r.warnings.some((e) => e.includes(w)),
        `missing warning ${w}\n got ${JSON.stringify(r.warnings, null, 1)}`,
      );
    }
    if (c.noWarnings) assert.deepEqual(r.warnings, []);
  });
}

test("validate: reports all violations at once", () => {
  const r = validate({
    svc: svc({
      annotations: {
        [`${P}health-check-interval`]: "0",
        [`${P}scheduler`]: "RR",
        [`${P}bandwidth`]: "abc",
        [`${P}protocol-port`]: "https:443",
        [`${P}sticky-session`]: "on",
        [`${P}acl-status`]: "on",
        [`${P}vswitch-id`]: "vsw-1",
        [`${P}vgroup-port`]: "rsp-1:80",
        [`${L}preserve-lb-on-delete`]: "1",
      },
      ports: [{ port: 443 }, { port: 4789, protocol: "UDP" }],
    }),
  });
  assert.equal(r.allowed, false);
  const expected = [
    `${P}health-check-interval: "0" is out of range; allowed 1-50`,
    `${P}scheduler: "RR" is not allowed`,
    `${P}bandwidth: "abc" is not a decimal integer; allowed 1-5120`,
    `${L}preserve-lb-on-delete: "1" is not allowed; allowed true, false`,
    `${P}cert-id is required`,
    `${P}sticky-session-type is required`,
    `${P}acl-id is required`,
    `${P}acl-type is required`,
    `${P}vswitch-id: "vsw-1" is allowed only for intranet SLBs`,
    `${P}vgroup-port: "rsp-1:80" requires ${P}id`,
    "port 4789/udp is reserved",
  ];
  for (const e of expected)
    assert.ok(
      r.errors.some((x) => x.includes(e)),
      `missing ${e}\n${r.errors.join("\n")}`,
    );
  assert.equal(r.errors.length, expected.length, r.errors.join("\n"));
});

test("validate: removing the https port in one UPDATE needs no forward-port or domain-extensions edit", () => {
  const annotations = {
    [`${P}protocol-port`]: "http:80,https:443",
    [`${P}cert-id`]: "cert-1",
    [`${P}forward-port`]: "80:443",
    [`${P}domain-extensions`]: "",
  };
  const oldSvc = svc({ annotations, ports: [{ port: 80 }, { port: 443 }], ingress: true });
  assert.deepEqual(validate({ svc: oldSvc }), { allowed: true, errors: [], warnings: [] });
  const r = validate({
    svc: svc({ annotations, ports: [{ port: 80 }], ingress: true }),
    oldSvc,
    operation: "UPDATE",
  });
  assert.deepEqual(r.errors, []);
  assert.equal(r.allowed, true);
  assert.deepEqual(r.warnings, [
    `annotation ${P}protocol-port: entry https:443 names a port that is not in spec.ports and is ignored`,
    `annotation ${P}forward-port: entry 80:443 names a port that is not a listener of this Service (443) and is ignored; listeners: 80/http`,
    `annotation ${P}cert-id applies only to https listeners and has no effect here; listeners: 80/http`,
  ]);
});

test("validate: huge and unicode values are truncated in messages", () => {
  const huge = "界".repeat(100_000);
  const r = validate({
    svc: svc({ annotations: { [`${P}acl-type`]: huge, [`${P}cookie`]: `🙂${"x".repeat(300)}` } }),
  });
  assert.equal(r.allowed, false);
  assert.equal(r.errors.length, 2);
  for (const e of r.errors) assert.ok(e.length < 500, e.length.toString());
  assert.ok(r.errors.some((e) => e.includes("(100000 chars)")));
});

// ---------------------------------------------------------------- immutability

test("immutability: every immutable key, canonical or legacy spelling", () => {
  const values: Record<string, [string, string]> = {
    "address-type": ["intranet", "internet"],
    "resource-group-id": ["rg-1", "rg-2"],
    "vswitch-id": ["vsw-1", "vsw-2"],
    "network-type": ["vpc", "classic"],
    "master-zoneid": ["cn-a", "cn-b"],
    "slave-zoneid": ["cn-c", "cn-d"],
    "ip-version": ["ipv4", "ipv6"],
    ip: ["10.0.0.1", "10.0.0.2"],
  };
  const base = { [`${P}address-type`]: "intranet" };
  for (const [suffix, [before, after]] of Object.entries(values)) {
    const oldSvc = svc({ annotations: { ...base, [P + suffix]: before }, ingress: true });
    // same value under the legacy spelling: not a change
    const same = svc({
      annotations: { ...base, [P + suffix]: undefined, [L + suffix]: before } as Record<string, string>,
    });
    delete (same.metadata!.annotations as Record<string, unknown>)[P + suffix];
    assert.deepEqual(validate({ svc: same, oldSvc, operation: "UPDATE" }).errors, [], suffix);
    const changed = svc({ annotations: { ...base, [L + suffix]: after } });
    if (suffix === "address-type") delete changed.metadata!.annotations![`${P}address-type`];
    const r = validate({ svc: changed, oldSvc, operation: "UPDATE" });
    assert.ok(
      r.errors.some((e) =>
        e.startsWith(
          `annotation ${L}${suffix}: "${after}" is not allowed; the value is immutable after creation (was "${before}")`,
        ),
      ),
      `${suffix}: ${JSON.stringify(r.errors)}`,
    );
    // CREATE never checks immutability
    assert.ok(
      !validate({ svc: changed, oldSvc, operation: "CREATE" }).errors.some((e) => e.includes("immutable")),
      suffix,
    );
  }
  const mutableKeys = CLB_ANNOTATIONS.filter((d) => d.mutability === "immutable").map((d) => d.suffix);
  assert.deepEqual([...Object.keys(values), "id"].sort(), mutableKeys.sort());
});

test("immutability: removal and addition against effective defaults", () => {
  const oldSvc = svc({
    annotations: { [`${P}address-type`]: "intranet", [`${P}vswitch-id`]: "vsw-1" },
    ingress: true,
  });
  const removed = validate({
    svc: svc({ annotations: { [`${P}address-type`]: "intranet" } }),
    oldSvc,
    operation: "UPDATE",
  });
  assert.ok(
    removed.errors.some((e) => e.includes(`${P}vswitch-id: <removed> is not allowed`)),
    removed.errors.join("\n"),
  );
  // old object had no address-type (pre-webhook): effective default internet, so writing internet is no change
  const legacyOld = svc({ annotations: {}, ingress: true });
  assert.deepEqual(
    validate({
      svc: svc({ annotations: { [`${P}address-type`]: "internet" } }),
      oldSvc: legacyOld,
      operation: "UPDATE",
    }).errors,
    [],
  );
  const flipped = validate({
    svc: svc({ annotations: { [`${P}address-type`]: "intranet" } }),
    oldSvc: legacyOld,
    operation: "UPDATE",
  });
  assert.ok(
    flipped.errors.some((e) => e.includes(`${P}address-type: "intranet" is not allowed`)),
    flipped.errors.join("\n"),
  );
  // adding a zone after creation is a change
  const zone = validate({
    svc: svc({ annotations: { [`${P}master-zoneid`]: "cn-a" } }),
    oldSvc: legacyOld,
    operation: "UPDATE",
  });
  assert.ok(zone.errors.some((e) => e.includes("(was <unset>)")));
  // an old object that was not CLB-managed has no SLB: anything goes
  const wasClusterIp = svc({ spec: { type: "ClusterIP" } });
  assert.deepEqual(
    validate({
      svc: svc({ annotations: { [`${P}address-type`]: "intranet", [`${P}vswitch-id`]: "vsw-1" } }),
      oldSvc: wasClusterIp,
      operation: "UPDATE",
    }).errors,
    [],
  );
  // mutable keys change freely
  const sched = validate({
    svc: svc({ annotations: { [`${P}scheduler`]: "wrr" } }),
    oldSvc: svc({ annotations: { [`${P}scheduler`]: "rr" } }),
    operation: "UPDATE",
  });
  assert.deepEqual(sched.errors, []);
});

test("immutability: frozen once provisioned (ingress or lb-id label), free while no SLB is in use", () => {
  const change = { [`${P}address-type`]: "intranet", [`${P}vswitch-id`]: "vsw-1" };
  const cases: Array<[string, SvcOpts, boolean]> = [
    ["failed or pending create (no ingress, no label)", {}, true],
    ["provisioned: ingress", { ingress: true }, false],
    ["provisioned: lb-id label", { labels: { [LOADBALANCER_ID_LABEL]: "lb-1" } }, false],
  ];
  for (const [name, oldO, allowed] of cases) {
    const r = validate({
      svc: svc({ annotations: change }),
      oldSvc: svc({ ...oldO, annotations: { [`${P}address-type`]: "internet" } }),
      operation: "UPDATE",
    });
    assert.equal(r.allowed, allowed, `${name}: ${JSON.stringify(r.errors)}`);
    if (!allowed)
      assert.ok(
        r.errors.some((e) => e.includes("immutable after creation")),
        name,
      );
  }
});

// ---------------------------------------------------------------- reuse R1-R3

test("R1: cannot reuse an SLB the controller created for another Service", () => {
  const r = validate({ svc: svc({ annotations: { [`${P}id`]: "lb-owned" } }), otherServices: others });
  assert.deepEqual(r.errors, [
    `annotation ${P}id: "lb-owned" is not allowed: loadbalancer lb-owned was created by the controller for service default/owned-web and cannot be reused`,
  ]);
  // the other Service carries the label but also an id annotation: it reused a user SLB, so reuse is fine
  assert.equal(
    validate({ svc: svc({ annotations: { [`${P}id`]: "lb-reused" } }), otherServices: others }).allowed,
    true,
  );
  // vendor alias spelling is checked the same way
  assert.equal(
    validate({ svc: svc({ annotations: { "kubernetes.io/elb.id": "lb-owned" } }), otherServices: others })
      .allowed,
    false,
  );
  // the Service itself is not "another" Service
  const self = svc({ name: "owned-web", annotations: { [`${P}id`]: "lb-owned" } });
  assert.equal(validate({ svc: self, otherServices: others }).allowed, true);
});

test("R2: no shared (port, transport) listener key on one SLB", () => {
  const tcp80 = validate({ svc: svc({ annotations: { [`${P}id`]: "lb-shared" } }), otherServices: others });
  assert.deepEqual(tcp80.errors, [
    `annotation ${P}id: "lb-shared" is not allowed: port 80/TCP of loadbalancer lb-shared is already used by service team-a/shared-1`,
  ]);
  // UDP:80 coexists with TCP:80
  const udp80 = validate({
    svc: svc({ annotations: { [`${P}id`]: "lb-shared" }, ports: [{ port: 80, protocol: "UDP" }] }),
    otherServices: others,
  });
  assert.deepEqual(udp80.errors, []);
  // https:443 (TCP transport) collides with the legacy-keyed neighbour; udp 53 collides with shared-1
  const multi = validate({
    svc: svc({
      annotations: { [`${L}id`]: "lb-shared", [`${P}protocol-port`]: "tcp:443" },
      ports: [{ port: 443 }, { port: 53, protocol: "UDP" }, { port: 8080 }],
    }),
    otherServices: others,
  });
  assert.deepEqual(multi.errors.sort(), [
    `annotation ${L}id: "lb-shared" is not allowed: port 443/TCP of loadbalancer lb-shared is already used by service team-b/shared-legacy`,
    `annotation ${L}id: "lb-shared" is not allowed: port 53/UDP of loadbalancer lb-shared is already used by service team-a/shared-1`,
  ]);
  // 8080 of the ClusterIP neighbour does not count; force-override changes nothing
  const free = validate({
    svc: svc({
      annotations: { [`${P}id`]: "lb-shared", [`${P}force-override-listeners`]: "true" },
      ports: [{ port: 8080 }],
    }),
    otherServices: others,
  });
  assert.deepEqual(free.errors, []);
  // updating shared-1 itself does not conflict with itself
  const selfUpdate = validate({
    svc: others[1],
    oldSvc: others[1],
    operation: "UPDATE",
    otherServices: others,
  });
  assert.deepEqual(selfUpdate.errors, []);
});

test("R3: id is immutable once provisioned (ingress or lb-id label)", () => {
  const cases: Array<[string, SvcOpts, SvcOpts, boolean]> = [
    ["add id after ingress", { ingress: true }, { annotations: { [`${P}id`]: "lb-new" } }, false],
    [
      "add id after label",
      { labels: { [LOADBALANCER_ID_LABEL]: "lb-auto" } },
      { annotations: { [`${P}id`]: "lb-auto" } },
      false,
    ],
    [
      "change id",
      { annotations: { [`${P}id`]: "lb-1" }, ingress: true },
      { annotations: { [`${P}id`]: "lb-2" } },
      false,
    ],
    ["remove id", { annotations: { [`${P}id`]: "lb-1" }, ingress: true }, { annotations: {} }, false],
    [
      "canonical to legacy, same value",
      { annotations: { [`${P}id`]: "lb-1" }, ingress: true },
      { annotations: { [`${L}id`]: "lb-1" } },
      true,
    ],
    [
      "change before provisioning",
      { annotations: { [`${P}id`]: "lb-1" } },
      { annotations: { [`${P}id`]: "lb-2" } },
      true,
    ],
    ["remove before provisioning", { annotations: { [`${P}id`]: "lb-1" } }, { annotations: {} }, true],
  ];
  for (const [name, oldO, newO, allowed] of cases) {
    const r = validate({ svc: svc(newO), oldSvc: svc(oldO), operation: "UPDATE" });
    assert.equal(r.allowed, allowed, `${name}: ${JSON.stringify(r.errors)}`);
    if (!allowed)
      assert.ok(
        r.errors.some((e) =>
          e.includes("cannot be added, changed or removed after the load balancer was provisioned"),
        ),
        name,
      );
  }
});

// ---------------------------------------------------------------- robustness

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("fuzz: validate and mutate never throw and always return a clean decision", () => {
  const rnd = prng(20261122);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const keys = CLB_ANNOTATIONS.flatMap((d) => [
    d.key,
    d.legacyKey ?? d.key,
    ...(d.vendorAliases ?? []).map((a) => a.key),
  ]);
  keys.push(
    `${P}tunnel-type`,
    `${P}type`,
    "service.beta.kubernetes.io/class",
    `${P}unknown`,
    "__proto__",
    "constructor",
    "",
  );
  const strings = [
    "",
    "on",
    "off",
    "true",
    "false",
    "0",
    "1",
    "-520",
    "50",
    "65535",
    "99999999999999999999",
    "1.5",
    " 1",
    "rr",
    "qch",
    "internet",
    "intranet",
    "lb-shared",
    "lb-owned",
    "http:80",
    "https:443,udp:53",
    "udp:4789",
    "80:443",
    "a=b,c",
    "=",
    ",",
    ":",
    "PayBySpec",
    "slb.s1.small",
    "acl-1,acl-2",
    "a.com:c",
    "rsp-1:80",
    "$_ip",
    "/x",
    "http_2xx",
    "界🙂\u0000\uD800",
    "x".repeat(5000),
    "y".repeat(70_000),
  ];
  const wrongTypes: unknown[] = [undefined, null, 0, 1.5, true, {}, [], ["a"], { toString: 1 }, NaN];
  const value = () => (rnd() < 0.85 ? pick(strings) : pick(wrongTypes));
  const ports = (): unknown => {
    if (rnd() < 0.1) return pick([undefined, null, "80", {}, [null], [1, "x"]]);
    return Array.from({ length: Math.floor(rnd() * 4) }, () =>
      rnd() < 0.1
        ? pick([null, 1, "p", { port: "80" }, { port: -1 }, { port: 1.5 }])
        : {
            port: pick([80, 443, 53, 4789, 250, 8080, 0, 70000]),
            protocol: pick(["TCP", "UDP", "SCTP", "tcp", undefined, 5]),
          },
    );
  };
  const service = (): unknown => {
    if (rnd() < 0.03) return pick([undefined, null, 5, "svc", [], {}]);
    const annotations: Record<string, unknown> = {};
    const n = Math.floor(rnd() * 10);
    for (let i = 0; i < n; i++) annotations[pick(keys)] = value();
    const meta: Record<string, unknown> =
      rnd() < 0.05
        ? {}
        : {
            name: pick(["a", "b", "web", undefined, 7]),
            namespace: pick(["default", "x", undefined]),
            annotations: rnd() < 0.05 ? pick([null, "x", 5, []]) : annotations,
          };
    if (rnd() < 0.3) meta.labels = { [LOADBALANCER_ID_LABEL]: pick(["lb-owned", "lb-shared", 5, ""]) };
    const s: Record<string, unknown> = {
      metadata: rnd() < 0.03 ? pick([null, "m", 3]) : meta,
      spec:
        rnd() < 0.03
          ? pick([null, "s", 1])
          : {
              type: rnd() < 0.85 ? "LoadBalancer" : pick(["ClusterIP", "NodePort", undefined, 1]),
              ports: ports(),
              ...(rnd() < 0.05 ? { loadBalancerClass: pick(["x", null, ""]) } : {}),
            },
    };
    if (rnd() < 0.3) s.status = { loadBalancer: { ingress: pick([[{ ip: "1.1.1.1" }], [], null, "x"]) } };
    return s;
  };
  const runs = 3000;
  for (let i = 0; i < runs; i++) {
    const s = service();
    const input = {
      svc: s,
      oldSvc: rnd() < 0.5 ? service() : undefined,
      operation: pick(["CREATE", "UPDATE", "DELETE", undefined]),
      otherServices:
        rnd() < 0.1
          ? pick([undefined, null, "x", [null, 1]])
          : [...others, ...Array.from({ length: Math.floor(rnd() * 3) }, service)],
    } as unknown as ValidationInput;
    let r: ReturnType<typeof validateService> | undefined;
    let m: ReturnType<typeof mutateService> | undefined;
    assert.doesNotThrow(() => (r = validateService(input)), `run ${i}`);
    assert.doesNotThrow(() => (m = mutateService(s as Service)), `run ${i}`);
    assert.ok(r && m);
    assert.equal(typeof r.allowed, "boolean");
    assert.equal(r.allowed, r.errors.length === 0, `run ${i}`);
    for (const msg of [...r.errors, ...r.warnings]) {
      assert.equal(typeof msg, "string");
      assert.ok(msg.length < 2000, `run ${i}: message too long (${msg.length})`);
      assert.ok(!msg.includes("internal error"), `run ${i}: ${msg}`);
    }
    const present = new Set(
      Object.keys((s as { metadata?: { annotations?: object } } | null)?.metadata?.annotations ?? {}),
    );
    for (const [k, v] of Object.entries(m.annotationsToAdd)) {
      assert.equal(typeof v, "string");
      assert.ok(k.startsWith(P), k);
      assert.ok(!present.has(k) && !present.has(L + k.slice(P.length)), `run ${i}: overwrote ${k}`);
    }
  }
});

test("non-CLB and garbage inputs: allowed and untouched", () => {
  const inputs: unknown[] = [
    undefined,
    null,
    {},
    { svc: null },
    { svc: { spec: { type: "ClusterIP" }, metadata: { annotations: { [`${P}scheduler`]: "bad" } } } },
  ];
  for (const input of inputs) {
    assert.deepEqual(validateService(input as ValidationInput), { allowed: true, errors: [], warnings: [] });
  }
  for (const s of [undefined, null, 1, {}, { spec: null }])
    assert.deepEqual(mutateService(s as unknown as Service), { annotationsToAdd: {} });
});

// ---------------------------------------------------------------- cluster policy (README "Reuse policy", "Cloud defaults")

const policySettings = (env: Record<string, string>) => loadCloudSettings(env);

test("reuse policy: upstream default lets every namespace reuse; the allow-list rejects others, naming the policy", () => {
  const reuse = (namespace: string) => svc({ namespace, annotations: { [`${P}id`]: "lb-user1" } });
  assert.deepEqual(validate({ svc: reuse("team-b") }).errors, []);
  const settings = policySettings({ OPERATOR_REUSE_ALLOWED_NAMESPACES: "team-a" });
  assert.deepEqual(validate({ svc: reuse("team-a"), settings }).errors, []);
  assert.deepEqual(validate({ svc: reuse("team-b"), settings }).errors, [
    `annotation ${P}id: "lb-user1" is not allowed: the reuse policy OPERATOR_REUSE_ALLOWED_NAMESPACES=team-a does not allow namespace team-b to reuse a load balancer`,
  ]);
  // A Service that does not reuse is not affected.
  assert.deepEqual(validate({ svc: svc({ namespace: "team-b" }), settings }).errors, []);
});

test("reuse policy, tag mode: admission makes no cloud call and admits with a warning; the controller checks the tag", () => {
  const settings = policySettings({ OPERATOR_REUSE_REQUIRE_NAMESPACE_TAG: "true" });
  const r = validate({ svc: svc({ annotations: { [`${P}id`]: "lb-user1" } }), settings });
  assert.deepEqual(r.errors, []);
  assert.ok(
    r.warnings.some(
      (w) => w.includes("alicloud-operator.io/reuse-namespaces") && w.includes("ReuseForbidden"),
    ),
    r.warnings.join("\n"),
  );
});

test("forbid public SLBs: internet (annotated or by default) is rejected on create; intranet and reuse pass", () => {
  const settings = policySettings({
    OPERATOR_FORBID_PUBLIC_LB: "true",
    ALIBABA_CLOUD_VSWITCH_IDS: "vsw-bp1default",
  });
  const byDefault = validate({ svc: svc(), settings });
  assert.deepEqual(byDefault.errors, [
    `internet SLBs are forbidden in this cluster (OPERATOR_FORBID_PUBLIC_LB=true) and ${P}address-type defaults to "internet"; set ${P}address-type: intranet`,
  ]);
  const annotated = validate({ svc: svc({ annotations: { [`${P}address-type`]: "internet" } }), settings });
  assert.match(annotated.errors.join(), /forbidden in this cluster .*-address-type is "internet"/);
  assert.deepEqual(
    validate({ svc: svc({ annotations: { [`${P}address-type`]: "intranet" } }), settings }).errors,
    [],
  );
  // A reused SLB's address type is the cloud's: the controller refuses an internet one.
  assert.deepEqual(validate({ svc: svc({ annotations: { [`${P}id`]: "lb-user1" } }), settings }).errors, []);
  // Turned on after the SLB exists: updates of a provisioned Service stay possible.
  const old = svc({ annotations: { [`${P}address-type`]: "internet" }, ingress: true });
  const update = svc({ annotations: { [`${P}address-type`]: "internet", [`${P}name`]: "x" }, ingress: true });
  assert.deepEqual(validate({ svc: update, oldSvc: old, operation: "UPDATE", settings }).errors, []);
});

test("an intranet SLB that names no vSwitch is rejected without a default vSwitch, and admitted with one", () => {
  const intranet = svc({ annotations: { [`${P}address-type`]: "intranet" } });
  assert.deepEqual(validate({ svc: intranet }).errors, [
    `an intranet SLB needs a vSwitch and ${P}address-type is "intranet": set ${P}vswitch-id, or have the operator's admin set ALIBABA_CLOUD_VSWITCH_IDS (default vSwitches)`,
  ]);
  const settings = policySettings({ ALIBABA_CLOUD_VSWITCH_IDS: "vsw-bp1default" });
  assert.deepEqual(validate({ svc: intranet, settings }).errors, []);
  const named = svc({ annotations: { [`${P}address-type`]: "intranet", [`${P}vswitch-id`]: "vsw-1" } });
  assert.deepEqual(validate({ svc: named }).errors, []);
  // An intranet Service provisioned before (a classic SLB exists): its updates are not blocked.
  const old = svc({ annotations: { [`${P}address-type`]: "intranet" }, ingress: true });
  const update = svc({ annotations: { [`${P}address-type`]: "intranet", [`${P}name`]: "x" }, ingress: true });
  assert.deepEqual(validate({ svc: update, oldSvc: old, operation: "UPDATE" }).errors, []);
});
