// The one place the WASM engine is loaded, once per build and thread (the pages and the
// workers all import it). Everything that decides anything happens inside the engine.
// The forms build (pkg/) serves the survey pages; the office build (pkg-office/) adds plan
// validation, review sheets and scoring, and only the pages and workers that need it load it.
const builds = {};

/** The `Engine` class of the forms build, or of the office build when `office`. */
export function engineClass(office) {
  const dir = office ? '../pkg-office/' : '../pkg/';
  builds[dir] ??= import(new URL(`${dir}kaoping_wasm.js`, import.meta.url).href).then(async (glue) => {
    await glue.default({ module_or_path: new URL(`${dir}kaoping_wasm_bg.wasm`, import.meta.url) });
    return glue.Engine;
  });
  return builds[dir];
}

/** An engine for the plan at `planUrl`, or for the built-in demo plan when there is none. */
export async function loadEngine(planUrl, { office = false } = {}) {
  let text;
  if (planUrl) {
    const res = await fetch(planUrl);
    if (!res.ok) throw new Error(`${planUrl}: HTTP ${res.status}`);
    text = await res.text();
  }
  const Engine = await engineClass(office);
  return new Engine(text ?? undefined);
}
