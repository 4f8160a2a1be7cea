// The JavaScript baseline: PapaParse (chunked, arrays) and plain JS doing the checks the engine
// does on the layout (spec.json, read from the plan by `cargo xtask bench`): respondent id once,
// the unit among the unit question's options, ratings on their scale (or unable where allowed),
// required answers, options of single and multiple questions, numbers in range, text lengths;
// then counts per unit. fastMode splits at every comma and line break, quotes or not, so a row
// holding a quote character is put back together and read again quote-aware: fastMode is
// correct about what it rejects, and pays only for the rows that need it.
/* global Papa */
importScripts('./papaparse.min.js');

function compile(spec) {
  const cols = spec.columns.map((c) => ({ ...c, set: c.options ? new Set(c.options) : null }));
  const key = Object.fromEntries(cols.map((c, i) => [c.key, i]));
  for (const c of cols) if (c.if_selected) c.ifCol = key[c.if_selected[0]];
  return { cols, unable: new Set(spec.unable), unit: cols.findIndex((c) => c.kind === 'unit') };
}

// True when the cell passes its column's checks; `r` is the row (for if_selected).
function cellOk(c, s, r, unable) {
  switch (c.kind) {
    case 'id':
    case 'skip':
      return true;
    case 'unit':
    case 'single':
      return s === '' ? !c.required : c.set.has(s);
    case 'rating': {
      if (s === '') return !c.required;
      if (unable.has(s)) return c.unable;
      if (!/^\d{1,2}$/.test(s)) return false;
      const v = Number(s);
      return v >= c.min && v <= c.max;
    }
    case 'number': {
      if (s === '') return !c.required;
      if (!/^\d{1,3}$/.test(s)) return false;
      const v = Number(s);
      return v >= c.min && v <= c.max;
    }
    case 'multiple': {
      if (s === '') return !c.required;
      const parts = s.split(';');
      return parts.length >= (c.min_select ?? 1) && parts.length <= (c.max_select ?? Infinity)
        && parts.every((p) => c.set.has(p));
    }
    case 'text': {
      const t = s.trim();
      if (t === '') {
        if (c.required && c.ifCol === undefined) return false;
        if (c.required) return !r[c.ifCol].split(';').includes(c.if_selected[1]);
        return true;
      }
      return c.max_length == null || [...t].length <= c.max_length;
    }
    default:
      throw new Error(`no check for column kind ${c.kind}`);
  }
}

function checker(spec) {
  const { cols, unable, unit } = compile(spec);
  const seen = new Set();
  const perUnit = new Map();
  const out = { read: 0, accepted: 0, rejected: 0 };
  const row = (r) => {
    out.read++;
    if (r.length !== cols.length) { out.rejected++; return; }
    for (let k = 0; k < cols.length; k++) {
      if (!cellOk(cols[k], r[k], r, unable)) { out.rejected++; return; }
    }
    const id = r[0].trim();
    if (seen.has(id)) { out.rejected++; return; }
    seen.add(id);
    out.accepted++;
    // Counts per unit: responses and the sum of their ratings (the index's raw material).
    let sum = 0;
    for (let k = 0; k < cols.length; k++) {
      if (cols[k].kind === 'rating') { const v = r[k].length <= 2 ? Number(r[k]) : NaN; if (v === v) sum += v; }
    }
    const u = r[unit];
    const t = perUnit.get(u) ?? perUnit.set(u, { n: 0, sum: 0 }).get(u);
    t.n++;
    t.sum += sum;
  };
  return { row, out, perUnit };
}

function run(blob, fastMode, spec) {
  return new Promise((resolve, reject) => {
    const { row, out, perUnit } = checker(spec);
    let header = true;
    let pending = null; // a fastMode row with an open quote, waiting for its next lines
    let reread = 0;
    const quotes = (s) => { let n = 0; for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++; return n; };
    const take = (r) => {
      if (header) { header = false; return; }
      if (!fastMode) { if (!(r.length === 1 && r[0] === '')) row(r); return; }
      const line = r.join(',');
      if (pending === null && !line.includes('"')) { if (line !== '') row(r); return; }
      pending = pending === null ? line : pending + spec.newline + line;
      if (quotes(pending) % 2 === 0) {
        reread++;
        row(Papa.parse(pending, { header: false }).data[0]);
        pending = null;
      }
    };
    Papa.parse(blob, {
      header: false,
      fastMode,
      // The file's line end (fastMode splits there; rows are joined back with it). An empty line
      // may be inside a quoted text, so none is skipped.
      newline: spec.newline,
      skipEmptyLines: false,
      encoding: spec.encoding,
      chunkSize: 4 * 1024 * 1024,
      chunk(results) {
        for (const r of results.data) take(r);
      },
      complete() {
        if (pending !== null) { out.read++; out.rejected++; }
        resolve({ ...out, units: perUnit.size, reread });
      },
      error: reject,
    });
  });
}

const blobs = {};
const specs = {};
self.onmessage = async (e) => {
  try {
    const { file, spec, mode } = e.data;
    blobs[file] ??= await (await fetch(file)).blob();
    specs[spec] ??= await (await fetch(spec)).json();
    const blob = blobs[file];
    const t0 = performance.now();
    const out = await run(blob, mode === 'js-fast', specs[spec]);
    self.postMessage({ ms: performance.now() - t0, bytes: blob.size, ...out });
  } catch (err) {
    self.postMessage({ error: String(err?.message ?? err) });
  }
};
