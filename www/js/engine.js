// The one place the WASM engine is loaded, once per build and thread (the pages and the
// workers all import it). Everything that decides anything happens inside the engine.
// The forms build (pkg/) serves the survey pages; the review build (pkg-review/) adds the
// review and site-check sheets and invitations, for review.html; the office build
// (pkg-office/) has those and plan validation, scoring and ingest, and only the pages and
// workers that need it load it.
const builds = {};

/**
 * The `Engine` class of the forms build, of the review build when `build` is `'review'`, or of
 * the office build when it is `true`. (Short: this file is in the respondent's size budget.)
 */
export function engineClass(build) {
  const dir = `../pkg${build === true ? '-office' : build === 'review' ? '-review' : ''}/`;
  builds[dir] ??= import(new URL(`${dir}kaoping_wasm.js`, import.meta.url).href).then(async (glue) => {
    await glue.default({ module_or_path: new URL(`${dir}kaoping_wasm_bg.wasm`, import.meta.url) });
    return glue.Engine;
  });
  return builds[dir];
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
