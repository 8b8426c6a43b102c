// Tests for group.ts: which Ingresses are ALB Ingresses and of which AlbConfig, member order with the
// upstream messages, path patterns, listen-port defaults from TLS, and group members from a real Store.
import test from "node:test";
import assert from "node:assert/strict";
import type { V1IngressClass } from "@kubernetes/client-node";
import { KINDS } from "../../src/k8s/kinds";
import { Store } from "../../src/k8s/stores";
import { ALB_ANNOTATION_PREFIX as A, type Ingress } from "./annotations";
import {
  albConfigOfIngressClass,
  albConfigRefsOf,
  albMembership,
  ingressListenPorts,
  INGRESSES_BY_ALBCONFIG_REF,
  membersOfAlbConfig,
  pathPatterns,
  sortGroupMembers,
} from "./group";

function ic(name: string, controller: string, albConfig?: string, kind = "AlbConfig"): V1IngressClass {
  return {
    metadata: { name },
    spec: {
      controller,
      ...(albConfig ? { parameters: { apiGroup: "alibabacloud.com", kind, name: albConfig } } : {}),
    },
  };
}

const ALB = "ingress.k8s.alibabacloud/alb";
const classes: Record<string, V1IngressClass> = {
  alb: ic("alb", ALB, "cfg"),
  "alb-two": ic("alb-two", ALB, "cfg-two"),
  "alb-noparams": ic("alb-noparams", ALB),
  "alb-wrongkind": ic("alb-wrongkind", ALB, "x", "IngressClassParams"),
  nginx: ic("nginx", "k8s.io/ingress-nginx"),
};
const lookup = (n: string) => classes[n];

function ing(
  name: string,
  o: {
    className?: string;
    annotations?: Record<string, string>;
    tlsHosts?: string[];
    hosts?: string[];
    ns?: string;
  } = {},
): Ingress {
  return {
    metadata: { name, namespace: o.ns ?? "default", annotations: o.annotations ?? {}, resourceVersion: "1" },
    spec: {
      ...(o.className ? { ingressClassName: o.className } : {}),
      rules: (o.hosts ?? ["cafe.example.com"]).map((host) => ({
        host,
        http: {
          paths: [
            { path: "/", pathType: "Prefix", backend: { service: { name: "s", port: { number: 80 } } } },
          ],
        },
      })),
      ...(o.tlsHosts ? { tls: [{ hosts: o.tlsHosts }] } : {}),
    },
  };
}

test("membership: class name, legacy annotation, albconfig.name precedence, errors", () => {
  assert.deepEqual(albMembership(ing("a", { className: "alb" }), lookup), {
    ours: true,
    albConfig: "cfg",
    ingressClass: classes.alb,
  });
  assert.deepEqual(albMembership(ing("a", { className: "nginx" }), lookup), { ours: false });
  assert.deepEqual(albMembership(ing("a", { className: "missing" }), lookup), { ours: false });
  assert.deepEqual(albMembership(ing("a"), lookup), { ours: false });
  // legacy annotation: `alb` without an IngressClass object is the default group
  const legacy = (v: string) => ing("a", { annotations: { "kubernetes.io/ingress.class": v } });
  assert.deepEqual(
    albMembership(legacy("alb"), () => undefined),
    { ours: true, albConfig: "default" },
  );
  assert.deepEqual(albMembership(legacy("alb-two"), lookup), {
    ours: true,
    albConfig: "cfg-two",
    ingressClass: classes["alb-two"],
  });
  assert.deepEqual(albMembership(legacy("nginx"), lookup), { ours: false });
  // albconfig.name first, even over a class without parameters
  const named = ing("a", { className: "alb-noparams", annotations: { [`${A}albconfig.name`]: "explicit" } });
  assert.equal(albMembership(named, lookup).albConfig, "explicit");
  assert.equal(
    albMembership(ing("a", { className: "alb-noparams" }), lookup).error,
    "albconfig must be referenced in IngressClass alb-noparams",
  );
  assert.match(
    albMembership(ing("a", { className: "alb-wrongkind" }), lookup).error ?? "",
    /must reference an AlbConfig/,
  );
  assert.equal(albConfigOfIngressClass(classes.alb), "cfg");
  assert.equal(albConfigOfIngressClass(classes.nginx), undefined);
  assert.equal(albConfigOfIngressClass(classes["alb-noparams"]), undefined);
});

test("order: by order (default 10) then namespace/name; range and uniqueness errors with upstream wording", () => {
  const o = (name: string, order?: string, ns = "default") =>
    ing(name, { ns, annotations: order === undefined ? {} : { [`${A}order`]: order } });
  const { ordered, errors } = sortGroupMembers([
    o("z"),
    o("b", "20"),
    o("a", "3"),
    o("y", undefined, "a-ns"),
    o("c", "10"),
  ]);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    ordered.map(
      (m) =>
        `${m.ingress.metadata?.namespace}/${m.ingress.metadata?.name}:${m.order}${m.explicit ? "!" : ""}`,
    ),
    ["default/a:3!", "a-ns/y:10", "default/c:10!", "default/z:10", "default/b:20!"],
  );
  const bad = sortGroupMembers([o("b", "7"), o("a", "7"), o("c", "0")]);
  assert.deepEqual(
    bad.errors[1],
    'explicit Ingress group order must be within [1:1000], Ingress: default/c, annotation alb.ingress.kubernetes.io/order: "0" is out of range; allowed 1-1000',
  );
  assert.deepEqual(bad.errors[0], "conflict Ingress group order: 7, conflict ingress :default/a, default/b");
});

test("path patterns: the rules of docs/alb-ingress.md §3.3", () => {
  assert.deepEqual(pathPatterns("/", "Prefix", {}), { patterns: ["/*"] });
  assert.deepEqual(pathPatterns("/api/", "Prefix", {}), { patterns: ["/api", "/api/*"] });
  assert.deepEqual(pathPatterns("/api", "Prefix", {}), { patterns: ["/api", "/api/*"] });
  assert.deepEqual(pathPatterns("/tea", "Exact", {}), { patterns: ["/tea"] });
  assert.deepEqual(pathPatterns("/tea*", "ImplementationSpecific", {}), { patterns: ["/tea*"] });
  assert.deepEqual(pathPatterns("/tea", undefined, {}), { patterns: ["/tea"] });
  assert.deepEqual(pathPatterns("/t?a", "Exact", {}), {
    error: "exact path shouldn't contain wildcards: /t?a",
  });
  assert.deepEqual(pathPatterns("/t*", "Prefix", {}), {
    error: "prefix path shouldn't contain wildcards: /t*",
  });
  assert.deepEqual(pathPatterns("/t(.*)", "Prefix", { rewriteTarget: "/${1}" }), { patterns: ["~*/t(.*)"] });
  assert.deepEqual(pathPatterns("/t.*", "Prefix", { useRegex: true }), { patterns: ["~*/t.*"] });
  assert.deepEqual(pathPatterns("/t*", "Prefix", { useRegex: false }), {
    error: "prefix path shouldn't contain wildcards: /t*",
  });
  assert.deepEqual(pathPatterns("", "Prefix", {}), { patterns: [] });
  assert.deepEqual(pathPatterns("/x", "Fancy", {}), { error: "unsupported pathType: Fancy" });
});

test("listen ports: from TLS hosts, the annotation, and ssl-redirect", () => {
  const ports = (i: Ingress) => ingressListenPorts(i).map((p) => `${p.protocol}:${p.port}`);
  assert.deepEqual(ports(ing("a")), ["HTTP:80"]);
  assert.deepEqual(ports(ing("a", { tlsHosts: ["cafe.example.com"] })), ["HTTPS:443"]);
  assert.deepEqual(
    ports(ing("a", { tlsHosts: ["cafe.example.com"], hosts: ["cafe.example.com", "plain.example.com"] })),
    ["HTTP:80", "HTTPS:443"],
  );
  assert.deepEqual(
    ports(ing("a", { tlsHosts: ["cafe.example.com"], annotations: { [`${A}ssl-redirect`]: "true" } })),
    ["HTTP:80", "HTTPS:443"],
  );
  assert.deepEqual(
    ports(ing("a", { annotations: { [`${A}listen-ports`]: '[{"HTTPS":8443},{"HTTP":8080}]' } })),
    ["HTTPS:8443", "HTTP:8080"],
  );
  assert.deepEqual(
    ports(ing("a", { annotations: { [`${A}listen-ports`]: '[{"HTTP":80}]', [`${A}ssl-redirect`]: "true" } })),
    ["HTTP:80"],
    "duplicates dropped",
  );
});

test("members of an AlbConfig come from the Store's index, resolved against the current IngressClasses", () => {
  const ingresses = new Store<Ingress>(KINDS.Ingress, { [INGRESSES_BY_ALBCONFIG_REF]: albConfigRefsOf });
  const icStore = new Store<V1IngressClass>(KINDS.IngressClass);
  for (const c of Object.values(classes)) icStore.apply("ADDED", c);
  const add = (i: Ingress) => ingresses.apply("ADDED", i);
  add(ing("by-class", { className: "alb" }));
  add(ing("by-name", { className: "alb-two", annotations: { [`${A}albconfig.name`]: "cfg" } }));
  add(ing("legacy", { annotations: { "kubernetes.io/ingress.class": "alb" } }));
  add(ing("other", { className: "alb-two" }));
  add(ing("nginx", { className: "nginx" }));
  const names = (cfg: string) =>
    membersOfAlbConfig(cfg, ingresses, icStore, (n) => icStore.get(n)).map((i) => i.metadata?.name);
  // `legacy` names the IngressClass `alb` (an object exists), so it belongs to cfg, not to default
  assert.deepEqual(names("cfg"), ["by-class", "by-name", "legacy"]);
  assert.deepEqual(names("cfg-two"), ["other"]);
  assert.deepEqual(names("default"), []);
  // repoint the class: the index need not change, the lookup follows the class
  icStore.apply("MODIFIED", {
    ...ic("alb", ALB, "cfg-two"),
    metadata: { name: "alb", resourceVersion: "2" },
  });
  assert.deepEqual(names("cfg"), ["by-name"]);
  assert.deepEqual(names("cfg-two"), ["by-class", "legacy", "other"]);
  // without an IngressClass object, the legacy annotation is the default group
  icStore.apply("DELETED", classes.alb);
  assert.deepEqual(names("default"), ["legacy"]);
});
