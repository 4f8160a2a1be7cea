// What the office, report and tracking pages share, written once: the page chrome, a message
// through the page's live region and a download. Nothing here decides anything, and nothing
// here needs a dictionary: the caller passes the texts.
import { h } from './dom.js';

/** The page chrome in `lang`: the document language, the language switch, skip link, brand
 * and the title `${title} · app`. `T`: the strings of `lang`. */
export function applyChrome(T, lang, title) {
  document.documentElement.lang = lang;
  const switcher = document.getElementById('lang-switch');
  switcher.textContent = T.switchLang;
  switcher.setAttribute('lang', lang === 'en' ? 'zh-CN' : 'en');
  switcher.setAttribute('aria-label', T.switchLangLabel);
  document.querySelector('.skip').textContent = T.skip;
  document.querySelector('.brand').textContent = T.app;
  document.title = `${title} · ${T.app}`;
}

/** Says `text` through the page's one persistent live region, the element `regionId`. */
export function announce(regionId, text) {
  const el = document.getElementById(regionId);
  if (!el) return;
  el.textContent = '';
  setTimeout(() => { el.textContent = text; }, 100);
}

/** Offers a Blob as a download under `name`. */
export function download(name, blob) {
  const a = h('a', { href: URL.createObjectURL(blob), download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
