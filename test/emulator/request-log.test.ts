import test from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../../src/emulator";
import { loggedParams, REDACTED, resourceIds } from "../../src/emulator/request-log";
import { ECI_VERSION, rpcClient, SLB_VERSION } from "./helpers";

test("resourceIds: ids the request names (plain, numbered, JSON and comma lists) and the reply returns", () => {
  assert.deepEqual(
    resourceIds(
      {
        RegionId: "cn-hangzhou",
        LoadBalancerId: "lb-1",
        "ResourceId.1": "lb-2",
        VSwitchIds: "vsw-1,vsw-2",
        BackendServers: '[{"ServerId":"i-1"}]',
        InstanceIds: '["i-2","i-3"]',
      },
      { RequestId: "R", VServerGroupId: "rsp-1" },
    ),
    ["lb-1", "lb-2", "vsw-1", "vsw-2", "i-2", "i-3", "rsp-1"],
  );
});

test("loggedParams: protocol parameters dropped, ClientToken kept, secrets redacted, long values cut", () => {
  const out = loggedParams({
    Action: "CreateImageCache",
    Signature: "abc",
    SignatureNonce: "n",
    AccessKeyId: "testAk",
    ClientToken: "tok-1",
    ImageCacheName: "c",
    "ImageRegistryCredential.1.Password": "hunter22",
    "ImageRegistryCredential.1.UserName": "me",
    PrivateKey: "-----BEGIN PRIVATE KEY-----",
    ServerCertificate: "x".repeat(500),
  });
  assert.deepEqual(Object.keys(out), [
    "ClientToken",
    "ImageCacheName",
    "ImageRegistryCredential.1.Password",
    "ImageRegistryCredential.1.UserName",
    "PrivateKey",
    "ServerCertificate",
  ]);
  assert.equal(out["ImageRegistryCredential.1.Password"], REDACTED);
  assert.equal(out.PrivateKey, REDACTED);
  assert.equal(out["ImageRegistryCredential.1.UserName"], "me");
  assert.equal(out.ServerCertificate.length, 121);
});

test("the request log carries resource ids and mutating calls' parameters, also in the --request-log file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "emu-log-"));
  const logPath = join(dir, "requests.jsonl");
  const emu = await startEmulator({ port: 0, requestLogPath: logPath });
  try {
    const slb = rpcClient(emu, SLB_VERSION);
    const eci = rpcClient(emu, ECI_VERSION);
    const { LoadBalancerId: id } = await slb("CreateLoadBalancer", {
      LoadBalancerName: "logged",
      AddressType: "internet",
      ClientToken: "tok-logged",
    });
    await slb("DescribeLoadBalancerAttribute", { LoadBalancerId: id });
    await eci("CreateImageCache", {
      ImageCacheName: "with-secret",
      Image: ["registry.example.com/app:1"],
      ImageRegistryCredential: [{ Server: "registry.example.com", UserName: "me", Password: "s3cret-pass" }],
    });
    const { requests } = (await (await fetch(`${emu.url}/_emulator/requests`)).json()) as {
      requests: Array<{ action: string; resourceIds?: string[]; params?: Record<string, string> }>;
    };
    const [create, describe, cache] = requests;
    assert.deepEqual(create.resourceIds, [id], "the id the create returned");
    assert.equal(create.params?.LoadBalancerName, "logged");
    assert.equal(create.params?.ClientToken, "tok-logged");
    assert.equal(create.params?.Signature, undefined);
    assert.deepEqual(describe.resourceIds, [id]);
    assert.equal(describe.params, undefined, "reads carry ids only");
    assert.equal(cache.params?.["ImageRegistryCredential.1.Password"], REDACTED);
    assert.match(cache.resourceIds?.[0] ?? "", /^imc-/);
    await emu.close();
    const file = readFileSync(logPath, "utf8");
    assert.equal(file.trim().split("\n").length, 3);
    assert.doesNotMatch(file, /s3cret-pass/);
    assert.match(file, new RegExp(`"resourceIds":\\["${id}"\\]`));
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
