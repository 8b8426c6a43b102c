// Tests for the generic annotation codecs: accepted and rejected values, the "allowed ..." part of every
// problem, and the message helpers.
import test from "node:test";
import assert from "node:assert/strict";
import {
  bad,
  boolCodec,
  enumCodec,
  enumListCodec,
  firstDuplicate,
  formatAnnotationMessage,
  hostnameCodec,
  idCodec,
  intCodec,
  isRfc1123Hostname,
  jsonCodec,
  lengthCodec,
  listCodec,
  ok,
  parseDecimal,
  patternCodec,
  portOf,
  quoteValue,
  splitList,
  type Codec,
  type ParseResult,
} from "./codec";

function accepts<T>(codec: Codec<T>, raw: string, want: T): void {
  assert.deepEqual(codec.parse(raw), { ok: true, value: want }, raw);
}

function rejects<T>(codec: Codec<T>, raw: string, problem: RegExp): void {
  const r = codec.parse(raw);
  assert.equal(r.ok, false, raw);
  if (!r.ok) assert.match(r.problem, problem, raw);
}

test("parseDecimal and portOf take plain decimal integers only", () => {
  assert.equal(parseDecimal("050"), 50);
  assert.equal(parseDecimal("-520"), -520);
  for (const raw of ["+5", " 5", "1.5", "1e3", "0x10", "", "99999999999"])
    assert.equal(parseDecimal(raw), undefined);
  assert.equal(portOf("1"), 1);
  assert.equal(portOf("65535"), 65535);
  for (const raw of ["0", "65536", "-1", "x"]) assert.equal(portOf(raw), undefined);
});

test("intCodec: range, extra values, and the range in every message", () => {
  const c = intCodec(1, 65535, [-520]);
  assert.equal(c.values, "integer 1-65535 or -520");
  accepts(c, "1", 1);
  accepts(c, "65535", 65535);
  accepts(c, "-520", -520);
  rejects(c, "0", /^is out of range; allowed 1-65535 or -520$/);
  rejects(c, "-521", /out of range/);
  rejects(c, "1.5", /^is not a decimal integer; allowed 1-65535 or -520$/);
  assert.equal(intCodec(0, 3600).values, "integer 0-3600");
});

test("enumCodec: exact by default, any casing when asked (returning the listed spelling)", () => {
  const c = enumCodec(["PayBySpec", "PayByCLCU"] as const);
  accepts(c, "PayBySpec", "PayBySpec");
  rejects(c, "paybyspec", /^is not allowed; allowed PayBySpec, PayByCLCU$/);
  assert.equal(c.values, "PayBySpec | PayByCLCU");
  const ci = enumCodec(["PayBySpec", "PayByCLCU"] as const, true);
  accepts(ci, "PAYBYCLCU", "PayByCLCU");
  assert.equal(ci.values, "PayBySpec | PayByCLCU (case-insensitive)");
});

test("boolCodec: only true and false", () => {
  const c = boolCodec();
  accepts(c, "true", true);
  accepts(c, "false", false);
  for (const raw of ["True", "1", "yes", "on"]) rejects(c, raw, /^is not allowed; allowed true, false$/);
});

test("patternCodec, idCodec, lengthCodec, hostnameCodec", () => {
  const path = patternCodec(/^\/\S*$/, "path starting with `/`", "a valid path", 5);
  accepts(path, "/abcd", "/abcd");
  rejects(path, "/abcde", /^is not a valid path; allowed path starting with `\/`$/);
  rejects(path, "abc", /not a valid path/);
  const id = idCodec("`lb-…`");
  accepts(id, "lb-1", "lb-1");
  for (const raw of ["lb 1", "lb-1,lb-2", "x".repeat(129)]) rejects(id, raw, /allowed `lb-…`/);
  const name = lengthCodec(1, 3);
  accepts(name, "🙂🙂🙂", "🙂🙂🙂");
  rejects(name, "abcd", /^is 4 characters long; allowed 1-3$/);
  accepts(hostnameCodec, "www.example.com", "www.example.com");
  rejects(hostnameCodec, "a_b.com", /allowed e\.g\. www\.example\.com/);
  assert.equal(isRfc1123Hostname(`${"a".repeat(63)}.com`), true);
  assert.equal(isRfc1123Hostname(`${"a".repeat(64)}.com`), false);
  assert.equal(isRfc1123Hostname(""), false);
});

test("listCodec: empty elements, entry problems quoted, finish sees every entry", () => {
  assert.deepEqual(splitList("a,b"), ["a", "b"]);
  assert.equal(splitList("a,,b"), undefined);
  assert.equal(firstDuplicate([1, 2, 1]), 1);
  assert.equal(firstDuplicate([1, 2]), undefined);
  const ports = listCodec<number, number[]>({
    values: "ports",
    parseEntry: (e): ParseResult<number> => {
      const p = portOf(e);
      return p === undefined ? bad("want a port") : ok(p);
    },
    finish: (entries) =>
      firstDuplicate(entries) === undefined ? ok(entries) : bad("repeats; allowed ports"),
  });
  accepts(ports, "80,443", [80, 443]);
  rejects(ports, "80,", /^has an empty list element; allowed ports$/);
  rejects(ports, "80,x", /^has an invalid entry "x" \(want a port\); allowed ports$/);
  rejects(ports, "80,80", /^repeats; allowed ports$/);
});

test("enumListCodec: listed values only, repeats dropped", () => {
  const c = enumListCodec(["http_2xx", "http_3xx"] as const);
  assert.equal(c.values, "comma list of http_2xx | http_3xx");
  accepts(c, "http_2xx,http_3xx,http_2xx", ["http_2xx", "http_3xx"]);
  rejects(c, "http_6xx", /\(must be one of http_2xx, http_3xx\)/);
});

test("jsonCodec: invalid JSON, a failing check, and a check that throws", () => {
  type ListenPort = { protocol: "HTTP" | "HTTPS"; port: number };
  const listenPorts = jsonCodec<ListenPort[]>({
    values: 'JSON such as `[{"HTTP":80},{"HTTPS":443}]`',
    check(value) {
      if (!Array.isArray(value) || value.length === 0) return bad("is not a non-empty JSON array");
      const out: ListenPort[] = [];
      for (const entry of value as unknown[]) {
        const [k, v] = Object.entries(entry as Record<string, unknown>)[0] ?? [];
        if ((k !== "HTTP" && k !== "HTTPS") || typeof v !== "number")
          return bad("has an entry that is not {PROTO: port}");
        out.push({ protocol: k, port: v });
      }
      return ok(out);
    },
  });
  accepts(listenPorts, '[{"HTTP":80},{"HTTPS":443}]', [
    { protocol: "HTTP", port: 80 },
    { protocol: "HTTPS", port: 443 },
  ]);
  rejects(listenPorts, "[{", /^is not valid JSON; allowed JSON such as/);
  rejects(listenPorts, "[]", /^is not a non-empty JSON array; allowed JSON such as/);
  rejects(listenPorts, '[{"TCP":80}]', /not \{PROTO: port\}/);
  rejects(listenPorts, "[null]", /^could not be checked \(TypeError/);
});

test("quoteValue cuts long values without splitting a surrogate pair; messages have one shape", () => {
  assert.equal(quoteValue("a"), '"a"');
  assert.equal(quoteValue(5), '"5"');
  assert.equal(quoteValue({ a: 1 }), '"{\\"a\\":1}"');
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.equal(quoteValue(cyclic), '"[object Object]"');
  assert.equal(quoteValue("x".repeat(100)), `"${"x".repeat(80)}"… (100 chars)`);
  const emoji = quoteValue("🙂".repeat(100));
  assert.ok(emoji.endsWith("… (200 chars)"));
  assert.doesNotMatch(emoji, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  assert.equal(formatAnnotationMessage("k", "v", "is bad; allowed x"), 'annotation k: "v" is bad; allowed x');
});
