// The one place the WASM engine is loaded, once per build and thread (the pages and the
// workers all import it). Everything that decides anything happens inside the engine.
// The forms build (pkg/) serves the survey pages; the review build (pkg-review/) adds the
// review and site-check sheets and invitations, for review.html; the office build
// (pkg-office/) has those and plan validation, scoring and ingest, and only the pages and
// workers that need it load it.
const builds = {};
// The glue and the WASM of the forms, review and office builds. In target/www/ their names carry
// their content's hash, written here by `cargo xtask build-web` (xtask/src/hashed.rs): cached a year.
const FILES = ['../pkg/kaoping_wasm.js', '../pkg/kaoping_wasm_bg.wasm', '../pkg-review/kaoping_wasm.js', '../pkg-review/kaoping_wasm_bg.wasm', '../pkg-office/kaoping_wasm.js', '../pkg-office/kaoping_wasm_bg.wasm'];

/**
 * The `Engine` class of the forms build, of the review build when `build` is `'review'`, or of
 * the office build when it is `true`. (Short: this file is in the respondent's size budget.)
 */
export function engineClass(build) {
  const i = build === true ? 4 : build === 'review' ? 2 : 0;
  // import() resolves against this module; fetch() (the WASM) against the page, hence the URL.
  builds[i] ??= import(FILES[i]).then(async (glue) => {
    await glue.default({ module_or_path: new URL(FILES[i + 1], import.meta.url) });
    return glue.Engine;
  });
  return builds[i];
}

/**
 * An engine for the plan at `planUrl`, or for the built-in demo plan when there is none: of the
 * office build when `office`, of the build `build` (as for `engineClass`) when given.
 */
export async function loadEngine(planUrl, { office = false, build = office } = {}) {
  let text;
  if (planUrl) {
    const res = await fetch(planUrl);
    if (!res.ok) throw new Error(`${planUrl}: HTTP ${res.status}`);
    text = await res.text();
  }
  const Engine = await engineClass(build);
  return new Engine(text ?? undefined);
}
