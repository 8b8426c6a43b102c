// Unit tests of Transport (transport.ts): retries, rate limits and ambiguous outcomes over a fake client.
import test from "node:test";
import assert from "node:assert/strict";
import OpenApi, { $OpenApiUtil } from "@alicloud/openapi-core";
import { Transport, type CloudEvent } from "./transport";
import { CloudError } from "../errors";
import { inBackground, TokenBucket, type Clock } from "../rate-limiter";
import { Redactor } from "../redact";

const instantClock: Clock = { nowMs: () => 0, sleep: async () => undefined };

function makeTransport(
  events: CloudEvent[] = [],
  bucketFor: () => TokenBucket = () => new TokenBucket(1000, 1000, instantClock),
): { t: Transport; sleeps: number[] } {
  const sleeps: number[] = [];
  // The RPC clients are never called here: these tests drive `invoke` with closures.
  const unused = new OpenApi(
    new $OpenApiUtil.Config({ endpoint: "127.0.0.1:1", protocol: "http", regionId: "cn-hangzhou" }),
  );
  const t = new Transport({
    regionId: "cn-hangzhou",
    redactor: new Redactor(),
    bucketFor,
    retryPolicy: { maxRetries: 3, baseMs: 10, capMs: 100 },
    retryDeps: { sleep: async (ms) => void sleeps.push(ms), random: () => 0 },
    rpcClients: { slb: unused, alb: unused, eci: unused, ecs: unused, vpc: unused, cas: unused },
    onEvent: (e) => events.push(e),
  });
  return { t, sleeps };
}

const sdkError = (code: string, statusCode: number) =>
  Object.assign(new Error(code), { code, statusCode, data: { Code: code, Message: code } });

test("retryable kinds are retried and reported; the call then succeeds", async () => {
  const events: CloudEvent[] = [];
  const { t } = makeTransport(events);
  let calls = 0;
  const out = await t.invoke("slb", "CreateLoadBalancer", async () => {
    if (++calls < 3) throw sdkError("Throttling.User", 400);
    return "done";
  });
  assert.equal(out, "done");
  assert.equal(calls, 3);
  assert.deepEqual(
    events.filter((e) => e.type === "retry").map((e) => (e.type === "retry" ? e.kind : "")),
    ["Throttled", "Throttled"],
  );
});

test("non-retryable kinds fail at once as CloudError", async () => {
  const { t } = makeTransport();
  let calls = 0;
  await assert.rejects(
    t.invoke("slb", "DescribeLoadBalancerAttribute", async () => {
      calls++;
      throw sdkError("InvalidLoadBalancerId.NotFound", 404);
    }),
    (e: unknown) =>
      e instanceof CloudError && e.kind === "NotFound" && e.action === "slb:DescribeLoadBalancerAttribute",
  );
  assert.equal(calls, 1);
});

test("after an ambiguous failure, NotFound on a retried delete means the first attempt worked", async () => {
  const { t } = makeTransport();
  let calls = 0;
  await t.invoke(
    "slb",
    "DeleteLoadBalancer",
    async () => {
      calls++;
      if (calls === 1) throw sdkError("ServiceUnavailable", 503);
      throw sdkError("InvalidLoadBalancerId.NotFound", 404);
    },
    { alreadyDone: { kinds: ["NotFound"], result: () => undefined } },
  );
  assert.equal(calls, 2);
});

test("without an earlier ambiguous failure, NotFound on delete is reported", async () => {
  const { t } = makeTransport();
  await assert.rejects(
    t.invoke(
      "slb",
      "DeleteLoadBalancer",
      async () => {
        throw sdkError("InvalidLoadBalancerId.NotFound", 404);
      },
      { alreadyDone: { kinds: ["NotFound"], result: () => undefined } },
    ),
    (e: unknown) => e instanceof CloudError && e.kind === "NotFound",
  );
});

test("retries stop after maxRetries", async () => {
  const { t, sleeps } = makeTransport();
  let calls = 0;
  await assert.rejects(
    t.invoke("alb", "CreateListener", async () => {
      calls++;
      throw sdkError("IncorrectStatus.LoadBalancer", 400);
    }),
    (e: unknown) => e instanceof CloudError && e.kind === "Busy",
  );
  assert.equal(calls, 4);
  assert.equal(sleeps.length, 3);
});

test("recover() after an ambiguous failure adopts what the failed attempt made", async () => {
  const { t } = makeTransport();
  let creates = 0;
  const out = await t.invoke(
    "slb",
    "CreateVServerGroup",
    async () => {
      creates++;
      throw sdkError("ServiceUnavailable", 503);
    },
    { recover: async () => "rsp-adopted" },
  );
  assert.equal(out, "rsp-adopted");
  assert.equal(creates, 1);
});

test("recover() finding nothing lets the retry go ahead; it is not consulted for definite failures", async () => {
  const { t } = makeTransport();
  let recovers = 0;
  let calls = 0;
  const out = await t.invoke(
    "slb",
    "CreateVServerGroup",
    async () => {
      calls++;
      if (calls === 1) throw sdkError("Throttling.User", 400);
      if (calls === 2) throw sdkError("ServiceUnavailable", 503);
      return "rsp-new";
    },
    {
      recover: async () => {
        recovers++;
        return undefined;
      },
    },
  );
  assert.equal(out, "rsp-new");
  assert.equal(calls, 3);
  assert.equal(recovers, 1, "only after the 503, not after the throttle");
});

test("inside inBackground, mutating calls take the bucket's background lane; reads and other calls do not", async () => {
  const lanes: string[] = [];
  class RecordingBucket extends TokenBucket {
    override acquire(): Promise<number> {
      lanes.push("foreground");
      return super.acquire();
    }
    override acquireBackground(): Promise<number> {
      lanes.push("background");
      return super.acquireBackground();
    }
  }
  const { t } = makeTransport([], () => new RecordingBucket(1000, 1000, instantClock));
  const call = (action: string) => t.invoke("alb", action, () => Promise.resolve(action));
  await inBackground(async () => {
    await call("CreateServerGroup");
    await call("ListAsynJobs");
    await Promise.all([call("AddServersToServerGroup"), call("GetLoadBalancerAttribute")]);
  });
  await call("CreateServerGroup");
  assert.deepEqual(lanes, ["background", "foreground", "background", "foreground", "foreground"]);
});
