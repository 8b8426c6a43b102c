// ImageCaches on the real stack (apiserver + etcd, the operator with its webhooks, the ECI emulator through
// the official SDK): the sample goes Ready 100% in `kubectl get ic`; a private registry's cache with a pull
// secret; a failed cache shows the cloud's reason; delete removes the cloud cache; pods ask for caches
// explicitly and automatically (best match among several, none Ready, explicit not Ready refused).
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseExposition, select } from "../../src/metrics/parse";
import { operatorGet } from "../../src/operator/local";
import { cloudOf } from "../helpers/clb";
import { eventually, ROOT, Stack, startStack } from "../helpers/stack";
import type { CloudProvider } from "../../src/cloud";

let stack: Stack;
let cloud: CloudProvider;

before(async () => {
  stack = await startStack({
    operator: "all",
    emulator: true,
    operatorEnv: { ECI_POLL_INITIAL_MS: "500", ECI_POLL_MAX_MS: "2000" },
  });
  cloud = cloudOf(stack);
});

after(async () => {
  await stack?.stop();
});

interface Ic {
  metadata: { uid: string; finalizers?: string[] };
  status?: {
    imageCacheId?: string;
    phase?: string;
    progress?: string;
    events?: Array<{ name: string; type: string; message: string }>;
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
  };
}

function getIc(name: string): Ic | undefined {
  const r = stack.kubectl(["get", "ic", name, "-o", "json"]);
  return r.code === 0 ? (JSON.parse(r.stdout) as Ic) : undefined;
}

async function waitPhase(name: string, phase: string, timeoutMs = 45_000): Promise<Ic> {
  return eventually(
    () => {
      const ic = getIc(name);
      return ic?.status?.phase === phase ? ic : undefined;
    },
    timeoutMs,
    `ImageCache ${name} to be ${phase} (now ${getIc(name)?.status?.phase ?? "none"})`,
  );
}

function imageCacheYaml(name: string, images: string[], extra = ""): string {
  return `apiVersion: eci.alibabacloud.com/v1
kind: ImageCache
metadata: {name: ${name}}
spec:
  images: [${images.map((i) => JSON.stringify(i)).join(", ")}]
${extra}`;
}

function podYaml(name: string, annotations: Record<string, string>, images: string[]): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", annotations },
    spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) },
  });
}

function podAnnotations(name: string): Record<string, string> {
  const pod = JSON.parse(stack.kubectlOk(["get", "pod", name, "-o", "json"])) as {
    metadata: { annotations?: Record<string, string> };
  };
  return pod.metadata.annotations ?? {};
}

const SNAPSHOT = "k8s.aliyun.com/eci-image-snapshot-id";

test("the sample ImageCache reaches Ready with 100% in `kubectl get ic`, with the cloud's events mirrored", async () => {
  stack.kubectlOk(["apply", "-f", join(ROOT, "examples/imagecache.yaml")]);
  const ic = await waitPhase("imagecache-sample", "Ready");
  const table = stack.kubectlOk(["get", "ic", "imagecache-sample"]);
  assert.match(table.split("\n")[0], /NAME\s+CACHEID\s+PHASE\s+PROGRESS\s+AGE/);
  assert.match(
    table.split("\n")[1],
    new RegExp(`imagecache-sample\\s+${ic.status!.imageCacheId}\\s+Ready\\s+100%`),
  );
  assert.deepEqual(ic.metadata.finalizers, ["eci.alibabacloud.com/imagecache"]);
  assert.deepEqual(
    ic.status?.events?.map((e) => e.name),
    ["Started", "Pulling", "Succeeded"],
  );
  assert.equal(ic.status?.conditions?.find((c) => c.type.endsWith("ImageCacheSynced"))?.status, "True");
  const [cache] = await cloud.eci.describeImageCaches({ imageCacheId: ic.status.imageCacheId });
  assert.deepEqual(cache.images, ["centos:latest", "busybox:latest"]);
  assert.equal(cache.imageCacheSize, 20);
  const events = stack.kubectlOk([
    "get",
    "events",
    "-n",
    "default",
    "--field-selector",
    "involvedObject.name=imagecache-sample",
    "-o",
    "json",
  ]);
  assert.match(events, /ImageCacheReady/);
});

test("a private registry's cache: the pull secret becomes credentials for the cloud, and is never shown", async () => {
  stack.kubectlOk(["apply", "-f", join(ROOT, "examples/imagecache-private.yaml")]);
  const ic = await waitPhase("imagecache-private", "Ready");
  const [cache] = await cloud.eci.describeImageCaches({ imageCacheId: ic.status!.imageCacheId });
  assert.equal(cache.imageCacheSize, 40);
  const password = "example-password";
  assert.ok(!JSON.stringify(ic).includes(password), "not in the object");
  const events = stack.kubectlOk(["get", "events", "-A", "-o", "json"]);
  assert.ok(!events.includes(password), "not in Events");
  assert.ok(!readFileSync(stack.operator!.logPath, "utf8").includes(password), "not in the operator's log");
});

test("a missing pull secret shows on the object; creating the Secret lets the cache be built", async () => {
  stack.kubectlOk(
    ["apply", "-f", "-"],
    imageCacheYaml(
      "needs-secret",
      ["registry.example.com/app:2"],
      '  imagePullSecrets: ["default:late-cred"]\n',
    ),
  );
  await eventually(
    () => getIc("needs-secret")?.status?.conditions?.find((c) => c.reason === "PullSecretFailed"),
    20_000,
    "the PullSecretFailed condition",
  );
  assert.match(
    getIc("needs-secret")!.status!.conditions!.find((c) => c.reason === "PullSecretFailed")!.message,
    /pull secret default:late-cred not found/,
  );
  stack.kubectlOk([
    "create",
    "secret",
    "docker-registry",
    "late-cred",
    "--docker-server=registry.example.com",
    "--docker-username=u",
    "--docker-password=late-password",
  ]);
  // Retried with backoff (5 s first): the create follows the Secret.
  await waitPhase("needs-secret", "Ready", 60_000);
});

test("a failed cache shows the cloud's reason in status, its condition and a Warning Event", async () => {
  stack.kubectlOk(["apply", "-f", "-"], imageCacheYaml("broken", ["example.com/emulator-fail:1"]));
  const ic = await waitPhase("broken", "Failed");
  const cond = ic.status?.conditions?.find((c) => c.type.endsWith("ImageCacheSynced"));
  assert.equal(cond?.status, "False");
  assert.equal(cond?.message, "image cache Failed: Failed to pull image example.com/emulator-fail:1");
  assert.equal(ic.status?.events?.at(-1)?.type, "Warning");
  await eventually(
    () => {
      const out = stack.kubectlOk([
        "get",
        "events",
        "-n",
        "default",
        "--field-selector",
        "involvedObject.name=broken,type=Warning",
        "-o",
        "json",
      ]);
      return out.includes("ImageCacheFailed") && out.includes("Failed to pull image") ? true : undefined;
    },
    10_000,
    "the Warning Event",
  );
  // A Failed cache cannot be updated (the cloud refuses): the webhook says so at `kubectl apply`.
  const r = stack.kubectl(["apply", "-f", "-"], imageCacheYaml("broken", ["nginx:1.27"]));
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /spec can change only while the image cache is Ready or UpdateFailed \(phase=Failed\)/,
  );
});

test("bad ImageCaches are refused at `kubectl apply` with every problem the webhook finds", () => {
  // The CRD's schema answers first for what it covers (pull secret format); the webhook adds the rest.
  const r = stack.kubectl(
    ["apply", "-f", "-"],
    imageCacheYaml("bad", ["Nginx:1", "nginx:"]).replace(
      "metadata: {name: bad}",
      'metadata: {name: bad, annotations: {"k8s.aliyun.com/imc-enable-reuse": "yes"}}',
    ),
  );
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /spec\.images\[0\] "Nginx:1" is not an image reference/);
  assert.match(r.stderr, /spec\.images\[1\] "nginx:" is not an image reference/);
  assert.match(r.stderr, /imc-enable-reuse: "yes" is not allowed/);
  const schema = stack.kubectl(
    ["apply", "-f", "-"],
    imageCacheYaml("bad", ["nginx"], '  imagePullSecrets: ["default:Bad_Name"]\n'),
  );
  assert.match(schema.stderr, /spec\.imagePullSecrets\[0\]/);
});

test("a spec change of a Ready cache is sent to the cloud (UpdateImageCache) and the cache is Ready again", async () => {
  stack.kubectlOk(["apply", "-f", "-"], imageCacheYaml("grows", ["nginx:1.27"]));
  const before = await waitPhase("grows", "Ready");
  stack.kubectlOk(
    ["apply", "-f", "-"],
    imageCacheYaml("grows", ["nginx:1.27", "redis:7"], "  imageCacheSize: 60\n"),
  );
  await eventually(
    async () => {
      const [c] = await cloud.eci.describeImageCaches({ imageCacheId: before.status!.imageCacheId });
      return c?.status === "Ready" && c.images.length === 2 && c.imageCacheSize === 60 ? c : undefined;
    },
    45_000,
    "the cloud cache updated and Ready",
  );
  const after = await waitPhase("grows", "Ready");
  assert.equal(after.status?.imageCacheId, before.status?.imageCacheId, "the same cache, updated");
});

test("pods: explicit id, best match among several, none Ready -> unchanged, explicit not Ready -> refused", async () => {
  stack.kubectlOk(
    ["apply", "-f", "-"],
    imageCacheYaml("web-only", ["nginx:1.27"], "  imageCacheSize: 500\n"),
  );
  stack.kubectlOk(
    ["apply", "-f", "-"],
    imageCacheYaml("web-and-redis", ["nginx:1.27", "redis:7"], "  imageCacheSize: 100\n"),
  );
  const webOnly = await waitPhase("web-only", "Ready");
  const both = await waitPhase("web-and-redis", "Ready");
  const broken = await waitPhase("broken", "Failed");

  // Explicit: admitted as is.
  stack.kubectlOk(
    ["create", "-f", "-"],
    podYaml("explicit", { [SNAPSHOT]: webOnly.status!.imageCacheId! }, ["nginx:1.27"]),
  );
  assert.equal(podAnnotations("explicit")[SNAPSHOT], webOnly.status!.imageCacheId);

  // Automatic, two images: the cache holding both wins over the bigger one holding one.
  stack.kubectlOk(
    ["create", "-f", "-"],
    podYaml("auto", { "k8s.aliyun.com/eci-image-cache": "true" }, ["nginx:1.27", "redis:7"]),
  );
  assert.equal(podAnnotations("auto")[SNAPSHOT], both.status!.imageCacheId);
  // Automatic (newer name), one image: both caches hold it; the bigger one wins.
  stack.kubectlOk(
    ["create", "-f", "-"],
    podYaml("auto-newer-key", { "k8s.aliyun.com/eci-auto-imc": "true" }, ["nginx:1.27"]),
  );
  assert.equal(podAnnotations("auto-newer-key")[SNAPSHOT], webOnly.status!.imageCacheId);

  // No Ready candidate (only a Failed cache holds the image): the pod is created unchanged.
  stack.kubectlOk(
    ["create", "-f", "-"],
    podYaml("no-candidate", { "k8s.aliyun.com/eci-image-cache": "true" }, ["example.com/emulator-fail:1"]),
  );
  assert.equal(podAnnotations("no-candidate")[SNAPSHOT], undefined);

  // Explicit id of a cache that is not Ready: refused at `kubectl apply`, naming the cache and its phase.
  const refused = stack.kubectl(
    ["apply", "-f", "-"],
    podYaml("explicit-failed", { [SNAPSHOT]: broken.status!.imageCacheId! }, ["nginx"]),
  );
  assert.notEqual(refused.code, 0);
  assert.match(
    refused.stderr,
    new RegExp(`image cache ${broken.status!.imageCacheId} is not Ready \\(phase=Failed\\)`),
  );
  const unknown = stack.kubectl(
    ["apply", "-f", "-"],
    podYaml("explicit-unknown", { "k8s.aliyun.com/eci-imc-id": "imc-nosuchcache" }, ["nginx"]),
  );
  assert.match(unknown.stderr, /image cache imc-nosuchcache not found/);

  // A pod with none of our annotations is untouched, and never even reaches the webhook (the pods entry's
  // match condition, evaluated in the API server); one with our annotation does, once per webhook.
  const before = await podReviews();
  stack.kubectlOk(["create", "-f", "-"], podYaml("plain", { "example.com/other": "x" }, ["nginx:1.27"]));
  assert.equal(podAnnotations("plain")[SNAPSHOT], undefined);
  assert.equal(await podReviews(), before, "a pod without our annotations reached the webhook");
  stack.kubectlOk(
    ["create", "-f", "-"],
    podYaml("asks", { "k8s.aliyun.com/eci-image-cache": "true" }, ["nginx:1.27"]),
  );
  assert.equal(await podReviews(), before + 2, "mutate and validate for a pod with our annotation");
});

/** Pod admission reviews the webhook process has answered (its /metrics counter). */
async function podReviews(): Promise<number> {
  const r = await operatorGet(stack.operator!, "/metrics");
  assert.equal(r.status, 200);
  return select(parseExposition(r.body), "alicloud_operator_admission_requests_total", {
    kind: "Pod",
  }).reduce((n, s) => n + s.value, 0);
}

test("delete: the cloud cache is deleted, then the ImageCache is gone", async () => {
  const ic = await waitPhase("imagecache-sample", "Ready");
  stack.kubectlOk(["delete", "ic", "imagecache-sample", "--wait=false"]);
  await eventually(
    () => (getIc("imagecache-sample") === undefined ? true : undefined),
    60_000,
    "the ImageCache to be gone",
  ).catch((e: Error) => {
    // Say why: the object's conditions and its Events.
    const events = stack.kubectl([
      "get",
      "events",
      "-n",
      "default",
      "--field-selector",
      "involvedObject.name=imagecache-sample",
    ]);
    throw new Error(
      `${e.message}\n${JSON.stringify(getIc("imagecache-sample")?.status?.conditions)}\n${events.stdout}`,
    );
  });
  assert.deepEqual(await cloud.eci.describeImageCaches({ imageCacheId: ic.status!.imageCacheId }), []);
});
