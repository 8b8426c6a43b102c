// Unit tests of the RPC wire helpers (wire.ts): param flattening and tolerant response readers.
import test from "node:test";
import assert from "node:assert/strict";
import { chunk, flattenParams, list, num, oneOf, strList } from "./wire";

test("flattenParams uses 1-based list indices and dotted object fields, and drops absent values", () => {
  assert.deepEqual(
    flattenParams({
      RegionId: "cn-hangzhou",
      Tag: [
        { Key: "a", Value: "1" },
        { Key: "b", Value: "2" },
      ],
      Image: ["nginx", "redis"],
      ZoneMappings: [{ ZoneId: "z", VSwitchId: "vsw" }],
      Bandwidth: -1,
      AutoMatch: false,
      Skip: undefined,
      Null: null,
    }),
    {
      RegionId: "cn-hangzhou",
      "Tag.1.Key": "a",
      "Tag.1.Value": "1",
      "Tag.2.Key": "b",
      "Tag.2.Value": "2",
      "Image.1": "nginx",
      "Image.2": "redis",
      "ZoneMappings.1.ZoneId": "z",
      "ZoneMappings.1.VSwitchId": "vsw",
      Bandwidth: "-1",
      AutoMatch: "false",
    },
  );
});

test("list reads XML-style wrappers, plain arrays, single objects and absent lists", () => {
  const body = {
    LoadBalancers: { LoadBalancer: [{ LoadBalancerId: "lb-1" }, { LoadBalancerId: "lb-2" }] },
    Listeners: [{ ListenerPort: 80 }],
    Single: { Item: { Id: "x" } },
  };
  assert.equal(list(body, "LoadBalancers", "LoadBalancer").length, 2);
  assert.equal(list(body, "Listeners").length, 1);
  assert.deepEqual(list(body, "Single", "Item"), [{ Id: "x" }]);
  assert.deepEqual(list(body, "Missing", "X"), []);
  assert.deepEqual(list({ LoadBalancers: "" }, "LoadBalancers", "LoadBalancer"), []);
});

test("readers tolerate numbers sent as strings (Go SDK fuzzy decoding)", () => {
  assert.equal(num({ Port: "80" }, "Port"), 80);
  assert.equal(num({ Port: 80 }, "Port"), 80);
  assert.equal(num({ Port: "" }, "Port"), undefined);
  assert.equal(num({ Port: "x" }, "Port"), undefined);
  assert.deepEqual(strList({ AclIds: { AclId: ["a", "b"] } }, "AclIds", "AclId"), ["a", "b"]);
});

test("oneOf matches case-insensitively and falls back on unknown values", () => {
  assert.equal(oneOf("ACTIVE", ["active", "inactive"] as const, "inactive"), "active");
  assert.equal(oneOf("weird", ["active", "inactive"] as const, "inactive"), "inactive");
  assert.equal(oneOf(undefined, ["a"] as const), undefined);
});

test("chunk splits into batches of the given size", () => {
  assert.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  assert.deepEqual(chunk([], 20), []);
});
