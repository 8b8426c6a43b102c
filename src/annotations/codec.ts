// Value codecs for annotations: each turns one raw string into a typed value or a problem phrase, and
// states its allowed values for messages and generated docs. Generic: no capability's keys or rules live
// here (those are in each capability's annotations/ folder). Pure: nothing throws on any string.

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface Codec<T> {
  parse(raw: string): ParseResult<T>;
  /** Value format, for docs and for the "allowed ..." part of messages. */
  values: string;
}

export const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
export const bad = <T>(problem: string): ParseResult<T> => ({ ok: false, problem });

/** Longest value we parse at all; longer values are rejected before any splitting or regex runs. */
export const MAX_VALUE_CHARS = 4096;

// ---------------------------------------------------------------- messages

/** Display form of a value for messages: JSON-quoted, cut to 80 characters so huge values stay readable. */
export function quoteValue(value: unknown): string {
  let s: string;
  if (typeof value === "string") s = value;
  else {
    try {
      s = String(JSON.stringify(value));
    } catch {
      s = Object.prototype.toString.call(value);
    }
  }
  const limit = 80;
  if (s.length <= limit) return JSON.stringify(s);
  let head = s.slice(0, limit);
  // do not leave half a surrogate pair at the cut
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return `${JSON.stringify(head)}… (${s.length} chars)`;
}

/** `annotation <key>: "<value>" <problem>`, the one shape of every annotation message. */
export function formatAnnotationMessage(key: string, value: unknown, problem: string): string {
  return `annotation ${key}: ${quoteValue(value)} ${problem}`;
}

// ---------------------------------------------------------------- scalars

const DECIMAL_INT = /^-?[0-9]{1,10}$/;

/** Plain decimal integer (no sign but `-`, no exponent, no hex), or undefined. */
export function parseDecimal(raw: string): number | undefined {
  if (!DECIMAL_INT.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A TCP/UDP port 1-65535 written as a decimal integer, or undefined. */
export function portOf(s: string): number | undefined {
  const n = parseDecimal(s);
  return n !== undefined && n >= 1 && n <= 65535 ? n : undefined;
}

/** Integer in [min, max], or one of `extra` (sentinels such as -520). */
export function intCodec(min: number, max: number, extra: readonly number[] = []): Codec<number> {
  const allowed = `${min}-${max}${extra.length ? ` or ${extra.join(", ")}` : ""}`;
  return {
    values: `integer ${allowed}`,
    parse(raw) {
      const n = parseDecimal(raw);
      if (n === undefined) return bad(`is not a decimal integer; allowed ${allowed}`);
      if (extra.includes(n) || (n >= min && n <= max)) return ok(n);
      return bad(`is out of range; allowed ${allowed}`);
    },
  };
}

/** One of `values`; with `caseInsensitive` any casing is accepted and the listed spelling returned. */
export function enumCodec<T extends string>(values: readonly T[], caseInsensitive = false): Codec<T> {
  const list = values.join(" | ");
  return {
    values: list + (caseInsensitive ? " (case-insensitive)" : ""),
    parse(raw) {
      const hit = values.find((v) => (caseInsensitive ? v.toLowerCase() === raw.toLowerCase() : v === raw));
      return hit !== undefined ? ok(hit) : bad(`is not allowed; allowed ${values.join(", ")}`);
    },
  };
}

/** Exactly `true` or `false`. */
export function boolCodec(): Codec<boolean> {
  return {
    values: "`true` | `false`",
    parse: (raw) =>
      raw === "true" ? ok(true) : raw === "false" ? ok(false) : bad("is not allowed; allowed true, false"),
  };
}

/** A string matching `re` and at most `maxChars` long; `what` names it in messages ("a valid path"). */
export function patternCodec(
  re: RegExp,
  values: string,
  what: string,
  maxChars = MAX_VALUE_CHARS,
): Codec<string> {
  return {
    values,
    parse: (raw) =>
      raw.length <= maxChars && re.test(raw) ? ok(raw) : bad(`is not ${what}; allowed ${values}`),
  };
}

/** Cloud resource ids (lb-, rg-, vsw-, cert ids, zone ids): non-empty, no whitespace or commas. */
export const idCodec = (example: string): Codec<string> =>
  patternCodec(/^[^\s,]{1,128}$/, example, "a valid id (1-128 chars, no whitespace or commas)");

/** Any string of min-max characters, counted as code points (so a name is measured as the user sees it). */
export function lengthCodec(min: number, max: number): Codec<string> {
  return {
    values: `string, ${min}-${max} characters`,
    parse(raw) {
      const chars = [...raw].length;
      return chars >= min && chars <= max
        ? ok(raw)
        : bad(`is ${chars} characters long; allowed ${min}-${max}`);
    },
  };
}

export const IPV4_PATTERN =
  /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;
const HOSTNAME_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function isRfc1123Hostname(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  return s.split(".").every((l) => HOSTNAME_LABEL.test(l));
}

export const hostnameCodec: Codec<string> = {
  values: "RFC 1123 hostname",
  parse: (raw) =>
    isRfc1123Hostname(raw) ? ok(raw) : bad("is not an RFC 1123 hostname; allowed e.g. www.example.com"),
};

// ---------------------------------------------------------------- lists and JSON

/** Splits `a,b,c`; an empty element is an error (a stray comma is almost always a typo). */
export function splitList(raw: string): string[] | undefined {
  const parts = raw.split(",");
  return parts.some((p) => p.length === 0) ? undefined : parts;
}

export function firstDuplicate<T>(xs: readonly T[]): T | undefined {
  const seen = new Set<T>();
  for (const x of xs) {
    if (seen.has(x)) return x;
    seen.add(x);
  }
  return undefined;
}

/** Comma list: each entry parsed on its own, then `finish` checks the whole (duplicates, limits). */
export function listCodec<E, T>(opts: {
  values: string;
  parseEntry(entry: string): ParseResult<E>;
  finish(entries: E[]): ParseResult<T>;
}): Codec<T> {
  return {
    values: opts.values,
    parse(raw) {
      const parts = splitList(raw);
      if (!parts) return bad(`has an empty list element; allowed ${opts.values}`);
      const out: E[] = [];
      for (const p of parts) {
        const r = opts.parseEntry(p);
        if (!r.ok) return bad(`has an invalid entry ${quoteValue(p)} (${r.problem}); allowed ${opts.values}`);
        out.push(r.value);
      }
      return opts.finish(out);
    },
  };
}

/** Comma list of enum values; repeats are dropped. */
export function enumListCodec<T extends string>(values: readonly T[]): Codec<T[]> {
  return listCodec<T, T[]>({
    values: `comma list of ${values.join(" | ")}`,
    parseEntry(e) {
      const hit = values.find((v) => v === e);
      return hit ? ok(hit) : bad(`must be one of ${values.join(", ")}`);
    },
    finish: (entries) => ok([...new Set(entries)]),
  });
}

/**
 * A JSON document (ALB `listen-ports`, `actions.<name>` ...): parsed, then `check` turns the untyped
 * value into T or a problem phrase ("has no entries"), to which "; allowed <values>" is added.
 */
export function jsonCodec<T>(opts: { values: string; check(value: unknown): ParseResult<T> }): Codec<T> {
  return {
    values: opts.values,
    parse(raw) {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        return bad(`is not valid JSON; allowed ${opts.values}`);
      }
      let r: ParseResult<T>;
      try {
        r = opts.check(value);
      } catch (e) {
        r = bad(`could not be checked (${String(e)})`);
      }
      return r.ok ? r : bad(`${r.problem}; allowed ${opts.values}`);
    },
  };
}
