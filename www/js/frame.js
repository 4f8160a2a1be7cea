// Iframe mode: embed.html?instrument=public&lang=zh-CN&origin=https://portal.example
// The record goes to the parent window by postMessage, to the configured origin only (never
// "*"), with the page height so the host can size the frame.
import { FormView, mount } from './form.js';
import { pickLang } from './i18n.js';
import { registerOffline } from './offline.js';

const params = new URLSearchParams(location.search);
const lang = pickLang(params.get('lang') || 'zh-CN');
document.documentElement.lang = lang;

function parentOrigin() {
  const raw = params.get('origin');
  if (!raw || window.parent === window) return null;
  try {
    const origin = new URL(raw).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

const target = parentOrigin();
const post = (message) => target && window.parent.postMessage(message, target);

mount(FormView, lang, {}, (view) => {
  document.title = view.title;
  view.addEventListener('submit', (e) => post({ type: 'kaoping-submit', record: e.detail }));
  new ResizeObserver(() => post({ type: 'kaoping-resize', height: document.documentElement.scrollHeight }))
    .observe(document.body);
  post({ type: 'kaoping-ready' });
  registerOffline();
});
