// newServerGroupActions(): what the creates ahead of a reconcile may do (controller.ts groupChanged), on the
// cafe model fixture: only the creates of new groups and the adds of their servers, the very actions (keys,
// tokens, servers) the reconcile's plan holds, so the two share their calls; nothing for existing groups,
// nothing for a member whose Service is missing, nothing on delete.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import type { V1Node, V1Service } from "@kubernetes/client-node";
import type { Ingress } from "./annotations";
import type { AlbConfig } from "./crd";
import { buildDesiredModel } from "./model";
import { newServerGroupActions, type CloudInputs } from "./pipeline";
import { plan, type RemoteModel } from "./plan";

function cafe() {
  const docs = yaml.loadAll(
    readFileSync(join(__dirname, "fixtures", "model", "cafe", "input.yaml"), "utf8"),
    undefined,
    { schema: yaml.CORE_SCHEMA },
  ) as ({ kind?: string } | null)[];
  const of = <T>(kind: string) => docs.filter((d) => d?.kind === kind) as T[];
  const facts = of<CloudInputs>("CloudFacts")[0];
  return {
    input: {
      albConfig: {
        ...of<AlbConfig>("AlbConfig")[0],
        metadata: {
          ...of<AlbConfig>("AlbConfig")[0].metadata,
          annotations: { "alb.alicloud-operator.io/create-intent": "intent-1" },
        },
      },
      ingresses: of<Ingress>("Ingress"),
      services: of<V1Service>("Service"),
      nodes: of<V1Node>("Node"),
      endpointSlices: [],
      clusterId: "c-1",
      vpcId: "vpc-1",
      deleting: false,
    },
    inputs: { vSwitches: facts.vSwitches, certificates: [] },
  };
}

const NOTHING: RemoteModel = { serverGroups: [] };

test("from nothing: the creates of every new group and the adds of their servers, as the full plan has them", () => {
  const { input, inputs } = cafe();
  const ahead = newServerGroupActions(input, inputs, NOTHING);
  assert.deepEqual(
    [...new Set(ahead.map((a) => a.kind))].sort(),
    ["AddServers", "CreateServerGroup"],
    "no ALB, listener or rule",
  );
  assert.equal(ahead.filter((a) => a.kind === "CreateServerGroup").length, 3, "tea, coffee, the default");
  assert.equal(ahead.filter((a) => a.kind === "AddServers").length, 2, "tea and coffee over two nodes");
  const model = buildDesiredModel({ ...input, ...inputs }).model;
  assert.ok(model);
  const full = plan(model, NOTHING).actions;
  for (const a of ahead)
    assert.deepEqual(
      a,
      full.find((f) => f.key === a.key),
      `${a.key} is the reconcile's own action`,
    );
});

test("an existing group gets nothing ahead (its servers are the reconcile's), a missing Service leaves its member out", () => {
  const { input, inputs } = cafe();
  const creates = newServerGroupActions(input, inputs, NOTHING).filter((a) => a.kind === "CreateServerGroup");
  const tea = creates.find((a) => a.key.includes("tea-svc"));
  assert.ok(tea && tea.params.kind === "CreateServerGroup");
  const remote: RemoteModel = {
    serverGroups: [
      {
        serverGroupId: "sgp-tea",
        name: tea.params.spec.serverGroupName,
        protocol: tea.params.spec.protocol,
        tags: tea.params.spec.tags,
        servers: [],
        scheduler: tea.params.spec.scheduler,
        healthCheck: tea.params.spec.healthCheck,
        stickySession: tea.params.spec.stickySession,
        upstreamKeepaliveEnabled: tea.params.spec.upstreamKeepaliveEnabled,
      },
    ],
  };
  const ahead = newServerGroupActions(input, inputs, remote);
  assert.ok(!ahead.some((a) => a.key.includes("tea-svc")), ahead.map((a) => a.key).join(", "));
  assert.ok(ahead.some((a) => a.key.includes("coffee-svc")));

  const noCoffee = { ...input, services: input.services.filter((s) => s.metadata?.name !== "coffee-svc") };
  const partial = newServerGroupActions(noCoffee, inputs, NOTHING);
  assert.ok(!partial.some((a) => a.key.includes("coffee-svc")));
  assert.ok(partial.some((a) => a.key.includes("tea-svc")));
});

test("nothing ahead of a delete", () => {
  const { input, inputs } = cafe();
  assert.deepEqual(newServerGroupActions({ ...input, deleting: true }, inputs, NOTHING), []);
});
