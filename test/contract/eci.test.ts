// ECI image caches: create, status progression, describe filters, update, delete.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { clientTokenFor, isCloudError } from "../../src/cloud";
import { startHarness, type Harness } from "./harness";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test("image cache lifecycle round-trips every field", async () => {
  const tags = [{ key: "eci.alibabacloud.com/imagecache", value: "web-cache" }];
  const registryPassword = "registry-Passw0rd!";
  const { imageCacheId } = await h.cloud.eci.createImageCache({
    imageCacheName: "web-cache",
    images: ["registry.example.com/web:1.0", "registry.example.com/sidecar:2"],
    imageCacheSize: 40,
    retentionDays: 7,
    securityGroupId: "sg-bp1imagecache0001",
    vSwitchId: "vsw-bp1imagecache0001",
    imageRegistryCredentials: [
      { server: "registry.example.com", userName: "puller", password: registryPassword },
    ],
    autoMatchImageCache: true,
    tags,
    clientToken: clientTokenFor("uid-web-cache", "eci:create"),
  });
  assert.match(imageCacheId, /^imc-/);

  let [c] = await h.cloud.eci.describeImageCaches({ imageCacheId });
  assert.equal(c?.imageCacheId, imageCacheId);
  assert.equal(c?.imageCacheName, "web-cache");
  assert.ok(c && ["Preparing", "Creating"].includes(c.status));
  assert.deepEqual(c?.images, ["registry.example.com/web:1.0", "registry.example.com/sidecar:2"]);
  assert.equal(c?.imageCacheSize, 40);
  assert.deepEqual(c?.tags, tags);
  assert.ok(c?.creationTime);
  assert.ok((c?.events.length ?? 0) >= 1);

  await h.advanceClock(10_000);
  [c] = await h.cloud.eci.describeImageCaches({ imageCacheName: "web-cache" });
  assert.equal(c?.status, "Ready");
  assert.equal(c?.progress, "100%");
  assert.ok(c?.expireDateTime, "retention gives an expiry time");
  assert.ok(c?.snapshotId);
  const last = c?.events.at(-1);
  assert.equal(last?.type, "Normal");
  assert.equal(last?.reason, "Succeeded");
  assert.ok(last?.message && last.count >= 1 && last.firstTimestamp && last.lastTimestamp);

  assert.deepEqual(
    (await h.cloud.eci.describeImageCaches({ tags })).map((x) => x.imageCacheId),
    [imageCacheId],
  );
  assert.deepEqual(await h.cloud.eci.describeImageCaches({ imageCacheName: "no-such-cache" }), []);

  await h.cloud.eci.updateImageCache(imageCacheId, {
    images: ["registry.example.com/web:1.1"],
    imageCacheSize: 60,
  });
  [c] = await h.cloud.eci.describeImageCaches({ imageCacheId });
  assert.equal(c?.status, "Updating");
  await assert.rejects(
    h.provider({ maxRetries: 0 }).cloud.eci.updateImageCache(imageCacheId, { imageCacheSize: 80 }),
    (e) => isCloudError(e, "Busy"),
    "an update while Updating is Busy",
  );
  await h.advanceClock(10_000);
  [c] = await h.cloud.eci.describeImageCaches({ imageCacheId });
  assert.equal(c?.status, "Ready");
  assert.deepEqual(c?.images, ["registry.example.com/web:1.1"]);
  assert.equal(c?.imageCacheSize, 60);

  await h.cloud.eci.deleteImageCache(imageCacheId);
  assert.deepEqual(await h.cloud.eci.describeImageCaches({ imageCacheId }), []);
});

test("describeImageCaches follows NextToken", async () => {
  const small = h.provider({ pageSize: 2 });
  const tags = [{ key: "eci-paging", value: "1" }];
  for (let i = 0; i < 5; i++) {
    await small.cloud.eci.createImageCache({
      imageCacheName: `page-cache-${i}`,
      images: ["nginx:1"],
      tags,
      clientToken: clientTokenFor("uid-eci-paging", `eci:create:${i}`),
    });
  }
  const since = await h.mark();
  const all = await small.cloud.eci.describeImageCaches({ tags });
  assert.equal(all.length, 5);
  const calls = (await since()).filter((r) => r.action === "DescribeImageCaches");
  assert.equal(calls.length, 3);
});

test("a failing image pull ends in Failed with a Warning event", async () => {
  const { imageCacheId } = await h.cloud.eci.createImageCache({
    imageCacheName: "bad-cache",
    images: ["registry.example.com/emulator-fail:1"],
    tags: [],
    clientToken: clientTokenFor("uid-bad-cache", "eci:create"),
  });
  await h.advanceClock(10_000);
  const [c] = await h.cloud.eci.describeImageCaches({ imageCacheId });
  assert.equal(c?.status, "Failed");
  assert.equal(c?.events.at(-1)?.type, "Warning");
});

test("a retried create with the same ClientToken replays the first cache; the API's size and retention limits hold", async () => {
  const req = {
    imageCacheName: "replayed-cache",
    images: ["registry.example.com/app:1"],
    imageCacheSize: 32768,
    retentionDays: 65536,
    resourceGroupId: "rg-aekzexample",
    acrInstanceIds: ["cri-example1"],
    plainHttpRegistries: ["registry.internal:5000"],
    tags: [{ key: "alicloud-operator.io/imagecache-uid", value: "uid-replay" }],
    clientToken: clientTokenFor("uid-replay", "eci-imagecache:create:intent-1"),
  };
  const first = await h.cloud.eci.createImageCache(req);
  const again = await h.cloud.eci.createImageCache(req);
  assert.equal(again.imageCacheId, first.imageCacheId);
  const found = await h.cloud.eci.describeImageCaches({ tags: req.tags });
  assert.deepEqual(
    found.map((c) => [c.imageCacheId, c.imageCacheSize]),
    [[first.imageCacheId, 32768]],
  );
  await assert.rejects(
    h.provider({ maxRetries: 0 }).cloud.eci.createImageCache({
      ...req,
      imageCacheSize: 32769,
      clientToken: clientTokenFor("uid-replay", "too-big"),
    }),
    (e) => isCloudError(e, "InvalidParameter"),
  );
  await h.cloud.eci.deleteImageCache(first.imageCacheId);
});
