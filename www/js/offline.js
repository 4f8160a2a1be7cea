// Registers the service worker so the page works offline after the first visit. `extra` lists
// files beyond the respondent's shell that this page needs kept (paths relative to www/).
export async function registerOffline(onReady, extra = []) {
  if (!('serviceWorker' in navigator)) return false;
  try {
    const url = new URL('../sw.js', import.meta.url);
    const reg = await navigator.serviceWorker.register(url, { scope: new URL('../', import.meta.url).pathname });
    await navigator.serviceWorker.ready;
    if (extra.length) {
      reg.active?.postMessage({ type: 'kaoping-cache', urls: extra.map((p) => new URL(`../${p}`, import.meta.url).href) });
    }
    onReady?.(reg);
    return true;
  } catch {
    return false;
  }
}
