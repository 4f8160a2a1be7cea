// Iframe mode: embed.html?instrument=public&lang=zh-CN&origin=https://portal.example
// The record goes to the parent window by postMessage, to the configured origin only (never
// "*"), with the page height so the host can size the frame.
import { loadEngine } from './engine.js';
import { FormView } from './form.js';
import { pickLang, strings } from './i18n.js';
import { registerOffline } from './offline.js';

const params = new URLSearchParams(location.search);
const main = document.getElementById('main');
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

async function start() {
  try {
    const engine = await loadEngine(params.get('plan'));
    const view = new FormView(main, engine, {
      instrument: params.get('instrument') || 'public',
      lang,
      endpoint: params.get('endpoint'),
    });
    document.title = view.instrument.title[lang] ?? view.instrument.title['zh-CN'];
    view.addEventListener('submit', (e) => post({ type: 'kaoping-submit', record: e.detail }));
    view.deliver();
    new ResizeObserver(() => post({ type: 'kaoping-resize', height: document.documentElement.scrollHeight }))
      .observe(document.body);
    post({ type: 'kaoping-ready' });
    registerOffline();
  } catch (err) {
    main.replaceChildren();
    const p = document.createElement('p');
    p.className = 'error-message';
    p.setAttribute('role', 'alert');
    p.textContent = strings(lang).loadFailed + (err?.message ?? err);
    main.append(p);
  }
}

start();
