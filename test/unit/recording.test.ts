// recording<T>() from test/helpers/recording.ts: records calls in order, forwards them, and fails loudly on
// methods the double does not implement (the helper that replaces `as unknown as Provider` casts).
import test from "node:test";
import assert from "node:assert/strict";
import { recording } from "../helpers/recording";

interface Store {
  get(key: string): Promise<string>;
  put(key: string, value: string): Promise<void>;
  size(): number;
  readonly name: string;
}

test("records every call (method and arguments, in order) and forwards it to the implementation", async () => {
  const data = new Map<string, string>();
  const store = recording<Store>({
    get: async (key) => data.get(key) ?? "",
    put: async (key, value) => void data.set(key, value),
    name: "mem",
  });
  await store.put("a", "1");
  assert.equal(await store.get("a"), "1");
  assert.equal(store.name, "mem", "plain properties read through");
  assert.deepEqual(store.calls, [
    { method: "put", args: ["a", "1"] },
    { method: "get", args: ["a"] },
  ]);
  assert.equal(
    Reflect.get(store, "get"),
    Reflect.get(store, "get"),
    "a method is one function, however read",
  );
});

test("a method the double does not implement throws an error that names it, and the call is recorded", () => {
  const store = recording<Store>({});
  assert.throws(
    () => store.size(),
    /recording: size\(\) was called, but the test double does not implement it/,
  );
  assert.deepEqual(store.calls, [{ method: "size", args: [] }]);
});

test("a recording can be awaited and inspected: `then` and symbols are not treated as methods", async () => {
  const store = recording<Store>({ size: () => 3 });
  const same = await Promise.resolve(store);
  assert.equal(same.size(), 3);
  assert.equal(Object.prototype.toString.call(store), "[object Object]");
  assert.deepEqual(store.calls, [{ method: "size", args: [] }]);
});
