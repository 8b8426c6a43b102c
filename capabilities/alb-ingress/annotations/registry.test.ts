// Tests for the ALB Ingress annotation registry: every row parses a good value and refuses a bad one with a
// message naming key, value and what is allowed; aliases and their precedence; templated keys; the JSON
// shapes of custom actions and conditions.
import test from "node:test";
import assert from "node:assert/strict";
import {
  ALB_ANNOTATION_PREFIX as A,
  ALB_REGISTRY,
  NGINX_ANNOTATION_PREFIX as N,
  parseAlbIngressAnnotations,
  type AlbIngressField,
} from "./index";

/** One accepted and one refused raw value for every row (the test fails when a row is added without one). */
const SAMPLES: Record<AlbIngressField, [good: string, bad: string]> = {
  albConfigName: ["my-alb", "My_ALB"],
  order: ["1000", "1001"],
  listenPorts: ['[{"HTTP":80},{"HTTPS":443}]', '[{"HTTP":"x"}]'],
  sslRedirect: ["true", "True"],
  backendProtocol: ["grpc", "GRPC"],
  rewriteTarget: ["/${1}", "no-slash"],
  useRegex: ["false", "1"],
  healthCheckEnabled: ["true", "on"],
  healthCheckPath: ["/healthz?x=1", "/" + "a".repeat(80)],
  healthCheckProtocol: ["TCP", "tcp"],
  healthCheckMethod: ["GET", "get"],
  healthCheckHttpCodes: ["http_2xx,http_3xx", "http_6xx"],
  healthCheckTimeoutSeconds: ["300", "0"],
  healthCheckIntervalSeconds: ["50", "51"],
  healthyThreshold: ["2", "1"],
  unhealthyThreshold: ["10", "11"],
  healthCheckConnectPort: ["0", "-1"],
  canary: ["true", "yes"],
  canaryByHeader: ["x-canary", "x".repeat(41)],
  canaryByHeaderValue: ["always", "v".repeat(129)],
  canaryByCookie: ["beta_users", "bad cookie"],
  canaryWeight: ["0", "101"],
  stickySession: ["true", "on"],
  stickySessionType: ["Server", "server"],
  cookieTimeoutSeconds: ["86400", "86401"],
  cookie: ["cookie-AAAA", "$bad"],
  backendScheduler: ["wlc", "rr"],
  backendSchedulerUchValue: ["uid", "u".repeat(101)],
  backendKeepalive: ["false", "no"],
  enableCors: ["true", "1"],
  corsAllowOrigin: ["https://a.example.com, https://b.example.com", "a,,b"],
  corsAllowMethods: ["GET, POST", "GET,"],
  corsAllowHeaders: ["X-A", ",X-A"],
  corsExposeHeaders: ["X-B", "X-B,,"],
  corsAllowCredentials: ["false", "off"],
  corsMaxAgeSeconds: ["-1", "172801"],
  trafficLimitQps: ["100000", "100001"],
  trafficLimitIpQps: ["1", "0"],
  actions: ['[{"type":"RemoveHeader","RemoveHeaderConfig":{"Key":"x"}}]', '{"type":"RemoveHeader"}'],
  conditions: [
    '[{"type":"Method","MethodConfig":{"Values":["GET"]}}]',
    '[{"type":"Method","MethodConfig":{"Values":["FETCH"]}}]',
  ],
  ruleDirection: ["Response", "response"],
  legacyLoadBalancerId: ["alb-123", "alb 123"],
  legacyLoadBalancerName: ["ab", "a"],
  legacyForceOverrideListeners: ["true", "y"],
  legacyAddressType: ["internet", "public"],
  legacyAddressAllocatedMode: ["fixed", "static"],
  legacyChargeType: ["PostPay", "PrePay"],
  legacyEdition: ["basic", "premium"],
  legacyVSwitchIds: ["vsw-a1,vsw-b2", "vsw-a1,"],
  legacyAccessLog: ['{"logProject":"p","logStore":"alb_x"}', '{"logStore":"alb_x"}'],
};

test("every row parses its good sample and refuses its bad one, naming key, value and what is allowed", () => {
  assert.deepEqual(ALB_REGISTRY.rows.map((r) => r.field).sort(), Object.keys(SAMPLES).sort());
  for (const row of ALB_REGISTRY.rows) {
    const [good, bad] = SAMPLES[row.field];
    const key = row.templated ? row.key.replace("<service>", "tea-svc") : row.key;
    const ok = parseAlbIngressAnnotations({ [key]: good });
    assert.deepEqual(ok.errors, [], `${key}: ${good}`);
    assert.ok(ok.config[row.field] !== undefined, `${key} parsed`);
    const no = parseAlbIngressAnnotations({ [key]: bad });
    assert.equal(no.errors.length, 1, `${key}: ${bad} must be refused`);
    assert.equal(no.errors[0].key, key);
    assert.equal(no.config[row.field], undefined);
    assert.ok(no.errors[0].message.startsWith(`annotation ${key}: `), no.errors[0].message);
    assert.match(no.errors[0].message, /allowed|must|needs|not|lists|has/, no.errors[0].message);
  }
});

test("aliases: nginx keys and the legacy albconfig.order, with the ALB key winning", () => {
  const viaNginx = parseAlbIngressAnnotations({
    [`${N}canary`]: "true",
    [`${N}canary-weight`]: "30",
    [`${N}ssl-redirect`]: "true",
  });
  assert.deepEqual(viaNginx.config, { canary: true, canaryWeight: 30, sslRedirect: true });
  const both = parseAlbIngressAnnotations({ [`${N}canary-weight`]: "30", [`${A}canary-weight`]: "20" });
  assert.equal(both.config.canaryWeight, 20);
  assert.equal(parseAlbIngressAnnotations({ [`${A}albconfig.order`]: "7" }).config.order, 7);
  assert.equal(
    parseAlbIngressAnnotations({ [`${A}albconfig.order`]: "7", [`${A}order`]: "8" }).config.order,
    8,
  );
});

test("templated keys become maps by Service name, each checked on its own", () => {
  const r = parseAlbIngressAnnotations({
    [`${A}rule-direction.tea-svc`]: "Response",
    [`${A}rule-direction.coffee-svc`]: "Request",
    [`${A}rule-direction.bad-svc`]: "Sideways",
  });
  assert.deepEqual([...(r.config.ruleDirection ?? [])].sort(), [
    ["coffee-svc", "Request"],
    ["tea-svc", "Response"],
  ]);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0].name, "bad-svc");
});

test("actions: types and keys are case-insensitive; defaults of Redirect and Rewrite; canonical shapes", () => {
  const r = parseAlbIngressAnnotations({
    [`${A}actions.web`]: JSON.stringify([
      { type: "redirect", redirectConfig: { protocol: "HTTPS", port: "443", httpCode: 308 } },
      {
        TYPE: "InsertHeader",
        insertheaderconfig: { key: "x-from", value: "alb", valueType: "userdefined", coverEnabled: true },
      },
      { type: "Rewrite", RewriteConfig: { Path: "/new" } },
      {
        type: "TrafficMirror",
        TrafficMirrorConfig: {
          MirrorGroupConfig: { ServerGroupTuples: [{ ServiceName: "shadow", ServicePort: "8080" }] },
        },
      },
      { type: "TrafficLimit", TrafficLimitConfig: { QPS: 100, QPSPerIp: "10" } },
    ]),
  });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.config.actions?.get("web"), [
    {
      type: "Redirect",
      redirectConfig: {
        host: "${host}",
        httpCode: "308",
        path: "${path}",
        port: "443",
        protocol: "HTTPS",
        query: "${query}",
      },
    },
    {
      type: "InsertHeader",
      insertHeaderConfig: { key: "x-from", value: "alb", valueType: "UserDefined", coverEnabled: true },
    },
    { type: "Rewrite", rewriteConfig: { host: "${host}", path: "/new", query: "${query}" } },
    {
      type: "TrafficMirror",
      trafficMirrorConfig: {
        targetType: "ForwardGroupMirror",
        mirrorGroupConfig: { serverGroups: [{ serviceName: "shadow", servicePort: 8080 }] },
      },
    },
    { type: "TrafficLimit", trafficLimitConfig: { qps: 100, qpsPerIp: 10 } },
  ]);
  const bad = (actions: unknown[]) =>
    parseAlbIngressAnnotations({ [`${A}actions.web`]: JSON.stringify(actions) }).errors[0]?.message ?? "";
  assert.match(
    bad([{ type: "TrafficLimit", TrafficLimitConfig: { QPS: 10, QPSPerIp: 10 } }]),
    /QPSPerIp \(10\) must be less than QPS \(10\)/,
  );
  assert.match(
    bad([{ type: "ForwardGroup", ForwardConfig: { ServerGroups: [] } }]),
    /needs a non-empty list of services/,
  );
  assert.match(bad([{ type: "FixedResponse" }]), /action FixedResponse needs an object FixedResponseConfig/);
  assert.match(
    bad([{ type: "Redirect", RedirectConfig: { Port: "99999" } }]),
    /RedirectConfig.Port must be 1-65535/,
  );
  assert.match(bad([]), /is not a non-empty JSON array of actions/);
});

test("conditions: canonical shapes with methods upper-cased", () => {
  const r = parseAlbIngressAnnotations({
    [`${A}conditions.web`]: JSON.stringify([
      { type: "header", headerConfig: { key: "x-env", values: ["beta"] } },
      { type: "Method", MethodConfig: { Values: ["get", "POST"] } },
      { type: "ResponseStatusCode", ResponseStatusCodeConfig: { Values: ["503"] } },
    ]),
  });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.config.conditions?.get("web"), [
    { type: "Header", headerConfig: { key: "x-env", values: ["beta"] } },
    { type: "Method", methodConfig: { values: ["GET", "POST"] } },
    { type: "ResponseStatusCode", responseStatusCodeConfig: { values: ["503"] } },
  ]);
  const bad = parseAlbIngressAnnotations({
    [`${A}conditions.web`]: '[{"type":"Path","PathConfig":{"Values":["nope"]}}]',
  });
  assert.match(bad.errors[0].message, /PathConfig value "nope" does not start with \//);
});

test("a hostile annotation map never throws", () => {
  const getterThrows = Object.defineProperty({}, `${A}order`, {
    enumerable: true,
    get() {
      throw new Error("boom");
    },
  });
  for (const m of [
    undefined,
    null,
    5,
    "x",
    [],
    { [`${A}order`]: 5 },
    { [`${A}order`]: null },
    getterThrows,
  ]) {
    const r = parseAlbIngressAnnotations(m as Record<string, unknown>);
    assert.ok(Array.isArray(r.errors));
  }
  const huge = parseAlbIngressAnnotations({ [`${A}actions.x`]: "[" + "1,".repeat(5000) + "1]" });
  assert.match(huge.errors[0].message, /is too long/);
});
