import test from "node:test";
import assert from "node:assert/strict";
import { mapConcurrent } from "./concurrency";

const tick = () => new Promise<void>((r) => setImmediate(r));

test("mapConcurrent keeps at most `limit` calls in flight and returns results in item order", async () => {
  let inFlight = 0;
  let most = 0;
  const out = await mapConcurrent([5, 1, 4, 2, 3], 2, async (n, i) => {
    inFlight++;
    most = Math.max(most, inFlight);
    for (let k = 0; k < n; k++) await tick();
    inFlight--;
    return `${i}:${n}`;
  });
  assert.deepEqual(out, ["0:5", "1:1", "2:4", "3:2", "4:3"]);
  assert.equal(most, 2);
});

test("mapConcurrent rejects with the first failure after the started calls settled, and starts no more", async () => {
  const started: number[] = [];
  let settled = 0;
  await assert.rejects(
    mapConcurrent([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await tick();
      settled++;
      if (n === 2) throw new Error("two");
      return n;
    }),
    /two/,
  );
  assert.equal(settled, started.length, "nothing still running when it rejects");
  assert.ok(!started.includes(5), `started ${started.join(",")}`);
});

test("mapConcurrent of nothing is nothing", async () => {
  assert.deepEqual(await mapConcurrent([], 4, () => Promise.resolve(1)), []);
});
