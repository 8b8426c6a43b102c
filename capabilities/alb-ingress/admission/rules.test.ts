// Tests for rules.ts: the AlbConfig defaults, the validation cases of fixtures/admission/, immutability on
// UPDATE, DELETE with member Ingresses, the group-wide rules (order, canary weights) and hostile input.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { V1IngressClass } from "@kubernetes/client-node";
import { ALB_ANNOTATION_PREFIX, NGINX_ANNOTATION_PREFIX, type Ingress } from "../annotations";
import { withAlbConfigDefaults, type AlbConfig } from "../crd";
import { mutateAlbConfig, validateAlbConfig, validateIngress, type IngressValidationInput } from "./rules";

const FIXTURES = join(__dirname, "..", "fixtures", "admission");

/** Fixtures write `A:` and `N:` for the ALB and ingress-nginx prefixes, in keys and in expected messages. */
const expand = (s: string): string =>
  s.replace(/\bA:/g, ALB_ANNOTATION_PREFIX).replace(/\bN:/g, NGINX_ANNOTATION_PREFIX);

function expandKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(expandKeys);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [expand(k), expandKeys(x)]));
  return typeof v === "string" ? expand(v) : v;
}

function fixture<T>(name: string): T {
  return expandKeys(JSON.parse(readFileSync(join(FIXTURES, name), "utf8"))) as T;
}

const CLASSES: Record<string, V1IngressClass> = {
  alb: {
    metadata: { name: "alb" },
    spec: {
      controller: "ingress.k8s.alibabacloud/alb",
      parameters: { apiGroup: "alibabacloud.com", kind: "AlbConfig", name: "cfg" },
    },
  },
  "alb-noparams": {
    metadata: { name: "alb-noparams" },
    spec: { controller: "ingress.k8s.alibabacloud/alb" },
  },
  nginx: { metadata: { name: "nginx" }, spec: { controller: "k8s.io/ingress-nginx" } },
};
const lookup = (n: string): V1IngressClass | undefined => CLASSES[n];

interface PathOpt {
  path: string;
  pathType?: string;
  service: string;
  portName?: string;
}

function ingress(o: {
  name?: string;
  annotations?: Record<string, unknown>;
  spec?: Record<string, unknown>;
  paths?: PathOpt[];
  host?: string;
  tls?: boolean;
}): Ingress {
  const paths = o.paths ?? [
    { path: "/tea", pathType: "Prefix", service: "tea-svc" },
    { path: "/coffee", pathType: "Prefix", service: "coffee-svc" },
  ];
  const host = o.host ?? "cafe.example.com";
  const spec: Record<string, unknown> = {
    ingressClassName: "alb",
    rules: [
      {
        host,
        http: {
          paths: paths.map((p) => ({
            path: p.path,
            pathType: p.pathType ?? "Prefix",
            backend: {
              service: { name: p.service, port: p.portName ? { name: p.portName } : { number: 80 } },
            },
          })),
        },
      },
    ],
    ...(o.tls ? { tls: [{ hosts: [host], secretName: "cafe-tls" }] } : {}),
    ...o.spec,
  };
  if (spec.ingressClassName === null) delete spec.ingressClassName;
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name: o.name ?? "web",
      namespace: "default",
      annotations: (o.annotations ?? {}) as Record<string, string>,
    },
    spec,
  } as Ingress;
}

function validate(input: Partial<IngressValidationInput> & { ingress: Ingress }) {
  return validateIngress({ operation: "CREATE", ingressClasses: lookup, groupMembers: [], ...input });
}

interface IngressCase {
  name: string;
  annotations?: Record<string, unknown>;
  spec?: Record<string, unknown>;
  paths?: PathOpt[];
  tls?: boolean;
  allowed: boolean;
  errors?: string[];
  warnings?: string[];
}

function assertMessages(actual: string[], expected: string[] | undefined, what: string, name: string): void {
  for (const e of expected ?? [])
    assert.ok(
      actual.some((m) => m.includes(e)),
      `${name}: expected a ${what} containing\n  ${e}\ngot\n  ${actual.join("\n  ")}`,
    );
}

for (const c of fixture<IngressCase[]>("ingress-cases.json")) {
  test(`Ingress: ${c.name}`, () => {
    const d = validate({ ingress: ingress({ ...c, name: undefined }) });
    assert.equal(d.allowed, c.allowed, `${c.name}: ${d.errors.join("; ")}`);
    if (!c.allowed) assert.ok(d.errors.length > 0);
    assertMessages(d.errors, c.errors, "error", c.name);
    assertMessages(d.warnings, c.warnings, "warning", c.name);
  });
}

interface AlbConfigCase {
  name: string;
  spec: Record<string, unknown>;
  allowed: boolean;
  errors?: string[];
}

function albConfig(spec: Record<string, unknown>, name = "cfg"): AlbConfig {
  return {
    apiVersion: "alibabacloud.com/v1",
    kind: "AlbConfig",
    metadata: { name },
    spec,
  } as unknown as AlbConfig;
}

for (const c of fixture<AlbConfigCase[]>("albconfig-cases.json")) {
  test(`AlbConfig: ${c.name}`, () => {
    const d = validateAlbConfig({ albConfig: albConfig(c.spec), operation: "CREATE" });
    assert.equal(d.allowed, c.allowed, `${c.name}: ${d.errors.join("; ")}`);
    if (!c.allowed) assert.equal(d.errors.length, c.errors?.length ?? d.errors.length);
    assertMessages(d.errors, c.errors, "error", c.name);
  });
}

test("AlbConfig defaults: every documented field, listener descriptions, nothing the user set, never name", () => {
  const obj = albConfig({
    config: { addressType: "Intranet", zoneMappings: [{ vSwitchId: "vsw-a1" }, { vSwitchId: "vsw-b1" }] },
    listeners: [
      { port: 80, protocol: "HTTP" },
      { port: "443", protocol: "HTTPS", description: "mine" },
    ],
  });
  const patches = mutateAlbConfig(obj);
  assert.deepEqual(patches, [
    { op: "add", path: "/spec/config/addressAllocatedMode", value: "Dynamic" },
    { op: "add", path: "/spec/config/addressIpVersion", value: "IPv4" },
    { op: "add", path: "/spec/config/edition", value: "Standard" },
    { op: "add", path: "/spec/config/billingConfig", value: { payType: "PostPay" } },
    { op: "add", path: "/spec/listeners/0/description", value: "ingress-auto-listener-80" },
  ]);
  const defaulted = withAlbConfigDefaults(obj);
  assert.equal(defaulted.spec.config.addressType, "Intranet");
  assert.equal(defaulted.spec.config.name, undefined);
  assert.equal(defaulted.spec.config.billingConfig?.payType, "PostPay");
  assert.equal(obj.spec.config.edition, undefined, "the input is not changed");
  assert.deepEqual(mutateAlbConfig(defaulted), [], "defaulting twice adds nothing");
  // an existing billingConfig keeps its other fields
  assert.deepEqual(
    mutateAlbConfig(albConfig({ config: { billingConfig: { bandWidthPackageId: "cbwp-1" } } })).at(-1),
    {
      op: "add",
      path: "/spec/config/billingConfig/payType",
      value: "PostPay",
    },
  );
  assert.deepEqual(mutateAlbConfig(albConfig({})), [], "no config: nothing (validation says why)");
});

test("AlbConfig UPDATE: id, addressType and addressIpVersion are immutable; other fields may change", () => {
  const before = albConfig({
    config: { addressType: "Internet", addressIpVersion: "IPv4", edition: "Standard" },
  });
  const changed = albConfig({
    config: { id: "alb-x1", addressType: "Intranet", addressIpVersion: "DualStack", edition: "Basic" },
  });
  const d = validateAlbConfig({ albConfig: changed, oldAlbConfig: before, operation: "UPDATE" });
  assert.equal(d.allowed, false);
  assert.deepEqual(
    d.errors.map((e) => e.split(":")[0]),
    ["spec.config.id", "spec.config.addressType", "spec.config.addressIpVersion"],
  );
  assert.match(d.errors[1], /"Intranet" is not allowed; the field is immutable \(was "Internet"\)/);
  const ok = validateAlbConfig({
    albConfig: albConfig({ config: { addressType: "Internet", addressIpVersion: "IPv4", edition: "Basic" } }),
    oldAlbConfig: before,
    operation: "UPDATE",
  });
  assert.deepEqual(ok.errors, []);
  // a metadata-only write of an object stored before the webhook existed is not judged
  const invalid = albConfig({ config: { zoneMappings: [{ vSwitchId: "vsw-a1" }] } });
  const withFinalizer = {
    ...invalid,
    metadata: { name: "cfg", finalizers: ["ingress.k8s.alibaba/resources"] },
  };
  assert.equal(
    validateAlbConfig({ albConfig: withFinalizer, oldAlbConfig: invalid, operation: "UPDATE" }).allowed,
    true,
  );
  assert.equal(validateAlbConfig({ albConfig: withFinalizer, operation: "CREATE" }).allowed, false);
});

test("AlbConfig DELETE: refused while Ingresses use it, allowed when none do", () => {
  const members = [ingress({ name: "b" }), ingress({ name: "a" })];
  const d = validateAlbConfig({ albConfig: albConfig({ config: {} }), operation: "DELETE", members });
  assert.equal(d.allowed, false);
  assert.equal(
    d.errors[0],
    "AlbConfig cfg still has 2 Ingresses (default/a, default/b); delete them (or move them to another AlbConfig) first",
  );
  assert.equal(
    validateAlbConfig({ albConfig: albConfig({ config: {} }), operation: "DELETE", members: [] }).allowed,
    true,
  );
});

test("Ingress UPDATE: backend-protocol is immutable (added, changed or removed)", () => {
  const http = ingress({ annotations: { [`${ALB_ANNOTATION_PREFIX}backend-protocol`]: "http" } });
  const https = ingress({ annotations: { [`${ALB_ANNOTATION_PREFIX}backend-protocol`]: "https" } });
  const none = ingress({});
  for (const [oldIngress, ing] of [
    [http, https],
    [none, https],
    [http, none],
  ]) {
    const d = validate({ ingress: ing, oldIngress, operation: "UPDATE" });
    assert.equal(d.allowed, false);
    assert.match(
      d.errors[0],
      /backend-protocol: .* is not allowed; the value is immutable .*delete and rebuild the Ingress/,
    );
  }
  assert.equal(validate({ ingress: https, oldIngress: https, operation: "UPDATE" }).allowed, true);
  // an Ingress that becomes an ALB Ingress was not ours before: nothing to keep
  const nginxOld = ingress({ spec: { ingressClassName: "nginx" } });
  assert.equal(validate({ ingress: https, oldIngress: nginxOld, operation: "UPDATE" }).allowed, true);
});

const order = (n: string) => ({ [`${ALB_ANNOTATION_PREFIX}order`]: n });

test("group: an explicit order used by another member is refused with the upstream message; the default 10 never conflicts", () => {
  const other = ingress({ name: "first", annotations: order("5") });
  const d = validate({
    ingress: ingress({ name: "second", annotations: order("5") }),
    groupMembers: [other],
  });
  assert.equal(d.allowed, false);
  assert.deepEqual(d.errors, [
    "conflict Ingress group order: 5, conflict ingress :default/first, default/second",
  ]);
  // the legacy spelling conflicts too
  const legacy = ingress({
    name: "third",
    annotations: { [`${ALB_ANNOTATION_PREFIX}albconfig.order`]: "5" },
  });
  assert.equal(validate({ ingress: legacy, groupMembers: [other] }).allowed, false);
  // its own old version in the store is not a conflict
  const self = ingress({ name: "first", annotations: order("5") });
  assert.equal(
    validate({ ingress: self, groupMembers: [other], operation: "UPDATE", oldIngress: other }).allowed,
    true,
  );
  // implicit orders (no annotation) share 10 freely, and an explicit 10 next to them is fine
  const plain = [ingress({ name: "p1" }), ingress({ name: "p2" })];
  assert.equal(validate({ ingress: ingress({ name: "p3" }), groupMembers: plain }).allowed, true);
  assert.equal(
    validate({ ingress: ingress({ name: "p4", annotations: order("10") }), groupMembers: plain }).allowed,
    true,
  );
});

const canary = (w: string) => ({
  [`${ALB_ANNOTATION_PREFIX}canary`]: "true",
  [`${NGINX_ANNOTATION_PREFIX}canary-weight`]: w,
});

test("group: canary weights of one host+path add up to at most 100", () => {
  const c1 = ingress({ name: "c1", annotations: canary("60") });
  const ok = validate({ ingress: ingress({ name: "c2", annotations: canary("40") }), groupMembers: [c1] });
  assert.deepEqual(ok.errors, []);
  const over = validate({ ingress: ingress({ name: "c2", annotations: canary("41") }), groupMembers: [c1] });
  assert.equal(over.allowed, false);
  assert.match(
    over.errors[0],
    /canary weights of host "cafe.example.com" path "\/tea" in this AlbConfig add up to 101; allowed at most 100/,
  );
  // another host, or a header canary, does not count
  const elsewhere = ingress({ name: "c3", annotations: canary("90"), host: "other.example.com" });
  const header = ingress({
    name: "c4",
    annotations: { ...canary("90"), [`${ALB_ANNOTATION_PREFIX}canary-by-header`]: "x-canary" },
  });
  assert.equal(
    validate({
      ingress: ingress({ name: "c2", annotations: canary("40") }),
      groupMembers: [c1, elsewhere, header],
    }).allowed,
    true,
  );
  // the Ingress's own old version is replaced, not added
  assert.equal(
    validate({
      ingress: ingress({ name: "c1", annotations: canary("100") }),
      groupMembers: [c1],
      operation: "UPDATE",
    }).allowed,
    true,
  );
});

test("hostile input never throws and is refused or ignored readably", () => {
  const weird: unknown[] = [
    null,
    42,
    {
      metadata: { annotations: { [`${ALB_ANNOTATION_PREFIX}order`]: 5 } },
      spec: { ingressClassName: "alb" },
    },
    { spec: { ingressClassName: "alb", rules: "nope" } },
    { spec: { ingressClassName: "alb", rules: [{ http: { paths: [null] } }] } },
  ];
  for (const w of weird) {
    const d = validate({ ingress: w as Ingress });
    assert.equal(typeof d.allowed, "boolean");
    if (!d.allowed) assert.ok(d.errors.every((e) => typeof e === "string" && e.length > 0));
  }
  const numeric = validate({ ingress: weird[2] as Ingress });
  assert.equal(numeric.allowed, false);
  assert.match(numeric.errors[0], /order: "5" is not a string/);
  for (const w of [null, "x", { spec: { config: "x" } }, { spec: { config: {}, listeners: [null, 1] } }]) {
    const d = validateAlbConfig({ albConfig: w, operation: "CREATE" });
    assert.equal(typeof d.allowed, "boolean");
    assert.deepEqual(mutateAlbConfig(w).length >= 0, true);
  }
});
