// In-process counters of the controllers, named after controller-runtime's
// (controller_runtime_reconcile_total{controller,result}, ..._reconcile_time_seconds, workqueue_*), so a
// Prometheus endpoint can expose them as they are. Pure bookkeeping: nothing here does I/O.
import type { OutcomeLabel } from "./result";

export interface ReconcileCounts {
  total: Record<OutcomeLabel, number>;
  durationMsSum: number;
  durationMsCount: number;
}

export class ControllerMetrics {
  readonly #byController = new Map<string, ReconcileCounts>();
  readonly #gauges = new Map<string, () => number>();

  recordReconcile(controller: string, label: OutcomeLabel, durationMs: number): void {
    const c = this.#counts(controller);
    c.total[label]++;
    c.durationMsSum += durationMs;
    c.durationMsCount++;
  }

  /** A value read when metrics are exported (queue depth, leader status). */
  gauge(name: string, read: () => number): void {
    this.#gauges.set(name, read);
  }

  reconciles(controller: string): ReconcileCounts {
    return structuredClone(this.#counts(controller));
  }

  gauges(): Record<string, number> {
    return Object.fromEntries([...this.#gauges].map(([k, read]) => [k, read()]));
  }

  #counts(controller: string): ReconcileCounts {
    let c = this.#byController.get(controller);
    if (!c) {
      c = { total: { success: 0, requeue: 0, terminal: 0, error: 0 }, durationMsSum: 0, durationMsCount: 0 };
      this.#byController.set(controller, c);
    }
    return c;
  }
}

/** The process-wide registry the controllers report to. */
export const controllerMetrics = new ControllerMetrics();
