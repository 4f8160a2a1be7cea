// Iframe mode: embed.html?instrument=public&lang=zh-CN&origin=https://portal.example
// The record and the element's other events go to the parent window by postMessage, to the
// configured origin only (never "*"), with the page height so the host can size the frame;
// a prefill is taken from that origin's parent only.
import { FormView } from './form-view.js';
import { mount } from './form.js';
import { pickLang } from './i18n.js';
import { prefill } from './prefill.js';
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

// The element's events, as messages {type, detail} (docs/embed.md); the record also as
// `record`, as before.
const forward = (view, from, type, detail = (e) => e.detail) => view.addEventListener(from, (e) => post({ type, detail: detail(e) }));

/** The parent's prefill, `{type: 'kaoping-prefill', values}`: taken, or its problems sent back. */
function prefillFrom(view, e) {
  if (e.origin !== target || e.source !== window.parent || e.data?.type !== 'kaoping-prefill') return;
  const issues = prefill(view, e.data.values ?? {});
  const message = (i) => i.message[lang] ?? i.message['zh-CN'];
  if (issues.length) post({ type: 'kaoping-invalid', detail: { source: 'prefill', issues: issues.map((i) => ({ question: i.question, row: i.row ?? null, code: i.code, message: message(i) })) } });
}

mount(FormView, lang, {}, (view) => {
  document.title = view.title;
  view.addEventListener('submit', (e) => post({ type: 'kaoping-submit', record: e.detail, detail: e.detail }));
  forward(view, 'change', 'kaoping-change');
  forward(view, 'progress', 'kaoping-progress');
  forward(view, 'invalid', 'kaoping-invalid', (e) => ({ issues: e.detail.issues, source: 'answers' }));
  view.addEventListener('delivery', (e) => post({ type: `kaoping-${e.detail.state}`, detail: { checksum: e.detail.checksum, reason: e.detail.reason } }));
  addEventListener('message', (e) => prefillFrom(view, e));
  new ResizeObserver(() => post({ type: 'kaoping-resize', height: document.documentElement.scrollHeight }))
    .observe(document.body);
  post({ type: 'kaoping-ready' });
  if (view.state && !view.draft.done) post({ type: 'kaoping-progress', detail: { answered: view.state.answered, total: view.state.total } });
  registerOffline();
});
