// How every page builds elements, written once: `h` (HTML) and `svg`. The respondent's page
// loads this too, so it stays this small (its size budget); what only the office, report and
// tracking pages share (the chrome, a live message, a download) is in page.js.

/**
 * An element `tag` with `attrs` (`text`: its text; `on…`: a listener; `true`: an empty
 * attribute; null, undefined and false: left out) and `children` (arrays are flattened; null,
 * undefined, false and '' are left out, so `cond ? h(…) : null` reads well).
 */
export const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false && c !== '') el.append(c);
  return el;
};

/** An SVG element `tag` with `attrs` (null and undefined left out) and an optional text. */
export function svg(tag, attrs = {}, text) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}
