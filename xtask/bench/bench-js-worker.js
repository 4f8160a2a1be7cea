// The JavaScript baseline: PapaParse (chunked, arrays, fastMode on request) and plain JS doing
// the same range checks and per-unit aggregation of the demo plan's public survey.
/* global Papa */
importScripts('./papaparse.min.js');

const DISTRICTS = ['jiangan', 'jianghan', 'qiaokou', 'hanyang', 'wuchang', 'dongxihu', 'caidian', 'jiangxia', 'huangpi', 'other'];
const UNITS = new Map(DISTRICTS.filter((d) => d !== 'other').map((d, i) => [d, i]));
const DISTRICT_SET = new Set(DISTRICTS);
const AGES = new Set(['18-29', '30-44', '45-59', '60+']);
const PRIOS = new Set(['traffic', 'environment', 'education', 'health', 'elderly', 'housing', 'services', 'other']);
const SCORE = [0, 25, 50, 75, 100];

// A cell on the 1–5 scale: 0–4, -1 = unable, -2 = invalid, -3 = empty.
function rating(s) {
  if (s.length === 1) {
    const c = s.charCodeAt(0) - 49;
    return c >= 0 && c <= 4 ? c : -2;
  }
  if (s === '') return -3;
  if (s === 'unable' || s === '无法评价') return -1;
  return -2;
}

function intIn(s, lo, hi) {
  if (!/^\d{1,3}$/.test(s)) return null;
  const v = Number(s);
  return v >= lo && v <= hi ? v : null;
}

function run(blob, fastMode) {
  return new Promise((resolve, reject) => {
    const seen = new Set();
    const units = UNITS.size;
    const items = 8;
    const counts = new Float64Array(units * items * 6); // 5 points + unable
    const n = new Float64Array(units);
    const indexSum = new Float64Array(units);
    const satisfied = new Float64Array(units);
    const nps = new Float64Array(units * 3);
    let read = 0;
    let accepted = 0;
    let rejected = 0;
    let header = true;
    const row = new Int8Array(items);
    Papa.parse(blob, {
      header: false,
      fastMode,
      skipEmptyLines: true,
      chunkSize: 4 * 1024 * 1024,
      chunk(results) {
        for (const r of results.data) {
          if (header) { header = false; continue; }
          read++;
          if (r.length !== 19) { rejected++; continue; }
          const district = r[2];
          if (!DISTRICT_SET.has(district) || !AGES.has(r[3])) { rejected++; continue; }
          if (r[4] !== '' && intIn(r[4], 0, 100) === null) { rejected++; continue; }
          let bad = false;
          for (let k = 0; k < 7; k++) {
            const v = rating(r[5 + k]);
            if (v < -1) { bad = true; break; }
            row[k] = v;
          }
          const overall = rating(r[13]);
          if (bad || overall < 0) { rejected++; continue; }
          row[7] = overall;
          const rec = r[15] === '' ? -1 : intIn(r[15], 0, 10);
          if (rec === null) { rejected++; continue; }
          const prios = r[16] === '' ? [] : r[16].split(';');
          if (prios.length < 1 || prios.length > 3 || !prios.every((p) => PRIOS.has(p))) { rejected++; continue; }
          if (prios.includes('other') && r[17].trim() === '') { rejected++; continue; }
          if (r[18].length > 500) { rejected++; continue; }
          const id = r[0];
          if (seen.has(id)) { rejected++; continue; }
          seen.add(id);
          accepted++;
          const u = UNITS.get(district);
          if (u === undefined) continue;
          n[u]++;
          let sum = 0;
          let m = 0;
          for (let k = 0; k < items; k++) {
            const v = row[k];
            const at = (u * items + k) * 6;
            if (v === -1) counts[at + 5]++;
            else { counts[at + v]++; sum += SCORE[v]; m++; }
          }
          if (m) indexSum[u] += sum / m;
          if (overall >= 3) satisfied[u]++;
          if (rec >= 0) nps[u * 3 + (rec >= 9 ? 0 : rec >= 7 ? 1 : 2)]++;
        }
      },
      complete() {
        const perUnit = [...UNITS.keys()].map((id, u) => ({
          unit: id, n: n[u], index: n[u] ? indexSum[u] / n[u] : null, satisfied: satisfied[u],
        }));
        resolve({ read, accepted, rejected, units: perUnit.length });
      },
      error: reject,
    });
  });
}

const blobs = {};
self.onmessage = async (e) => {
  try {
    const { file, mode } = e.data;
    blobs[file] ??= await (await fetch(file)).blob();
    const blob = blobs[file];
    const t0 = performance.now();
    const out = await run(blob, mode === 'js-fast');
    self.postMessage({ ms: performance.now() - t0, bytes: blob.size, ...out });
  } catch (err) {
    self.postMessage({ error: String(err?.message ?? err) });
  }
};
