// Service worker: after the first visit the app works offline. Every same-origin GET is served
// from the cache at once and refreshed from the network in the background
// (stale-while-revalidate); the app shell is cached on install.
const CACHE = 'kaoping-v2';
// The respondent's shell: what respond.html and embed.html need.
const SHELL = [
  'respond.html', 'embed.html', 'css/app.css',
  'js/engine.js', 'js/form.js', 'js/i18n.js', 'js/store.js', 'js/respond.js', 'js/embed.js',
  'js/offline.js', 'js/frame.js', 'pkg/kaoping_wasm.js', 'pkg/kaoping_wasm_bg.wasm',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

// A page that needs more than the respondent's shell (the review and office pages load the
// full engine) asks for its own files to be kept, so respondents never download them.
self.addEventListener('message', (event) => {
  const urls = event.data?.type === 'kaoping-cache' ? event.data.urls : null;
  if (!Array.isArray(urls)) return;
  const own = urls.filter((u) => new URL(u, self.location.href).origin === self.location.origin);
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(own)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(req, { ignoreSearch: req.mode === 'navigate' });
    const fresh = fetch(req).then((res) => {
      if (res.ok) cache.put(req, res.clone());
      return res;
    }).catch(() => null);
    if (cached) {
      event.waitUntil(fresh);
      return cached;
    }
    return (await fresh) ?? new Response('offline', { status: 503, statusText: 'offline' });
  })());
});
