// Registers the service worker so the page works offline after the first visit: the worker
// keeps what this page loaded, and `extra`, files it will load later (paths relative to www/).
// A new build is offered, never forced: a notice with a button; the page reloads into the new
// build only when the person clicks (answers are saved on every change, so nothing is lost).
const TEXT = {
  'zh-CN': ['新版本可用。', '更新并重新加载'],
  en: ['A new version is available.', 'Update and reload'],
};

let notice;
function offerUpdate(reg) {
  if (notice) return;
  notice = document.createElement('div');
  notice.className = 'notice';
  notice.setAttribute('role', 'status');
  const text = document.createElement('span');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'secondary';
  const draw = () => {
    [text.textContent, button.textContent] = TEXT[document.documentElement.lang === 'en' ? 'en' : 'zh-CN'];
    text.textContent += ' ';
  };
  draw();
  new MutationObserver(draw).observe(document.documentElement, { attributeFilter: ['lang'] });
  button.addEventListener('click', () => {
    button.disabled = true;
    if (!reg.waiting) return location.reload();
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload());
    reg.waiting.postMessage({ type: 'kaoping-update' });
  });
  notice.append(text, button);
  const main = document.getElementById('main');
  (main?.parentNode ?? document.body).insertBefore(notice, main);
}

export async function registerOffline(onReady, extra = []) {
  if (!('serviceWorker' in navigator)) return false;
  try {
    const sw = navigator.serviceWorker;
    const url = new URL('../sw.js', import.meta.url);
    const reg = await sw.register(url, { scope: new URL('../', import.meta.url).pathname });
    // A build waiting (or installed while this page is open) is offered; so is one that another
    // tab switched to, as this page still runs the old one.
    const waiting = () => reg.waiting && sw.controller && offerUpdate(reg);
    waiting();
    reg.addEventListener('updatefound', () => reg.installing?.addEventListener('statechange', waiting));
    const before = sw.controller;
    sw.addEventListener('controllerchange', () => before && offerUpdate(reg));
    document.addEventListener('visibilitychange', () => document.hidden || reg.update().catch(() => {}));
    await sw.ready;
    const urls = [location.href, ...performance.getEntriesByType('resource').map((e) => e.name)];
    reg.active?.postMessage({ type: 'kaoping-cache', urls: urls.concat(extra.map((p) => new URL(`../${p}`, import.meta.url).href)) });
    onReady?.(reg);
    return true;
  } catch {
    return false;
  }
}
