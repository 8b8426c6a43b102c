// ECI image caches through generic callApi: asynchronous statuses on the virtual clock, events, guards.
// (The ALB part of this file moved to alb.test.ts.)
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { admin, ECI_VERSION, type Json, rejectsWith, rpcClient, type Call } from "./helpers";

let emu: RunningEmulator;
let eci: Call;

before(async () => {
  emu = await startEmulator({ seed: 5, quotas: { imageCachesPerAccount: 3 } });
  eci = rpcClient(emu, ECI_VERSION);
});
after(() => emu.close());

const advance = (ms: number): Promise<Json> => admin(emu, "POST", "clock/advance", { ms });

test("ECI: Preparing → Creating (progress) → Ready, update guard, events, unknown ids, delete", async () => {
  const created = await eci("CreateImageCache", {
    ImageCacheName: "cache-one",
    Image: ["nginx:1.27", "redis:7"],
    ImageCacheSize: 30,
    ClientToken: "imc-tok",
    Tag: [{ Key: "k", Value: "v" }],
  });
  const id: string = created.ImageCacheId;
  assert.match(id, /^imc-bp1[a-z0-9]{17}$/);
  assert.match(created.ContainerGroupId, /^eci-/);
  const describe = async (): Promise<Json> =>
    (await eci("DescribeImageCaches", { ImageCacheId: id })).ImageCaches[0];
  let c = await describe();
  assert.deepEqual([c.Status, c.Progress], ["Preparing", "0%"]);
  await rejectsWith(
    eci("UpdateImageCache", { ImageCacheId: id, Image: ["nginx:1.28"] }),
    "IncorrectStatus.ImageCache",
  );
  await advance(2_000 + 2_500);
  c = await describe();
  assert.deepEqual([c.Status, c.Progress], ["Creating", "50%"]);
  await advance(2_500);
  c = await describe();
  assert.deepEqual([c.Status, c.Progress, c.ImageCacheSize], ["Ready", "100%", 30]);
  assert.deepEqual(c.Images, ["nginx:1.27", "redis:7"]);
  assert.deepEqual(
    c.Events.map((e: Json) => e.Reason),
    ["Started", "Pulling", "Succeeded"],
  );
  assert.deepEqual(c.Tags, [{ Key: "k", Value: "v" }]);

  await eci("UpdateImageCache", { ImageCacheId: id, Image: ["nginx:1.28"] });
  c = await describe();
  assert.equal(c.Status, "Updating");
  await advance(5_000);
  c = await describe();
  assert.deepEqual([c.Status, c.Images], ["Ready", ["nginx:1.28"]]);

  assert.deepEqual(
    (await eci("DescribeImageCaches", { ImageCacheId: "imc-bp1unknown000000000" })).ImageCaches,
    [],
  );
  await rejectsWith(
    eci("DeleteImageCache", { ImageCacheId: "imc-bp1unknown000000000" }),
    "InvalidImageCacheId.NotFound",
  );
  await rejectsWith(eci("CreateImageCache", { ImageCacheName: "no-images" }), "MissingImage");
  await eci("DeleteImageCache", { ImageCacheId: id });
  assert.deepEqual((await eci("DescribeImageCaches", { ImageCacheId: id })).ImageCaches, []);
});

test("ECI: a failing image ends Failed with a Warning event; retention expiry deletes; quota", async () => {
  const { ImageCacheId: bad } = await eci("CreateImageCache", {
    ImageCacheName: "bad",
    Image: ["example.com/emulator-fail:1"],
  });
  const { ImageCacheId: short } = await eci("CreateImageCache", {
    ImageCacheName: "short",
    Image: ["busybox"],
    RetentionDays: 1,
  });
  await advance(7_000);
  const failed = (await eci("DescribeImageCaches", { ImageCacheId: bad })).ImageCaches[0];
  assert.equal(failed.Status, "Failed");
  assert.equal(failed.Events.at(-1).Type, "Warning");
  const ready = (await eci("DescribeImageCaches", { ImageCacheId: short })).ImageCaches[0];
  assert.equal(ready.Status, "Ready");
  assert.ok(ready.ExpireDateTime);
  await eci("CreateImageCache", { ImageCacheName: "third", Image: ["busybox"] });
  await rejectsWith(
    eci("CreateImageCache", { ImageCacheName: "fourth", Image: ["busybox"] }),
    "QuotaExceeded.ImageCache",
  );
  await advance(86_400_000);
  assert.deepEqual((await eci("DescribeImageCaches", { ImageCacheId: short })).ImageCaches, []);
  assert.deepEqual((await eci("DescribeImageCaches", { ImageCacheId: bad })).ImageCaches, []);
});
