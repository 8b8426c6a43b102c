// Fault injection, rate limits and the admin API, observed through the real SDK's error classes.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { ClientError, ServerError, ThrottlingError } from "@alicloud/openapi-core";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import {
  admin,
  goSdkV2,
  type Json,
  rawRequest,
  rejectsWith,
  rpcClient,
  SLB_VERSION,
  type Call,
} from "./helpers";

let emu: RunningEmulator;
let slb: Call;

before(async () => {
  emu = await startEmulator({ seed: 3 });
  slb = rpcClient(emu, SLB_VERSION);
});
after(() => emu.close());

test("failNext throttling surfaces as the SDK's ThrottlingError with retryAfter from x-acs-retry-after", async () => {
  await admin(emu, "POST", "faults", {
    id: "thr",
    match: { product: "slb", action: "Describe*" },
    failNext: 1,
    error: { httpStatus: 400, code: "Throttling.User", headers: { "x-acs-retry-after": "1500" } },
  });
  const e = await rejectsWith(slb("DescribeLoadBalancers"), "Throttling.User");
  assert.ok(e instanceof ThrottlingError, `got ${String(e.constructor?.name)}`);
  assert.equal(e.retryAfter, 1500);
  // The rule fired once and is spent; other products/actions were never affected.
  await slb("DescribeLoadBalancers");
  const log = await admin(emu, "GET", "requests?limit=2");
  assert.deepEqual(
    log.requests.map((r: Json) => [r.action, r.status, r.code, r.fault]),
    [
      ["DescribeLoadBalancers", 400, "Throttling.User", ["thr"]],
      ["DescribeLoadBalancers", 200, undefined, undefined],
    ],
  );
  await admin(emu, "DELETE", "faults");
});

test("pre faults do not execute the request; post faults execute it and lose the reply (ClientToken retry is safe)", async () => {
  await admin(emu, "POST", "faults", {
    match: { action: "CreateLoadBalancer" },
    failNext: 1,
    phase: "pre",
    error: { httpStatus: 503, code: "ServiceUnavailable" },
  });
  const pre = await rejectsWith(
    slb("CreateLoadBalancer", { LoadBalancerName: "pre-fault" }),
    "ServiceUnavailable",
  );
  assert.ok(pre instanceof ServerError);
  assert.equal(pre.statusCode, 503);
  assert.equal((await slb("DescribeLoadBalancers", { LoadBalancerName: "pre-fault" })).TotalCount, 0);

  await admin(emu, "POST", "faults", {
    match: { action: "CreateLoadBalancer" },
    failNext: 1,
    phase: "post",
    error: { httpStatus: 500, code: "InternalError" },
  });
  await rejectsWith(
    slb("CreateLoadBalancer", { LoadBalancerName: "post-fault", ClientToken: "pf-1" }),
    "InternalError",
  );
  const listed = await slb("DescribeLoadBalancers", { LoadBalancerName: "post-fault" });
  assert.equal(listed.TotalCount, 1, "a post fault applies the change");
  const retry = await slb("CreateLoadBalancer", { LoadBalancerName: "post-fault", ClientToken: "pf-1" });
  assert.equal(retry.LoadBalancerId, listed.LoadBalancers.LoadBalancer[0].LoadBalancerId);
  assert.equal((await slb("DescribeLoadBalancers", { LoadBalancerName: "post-fault" })).TotalCount, 1);
  await admin(emu, "DELETE", "faults");
});

test("probability 0 never fires, probability 1 always fires, latency is added, rules can be listed and removed", async () => {
  await admin(emu, "POST", "faults", {
    faults: [
      {
        id: "never",
        match: { action: "DescribeLoadBalancers" },
        probability: 0,
        error: { httpStatus: 503, code: "ServiceUnavailable" },
      },
      {
        id: "always",
        match: { product: "eci" },
        probability: 1,
        error: { httpStatus: 400, code: "InvalidParameter", message: "nope" },
      },
      { id: "slow", match: { action: "DescribeLoadBalancerListeners" }, latencyMs: 150 },
    ],
  });
  for (let i = 0; i < 10; i++) await slb("DescribeLoadBalancers");
  const eci = rpcClient(emu, "2018-08-08");
  const e = await rejectsWith(eci("DescribeImageCaches"), "InvalidParameter");
  assert.ok(e instanceof ClientError);
  const t0 = performance.now();
  await slb("DescribeLoadBalancerListeners");
  assert.ok(performance.now() - t0 >= 140, "latency rule adds delay");
  assert.deepEqual(
    (await admin(emu, "GET", "faults")).faults.map((f: Json) => f.id),
    ["never", "always", "slow"],
  );
  await admin(emu, "DELETE", "faults/always");
  await eci("DescribeImageCaches");
  await admin(emu, "DELETE", "faults");
  assert.deepEqual((await admin(emu, "GET", "faults")).faults, []);
  const bad = await rawRequest(emu, {
    path: "/_emulator/faults",
    body: JSON.stringify({ probability: 3 }),
    headers: { "content-type": "application/json" },
  });
  assert.equal(bad.status, 400);
});

test("per-action rate limit answers Throttling.User with x-acs-retry-after", async () => {
  // 0.5 rps: a burst of one, then one token every 2 s — far wider than any scheduling jitter.
  const limited = await startEmulator({ rateLimitRps: 0.5 });
  try {
    const first = await goSdkV2(limited, "DescribeLoadBalancers", {});
    assert.equal(first.status, 200);
    const second = await goSdkV2(limited, "DescribeLoadBalancers", {});
    assert.equal(second.status, 400);
    assert.equal(second.body.Code, "Throttling.User");
    const retryAfterMs = Number(second.headers["x-acs-retry-after"]);
    assert.ok(retryAfterMs > 1000 && retryAfterMs <= 2000, `retry after ${retryAfterMs}`);
    // Another action has its own bucket.
    assert.equal((await goSdkV2(limited, "DescribeTags", {})).status, 200);
  } finally {
    await limited.close();
  }
});

test("admin: health, state, reset, clock", async () => {
  const h = await admin(emu, "GET", "health");
  assert.equal(h.status, "ok");
  await slb("CreateLoadBalancer", { LoadBalancerName: "to-reset" });
  const state = await admin(emu, "GET", "state");
  assert.ok(
    Object.values(state.collections["slb.lb"]).some((lb: Json) => lb.LoadBalancerName === "to-reset"),
  );
  const before = (await admin(emu, "GET", "health")).nowMs as number;
  const adv = await admin(emu, "POST", "clock/advance", { ms: 60_000 });
  assert.ok(adv.nowMs - before >= 60_000);
  await admin(emu, "POST", "reset");
  assert.equal((await slb("DescribeLoadBalancers")).TotalCount, 0);
  assert.equal((await admin(emu, "GET", "health")).clockOffsetMs, 0);
  const unknown = await rawRequest(emu, { method: "GET", path: "/_emulator/nope" });
  assert.equal(unknown.status, 404);
});

test("network faults: reset drops the connection, hang runs into the SDK's read timeout, post-reset still applies", async () => {
  await admin(emu, "POST", "faults", { match: { action: "DescribeTags" }, failNext: 1, network: "reset" });
  await assert.rejects(
    slb("DescribeTags"),
    (e: Json) =>
      !("statusCode" in e && e.statusCode >= 400) &&
      /socket|ECONNRESET|hang up/i.test(String(e.message) + String(e.code)),
  );
  await slb("DescribeTags");

  const impatient = rpcClient(emu, SLB_VERSION, { readTimeout: 300, connectTimeout: 300 });
  await admin(emu, "POST", "faults", { match: { action: "DescribeTags" }, failNext: 1, network: "hang" });
  const t0 = performance.now();
  await assert.rejects(impatient("DescribeTags"), (e: Json) =>
    /timeout/i.test(String(e.name) + String(e.message) + String(e.code)),
  );
  assert.ok(performance.now() - t0 >= 250);

  await admin(emu, "POST", "faults", {
    match: { action: "CreateLoadBalancer" },
    failNext: 1,
    phase: "post",
    network: "reset",
  });
  await assert.rejects(slb("CreateLoadBalancer", { LoadBalancerName: "reset-after-apply" }));
  assert.equal((await slb("DescribeLoadBalancers", { LoadBalancerName: "reset-after-apply" })).TotalCount, 1);
  const log = await admin(emu, "GET", "requests?limit=20");
  assert.ok(log.requests.some((r: Json) => r.action === "CreateLoadBalancer" && r.code === "network.reset"));
  await admin(emu, "DELETE", "faults");
});

test("admin: transitions are configurable (option and API) and credentials can be added at run time", async () => {
  const fast = await startEmulator({ transitions: { eciPreparingMs: 0, eciCreatingMs: 0 } });
  try {
    const eci = rpcClient(fast, "2018-08-08");
    const { ImageCacheId } = await eci("CreateImageCache", { ImageCacheName: "instant", Image: ["busybox"] });
    assert.equal((await eci("DescribeImageCaches", { ImageCacheId })).ImageCaches[0].Status, "Ready");
    const t = await admin(fast, "POST", "transitions", { eciUpdatingMs: 60_000 });
    assert.equal(t.transitions.eciUpdatingMs, 60_000);
    await eci("UpdateImageCache", { ImageCacheId, Image: ["busybox:2"] });
    await admin(fast, "POST", "clock/advance", { ms: 30_000 });
    assert.equal((await eci("DescribeImageCaches", { ImageCacheId })).ImageCaches[0].Status, "Updating");
    const bad = await rawRequest(fast, {
      path: "/_emulator/transitions",
      body: JSON.stringify({ albMs: -1 }),
    });
    assert.equal(bad.status, 400);

    await rejectsWith(
      rpcClient(fast, SLB_VERSION, { accessKeyId: "ak2", accessKeySecret: "s2" })("DescribeTags"),
      "InvalidAccessKeyId.NotFound",
    );
    const creds = await admin(fast, "POST", "credentials", { accessKeyId: "ak2", accessKeySecret: "s2" });
    assert.deepEqual(creds.accessKeyIds, ["testAk", "ak2"]);
    assert.ok(
      !JSON.stringify(await admin(fast, "GET", "credentials")).includes("s2"),
      "secrets are never listed",
    );
    await rpcClient(fast, SLB_VERSION, { accessKeyId: "ak2", accessKeySecret: "s2" })("DescribeTags");
  } finally {
    await fast.close();
  }
});
