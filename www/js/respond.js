// The respondent page: mounts a FormView for the plan's public survey (or ?instrument=…).
import { loadEngine } from './engine.js';
import { FormView } from './form.js';
import { pickLang, strings } from './i18n.js';
import { registerOffline } from './offline.js';

const params = new URLSearchParams(location.search);
const main = document.getElementById('main');
const switcher = document.getElementById('lang-switch');
let lang = pickLang(params.get('lang') || localStorage.getItem('kaoping:lang') || 'zh-CN');

function applyChrome() {
  const t = strings(lang);
  document.documentElement.lang = lang;
  switcher.textContent = t.switchLang;
  switcher.setAttribute('lang', lang === 'en' ? 'zh-CN' : 'en');
  switcher.setAttribute('aria-label', t.switchLangLabel);
  document.querySelector('.skip').textContent = t.skip;
  document.querySelector('.brand').textContent = t.app;
}

async function start() {
  applyChrome();
  try {
    const engine = await loadEngine(params.get('plan'));
    const view = new FormView(main, engine, {
      instrument: params.get('instrument') || 'public',
      lang,
      endpoint: params.get('endpoint') ?? 'api/responses',
    });
    document.title = `${view.instrument.title[lang] ?? view.instrument.title['zh-CN']} · ${strings(lang).app}`;
    switcher.addEventListener('click', () => {
      lang = lang === 'en' ? 'zh-CN' : 'en';
      localStorage.setItem('kaoping:lang', lang);
      applyChrome();
      view.setLang(lang);
      document.title = `${view.instrument.title[lang]} · ${strings(lang).app}`;
    });
    view.addEventListener('submit', (e) => {
      window.dispatchEvent(new CustomEvent('kaoping-submit', { detail: e.detail }));
    });
    view.deliver();
    window.addEventListener('online', () => view.deliver());
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
