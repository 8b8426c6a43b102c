// helm uninstall's post-delete hook: once the operator's Deployments are gone, removes our finalizers so
// Services, Ingresses, AlbConfigs and ImageCaches stay deletable. Cloud resources are left as they are
// (README "Uninstall"). Plain node, no dependencies: runs in Pepr's controller image with the Job's token.
"use strict";
const https = require("node:https");
const fs = require("node:fs");

const saDir = process.env.SA_DIR || "/var/run/secrets/kubernetes.io/serviceaccount";
const host = process.env.KUBERNETES_SERVICE_HOST;
const port = process.env.KUBERNETES_SERVICE_PORT || "443";
const targets = JSON.parse(process.env.DRAIN_TARGETS || "[]");
const podNamespace = process.env.DRAIN_POD_NAMESPACE;
const podSelector = process.env.DRAIN_POD_SELECTOR;
const token = fs.readFileSync(`${saDir}/token`, "utf8").trim();
const ca = fs.readFileSync(`${saDir}/ca.crt`);

/** One request; 429 and 5xx answers (API server starting, throttling) are retried for up to a minute. */
async function request(method, path, body, contentType) {
  for (let attempt = 1; ; attempt++) {
    const r = await requestOnce(method, path, body, contentType);
    if ((r.status !== 429 && r.status < 500) || attempt >= 30) return r;
    console.log(`${method} ${path}: ${r.status}, retrying`);
    await sleep(2000);
  }
}

function requestOnce(method, path, body, contentType) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      {
        host,
        port,
        path,
        method,
        ca,
        servername: process.env.KUBERNETES_SERVICE_SERVERNAME || undefined,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(data ? { "content-type": contentType, "content-length": Buffer.byteLength(data) } : {}),
        },
        timeout: 30000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => {
          let parsed = {};
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            parsed = { message: text };
          }
          resolve({ status: res.statusCode, body: parsed });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded) until no operator pod is left, so none can add a finalizer back. */
async function waitForOperatorPods() {
  if (!podNamespace || !podSelector) return;
  const path = `/api/v1/namespaces/${podNamespace}/pods?labelSelector=${encodeURIComponent(podSelector)}`;
  for (let i = 0; i < 60; i++) {
    const r = await request("GET", path);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    if ((r.body.items || []).length === 0) return;
    console.log(`waiting for ${r.body.items.length} operator pod(s) to end`);
    await sleep(2000);
  }
  console.log("operator pods still present after 120 s; draining anyway");
}

/** One pass over every target; returns how many finalizers it removed. */
async function drainOnce() {
  let removed = 0;
  for (const t of targets) {
    const listPath = `${t.prefix}/${t.plural}`;
    const list = await request("GET", listPath);
    if (list.status === 404) continue; // the CRD is not installed
    if (list.status !== 200) throw new Error(`GET ${listPath}: ${list.status} ${JSON.stringify(list.body)}`);
    for (const item of list.body.items || []) {
      const finalizers = item.metadata.finalizers || [];
      const kept = finalizers.filter((f) => !t.finalizers.includes(f));
      if (kept.length === finalizers.length) continue;
      const ns = item.metadata.namespace;
      const scope = ns ? `${t.prefix}/namespaces/${encodeURIComponent(ns)}` : t.prefix;
      const path = `${scope}/${t.plural}/${encodeURIComponent(item.metadata.name)}`;
      // test-then-replace: a concurrent change makes the patch fail and the next pass retries.
      const r = await request(
        "PATCH",
        path,
        [
          { op: "test", path: "/metadata/finalizers", value: finalizers },
          { op: "replace", path: "/metadata/finalizers", value: kept },
        ],
        "application/json-patch+json",
      );
      if (r.status === 200) {
        removed += finalizers.length - kept.length;
        console.log(`removed ${finalizers.filter((f) => !kept.includes(f)).join(",")} from ${path}`);
      } else if (r.status !== 404) {
        console.log(`PATCH ${path}: ${r.status} ${r.body.message || ""} (retried next pass)`);
        removed += 1; // not done: make the caller pass again
      }
    }
  }
  return removed;
}

async function main() {
  await waitForOperatorPods();
  for (let pass = 1; pass <= 5; pass++) {
    const removed = await drainOnce();
    if (removed === 0) {
      console.log(`drain complete after ${pass} pass(es)`);
      return;
    }
    await sleep(1000);
  }
  throw new Error("finalizers still present after 5 passes");
}

main().catch((e) => {
  console.error(`drain failed: ${e.message}`);
  process.exit(1);
});
