// ALB admission on the real control plane: the AlbConfig CRD installs with field descriptions (kubectl
// explain), the mutating webhook fills in the defaults, bad AlbConfigs and Ingresses are refused at kubectl
// apply with readable messages, an order conflict inside one AlbConfig is refused, and an AlbConfig that
// Ingresses still use cannot be deleted. Admission runs alone (no controllers), as in the chart's split mode.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { eventually, ROOT, Stack, startStack } from "../helpers/stack";

let stack: Stack;

before(async () => {
  stack = await startStack({ operator: "split", emulator: true });
  await stack.watcher?.stop(); // only the webhooks act in this file
});

after(async () => {
  await stack?.stop();
});

const A = "alb.ingress.kubernetes.io/";

function albConfigYaml(name: string, spec: string): string {
  return `apiVersion: alibabacloud.com/v1
kind: AlbConfig
metadata:
  name: ${name}
spec:
${spec}`;
}

function ingressClassYaml(name: string, albConfig?: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: ${name}
spec:
  controller: ingress.k8s.alibabacloud/alb
${albConfig ? `  parameters:\n    apiGroup: alibabacloud.com\n    kind: AlbConfig\n    name: ${albConfig}\n` : ""}`;
}

function ingressYaml(
  name: string,
  o: { className?: string; annotations?: Record<string, string>; path?: string } = {},
): string {
  const annotations = Object.entries(o.annotations ?? {})
    .map(([k, v]) => `    ${k}: ${JSON.stringify(v)}\n`)
    .join("");
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: default
${annotations ? `  annotations:\n${annotations}` : ""}spec:
  ingressClassName: ${o.className ?? "alb-admission"}
  rules:
    - host: cafe.example.com
      http:
        paths:
          - path: ${o.path ?? "/tea"}
            pathType: Prefix
            backend:
              service:
                name: tea-svc
                port:
                  number: 80
`;
}

const ZONES = `    zoneMappings:
      - vSwitchId: vsw-bp1emulatorzoneh0001
      - vSwitchId: vsw-bp1emulatorzonei0001
`;

test("the AlbConfig CRD is installed, cluster-scoped, and kubectl explain shows the field descriptions", () => {
  const crd = JSON.parse(stack.kubectlOk(["get", "crd", "albconfigs.alibabacloud.com", "-o", "json"])) as {
    spec: { scope: string };
  };
  assert.equal(crd.spec.scope, "Cluster");
  const explained = stack.kubectlOk(["explain", "albconfig.spec.config.zoneMappings"]);
  assert.match(explained, /vSwitches of the ALB, in at least two different zones/);
  assert.match(explained, /vSwitchId\s+<string> -required-/);
  assert.match(stack.kubectlOk(["explain", "albconfig.spec.listeners.port"]), /Listener port, 1-65535/);
});

test("the mutating webhook writes the AlbConfig defaults, never the name, and keeps what the user set", () => {
  stack.kubectlOk(
    ["apply", "-f", "-"],
    albConfigYaml(
      "defaults",
      `  config:
    addressType: Intranet
${ZONES}  listeners:
    - port: 80
      protocol: HTTP
    - port: 443
      protocol: HTTPS
      description: mine
`,
    ),
  );
  const got = JSON.parse(stack.kubectlOk(["get", "albconfig", "defaults", "-o", "json"])) as {
    spec: { config: Record<string, unknown>; listeners: Array<Record<string, unknown>> };
  };
  assert.equal(got.spec.config.addressType, "Intranet");
  assert.equal(got.spec.config.addressAllocatedMode, "Dynamic");
  assert.equal(got.spec.config.addressIpVersion, "IPv4");
  assert.equal(got.spec.config.edition, "Standard");
  assert.deepEqual(got.spec.config.billingConfig, { payType: "PostPay" });
  assert.equal(
    got.spec.config.name,
    undefined,
    "the name depends on the cluster id: the controller picks it",
  );
  assert.deepEqual(
    got.spec.listeners.map((l) => l.description),
    ["ingress-auto-listener-80", "mine"],
  );
});

test("a bad AlbConfig is refused at kubectl apply with every problem named, and nothing is stored", () => {
  const r = stack.kubectl(
    ["apply", "-f", "-"],
    albConfigYaml(
      "bad-alb",
      `  config:
${ZONES}    accessLogConfig:
      logStore: alb_logs
  listeners:
    - port: 80
      protocol: HTTP
    - port: "80"
      protocol: HTTP
    - port: 443
      protocol: HTTPS
      certificates:
        - CertificateId: 12000001-cn-hangzhou
        - CertificateId: 12000002-cn-hangzhou
    - port: 8080
      protocol: HTTP
      aclConfig:
        aclType: White
        aclEntries: ["10.0.0.0/8", "10.1.2.3"]
`,
    ),
  );
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /denied the request/);
  assert.match(r.stderr, /spec\.config\.accessLogConfig\.logProject: is required when logStore is set/);
  assert.match(r.stderr, /spec\.listeners\[1\]\.port: 80 is already used by spec\.listeners\[0\]/);
  assert.match(r.stderr, /https listener: 443 must provider one default cert/);
  assert.match(r.stderr, /aclEntries\[1\]: "10\.1\.2\.3" is not an IPv4 CIDR/);
  assert.equal(stack.kubectl(["get", "albconfig", "bad-alb"]).code, 1);
  // the schema refuses what it can say alone (enum), before the webhook
  const enumBad = stack.kubectl(
    ["apply", "-f", "-"],
    albConfigYaml("bad-enum", "  config:\n    edition: Premium\n"),
  );
  assert.notEqual(enumBad.code, 0);
  assert.match(enumBad.stderr, /spec\.config\.edition: Unsupported value: "Premium"/);
});

test("addressType, addressIpVersion and id are immutable", () => {
  stack.kubectlOk(["apply", "-f", "-"], albConfigYaml("fixed", `  config:\n${ZONES}`));
  const r = stack.kubectl(
    ["apply", "-f", "-"],
    albConfigYaml("fixed", `  config:\n    addressType: Intranet\n${ZONES}`),
  );
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /spec\.config\.addressType: "Intranet" is not allowed; the field is immutable \(was "Internet"\)/,
  );
  // a mutable field may change
  stack.kubectlOk(["apply", "-f", "-"], albConfigYaml("fixed", `  config:\n    edition: Basic\n${ZONES}`));
});

test("a bad ALB Ingress is refused with readable messages; an Ingress of another class passes whatever it says", async () => {
  stack.kubectlOk(["apply", "-f", "-"], albConfigYaml("cafe-admission", `  config:\n${ZONES}`));
  stack.kubectlOk(["apply", "-f", "-"], ingressClassYaml("alb-admission", "cafe-admission"));
  // (the webhook's IngressClass store learns of the class a moment later, through its watch: until then
  // the Ingress names a class it does not know, which is not an ALB Ingress)
  const bad = await eventually(
    () => {
      const r = stack.kubectl(
        ["apply", "-f", "-"],
        ingressYaml("bad-ingress", {
          annotations: {
            [`${A}order`]: "1001",
            [`${A}backend-protocol`]: "grpc",
            [`${A}healthcheck-interval-seconds`]: "51",
            [`${A}actions.tea-svc`]: '[{"type":"Teleport"}]',
          },
        }),
      );
      if (r.code !== 0) return r;
      stack.kubectl(["delete", "ingress", "bad-ingress", "--wait=false"]);
      return undefined;
    },
    10_000,
    "the bad Ingress to be refused",
  );
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /denied the request/);
  assert.match(
    bad.stderr,
    /annotation alb\.ingress\.kubernetes\.io\/order: "1001" is out of range; allowed 1-1000/,
  );
  assert.match(bad.stderr, /backend-protocol: "grpc" is not allowed without spec\.tls/);
  assert.match(bad.stderr, /healthcheck-interval-seconds: "51" is out of range; allowed 1-50/);
  assert.match(bad.stderr, /unknown type "Teleport"/);
  assert.equal(stack.kubectl(["get", "ingress", "bad-ingress"]).code, 1);
  // another controller's Ingress is not ours: garbage ALB annotations pass
  stack.kubectlOk(
    ["apply", "-f", "-"],
    `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: other}
spec: {controller: example.com/other}
`,
  );
  stack.kubectlOk(
    ["apply", "-f", "-"],
    ingressYaml("not-ours", { className: "other", annotations: { [`${A}order`]: "nope" } }),
  );
  // an ALB IngressClass without parameters names no AlbConfig
  stack.kubectlOk(["apply", "-f", "-"], ingressClassYaml("alb-noparams"));
  // (the webhook's IngressClass store learns of the class a moment later, through its watch)
  const noParams = await eventually(
    () => {
      const r = stack.kubectl(["apply", "-f", "-"], ingressYaml("no-params", { className: "alb-noparams" }));
      if (r.code !== 0) return r.stderr;
      stack.kubectl(["delete", "ingress", "no-params", "--wait=false"]);
      return undefined;
    },
    10_000,
    "the Ingress of a class without parameters to be refused",
  );
  assert.match(noParams, /albconfig must be referenced in IngressClass alb-noparams/);
});

test("two Ingresses of one AlbConfig may not share an explicit order (read from the webhook's store)", async () => {
  stack.kubectlOk(["apply", "-f", "-"], ingressYaml("menu-a", { annotations: { [`${A}order`]: "5" } }));
  let attempt = 0;
  const refused = await eventually(
    () => {
      const r = stack.kubectl(
        ["apply", "-f", "-"],
        ingressYaml(`menu-b-${attempt++}`, { path: "/coffee", annotations: { [`${A}order`]: "5" } }),
      );
      return r.code !== 0 ? r : undefined;
    },
    10_000,
    "the second order 5 to be refused",
  );
  assert.match(
    refused.stderr,
    /conflict Ingress group order: 5, conflict ingress :default\/menu-a, default\/menu-b-\d+/,
  );
  // another order is fine, and so is the same order in another AlbConfig
  stack.kubectlOk(
    ["apply", "-f", "-"],
    ingressYaml("menu-c", { path: "/c", annotations: { [`${A}order`]: "6" } }),
  );
  stack.kubectlOk(["apply", "-f", "-"], albConfigYaml("other-admission", `  config:\n${ZONES}`));
  stack.kubectlOk(["apply", "-f", "-"], ingressClassYaml("alb-other", "other-admission"));
  await eventually(
    () =>
      stack.kubectl(
        ["apply", "-f", "-"],
        ingressYaml("elsewhere", { className: "alb-other", annotations: { [`${A}order`]: "5" } }),
      ).code === 0
        ? true
        : undefined,
    10_000,
    "order 5 in another AlbConfig to be accepted",
  );
});

test("an AlbConfig with Ingresses cannot be deleted; once they are gone it can", async () => {
  const r = stack.kubectl(["delete", "albconfig", "cafe-admission", "--wait=false"]);
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /AlbConfig cafe-admission still has \d+ Ingress(es)? \(default\/menu-a, .*\); delete them/,
  );
  assert.equal(stack.kubectl(["get", "albconfig", "cafe-admission"]).code, 0, "still there");
  stack.kubectlOk(["delete", "ingress", "--all", "-n", "default"]);
  await eventually(
    () =>
      stack.kubectl(["delete", "albconfig", "cafe-admission", "--wait=false"]).code === 0 ? true : undefined,
    10_000,
    "the AlbConfig without Ingresses to be deletable",
  );
});

test("the examples of examples/alb pass admission, and their Ingresses form one group with its orders", async () => {
  stack.kubectlOk(["apply", "-f", `${ROOT}/examples/alb/cafe.yaml`]);
  stack.kubectlOk(["apply", "-f", `${ROOT}/examples/alb/`]);
  const names = stack.kubectlOk(["get", "albconfig", "-o", "jsonpath={.items[*].metadata.name}"]).split(" ");
  for (const n of ["cafe", "cafe-https", "reused"]) assert.ok(names.includes(n), `AlbConfig ${n}`);
  // menu-specials holds order 1 in AlbConfig cafe: another Ingress of class alb may not take it
  const refused = await eventually(
    () => {
      const r = stack.kubectl(
        ["apply", "-f", "-"],
        ingressYaml("late-special", { className: "alb", annotations: { [`${A}order`]: "1" } }),
      );
      if (r.code !== 0) return r.stderr;
      stack.kubectl(["delete", "ingress", "late-special", "--wait=false"]);
      return undefined;
    },
    10_000,
    "order 1 in AlbConfig cafe to be refused",
  );
  assert.match(
    refused,
    /conflict Ingress group order: 1, conflict ingress :default\/menu-specials, default\/late-special/,
  );
  // shop-canary has weight 20 on shop.example.com/: a second canary of 81 would exceed 100
  const canary = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: greedy-canary
  namespace: default
  annotations:
    ${A}canary: "true"
    ${A}canary-weight: "81"
spec:
  ingressClassName: alb
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: coffee-svc, port: {number: 80}}}
`;
  const greedy = await eventually(
    () => {
      const r = stack.kubectl(["apply", "-f", "-"], canary);
      if (r.code !== 0) return r.stderr;
      stack.kubectl(["delete", "ingress", "greedy-canary", "--wait=false"]);
      return undefined;
    },
    10_000,
    "a canary weight above 100 in total to be refused",
  );
  assert.match(greedy, /add up to 101; allowed at most 100/);
});
