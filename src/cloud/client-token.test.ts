// Unit tests of clientTokenFor (client-token.ts): deterministic, 64 ASCII characters.
import test from "node:test";
import assert from "node:assert/strict";
import { clientTokenFor } from "./client-token";

test("client tokens are deterministic, ASCII and at most 64 characters", () => {
  const a = clientTokenFor("5e4dbfc9-c2ae-4642-b033-5607860aef6a", "clb:create");
  assert.equal(a, clientTokenFor("5e4dbfc9-c2ae-4642-b033-5607860aef6a", "clb:create"));
  assert.ok(a.length <= 64);
  assert.match(a, /^[\x21-\x7e]+$/);
});

test("client tokens differ by owner, by purpose, and are not fooled by concatenation", () => {
  const base = clientTokenFor("uid-1", "clb:create");
  assert.notEqual(base, clientTokenFor("uid-2", "clb:create"));
  assert.notEqual(base, clientTokenFor("uid-1", "clb:create:2"));
  assert.notEqual(clientTokenFor("ab", "c"), clientTokenFor("a", "bc"));
});

test("empty inputs are refused rather than silently shared", () => {
  assert.throws(() => clientTokenFor("", "x"));
  assert.throws(() => clientTokenFor("x", ""));
});
