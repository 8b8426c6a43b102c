// Unit tests of the credential sources (credentials.ts): static keys and a mounted Secret directory.
import test from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCredential } from "./credentials";
import { isCloudError } from "../errors";
import { Redactor } from "../redact";

test("a mounted Secret directory supplies the keys, and they are registered for redaction", async () => {
  const dir = mkdtempSync(join(tmpdir(), "alicreds-"));
  writeFileSync(join(dir, "access-key-id"), "LTAIdirKeyId\n");
  writeFileSync(join(dir, "access-key-secret"), "dirSecretValue\n");
  const redactor = new Redactor();
  const cred = buildCredential({ source: "dir", dir }, redactor);
  const model = await cred.getCredential();
  assert.equal(model.accessKeyId, "LTAIdirKeyId");
  assert.equal(model.accessKeySecret, "dirSecretValue", "trailing newline of the Secret file trimmed");
  assert.equal(redactor.redact("id LTAIdirKeyId secret dirSecretValue"), "id <redacted> secret <redacted>");
});

test("a missing credential file fails without echoing any content", async () => {
  const dir = mkdtempSync(join(tmpdir(), "alicreds-"));
  writeFileSync(join(dir, "access-key-id"), "onlyTheId");
  const cred = buildCredential({ source: "dir", dir }, new Redactor());
  await assert.rejects(
    cred.getCredential(),
    (e: unknown) =>
      isCloudError(e, "Auth") &&
      e.code === "CredentialsUnavailable" &&
      /access-key-secret/.test(e.message) &&
      !/onlyTheId/.test(e.message),
  );
});

test("static keys are registered for redaction before any request", async () => {
  const redactor = new Redactor();
  const cred = buildCredential(
    { source: "static", accessKeyId: "AKstatic", accessKeySecret: "SKstatic" },
    redactor,
  );
  assert.equal(redactor.redact("AKstatic:SKstatic"), "<redacted>:<redacted>");
  assert.equal((await cred.getCredential()).accessKeySecret, "SKstatic");
});
