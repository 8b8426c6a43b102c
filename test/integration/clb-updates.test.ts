// Update of every mutable CLB annotation, end to end: `kubectl annotate --overwrite` on a live Service
// through the real apiserver and our webhooks, then the cloud read back through the provider (the
// official SDK against the emulator) must show the new value in the API field the annotation drives.
//
// The table is checked against the registry (capabilities/clb-service/annotations/registry.ts): a mutable
// annotation without a case here, or a case for an immutable one, fails the first test. Cases are
// grouped per Service (an internet TCP one, an intranet HTTP+HTTPS one, one reusing a user SLB, an IPv6
// one with pod backends) and per step: one kubectl call sets every annotation of a step, and the step
// waits for all of its fields at once. The four Services run their steps concurrently. Before each
// step the cloud must NOT already show the wanted values, so no case can pass without a change.
// backend-type is changed on the Service with an http→https redirect listener on purpose: the groups
// are rebuilt under it (the redirect listener must follow, or the old group cannot be deleted).
// § numbers refer to docs/clb-service.md.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import {
  CLB_ANNOTATIONS,
  RESERVED_TAG_KEYS,
  annotationKey,
  parseAnnotation,
  type ClbAnnotationField,
} from "../../capabilities/clb-service/annotations";
import {
  clientTokenFor,
  type CloudProvider,
  type SlbBackendServer,
  type SlbDomainExtension,
  type SlbListener,
  type SlbListenerProtocol,
  type SlbLoadBalancer,
  type SlbVServerGroup,
} from "../../src/cloud";
import {
  cloudOf,
  createNodes,
  getService,
  serviceYaml,
  waitForIngress,
  warningEvents,
  type ServiceJson,
} from "../helpers/clb";
import { eventually, startStack, type Stack } from "../helpers/stack";
import { cloudScene, type CloudScene } from "../helpers/vpc-ecs";

const SYNCED = "alicloud-operator/LoadBalancerSynced";
const STEP_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------- the table

/** Cloud objects made in before() that annotation values and expectations refer to. */
interface World {
  /** Two ACLs (the emulator checks that an AclId exists). */
  acls: [string, string];
  /** An SLB made by hand (no ownership tags), and a vserver group of its own on it. */
  userLbId: string;
  userGroupId: string;
  /** The ENI carrying the pod IPs of upd-pods (IPv4 and IPv6). */
  eniId: string;
  /** The ENI carrying the pod IP of upd-l7. */
  l7EniId: string;
  /** The EIP bound to the SLB of upd-l7. */
  eipAddress: string;
}

type Val = string | ((w: World) => string);
type Annotations = Partial<Record<ClbAnnotationField, Val>>;

/** What one poll read: the Service's SLB, listeners, vserver groups, https:443 extensions, the Service. */
interface Snapshot {
  lb: SlbLoadBalancer;
  listeners: SlbListener[];
  groups: SlbVServerGroup[];
  extensions: SlbDomainExtension[];
  /** Undefined once the Service is gone. */
  svc?: ServiceJson;
}

interface Case {
  field: ClbAnnotationField;
  /** The new value, written with `kubectl annotate --overwrite`. */
  to: Val;
  /** What the cloud (or, where noted, the Service) shows for this field. */
  read: (s: Snapshot) => unknown;
  want: unknown;
  /** Run after the step converged, for effects that show only later (deletion). */
  verify?: (run: Run) => Promise<void>;
}

interface Step {
  title: string;
  cases: Case[];
  /** Companion annotations written in the same call (fields whose own case is in another step). */
  with?: Annotations;
  /**
   * A case asserts that something does NOT happen: after convergence wait a second and check again,
   * so an action later in the same apply (backend updates run after adds and removes) cannot slip by.
   */
  settle?: boolean;
  /**
   * Moves the emulator's virtual clock on by this much at every poll: the real API applies some changes
   * only later (a bandwidth -> traffic charge type change the next billing day, docs/emulator.md).
   */
  advanceClockEachPollMs?: number;
}

interface ServiceDef {
  name: string;
  ports: Array<{ port: number; protocol?: string }>;
  /** Annotations at creation: the "before" values of the cases, and companions they need. */
  create: Annotations;
  steps: Step[];
}

// Readers. A missing listener throws: the poll reports it and tries again.
function listener(s: Snapshot, protocol: SlbListenerProtocol, port: number): SlbListener {
  const l = s.listeners.find((x) => x.listenerProtocol === protocol && x.listenerPort === port);
  if (!l) throw new Error(`no ${protocol}:${port} listener`);
  return l;
}
const tcp80 = (s: Snapshot) => listener(s, "tcp", 80);
const https443 = (s: Snapshot) => listener(s, "https", 443);
/** The same attribute on both L7 listeners that serve traffic (http:80 and https:443). */
const l7 =
  <K extends keyof SlbListener>(key: K) =>
  (s: Snapshot) => [listener(s, "http", 80)[key], https443(s)[key]];
/** The backends of the vserver group the listener on `port` forwards to. */
function served(s: Snapshot, port: number): SlbBackendServer[] {
  const l = s.listeners.find((x) => x.listenerPort === port);
  if (!l) throw new Error(`no listener on ${port}`);
  const g = s.groups.find((x) => x.vServerGroupId === l.vServerGroupId);
  if (!g) throw new Error(`listener ${port} forwards to ${l.vServerGroupId ?? "no group"}, not found`);
  return [...g.backendServers].sort((a, b) => a.serverId.localeCompare(b.serverId));
}
const weightByServer = (s: Snapshot) => Object.fromEntries(served(s, 80).map((b) => [b.serverId, b.weight]));
const distinctWeights = (s: Snapshot) => [...new Set(served(s, 80).map((b) => b.weight))];
const servers = (s: Snapshot) => served(s, 80).map((b) => b.serverId);
const podBackends = (s: Snapshot, port = 80) => served(s, port).map((b) => [b.serverId, b.serverIp, b.type]);
const ingress = (s: Snapshot) => (s.svc?.status?.loadBalancer?.ingress ?? []).map((i) => i.hostname ?? i.ip);

const IPV4_POD = "192.168.102.11";
const L7_POD = "192.168.103.11";
const IPV6_POD = "2408:4005:3cd:ab00::11";

/** Internet SLB, one TCP port: every instance attribute, the L4 listener attributes, node backends. */
const TCP: ServiceDef = {
  name: "upd-tcp",
  ports: [{ port: 80 }],
  create: {
    additionalResourceTags: "team=a,env=dev",
    deleteProtection: "on",
    modificationProtection: "ConsoleProtection",
    instanceChargeType: "PayBySpec",
    loadBalancerSpec: "slb.s1.small",
    internetChargeType: "paybybandwidth",
    bandwidthMbps: "10",
    scheduler: "wlc",
    persistenceTimeoutSeconds: "10",
    establishedTimeoutSeconds: "300",
    connectionDrain: "on",
    connectionDrainTimeoutSeconds: "30",
    proxyProtocol: "off",
    // The L4 check is on and of type http, so the check details (uri, domain, codes) are sent.
    healthCheckSwitch: "on",
    healthCheckType: "http",
    healthCheckUri: "/a",
    healthCheckDomain: "a.example.com",
    healthCheckHttpCodes: "http_2xx",
    healthCheckConnectPort: "8080",
    healthyThreshold: "3",
    unhealthyThreshold: "3",
    healthCheckIntervalSeconds: "2",
    healthCheckConnectTimeoutSeconds: "5",
    aclStatus: "on",
    aclIds: (w) => w.acls[0],
    aclType: "white",
    // n1, n2 (cordoned) carry pool=a; n3 pool=b. zone=z1 on n1 and n3.
    backendLabel: "pool=a",
    removeUnscheduledBackend: "off",
    defaultWeight: "50",
    ignoreWeightUpdate: "off",
  },
  steps: [
    {
      title: "instance attributes, L4 listener attributes, weight, cordoned nodes, hostname",
      cases: [
        {
          field: "loadBalancerName",
          to: "upd-tcp-renamed",
          read: (s) => s.lb.loadBalancerName,
          want: "upd-tcp-renamed",
        },
        {
          field: "additionalResourceTags",
          // env was applied by us and leaves the annotation: untagged; team changes; tier is new.
          to: "team=b,tier=web",
          read: (s) =>
            s.lb.tags
              .filter((t) => !RESERVED_TAG_KEYS.includes(t.key))
              .map((t) => `${t.key}=${t.value}`)
              .sort(),
          want: ["team=b", "tier=web"],
        },
        { field: "deleteProtection", to: "off", read: (s) => s.lb.deleteProtection, want: "off" },
        {
          field: "modificationProtection",
          to: "NonProtection",
          read: (s) => s.lb.modificationProtectionStatus,
          want: "NonProtection",
        },
        // PayBySpec stays: a spec change alone is ModifyLoadBalancerInstanceSpec.
        {
          field: "loadBalancerSpec",
          to: "slb.s2.small",
          read: (s) => s.lb.loadBalancerSpec,
          want: "slb.s2.small",
        },
        // paybybandwidth on an internet SLB: ModifyLoadBalancerInternetSpec with the bandwidth only.
        { field: "bandwidthMbps", to: "20", read: (s) => s.lb.bandwidth, want: 20 },
        { field: "scheduler", to: "sch", read: (s) => tcp80(s).scheduler, want: "sch" },
        { field: "persistenceTimeoutSeconds", to: "60", read: (s) => tcp80(s).persistenceTimeout, want: 60 },
        {
          field: "establishedTimeoutSeconds",
          to: "600",
          read: (s) => tcp80(s).establishedTimeout,
          want: 600,
        },
        // Draining stays on (the timeout is only sent while it is).
        {
          field: "connectionDrainTimeoutSeconds",
          to: "60",
          read: (s) => tcp80(s).connectionDrainTimeout,
          want: 60,
        },
        { field: "proxyProtocol", to: "on", read: (s) => tcp80(s).proxyProtocolV2Enabled, want: true },
        { field: "healthCheckUri", to: "/b", read: (s) => tcp80(s).healthCheckURI, want: "/b" },
        {
          field: "healthCheckDomain",
          to: "b.example.com",
          read: (s) => tcp80(s).healthCheckDomain,
          want: "b.example.com",
        },
        {
          field: "healthCheckHttpCodes",
          to: "http_2xx,http_3xx",
          read: (s) => tcp80(s).healthCheckHttpCode,
          want: "http_2xx,http_3xx",
        },
        {
          field: "healthCheckConnectPort",
          to: "9090",
          read: (s) => tcp80(s).healthCheckConnectPort,
          want: 9090,
        },
        { field: "healthyThreshold", to: "5", read: (s) => tcp80(s).healthyThreshold, want: 5 },
        { field: "unhealthyThreshold", to: "6", read: (s) => tcp80(s).unhealthyThreshold, want: 6 },
        { field: "healthCheckIntervalSeconds", to: "7", read: (s) => tcp80(s).healthCheckInterval, want: 7 },
        {
          field: "healthCheckConnectTimeoutSeconds",
          to: "8",
          read: (s) => tcp80(s).healthCheckConnectTimeout,
          want: 8,
        },
        { field: "aclIds", to: (w) => w.acls[1], read: (s) => tcp80(s).aclId, want: (w: World) => w.acls[1] },
        { field: "aclType", to: "black", read: (s) => tcp80(s).aclType, want: "black" },
        // §3.4 Cluster mode: every backend gets default-weight.
        { field: "defaultWeight", to: "80", read: distinctWeights, want: [80] },
        // §3.2 step 4: the cordoned n2 leaves the group.
        { field: "removeUnscheduledBackend", to: "on", read: servers, want: ["i-n1"] },
        // No cloud attribute: status only (§3.6). The SLB keeps its address; the Service reports the name.
        { field: "hostname", to: "upd-tcp.example.com", read: ingress, want: ["upd-tcp.example.com"] },
      ],
    },
    {
      title: "billing, switches off, backend label, ignore-weight-update",
      with: { defaultWeight: "20" },
      settle: true,
      // paybybandwidth -> paybytraffic takes effect at the next billing day.
      advanceClockEachPollMs: 24 * 60 * 60 * 1000,
      cases: [
        // The charge-type change carries no spec to PayByCLCU (the spec annotation stays, ignored).
        {
          field: "instanceChargeType",
          to: "PayByCLCU",
          read: (s) => s.lb.instanceChargeType,
          want: "PayByCLCU",
        },
        {
          field: "internetChargeType",
          to: "paybytraffic",
          read: (s) => s.lb.internetChargeType,
          want: "paybytraffic",
        },
        { field: "connectionDrain", to: "off", read: (s) => tcp80(s).connectionDrain, want: "off" },
        { field: "healthCheckType", to: "tcp", read: (s) => tcp80(s).healthCheckType, want: "tcp" },
        { field: "healthCheckSwitch", to: "off", read: (s) => tcp80(s).healthCheckSwitch, want: "off" },
        { field: "aclStatus", to: "off", read: (s) => tcp80(s).aclStatus, want: "off" },
        // pool=a (n1; n2 cordoned and removed) → zone=z1 (n1, n3).
        { field: "backendLabel", to: "zone=z1", read: servers, want: ["i-n1", "i-n3"] },
        {
          // With default-weight 80 → 20 in the same call: n1 (already registered) keeps 80, because
          // weight-only changes are not pushed; n3, added by the label change, gets 20.
          field: "ignoreWeightUpdate",
          to: "on",
          read: weightByServer,
          want: { "i-n1": 80, "i-n3": 20 },
        },
      ],
    },
  ],
};

/** Intranet SLB, http:80, https:443, https:8080: L7 and TLS attributes, redirect, EIP status, pod ENIs. */
const L7: ServiceDef = {
  name: "upd-l7",
  ports: [{ port: 80 }, { port: 443 }, { port: 8080 }],
  create: {
    // Only an intranet SLB can carry an EIP (external-ip-type below).
    addressType: "intranet",
    protocolPort: "http:80,https:443,https:8080",
    certId: "cert-a",
    tlsCipherPolicy: "tls_cipher_policy_1_0",
    http2Enabled: "on",
    domainExtensions: "www.example.com:cert-www",
    idleTimeoutSeconds: "10",
    requestTimeoutSeconds: "30",
    stickySession: "off",
    xForwardedForProto: "off",
    xForwardedForSlbPort: "off",
    xForwardedForClientSrcPort: "off",
    // The L7 check is on, so its details (timeout, method) are sent.
    healthCheckFlag: "on",
    healthCheckTimeoutSeconds: "5",
    healthCheckMethod: "head",
  },
  steps: [
    {
      title: "TLS, forwarding, timeouts, sticky insert, X-Forwarded headers, check details, EIP status",
      with: { stickySessionType: "insert" },
      cases: [
        { field: "certId", to: "cert-b", read: (s) => https443(s).serverCertificateId, want: "cert-b" },
        {
          field: "tlsCipherPolicy",
          to: "tls_cipher_policy_1_2",
          read: (s) => https443(s).tlsCipherPolicy,
          want: "tls_cipher_policy_1_2",
        },
        { field: "http2Enabled", to: "off", read: (s) => https443(s).enableHttp2, want: "off" },
        {
          // One certificate changes in place, one extension is added.
          field: "domainExtensions",
          to: "www.example.com:cert-www-2,api.example.com:cert-api",
          read: (s) => s.extensions.map((d) => `${d.domain}=${d.serverCertificateId}`).sort(),
          want: ["api.example.com=cert-api", "www.example.com=cert-www-2"],
        },
        {
          // 8080 https → http: the listener is deleted and re-created with the new protocol...
          field: "protocolPort",
          to: "http:80,https:443,http:8080",
          read: (s) => s.listeners.filter((l) => l.listenerPort === 8080).map((l) => l.listenerProtocol),
          want: ["http"],
        },
        {
          // ...as a redirect to https:443 (forward-port needs 8080 to be http, hence the same call).
          field: "forwardPort",
          to: "8080:443",
          read: (s) => {
            const l = s.listeners.find((x) => x.listenerPort === 8080);
            return [l?.listenerForward, l?.forwardPort];
          },
          want: ["on", 443],
        },
        { field: "idleTimeoutSeconds", to: "40", read: l7("idleTimeout"), want: [40, 40] },
        { field: "requestTimeoutSeconds", to: "90", read: l7("requestTimeout"), want: [90, 90] },
        { field: "stickySession", to: "on", read: l7("stickySession"), want: ["on", "on"] },
        { field: "cookieTimeoutSeconds", to: "100", read: l7("cookieTimeout"), want: [100, 100] },
        { field: "xForwardedForProto", to: "on", read: l7("xForwardedFor_proto"), want: ["on", "on"] },
        { field: "xForwardedForSlbPort", to: "on", read: l7("xForwardedFor_SLBPORT"), want: ["on", "on"] },
        {
          field: "xForwardedForClientSrcPort",
          to: "on",
          read: l7("xForwardedFor_ClientSrcPort"),
          want: ["on", "on"],
        },
        { field: "healthCheckTimeoutSeconds", to: "8", read: l7("healthCheckTimeout"), want: [8, 8] },
        { field: "healthCheckMethod", to: "get", read: l7("healthCheckMethod"), want: ["get", "get"] },
        // No SLB attribute: the operator reads the EIPs bound to the SLB (DescribeEipAddresses) and
        // reports them instead of the SLB address (§3.6). The cloud is unchanged; the status shows it.
        {
          field: "externalIpType",
          to: "eip",
          read: ingress,
          want: (w: World) => [w.eipAddress],
        },
      ],
    },
    {
      title: "sticky server cookie, L7 check off, nodes → pod ENIs",
      cases: [
        // insert → server needs the cookie name (admission rule), set in the same call.
        {
          field: "stickySessionType",
          to: "server",
          read: l7("stickySessionType"),
          want: ["server", "server"],
        },
        { field: "cookie", to: "srv-cookie", read: l7("cookie"), want: ["srv-cookie", "srv-cookie"] },
        { field: "healthCheckFlag", to: "off", read: l7("healthCheck"), want: ["off", "off"] },
        {
          // Nodes → the pod ENI. The groups are rebuilt: keyed by targetPort instead of NodePort, so
          // the three ports (all → 8080) share one group, and the three NodePort groups are deleted,
          // including the one the http:8080 redirect listener was created with.
          field: "backendType",
          to: "eni",
          read: (s) => [
            podBackends(s, 443),
            s.groups.map((g) => g.vServerGroupName.split("/").slice(0, 3).join("/")),
          ],
          want: (w: World) => [[[w.l7EniId, L7_POD, "eni"]], ["k8s/8080/upd-l7"]],
        },
      ],
    },
  ],
};

/** A user-made SLB reused by id: listeners only with force-override, a user vserver group, podPercent. */
const REUSE: ServiceDef = {
  name: "upd-reuse",
  ports: [{ port: 80 }],
  create: {
    loadBalancerId: (w) => w.userLbId,
    // Admitted with a warning and without effect until vgroup-port binds a user group (R4).
    weight: "50",
  },
  steps: [
    {
      title: "take over the listeners, bind the user vserver group",
      cases: [
        {
          // false → true: our listener appears on the reused SLB (before, only our vserver group did).
          field: "forceOverrideListeners",
          to: "true",
          read: (s) => s.listeners.some((l) => l.description?.startsWith("k8s/80/upd-reuse/default/")),
          want: true,
        },
        {
          // The listener forwards to the user group, which now holds our backends (all three nodes:
          // remove-unscheduled-backend is off here, so the cordoned n2 stays).
          field: "vgroupPort",
          to: (w) => `${w.userGroupId}:80`,
          read: (s) => [tcp80(s).vServerGroupId, servers(s)],
          want: (w: World) => [w.userGroupId, ["i-n1", "i-n2", "i-n3"]],
        },
      ],
    },
    {
      title: "total weight",
      // podPercent (§3.4): max(1, ⌊W / #backends⌋), so 50 gave 16 each.
      cases: [{ field: "weight", to: "80", read: distinctWeights, want: [26] }],
    },
  ],
};

/** IPv6 internet SLB with pod (ENI) backends: the pods' IPv4 addresses, then their IPv6 ones. */
const PODS: ServiceDef = {
  name: "upd-pods",
  ports: [{ port: 80 }],
  create: {
    ipVersion: "ipv6",
    backendType: "eni",
    backendIpVersion: "ipv4",
  },
  steps: [
    {
      title: "IPv4 → IPv6 pod addresses; keep the SLB on delete",
      cases: [
        {
          // Only on an ipv6 SLB (ip-version, immutable, set at creation): the IPv6 EndpointSlice counts.
          field: "backendIpVersion",
          to: "ipv6",
          read: (s) => podBackends(s),
          want: (w: World) => [[w.eniId, IPV6_POD, "eni"]],
        },
        {
          // No cloud write until the Service is deleted: the read is the annotation as admitted, and
          // verify() deletes the Service and checks that the SLB stays, released (§2.4).
          field: "preserveLbOnDelete",
          to: "true",
          read: (s) => s.svc?.metadata.annotations?.[annotationKey("preserveLbOnDelete")],
          want: "true",
          verify: async (run) => {
            stack.kubectlOk(["delete", "svc", run.def.name, "--wait=false"]);
            await eventually(
              () => (getService(stack, run.def.name) === undefined ? true : undefined),
              STEP_TIMEOUT_MS,
              `${run.def.name} deleted`,
            );
            const lb = await cloud.slb.getLoadBalancer(run.lbId);
            assert.ok(!lb.tags.some((t) => t.key === "kubernetes.do.not.delete"), "ownership tag removed");
            assert.equal(lb.deleteProtection, "off", "handed back unprotected");
            assert.deepEqual(await cloud.slb.listListeners(run.lbId), [], "our listeners removed");
          },
        },
      ],
    },
  ],
};

const SERVICES: readonly ServiceDef[] = [TCP, L7, REUSE, PODS];

// ---------------------------------------------------------------- coverage (no stack needed)

/** Stand-in cloud ids for checking the table's values offline. */
const SAMPLE_WORLD: World = {
  acls: ["acl-sample0000000000001", "acl-sample0000000000002"],
  userLbId: "lb-bp1sample00000000000000",
  userGroupId: "rsp-sample000000",
  eniId: "eni-sample000000",
  l7EniId: "eni-sample000001",
  eipAddress: "203.0.113.7",
};

const entriesOf = (a: Annotations) => Object.entries(a) as Array<[ClbAnnotationField, Val]>;
const resolve = (v: Val, w: World): string => (typeof v === "function" ? v(w) : v);
const wantOf = (c: Case, w: World): unknown => (typeof c.want === "function" ? c.want(w) : c.want);

describe("the update table covers the registry", () => {
  test("every mutable annotation has exactly one update case, and no immutable one has any", () => {
    const mutable = CLB_ANNOTATIONS.filter((d) => d.mutability === "mutable").map((d) => d.field);
    const covered = SERVICES.flatMap((svc) => svc.steps.flatMap((st) => st.cases.map((c) => c.field)));
    const missing = mutable.filter((f) => !covered.includes(f));
    assert.deepEqual(
      missing.map(annotationKey),
      [],
      `mutable annotations without an update case in ${__filename}: ${missing.map(annotationKey).join(", ")}`,
    );
    const notMutable = covered.filter((f) => !mutable.includes(f));
    assert.deepEqual(notMutable.map(annotationKey), [], "cases for annotations the registry calls immutable");
    const twice = covered.filter((f, i) => covered.indexOf(f) !== i);
    assert.deepEqual(twice.map(annotationKey), [], "annotations with more than one case");
  });

  test("every value in the table is valid for its annotation", () => {
    for (const svc of SERVICES) {
      const values: Array<[ClbAnnotationField, Val, string]> = [
        ...entriesOf(svc.create).map(([f, v]): [ClbAnnotationField, Val, string] => [f, v, "create"]),
        ...svc.steps.flatMap((st, i) => [
          ...entriesOf(st.with ?? {}).map(([f, v]): [ClbAnnotationField, Val, string] => [
            f,
            v,
            `step ${i + 1}`,
          ]),
          ...st.cases.map((c): [ClbAnnotationField, Val, string] => [c.field, c.to, `step ${i + 1}`]),
        ]),
      ];
      for (const [field, v, where] of values) {
        const raw = resolve(v, SAMPLE_WORLD);
        const r = parseAnnotation({ [annotationKey(field)]: raw }, field);
        assert.ok(
          r.present && !("error" in r),
          `${svc.name} ${where}: ${annotationKey(field)}=${raw} does not parse`,
        );
      }
    }
  });
});

// ---------------------------------------------------------------- the stack

let stack: Stack;
let cloud: CloudProvider;

interface Run {
  def: ServiceDef;
  lbId: string;
  /** The Service's annotations as this test last wrote them (for the step titles). */
  current: Record<string, string>;
}

function annotationsOf(a: Annotations, w: World): Record<string, string> {
  return Object.fromEntries(entriesOf(a).map(([f, v]) => [annotationKey(f), resolve(v, w)]));
}

/** CreateAccessControlList through the official SDK core (the provider has no ACL calls). */
async function createAcl(scene: CloudScene, name: string): Promise<string> {
  const body = await scene.call("slb", "CreateAccessControlList", { AclName: name });
  return String(body.AclId);
}

/** An EndpointSlice with one ready pod on n1 behind every port (p0, p1, … → 8080). */
function applySlice(service: string, family: "IPv4" | "IPv6", ip: string, ports = 1): void {
  stack.kubectlOk(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        name: `${service}-${family.toLowerCase()}`,
        namespace: "default",
        labels: { "kubernetes.io/service-name": service, "endpointslice.kubernetes.io/managed-by": "tests" },
      },
      addressType: family,
      ports: Array.from({ length: ports }, (_, i) => ({ name: `p${i}`, port: 8080, protocol: "TCP" })),
      endpoints: [{ addresses: [ip], nodeName: "n1", conditions: { ready: true } }],
    }),
  );
}

/**
 * One consistent-enough read. The operator works while we read (a vserver group listed may be deleted
 * before its attributes are described): a failed read is retried.
 */
async function snapshot(run: Run): Promise<Snapshot> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readOnce(run);
    } catch (e) {
      if (attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function readOnce(run: Run): Promise<Snapshot> {
  const id = run.lbId;
  const [lb, listeners, groups] = await Promise.all([
    cloud.slb.getLoadBalancer(id),
    cloud.slb.listListeners(id),
    cloud.slb.listVServerGroups(id),
  ]);
  const tls = listeners.some((l) => l.listenerProtocol === "https" && l.listenerPort === 443);
  const extensions = tls ? await cloud.slb.listDomainExtensions(id, 443) : [];
  // kubectl costs a process: only cases that read the Service pay for it.
  let svc: ServiceJson | undefined | null = null;
  return {
    lb,
    listeners,
    groups,
    extensions,
    get svc() {
      if (svc === null) svc = getService(stack, run.def.name);
      return svc;
    },
  };
}

/** Cases whose read does not (yet) give the wanted value, with what was read. */
function mismatches(cases: Case[], s: Snapshot, w: World): string[] {
  const out: string[] = [];
  for (const c of cases) {
    const want = wantOf(c, w);
    let have: unknown;
    try {
      have = c.read(s);
    } catch (e) {
      have = `<${(e as Error).message}>`;
    }
    if (!isDeepStrictEqual(have, want))
      out.push(`${annotationKey(c.field)}: have ${JSON.stringify(have)}, want ${JSON.stringify(want)}`);
  }
  return out;
}

async function advanceEmulatorClock(ms: number): Promise<void> {
  const r = await fetch(`${stack.emulator!.url}/_emulator/clock/advance`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ms }),
  });
  assert.equal(r.status, 200, "the emulator's clock moves on");
}

function syncedText(name: string): string {
  const c = getService(stack, name)?.status?.conditions?.find((x) => x.type === SYNCED);
  return c ? `${c.status} ${c.message}` : "none";
}

async function runStep(run: Run, step: Step, w: World, log: (line: string) => void): Promise<void> {
  const changes = annotationsOf(
    { ...step.with, ...Object.fromEntries(step.cases.map((c) => [c.field, c.to])) },
    w,
  );
  for (const [k, v] of Object.entries(changes)) log(`${k}: ${run.current[k] ?? "<unset>"} → ${v}`);

  // Precondition: nothing of this step is in the cloud yet, so each case proves a change.
  const before = await snapshot(run);
  const already = step.cases.filter((c) => mismatches([c], before, w).length === 0);
  assert.deepEqual(
    already.map((c) => annotationKey(c.field)),
    [],
    "the cloud already shows these values before the change",
  );

  stack.kubectlOk([
    "annotate",
    "--overwrite",
    "svc",
    run.def.name,
    ...Object.entries(changes).map(([k, v]) => `${k}=${v}`),
  ]);
  Object.assign(run.current, changes);

  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let left: string[] = [];
  for (;;) {
    if (step.advanceClockEachPollMs) await advanceEmulatorClock(step.advanceClockEachPollMs);
    try {
      left = mismatches(step.cases, await snapshot(run), w);
    } catch (e) {
      left = [`<the cloud read failed: ${(e as Error).message}>`];
    }
    if (left.length === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.deepEqual(
    left,
    [],
    `after ${STEP_TIMEOUT_MS} ms the cloud does not show:\n  ${left.join("\n  ")}\n` +
      `Synced condition: ${syncedText(run.def.name)}\nwarnings:\n${warningEvents(stack, run.def.name)}`,
  );
  if (step.settle) {
    await new Promise((r) => setTimeout(r, 1_000));
    assert.deepEqual(mismatches(step.cases, await snapshot(run), w), [], "changed again after convergence");
  }
  await eventually(
    () => (/^True /.test(syncedText(run.def.name)) ? true : undefined),
    STEP_TIMEOUT_MS,
    `a clean sync reported on ${run.def.name} (Synced: ${syncedText(run.def.name)})`,
  );
  for (const c of step.cases) await c.verify?.(run);
}

describe(
  "every mutable annotation, changed on a live Service, reaches the cloud",
  { concurrency: true },
  () => {
    let world: World;
    const runs = new Map<string, Run>();

    before(async () => {
      stack = await startStack({ operator: "all", emulator: true });
      cloud = cloudOf(stack);
      const url = stack.emulator!.url;
      createNodes(stack, ["n1"], { pool: "a", zone: "z1" });
      createNodes(stack, ["n2"], { pool: "a", zone: "z2" });
      createNodes(stack, ["n3"], { pool: "b", zone: "z1" });
      // Cordoned from the start: a backend while remove-unscheduled-backend is off.
      stack.kubectlOk(["cordon", "n2"]);

      const scene = cloudScene(url);
      const [acl0, acl1, eniId, l7EniId, user] = await Promise.all([
        createAcl(scene, "office"),
        createAcl(scene, "partners"),
        scene.createAttachedEni([IPV4_POD], { ipv6: [IPV6_POD] }),
        scene.createAttachedEni([L7_POD]),
        cloud.slb.createLoadBalancer({
          loadBalancerName: "user-made",
          addressType: "internet",
          tags: [{ key: "team", value: "web" }],
          clientToken: clientTokenFor("test-user", "upd-user-lb"),
        }),
      ]);
      const { vServerGroupId } = await cloud.slb.createVServerGroup(user.loadBalancerId, "user-group", []);
      world = {
        acls: [acl0, acl1],
        userLbId: user.loadBalancerId,
        userGroupId: vServerGroupId,
        eniId,
        l7EniId,
        eipAddress: "",
      };
      applySlice(PODS.name, "IPv4", IPV4_POD);
      applySlice(PODS.name, "IPv6", IPV6_POD);
      applySlice(L7.name, "IPv4", L7_POD, L7.ports.length);

      for (const def of SERVICES) {
        const current = annotationsOf(def.create, world);
        stack.kubectlOk(["apply", "-f", "-"], serviceYaml(def.name, current, { ports: def.ports }));
        runs.set(def.name, { def, lbId: "", current });
      }
      for (const run of runs.values()) {
        await waitForIngress(stack, run.def.name);
        run.lbId =
          run.def.create.loadBalancerId !== undefined
            ? world.userLbId
            : getService(stack, run.def.name)!.metadata.labels!["service.k8s.alibaba/loadbalancer-id"];
      }
      // An EIP on the intranet SLB of upd-l7: invisible to Kubernetes until external-ip-type asks for it.
      world.eipAddress = (await scene.bindEip(runs.get(L7.name)!.lbId)).ipAddress;
    });

    after(async () => {
      await stack?.stop();
    });

    for (const def of SERVICES) {
      test(`${def.name}: ${def.steps.flatMap((s) => s.cases).length} annotations in ${def.steps.length} steps`, async (t) => {
        const run = runs.get(def.name)!;
        let failed = false;
        for (const [i, step] of def.steps.entries()) {
          // Later steps start from the state an earlier one left: after a failure they would mislead.
          await t.test(
            `step ${i + 1}: ${step.title}`,
            { skip: failed ? "an earlier step failed" : false },
            async (st) => {
              try {
                await runStep(run, step, world, (line) => st.diagnostic(line));
              } catch (e) {
                failed = true;
                throw e;
              }
            },
          );
        }
      });
    }
  },
);
