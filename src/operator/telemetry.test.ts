import test from "node:test";
import assert from "node:assert/strict";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { histogramBuckets, parseExposition, select } from "../metrics/parse";
import { operatorRegistry } from "../metrics/operator";
import { admissionDecision, peprRoutesBound, readinessReport, timedAdmission } from "./telemetry";

test("admissionDecision reads the reply: allowed, patched, denied, or error for anything else", () => {
  const reply = (response: object) => JSON.stringify({ apiVersion: "admission.k8s.io/v1", response });
  assert.equal(admissionDecision(200, reply({ uid: "1", allowed: true })), "allowed");
  assert.equal(admissionDecision(200, reply({ uid: "1", allowed: true, patch: "W10=" })), "patched");
  assert.equal(admissionDecision(200, reply({ uid: "1", allowed: false, status: { code: 400 } })), "denied");
  assert.equal(admissionDecision(500, "Internal Server Error"), "error");
  assert.equal(admissionDecision(401, "Unauthorized"), "error");
  assert.equal(admissionDecision(200, "not json"), "error");
  assert.equal(admissionDecision(200, "{}"), "error");
});

test("readinessReport: 503 with the failing check named, 200 when all pass", () => {
  assert.deepEqual(
    readinessReport({
      ready: false,
      checks: [
        { name: "controller clb-service", ok: true, detail: "stores seeded" },
        {
          name: "cloud",
          ok: false,
          detail: "last cloud call slb:X failed: network.ECONNREFUSED (Unavailable)",
        },
      ],
    }),
    {
      status: 503,
      body:
        "[+]controller clb-service ok: stores seeded\n" +
        "[-]cloud failed: last cloud call slb:X failed: network.ECONNREFUSED (Unavailable)\n" +
        "readyz check failed\n",
    },
  );
  assert.equal(readinessReport({ ready: true, checks: [] }).status, 200);
});

/** A stand-in for Pepr's express app: parses the review onto req.body (as express.json does) and answers. */
function fakePepr(answer: (review: { request: { uid: string } }) => object | undefined) {
  return (req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const review = JSON.parse(body) as { request: { uid: string } };
      (req as IncomingMessage & { body: unknown }).body = review;
      const response = answer(review);
      if (!response) {
        res.statusCode = 500;
        res.end("Internal Server Error");
        return;
      }
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response }));
    });
  };
}

function post(port: number, path: string, review: object): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: "POST" }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(JSON.stringify(review));
  });
}

test("timedAdmission counts and times each review by webhook, kind, operation and decision", async () => {
  const server = http.createServer(
    timedAdmission(
      fakePepr((r) => {
        if (r.request.uid === "crash") return undefined;
        if (r.request.uid === "deny") return { uid: "deny", allowed: false };
        if (r.request.uid === "patch") return { uid: "patch", allowed: true, patch: "W10=" };
        return { uid: r.request.uid, allowed: true };
      }),
    ),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const review = (uid: string, operation = "CREATE") => ({
    request: { uid, kind: { group: "", version: "v1", kind: "TestKind" }, operation },
  });
  try {
    assert.equal(await post(port, "/mutate/abc", review("patch")), 200);
    assert.equal(await post(port, "/validate/abc", review("ok")), 200);
    assert.equal(await post(port, "/validate/abc", review("deny", "UPDATE")), 200);
    assert.equal(await post(port, "/validate/abc", review("crash")), 500);
    assert.equal(await post(port, "/healthz", review("not-a-review")), 200);
  } finally {
    server.close();
  }
  const samples = parseExposition(operatorRegistry.expose());
  const count = (labels: Record<string, string>) =>
    select(samples, "alicloud_operator_admission_requests_total", { kind: "TestKind", ...labels }).map(
      (s) => s.value,
    );
  assert.deepEqual(count({ webhook: "mutate", operation: "CREATE", decision: "patched" }), [1]);
  assert.deepEqual(count({ webhook: "validate", operation: "CREATE", decision: "allowed" }), [1]);
  assert.deepEqual(count({ webhook: "validate", operation: "UPDATE", decision: "denied" }), [1]);
  assert.deepEqual(count({ webhook: "validate", operation: "CREATE", decision: "error" }), [1]);
  assert.equal(count({}).length, 4, "requests outside /mutate and /validate are not counted");
  const validate = histogramBuckets(samples, "alicloud_operator_admission_duration_seconds", {
    webhook: "validate",
    kind: "TestKind",
  });
  assert.equal(validate.get(Infinity), 3);
});

/** Pepr's own express (5), untyped in this repository: only what the test calls. */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
interface App {
  use(h: unknown): void;
  get(path: string, h: Handler): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a dependency of Pepr, loaded as Pepr loads it
const express = require("express") as { (): App; json(): unknown };

test("peprRoutesBound: ready once Pepr bound /healthz on its express app (it does so when its store is loaded)", () => {
  const app = express();
  app.use(express.json());
  app.get("/readyz", (_req, res) => void res.end("ours"));
  assert.equal(peprRoutesBound(app as never).ok, false);
  app.get("/healthz", (_req, res) => void res.end("OK"));
  assert.deepEqual(peprRoutesBound(app as never), {
    ok: true,
    detail: "Pepr's store loaded, its routes bound",
  });
  assert.equal(peprRoutesBound({}).ok, true, "an unknown router shape does not block readiness");
});
