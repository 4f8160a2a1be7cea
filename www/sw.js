// Service worker: after the first visit the app works offline, one build at a time.
//
// `cargo xtask build-web` (xtask/src/web.rs) writes the build before this script in
// target/www/sw.js: self.KAOPING_BUILD = {hash, files: {path: digest}} (the first 12 hex digits
// of each file's SHA-256). Serve target/www/, not www/: without that line the worker does not
// install.
//
// - The build's files live in one cache named by the build's hash, and are served from it,
//   never refreshed one by one: the JS glue and the WASM always come from the same build.
// - Install fetches the respondent's shell and checks every file against its digest; the cache
//   gets all of them or none. Every page then asks for what it loaded (and the review and office
//   pages for what they will load) with a 'kaoping-cache' message; each build file is kept only
//   when it is this build's, anything else (a plan) in the data cache.
// - An update waits: the page offers it (offline.js) and posts 'kaoping-update' when the person
//   clicks; the old build's cache is deleted once the new one is active.
// - Other same-origin GETs (a plan from ?plan=) are network first, with the last copy offline.
const BUILD = self.KAOPING_BUILD;
const CACHE = `kaoping-build-${BUILD.hash}`;
const DATA = 'kaoping-data';
const SCOPE = new URL('./', self.location.href);
// The respondent's shell: what respond.html needs (embed.html adds its own two files by message).
const SHELL = [
  'respond.html', 'css/app.css', 'js/engine.js', 'js/form.js', 'js/i18n.js', 'js/store.js',
  'js/respond.js', 'js/offline.js', 'pkg/kaoping_wasm.js', 'pkg/kaoping_wasm_bg.wasm',
];

/** The build file a URL names (`''` and `dir/` are their index.html), or null. */
function buildPath(href) {
  try {
    const url = new URL(href, SCOPE);
    if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return null;
    let path = decodeURIComponent(url.pathname.slice(SCOPE.pathname.length));
    if (path === '' || path.endsWith('/')) path += 'index.html';
    return Object.hasOwn(BUILD.files, path) ? path : null;
  } catch {
    return null;
  }
}

async function isThisBuild(path, bytes) {
  const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(sum.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join('');
  return hex === BUILD.files[path];
}

/** The file as this build has it, from the network (not the HTTP cache), or an error. */
async function fetchChecked(path) {
  const res = await fetch(new URL(path, SCOPE), { cache: 'no-cache' });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  const bytes = await res.arrayBuffer();
  if (!(await isThisBuild(path, bytes))) throw new Error(`${path} is not from build ${BUILD.hash}`);
  return new Response(bytes, { headers: res.headers });
}

self.addEventListener('install', (event) => {
  // All files are fetched and checked before the first is stored; a failed store leaves no
  // half cache behind. No skipWaiting: an update waits for the person (see 'message').
  event.waitUntil((async () => {
    const files = await Promise.all(SHELL.map(async (p) => [p, await fetchChecked(p)]));
    const cache = await caches.open(CACHE);
    try {
      await Promise.all(files.map(([p, res]) => cache.put(new URL(p, SCOPE), res)));
    } catch (err) {
      await caches.delete(CACHE);
      throw err;
    }
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'kaoping-update') {
    self.skipWaiting();
    return;
  }
  // A page asks for its own files to be kept (what it loaded, and for the review and office
  // pages the full engine), so respondents never download the office's files.
  const urls = event.data?.type === 'kaoping-cache' ? event.data.urls : null;
  if (!Array.isArray(urls)) return;
  event.waitUntil((async () => {
    const [build, data] = await Promise.all([caches.open(CACHE), caches.open(DATA)]);
    await Promise.allSettled(urls.map(async (url) => {
      const path = buildPath(url);
      if (path) {
        const key = new URL(path, SCOPE);
        if (!(await build.match(key))) await build.put(key, await fetchChecked(path));
      } else if (new URL(url).origin === SCOPE.origin && !(await data.match(url))) {
        const res = await fetch(url);
        if (res.ok) await data.put(url, res);
      }
    }));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('kaoping') && key !== CACHE && key !== DATA) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

const offline = () => new Response('offline', { status: 503, statusText: 'offline' });

/** A build file: from the build's cache; one not kept yet from the network, kept if it is this build's. */
async function fromBuild(event, path) {
  const cache = await caches.open(CACHE);
  const key = new URL(path, SCOPE);
  const hit = await cache.match(key);
  if (hit) return hit;
  const res = await fetch(event.request).catch(() => null);
  if (!res) return offline();
  if (res.ok) {
    event.waitUntil(res.clone().arrayBuffer().then(async (bytes) => {
      if (await isThisBuild(path, bytes)) await cache.put(key, new Response(bytes, { headers: res.headers }));
    }));
  }
  return res;
}

/** Anything else (a plan): the network first, the last copy when offline. */
async function networkFirst(event) {
  const cache = await caches.open(DATA);
  const res = await fetch(event.request).catch(() => null);
  if (res?.ok) {
    event.waitUntil(cache.put(event.request, res.clone()));
    return res;
  }
  return res ?? (await cache.match(event.request)) ?? offline();
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== SCOPE.origin) return;
  const path = buildPath(req.url);
  event.respondWith(path ? fromBuild(event, path) : networkFirst(event));
});
