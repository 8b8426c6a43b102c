// dockerconfigjson Secrets to registry credentials; problems never carry secret material.
import test from "node:test";
import assert from "node:assert/strict";
import { credentialsFromSecret, registryHost } from "./pull-secrets";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const secret = (auths: unknown, type = "kubernetes.io/dockerconfigjson") => ({
  type,
  data: { ".dockerconfigjson": b64(JSON.stringify({ auths })) },
});

test("username/password and auth forms; servers as hosts", () => {
  const creds = credentialsFromSecret(
    "default:regcred",
    secret({
      "https://registry.example.com/v1/": { username: "u1", password: "p1" },
      "other.example.com:5000": { auth: b64("u2:p:2") },
    }),
  );
  assert.deepEqual(creds, [
    { server: "registry.example.com", userName: "u1", password: "p1" },
    { server: "other.example.com:5000", userName: "u2", password: "p:2" },
  ]);
  assert.equal(registryHost("http://a.b/c"), "a.b");
});

test("problems name the Secret and what is wrong, never a value", () => {
  assert.equal(credentialsFromSecret("ns:x", undefined), "pull secret ns:x not found");
  assert.match(
    credentialsFromSecret("ns:x", secret({}, "Opaque")) as string,
    /has type "Opaque"; want kubernetes.io\/dockerconfigjson/,
  );
  assert.equal(
    credentialsFromSecret("ns:x", { type: "kubernetes.io/dockerconfigjson", data: {} }),
    "pull secret ns:x has no .dockerconfigjson",
  );
  assert.match(
    credentialsFromSecret("ns:x", {
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": b64("{no") },
    }) as string,
    /not valid JSON/,
  );
  const noPassword = credentialsFromSecret("ns:x", secret({ "r.example.com": { username: "hunter" } }));
  assert.equal(noPassword, "pull secret ns:x: registry r.example.com has no username and password");
  assert.equal(credentialsFromSecret("ns:x", secret({})), "pull secret ns:x lists no registry");
});
