// State: an in-memory document model (collection → id → doc) made durable by a JSONL write-ahead
// journal that is fsynced before a reply leaves, plus periodic snapshots written with an atomic
// rename (docs/emulator.md, Durability). Handlers are synchronous, so each request is atomic: its ops are
// applied in memory, then journaled as ONE line; if the handler throws, the undo log restores state.
import * as fs from "node:fs";
import * as path from "node:path";

export type Doc = Record<string, unknown>;
export type Op = ["put", string, string, Doc] | ["del", string, string] | ["reset"];

interface JournalRecord {
  seq: number;
  ops: Op[];
}

interface Snapshot {
  seq: number;
  collections: Record<string, Record<string, Doc>>;
}

const SNAPSHOT = "state.json";
const JOURNAL = "journal.jsonl";

/** A write transaction: mutations apply immediately and are undone on rollback. */
export class Tx {
  readonly ops: Op[] = [];
  private readonly undo: Array<() => void> = [];
  constructor(private readonly store: Store) {}

  get<T extends Doc>(coll: string, id: string): T | undefined {
    return this.store.get<T>(coll, id);
  }
  all<T extends Doc>(coll: string): T[] {
    return this.store.all<T>(coll);
  }
  put(coll: string, id: string, doc: Doc): void {
    const m = this.store.coll(coll);
    const prev = m.get(id);
    this.undo.push(() => (prev === undefined ? m.delete(id) : m.set(id, prev)));
    m.set(id, doc);
    this.ops.push(["put", coll, id, doc]);
  }
  del(coll: string, id: string): void {
    const m = this.store.coll(coll);
    const prev = m.get(id);
    if (prev === undefined) return;
    this.undo.push(() => m.set(id, prev));
    m.delete(id);
    this.ops.push(["del", coll, id]);
  }
  rollback(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]();
    this.undo.length = 0;
    this.ops.length = 0;
  }
}

export class Store {
  private collections = new Map<string, Map<string, Doc>>();
  private seq = 0;
  private journalFd: number | undefined;
  private recordsSinceSnapshot = 0;
  /** Length of the journal's valid prefix. */
  private journalBytes = 0;
  private journalBroken = false;

  private constructor(
    private readonly dataDir: string | undefined,
    private readonly fsync: boolean,
    private readonly snapshotEvery: number,
  ) {}

  /** Opens (and recovers) the store. Without a dataDir it is memory-only. */
  static open(opts: { dataDir?: string; fsync: boolean; snapshotEvery: number }): Store {
    const s = new Store(opts.dataDir, opts.fsync, opts.snapshotEvery);
    if (opts.dataDir) s.recover(opts.dataDir);
    return s;
  }

  get currentSeq(): number {
    return this.seq;
  }

  coll(name: string): Map<string, Doc> {
    let m = this.collections.get(name);
    if (!m) {
      m = new Map();
      this.collections.set(name, m);
    }
    return m;
  }
  get<T extends Doc>(coll: string, id: string): T | undefined {
    return this.collections.get(coll)?.get(id) as T | undefined;
  }
  all<T extends Doc>(coll: string): T[] {
    return [...(this.collections.get(coll)?.values() ?? [])] as T[];
  }
  has(id: string): boolean {
    for (const m of this.collections.values()) if (m.has(id)) return true;
    return false;
  }

  begin(): Tx {
    return new Tx(this);
  }

  /** Makes the transaction durable. Throws (after rolling back memory) if the journal write fails. */
  commit(tx: Tx): void {
    if (tx.ops.length === 0) return;
    if (this.journalBroken) {
      tx.rollback();
      throw new Error("journal is unusable after an earlier I/O error; restart the emulator");
    }
    const rec: JournalRecord = { seq: this.seq + 1, ops: tx.ops };
    if (this.journalFd !== undefined) {
      const line = Buffer.from(JSON.stringify(rec) + "\n");
      try {
        for (let off = 0; off < line.length; ) off += fs.writeSync(this.journalFd, line, off);
        if (this.fsync) fs.fsyncSync(this.journalFd);
        this.journalBytes += line.length;
      } catch (e) {
        tx.rollback();
        // Cut a partial line off again: later records appended after garbage would be lost on replay.
        try {
          fs.ftruncateSync(this.journalFd, this.journalBytes);
        } catch {
          this.journalBroken = true;
        }
        throw e;
      }
    }
    this.seq = rec.seq;
    if (this.journalFd !== undefined && ++this.recordsSinceSnapshot >= this.snapshotEvery) {
      try {
        this.snapshot();
      } catch (e) {
        // The record is already durable in the journal; a failed compaction only delays the next one.
        console.error("emulator: snapshot failed, journal keeps growing:", e);
        this.recordsSinceSnapshot = 0;
      }
    }
  }

  /** Clears every collection; journaled like any other write. */
  reset(): void {
    const tx = this.begin();
    tx.ops.push(["reset"]);
    this.collections = new Map();
    this.commit(tx);
  }

  dump(): Record<string, Record<string, Doc>> {
    const out: Record<string, Record<string, Doc>> = {};
    for (const [name, m] of this.collections) out[name] = Object.fromEntries(m);
    return out;
  }

  /** Writes state.json atomically (tmp + fsync + rename + dir fsync), then truncates the journal. */
  snapshot(): void {
    if (!this.dataDir || this.journalFd === undefined) return;
    const snap: Snapshot = { seq: this.seq, collections: this.dump() };
    const tmp = path.join(this.dataDir, SNAPSHOT + ".tmp");
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeSync(fd, JSON.stringify(snap));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(this.dataDir, SNAPSHOT));
    fsyncDir(this.dataDir);
    // A crash between rename and truncate is safe: replay skips records with seq <= snapshot seq.
    fs.ftruncateSync(this.journalFd, 0);
    if (this.fsync) fs.fsyncSync(this.journalFd);
    this.journalBytes = 0;
    this.recordsSinceSnapshot = 0;
  }

  close(opts: { snapshot: boolean }): void {
    if (this.journalFd === undefined) return;
    if (opts.snapshot) this.snapshot();
    fs.closeSync(this.journalFd);
    this.journalFd = undefined;
  }

  private apply(ops: Op[]): void {
    for (const op of ops) {
      if (op[0] === "reset") this.collections = new Map();
      else if (op[0] === "put") this.coll(op[1]).set(op[2], op[3]);
      else this.coll(op[1]).delete(op[2]);
    }
  }

  private recover(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    const snapPath = path.join(dir, SNAPSHOT);
    if (fs.existsSync(snapPath)) {
      const snap = JSON.parse(fs.readFileSync(snapPath, "utf8")) as Snapshot;
      this.seq = snap.seq;
      for (const [name, docs] of Object.entries(snap.collections))
        this.collections.set(name, new Map(Object.entries(docs)));
    }
    const jPath = path.join(dir, JOURNAL);
    let goodBytes = 0;
    if (fs.existsSync(jPath)) {
      const buf = fs.readFileSync(jPath);
      let start = 0;
      while (start < buf.length) {
        const nl = buf.indexOf(0x0a, start);
        // A line without its newline is a torn tail: the write never completed, so it was never acked.
        if (nl < 0) break;
        let rec: JournalRecord;
        try {
          rec = JSON.parse(buf.subarray(start, nl).toString("utf8")) as JournalRecord;
        } catch {
          break; // corrupt record: everything from here on is dropped
        }
        if (rec.seq > this.seq) {
          this.apply(rec.ops);
          this.seq = rec.seq;
        }
        start = nl + 1;
        goodBytes = start;
        this.recordsSinceSnapshot++;
      }
      if (goodBytes < buf.length) fs.truncateSync(jPath, goodBytes);
    }
    this.journalFd = fs.openSync(jPath, "a");
    fs.ftruncateSync(this.journalFd, goodBytes);
    this.journalBytes = goodBytes;
    fsyncDir(dir);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}
