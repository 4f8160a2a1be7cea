// Registers the service worker so the page works offline after the first visit.
export async function registerOffline(onReady) {
  if (!('serviceWorker' in navigator)) return false;
  try {
    const url = new URL('../sw.js', import.meta.url);
    const reg = await navigator.serviceWorker.register(url, { scope: new URL('../', import.meta.url).pathname });
    await navigator.serviceWorker.ready;
    onReady?.(reg);
    return true;
  } catch {
    return false;
  }
}
