// Value codecs only the ALB Ingress annotations use: listen-ports, health-check codes, the JSON of custom
// actions and conditions, the legacy access-log and vswitch-ids. Generic codecs are src/annotations/codec.ts.
// Pure; nothing throws on any string. Rules: docs/alb-ingress.md §4.
import {
  bad,
  firstDuplicate,
  IPV4_PATTERN,
  jsonCodec,
  listCodec,
  ok,
  parseDecimal,
  quoteValue,
  type Codec,
  type ParseResult,
} from "../../../src/annotations/codec";
import {
  ACTION_TYPES,
  CONDITION_TYPES,
  FINAL_ACTION_TYPES,
  HTTP_METHODS,
  type AlbAction,
  type AlbCondition,
  type HttpMethod,
  type KeyValue,
  type ListenPort,
  type ServiceTuple,
} from "./types";

// ---------------------------------------------------------------- JSON helpers (keys case-insensitive, as Go's)

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value of `name` in `obj`, matching the key case-insensitively (Go's encoding/json does). */
function member(obj: Json, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

function str(obj: Json, name: string): string | undefined {
  const v = member(obj, name);
  return typeof v === "string" ? v : undefined;
}

/** An integer given as a JSON number or a string of digits. */
function int(obj: Json, name: string): number | undefined | null {
  const v = member(obj, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number") return Number.isSafeInteger(v) ? v : null;
  if (typeof v === "string") return parseDecimal(v) ?? null;
  return null;
}

function strings(obj: Json, name: string): string[] | undefined {
  const v = member(obj, name);
  return Array.isArray(v) && v.every((x) => typeof x === "string") ? v : undefined;
}

// ---------------------------------------------------------------- listen-ports

export const LISTEN_PORTS_VALUES =
  'JSON array such as `[{"HTTP":80},{"HTTPS":443}]` (protocol HTTP | HTTPS, port 1-65535)';

/** `[{"HTTP":80},{"HTTPS":443}]`; the problems carry the upstream wording. */
export const listenPortsCodec: Codec<ListenPort[]> = jsonCodec<ListenPort[]>({
  values: LISTEN_PORTS_VALUES,
  check(value) {
    if (!Array.isArray(value) || value.length === 0) return bad("is an empty listen-ports configuration");
    const out: ListenPort[] = [];
    for (const entry of value) {
      if (!isObject(entry) || Object.keys(entry).length === 0)
        return bad(`has an entry ${quoteValue(entry)} that is not an object like {"HTTP":80}`);
      for (const [protocol, port] of Object.entries(entry)) {
        if (protocol !== "HTTP" && protocol !== "HTTPS")
          return bad(`has protocol ${quoteValue(protocol)}: listen protocol must be within [HTTP, HTTPS]`);
        const n = typeof port === "number" ? port : typeof port === "string" ? parseDecimal(port) : undefined;
        if (n === undefined || !Number.isInteger(n) || n < 1 || n > 65535)
          return bad(`has port ${quoteValue(port)}: listen port must be within [1, 65535]`);
        out.push({ protocol, port: n });
      }
    }
    const dup = firstDuplicate(out.map((p) => p.port));
    if (dup !== undefined) return bad(`lists port ${dup} twice`);
    return ok(out);
  },
});

// ---------------------------------------------------------------- health check

/** Comma list of `http_2xx`..`http_5xx`, or of GRPC codes/ranges `0-99` (at most 20); the protocol is checked in admission. */
export const healthCheckCodesCodec: Codec<string[]> = listCodec<string, string[]>({
  values:
    "comma list of `http_2xx` | `http_3xx` | `http_4xx` | `http_5xx` (HTTP), or codes and ranges within 0-99 (GRPC, at most 20)",
  parseEntry(e) {
    if (/^http_[2-5]xx$/.test(e)) return ok(e);
    const m = /^([0-9]{1,2})(?:-([0-9]{1,2}))?$/.exec(e);
    if (m && (m[2] === undefined || Number(m[1]) <= Number(m[2]))) return ok(e);
    return bad("want http_2xx..http_5xx or a code or range within 0-99");
  },
  finish(entries) {
    const unique = [...new Set(entries)];
    if (unique.length > 20) return bad(`has ${unique.length} entries; allowed at most 20`);
    return ok(unique);
  },
});

/** Health-check path: starts with `/`, 1-80 characters of the documented set. */
export const HEALTH_CHECK_PATH = /^\/[A-Za-z0-9\-/.%?#&_;~!()*[\]@$^:',+=]{0,79}$/;

// ---------------------------------------------------------------- comma lists (CORS, legacy vswitch-ids)

export function trimmedListCodec(values: string): Codec<string[]> {
  return {
    values,
    parse(raw) {
      const parts = raw.split(",").map((p) => p.trim());
      if (parts.some((p) => p.length === 0)) return bad(`has an empty list element; allowed ${values}`);
      return ok(parts);
    },
  };
}

export const vSwitchIdsCodec: Codec<string[]> = listCodec<string, string[]>({
  values: "comma list of `vsw-…` ids",
  parseEntry: (e) => (/^vsw-[a-z0-9]+$/.test(e.trim()) ? ok(e.trim()) : bad("want a vSwitch id vsw-…")),
  finish(entries) {
    const dup = firstDuplicate(entries);
    return dup === undefined ? ok(entries) : bad(`lists vSwitch ${quoteValue(dup)} twice`);
  },
});

export const accessLogCodec: Codec<{ logProject: string; logStore: string }> = jsonCodec({
  values: 'JSON `{"logProject":"…","logStore":"alb_…"}`',
  check(value) {
    if (!isObject(value)) return bad("is not a JSON object");
    const logProject = str(value, "logProject");
    const logStore = str(value, "logStore");
    if (!logProject) return bad("has no logProject");
    if (!logStore || !logStore.startsWith("alb_")) return bad("has a logStore that does not start with alb_");
    return ok({ logProject, logStore });
  },
});

// ---------------------------------------------------------------- custom actions

function canonicalType<T extends string>(raw: unknown, types: readonly T[]): T | undefined {
  if (typeof raw !== "string") return undefined;
  return types.find((t) => t.toLowerCase() === raw.toLowerCase());
}

function serviceTuples(list: unknown, what: string): ParseResult<ServiceTuple[]> {
  if (!Array.isArray(list) || list.length === 0) return bad(`${what} needs a non-empty list of services`);
  const out: ServiceTuple[] = [];
  for (const t of list) {
    if (!isObject(t)) return bad(`${what} has an entry that is not an object`);
    const serviceName = str(t, "ServiceName");
    const servicePort = int(t, "ServicePort");
    const weight = int(t, "Weight");
    if (!serviceName) return bad(`${what} has an entry without ServiceName`);
    if (typeof servicePort !== "number" || servicePort < 1 || servicePort > 65535)
      return bad(`${what} service ${serviceName} needs ServicePort 1-65535`);
    if (weight === null || (weight !== undefined && (weight < 0 || weight > 100)))
      return bad(`${what} service ${serviceName} has Weight outside 0-100`);
    out.push(weight === undefined ? { serviceName, servicePort } : { serviceName, servicePort, weight });
  }
  return ok(out);
}

const REDIRECT_CODES = ["301", "302", "303", "307", "308"];
const INSERT_VALUE_TYPES = ["UserDefined", "ReferenceHeader", "SystemDefined"] as const;

function configOf(action: Json, name: string, type: string): ParseResult<Json> {
  const c = member(action, name);
  return isObject(c) ? ok(c) : bad(`action ${type} needs an object ${name}`);
}

function parseAction(entry: unknown, index: number): ParseResult<AlbAction> {
  if (!isObject(entry)) return bad(`has action #${index + 1} that is not an object`);
  const type = canonicalType(member(entry, "type"), ACTION_TYPES);
  if (!type)
    return bad(
      `has action #${index + 1} of unknown type ${quoteValue(member(entry, "type") ?? "")} (known: ${ACTION_TYPES.join(", ")})`,
    );
  switch (type) {
    case "ForwardGroup": {
      const c = configOf(entry, "ForwardConfig", type);
      if (!c.ok) return c;
      const groups = serviceTuples(member(c.value, "ServerGroups"), "ForwardConfig.ServerGroups");
      if (!groups.ok) return groups;
      const sticky = member(c.value, "ServerGroupStickySession");
      const forwardConfig: Extract<AlbAction, { type: "ForwardGroup" }>["forwardConfig"] = {
        serverGroups: groups.value,
      };
      if (isObject(sticky)) {
        const timeout = int(sticky, "Timeout");
        if (timeout === null || (timeout !== undefined && (timeout < 1 || timeout > 86400)))
          return bad("ForwardConfig.ServerGroupStickySession.Timeout must be 1-86400");
        forwardConfig.serverGroupStickySession = { enabled: member(sticky, "Enabled") === true };
        if (timeout !== undefined) forwardConfig.serverGroupStickySession.timeoutSeconds = timeout;
      }
      return ok({ type, forwardConfig });
    }
    case "FixedResponse": {
      const c = configOf(entry, "FixedResponseConfig", type);
      if (!c.ok) return c;
      const httpCode = str(c.value, "HttpCode") ?? String(int(c.value, "HttpCode") ?? "");
      if (!/^[2-5][0-9]{2}$/.test(httpCode))
        return bad("FixedResponseConfig.HttpCode must be 2xx, 3xx, 4xx or 5xx");
      const content = str(c.value, "Content") ?? "";
      if (content.length > 1024) return bad("FixedResponseConfig.Content is longer than 1024 characters");
      const contentType = str(c.value, "ContentType") ?? "text/plain";
      return ok({ type, fixedResponseConfig: { httpCode, contentType, content } });
    }
    case "Redirect": {
      const c = configOf(entry, "RedirectConfig", type);
      if (!c.ok) return c;
      const httpCode = str(c.value, "HttpCode") ?? String(int(c.value, "HttpCode") ?? "301");
      if (!REDIRECT_CODES.includes(httpCode))
        return bad(`RedirectConfig.HttpCode must be one of ${REDIRECT_CODES.join(", ")}`);
      const protocol = str(c.value, "Protocol") ?? "${protocol}";
      if (!["HTTP", "HTTPS", "${protocol}"].includes(protocol))
        return bad("RedirectConfig.Protocol must be HTTP, HTTPS or ${protocol}");
      const rawPort = member(c.value, "Port");
      const port =
        rawPort === undefined || rawPort === ""
          ? "${port}"
          : typeof rawPort === "number" || typeof rawPort === "string"
            ? String(rawPort)
            : "";
      const n = parseDecimal(port);
      if (port !== "${port}" && (n === undefined || n < 1 || n > 65535))
        return bad("RedirectConfig.Port must be 1-65535 or ${port}");
      return ok({
        type,
        redirectConfig: {
          host: str(c.value, "Host") || "${host}",
          httpCode,
          path: str(c.value, "Path") || "${path}",
          port,
          protocol,
          query: str(c.value, "Query") || "${query}",
        },
      });
    }
    case "InsertHeader": {
      const c = configOf(entry, "InsertHeaderConfig", type);
      if (!c.ok) return c;
      const key = str(c.value, "Key");
      if (!key) return bad("InsertHeaderConfig needs a Key");
      const valueType = canonicalType(str(c.value, "ValueType") ?? "UserDefined", INSERT_VALUE_TYPES);
      if (!valueType)
        return bad(`InsertHeaderConfig.ValueType must be one of ${INSERT_VALUE_TYPES.join(", ")}`);
      return ok({
        type,
        insertHeaderConfig: {
          key,
          value: str(c.value, "Value") ?? "",
          valueType,
          coverEnabled: member(c.value, "CoverEnabled") === true,
        },
      });
    }
    case "RemoveHeader": {
      const c = configOf(entry, "RemoveHeaderConfig", type);
      if (!c.ok) return c;
      const key = str(c.value, "Key");
      return key ? ok({ type, removeHeaderConfig: { key } }) : bad("RemoveHeaderConfig needs a Key");
    }
    case "TrafficMirror": {
      const c = configOf(entry, "TrafficMirrorConfig", type);
      if (!c.ok) return c;
      const group = member(c.value, "MirrorGroupConfig");
      if (!isObject(group)) return bad("TrafficMirrorConfig needs MirrorGroupConfig");
      const tuples = serviceTuples(
        member(group, "ServerGroupTuples"),
        "TrafficMirrorConfig.MirrorGroupConfig.ServerGroupTuples",
      );
      if (!tuples.ok) return tuples;
      return ok({
        type,
        trafficMirrorConfig: {
          targetType: "ForwardGroupMirror",
          mirrorGroupConfig: { serverGroups: tuples.value },
        },
      });
    }
    case "Rewrite": {
      const c = configOf(entry, "RewriteConfig", type);
      if (!c.ok) return c;
      return ok({
        type,
        rewriteConfig: {
          host: str(c.value, "Host") || "${host}",
          path: str(c.value, "Path") || "${path}",
          query: str(c.value, "Query") || "${query}",
        },
      });
    }
    case "TrafficLimit": {
      const c = configOf(entry, "TrafficLimitConfig", type);
      if (!c.ok) return c;
      const qps = int(c.value, "QPS");
      const qpsPerIp = int(c.value, "QPSPerIp");
      for (const [name, v] of [
        ["QPS", qps],
        ["QPSPerIp", qpsPerIp],
      ] as const)
        if (v === null || (v !== undefined && (v < 1 || v > 100000)))
          return bad(`TrafficLimitConfig.${name} must be 1-100000`);
      if (qps === undefined && qpsPerIp === undefined) return bad("TrafficLimitConfig needs QPS or QPSPerIp");
      if (typeof qps === "number" && typeof qpsPerIp === "number" && qpsPerIp >= qps)
        return bad(`TrafficLimitConfig.QPSPerIp (${qpsPerIp}) must be less than QPS (${qps})`);
      const trafficLimitConfig: { qps?: number; qpsPerIp?: number } = {};
      if (typeof qps === "number") trafficLimitConfig.qps = qps;
      if (typeof qpsPerIp === "number") trafficLimitConfig.qpsPerIp = qpsPerIp;
      return ok({ type, trafficLimitConfig });
    }
  }
}

export const ACTIONS_VALUES =
  'JSON array of `{"type": <' +
  ACTION_TYPES.join(" | ") +
  '>, "<Type>Config": {…}}`, at most one of ' +
  FINAL_ACTION_TYPES.join(", ");

export const actionsCodec: Codec<AlbAction[]> = jsonCodec<AlbAction[]>({
  values: ACTIONS_VALUES,
  check(value) {
    if (!Array.isArray(value) || value.length === 0) return bad("is not a non-empty JSON array of actions");
    const out: AlbAction[] = [];
    for (const [i, entry] of value.entries()) {
      const r = parseAction(entry, i);
      if (!r.ok) return r;
      out.push(r.value);
    }
    const finals = out.filter((a) => FINAL_ACTION_TYPES.includes(a.type));
    if (finals.length > 1)
      return bad(
        `has ${finals.length} final actions (${finals.map((a) => a.type).join(", ")}): multi finalType action find`,
      );
    return ok(out);
  },
});

// ---------------------------------------------------------------- custom conditions

function keyValues(c: Json, what: string): ParseResult<KeyValue[]> {
  const list = member(c, "Values");
  if (!Array.isArray(list) || list.length === 0) return bad(`${what} needs a non-empty Values list`);
  const out: KeyValue[] = [];
  for (const v of list) {
    if (!isObject(v)) return bad(`${what} has a value that is not {"Key": …, "Value": …}`);
    const key = str(v, "Key") ?? "";
    const value = str(v, "Value");
    if (value === undefined || value === "") return bad(`${what} has an entry without Value`);
    out.push({ key, value });
  }
  return ok(out);
}

function valuesOf(c: Json, what: string): ParseResult<string[]> {
  const v = strings(c, "Values");
  return v && v.length > 0 && v.every((s) => s.length > 0)
    ? ok(v)
    : bad(`${what} needs a non-empty Values list of strings`);
}

const CIDR_OR_IP = /^([0-9.]+)(\/([0-9]|[12][0-9]|3[0-2]))?$/;

function parseCondition(entry: unknown, index: number): ParseResult<AlbCondition> {
  if (!isObject(entry)) return bad(`has condition #${index + 1} that is not an object`);
  const type = canonicalType(member(entry, "type"), CONDITION_TYPES);
  if (!type)
    return bad(
      `has condition #${index + 1} of unknown type ${quoteValue(member(entry, "type") ?? "")} (known: ${CONDITION_TYPES.join(", ")})`,
    );
  const name = `${type}Config`;
  const c = member(entry, name);
  if (!isObject(c)) return bad(`condition ${type} needs an object ${name}`);
  switch (type) {
    case "Host":
    case "Path":
    case "ResponseStatusCode": {
      const v = valuesOf(c, name);
      if (!v.ok) return v;
      if (type === "Host") return ok({ type, hostConfig: { values: v.value } });
      if (type === "Path") {
        const badPath = v.value.find((p) => !p.startsWith("/"));
        if (badPath !== undefined)
          return bad(`PathConfig value ${quoteValue(badPath)} does not start with /`);
        return ok({ type, pathConfig: { values: v.value } });
      }
      const badCode = v.value.find((s) => !/^[1-5][0-9]{2}$/.test(s));
      if (badCode !== undefined)
        return bad(`ResponseStatusCodeConfig value ${quoteValue(badCode)} is not an HTTP status code`);
      return ok({ type, responseStatusCodeConfig: { values: v.value } });
    }
    case "Header":
    case "ResponseHeader": {
      const key = str(c, "Key");
      if (!key) return bad(`${name} needs a Key`);
      const v = valuesOf(c, name);
      if (!v.ok) return v;
      return type === "Header"
        ? ok({ type, headerConfig: { key, values: v.value } })
        : ok({ type, responseHeaderConfig: { key, values: v.value } });
    }
    case "QueryString":
    case "Cookie": {
      const kv = keyValues(c, name);
      if (!kv.ok) return kv;
      return type === "Cookie"
        ? ok({ type, cookieConfig: { values: kv.value } })
        : ok({ type, queryStringConfig: { values: kv.value } });
    }
    case "Method": {
      const v = valuesOf(c, name);
      if (!v.ok) return v;
      const methods: HttpMethod[] = [];
      for (const m of v.value) {
        const hit = HTTP_METHODS.find((x) => x === m.toUpperCase());
        if (!hit) return bad(`MethodConfig value ${quoteValue(m)} is not one of ${HTTP_METHODS.join(", ")}`);
        methods.push(hit);
      }
      return ok({ type, methodConfig: { values: methods } });
    }
    case "SourceIp": {
      const v = valuesOf(c, name);
      if (!v.ok) return v;
      const badIp = v.value.find((s) => {
        const m = CIDR_OR_IP.exec(s);
        return !m || !IPV4_PATTERN.test(m[1]);
      });
      if (badIp !== undefined)
        return bad(`SourceIpConfig value ${quoteValue(badIp)} is not an IPv4 address or CIDR`);
      return ok({ type, sourceIpConfig: { values: v.value } });
    }
  }
}

export const CONDITIONS_VALUES =
  'JSON array of `{"type": <' + CONDITION_TYPES.join(" | ") + '>, "<Type>Config": {…}}`';

export const conditionsCodec: Codec<AlbCondition[]> = jsonCodec<AlbCondition[]>({
  values: CONDITIONS_VALUES,
  check(value) {
    if (!Array.isArray(value) || value.length === 0)
      return bad("is not a non-empty JSON array of conditions");
    const out: AlbCondition[] = [];
    for (const [i, entry] of value.entries()) {
      const r = parseCondition(entry, i);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return ok(out);
  },
});
