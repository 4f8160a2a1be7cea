// The TypeScript declarations of <kaoping-form>, www/js/embed.d.ts, are generated: tsc reads the
// JSDoc types of www/js/embed.js (`--allowJs --declaration --emitDeclarationOnly`), and the
// global part TypeScript cannot take from JavaScript (the tag and the events on every element,
// as they bubble out of the shadow root) is added below. Never edited by hand:
//
//   node tests/portal-ts/check.mjs            fails when embed.d.ts differs from what embed.js gives,
//                                            then type-checks the portal below
//   node tests/portal-ts/check.mjs --update   rewrites embed.d.ts
//
// Then `tsc --noEmit` over portal.ts, a small portal in TypeScript that uses every event, method
// and attribute (its `@ts-expect-error` lines must be errors, else tsc fails: the types are not
// `any`), and over wrong.ts, which must be refused naming the wrong `detail` field: the check
// can fail. Needs `cargo xtask build-web` first (embed.d.ts refers to www/pkg's record types).
// A step of `cargo xtask test`, "embed types (tsc)".
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const here = join(root, 'tests', 'portal-ts');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const committed = join(root, 'www', 'js', 'embed.d.ts');
const out = join(root, 'target', 'embed-dts');

const HEADER = `// The TypeScript declarations of <kaoping-form>, generated from the JSDoc types of
// www/js/embed.js by tests/portal-ts/check.mjs. Do not edit: change embed.js, then run
// \`node tests/portal-ts/check.mjs --update\` (after \`cargo xtask build-web\`).
`;

const GLOBAL = `
declare global {
  interface HTMLElementTagNameMap {
    'kaoping-form': KaopingForm;
  }
  /** The element's events bubble and cross the shadow root: heard on any element, the document and the window. */
  interface GlobalEventHandlersEventMap extends KaopingFormEventMap {}
}
`;

/** Run tsc with `args`; returns { ok, output }. */
function runTsc(args) {
  try {
    return { ok: true, output: execFileSync(process.execPath, [tsc, ...args], { cwd: root, encoding: 'utf8', stdio: 'pipe' }) };
  } catch (e) {
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

function generate() {
  if (!existsSync(join(root, 'www', 'pkg', 'kaoping_wasm.d.ts'))) {
    throw new Error('www/pkg/kaoping_wasm.d.ts is missing: run `cargo xtask build-web` first');
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const r = runTsc(['--allowJs', '--declaration', '--emitDeclarationOnly', '--strict',
    '--target', 'es2022', '--module', 'es2022', '--moduleResolution', 'bundler', '--lib', 'es2022,esnext.disposable,dom,dom.iterable',
    '--skipLibCheck', '--rootDir', join(root, 'www'), '--outDir', out, join(root, 'www', 'js', 'embed.js')]);
  if (!r.ok) throw new Error(`tsc could not declare www/js/embed.js:\n${r.output}`);
  return HEADER + readFileSync(join(out, 'js', 'embed.d.ts'), 'utf8') + GLOBAL;
}

const made = generate();
if (process.argv.includes('--update')) {
  writeFileSync(committed, made);
  console.log('embed types: www/js/embed.d.ts written');
} else {
  const now = existsSync(committed) ? readFileSync(committed, 'utf8') : '';
  if (now !== made) {
    writeFileSync(join(out, 'embed.d.ts'), made);
    console.error('www/js/embed.d.ts is not what www/js/embed.js gives (see target/embed-dts/embed.d.ts);');
    console.error('run `node tests/portal-ts/check.mjs --update` and commit it.');
    process.exit(1);
  }
  console.log('embed types: www/js/embed.d.ts is up to date');
}

const portal = runTsc(['--noEmit', '-p', join(here, 'tsconfig.json')]);
if (!portal.ok) {
  console.error(`the TypeScript portal does not type-check against embed.d.ts:\n${portal.output}`);
  process.exit(1);
}
console.log('embed types: tests/portal-ts/portal.ts type-checks (every event, method and attribute)');

const wrong = runTsc(['--noEmit', '-p', join(here, 'tsconfig.wrong.json')]);
const named = /wrong\.ts\(\d+,\d+\): error TS(2339|2551): Property 'questionId' does not exist/.test(wrong.output);
if (wrong.ok || !named) {
  console.error(`tests/portal-ts/wrong.ts should be refused for its \`detail.questionId\`; tsc said:\n${wrong.output || '(nothing)'}`);
  process.exit(1);
}
console.log('embed types: tests/portal-ts/wrong.ts is refused (detail.questionId does not exist)');
