// The controllers' series, named as controller-runtime's (sigs.k8s.io/controller-runtime pkg/internal/controller/
// metrics/metrics.go and pkg/metrics/workqueue.go): controller_runtime_reconcile_total{controller,result},
// controller_runtime_reconcile_time_seconds, workqueue_depth{name}, workqueue_retries_total{name}. They go to
// the process registry (src/metrics/operator.ts) that /metrics exposes. Pure bookkeeping: nothing here does I/O.
import { operatorRegistry } from "../metrics/operator";
import { Registry, type Counter, type Gauge, type Histogram } from "../metrics/prometheus";
import type { OutcomeLabel } from "./result";

/** controller-runtime's reconcile time buckets, in seconds. */
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5,
  1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

const OUTCOMES: readonly OutcomeLabel[] = ["success", "requeue", "terminal", "error"];

export interface ReconcileCounts {
  total: Record<OutcomeLabel, number>;
  durationSecondsSum: number;
  durationCount: number;
}

export class ControllerMetrics {
  readonly #reconciles: Counter;
  readonly #reconcileTime: Histogram;
  readonly #depth: Gauge;
  readonly #retries: Counter;
  readonly #queues = new Map<string, () => number>();

  /** `registry`: the process's by default; tests pass none and get one of their own. */
  constructor(registry: Registry = new Registry()) {
    this.#reconciles = registry.counter(
      "controller_runtime_reconcile_total",
      "Total number of reconciliations per controller and result (success, requeue, terminal, error).",
      ["controller", "result"],
    );
    this.#reconcileTime = registry.histogram(
      "controller_runtime_reconcile_time_seconds",
      "Length of time per reconciliation per controller.",
      ["controller"],
      RECONCILE_BUCKETS,
    );
    this.#depth = registry.gauge("workqueue_depth", "Current depth of the work queue.", ["name"]);
    this.#depth.collect(() => [...this.#queues].map(([name, read]) => ({ labels: { name }, value: read() })));
    this.#retries = registry.counter(
      "workqueue_retries_total",
      "Total number of retries (backoff requeues after a failed reconcile) handled by the work queue.",
      ["name"],
    );
  }

  /** A controller's series start at zero, so a rate() over them works from its first reconcile. */
  register(controller: string, queueDepth: () => number): void {
    for (const result of OUTCOMES) this.#reconciles.inc({ controller, result }, 0);
    this.#retries.inc({ name: controller }, 0);
    this.#queues.set(controller, queueDepth);
  }

  recordReconcile(controller: string, label: OutcomeLabel, durationMs: number): void {
    this.#reconciles.inc({ controller, result: label });
    this.#reconcileTime.observe({ controller }, durationMs / 1000);
  }

  recordRetry(controller: string): void {
    this.#retries.inc({ name: controller });
  }

  reconciles(controller: string): ReconcileCounts {
    const total = Object.fromEntries(
      OUTCOMES.map((result) => [result, this.#reconciles.value({ controller, result })]),
    ) as Record<OutcomeLabel, number>;
    const h = this.#reconcileTime.snapshot({ controller });
    return { total, durationSecondsSum: h.sum, durationCount: h.count };
  }

  retries(controller: string): number {
    return this.#retries.value({ name: controller });
  }
}

/** The process-wide controller metrics, exposed on /metrics. */
export const controllerMetrics = new ControllerMetrics(operatorRegistry);
