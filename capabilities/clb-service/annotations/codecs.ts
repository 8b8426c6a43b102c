// Value codecs only the CLB annotations use (protocol-port, forward-port, tags, backend-label, acl-id,
// domain-extensions, vgroup-port). The generic ones (int, enum, list, ...) are in src/annotations/codec.ts.
// § numbers refer to docs/clb-service.md.
import {
  bad,
  enumCodec,
  firstDuplicate,
  isRfc1123Hostname,
  listCodec,
  ok,
  portOf,
  quoteValue,
  type Codec,
  type ParseResult,
} from "../../../src/annotations/codec";
import { LISTENER_PROTOCOLS, type ListenerProtocol, type OnOff } from "./types";

/** Tag keys the controller itself writes or that mark CCM ownership (§1.1 row 5). */
export const RESERVED_TAG_KEYS: readonly string[] = [
  "kubernetes.do.not.delete",
  "ack.aliyun.com",
  "kubernetes.reused.by.user",
];
export const RESERVED_TAG_PREFIXES: readonly string[] = ["acs:", "aliyun"];
export const MAX_ADDITIONAL_TAGS = 20;

export const onOffCodec = enumCodec<OnOff>(["on", "off"]);

/**
 * `a:b[,a:b…]`: each entry split at its one colon and checked by `entry`; `unique` names the part that
 * must not repeat and how the message says so.
 */
function pairListCodec<E>(opts: {
  values: string;
  want: string;
  entry(left: string, right: string): ParseResult<E>;
  unique: { of(e: E): unknown; message(dup: unknown): string };
}): Codec<E[]> {
  return listCodec<E, E[]>({
    values: opts.values,
    parseEntry(e) {
      const parts = e.split(":");
      return parts.length === 2 ? opts.entry(parts[0], parts[1]) : bad(`want ${opts.want}`);
    },
    finish(entries) {
      const dup = firstDuplicate(entries.map((e) => opts.unique.of(e)));
      return dup === undefined ? ok(entries) : bad(opts.unique.message(dup));
    },
  });
}

const eachPortOnce = { message: (dup: unknown) => `lists port ${String(dup)} twice; allowed each port once` };

export const protocolPortCodec = pairListCodec<{ protocol: ListenerProtocol; port: number }>({
  values: "`proto:port[,proto:port…]`, proto tcp|udp|http|https, port 1-65535, each port once",
  want: "proto:port",
  entry(proto, rawPort) {
    const protocol = LISTENER_PROTOCOLS.find((p) => p === proto);
    if (!protocol) return bad(`protocol must be one of ${LISTENER_PROTOCOLS.join(", ")}`);
    const port = portOf(rawPort);
    if (port === undefined) return bad("port must be an integer 1-65535");
    return ok({ protocol, port });
  },
  unique: { of: (e) => e.port, ...eachPortOnce },
});

export const forwardPortCodec = pairListCodec<{ httpPort: number; httpsPort: number }>({
  values: "`httpPort:httpsPort[,…]`, ports 1-65535",
  want: "httpPort:httpsPort",
  entry(http, https) {
    const httpPort = portOf(http);
    const httpsPort = portOf(https);
    if (httpPort === undefined || httpsPort === undefined) return bad("ports must be integers 1-65535");
    return ok({ httpPort, httpsPort });
  },
  unique: {
    of: (e) => e.httpPort,
    message: (dup) => `forwards http port ${String(dup)} twice; allowed each http port once`,
  },
});

const domainExtensionEntries = pairListCodec<{ domain: string; certId: string }>({
  values: "`domain:certId[,domain:certId]`",
  want: "domain:certId",
  entry(domain, certId) {
    const host = domain.startsWith("*.") ? domain.slice(2) : domain;
    if (!isRfc1123Hostname(host)) return bad("domain must be a DNS name, optionally starting with *.");
    if (!/^[^\s]{1,128}$/.test(certId)) return bad("certId must be non-empty without whitespace");
    return ok({ domain, certId });
  },
  unique: {
    of: (e) => e.domain,
    message: (dup) => `lists domain ${quoteValue(dup)} twice; allowed each domain once`,
  },
});

/**
 * `domain-extensions`; an empty value means "no extensions", as upstream, whose
 * parseDomainExtensionsAnnotation returns an empty list for "" (kubernetes/cloud-provider-alibaba-cloud
 * pkg/controller/service/clbv1/listeners.go). Its registry row sets emptyAllowed so "" reaches this codec.
 */
export const domainExtensionsCodec: Codec<{ domain: string; certId: string }[]> = {
  values: `${domainExtensionEntries.values}, or empty for none`,
  parse: (raw) => (raw === "" ? ok([]) : domainExtensionEntries.parse(raw)),
};

export const vgroupPortCodec = pairListCodec<{ vGroupId: string; port: number }>({
  values: "`rsp-id:port[,rsp-id:port]`, port 1-65535",
  want: "rsp-id:port",
  entry(vGroupId, rawPort) {
    if (!/^[^\s]{1,128}$/.test(vGroupId)) return bad("want rsp-id:port");
    const port = portOf(rawPort);
    return port === undefined ? bad("port must be an integer 1-65535") : ok({ vGroupId, port });
  },
  unique: { of: (e) => e.port, ...eachPortOnce },
});

export const tagsCodec: Codec<Record<string, string>> = {
  values:
    "`K1=V1,K2=V2` (`K` or `K=` gives an empty value; whitespace trimmed); at most 20; reserved keys rejected",
  parse(raw) {
    const out: Record<string, string> = {};
    const parts = raw.split(",");
    if (parts.length > MAX_ADDITIONAL_TAGS)
      return bad(`has ${parts.length} tags; allowed at most ${MAX_ADDITIONAL_TAGS}`);
    for (const p of parts) {
      const eq = p.indexOf("=");
      const key = (eq < 0 ? p : p.slice(0, eq)).trim();
      const value = eq < 0 ? "" : p.slice(eq + 1).trim();
      // upstream splits on every "=" and keeps only the second piece; reject rather than guess (our decision)
      if (value.includes("=")) return bad(`has a tag with more than one "=" (${quoteValue(p)}); allowed K=V`);
      if (key.length === 0)
        return bad(`has a tag with an empty key (${quoteValue(p)}); allowed K=V with a non-empty K`);
      if (RESERVED_TAG_KEYS.includes(key))
        return bad(
          `uses the reserved tag key ${quoteValue(key)}; not allowed: ${RESERVED_TAG_KEYS.join(", ")}`,
        );
      const lower = key.toLowerCase();
      if (RESERVED_TAG_PREFIXES.some((pre) => lower.startsWith(pre)))
        return bad(
          `uses the reserved tag key ${quoteValue(key)}; allowed keys not starting with ${RESERVED_TAG_PREFIXES.join(" or ")}`,
        );
      if (Object.prototype.hasOwnProperty.call(out, key))
        return bad(`lists tag key ${quoteValue(key)} twice; allowed each key once`);
      out[key] = value;
    }
    return ok(out);
  },
};

export const backendLabelCodec = listCodec<[string, string], Record<string, string>>({
  values: "`k1=v1[,k2=v2]` (all must match)",
  parseEntry(e) {
    const parts = e.split("=");
    if (parts.length !== 2 || parts[0].length === 0) return bad("want k=v");
    return ok([parts[0], parts[1]]);
  },
  finish(entries) {
    const dup = firstDuplicate(entries.map((e) => e[0]));
    if (dup !== undefined) return bad(`lists label ${quoteValue(dup)} twice; allowed each label once`);
    const out: Record<string, string> = {};
    for (const [k, v] of entries) out[k] = v;
    return ok(out);
  },
});

export const aclIdsCodec = listCodec<string, string[]>({
  values: "`acl-…[,acl-…]`",
  parseEntry: (e) => (/^[^\s,]{1,128}$/.test(e) ? ok(e) : bad("want an ACL id without whitespace")),
  finish: (entries) => ok([...new Set(entries)]),
});
