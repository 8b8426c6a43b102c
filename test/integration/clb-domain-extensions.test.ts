// domain-extensions end to end: real kube-apiserver, the operator as a local process, the official SDK
// adapter against the emulator. An https Service gets two extra SNI certificates; a changed certificate
// is updated in place (same extension id, docs/clb-service.md §9 C11); a removed entry is deleted while
// an extension someone else added stays; deleting the Service takes the SLB and everything on it.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { isCloudError, type CloudProvider, type SlbDomainExtension } from "../../src/cloud";
import {
  P,
  cloudOf,
  createNodes,
  getService,
  loadBalancersOwnedBy,
  serviceYaml,
  waitForIngress,
} from "../helpers/clb";
import { eventually, Stack, startStack } from "../helpers/stack";

const APPLIED = "clb.alicloud-operator.io/applied-domain-extensions";

let stack: Stack;
let cloud: CloudProvider;
let lbId: string;

before(async () => {
  stack = await startStack({ operator: "all", emulator: true });
  cloud = cloudOf(stack);
  createNodes(stack, ["n1", "n2"]);
});

after(async () => {
  await stack?.stop();
});

/** domain -> [extension id, certificate] of the https:443 listener, as the emulator holds them. */
async function extensions(): Promise<Record<string, [string, string]>> {
  const list: SlbDomainExtension[] = await cloud.slb.listDomainExtensions(lbId, 443);
  return Object.fromEntries(list.map((d) => [d.domain, [d.domainExtensionId, d.serverCertificateId]]));
}

/** Waits until the emulator's extensions, as domain -> certificate, equal `want`. */
async function waitForExtensions(want: Record<string, string>, what: string) {
  return eventually(
    async () => {
      const have = await extensions();
      const certs = Object.entries(have).map(([d, [, cert]]) => `${d}=${cert}`);
      const wanted = Object.entries(want).map(([d, cert]) => `${d}=${cert}`);
      return JSON.stringify(certs.sort()) === JSON.stringify(wanted.sort()) ? have : undefined;
    },
    30_000,
    what,
  );
}

test("an https Service with two domain extensions gets both on its listener", async () => {
  stack.kubectlOk(
    ["apply", "-f", "-"],
    serviceYaml(
      "tls",
      {
        [`${P}protocol-port`]: "https:443",
        [`${P}cert-id`]: "cert-default",
        [`${P}domain-extensions`]: "www.example.com:cert-www,*.example.org:cert-org",
      },
      { ports: [{ port: 443 }] },
    ),
  );
  await waitForIngress(stack, "tls");
  const svc = getService(stack, "tls")!;
  const [lb] = await loadBalancersOwnedBy(cloud, svc.metadata.uid);
  assert.ok(lb, "the Service's SLB exists");
  lbId = lb.loadBalancerId;
  const [listener] = await cloud.slb.listListeners(lbId);
  assert.equal(listener?.listenerProtocol, "https");
  assert.equal(listener?.serverCertificateId, "cert-default");
  const have = await waitForExtensions(
    { "*.example.org": "cert-org", "www.example.com": "cert-www" },
    "two extensions",
  );
  assert.ok(Object.values(have).every(([id]) => /^de-/.test(id)));
  await eventually(
    () =>
      getService(stack, "tls")?.metadata.annotations?.[APPLIED] === "*.example.org,www.example.com"
        ? true
        : undefined,
    30_000,
    "applied domains recorded",
  );
});

test("a changed certificate updates the same extension (no delete and re-create)", async () => {
  const before = await extensions();
  stack.kubectlOk([
    "annotate",
    "--overwrite",
    "svc",
    "tls",
    `${P}domain-extensions=www.example.com:cert-www-2,*.example.org:cert-org`,
  ]);
  const after = await waitForExtensions(
    { "*.example.org": "cert-org", "www.example.com": "cert-www-2" },
    "www on its new certificate",
  );
  assert.equal(after["www.example.com"][0], before["www.example.com"][0], "same extension id");
  assert.deepEqual(after["*.example.org"], before["*.example.org"], "the other one is untouched");
});

test("a removed entry is deleted; an extension someone else added on the listener stays", async () => {
  const { domainExtensionId: foreignId } = await cloud.slb.createDomainExtension(
    lbId,
    443,
    "shop.example.net",
    "cert-shop",
  );
  stack.kubectlOk(["annotate", "--overwrite", "svc", "tls", `${P}domain-extensions=*.example.org:cert-org`]);
  const have = await waitForExtensions(
    { "*.example.org": "cert-org", "shop.example.net": "cert-shop" },
    "www deleted",
  );
  assert.equal(have["shop.example.net"][0], foreignId);
  await eventually(
    () => (getService(stack, "tls")?.metadata.annotations?.[APPLIED] === "*.example.org" ? true : undefined),
    30_000,
    "applied domains shrink to what is left",
  );

  // Without the annotation, ours goes too; the foreign one still stays.
  stack.kubectlOk(["annotate", "svc", "tls", `${P}domain-extensions-`]);
  await waitForExtensions({ "shop.example.net": "cert-shop" }, "all of ours deleted");
  await eventually(
    () => (getService(stack, "tls")?.metadata.annotations?.[APPLIED] === undefined ? true : undefined),
    30_000,
    "applied-domains annotation removed",
  );
  const [listener] = await cloud.slb.listListeners(lbId);
  assert.equal(listener?.status, "running", "the listener itself stays");
});

test("deleting the Service deletes the SLB with its listener and extensions", async () => {
  stack.kubectlOk(["delete", "svc", "tls", "--wait=false"]);
  await eventually(() => (getService(stack, "tls") === undefined ? true : undefined), 30_000, "Service gone");
  await assert.rejects(cloud.slb.getLoadBalancer(lbId), (e) => isCloudError(e, "NotFound"));
  await assert.rejects(cloud.slb.listDomainExtensions(lbId, 443), (e) => isCloudError(e, "NotFound"));
});
