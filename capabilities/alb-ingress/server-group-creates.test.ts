// ServerGroupCreates over a recorded AlbProvider whose jobs finish when the test says: one create per token
// and one add per (group, servers) however many ask, groups reported in flight until their job and first
// servers are done, failures forgotten, different adds to one group one after another.
import test from "node:test";
import assert from "node:assert/strict";
import {
  CloudError,
  type AlbCreateServerGroupRequest,
  type AlbProvider,
  type AlbServer,
} from "../../src/cloud";
import { recording } from "../../test/helpers/recording";
import { ServerGroupCreates } from "./server-group-creates";

const TAGS = [{ key: "ack.aliyun.com", value: "c1" }];

const req = (name: string, token = `token-${name}`): AlbCreateServerGroupRequest => ({
  serverGroupName: name,
  serverGroupType: "Instance",
  vpcId: "vpc-1",
  healthCheckConfig: { healthCheckEnabled: false },
  tags: TAGS,
  clientToken: token,
});

const server = (id: string): AlbServer => ({ serverId: id, serverType: "Ecs", port: 30080, weight: 100 });

/** A provider whose every job waits until `finish(jobId)`; ids and job ids count up. */
function fakeAlb(opts: { failCreate?: boolean } = {}) {
  const jobs = new Map<string, () => void>();
  let n = 0;
  const alb = recording<AlbProvider>({
    createServerGroup: async () => {
      if (opts.failCreate)
        throw new CloudError({ kind: "Throttled", code: "Throttling", message: "slow down" });
      n++;
      return { serverGroupId: `sgp-${n}`, jobId: `job-create-${n}` };
    },
    addServers: async () => {
      n++;
      return [{ jobId: `job-add-${n}` }];
    },
    waitForJobs: (ids) => new Promise<void>((resolve) => jobs.set(ids[0], resolve)),
  });
  const tick = () => new Promise((r) => setImmediate(r));
  const finish = async (jobId: string) => {
    for (let i = 0; i < 20 && !jobs.has(jobId); i++) await tick();
    const done = jobs.get(jobId);
    assert.ok(done, `no wait for ${jobId}; waiting: ${[...jobs.keys()].join(", ")}`);
    done();
    await tick();
  };
  return { alb, finish, tick, count: (m: string) => alb.calls.filter((c) => c.method === m).length };
}

test("one create per token: a second asker shares the call and its job; the group is in flight until then", async () => {
  const f = fakeAlb();
  const creates = new ServerGroupCreates(f.alb);
  const first = creates.create(req("web"));
  const second = creates.create(req("web"));
  assert.deepEqual(creates.inFlight(), [{ name: "web", tags: TAGS }]);
  await f.finish("job-create-1");
  assert.deepEqual(await Promise.all([first, second]), ["sgp-1", "sgp-1"]);
  assert.equal(f.count("createServerGroup"), 1);
  assert.deepEqual(creates.inFlight(), []);
  // Finished and remembered: asked again, no call.
  assert.equal(await creates.create(req("web")), "sgp-1");
  assert.equal(f.count("createServerGroup"), 1);
  assert.ok(creates.knows("token-web"));
});

test("adds: the same servers share one call; a different add waits for the one before; in flight meanwhile", async () => {
  const f = fakeAlb();
  const creates = new ServerGroupCreates(f.alb);
  const id = creates.create(req("web"));
  await f.finish("job-create-1");
  assert.equal(await id, "sgp-1");
  const a = creates.addServers("sgp-1", [server("i-1")]);
  const again = creates.addServers("sgp-1", [server("i-1")]);
  const other = creates.addServers("sgp-1", [server("i-2")]);
  await f.tick();
  assert.equal(f.count("addServers"), 1, "the other add waits for the first one's job");
  assert.deepEqual(creates.inFlight(), [{ name: "web", tags: TAGS }]);
  await f.finish("job-add-2");
  await Promise.all([a, again]);
  await f.finish("job-add-3");
  await other;
  assert.equal(f.count("addServers"), 2);
  assert.deepEqual(creates.inFlight(), []);
});

test("adds to a group not made here go straight to the API", async () => {
  const f = fakeAlb();
  const creates = new ServerGroupCreates(f.alb);
  const a = creates.addServers("sgp-old", [server("i-1")]);
  await f.finish("job-add-1");
  await a;
  assert.deepEqual(f.alb.calls.filter((c) => c.method === "addServers")[0].args[0], "sgp-old");
});

test("a failed create is forgotten: the next asker sends it again", async () => {
  const f = fakeAlb({ failCreate: true });
  const creates = new ServerGroupCreates(f.alb);
  await assert.rejects(creates.create(req("web")), /slow down/);
  assert.deepEqual(creates.inFlight(), []);
  assert.ok(!creates.knows("token-web"));
  await assert.rejects(creates.create(req("web")), /slow down/);
  assert.equal(f.count("createServerGroup"), 2);
});

test("settled waits for the matching groups only; forget and keepMs drop what was remembered", async () => {
  let now = 0;
  const f = fakeAlb();
  const creates = new ServerGroupCreates(f.alb, { keepMs: 1_000, now: () => now });
  void creates.create(req("web"));
  void creates.create(req("api"));
  let settled = false;
  const waiting = creates.settled((g) => g.name === "web").then(() => (settled = true));
  await f.finish("job-create-2");
  assert.equal(settled, false, "web is still being made");
  await f.finish("job-create-1");
  await waiting;
  creates.forget("sgp-1");
  assert.ok(!creates.knows("token-web"));
  assert.ok(creates.knows("token-api"));
  now = 5_000;
  void creates.create(req("db"));
  assert.ok(!creates.knows("token-api"), "finished longer than keepMs ago");
});
