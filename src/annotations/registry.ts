// A registry of one capability's annotations: one row per config field drives parsing, admission, webhook
// defaults and the generated docs (src/annotations/docs.ts). Generic: the rows, and every rule across
// fields, belong to the capability (capabilities/*/annotations/). Nothing here throws on any annotation map.
import { MAX_VALUE_CHARS, formatAnnotationMessage, quoteValue, type Codec } from "./codec";

/** The types one registry is written against. */
export interface RegistryTypes {
  /** The typed view parse() fills; a templated field is a `ReadonlyMap<name, value>`. */
  config: object;
  /** Validation groups (docs sections, rules that apply to a group of keys). */
  group: string;
  /** Conditions under which a mutating webhook writes a row's default. */
  when: string;
  /** Capability-specific row fields (docs columns and the like). */
  extra: object;
  /** The object the annotations sit on, for defaults that depend on it. */
  object: unknown;
}

export type FieldOf<T extends RegistryTypes> = Extract<keyof T["config"], string>;
export type FieldValue<T extends RegistryTypes, F extends FieldOf<T>> = NonNullable<T["config"][F]>;
/** What a row's codec yields: the field's value, or for a templated field one value of its map. */
export type CodecValue<T extends RegistryTypes, F extends FieldOf<T>> =
  FieldValue<T, F> extends ReadonlyMap<string, infer V> ? V : FieldValue<T, F>;

export type Mutability = "mutable" | "immutable";

export interface VendorAlias {
  key: string;
  /** vendor value → our value; values not in the map are errors. Absent: the value is used as is. */
  valueMap?: Readonly<Record<string, string>>;
  source: string;
}

/** One row as a capability writes it. */
export interface RowSpec<T extends RegistryTypes, F extends FieldOf<T>> {
  field: F;
  /**
   * Key after the prefix (current and each legacy one). A `<name>` part makes the key templated:
   * `actions.<name>` matches `actions.web` and captures `web` (the field is then a map by name).
   */
  suffix: string;
  /** Full key for a row outside the prefix; such a row has no legacy spelling. */
  fullKey?: string;
  /** Other vendors' equivalent keys, lowest precedence. */
  vendorAliases?: readonly VendorAlias[];
  group: T["group"];
  meaning: string;
  codec: Codec<CodecValue<T, F>>;
  /** What applies when the annotation is absent (doc text). */
  defaultText: string;
  /** The value used when absent, static or computed from the object (see defaultOf / withDefaults). */
  default?: FieldValue<T, F> | ((object: T["object"]) => FieldValue<T, F> | undefined);
  /** The value the mutating webhook writes, and when. */
  webhookDefault?: { value: string; when: T["when"] };
  mutability: Mutability;
  /** An empty value goes to the codec (which says what it means) instead of being an error. */
  emptyAllowed?: boolean;
  /** Extra validation notes for docs (cross-field rules live in the capability's admission rules). */
  notes?: string;
}

export type RowSpecOf<T extends RegistryTypes> = {
  [F in FieldOf<T>]: RowSpec<T, F> & T["extra"];
}[FieldOf<T>];

export interface Spelling {
  /** Full key; a templated spelling keeps its `<name>` part. */
  key: string;
  via: "canonical" | "legacy" | "vendor";
  alias?: VendorAlias;
}

/** A row as the registry holds it: the spec plus every spelling, resolved once. */
export type Row<T extends RegistryTypes, F extends FieldOf<T>> = RowSpec<T, F> &
  T["extra"] & {
    /** Full canonical key (with its `<name>` part when templated). */
    key: string;
    /** First legacy spelling, for docs; absent without legacy prefixes or with a fullKey. */
    legacyKey?: string;
    /** Every spelling in precedence order: canonical, legacy prefixes in order, vendor aliases in order. */
    spellings: readonly Spelling[];
    /** The key has a `<name>` part; the field is a map by name. */
    templated: boolean;
  };

export type AnyRow<T extends RegistryTypes> = { [F in FieldOf<T>]: Row<T, F> }[FieldOf<T>];

export interface AnnotationLookup {
  /** The key as written on the object. */
  key: string;
  via: Spelling["via"];
  /** Raw value; not necessarily a string when the caller passed garbage. */
  raw: unknown;
  alias?: VendorAlias;
  /** The `<name>` part of a templated key. */
  name?: string;
}

export interface AnnotationError<F extends string = string> {
  /** The key as written on the object (canonical, legacy or vendor spelling). */
  key: string;
  field: F;
  /** The offending value, truncated for display. */
  value: string;
  message: string;
  /** The `<name>` part of a templated key. */
  name?: string;
}

export type ParsedAnnotation<V, F extends string = string> =
  | { present: false }
  | { present: true; key: string; value: V }
  | { present: true; key: string; error: AnnotationError<F> };

export type AnnotationMap = Readonly<Record<string, unknown>>;

const PLACEHOLDER = /<[^<>]+>/g;

function hasOwn(o: AnnotationMap, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

function asMap(annotations: AnnotationMap | undefined): AnnotationMap | undefined {
  return annotations && typeof annotations === "object" ? annotations : undefined;
}

/** A templated spelling split at its placeholder: a key matches when it is head + name + tail. */
interface Template {
  head: string;
  tail: string;
  rank: number;
  spelling: Spelling;
  field: string;
}

function templateOf(key: string): { head: string; tail: string } | undefined {
  const holes = key.match(PLACEHOLDER);
  if (!holes) return undefined;
  if (holes.length > 1) throw new Error(`annotation key ${key}: at most one <name> part`);
  const at = key.indexOf(holes[0]);
  return { head: key.slice(0, at), tail: key.slice(at + holes[0].length) };
}

function nameIn(t: { head: string; tail: string }, key: string): string | undefined {
  if (key.length <= t.head.length + t.tail.length || !key.startsWith(t.head) || !key.endsWith(t.tail))
    return undefined;
  return key.slice(t.head.length, key.length - t.tail.length);
}

/** The spelling with its `<name>` part filled in. */
function spell(s: Spelling, name: string | undefined): string {
  return name === undefined ? s.key : s.key.replace(PLACEHOLDER, () => name); // a function: no `$&` expansion
}

/**
 * Finds the effective spelling of an annotation: canonical, then legacy, then vendor aliases. A templated
 * row needs the `<name>`; without one it finds nothing (use the registry's templated()).
 */
export function lookupAnnotation(
  annotations: AnnotationMap | undefined,
  row: { spellings: readonly Spelling[]; templated: boolean },
  name?: string,
): AnnotationLookup | undefined {
  const map = asMap(annotations);
  if (!map || (row.templated && name === undefined)) return undefined;
  for (const s of row.spellings) {
    const key = row.templated ? spell(s, name) : s.key;
    if (!hasOwn(map, key)) continue;
    const hit: AnnotationLookup = { key, via: s.via, raw: map[key] };
    if (s.alias) hit.alias = s.alias;
    if (name !== undefined) hit.name = name;
    return hit;
  }
  return undefined;
}

/** The raw value in our vocabulary: a vendor value mapped through its alias; null when the map lacks it. */
function mappedValue(hit: AnnotationLookup, raw: string): string | null {
  if (hit.via !== "vendor" || !hit.alias?.valueMap) return raw;
  return hasOwn(hit.alias.valueMap, raw) ? hit.alias.valueMap[raw] : null;
}

export interface RegistrySpec<T extends RegistryTypes> {
  /** Short name for docs and messages ("CLB Service"). */
  name: string;
  prefixes: { current: string; legacy: readonly string[] };
  rows: readonly RowSpecOf<T>[];
}

export class AnnotationRegistry<T extends RegistryTypes> {
  readonly name: string;
  readonly prefixes: { readonly current: string; readonly legacy: readonly string[] };
  /** In declaration order (the order of docs and of parse errors). */
  readonly rows: readonly AnyRow<T>[];
  #byField = new Map<string, AnyRow<T>>();
  /**
   * Every plain spelling (canonical, legacy, vendor) of every field. Admission runs on each write, so
   * parsing walks the object's own keys (a handful) through this index instead of probing every row
   * three ways: a probe per row costs ~150 ns in V8 (the row objects differ in shape).
   */
  #bySpelling = new Map<string, FieldOf<T>>();
  /** Templated spellings, tried only for keys the index does not hold (none in most registries). */
  #templates: Template[] = [];

  constructor(spec: RegistrySpec<T>) {
    this.name = spec.name;
    this.prefixes = { current: spec.prefixes.current, legacy: [...spec.prefixes.legacy] };
    this.rows = spec.rows.map((r) => this.#resolve(r));
    for (const row of this.rows) {
      if (this.#byField.has(row.field)) throw new Error(`${this.name} annotations: field ${row.field} twice`);
      this.#byField.set(row.field, row);
      row.spellings.forEach((s, rank) => {
        const t = row.templated ? templateOf(s.key) : undefined;
        if (t) this.#templates.push({ ...t, rank, spelling: s, field: row.field });
        else if (this.#bySpelling.has(s.key)) throw new Error(`${this.name} annotations: key ${s.key} twice`);
        else this.#bySpelling.set(s.key, row.field);
      });
    }
  }

  #resolve(spec: RowSpecOf<T>): AnyRow<T> {
    const { current, legacy } = this.prefixes;
    const key = spec.fullKey ?? current + spec.suffix;
    const legacyKeys = spec.fullKey ? [] : legacy.map((p) => p + spec.suffix);
    const spellings: Spelling[] = [
      { key, via: "canonical" },
      ...legacyKeys.map((k): Spelling => ({ key: k, via: "legacy" })),
      ...(spec.vendorAliases ?? []).map((alias): Spelling => ({ key: alias.key, via: "vendor", alias })),
    ];
    const templated = templateOf(key) !== undefined;
    for (const s of spellings)
      if ((templateOf(s.key) !== undefined) !== templated)
        throw new Error(`${this.name} annotations: ${s.key} and ${key} differ in having a <name> part`);
    const row = { ...spec, key, spellings, templated };
    return (legacyKeys.length ? { ...row, legacyKey: legacyKeys[0] } : row) as AnyRow<T>;
  }

  row<F extends FieldOf<T>>(field: F): Row<T, F> {
    return this.#byField.get(field) as Row<T, F>;
  }

  /** Canonical key of a field, for messages and for keys a webhook writes; `name` fills a templated key. */
  keyOf(field: FieldOf<T>, name?: string): string {
    const row = this.row(field);
    return row.templated && name !== undefined ? spell(row.spellings[0], name) : row.key;
  }

  /** The field and spelling a key belongs to (with the `<name>` of a templated key), or undefined. */
  match(key: string): { field: FieldOf<T>; spelling: Spelling; name?: string } | undefined {
    const field = this.#bySpelling.get(key);
    if (field !== undefined) {
      const spelling = this.row(field).spellings.find((s) => s.key === key) as Spelling;
      return { field, spelling };
    }
    for (const t of this.#templates) {
      const name = nameIn(t, key);
      if (name !== undefined) return { field: t.field as FieldOf<T>, spelling: t.spelling, name };
    }
    return undefined;
  }

  /** The fields that have at least one spelling among the map's own keys. */
  fieldsPresent(annotations: AnnotationMap | undefined): Set<FieldOf<T>> {
    const fields = new Set<FieldOf<T>>();
    const map = asMap(annotations);
    if (!map) return fields;
    for (const k of Object.keys(map)) {
      const field = this.#bySpelling.get(k);
      if (field !== undefined) fields.add(field);
      else if (this.#templates.length) {
        const hit = this.match(k);
        if (hit) fields.add(hit.field);
      }
    }
    return fields;
  }

  /** The effective spelling of a field on the map (canonical, then legacy, then vendor). */
  lookup(
    annotations: AnnotationMap | undefined,
    field: FieldOf<T>,
    name?: string,
  ): AnnotationLookup | undefined {
    return lookupAnnotation(annotations, this.row(field), name);
  }

  /** Effective raw string value in our vocabulary (vendor values mapped); undefined when absent or unusable. */
  rawValue(annotations: AnnotationMap | undefined, field: FieldOf<T>, name?: string): string | undefined {
    const hit = this.lookup(annotations, field, name);
    if (!hit || typeof hit.raw !== "string") return undefined;
    return mappedValue(hit, hit.raw) ?? undefined;
  }

  /** Parses one field (one `<name>` of a templated field). */
  parseOne<F extends FieldOf<T>>(
    annotations: AnnotationMap | undefined,
    field: F,
    name?: string,
  ): ParsedAnnotation<CodecValue<T, F>, F> {
    const row = this.row(field);
    const hit = lookupAnnotation(annotations, row, name);
    return hit ? this.#parseHit(row, hit) : { present: false };
  }

  #parseHit<F extends FieldOf<T>>(
    row: Row<T, F>,
    hit: AnnotationLookup,
  ): ParsedAnnotation<CodecValue<T, F>, F> {
    const fail = (problem: string): ParsedAnnotation<CodecValue<T, F>, F> => {
      const error: AnnotationError<F> = {
        key: hit.key,
        field: row.field,
        value: quoteValue(hit.raw),
        message: formatAnnotationMessage(hit.key, hit.raw, problem),
      };
      if (hit.name !== undefined) error.name = hit.name;
      return { present: true, key: hit.key, error };
    };
    const values = row.codec.values;
    if (typeof hit.raw !== "string") return fail(`is not a string; allowed ${values}`);
    if (hit.raw.length === 0 && !row.emptyAllowed) return fail(`is empty; allowed ${values}`);
    if (hit.raw.length > MAX_VALUE_CHARS)
      return fail(`is too long (${hit.raw.length} chars); allowed at most ${MAX_VALUE_CHARS} chars`);
    const mapped = mappedValue(hit, hit.raw);
    if (mapped === null)
      return fail(`is not allowed; allowed ${Object.keys(hit.alias?.valueMap ?? {}).join(", ")}`);
    const r = row.codec.parse(mapped);
    return r.ok ? { present: true, key: hit.key, value: r.value } : fail(r.problem);
  }

  /** The effective spelling of every `<name>` of a templated field on the map. */
  #templatedHits(map: AnnotationMap, field: FieldOf<T>): AnnotationLookup[] {
    const best = new Map<string, { rank: number; hit: AnnotationLookup }>();
    for (const k of Object.keys(map)) {
      for (const t of this.#templates) {
        if (t.field !== field) continue;
        const name = nameIn(t, k);
        if (name === undefined) continue;
        const seen = best.get(name);
        if (seen && seen.rank < t.rank) continue;
        const hit: AnnotationLookup = { key: k, via: t.spelling.via, raw: map[k], name };
        if (t.spelling.alias) hit.alias = t.spelling.alias;
        best.set(name, { rank: t.rank, hit });
      }
    }
    return [...best.values()].map((b) => b.hit);
  }

  /** Every valid value of a templated field, by `<name>` (invalid ones are reported by parse()). */
  templated<F extends FieldOf<T>>(
    annotations: AnnotationMap | undefined,
    field: F,
  ): Map<string, CodecValue<T, F>> {
    return this.#parseTemplated(asMap(annotations), this.row(field)).values;
  }

  #parseTemplated<F extends FieldOf<T>>(
    map: AnnotationMap | undefined,
    row: Row<T, F>,
  ): { values: Map<string, CodecValue<T, F>>; errors: AnnotationError<F>[] } {
    const values = new Map<string, CodecValue<T, F>>();
    const errors: AnnotationError<F>[] = [];
    if (!map || !row.templated) return { values, errors };
    for (const hit of this.#templatedHits(map, row.field)) {
      const r = this.#parseHit(row, hit);
      if (!r.present) continue;
      if ("error" in r) errors.push(r.error);
      else values.set(hit.name as string, r.value);
    }
    return { values, errors };
  }

  /**
   * Parses every annotation of the registry that is present. Invalid values are left out of `config` and
   * reported in `errors`; a templated field becomes a map by `<name>`. Never throws.
   */
  parse(annotations: AnnotationMap | undefined): {
    config: Partial<T["config"]>;
    errors: AnnotationError<FieldOf<T>>[];
  } {
    const config: Record<string, unknown> = {};
    const errors: AnnotationError<FieldOf<T>>[] = [];
    const map = asMap(annotations);
    let present: Set<FieldOf<T>>;
    try {
      present = this.fieldsPresent(map);
    } catch {
      present = new Set(this.rows.map((r) => r.field)); // a hostile object: let each read report
    }
    for (const row of this.rows) {
      if (!present.has(row.field)) continue;
      try {
        if (row.templated) {
          const r = this.#parseTemplated(map, row);
          if (r.values.size) config[row.field] = r.values;
          errors.push(...r.errors);
          continue;
        }
        const r = this.parseOne(map, row.field);
        if (!r.present) continue;
        if ("error" in r) errors.push(r.error);
        else config[row.field] = r.value;
      } catch (e) {
        // defensive: a getter on a hostile object must not break admission
        errors.push({
          key: row.key,
          field: row.field,
          value: "",
          message: `annotation ${row.key}: could not be read (${String(e)})`,
        });
      }
    }
    return { config: config as Partial<T["config"]>, errors };
  }

  /** The row's default for this object, or undefined when it has none. */
  defaultOf<F extends FieldOf<T>>(field: F, object: T["object"]): FieldValue<T, F> | undefined {
    const d = this.row(field).default;
    return typeof d === "function" ? (d as (o: T["object"]) => FieldValue<T, F> | undefined)(object) : d;
  }

  /** `config` with every absent field that has a default filled in. */
  withDefaults(config: Partial<T["config"]>, object: T["object"]): Partial<T["config"]> {
    const out: Record<string, unknown> = { ...config };
    for (const row of this.rows) {
      if (row.default === undefined || out[row.field] !== undefined) continue;
      const value = this.defaultOf(row.field, object);
      if (value !== undefined) out[row.field] = value;
    }
    return out as Partial<T["config"]>;
  }
}

/** Builds a registry and its spelling index once (at module load); a malformed spec throws there. */
export function defineRegistry<T extends RegistryTypes>(spec: RegistrySpec<T>): AnnotationRegistry<T> {
  return new AnnotationRegistry(spec);
}
