// The durable store on its own: rollback, recovery of torn and corrupt tails, snapshot compaction,
// and what happens when the journal cannot be written.
import test from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Store } from "../../src/emulator/store";

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "emu-store-"));
}

test("rollback restores puts and deletes in reverse order and nothing is journaled", () => {
  const dir = tmpDir();
  try {
    const s = Store.open({ dataDir: dir, fsync: true, snapshotEvery: 1000 });
    const t1 = s.begin();
    t1.put("c", "a", { v: 1 });
    s.commit(t1);
    const t2 = s.begin();
    t2.put("c", "a", { v: 2 });
    t2.del("c", "a");
    t2.put("c", "b", { v: 3 });
    t2.rollback();
    s.commit(t2); // empty after rollback: a no-op
    assert.deepEqual(s.dump(), { c: { a: { v: 1 } } });
    assert.equal(s.currentSeq, 1);
    assert.equal(fs.readFileSync(path.join(dir, "journal.jsonl"), "utf8").trim().split("\n").length, 1);
    s.close({ snapshot: false });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("recovery: snapshot + journal tail; a corrupt or torn tail is cut off and later writes survive", () => {
  const dir = tmpDir();
  try {
    let s = Store.open({ dataDir: dir, fsync: true, snapshotEvery: 3 });
    for (let i = 0; i < 5; i++) {
      const t = s.begin();
      t.put("c", `k${i}`, { i });
      s.commit(t);
    }
    assert.ok(fs.existsSync(path.join(dir, "state.json")), "a snapshot was taken after 3 records");
    assert.equal(fs.readFileSync(path.join(dir, "journal.jsonl"), "utf8").trim().split("\n").length, 2);
    s.close({ snapshot: false }); // as after a crash: no final snapshot
    fs.appendFileSync(path.join(dir, "journal.jsonl"), '{"seq":6,"ops":[["put","c","k5"'); // torn: no newline
    s = Store.open({ dataDir: dir, fsync: true, snapshotEvery: 1000 });
    assert.deepEqual(Object.keys(s.dump().c ?? {}), ["k0", "k1", "k2", "k3", "k4"]);
    assert.equal(s.currentSeq, 5);
    const t = s.begin();
    t.put("c", "k5", { i: 5 });
    s.commit(t);
    s.close({ snapshot: false });
    s = Store.open({ dataDir: dir, fsync: true, snapshotEvery: 1000 });
    assert.deepEqual(s.get("c", "k5"), { i: 5 }, "a write after the recovered tail is replayed");
    s.close({ snapshot: false });
    fs.appendFileSync(path.join(dir, "journal.jsonl"), "not json\n");
    s = Store.open({ dataDir: dir, fsync: true, snapshotEvery: 1000 });
    assert.equal(s.currentSeq, 6);
    assert.ok(!fs.readFileSync(path.join(dir, "journal.jsonl"), "utf8").includes("not json"));
    s.close({ snapshot: false });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a journal write failure rolls the change back, and the store refuses writes it cannot journal", () => {
  const dir = tmpDir();
  try {
    const s = Store.open({ dataDir: dir, fsync: true, snapshotEvery: 1000 });
    // Pull the file descriptor away from under the store to simulate an I/O error.
    fs.closeSync((s as unknown as { journalFd: number }).journalFd);
    const t = s.begin();
    t.put("c", "lost", { v: 1 });
    assert.throws(() => s.commit(t));
    assert.equal(s.get("c", "lost"), undefined, "memory rolled back: never acknowledged, never visible");
    const t2 = s.begin();
    t2.put("c", "next", { v: 2 });
    assert.throws(() => s.commit(t2), /journal is unusable/);
    assert.equal(s.get("c", "next"), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
