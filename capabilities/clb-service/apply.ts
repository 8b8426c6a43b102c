// apply(slb, actions): executes a plan in dependency order with bounded parallelism. An action runs once
// all its dependencies succeeded; a failure skips only its dependants, independent branches go on.
// Never throws: every outcome is in `results`, every failure in `errors`.
import { CloudError, isCloudError } from "../../src/cloud";
import type { SlbBackendServer, SlbProvider } from "../../src/cloud";
import type { Action, ActionParams, IdOrRef } from "./plan";

export interface ApplyOptions {
  /** Actions in flight at once. */
  concurrency?: number;
  /** Backends per Add/Remove/Update call (CLB accepts 20 per call). */
  backendBatchSize?: number;
}

export const APPLY_DEFAULTS = { concurrency: 4, backendBatchSize: 20 } as const;

export interface ActionOutput {
  loadBalancerId?: string;
  address?: string;
  vServerGroupId?: string;
  /** A delete found the resource already gone (cleanup treats that as done, §2.4). */
  alreadyGone?: boolean;
}

export interface ActionResult {
  key: string;
  kind: Action["kind"];
  status: "ok" | "failed" | "skipped";
  output?: ActionOutput;
  /** failed: the error; skipped: why. */
  message?: string;
  durationMs?: number;
}

export interface ApplyError {
  key: string;
  kind: Action["kind"];
  error: unknown;
  message: string;
}

export interface ApplyResult {
  results: ActionResult[];
  errors: ApplyError[];
}

export async function apply(
  slb: SlbProvider,
  actions: Action[],
  opts: ApplyOptions = {},
): Promise<ApplyResult> {
  const run = new Run(slb, actions, {
    concurrency: Math.max(1, opts.concurrency ?? APPLY_DEFAULTS.concurrency),
    backendBatchSize: Math.max(1, Math.min(opts.backendBatchSize ?? APPLY_DEFAULTS.backendBatchSize, 20)),
  });
  return run.execute();
}

class Run {
  private readonly byKey = new Map<string, Action>();
  private readonly results = new Map<string, ActionResult>();
  private readonly errors: ApplyError[] = [];
  private readonly duplicates: ActionResult[] = [];
  /** Backends already sent per action key (index of the next batch). */
  private readonly batchesDone = new Map<string, number>();
  private readonly pending: Action[];
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly slb: SlbProvider,
    actions: Action[],
    private readonly opts: Required<ApplyOptions>,
  ) {
    this.pending = [];
    for (const a of actions) {
      if (this.byKey.has(a.key)) {
        // Reported, never run: a second action under one key would make references ambiguous.
        const message = `duplicate action key ${a.key}`;
        this.duplicates.push({ key: a.key, kind: a.kind, status: "failed", message });
        this.errors.push({ key: a.key, kind: a.kind, error: new Error(message), message });
        continue;
      }
      this.byKey.set(a.key, a);
      this.pending.push(a);
    }
  }

  async execute(): Promise<ApplyResult> {
    for (;;) {
      this.skipBlocked();
      this.startReady();
      if (this.running.size === 0) break;
      await Promise.race(this.running.values());
    }
    // Whatever is still pending waits on a dependency that never ran (unknown key or a cycle).
    for (const a of this.pending.splice(0))
      this.fail(a, new Error(`unresolvable dependencies: ${a.dependsOn.join(", ")}`));
    return { results: [...this.results.values(), ...this.duplicates], errors: this.errors };
  }

  /** A pending action whose dependency failed or was skipped is skipped too. */
  private skipBlocked(): void {
    let changed = true;
    while (changed) {
      changed = false;
      for (const a of [...this.pending]) {
        const bad = a.dependsOn.find((d) => {
          const r = this.results.get(d);
          return r !== undefined && r.status !== "ok";
        });
        if (!bad) continue;
        this.take(a);
        this.results.set(a.key, {
          key: a.key,
          kind: a.kind,
          status: "skipped",
          message: `dependency ${bad} did not succeed`,
        });
        changed = true;
      }
    }
  }

  private startReady(): void {
    for (const a of [...this.pending]) {
      if (this.running.size >= this.opts.concurrency) return;
      if (!a.dependsOn.every((d) => this.results.get(d)?.status === "ok")) continue;
      this.take(a);
      const p = this.runOne(a).finally(() => this.running.delete(a.key));
      this.running.set(a.key, p);
    }
  }

  private take(a: Action): void {
    this.pending.splice(this.pending.indexOf(a), 1);
  }

  private async runOne(a: Action): Promise<void> {
    const started = Date.now();
    try {
      const output = await this.performMakingRoom(a);
      this.results.set(a.key, {
        key: a.key,
        kind: a.kind,
        status: "ok",
        output,
        durationMs: Date.now() - started,
      });
    } catch (e) {
      if (isDelete(a.params) && isCloudError(e, "NotFound")) {
        this.results.set(a.key, {
          key: a.key,
          kind: a.kind,
          status: "ok",
          output: { alreadyGone: true },
          durationMs: Date.now() - started,
        });
        return;
      }
      this.fail(a, e, Date.now() - started);
    }
  }

  /**
   * §3.5: when an add hits the per-SLB backend quota (InstanceBackendServerNumberOverLimit), run this
   * group's pending removes first (every batch, in plan order), then retry the add once (upstream
   * deletes first and retries the add, too).
   */
  private async performMakingRoom(a: Action): Promise<ActionOutput | undefined> {
    try {
      return await this.perform(a.params, a.key);
    } catch (e) {
      const p = a.params;
      if (p.kind !== "AddBackendServers" || !isCloudError(e, "QuotaExceeded")) throw e;
      const removes = this.pending.filter(
        (r) =>
          r.params.kind === "RemoveBackendServers" &&
          r.params.vServerGroupId === p.vServerGroupId &&
          this.dependsOnTransitively(r, a.key),
      );
      if (removes.length === 0) throw e;
      for (const remove of removes) {
        this.take(remove);
        await this.runOne({ ...remove, dependsOn: [] });
        if (this.results.get(remove.key)?.status !== "ok") throw e;
      }
      return await this.perform(a.params, a.key); // resumes after the batches that already went in
    }
  }

  /** True when `a` waits for `key`, directly or through other actions. */
  private dependsOnTransitively(a: Action, key: string): boolean {
    const seen = new Set<string>();
    const todo = [...a.dependsOn];
    for (let k = todo.pop(); k !== undefined; k = todo.pop()) {
      if (k === key) return true;
      if (seen.has(k)) continue;
      seen.add(k);
      todo.push(...(this.byKey.get(k)?.dependsOn ?? []));
    }
    return false;
  }

  private fail(a: Action, e: unknown, durationMs?: number): void {
    const message = e instanceof CloudError ? e.toShortString() : e instanceof Error ? e.message : String(e);
    this.results.set(a.key, { key: a.key, kind: a.kind, status: "failed", message, durationMs });
    this.errors.push({ key: a.key, kind: a.kind, error: e, message });
  }

  /** The id an earlier action produced (new SLB or vserver group). */
  private resolve(id: IdOrRef): string {
    if (typeof id === "string") return id;
    const out = this.results.get(id.ref)?.output;
    const value = out?.vServerGroupId ?? out?.loadBalancerId;
    if (!value) throw new Error(`reference ${id.ref} has no id (did it run?)`);
    return value;
  }

  /** Calls `call` per batch; progress is kept per action key so a retried add does not re-add. */
  private async inBatches(
    key: string,
    backends: SlbBackendServer[],
    call: (batch: SlbBackendServer[]) => Promise<void>,
  ): Promise<void> {
    for (let i = this.batchesDone.get(key) ?? 0; i < backends.length; i += this.opts.backendBatchSize) {
      await call(backends.slice(i, i + this.opts.backendBatchSize));
      this.batchesDone.set(key, i + this.opts.backendBatchSize);
    }
  }

  private async perform(p: ActionParams, key: string): Promise<ActionOutput | undefined> {
    const slb = this.slb;
    switch (p.kind) {
      case "CreateLoadBalancer": {
        const r = await slb.createLoadBalancer(p.request);
        return { loadBalancerId: r.loadBalancerId, address: r.address };
      }
      case "SetLoadBalancerName":
        return void (await slb.setLoadBalancerName(this.resolve(p.loadBalancerId), p.name));
      case "SetDeleteProtection":
        return void (await slb.setDeleteProtection(this.resolve(p.loadBalancerId), p.value));
      case "SetModificationProtection":
        return void (await slb.setModificationProtection(this.resolve(p.loadBalancerId), p.status, p.reason));
      case "ModifyInstanceChargeType":
        return void (await slb.modifyInstanceChargeType(
          this.resolve(p.loadBalancerId),
          p.chargeType,
          p.spec,
        ));
      case "ModifyInstanceSpec":
        return void (await slb.modifyInstanceSpec(this.resolve(p.loadBalancerId), p.spec));
      case "ModifyInternetSpec":
        return void (await slb.modifyInternetSpec(this.resolve(p.loadBalancerId), {
          internetChargeType: p.internetChargeType,
          bandwidth: p.bandwidthMbps,
        }));
      case "TagLoadBalancer":
        return void (await slb.tagLoadBalancer(this.resolve(p.loadBalancerId), p.tags));
      case "UntagLoadBalancer":
        return void (await slb.untagLoadBalancer(this.resolve(p.loadBalancerId), p.tagKeys));
      case "DeleteLoadBalancer":
        return void (await slb.deleteLoadBalancer(this.resolve(p.loadBalancerId)));
      case "CreateVServerGroup": {
        const r = await slb.createVServerGroup(this.resolve(p.loadBalancerId), p.name, p.backends);
        return { vServerGroupId: r.vServerGroupId };
      }
      case "DeleteVServerGroup":
        return void (await slb.deleteVServerGroup(p.vServerGroupId));
      case "AddBackendServers": {
        const id = this.resolve(p.vServerGroupId);
        return void (await this.inBatches(key, p.backends, (b) => slb.addBackendServers(id, b)));
      }
      case "RemoveBackendServers":
        return void (await this.inBatches(key, p.backends, (b) =>
          slb.removeBackendServers(p.vServerGroupId, b),
        ));
      case "UpdateBackendServers":
        return void (await this.inBatches(key, p.backends, (b) =>
          slb.updateBackendServers(p.vServerGroupId, b),
        ));
      case "CreateListener":
        return void (await slb.createListener(this.resolve(p.loadBalancerId), {
          ...p.spec,
          vServerGroupId: this.resolve(p.vServerGroupId),
        }));
      case "UpdateListener": {
        const attrs = p.vServerGroupId
          ? { ...p.attrs, vServerGroupId: this.resolve(p.vServerGroupId) }
          : p.attrs;
        return void (await slb.updateListener(this.resolve(p.loadBalancerId), p.port, p.protocol, attrs));
      }
      case "StartListener":
        return void (await slb.startListener(this.resolve(p.loadBalancerId), p.port, p.protocol));
      case "DeleteListener":
        return void (await slb.deleteListener(this.resolve(p.loadBalancerId), p.port, p.protocol));
      case "CreateDomainExtension":
        return void (await slb.createDomainExtension(
          this.resolve(p.loadBalancerId),
          p.listenerPort,
          p.domain,
          p.serverCertificateId,
        ));
      case "UpdateDomainExtension":
        return void (await slb.setDomainExtensionCertificate(p.domainExtensionId, p.serverCertificateId));
      case "DeleteDomainExtension":
        return void (await slb.deleteDomainExtension(p.domainExtensionId));
    }
  }
}

function isDelete(p: ActionParams): boolean {
  return (
    p.kind === "DeleteLoadBalancer" ||
    p.kind === "DeleteListener" ||
    p.kind === "DeleteVServerGroup" ||
    p.kind === "DeleteDomainExtension"
  );
}

/** The SLB id and address after apply: the remote one, or the one a CreateLoadBalancer action produced. */
export function loadBalancerAfterApply(
  remote: { loadBalancer?: { loadBalancerId: string; address: string } } | undefined,
  result: ApplyResult,
): { loadBalancerId: string; address: string } | undefined {
  if (remote?.loadBalancer)
    return { loadBalancerId: remote.loadBalancer.loadBalancerId, address: remote.loadBalancer.address };
  const created = result.results.find((r) => r.kind === "CreateLoadBalancer" && r.status === "ok")?.output;
  if (!created?.loadBalancerId) return undefined;
  return { loadBalancerId: created.loadBalancerId, address: created.address ?? "" };
}
