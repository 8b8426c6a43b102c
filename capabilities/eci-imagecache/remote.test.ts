// The shared listing: one DescribeImageCaches by cluster tag answers many reads while fresh, a write
// forces a newer listing, a cache missing from it is looked up by id, and a failed listing is not kept.
import test from "node:test";
import assert from "node:assert/strict";
import type { EciImageCache, EciProvider } from "../../src/cloud";
import { recording } from "../../test/helpers/recording";
import { ImageCacheLister } from "./remote";

const cache = (id: string): EciImageCache => ({
  imageCacheId: id,
  imageCacheName: id,
  status: "Ready",
  progress: "100%",
  images: [],
  imageCacheSize: 20,
  creationTime: "t",
  events: [],
  tags: [{ key: "ack.aliyun.com", value: "c1" }],
});

test("one listing answers every read while fresh; older than maxAge or than a write: a new one", async () => {
  let now = 0;
  let fail = false;
  const eci = recording<EciProvider>({
    describeImageCaches: async (q) => {
      if (fail && q.tags) throw new Error("throttled");
      if (q.tags) return [cache("imc-a"), cache("imc-b")];
      return q.imageCacheId === "imc-late" ? [cache("imc-late")] : [];
    },
  });
  const lister = new ImageCacheLister(eci, "c1", 1_000, () => now);
  const listings = () => eci.calls.filter((c) => (c.args[0] as { tags?: unknown }).tags).length;
  assert.equal((await lister.byId("imc-a"))?.imageCacheId, "imc-a");
  assert.equal((await lister.byId("imc-b"))?.imageCacheId, "imc-b");
  assert.equal(listings(), 1);
  assert.deepEqual(eci.calls[0].args[0], { tags: [{ key: "ack.aliyun.com", value: "c1" }] });
  now = 500;
  await lister.byId("imc-a", 400); // a write at 400: the listing from 0 is too old for it
  assert.equal(listings(), 2);
  now = 1_600;
  await lister.byId("imc-a");
  assert.equal(listings(), 3, "older than maxAge");
  assert.equal((await lister.byId("imc-late"))?.imageCacheId, "imc-late", "not listed: looked up by id");
  assert.equal(await lister.byId("imc-gone"), undefined);
  now = 5_000;
  fail = true;
  await assert.rejects(lister.byId("imc-a"), /throttled/);
  fail = false;
  assert.equal((await lister.byId("imc-a"))?.imageCacheId, "imc-a", "the failed listing is not reused");
});
