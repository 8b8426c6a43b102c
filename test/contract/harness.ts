// Contract-test harness: the real adapter (openapi-core + typed ALB client, real signing, real HTTP)
// against the in-process emulator. No HTTP mocks: the emulator is the only server.

import { $OpenApiUtil } from "@alicloud/openapi-core";
import { startEmulator } from "../../src/emulator";
import {
  createCloudProvider,
  loadCloudConfig,
  type CloudConfig,
  type CloudEvent,
  type CloudProvider,
} from "../../src/cloud";
import { EMULATOR_DEFAULTS } from "../../src/config";

/** The emulator's request log entry (GET /_emulator/requests). */
export interface RequestLogEntry {
  requestId: string;
  product?: string;
  action?: string;
  status: number;
  code?: string;
  fault?: string[];
  /** The answer was replayed from an earlier request with the same ClientToken and parameters. */
  replayed?: boolean;
  /** Parameters the action does not declare, which the emulator (like the real gateway) ignored. */
  ignoredParams?: string[];
}

export interface Harness {
  url: string;
  cloud: CloudProvider;
  events: CloudEvent[];
  /** A second provider with other settings against the same emulator. */
  provider(
    overrides?: Partial<CloudConfig>,
    env?: Record<string, string>,
  ): { cloud: CloudProvider; events: CloudEvent[] };
  addFault(rule: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  requests(): Promise<RequestLogEntry[]>;
  /** Remembers the end of the request log; the returned function lists what was logged since. */
  mark(): Promise<() => Promise<RequestLogEntry[]>>;
  advanceClock(ms: number): Promise<void>;
  close(): Promise<void>;
}

export const EMU_ENV = {
  ALIBABA_CLOUD_REGION_ID: EMULATOR_DEFAULTS.regionId,
  ALIBABA_CLOUD_ACCESS_KEY_ID: EMULATOR_DEFAULTS.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: EMULATOR_DEFAULTS.accessKeySecret,
};

// Fast retries so fault tests finish quickly; the backoff maths has its own unit tests.
const FAST: Partial<CloudConfig> = {
  retryBaseMs: 5,
  retryCapMs: 100,
  maxRetries: 8,
  rateLimitPerSecond: { slb: 1000, alb: 1000, eci: 1000, ecs: 1000, vpc: 1000, cas: 1000 },
};

async function admin(
  url: string,
  path: string,
  method: "GET" | "POST" | "DELETE",
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${url}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`emulator admin ${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** An official-SDK client config for the emulator at `url` (raw calls the provider does not offer). */
export function emulatorSdkConfig(url: string, extra: Record<string, unknown> = {}): $OpenApiUtil.Config {
  return new $OpenApiUtil.Config({
    accessKeyId: EMU_ENV.ALIBABA_CLOUD_ACCESS_KEY_ID,
    accessKeySecret: EMU_ENV.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    regionId: EMU_ENV.ALIBABA_CLOUD_REGION_ID,
    endpoint: new URL(url).host,
    protocol: "http",
    connectTimeout: 5_000,
    readTimeout: 5_000,
    ...extra,
  });
}

export async function startHarness(): Promise<Harness> {
  const emu = await startEmulator({ port: 0 });
  const make = (overrides: Partial<CloudConfig> = {}, env: Record<string, string> = {}) => {
    const events: CloudEvent[] = [];
    const config = {
      ...loadCloudConfig({ ...EMU_ENV, ALIBABA_CLOUD_ENDPOINT: emu.url, ...env }),
      ...FAST,
      ...overrides,
    };
    return { cloud: createCloudProvider(config, { onEvent: (e) => events.push(e) }), events };
  };
  const main = make();
  const requests = async (): Promise<RequestLogEntry[]> =>
    ((await admin(emu.url, "requests", "GET")) as { requests: RequestLogEntry[] }).requests;
  return {
    url: emu.url,
    cloud: main.cloud,
    events: main.events,
    provider: make,
    addFault: async (rule) => void (await admin(emu.url, "faults", "POST", rule)),
    clearFaults: async () => void (await admin(emu.url, "faults", "DELETE")),
    requests,
    mark: async () => {
      const last = (await requests()).at(-1)?.requestId;
      return async () => {
        const all = await requests();
        const i = last === undefined ? -1 : all.findIndex((r) => r.requestId === last);
        // Admin calls are logged too, without an action: only API calls count.
        return all.slice(i + 1).filter((r) => r.action !== undefined);
      };
    },
    advanceClock: async (ms) => void (await admin(emu.url, "clock/advance", "POST", { ms })),
    close: () => emu.close(),
  };
}

export const OWNER_TAGS = [
  { key: "kubernetes.do.not.delete", value: "a5e4dbfc9c2ae4642b0335607860aef6" },
  { key: "ack.aliyun.com", value: "alicloud-operator-local" },
];

/** Polls `fn` until it returns true (virtual-clock transitions are lazy, so reads make progress). */
export async function eventually(
  fn: () => Promise<boolean>,
  timeoutMs = 5_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
