import test from "node:test";
import assert from "node:assert/strict";
import { bucketDelta, histogramBuckets, histogramQuantile, parseExposition, select } from "./parse";
import { Registry } from "./prometheus";

test("exposition: HELP and TYPE once per metric, then one line per series in the declared label order", () => {
  const r = new Registry();
  const c = r.counter("things_total", "Things done.", ["kind", "result"]);
  c.inc({ result: "ok", kind: "a" });
  c.inc({ kind: "a", result: "ok" }, 2);
  c.inc({ kind: "b", result: "error" });
  r.gauge("idle", "Nothing yet.");
  assert.equal(
    r.expose(),
    [
      "# HELP things_total Things done.",
      "# TYPE things_total counter",
      'things_total{kind="a",result="ok"} 3',
      'things_total{kind="b",result="error"} 1',
      "# HELP idle Nothing yet.",
      "# TYPE idle gauge",
      "",
    ].join("\n"),
  );
});

test("exposition: label values and help text are escaped, and read back unchanged", () => {
  const r = new Registry();
  r.counter("odd_total", "A help with \\ and\na newline.", ["v"]).inc({ v: 'quote " back \\ nl \n end' });
  const text = r.expose();
  assert.match(text, /# HELP odd_total A help with \\\\ and\\na newline\./);
  assert.match(text, /odd_total\{v="quote \\" back \\\\ nl \\n end"\} 1/);
  assert.deepEqual(parseExposition(text), [
    { name: "odd_total", labels: { v: 'quote " back \\ nl \n end' }, value: 1 },
  ]);
});

test("histogram: cumulative buckets, +Inf, sum and count per series", () => {
  const r = new Registry();
  const h = r.histogram("lat_seconds", "Latency.", ["op"], [0.1, 1]);
  h.observe({ op: "get" }, 0.05);
  h.observe({ op: "get" }, 0.5);
  h.observe({ op: "get" }, 3);
  const samples = parseExposition(r.expose());
  assert.deepEqual(
    select(samples, "lat_seconds_bucket", { op: "get" }).map((s) => [s.labels.le, s.value]),
    [
      ["0.1", 1],
      ["1", 2],
      ["+Inf", 3],
    ],
  );
  assert.equal(select(samples, "lat_seconds_sum")[0].value, 3.55);
  assert.equal(select(samples, "lat_seconds_count")[0].value, 3);
});

test("gauge: a collector is read at every scrape; one that throws yields no samples, not a failed scrape", () => {
  const r = new Registry();
  let depth = 2;
  r.gauge("depth", "Queue depth.", ["name"]).collect(() => [{ labels: { name: "q" }, value: depth }]);
  r.gauge("broken", "Throws.").collect(() => {
    throw new Error("no file");
  });
  assert.equal(select(parseExposition(r.expose()), "depth")[0].value, 2);
  depth = 7;
  assert.equal(select(parseExposition(r.expose()), "depth")[0].value, 7);
  assert.deepEqual(select(parseExposition(r.expose()), "broken"), []);
});

test("misuse is refused: wrong labels, negative counter increments, a name registered twice", () => {
  const r = new Registry();
  const c = r.counter("x_total", "X.", ["a"]);
  assert.throws(() => c.inc({}), /label a missing/);
  assert.throws(() => c.inc({ a: "1", b: "2" }), /declared a/);
  assert.throws(() => c.inc({ a: "1" }, -1), /cannot add -1/);
  assert.throws(() => r.gauge("x_total", "again"), /registered twice/);
  assert.throws(() => r.counter("bad-name", "dash"), /bad metric name/);
  assert.throws(() => r.histogram("h", "H.", ["le"], [1]), /bad label name le/);
  assert.throws(() => r.histogram("h2", "H.", [], [1, 1]), /must increase/);
});

test("histogramQuantile interpolates inside the bucket holding the rank, as PromQL does", () => {
  const r = new Registry();
  const h = r.histogram("d_seconds", "D.", [], [0.01, 0.02, 0.04]);
  for (let i = 0; i < 50; i++) h.observe({}, 0.005); // bucket 0.01
  for (let i = 0; i < 40; i++) h.observe({}, 0.015); // bucket 0.02
  for (let i = 0; i < 10; i++) h.observe({}, 0.03); // bucket 0.04
  const buckets = histogramBuckets(parseExposition(r.expose()), "d_seconds");
  assert.equal(histogramQuantile(0.5, buckets), 0.01);
  assert.ok(Math.abs(histogramQuantile(0.9, buckets) - 0.02) < 1e-12);
  assert.ok(Math.abs(histogramQuantile(0.95, buckets) - 0.03) < 1e-12);
  assert.ok(Math.abs(histogramQuantile(0.25, buckets) - 0.005) < 1e-12);
  assert.ok(Number.isNaN(histogramQuantile(0.99, new Map())));
});

test("bucketDelta: only the observations made between two scrapes count", () => {
  const r = new Registry();
  const h = r.histogram("w_seconds", "W.", [], [0.001, 0.01]);
  for (let i = 0; i < 100; i++) h.observe({}, 0.0005);
  const before = histogramBuckets(parseExposition(r.expose()), "w_seconds");
  for (let i = 0; i < 10; i++) h.observe({}, 0.005);
  const after = histogramBuckets(parseExposition(r.expose()), "w_seconds");
  const delta = bucketDelta(after, before);
  assert.deepEqual(
    [...delta],
    [
      [0.001, 0],
      [0.01, 10],
      [Infinity, 10],
    ],
  );
  assert.ok(histogramQuantile(0.99, delta) > 0.001, "the earlier fast observations do not pull it down");
});
