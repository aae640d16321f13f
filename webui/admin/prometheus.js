// Reading the hall's /metrics (the Prometheus text format) in the browser, for the figures the
// JSON summary does not carry: per-route latency histograms and write-batch sizes.

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** Every sample: [{name, labels, value}]. Comments and blank lines are skipped. */
export function parseMetrics(text) {
  const samples = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const found = LINE.exec(line);
    if (!found) continue;
    const labels = {};
    for (const [, key, value] of (found[2] ?? "").matchAll(LABEL)) labels[key] = value.replace(/\\(.)/g, "$1");
    samples.push({ name: found[1], labels, value: Number(found[3]) });
  }
  return samples;
}

/** A histogram's cumulative buckets [{le, count}] (le as a number, +Inf last), per label value. */
export function histograms(samples, name, by = null) {
  const found = new Map();
  for (const sample of samples) {
    if (sample.name !== `${name}_bucket`) continue;
    const key = by ? sample.labels[by] : "";
    if (!found.has(key)) found.set(key, { buckets: [], sum: 0, count: 0 });
    found.get(key).buckets.push({ le: Number(sample.labels.le), count: sample.value });
  }
  for (const sample of samples) {
    const key = by ? sample.labels[by] : "";
    if (!found.has(key)) continue;
    if (sample.name === `${name}_sum`) found.get(key).sum = sample.value;
    if (sample.name === `${name}_count`) found.get(key).count = sample.value;
  }
  for (const entry of found.values()) entry.buckets.sort((a, b) => a.le - b.le);
  return found;
}

/** The bucket bound under which `share` of the observations fall (an upper bound, not a guess). */
export function quantileBound(histogram, share) {
  const wanted = histogram.count * share;
  return histogram.buckets.find((bucket) => bucket.count >= wanted && histogram.count > 0)?.le ?? null;
}

/** Cumulative buckets as counts per bucket: [{label, value}], each labelled by its upper bound. */
export function bucketCounts(histogram) {
  let before = 0;
  let lower = 0;
  return histogram.buckets.map(({ le, count }) => {
    const label = le === Infinity ? `>${lower}` : `≤${le}`;
    const value = count - before;
    before = count;
    lower = le;
    return { label, value };
  });
}
