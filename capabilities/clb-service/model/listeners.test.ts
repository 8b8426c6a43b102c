// Listener attributes per protocol (§1.2, the Protocols column). § numbers refer to docs/clb-service.md.
import test from "node:test";
import assert from "node:assert/strict";
import { listenerAttributes } from "./listeners";

test("tcp/udp attributes: drain timeout only while draining, proxy protocol as boolean", () => {
  const c = {
    connectionDrain: "off",
    connectionDrainTimeoutSeconds: 30,
    proxyProtocol: "on",
    persistenceTimeoutSeconds: 5,
    idleTimeoutSeconds: 9,
  } as const;
  assert.deepEqual(listenerAttributes("tcp", c), {
    connectionDrain: "off",
    proxyProtocolV2Enabled: true,
    persistenceTimeout: 5,
  });
  assert.deepEqual(listenerAttributes("udp", { ...c, connectionDrain: "on" }), {
    connectionDrain: "on",
    connectionDrainTimeout: 30,
    proxyProtocolV2Enabled: true,
  });
});
