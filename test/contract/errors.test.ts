// Error mapping end to end: real emulator error envelopes become the right CloudError kinds.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { clientTokenFor, CloudError, isCloudError } from "../../src/cloud";
import { startHarness, type Harness } from "./harness";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const UNKNOWN_LB = "lb-bp1unknown000000000000";

function expectCloudError(kind: CloudError["kind"], check?: (e: CloudError) => void) {
  return (e: unknown) => {
    assert.ok(e instanceof CloudError, `expected CloudError, got ${String(e)}`);
    assert.equal(e.kind, kind, `${e.code}: ${e.message}`);
    check?.(e);
    return true;
  };
}

test("an unknown load balancer is NotFound, with code, status, request id and action", async () => {
  await assert.rejects(
    h.cloud.slb.getLoadBalancer(UNKNOWN_LB),
    expectCloudError("NotFound", (e) => {
      assert.equal(e.code, "InvalidLoadBalancerId.NotFound");
      assert.equal(e.httpStatus, 404);
      assert.match(e.requestId ?? "", /^[0-9A-F-]{36}$/);
      assert.equal(e.action, "slb:DescribeLoadBalancerAttribute");
      assert.equal(e.retryable, false);
    }),
  );
});

test("a missing listener and a missing vserver group are NotFound", async () => {
  const { loadBalancerId } = await h.cloud.slb.createLoadBalancer({
    loadBalancerName: "lb-errors",
    tags: [],
    clientToken: clientTokenFor("uid-errors", "clb:create"),
  });
  await assert.rejects(h.cloud.slb.startListener(loadBalancerId, 9999, "tcp"), expectCloudError("NotFound"));
  await assert.rejects(
    h.cloud.slb.addBackendServers("rsp-doesnotexist", [
      { serverId: "i-x", port: 80, weight: 100, type: "ecs" },
    ]),
    expectCloudError("NotFound"),
  );
});

test("a duplicate listener and a vserver group still in use are Conflict", async () => {
  const { loadBalancerId } = await h.cloud.slb.createLoadBalancer({
    loadBalancerName: "lb-conflict",
    tags: [],
    clientToken: clientTokenFor("uid-conflict", "clb:create"),
  });
  const { vServerGroupId } = await h.cloud.slb.createVServerGroup(loadBalancerId, "g", []);
  await h.cloud.slb.createListener(loadBalancerId, {
    listenerPort: 80,
    listenerProtocol: "tcp",
    vServerGroupId,
  });
  await assert.rejects(
    h.cloud.slb.createListener(loadBalancerId, { listenerPort: 80, listenerProtocol: "tcp", vServerGroupId }),
    expectCloudError("Conflict", (e) => assert.equal(e.code, "ListenerAlreadyExists")),
  );
  await assert.rejects(
    h.cloud.slb.deleteVServerGroup(vServerGroupId),
    expectCloudError("Conflict", (e) => assert.equal(e.code, "RspoolVipExist")),
  );
});

test("deleting a delete-protected load balancer is Conflict until protection is lifted", async () => {
  const { loadBalancerId } = await h.cloud.slb.createLoadBalancer({
    loadBalancerName: "lb-protected",
    deleteProtection: "on",
    tags: [],
    clientToken: clientTokenFor("uid-protected", "clb:create"),
  });
  await assert.rejects(h.cloud.slb.deleteLoadBalancer(loadBalancerId), expectCloudError("Conflict"));
  await h.cloud.slb.setDeleteProtection(loadBalancerId, "off");
  await h.cloud.slb.deleteLoadBalancer(loadBalancerId);
});

test("reusing a client token with different parameters is Conflict (IdempotenceParamNotMatch)", async () => {
  const clientToken = clientTokenFor("uid-idem-mismatch", "clb:create");
  await h.cloud.slb.createLoadBalancer({ loadBalancerName: "first", tags: [], clientToken });
  await assert.rejects(
    h.cloud.slb.createLoadBalancer({ loadBalancerName: "second", tags: [], clientToken }),
    expectCloudError("Conflict", (e) => assert.equal(e.code, "IdempotenceParamNotMatch")),
  );
});

test("invalid parameters are InvalidParameter and are not retried", async () => {
  const since = await h.mark();
  await assert.rejects(
    h.cloud.slb.createLoadBalancer({
      loadBalancerName: "bad-spec",
      loadBalancerSpec: "not a spec",
      tags: [],
      clientToken: clientTokenFor("uid-bad", "clb:create"),
    }),
    expectCloudError("InvalidParameter", (e) => assert.match(e.code, /^InvalidParameter/)),
  );
  const creates = (await since()).filter((r) => r.action === "CreateLoadBalancer");
  assert.equal(creates.length, 1, "a non-retryable error is sent once");
});

test("wrong credentials are Auth, and no credential appears in the error", async () => {
  const secret = "wrongSecretValue-0123456789";
  const bad = h.provider({}, { ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret });
  await assert.rejects(
    bad.cloud.slb.findLoadBalancers({}),
    expectCloudError("Auth", (e) => {
      assert.equal(e.code, "SignatureDoesNotMatch");
      const everything = `${e.message} ${e.toShortString()} ${JSON.stringify(e)} ${e.stack ?? ""}`;
      assert.doesNotMatch(everything, new RegExp(secret));
    }),
  );
  const unknownKey = h.provider({}, { ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAIunknownKey0001" });
  await assert.rejects(
    unknownKey.cloud.slb.findLoadBalancers({}),
    expectCloudError("Auth", (e) => assert.doesNotMatch(e.message, /LTAIunknownKey0001/)),
  );
});

test("isCloudError narrows by kind", async () => {
  try {
    await h.cloud.slb.getLoadBalancer(UNKNOWN_LB);
    assert.fail("expected an error");
  } catch (e) {
    assert.ok(isCloudError(e, "NotFound"));
    assert.ok(!isCloudError(e, "Conflict"));
  }
});
