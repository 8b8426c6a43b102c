// Tests for the CLB registry: every row's good, bad and boundary values, the row metadata, alias
// precedence and vendor value mapping, and parsing hostile input. § numbers refer to docs/clb-service.md.
import test from "node:test";
import assert from "node:assert/strict";
import { MAX_VALUE_CHARS, quoteValue } from "../../../src/annotations/codec";
import {
  ANNOTATION_PREFIX,
  CLB_ANNOTATIONS,
  LEGACY_ANNOTATION_PREFIX,
  annotationKey,
  parseClbAnnotations,
} from "./registry";
import type { ClbAnnotationConfig } from "./types";

const P = ANNOTATION_PREFIX;
const L = LEGACY_ANNOTATION_PREFIX;

// suffix → [valid values with the parsed result, invalid values]. Every registry key must appear (checked below).
type Case = { good: Array<[string, unknown]>; bad: string[] };
const CASES: Record<string, Case> = {
  "address-type": {
    good: [
      ["internet", "internet"],
      ["intranet", "intranet"],
    ],
    bad: ["Internet", "public", " internet"],
  },
  id: { good: [["lb-2ze123", "lb-2ze123"]], bad: ["lb 1", "lb-1,lb-2", "x".repeat(129)] },
  name: {
    good: [
      ["a", "a"],
      ["n".repeat(80), "n".repeat(80)],
      ["名字🙂", "名字🙂"],
    ],
    bad: ["n".repeat(81)],
  },
  "resource-group-id": { good: [["rg-abc", "rg-abc"]], bad: ["rg abc"] },
  "additional-resource-tags": {
    good: [
      ["k1=v1,k2=v2", { k1: "v1", k2: "v2" }],
      [" a = b , c ,d=", { a: "b", c: "", d: "" }],
      [
        Array.from({ length: 20 }, (_, i) => `t${i}=x`).join(","),
        Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`t${i}`, "x"])),
      ],
    ],
    bad: [
      "=v",
      "k=v=w",
      "a=1,,b=2",
      "kubernetes.do.not.delete=x",
      "ack.aliyun.com=c",
      "kubernetes.reused.by.user=true",
      "acs:foo=1",
      "aliyun-x=1",
      "Aliyun=1",
      "a=1,a=2",
      Array.from({ length: 21 }, (_, i) => `t${i}=x`).join(","),
    ],
  },
  "delete-protection": {
    good: [
      ["on", "on"],
      ["off", "off"],
    ],
    bad: ["true", "ON"],
  },
  "modification-protection": {
    good: [
      ["ConsoleProtection", "ConsoleProtection"],
      ["NonProtection", "NonProtection"],
    ],
    bad: ["consoleprotection", "none"],
  },
  spec: {
    good: [
      ["slb.s1.small", "slb.s1.small"],
      ["slb.s3.large", "slb.s3.large"],
    ],
    bad: ["slb.s1.Small", "s1.small", "slb.s10.small"],
  },
  "instance-charge-type": {
    good: [
      ["PayBySpec", "PayBySpec"],
      ["paybyspec", "PayBySpec"],
      ["PAYBYCLCU", "PayByCLCU"],
    ],
    bad: ["PayByTraffic"],
  },
  "charge-type": {
    good: [
      ["paybytraffic", "paybytraffic"],
      ["paybybandwidth", "paybybandwidth"],
    ],
    bad: ["PayByTraffic"],
  },
  bandwidth: {
    good: [
      ["1", 1],
      ["5120", 5120],
      ["050", 50],
    ],
    bad: ["0", "5121", "1.5", "+5", " 5", "0x10", "1e3", "-1", "99999999999999"],
  },
  "vswitch-id": { good: [["vsw-1", "vsw-1"]], bad: ["vsw 1"] },
  "network-type": {
    good: [
      ["classic", "classic"],
      ["vpc", "vpc"],
    ],
    bad: ["alibaba", "VPC"],
  },
  "master-zoneid": { good: [["cn-hangzhou-a", "cn-hangzhou-a"]], bad: ["a b"] },
  "slave-zoneid": { good: [["cn-hangzhou-b", "cn-hangzhou-b"]], bad: ["a\tb"] },
  "ip-version": {
    good: [
      ["ipv4", "ipv4"],
      ["ipv6", "ipv6"],
    ],
    bad: ["IPv4", "dualstack"],
  },
  ip: {
    good: [
      ["192.168.0.10", "192.168.0.10"],
      ["0.0.0.0", "0.0.0.0"],
      ["255.255.255.255", "255.255.255.255"],
    ],
    bad: ["256.1.1.1", "01.2.3.4", "1.2.3", "::1"],
  },
  "force-override-listeners": {
    good: [
      ["true", true],
      ["false", false],
    ],
    bad: ["True", "yes", "1"],
  },
  "preserve-lb-on-delete": {
    good: [
      ["true", true],
      ["false", false],
    ],
    bad: ["on", "TRUE"],
  },
  "external-ip-type": { good: [["eip", "eip"]], bad: ["EIP", "vip"] },
  hostname: {
    good: [
      ["www.example.com", "www.example.com"],
      ["a", "a"],
    ],
    bad: ["-a.com", "a_b.com", "a..b", `${"a".repeat(64)}.com`],
  },
  "protocol-port": {
    good: [
      [
        "https:443,http:80",
        [
          { protocol: "https", port: 443 },
          { protocol: "http", port: 80 },
        ],
      ],
      ["udp:65535", [{ protocol: "udp", port: 65535 }]],
      ["tcp:1", [{ protocol: "tcp", port: 1 }]],
    ],
    bad: [
      "https:443,",
      "HTTPS:443",
      "https:0",
      "https:65536",
      "https",
      "https:443:1",
      "https:443,http:443",
      "https: 443",
      "sctp:80",
    ],
  },
  "cert-id": { good: [["1234_cn-hangzhou", "1234_cn-hangzhou"]], bad: ["a b"] },
  "tls-cipher-policy": {
    good: [
      ["tls_cipher_policy_1_2", "tls_cipher_policy_1_2"],
      ["tls_cipher_policy_1_2_strict_with_1_3", "tls_cipher_policy_1_2_strict_with_1_3"],
    ],
    bad: ["tls_cipher_policy_1_3"],
  },
  "http2-enabled": {
    good: [
      ["on", "on"],
      ["off", "off"],
    ],
    bad: ["false", "true"],
  },
  "forward-port": {
    good: [
      ["80:443", [{ httpPort: 80, httpsPort: 443 }]],
      [
        "80:443,81:444",
        [
          { httpPort: 80, httpsPort: 443 },
          { httpPort: 81, httpsPort: 444 },
        ],
      ],
    ],
    bad: ["80,443", "80:443,80:444", "80:0", "x:443"],
  },
  scheduler: {
    good: [
      ["rr", "rr"],
      ["wrr", "wrr"],
      ["wlc", "wlc"],
      ["sch", "sch"],
      ["tch", "tch"],
      ["qch", "qch"],
    ],
    bad: ["RR", "lc"],
  },
  "persistence-timeout": {
    good: [
      ["0", 0],
      ["3600", 3600],
    ],
    bad: ["-1", "3601"],
  },
  "established-timeout": {
    good: [
      ["10", 10],
      ["900", 900],
    ],
    bad: ["9", "901"],
  },
  "idle-timeout": {
    good: [
      ["1", 1],
      ["60", 60],
    ],
    bad: ["0", "61"],
  },
  "request-timeout": {
    good: [
      ["1", 1],
      ["180", 180],
    ],
    bad: ["0", "181"],
  },
  "sticky-session": {
    good: [
      ["on", "on"],
      ["off", "off"],
    ],
    bad: ["On"],
  },
  "sticky-session-type": {
    good: [
      ["insert", "insert"],
      ["server", "server"],
    ],
    bad: ["Insert", "cookie"],
  },
  "cookie-timeout": {
    good: [
      ["1", 1],
      ["86400", 86400],
    ],
    bad: ["0", "86401"],
  },
  cookie: {
    good: [
      ["cookie-AAAA", "cookie-AAAA"],
      ["c".repeat(200), "c".repeat(200)],
    ],
    bad: ["$abc", "a;b", "a b", "c".repeat(201)],
  },
  "acl-status": {
    good: [
      ["on", "on"],
      ["off", "off"],
    ],
    bad: ["enabled"],
  },
  "acl-id": {
    good: [
      ["acl-1", ["acl-1"]],
      ["acl-1,acl-2,acl-1", ["acl-1", "acl-2"]],
    ],
    bad: ["acl-1,", "acl 1"],
  },
  "acl-type": {
    good: [
      ["white", "white"],
      ["black", "black"],
    ],
    bad: ["whitelist"],
  },
  "connection-drain": { good: [["on", "on"]], bad: ["yes"] },
  "connection-drain-timeout": {
    good: [
      ["10", 10],
      ["900", 900],
    ],
    bad: ["9", "901"],
  },
  "xforwardedfor-proto": { good: [["on", "on"]], bad: ["true"] },
  "xforwardedfor-slbport": { good: [["off", "off"]], bad: ["1"] },
  "xforwardedfor-clientsrcport": { good: [["on", "on"]], bad: ["ON"] },
  "proxy-protocol": { good: [["on", "on"]], bad: ["v2"] },
  "domain-extensions": {
    good: [
      [
        "www.a.com:cert-1,*.b.com:cert-2",
        [
          { domain: "www.a.com", certId: "cert-1" },
          { domain: "*.b.com", certId: "cert-2" },
        ],
      ],
      // "" means no extensions, as upstream (parseDomainExtensionsAnnotation returns an empty list)
      ["", []],
    ],
    bad: ["www.a.com", "www.a.com:", "bad_domain:c", "a.com:c1,a.com:c2", "a.com:c:d"],
  },
  "health-check-flag": {
    good: [
      ["on", "on"],
      ["off", "off"],
    ],
    bad: ["true"],
  },
  "health-check-switch": { good: [["off", "off"]], bad: ["false"] },
  "health-check-type": {
    good: [
      ["tcp", "tcp"],
      ["http", "http"],
    ],
    bad: ["https", "TCP"],
  },
  "health-check-uri": {
    good: [
      ["/", "/"],
      ["/healthz?x=1", "/healthz?x=1"],
      [`/${"a".repeat(79)}`, `/${"a".repeat(79)}`],
    ],
    bad: ["healthz", `/${"a".repeat(80)}`, "/a b"],
  },
  "health-check-domain": {
    good: [
      ["$_ip", "$_ip"],
      ["www.example.com", "www.example.com"],
    ],
    bad: ["$ip", "a b", "d".repeat(81)],
  },
  "health-check-httpcode": {
    good: [
      ["http_2xx", ["http_2xx"]],
      ["http_2xx,http_3xx,http_2xx", ["http_2xx", "http_3xx"]],
    ],
    bad: ["http_6xx", "200", "http_2xx,"],
  },
  "health-check-connect-port": {
    good: [
      ["1", 1],
      ["65535", 65535],
      ["-520", -520],
    ],
    bad: ["0", "65536", "-1", "-521"],
  },
  "healthy-threshold": {
    good: [
      ["2", 2],
      ["10", 10],
    ],
    bad: ["1", "11"],
  },
  "unhealthy-threshold": {
    good: [
      ["2", 2],
      ["10", 10],
    ],
    bad: ["1", "11"],
  },
  "health-check-interval": {
    good: [
      ["1", 1],
      ["50", 50],
    ],
    bad: ["0", "51"],
  },
  "health-check-connect-timeout": {
    good: [
      ["1", 1],
      ["300", 300],
    ],
    bad: ["0", "301"],
  },
  "health-check-timeout": {
    good: [
      ["1", 1],
      ["300", 300],
    ],
    bad: ["0", "301"],
  },
  "health-check-method": {
    good: [
      ["head", "head"],
      ["get", "get"],
    ],
    bad: ["GET", "post"],
  },
  "backend-label": {
    good: [
      ["a=b,c=d", { a: "b", c: "d" }],
      ["k=", { k: "" }],
    ],
    bad: ["a", "a=b=c", "=b", "a=b,a=c", "a=b,"],
  },
  "remove-unscheduled-backend": { good: [["on", "on"]], bad: ["true"] },
  "backend-type": {
    good: [
      ["eni", "eni"],
      ["ecs", "ecs"],
    ],
    bad: ["ENI", "pod"],
  },
  "backend-ip-version": { good: [["ipv6", "ipv6"]], bad: ["v6"] },
  "vgroup-port": {
    good: [
      [
        "rsp-1:80,rsp-2:443",
        [
          { vGroupId: "rsp-1", port: 80 },
          { vGroupId: "rsp-2", port: 443 },
        ],
      ],
    ],
    bad: ["rsp-1", "rsp-1:0", "rsp-1:80,rsp-2:80", ":80"],
  },
  weight: {
    good: [
      ["0", 0],
      ["100", 100],
    ],
    bad: ["101", "-1", "50%"],
  },
  "default-weight": {
    good: [
      ["0", 0],
      ["100", 100],
    ],
    bad: ["101"],
  },
  "ignore-weight-update": {
    good: [
      ["on", "on"],
      ["ON", "on"],
      ["Off", "off"],
    ],
    bad: ["true"],
  },
};

test("registry: 66 rows, unique keys and fields, complete metadata", () => {
  assert.equal(CLB_ANNOTATIONS.length, 66);
  assert.deepEqual(
    CLB_ANNOTATIONS.map((d) => d.row),
    Array.from({ length: 66 }, (_, i) => i + 1),
  );
  assert.equal(new Set(CLB_ANNOTATIONS.map((d) => d.key)).size, 66);
  assert.equal(new Set(CLB_ANNOTATIONS.map((d) => d.field)).size, 66);
  for (const d of CLB_ANNOTATIONS) {
    assert.ok(d.meaning && d.codec.values && d.apiField && d.defaultText, d.key);
    if (d.suffix === "backend-type") {
      assert.equal(d.key, "service.beta.kubernetes.io/backend-type");
      assert.equal(d.legacyKey, undefined);
    } else {
      assert.equal(d.key, P + d.suffix);
      assert.equal(d.legacyKey, L + d.suffix);
    }
    assert.ok(
      d.group === "instance"
        ? d.row <= 21
        : d.group === "listener"
          ? d.row >= 22 && d.row <= 58
          : d.row >= 59,
      d.key,
    );
  }
  const immutable = CLB_ANNOTATIONS.filter((d) => d.mutability === "immutable").map((d) => d.suffix);
  assert.deepEqual(
    immutable.sort(),
    [
      "address-type",
      "id",
      "ip",
      "ip-version",
      "master-zoneid",
      "network-type",
      "resource-group-id",
      "slave-zoneid",
      "vswitch-id",
    ].sort(),
  );
  const defaults = CLB_ANNOTATIONS.filter((d) => d.webhookDefault).map(
    (d) => `${d.suffix}=${d.webhookDefault?.value}/${d.webhookDefault?.when}`,
  );
  assert.deepEqual(defaults, [
    "address-type=internet/no-id",
    "delete-protection=on/no-id",
    "modification-protection=ConsoleProtection/no-id",
    "spec=slb.s1.small/pay-by-spec",
    "instance-charge-type=PayBySpec/spec-set",
    "ip-version=ipv4/no-id",
  ]);
});

test("every registry key has a table-driven case", () => {
  for (const d of CLB_ANNOTATIONS) assert.ok(CASES[d.suffix], `missing case for ${d.suffix}`);
  assert.equal(Object.keys(CASES).length, CLB_ANNOTATIONS.length);
});

for (const d of CLB_ANNOTATIONS) {
  const c = CASES[d.suffix];
  if (!c) continue;
  test(`annotation ${d.suffix}: good, bad and boundary values`, () => {
    for (const [raw, want] of c.good) {
      const { config, errors } = parseClbAnnotations({ [d.key]: raw });
      assert.deepEqual(errors, [], `${d.suffix}=${raw}`);
      assert.deepEqual(config[d.field], want, `${d.suffix}=${raw}`);
    }
    // "" is bad for every key but the ones whose empty value has a meaning (emptyAllowed, tested as good)
    for (const raw of [...c.bad, ...(d.emptyAllowed ? [] : [""])]) {
      const { config, errors } = parseClbAnnotations({ [d.key]: raw });
      assert.equal(config[d.field], undefined, `${d.suffix}=${raw} should not parse`);
      assert.equal(errors.length, 1, `${d.suffix}=${JSON.stringify(raw)}`);
      assert.equal(errors[0].key, d.key);
      assert.equal(errors[0].field, d.field);
      assert.ok(errors[0].message.startsWith(`annotation ${d.key}: ${quoteValue(raw)} `), errors[0].message);
      assert.match(errors[0].message, /allowed/);
    }
  });
}

test("only domain-extensions accepts an empty value; every other key rejects it", () => {
  assert.deepEqual(
    CLB_ANNOTATIONS.filter((d) => d.emptyAllowed).map((d) => d.suffix),
    ["domain-extensions"],
  );
  const { config, errors } = parseClbAnnotations({ [`${L}domain-extensions`]: "" });
  assert.deepEqual(errors, []);
  assert.deepEqual(config.domainExtensions, []);
  // an empty entry inside a list is still a typo
  assert.equal(parseClbAnnotations({ [`${P}domain-extensions`]: "a.com:c1," }).errors.length, 1);
});

test("integer messages state the range", () => {
  const { errors } = parseClbAnnotations({ [`${P}health-check-interval`]: "0" });
  assert.equal(errors[0].message, `annotation ${P}health-check-interval: "0" is out of range; allowed 1-50`);
  const e2 = parseClbAnnotations({ [`${P}health-check-interval`]: "1.5" }).errors[0];
  assert.equal(
    e2.message,
    `annotation ${P}health-check-interval: "1.5" is not a decimal integer; allowed 1-50`,
  );
});

test("alias precedence: canonical wins over legacy, legacy over vendor", () => {
  const both = parseClbAnnotations({ [`${P}address-type`]: "intranet", [`${L}address-type`]: "internet" });
  assert.equal(both.config.addressType, "intranet");
  const legacyOnly = parseClbAnnotations({ [`${L}scheduler`]: "wrr" });
  assert.equal(legacyOnly.config.scheduler, "wrr");
  // canonical invalid: reported against the canonical key, the legacy value is not used
  const badCanonical = parseClbAnnotations({ [`${P}scheduler`]: "x", [`${L}scheduler`]: "wrr" });
  assert.equal(badCanonical.config.scheduler, undefined);
  assert.equal(badCanonical.errors[0].key, `${P}scheduler`);
  const legacyBad = parseClbAnnotations({ [`${L}bandwidth`]: "0" });
  assert.equal(legacyBad.errors[0].key, `${L}bandwidth`);
  const vendor = parseClbAnnotations({ "kubernetes.io/elb.id": "lb-v", [`${L}id`]: "lb-l" });
  assert.equal(vendor.config.loadBalancerId, "lb-l");
});

test("vendor aliases (§8) map values and reject unmapped ones", () => {
  const cases: Array<[Record<string, string>, ClbAnnotationConfig]> = [
    [{ "kubernetes.io/elb.id": "lb-1" }, { loadBalancerId: "lb-1" }],
    [{ "kubernetes.io/elb.subnet-id": "vsw-1" }, { vSwitchId: "vsw-1" }],
    [{ "kubernetes.io/elb.enterpriseID": "rg-1" }, { resourceGroupId: "rg-1" }],
    [
      { "kubernetes.io/elb.protocol-port": "https:443" },
      { protocolPort: [{ protocol: "https", port: 443 }] },
    ],
    [{ "kubernetes.io/elb.cert-id": "c1" }, { certId: "c1" }],
    [{ "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }, { addressType: "intranet" }],
    [
      { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" },
      { addressType: "internet" },
    ],
    [{ "service.beta.kubernetes.io/azure-load-balancer-internal": "true" }, { addressType: "intranet" }],
    [{ "networking.gke.io/load-balancer-type": "Internal" }, { addressType: "intranet" }],
    [{ "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip" }, { backendType: "eni" }],
    [{ "service.beta.kubernetes.io/aws-load-balancer-ip-address-type": "ipv4" }, { ipVersion: "ipv4" }],
  ];
  for (const [ann, want] of cases)
    assert.deepEqual(parseClbAnnotations(ann), { config: want, errors: [] }, JSON.stringify(ann));
  const bad = parseClbAnnotations({
    "service.beta.kubernetes.io/aws-load-balancer-ip-address-type": "dualstack",
  });
  assert.equal(bad.errors.length, 1);
  assert.match(
    bad.errors[0].message,
    /aws-load-balancer-ip-address-type: "dualstack" is not allowed; allowed ipv4/,
  );
});

test("parseClbAnnotations never throws and reports non-strings, huge values and unicode", () => {
  assert.deepEqual(parseClbAnnotations(undefined), { config: {}, errors: [] });
  assert.deepEqual(parseClbAnnotations({}), { config: {}, errors: [] });
  const odd = parseClbAnnotations({
    [`${P}bandwidth`]: 5,
    [`${P}scheduler`]: null,
    [`${P}name`]: { a: 1 },
  });
  assert.equal(odd.errors.length, 3);
  assert.ok(odd.errors.every((e) => /is not a string/.test(e.message)));
  const huge = "x".repeat(MAX_VALUE_CHARS + 1);
  const h = parseClbAnnotations({ [`${P}name`]: huge });
  assert.equal(h.errors.length, 1);
  assert.ok(h.errors[0].message.length < 400, "message is truncated");
  assert.match(h.errors[0].message, /too long/);
  const u = parseClbAnnotations({ [`${P}scheduler`]: "🙂".repeat(100) });
  assert.ok(u.errors[0].message.includes("(200 chars)"));
  assert.doesNotMatch(u.errors[0].message, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/, "no lone surrogate");
  assert.deepEqual(parseClbAnnotations({ unrelated: "x", [`${P}unknown-key`]: "1" }), {
    config: {},
    errors: [],
  });
});

test("annotationKey gives the canonical key", () => {
  assert.equal(annotationKey("loadBalancerId"), `${P}id`);
  assert.equal(annotationKey("backendType"), "service.beta.kubernetes.io/backend-type");
});
