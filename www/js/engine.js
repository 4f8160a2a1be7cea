// The one place the WASM engine is loaded, once per build and thread (the pages and the
// workers all import it). Everything that decides anything happens inside the engine.
// The forms build (pkg/) serves the survey pages; the review build (pkg-review/) adds the
// review and site-check sheets and invitations, for review.html; the office build
// (pkg-office/) has those and plan validation, scoring and ingest, and only the pages and
// workers that need it load it.
const builds = {};
// Each build's glue and WASM. In target/www/ their names carry their content's hash
// (`cargo xtask build-web` writes the hashed names here), so they are cached for a year.
const FILES = {
  forms: ['../pkg/kaoping_wasm.js', '../pkg/kaoping_wasm_bg.wasm'],
  review: ['../pkg-review/kaoping_wasm.js', '../pkg-review/kaoping_wasm_bg.wasm'],
  office: ['../pkg-office/kaoping_wasm.js', '../pkg-office/kaoping_wasm_bg.wasm'],
};

/** The URLs of the glue and the WASM of a build (`build` as for `engineClass`). */
export function engineFiles(build) {
  return (FILES[build === true ? 'office' : build] ?? FILES.forms).map((f) => new URL(f, import.meta.url).href);
}

/**
 * The `Engine` class of the forms build, of the review build when `build` is `'review'`, or of
 * the office build when it is `true`. (Short: this file is in the respondent's size budget.)
 */
export function engineClass(build) {
  const [glue, wasm] = engineFiles(build);
  builds[glue] ??= import(glue).then(async (m) => {
    await m.default({ module_or_path: wasm });
    return m.Engine;
  });
  return builds[glue];
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
