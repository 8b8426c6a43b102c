// The foundation on a real kube-apiserver: our CRD schemas reject bad custom resources, and the
// operator's URL-registered webhooks deny a bad Service with a message that reaches `kubectl apply`.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { ROOT, Stack, startStack } from "../helpers/stack";

let stack: Stack;

before(async () => {
  stack = await startStack({ operator: "all", emulator: true });
});

after(async () => {
  await stack?.stop();
});

test("the apiserver answers /readyz and reports a real version", () => {
  assert.equal(stack.kubectlOk(["get", "--raw", "/readyz"]).trim(), "ok");
  const version = JSON.parse(stack.kubectlOk(["version", "-o", "json"])) as {
    serverVersion: { gitVersion: string };
  };
  assert.equal(version.serverVersion.gitVersion, "v1.33.13");
});

test("the CRDs from crds/ are established", () => {
  const names = stack.kubectlOk(["get", "crd", "-o", "name"]);
  assert.match(names, /albconfigs\.alibabacloud\.com/);
  assert.match(names, /imagecaches\.eci\.alibabacloud\.com/);
});

test("a valid ImageCache is accepted and a bad one is rejected by the CRD schema", () => {
  const good = `apiVersion: eci.alibabacloud.com/v1
kind: ImageCache
metadata: {name: good-cache}
spec: {images: ["nginx:1.27"], imageCacheSize: 20}
`;
  stack.kubectlOk(["apply", "-f", "-"], good);
  const bad = `apiVersion: eci.alibabacloud.com/v1
kind: ImageCache
metadata: {name: bad-cache}
spec: {images: [], imageCacheSize: 10}
`;
  const r = stack.kubectl(["apply", "-f", "-"], bad);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /spec\.images/);
  assert.match(r.stderr, /spec\.imageCacheSize/);
});

test("a bad AlbConfig is rejected by the CRD schema", () => {
  const bad = `apiVersion: alibabacloud.com/v1
kind: AlbConfig
metadata: {name: bad-alb}
spec: {config: {addressType: Public, zoneMappings: [{vSwitchId: vsw-a}, {vSwitchId: vsw-b}]}}
`;
  const r = stack.kubectl(["apply", "-f", "-"], bad);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /addressType/);
});

test("the operator's webhook denies a bad Service and kubectl apply shows why", () => {
  const bad = `apiVersion: v1
kind: Service
metadata:
  name: bad-lb
  annotations:
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-health-check-interval: "0"
spec:
  type: LoadBalancer
  ports: [{port: 80, protocol: TCP}]
`;
  const r = stack.kubectl(["apply", "-f", "-"], bad);
  assert.notEqual(r.code, 0, "the Service must be denied");
  assert.match(r.stderr, /denied the request/);
  assert.match(r.stderr, /health-check-interval/);
  assert.equal(stack.kubectl(["get", "svc", "bad-lb"]).code, 1, "nothing was stored");
});

test("a Service the operator does not manage passes untouched", () => {
  const plain = `apiVersion: v1
kind: Service
metadata: {name: plain}
spec: {type: ClusterIP, ports: [{port: 80}]}
`;
  stack.kubectlOk(["apply", "-f", "-"], plain);
  const svc = JSON.parse(stack.kubectlOk(["get", "svc", "plain", "-o", "json"])) as {
    metadata: { annotations?: Record<string, string>; finalizers?: string[] };
  };
  const annotations = Object.keys(svc.metadata.annotations ?? {}).filter(
    (k) => k !== "kubectl.kubernetes.io/last-applied-configuration",
  );
  assert.deepEqual(annotations, []);
  assert.equal(svc.metadata.finalizers, undefined);
});

test("CEL rules of the CRDs run in the apiserver: repeated images, one-zone ALBs", () => {
  const dup = `apiVersion: eci.alibabacloud.com/v1
kind: ImageCache
metadata: {name: dup-cache}
spec: {images: ["nginx:1.27", "nginx:1.27"]}
`;
  const r = stack.kubectl(["apply", "-f", "-"], dup);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /images must not repeat/);
  const oneZone = `apiVersion: alibabacloud.com/v1
kind: AlbConfig
metadata: {name: one-zone}
spec: {config: {zoneMappings: [{vSwitchId: vsw-a}]}}
`;
  const z = stack.kubectl(["apply", "-f", "-"], oneZone);
  assert.notEqual(z.code, 0);
  assert.match(z.stderr, /at least two zones/);
});

test("the AlbConfig and ImageCache examples are accepted by the real apiserver", () => {
  for (const f of ["examples/alb/cafe.yaml", "examples/imagecache.yaml"]) {
    const r = stack.kubectl(["apply", "--dry-run=server", "-f", `${ROOT}/${f}`]);
    assert.equal(r.code, 0, `${f}: ${r.stderr}`);
  }
});
