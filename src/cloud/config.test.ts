// Unit tests of the cloud-layer configuration (config.ts): environment parsing and endpoint overrides.
import test from "node:test";
import assert from "node:assert/strict";
import { describeCloudConfig, loadCloudConfig, parseEndpoint } from "./config";
import { CLOUD_DEFAULTS } from "../config";

test("an http endpoint override becomes host:port plus protocol http", () => {
  assert.deepEqual(parseEndpoint("http://127.0.0.1:4566"), { host: "127.0.0.1:4566", protocol: "http" });
  assert.deepEqual(parseEndpoint("https://slb.example.internal"), {
    host: "slb.example.internal",
    protocol: "https",
  });
  assert.deepEqual(
    parseEndpoint("127.0.0.1:4566"),
    { host: "127.0.0.1:4566", protocol: "https" },
    "bare host means https",
  );
  assert.throws(() => parseEndpoint("ftp://x"), /http or https/);
  assert.throws(() => parseEndpoint("http://x/path"), /no path/);
});

test("no endpoint means the real per-region Alibaba endpoints", () => {
  const c = loadCloudConfig({ ALIBABA_CLOUD_REGION_ID: "cn-beijing" });
  assert.equal(c.endpoint, undefined);
  assert.equal(c.regionId, "cn-beijing");
});

test("both timeouts and the retry/rate settings come from CLOUD_DEFAULTS", () => {
  const c = loadCloudConfig({});
  assert.equal(c.connectTimeoutMs, CLOUD_DEFAULTS.connectTimeoutMs);
  assert.equal(c.readTimeoutMs, CLOUD_DEFAULTS.readTimeoutMs);
  assert.equal(c.maxRetries, CLOUD_DEFAULTS.maxRetries);
  assert.deepEqual(c.rateLimitPerSecond, CLOUD_DEFAULTS.rateLimitPerSecond);
  assert.equal(c.regionId, "cn-hangzhou");
});

test("credential source precedence: explicit keys, then a Secret directory, then the default chain", () => {
  const keys = { ALIBABA_CLOUD_ACCESS_KEY_ID: "ak", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "sk" };
  assert.deepEqual(loadCloudConfig({ ...keys, ALIBABA_CLOUD_CREDENTIALS_DIR: "/etc/ali" }).credentials, {
    source: "static",
    accessKeyId: "ak",
    accessKeySecret: "sk",
    securityToken: undefined,
  });
  assert.deepEqual(loadCloudConfig({ ALIBABA_CLOUD_CREDENTIALS_DIR: "/etc/ali" }).credentials, {
    source: "dir",
    dir: "/etc/ali",
  });
  assert.deepEqual(loadCloudConfig({}).credentials, { source: "default-chain" });
  assert.throws(() => loadCloudConfig({ ALIBABA_CLOUD_ACCESS_KEY_ID: "ak" }), /set together/);
});

test("describeCloudConfig never contains secrets", () => {
  const c = loadCloudConfig({
    ALIBABA_CLOUD_ACCESS_KEY_ID: "AKID-123456",
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: "SECRET-abcdef",
  });
  const text = JSON.stringify(describeCloudConfig(c));
  assert.doesNotMatch(text, /AKID-123456|SECRET-abcdef/);
  assert.match(text, /static/);
});
