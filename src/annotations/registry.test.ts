// Tests for the generic annotation registry on a small Ingress-like registry: spellings and their
// precedence, vendor value mapping, templated keys (`actions.<name>`), defaults, the spelling index
// (only present keys are read), hostile input, and the checks made when a registry is defined.
import test from "node:test";
import assert from "node:assert/strict";
import { bad, boolCodec, enumCodec, intCodec, jsonCodec, listCodec, ok } from "./codec";
import { defineRegistry, lookupAnnotation, type RegistryTypes, type RowSpecOf } from "./registry";

interface TestConfig {
  healthcheckEnabled?: boolean;
  order?: number;
  sslRedirect?: boolean;
  backendProtocol?: "http" | "https" | "grpc";
  listenPorts?: string[];
  actions?: ReadonlyMap<string, string[]>;
  ruleDirection?: ReadonlyMap<string, "Request" | "Response">;
  ingressClass?: string;
}

interface TestTypes extends RegistryTypes {
  config: TestConfig;
  group: "listener" | "rule";
  when: "always";
  extra: { upstream: string };
  object: { tls: boolean };
}

const C = "alb.ingress.kubernetes.io/";
const L1 = "alb.example.io/";
const L2 = "old.example.io/";

const stringArray = jsonCodec<string[]>({
  values: "JSON array of strings",
  check: (v) =>
    Array.isArray(v) && v.every((x) => typeof x === "string") ? ok(v) : bad("is not a string array"),
});

const common = { meaning: "m", defaultText: "—", mutability: "mutable", upstream: "u" } as const;

const ROWS: RowSpecOf<TestTypes>[] = [
  {
    ...common,
    field: "healthcheckEnabled",
    suffix: "healthcheck-enabled",
    group: "listener",
    codec: boolCodec(),
    default: false,
  },
  {
    ...common,
    field: "order",
    suffix: "order",
    group: "rule",
    codec: intCodec(1, 1000),
    default: 10,
    webhookDefault: { value: "10", when: "always" },
  },
  {
    ...common,
    field: "sslRedirect",
    suffix: "ssl-redirect",
    group: "listener",
    codec: boolCodec(),
    vendorAliases: [{ key: "nginx.ingress.kubernetes.io/ssl-redirect", source: "ingress-nginx" }],
  },
  {
    ...common,
    field: "backendProtocol",
    suffix: "backend-protocol",
    group: "listener",
    codec: enumCodec(["http", "https", "grpc"] as const),
    mutability: "immutable",
    vendorAliases: [
      {
        key: "nginx.ingress.kubernetes.io/backend-protocol",
        valueMap: { HTTP: "http", HTTPS: "https", GRPC: "grpc" },
        source: "ingress-nginx",
      },
    ],
  },
  {
    ...common,
    field: "listenPorts",
    suffix: "listen-ports",
    group: "listener",
    codec: listCodec<string, string[]>({ values: "ports", parseEntry: ok, finish: ok }),
    default: (ingress) => (ingress.tls ? ["HTTPS:443"] : ["HTTP:80"]),
  },
  { ...common, field: "actions", suffix: "actions.<name>", group: "rule", codec: stringArray },
  {
    ...common,
    field: "ruleDirection",
    suffix: "rule-direction.<svc>",
    group: "rule",
    codec: enumCodec(["Request", "Response"] as const),
  },
  {
    ...common,
    field: "ingressClass",
    suffix: "ingress.class",
    fullKey: "kubernetes.io/ingress.class",
    group: "listener",
    codec: enumCodec(["alb"] as const),
  },
];

const REG = defineRegistry<TestTypes>({
  name: "Test Ingress",
  prefixes: { current: C, legacy: [L1, L2] },
  rows: ROWS,
});

test("a row's codec must yield the field's type (a templated field: one value of its map)", () => {
  // @ts-expect-error order is a number, not a boolean
  const wrong: RowSpecOf<TestTypes> = {
    ...common,
    field: "order",
    suffix: "order",
    group: "rule",
    codec: boolCodec(),
  };
  // @ts-expect-error actions holds string arrays by name, not booleans
  const wrongTemplated: RowSpecOf<TestTypes> = {
    ...common,
    field: "actions",
    suffix: "actions.<name>",
    group: "rule",
    codec: boolCodec(),
  };
  assert.ok(wrong && wrongTemplated);
});

test("rows resolve every spelling once, in precedence order", () => {
  assert.equal(REG.name, "Test Ingress");
  assert.deepEqual(
    REG.rows.map((r) => r.field),
    ROWS.map((r) => r.field),
  );
  const ssl = REG.row("sslRedirect");
  assert.equal(ssl.key, `${C}ssl-redirect`);
  assert.equal(ssl.legacyKey, `${L1}ssl-redirect`);
  assert.equal(ssl.upstream, "u");
  assert.equal(ssl.templated, false);
  assert.deepEqual(
    ssl.spellings.map((s) => [s.key, s.via]),
    [
      [`${C}ssl-redirect`, "canonical"],
      [`${L1}ssl-redirect`, "legacy"],
      [`${L2}ssl-redirect`, "legacy"],
      ["nginx.ingress.kubernetes.io/ssl-redirect", "vendor"],
    ],
  );
  const cls = REG.row("ingressClass");
  assert.equal(cls.key, "kubernetes.io/ingress.class");
  assert.equal(cls.legacyKey, undefined);
  assert.deepEqual(cls.spellings, [{ key: "kubernetes.io/ingress.class", via: "canonical" }]);
  assert.equal(REG.row("actions").templated, true);
  assert.equal(REG.keyOf("order"), `${C}order`);
  assert.equal(REG.keyOf("actions"), `${C}actions.<name>`);
  assert.equal(REG.keyOf("actions", "web"), `${C}actions.web`);
  assert.equal(REG.keyOf("actions", "$&"), `${C}actions.$&`);
});

test("parse: canonical, then each legacy prefix in order, then vendor aliases", () => {
  assert.deepEqual(REG.parse({ [`${C}order`]: "5" }), { config: { order: 5 }, errors: [] });
  assert.deepEqual(REG.parse({ [`${L2}order`]: "6" }).config, { order: 6 });
  assert.deepEqual(REG.parse({ [`${L2}order`]: "6", [`${L1}order`]: "7" }).config, { order: 7 });
  assert.deepEqual(REG.parse({ [`${L1}order`]: "7", [`${C}order`]: "8" }).config, { order: 8 });
  const ssl = { "nginx.ingress.kubernetes.io/ssl-redirect": "true" };
  assert.deepEqual(REG.parse(ssl).config, { sslRedirect: true });
  assert.deepEqual(REG.parse({ ...ssl, [`${L2}ssl-redirect`]: "false" }).config, { sslRedirect: false });
  // an invalid winner is reported against the key as written; a lower spelling is not used instead
  const r = REG.parse({ [`${L1}order`]: "0", [`${L2}order`]: "9" });
  assert.deepEqual(r.config, {});
  assert.deepEqual(r.errors, [
    {
      key: `${L1}order`,
      field: "order",
      value: '"0"',
      message: `annotation ${L1}order: "0" is out of range; allowed 1-1000`,
    },
  ]);
  assert.equal(REG.lookup({ [`${L2}order`]: "9" }, "order")?.via, "legacy");
  assert.equal(REG.rawValue({ [`${L2}order`]: "9" }, "order"), "9");
  assert.deepEqual(REG.parseOne({}, "order"), { present: false });
});

test("vendor aliases map their values; unmapped values are errors naming the allowed ones", () => {
  const alias = "nginx.ingress.kubernetes.io/backend-protocol";
  assert.deepEqual(REG.parse({ [alias]: "GRPC" }), { config: { backendProtocol: "grpc" }, errors: [] });
  assert.equal(REG.rawValue({ [alias]: "HTTPS" }, "backendProtocol"), "https");
  assert.equal(REG.rawValue({ [alias]: "FCGI" }, "backendProtocol"), undefined);
  const r = REG.parse({ [alias]: "FCGI" });
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0].message, `annotation ${alias}: "FCGI" is not allowed; allowed HTTP, HTTPS, GRPC`);
  // our own spelling takes our own vocabulary, unmapped
  assert.equal(REG.parse({ [`${C}backend-protocol`]: "GRPC" }).errors.length, 1);
});

test("templated keys: a map by <name>, precedence per name, errors carry the name", () => {
  const ann = {
    [`${C}actions.web`]: '["a"]',
    [`${L1}actions.web`]: '["legacy"]',
    [`${L2}actions.api`]: '["b","c"]',
    [`${C}actions.bad`]: "[1]",
    [`${C}actions.`]: '["no name"]',
    [`${C}rule-direction.web`]: "Response",
    unrelated: "x",
  };
  assert.deepEqual(
    REG.templated(ann, "actions"),
    new Map([
      ["web", ["a"]],
      ["api", ["b", "c"]],
    ]),
  );
  const { config, errors } = REG.parse(ann);
  assert.deepEqual(config.actions, REG.templated(ann, "actions"));
  assert.deepEqual(config.ruleDirection, new Map([["web", "Response"]]));
  assert.deepEqual(errors, [
    {
      key: `${C}actions.bad`,
      field: "actions",
      name: "bad",
      value: '"[1]"',
      message: `annotation ${C}actions.bad: "[1]" is not a string array; allowed JSON array of strings`,
    },
  ]);
  assert.deepEqual(REG.lookup(ann, "actions", "web"), {
    key: `${C}actions.web`,
    via: "canonical",
    raw: '["a"]',
    name: "web",
  });
  assert.equal(REG.lookup(ann, "actions"), undefined, "a templated lookup needs the name");
  assert.equal(REG.lookup(ann, "actions", "none"), undefined);
  const one = REG.parseOne(ann, "actions", "api");
  assert.ok(one.present && "value" in one);
  assert.deepEqual(one.value, ["b", "c"]);
  assert.deepEqual(REG.templated({}, "actions"), new Map());
  assert.deepEqual(REG.templated(undefined, "actions"), new Map());
});

test("match and fieldsPresent go through the spelling index", () => {
  assert.deepEqual(REG.match(`${L2}order`), {
    field: "order",
    spelling: { key: `${L2}order`, via: "legacy" },
  });
  assert.deepEqual(REG.match(`${L1}rule-direction.svc-1`), {
    field: "ruleDirection",
    spelling: { key: `${L1}rule-direction.<svc>`, via: "legacy" },
    name: "svc-1",
  });
  assert.equal(REG.match(`${C}unknown`), undefined);
  assert.equal(REG.match(`${C}actions.`), undefined);
  assert.deepEqual(
    [
      ...REG.fieldsPresent({
        [`${L1}order`]: "1",
        [`${C}actions.x`]: "[]",
        "kubernetes.io/ingress.class": "alb",
        z: "",
      }),
    ],
    ["order", "actions", "ingressClass"],
  );
  // admission reads only the keys on the object and the spellings of the fields they belong to
  const probed = new Set<string>();
  const ann = new Proxy<Record<string, unknown>>(
    { [`${L1}order`]: "3", [`${C}actions.web`]: '["a"]', other: "x" },
    {
      getOwnPropertyDescriptor(target, key) {
        probed.add(String(key));
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    },
  );
  assert.deepEqual(REG.parse(ann).config, { order: 3, actions: new Map([["web", ["a"]]]) });
  const otherRows = REG.rows.filter((r) => r.field !== "order" && r.field !== "actions");
  for (const r of otherRows) for (const s of r.spellings) assert.ok(!probed.has(s.key), `probed ${s.key}`);
});

test("defaults: static or computed from the object, filled only where absent", () => {
  assert.equal(REG.defaultOf("order", { tls: false }), 10);
  assert.deepEqual(REG.defaultOf("listenPorts", { tls: true }), ["HTTPS:443"]);
  assert.equal(REG.defaultOf("sslRedirect", { tls: true }), undefined);
  const { config } = REG.parse({ [`${C}order`]: "20" });
  assert.deepEqual(REG.withDefaults(config, { tls: false }), {
    healthcheckEnabled: false,
    order: 20,
    listenPorts: ["HTTP:80"],
  });
  assert.deepEqual(config, { order: 20 }, "input untouched");
});

test("parse never throws: non-objects, non-strings, empty and huge values, throwing getters", () => {
  for (const junk of [undefined, Object.create(null) as Record<string, unknown>])
    assert.deepEqual(REG.parse(junk), { config: {}, errors: [] });
  const odd = REG.parse({ [`${C}order`]: 5, [`${C}actions.a`]: null, [`${C}ssl-redirect`]: "" });
  assert.deepEqual(
    odd.errors.map((e) => e.message),
    [
      `annotation ${C}order: "5" is not a string; allowed integer 1-1000`,
      `annotation ${C}ssl-redirect: "" is empty; allowed \`true\` | \`false\``,
      `annotation ${C}actions.a: "null" is not a string; allowed JSON array of strings`,
    ],
  );
  assert.match(
    REG.parse({ [`${C}order`]: "1".repeat(5000) }).errors[0].message,
    /is too long \(5000 chars\)/,
  );
  const getter = Object.defineProperty({}, `${C}order`, {
    enumerable: true,
    get() {
      throw new Error("boom");
    },
  });
  assert.deepEqual(REG.parse(getter).errors, [
    {
      key: `${C}order`,
      field: "order",
      value: "",
      message: `annotation ${C}order: could not be read (Error: boom)`,
    },
  ]);
  const noKeys = new Proxy(
    {},
    {
      ownKeys() {
        throw new Error("no keys");
      },
    },
  );
  // without keys the plain rows probe their spellings (none found); the templated ones report
  assert.deepEqual(REG.parse(noKeys), {
    config: {},
    errors: (["actions", "ruleDirection"] as const).map((field) => {
      const key = REG.keyOf(field);
      return { key, field, value: "", message: `annotation ${key}: could not be read (Error: no keys)` };
    }),
  });
  assert.equal(lookupAnnotation(undefined, REG.row("order")), undefined);
});

test("a malformed registry fails when it is defined", () => {
  const define = (rows: RowSpecOf<TestTypes>[]) =>
    defineRegistry<TestTypes>({ name: "bad", prefixes: { current: C, legacy: [L1] }, rows });
  const order = ROWS[1];
  assert.throws(() => define([order, { ...order }]), /field order twice/);
  assert.throws(
    () => define([order, { ...ROWS[2], vendorAliases: [{ key: `${L1}order`, source: "x" }] }]),
    /key alb\.example\.io\/order twice/,
  );
  assert.throws(() => define([{ ...ROWS[5], suffix: "actions.<a>.<b>" }]), /at most one <name> part/);
  assert.throws(
    () => define([{ ...ROWS[5], vendorAliases: [{ key: "nginx.example/actions", source: "x" }] }]),
    /differ in having a <name> part/,
  );
});
