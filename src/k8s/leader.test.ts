// Unit tests of the Lease leader election (src/k8s/leader.ts) on a fake clock and an in-memory Lease API
// that keeps resourceVersions as the apiserver does. No apiserver: test/integration/leader-election.test.ts.
import test from "node:test";
import assert from "node:assert/strict";
import {
  ApiException,
  type CoordinationV1ApiCreateNamespacedLeaseRequest,
  type CoordinationV1ApiReadNamespacedLeaseRequest,
  type CoordinationV1ApiReplaceNamespacedLeaseRequest,
  type V1Lease,
} from "@kubernetes/client-node";
import { hostname } from "node:os";
import { LEADER_ELECTION_DEFAULTS } from "../config";
import {
  defaultIdentity,
  LeaderElector,
  leaderElectionSettings,
  leadership,
  type LeaseApi,
  type Scheduler,
  startLeaderElection,
} from "./leader";

const LEASE_MS = 15_000;
const RENEW_DEADLINE_MS = 10_000;
const RETRY_MS = 2_000;

/** Timers on a virtual clock; `advance` fires them in order and lets the promise chains they start run. */
class FakeClock {
  nowMs = 1_700_000_000_000;
  #timers: Array<{ atMs: number; seq: number; fn: () => void }> = [];
  #seq = 0;

  now = (): number => this.nowMs;

  schedule: Scheduler = (ms, fn) => {
    const timer = { atMs: this.nowMs + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  };

  async advance(ms: number): Promise<void> {
    const targetMs = this.nowMs + ms;
    await settle();
    for (;;) {
      const due = this.#timers
        .filter((t) => t.atMs <= targetMs)
        .sort((a, b) => a.atMs - b.atMs || a.seq - b.seq)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.nowMs = due.atMs;
      due.fn();
      await settle();
    }
    this.nowMs = targetMs;
    await settle();
  }
}

/** Lets every pending promise continuation run (the fake API never waits on real I/O). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function apiError(code: number): ApiException<string> {
  return new ApiException(code, `HTTP ${code}`, JSON.stringify({ message: `HTTP ${code}` }), {});
}

/** The one Lease object, stored as JSON (MicroTimes come back as strings, as from the real client). */
class LeaseStore {
  json: string | undefined;
  resourceVersion = 0;
  conflicts = 0;

  get lease(): V1Lease | undefined {
    return this.json === undefined ? undefined : (JSON.parse(this.json) as V1Lease);
  }

  write(lease: V1Lease): V1Lease {
    this.resourceVersion++;
    this.json = JSON.stringify({
      ...lease,
      metadata: { ...lease.metadata, resourceVersion: String(this.resourceVersion) },
    });
    return this.lease!;
  }
}

/** One process's view of the API: `up`, `down` (every call fails) or `hang` (no call ever answers). */
class FakeLeaseApi implements LeaseApi {
  mode: "up" | "down" | "hang" = "up";
  writes = 0;
  constructor(readonly store: LeaseStore) {}

  #gate(): Promise<void> {
    if (this.mode === "down") return Promise.reject(apiError(503));
    if (this.mode === "hang") return new Promise(() => undefined);
    return Promise.resolve();
  }

  async readNamespacedLease(_param: CoordinationV1ApiReadNamespacedLeaseRequest): Promise<V1Lease> {
    const lease = this.store.lease; // read when the request "arrives", before the answer
    await this.#gate();
    if (!lease) throw apiError(404);
    return lease;
  }

  async createNamespacedLease(param: CoordinationV1ApiCreateNamespacedLeaseRequest): Promise<V1Lease> {
    if (this.mode !== "up") await this.#gate();
    if (this.store.json !== undefined) {
      this.store.conflicts++;
      throw apiError(409);
    }
    this.writes++;
    return this.store.write(param.body);
  }

  async replaceNamespacedLease(param: CoordinationV1ApiReplaceNamespacedLeaseRequest): Promise<V1Lease> {
    if (this.mode !== "up") await this.#gate();
    if (param.body.metadata?.resourceVersion !== String(this.store.resourceVersion)) {
      this.store.conflicts++;
      throw apiError(409);
    }
    this.writes++;
    return this.store.write(param.body);
  }
}

interface Candidate {
  elector: LeaderElector;
  api: FakeLeaseApi;
  changes: boolean[];
}

function candidate(clock: FakeClock, store: LeaseStore, identity: string): Candidate {
  const api = new FakeLeaseApi(store);
  const elector = new LeaderElector({
    client: api,
    namespace: "pepr-system",
    name: "alicloud-operator-controller",
    identity,
    leaseDurationMs: LEASE_MS,
    renewDeadlineMs: RENEW_DEADLINE_MS,
    retryPeriodMs: RETRY_MS,
    now: clock.now,
    schedule: clock.schedule,
    log: () => undefined,
  });
  const changes: boolean[] = [];
  elector.onChange((leading) => changes.push(leading));
  return { elector, api, changes };
}

function renewTimeMs(store: LeaseStore): number {
  return Date.parse(String(store.lease?.spec?.renewTime));
}

interface Election {
  clock: FakeClock;
  store: LeaseStore;
  a: Candidate;
}

/** A fresh Lease, candidate "a" started on it and leading. */
async function aLeads(): Promise<Election> {
  const clock = new FakeClock();
  const store = new LeaseStore();
  const a = candidate(clock, store, "a");
  a.elector.start();
  await clock.advance(0);
  return { clock, store, a };
}

/** As `aLeads`, and candidate "b" started once "a" leads. */
async function aLeadsBFollows(): Promise<Election & { b: Candidate }> {
  const { clock, store, a } = await aLeads();
  const b = candidate(clock, store, "b");
  b.elector.start();
  return { clock, store, a, b };
}

/** Advances in `stepMs` steps until `done()`; returns the virtual time it became true. */
async function advanceUntil(clock: FakeClock, done: () => boolean, limitMs: number, stepMs = 100) {
  const startMs = clock.nowMs;
  while (!done()) {
    if (clock.nowMs - startMs > limitMs) throw new Error(`not done within ${limitMs} virtual ms`);
    await clock.advance(stepMs);
  }
  return clock.nowMs;
}

test("the first candidate creates the Lease and leads; its record is client-go's", async () => {
  const clock = new FakeClock();
  const store = new LeaseStore();
  const a = candidate(clock, store, "a");
  assert.equal(a.elector.isLeader(), false);
  assert.equal(a.elector.signal().aborted, true, "not leading: the signal is already aborted");
  a.elector.start();
  await clock.advance(0);
  assert.equal(a.elector.isLeader(), true);
  assert.deepEqual(a.changes, [true]);
  assert.equal(a.elector.signal().aborted, false);
  const spec = store.lease!.spec!;
  assert.equal(spec.holderIdentity, "a");
  assert.equal(spec.leaseDurationSeconds, 15);
  assert.equal(spec.leaseTransitions, 0);
  assert.match(String(spec.renewTime), /\.\d{6}Z$/, "renewTime is a MicroTime");
  assert.equal(renewTimeMs(store), clock.nowMs);
  await a.elector.stop();
});

test("the leader renews every retryPeriod; a follower never leads or writes meanwhile", async () => {
  const { clock, store, a, b } = await aLeadsBFollows();
  for (let i = 0; i < 30; i++) {
    await clock.advance(RETRY_MS);
    assert.equal(a.elector.isLeader(), true);
    assert.equal(b.elector.isLeader(), false);
    assert.equal(renewTimeMs(store), clock.nowMs, "renewed at this tick");
  }
  assert.equal(b.api.writes, 0);
  assert.equal(b.elector.signal().aborted, true);
  assert.deepEqual(b.changes, []);
  assert.equal(store.lease!.spec!.leaseTransitions, 0);
  await b.elector.stop();
  assert.equal(store.lease!.spec!.holderIdentity, "a", "a follower's stop leaves the holder alone");
  await a.elector.stop();
});

test("the holder goes silent: it stops leading at renewDeadline, the follower takes over after leaseDuration", async () => {
  const { clock, store, a, b } = await aLeadsBFollows();
  await clock.advance(3 * RETRY_MS);
  const term = a.elector.signal();
  a.api.mode = "down";
  const lastRenewMs = renewTimeMs(store);
  const lostMs = await advanceUntil(clock, () => !a.elector.isLeader(), LEASE_MS);
  assert.ok(
    lostMs - lastRenewMs <= RENEW_DEADLINE_MS,
    `lost ${lostMs - lastRenewMs} ms after the last renew`,
  );
  assert.equal(term.aborted, true, "the term's signal aborted");
  assert.match(String((term.reason as Error).message), /renew deadline/);
  assert.equal(b.elector.isLeader(), false, "nobody else leads before the lease expires");
  const takenMs = await advanceUntil(clock, () => b.elector.isLeader(), 2 * LEASE_MS);
  assert.ok(takenMs - lastRenewMs > LEASE_MS, "not before the lease expired");
  assert.ok(
    takenMs - lastRenewMs <= LEASE_MS + RETRY_MS,
    `taken over ${takenMs - lastRenewMs} ms after the last renew`,
  );
  assert.equal(store.lease!.spec!.holderIdentity, "b");
  assert.equal(store.lease!.spec!.leaseTransitions, 1);
  assert.deepEqual(a.changes, [true, false]);
  assert.deepEqual(b.changes, [true]);
  await a.elector.stop();
  await b.elector.stop();
});

test("a renew that hangs ends the term at renewDeadline, without waiting for the call", async () => {
  const { clock, store, a } = await aLeads();
  await clock.advance(RETRY_MS);
  const lastRenewMs = renewTimeMs(store);
  const term = a.elector.signal();
  a.api.mode = "hang";
  await clock.advance(RENEW_DEADLINE_MS - 1);
  assert.equal(a.elector.isLeader(), true);
  await clock.advance(1);
  assert.equal(clock.nowMs - lastRenewMs, RENEW_DEADLINE_MS);
  assert.equal(a.elector.isLeader(), false);
  assert.equal(term.aborted, true);
  assert.deepEqual(a.changes, [true, false]);
  // The API answers again: the same candidate can start a new term (it still holds the Lease).
  a.api.mode = "up";
  await advanceUntil(clock, () => a.elector.isLeader(), 2 * RENEW_DEADLINE_MS);
  assert.notEqual(a.elector.signal(), term, "a new term has a new signal");
  assert.equal(store.lease!.spec!.leaseTransitions, 0, "same holder: no transition");
  const stopping = a.elector.stop();
  await clock.advance(RENEW_DEADLINE_MS); // stop waits (bounded) for the hung calls
  await stopping;
});

test("another holder in the Lease ends the term at the next renew, and it is not overwritten", async () => {
  const { clock, store, a } = await aLeads();
  const term = a.elector.signal();
  const current = store.lease!;
  store.write({
    ...current,
    spec: { ...current.spec, holderIdentity: "intruder", renewTime: new Date(clock.nowMs) },
  });
  await clock.advance(RETRY_MS);
  assert.equal(a.elector.isLeader(), false);
  assert.equal(term.aborted, true);
  assert.match(String((term.reason as Error).message), /another holder/);
  assert.deepEqual(a.changes, [true, false]);
  assert.equal(store.lease!.spec!.holderIdentity, "intruder");
  await a.elector.stop();
  assert.equal(store.lease!.spec!.holderIdentity, "intruder", "stop releases only its own Lease");
});

test("two candidates race for an expired Lease: the resourceVersion lets exactly one win", async () => {
  const clock = new FakeClock();
  const store = new LeaseStore();
  store.write({
    metadata: { name: "alicloud-operator-controller", namespace: "pepr-system" },
    spec: {
      holderIdentity: "dead",
      leaseDurationSeconds: 15,
      renewTime: new Date(clock.nowMs - 60_000),
      leaseTransitions: 4,
    },
  });
  const a = candidate(clock, store, "a");
  const b = candidate(clock, store, "b");
  a.elector.start();
  b.elector.start();
  await clock.advance(0);
  assert.equal(store.conflicts, 1, "the second update got a 409");
  assert.equal([a, b].filter((c) => c.elector.isLeader()).length, 1);
  assert.equal(store.lease!.spec!.leaseTransitions, 5);
  for (let i = 0; i < 10; i++) {
    await clock.advance(RETRY_MS);
    assert.equal([a, b].filter((c) => c.elector.isLeader()).length, 1);
  }
  await a.elector.stop();
  await b.elector.stop();
});

test("stop() releases the Lease: the follower leads within one retryPeriod", async () => {
  const { clock, store, a, b } = await aLeadsBFollows();
  await clock.advance(RETRY_MS);
  const term = a.elector.signal();
  await a.elector.stop();
  assert.equal(term.aborted, true);
  assert.equal(a.elector.isLeader(), false);
  assert.deepEqual(a.changes, [true, false]);
  assert.equal(store.lease!.spec!.holderIdentity, undefined, "holder cleared");
  const releasedMs = clock.nowMs;
  const takenMs = await advanceUntil(clock, () => b.elector.isLeader(), LEASE_MS, 50);
  assert.ok(takenMs - releasedMs <= RETRY_MS, `taken over ${takenMs - releasedMs} ms after the release`);
  assert.equal(store.lease!.spec!.leaseTransitions, 1);
  await b.elector.stop();
});

test("at most one leader at any instant, with three candidates on a flaky API", async () => {
  const clock = new FakeClock();
  const store = new LeaseStore();
  const all = ["a", "b", "c"].map((id) => candidate(clock, store, id));
  for (const c of all) c.elector.start();
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const modes = ["up", "up", "up", "down", "hang"] as const;
  let leaderships = 0;
  for (let step = 0; step < 400; step++) {
    if (random() < 0.1) {
      const c = all[Math.floor(random() * all.length)];
      c.api.mode = modes[Math.floor(random() * modes.length)];
    }
    await clock.advance(250 + Math.floor(random() * 500));
    const leaders = all.filter((c) => c.elector.isLeader());
    assert.ok(leaders.length <= 1, `step ${step}: ${leaders.map((c) => c.elector.identity).join(", ")} lead`);
    if (leaders.length === 1 && leaders[0].elector.identity === store.lease?.spec?.holderIdentity)
      leaderships++;
  }
  assert.ok(leaderships > 0, "somebody led");
  for (const c of all) c.api.mode = "up";
  const stopping = Promise.all(all.map((c) => c.elector.stop()));
  await clock.advance(RENEW_DEADLINE_MS);
  await stopping;
});

test("the timing options must keep leaseDuration > renewDeadline > retryPeriod", () => {
  const store = new LeaseStore();
  const base = {
    client: new FakeLeaseApi(store),
    namespace: "ns",
    name: "n",
    identity: "a",
    leaseDurationMs: LEASE_MS,
    renewDeadlineMs: RENEW_DEADLINE_MS,
    retryPeriodMs: RETRY_MS,
  };
  assert.throws(() => new LeaderElector({ ...base, renewDeadlineMs: LEASE_MS }), /leaseDurationMs/);
  assert.throws(() => new LeaderElector({ ...base, retryPeriodMs: RENEW_DEADLINE_MS }), /renewDeadlineMs/);
  assert.throws(() => new LeaderElector({ ...base, retryPeriodMs: 0 }), /retryPeriodMs/);
  assert.throws(() => new LeaderElector({ ...base, identity: "" }), /identity/);
  assert.doesNotThrow(() => new LeaderElector(base));
});

test("settings come from src/config.ts, overridden by OPERATOR_LEADER_ELECTION and OPERATOR_LEASE_*", () => {
  const { releaseTimeoutMs: _releaseTimeoutMs, ...defaults } = LEADER_ELECTION_DEFAULTS;
  assert.deepEqual(leaderElectionSettings({}), defaults);
  assert.equal(LEADER_ELECTION_DEFAULTS.leaseDurationMs, 15_000);
  assert.equal(LEADER_ELECTION_DEFAULTS.renewDeadlineMs, 10_000);
  assert.equal(LEADER_ELECTION_DEFAULTS.retryPeriodMs, 2_000);
  assert.deepEqual(
    leaderElectionSettings({
      OPERATOR_LEADER_ELECTION: "false",
      OPERATOR_LEASE_NAMESPACE: "ops",
      OPERATOR_LEASE_NAME: "clb",
      OPERATOR_LEASE_DURATION_MS: "4000",
      OPERATOR_RENEW_DEADLINE_MS: "3000",
      OPERATOR_RETRY_PERIOD_MS: "500",
    }),
    {
      enabled: false,
      namespace: "ops",
      name: "clb",
      leaseDurationMs: 4000,
      renewDeadlineMs: 3000,
      retryPeriodMs: 500,
    },
  );
  for (const off of ["0", "off", "NO", "False"])
    assert.equal(leaderElectionSettings({ OPERATOR_LEADER_ELECTION: off }).enabled, false, off);
  assert.equal(leaderElectionSettings({ OPERATOR_LEADER_ELECTION: "true" }).enabled, true);
  assert.equal(leaderElectionSettings({ OPERATOR_LEASE_DURATION_MS: "-1" }).leaseDurationMs, 15_000);
  assert.equal(leaderElectionSettings({ OPERATOR_RETRY_PERIOD_MS: "2.5" }).retryPeriodMs, 2_000);
});

test("identities are <hostname>_<pid>_<random> and never repeat", () => {
  const id = defaultIdentity();
  assert.ok(id.startsWith(`${hostname()}_${process.pid}_`), id);
  assert.match(id, /_[0-9a-f]{8}$/);
  assert.notEqual(defaultIdentity(), id);
});

test("leadership(): sole leader until an election starts, then it follows the elector", async () => {
  const seen: boolean[] = [];
  leadership().onChange((leading) => seen.push(leading));
  assert.equal(leadership().isLeader(), true, "no election (admission, tests): always leader");
  assert.equal(leadership().signal().aborted, false);
  assert.equal(startLeaderElection({ ...leaderElectionSettings({}), enabled: false }), undefined);
  assert.equal(leadership().isLeader(), true);

  const api = new FakeLeaseApi(new LeaseStore());
  api.mode = "hang";
  const settings = {
    ...leaderElectionSettings({}),
    leaseDurationMs: 300,
    renewDeadlineMs: 200,
    retryPeriodMs: 20,
  };
  const elector = startLeaderElection(settings, api)!;
  assert.equal(leadership().isLeader(), false, "an elector that has not acquired yet is not leader");
  assert.deepEqual(seen, [false]);
  api.mode = "up";
  await waitReal(() => leadership().isLeader());
  const term = leadership().signal();
  assert.equal(term.aborted, false);
  api.mode = "down";
  await waitReal(() => !leadership().isLeader());
  assert.equal(term.aborted, true);
  assert.deepEqual(seen, [false, true, false]);
  api.mode = "up";
  await elector.stop();
});

async function waitReal(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
