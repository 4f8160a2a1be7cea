// Every dictionary of the pages (www/js/i18n.js and www/js/i18n-*.js) has the same keys in
// zh-CN and en, and a key whose text is a function takes the same number of parameters in
// both. Nested tables (e.g. the names of grades) are compared key by key, lists by length.
// No top-level key is in two files: addStrings merges them all into one dictionary, where the
// file loaded last would silently replace the other's text.
//
//   node tests/tidy/dictionaries.mjs
//
// Exits 1 naming each problem as `file: language: key: what`, else prints a one-line summary.
// Each dictionary module exports its own strings as `STRINGS` ({ 'zh-CN': {...}, en: {...} }).
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const LANGS = ['zh-CN', 'en'];
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, 'www', 'js');
const files = readdirSync(dir).filter((f) => /^i18n(-[\w-]+)?\.js$/.test(f)).sort();
if (!files.includes('i18n.js')) throw new Error(`no i18n.js in ${dir}`);

const kind = (v) => (Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v);

/** Problems of `a` (in language `la`) against `b` (in `lb`) under the key path `path`. */
function compare(a, b, la, lb, path, out) {
  for (const key of Object.keys(a)) {
    const at = path ? `${path}.${key}` : key;
    if (!(key in b)) {
      out.push([lb, at, `missing (present in ${la})`]);
      continue;
    }
    const [x, y] = [a[key], b[key]];
    if (kind(x) !== kind(y)) {
      // Reported once, from the first language's side.
      if (la === LANGS[0]) out.push([lb, at, `is a ${kind(y)}, a ${kind(x)} in ${la}`]);
    } else if (kind(x) === 'function') {
      if (la === LANGS[0] && x.length !== y.length) {
        out.push([lb, at, `takes ${y.length} parameter(s), ${x.length} in ${la}`]);
      }
    } else if (kind(x) === 'list') {
      if (la === LANGS[0] && x.length !== y.length) out.push([lb, at, `has ${y.length} item(s), ${x.length} in ${la}`]);
    } else if (kind(x) === 'object') {
      compare(x, y, la, lb, at, out);
    }
  }
}

// The shared dictionary as it is before the pages' ones are added to it (addStrings).
const base = (await import(pathToFileURL(join(dir, 'i18n.js')).href)).STRINGS;
const own = { 'i18n.js': base && Object.fromEntries(Object.entries(base).map(([l, d]) => [l, { ...d }])) };

const problems = [];
let keys = 0;
const owner = new Map(); // top-level key -> the file that defines it
for (const file of files) {
  const name = relative(root, join(dir, file));
  const dict = file in own ? own[file] : (await import(pathToFileURL(join(dir, file)).href)).STRINGS;
  if (!dict || typeof dict !== 'object') {
    problems.push(`${name}: exports no STRINGS`);
    continue;
  }
  for (const lang of Object.keys(dict)) {
    if (!LANGS.includes(lang)) problems.push(`${name}: ${lang}: a language the pages do not offer`);
  }
  const missing = LANGS.filter((l) => !dict[l]);
  for (const lang of missing) problems.push(`${name}: ${lang}: the whole language is missing`);
  if (missing.length) continue;
  const out = [];
  for (const la of LANGS) for (const lb of LANGS) if (la !== lb) compare(dict[la], dict[lb], la, lb, '', out);
  for (const [lang, key, what] of out) problems.push(`${name}: ${lang}: ${key}: ${what}`);
  keys += Object.keys(dict[LANGS[0]]).length;
  for (const key of Object.keys(dict[LANGS[0]])) {
    if (owner.has(key)) problems.push(`${name}: ${key}: also in ${owner.get(key)} (one would replace the other)`);
    else owner.set(key, name);
  }
}

if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`dictionaries: ${problems.length} problem(s) in ${files.length} file(s)`);
  process.exit(1);
}
console.log(`dictionaries: ${files.length} files, ${keys} keys, the same in ${LANGS.join(' and ')}`);
