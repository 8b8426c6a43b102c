// Signing and credentials: the adapter signs with V3 (ACS3-HMAC-SHA256), the emulator verifies it,
// and every credential source works end to end. Outgoing headers are observed through Node's own
// diagnostics channel, not a mock.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import dc from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCloudProvider, isCloudError, loadCloudConfig } from "../../src/cloud";
import { EMU_ENV, startHarness, type Harness } from "./harness";

let h: Harness;
const seen: Array<{ host: string; authorization: string; headers: Record<string, unknown> }> = [];
const onRequest = (message: unknown) => {
  const req = (message as { request: ClientRequest }).request;
  seen.push({
    host: String(req.getHeader("host")),
    authorization: String(req.getHeader("authorization") ?? ""),
    headers: req.getHeaders(),
  });
};

before(async () => {
  h = await startHarness();
  dc.subscribe("http.client.request.start", onRequest);
});
after(async () => {
  dc.unsubscribe("http.client.request.start", onRequest);
  await h?.close();
});

test("SLB, ECI and ALB requests are signed with V3 for the configured endpoint, and accepted", async () => {
  seen.length = 0;
  await h.cloud.slb.findLoadBalancers({});
  await h.cloud.eci.describeImageCaches({});
  await h.cloud.alb.listServerGroups({});
  const signed = seen.filter((r) => r.authorization);
  assert.equal(signed.length, 3);
  const emulatorHost = new URL(h.url).host;
  for (const r of signed) {
    assert.equal(r.host, emulatorHost, "Host is the override endpoint, port included");
    assert.match(
      r.authorization,
      /^ACS3-HMAC-SHA256 Credential=testAk,SignedHeaders=host;[a-z0-9;-]*x-acs-content-sha256;[a-z0-9;-]*x-acs-date;[a-z0-9;-]*,Signature=[0-9a-f]{64}$/,
    );
    assert.doesNotMatch(JSON.stringify(r.headers), new RegExp(EMU_ENV.ALIBABA_CLOUD_ACCESS_KEY_SECRET));
  }
  assert.deepEqual(
    signed.map((r) => r.headers["x-acs-version"]),
    ["2014-05-15", "2018-08-08", "2020-06-16"],
  );
});

test("a mounted Secret directory works as the only credential source", async () => {
  const dir = mkdtempSync(join(tmpdir(), "alicreds-"));
  writeFileSync(join(dir, "access-key-id"), `${EMU_ENV.ALIBABA_CLOUD_ACCESS_KEY_ID}\n`);
  writeFileSync(join(dir, "access-key-secret"), `${EMU_ENV.ALIBABA_CLOUD_ACCESS_KEY_SECRET}\n`);
  const config = loadCloudConfig({
    ALIBABA_CLOUD_ENDPOINT: h.url,
    ALIBABA_CLOUD_REGION_ID: EMU_ENV.ALIBABA_CLOUD_REGION_ID,
    ALIBABA_CLOUD_CREDENTIALS_DIR: dir,
  });
  assert.equal(config.credentials.source, "dir");
  const cloud = createCloudProvider(config);
  assert.deepEqual(await cloud.slb.findLoadBalancers({ loadBalancerName: "nothing-here" }), []);

  writeFileSync(join(dir, "access-key-secret"), "rotated-to-a-wrong-secret");
  // The directory is re-read periodically; a fresh provider sees the new (wrong) secret at once.
  const rotated = createCloudProvider(config);
  await assert.rejects(
    rotated.slb.findLoadBalancers({}),
    (e) => isCloudError(e, "Auth") && !/rotated-to-a-wrong-secret/.test(e.message),
  );
});

test("a missing Secret directory is an Auth error naming the call, sent nowhere", async () => {
  const config = loadCloudConfig({
    ALIBABA_CLOUD_ENDPOINT: h.url,
    ALIBABA_CLOUD_CREDENTIALS_DIR: join(tmpdir(), "no-such-credentials-dir"),
  });
  const since = await h.mark();
  await assert.rejects(
    createCloudProvider(config).slb.findLoadBalancers({}),
    (e) =>
      isCloudError(e, "Auth") &&
      e.code === "CredentialsUnavailable" &&
      e.action === "slb:DescribeLoadBalancers",
  );
  assert.deepEqual(await since(), [], "no unsigned request reached the server");
});

test("an unreachable endpoint is Unavailable after retries, not a hang", async () => {
  const config = {
    ...loadCloudConfig({ ...EMU_ENV, ALIBABA_CLOUD_ENDPOINT: "http://127.0.0.1:1" }),
    maxRetries: 2,
    retryBaseMs: 5,
    retryCapMs: 20,
  };
  const events: string[] = [];
  const cloud = createCloudProvider(config, { onEvent: (e) => events.push(e.type) });
  await assert.rejects(
    cloud.slb.findLoadBalancers({}),
    (e) => isCloudError(e, "Unavailable") && e.code === "NetworkError",
  );
  assert.equal(events.filter((t) => t === "retry").length, 2);
});
