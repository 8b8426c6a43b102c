import test from "node:test";
import assert from "node:assert/strict";
import { startEmulator } from "../../src/emulator";

test("stats count every API call per product and action, and reset", async () => {
  const emu = await startEmulator({ port: 0 });
  try {
    const call = (action: string) =>
      fetch(`${emu.url}/?Version=2014-05-15&Action=${action}`, { method: "POST" }).then((r) => r.text());
    await call("DescribeLoadBalancers");
    await call("DescribeLoadBalancers");
    await call("CreateLoadBalancer");
    await fetch(`${emu.url}/_emulator/health`);
    const stats = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as {
      calls: Record<string, number>;
    };
    assert.deepEqual(stats.calls, { "slb:DescribeLoadBalancers": 2, "slb:CreateLoadBalancer": 1 });
    await fetch(`${emu.url}/_emulator/stats`, { method: "DELETE" });
    const after = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as {
      calls: Record<string, number>;
    };
    assert.deepEqual(after.calls, {});
  } finally {
    await emu.close();
  }
});
