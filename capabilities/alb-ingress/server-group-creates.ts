// New server groups, made once in this process: CreateServerGroup and its job once per ClientToken, and the
// adds of their servers once per (group, servers). The reconcile of an AlbConfig and the creates started
// ahead of it for new members (controller.ts groupChanged) plan the same group with the same token and the
// same servers (plan/server-groups.ts): the later one shares the running call instead of sending a second
// that the API would replay (a create) or refuse while the group is Configuring (an add). Groups whose create
// or first servers are still on their way are reported, so a remote read taken meanwhile does not mistake
// them for finished groups: the plan asks for them again and waits for the same calls.
import { ALB_DEFAULTS } from "../../src/config";
import type { AlbCreateServerGroupRequest, AlbProvider, AlbServer, Tag } from "../../src/cloud";
import { canonicalJson } from "../../src/controller/fingerprint";

interface Work {
  done: Promise<void>;
  /** Set once it succeeded; failures are forgotten at once, so the next asker sends the call again. */
  settledAtMs?: number;
}

interface Group {
  name: string;
  tags: Tag[];
  id?: string;
  create: Work & { id: Promise<string> };
  /** Adds by canonical servers. */
  adds: Map<string, Work>;
  /** The last add started: the next waits for it (one change of a group at a time). */
  lastAdd?: Promise<unknown>;
}

export interface InFlightServerGroup {
  name: string;
  tags: Tag[];
}

type Alb = Pick<AlbProvider, "createServerGroup" | "addServers" | "waitForJobs">;

export class ServerGroupCreates {
  readonly #alb: Alb;
  /** By ClientToken. */
  readonly #groups = new Map<string, Group>();
  readonly #keepMs: number;
  readonly #now: () => number;

  constructor(alb: Alb, opts: { keepMs?: number; now?: () => number } = {}) {
    this.#alb = alb;
    this.#keepMs = opts.keepMs ?? ALB_DEFAULTS.createdServerGroupMemoryMs;
    this.#now = opts.now ?? Date.now;
  }

  /** Creates the group and waits for its job; the same token again shares that call. Resolves with the id. */
  create(req: AlbCreateServerGroupRequest): Promise<string> {
    this.#prune();
    const had = this.#groups.get(req.clientToken);
    if (had) return had.create.id;
    const created = this.#create(req);
    const group: Group = {
      name: req.serverGroupName,
      tags: req.tags,
      create: { id: created, done: created.then(() => undefined) },
      adds: new Map(),
    };
    void created.then(
      (id) => (group.id = id),
      () => undefined,
    );
    this.#groups.set(req.clientToken, group);
    this.#track(group.create, () => {
      if (this.#groups.get(req.clientToken) === group) this.#groups.delete(req.clientToken);
    });
    return created;
  }

  /**
   * Adds servers to a group and waits for the jobs. To a group made here, the same servers again share the
   * running (or finished) add, and a different add waits for the one before it.
   */
  async addServers(serverGroupId: string, servers: readonly AlbServer[]): Promise<void> {
    const group = [...this.#groups.values()].find((g) => g.id === serverGroupId);
    if (!group) return this.#add(serverGroupId, servers);
    const key = canonicalJson(servers);
    const had = group.adds.get(key);
    if (had) return had.done;
    const before = group.lastAdd ?? Promise.resolve();
    const work: Work = {
      done: before.catch(() => undefined).then(() => this.#add(serverGroupId, servers)),
    };
    group.adds.set(key, work);
    group.lastAdd = work.done;
    this.#track(work, () => {
      if (group.adds.get(key) === work) group.adds.delete(key);
    });
    return work.done;
  }

  /** A create with this ClientToken was asked for here (running, or finished within keepMs). */
  knows(clientToken: string): boolean {
    return this.#groups.has(clientToken);
  }

  /** Groups made here whose create, or an add of their servers, has not finished. */
  inFlight(): InFlightServerGroup[] {
    return [...this.#groups.values()]
      .filter(
        (g) =>
          g.create.settledAtMs === undefined || [...g.adds.values()].some((w) => w.settledAtMs === undefined),
      )
      .map((g) => ({ name: g.name, tags: g.tags }));
  }

  /** Resolves once no create or add of a group made here that matches `which` is under way. */
  async settled(which: (g: InFlightServerGroup) => boolean): Promise<void> {
    const running = [...this.#groups.values()]
      .filter((g) => which({ name: g.name, tags: g.tags }))
      .flatMap((g) => [g.create.done, ...[...g.adds.values()].map((w) => w.done)]);
    await Promise.allSettled(running);
  }

  /** A group that was deleted: a create with its token goes to the API again. */
  forget(serverGroupId: string): void {
    for (const [token, g] of this.#groups) if (g.id === serverGroupId) this.#groups.delete(token);
  }

  async #create(req: AlbCreateServerGroupRequest): Promise<string> {
    const r = await this.#alb.createServerGroup(req);
    if (r.jobId) await this.#alb.waitForJobs([r.jobId]);
    return r.serverGroupId;
  }

  async #add(serverGroupId: string, servers: readonly AlbServer[]): Promise<void> {
    const ids = (await this.#alb.addServers(serverGroupId, servers)).flatMap((r) =>
      r.jobId ? [r.jobId] : [],
    );
    if (ids.length > 0) await this.#alb.waitForJobs(ids);
  }

  #track(work: Work, onFailure: () => void): void {
    work.done.then(
      () => {
        work.settledAtMs = this.#now();
      },
      () => onFailure(),
    );
  }

  /** Groups whose create and adds all finished longer than keepMs ago are forgotten. */
  #prune(): void {
    const oldest = this.#now() - this.#keepMs;
    const old = (w: Work) => w.settledAtMs !== undefined && w.settledAtMs < oldest;
    for (const [token, g] of this.#groups)
      if (old(g.create) && [...g.adds.values()].every(old)) this.#groups.delete(token);
  }
}
