import test from "node:test";
import assert from "node:assert/strict";
import { stripPeprStatusAnnotations, withoutPeprStatusAnnotations } from "../../src/k8s/admission-hooks";

test("drops the Pepr status annotation added to an object without annotations", () => {
  const ops = [
    {
      op: "add",
      path: "/metadata/annotations",
      value: { "alicloud-operator.pepr.dev/clb-service": "succeeded" },
    },
  ];
  assert.deepEqual(withoutPeprStatusAnnotations(ops), []);
});

test("keeps our own annotations in the same add", () => {
  const ops = [
    {
      op: "add",
      path: "/metadata/annotations",
      value: { "alicloud-operator.pepr.dev/clb-service": "succeeded", "x/y": "1" },
    },
  ];
  assert.deepEqual(withoutPeprStatusAnnotations(ops), [
    { op: "add", path: "/metadata/annotations", value: { "x/y": "1" } },
  ]);
});

test("drops escaped single-key ops and keeps others", () => {
  const ops = [
    { op: "add", path: "/metadata/annotations/alicloud-operator.pepr.dev~1clb-service", value: "succeeded" },
    {
      op: "add",
      path: "/metadata/annotations/service.beta.kubernetes.io~1alibaba-cloud-loadbalancer-address-type",
      value: "internet",
    },
  ];
  assert.equal(withoutPeprStatusAnnotations(ops).length, 1);
});

test("removes the patch entirely when nothing else is left", () => {
  const res: { patch?: string; patchType?: string } = {
    patchType: "JSONPatch",
    patch: Buffer.from(
      JSON.stringify([{ op: "add", path: "/metadata/annotations/a.pepr.dev~1b", value: "started" }]),
    ).toString("base64"),
  };
  stripPeprStatusAnnotations(res);
  assert.equal(res.patch, undefined);
  assert.equal(res.patchType, undefined);
});
