// Loads the full WASM engine (the office build: plan validation, review sheets, scoring).
// The respondent page uses the smaller build in engine.js.
import init, { Engine } from '../pkg-office/kaoping_wasm.js';

let ready;

export function loadWasm() {
  ready ??= init({ module_or_path: new URL('../pkg-office/kaoping_wasm_bg.wasm', import.meta.url) });
  return ready;
}

/** An engine for a plan: its JSON text, or the built-in demo plan when none is given. */
export async function loadEngine(planJson) {
  await loadWasm();
  return new Engine(planJson ?? undefined);
}

export { Engine };
