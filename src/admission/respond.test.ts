import test from "node:test";
import assert from "node:assert/strict";
import { guardedValidate, respond } from "./respond";

/** A stand-in for Pepr's request: records the answer the hook gave. */
function fakeRequest() {
  const answers: Array<{ allowed: boolean; detail?: string | string[] }> = [];
  return {
    answers,
    Approve: (warnings?: string[]) => {
      answers.push({ allowed: true, detail: warnings });
      return { allowed: true } as never;
    },
    Deny: (message?: string) => {
      answers.push({ allowed: false, detail: message });
      return { allowed: false } as never;
    },
  };
}

test("an allowed decision approves with its warnings; a denied one lists every error", () => {
  const req = fakeRequest();
  respond(req, { allowed: true, errors: [], warnings: [] });
  respond(req, { allowed: true, errors: [], warnings: ["port 80 ignored"] });
  respond(req, { allowed: false, errors: ["a is bad", "b is bad"], warnings: [] });
  assert.deepEqual(req.answers, [
    { allowed: true, detail: undefined },
    { allowed: true, detail: ["port 80 ignored"] },
    { allowed: false, detail: "a is bad; b is bad" },
  ]);
});

test("a hook that throws still answers: denied, with the reason", async () => {
  const req = fakeRequest();
  const hook = guardedValidate("Service", () => {
    throw new Error("store not ready");
  });
  await hook(req);
  assert.deepEqual(req.answers, [
    { allowed: false, detail: "internal error while validating the Service, try again: store not ready" },
  ]);
});
