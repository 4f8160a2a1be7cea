// Service worker: after the first visit the app works offline, one build at a time.
//
// `cargo xtask build-web` (xtask/src/web.rs) writes the build before this script in
// target/www/sw.js: self.KAOPING_BUILD = {hash, shell: {path: digest}} (the respondent's shell,
// web::SHELL; a digest is the first 12 hex digits of the file's SHA-256), and every file's
// digest into build.json. Serve target/www/, not www/: without that line the worker does not
// install.
//
// - The build's files live in one cache named by the build's hash, and are served from it,
//   never refreshed one by one: the JS glue and the WASM always come from the same build.
// - Install fetches the shell and checks every file against its digest; the cache gets all of
//   them or none. (Not when every open page is review.html: a reviewer's phone does not fetch
//   the respondent's shell.) Any other file of the build joins the cache when a page loads it or asks for
//   it (a 'kaoping-cache' message), checked against build.json (only while the server still
//   has this build).
// - An update waits: the page offers it (offline.js) and posts 'kaoping-update' when the person
//   clicks; the old build's cache is deleted once the new one is active.
// - Anything else on this origin (a plan from ?plan=) is network first, the last copy offline.
const BUILD = self.KAOPING_BUILD;
const CACHE = `kaoping-build-${BUILD.hash}`;
const DATA = 'kaoping-data';
const SCOPE = new URL('./', self.location.href);

/** The path under the scope a URL names (`''` and `dir/` are their index.html), or null. */
function pathOf(href) {
  try {
    const url = new URL(href, SCOPE);
    if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return null;
    const path = decodeURIComponent(url.pathname.slice(SCOPE.pathname.length));
    return path === '' || path.endsWith('/') ? `${path}index.html` : path;
  } catch {
    return null;
  }
}

/** `bytes` as a Response to keep when their digest is `digest`, else null. */
async function checked(bytes, digest, headers) {
  const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(sum.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join('');
  return hex === digest ? new Response(bytes, { headers }) : null;
}

/** The file as this build has it, from the network (not the HTTP cache), or an error. */
async function fetchChecked(path, digest) {
  const res = await fetch(new URL(path, SCOPE), { cache: 'no-cache' });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  const kept = await checked(await res.arrayBuffer(), digest, res.headers);
  if (!kept) throw new Error(`${path} is not from build ${BUILD.hash}`);
  return kept;
}

let manifest = null;
/** This build's files and digests (build.json, kept in the build's cache), or null when unknown. */
function buildFiles() {
  manifest ??= (async () => {
    const cache = await caches.open(CACHE);
    const key = new URL('build.json', SCOPE);
    let res = await cache.match(key);
    if (!res) {
      res = await fetch(key, { cache: 'no-cache' });
      const copy = res.clone();
      if (!res.ok || (await copy.json()).hash !== BUILD.hash) throw new Error('another build');
      await cache.put(key, res.clone());
    }
    return (await res.json()).files;
  })().catch(() => {
    manifest = null; // unknown for now (offline, or the server moved on): ask again later
    return null;
  });
  return manifest;
}

/** The digest of a file of this build, null for a file that is not, undefined when unknown. */
async function digestOf(path) {
  if (Object.hasOwn(BUILD.shell, path)) return BUILD.shell[path];
  const files = await buildFiles();
  return files ? files[path] ?? null : undefined;
}

self.addEventListener('install', (event) => {
  // All files are fetched and checked before the first is stored; a failed store leaves no
  // half cache behind. No skipWaiting: an update waits for the person (see 'message').
  // Installed from review pages only (reviewers on a phone), the respondent's shell is left
  // out: those pages keep their own files ('kaoping-cache'), and respond.html its own if opened.
  event.waitUntil((async () => {
    const pages = await self.clients.matchAll({ includeUncontrolled: true, type: 'window' });
    const review = pages.length && pages.every((c) => pathOf(c.url) === 'review.html');
    const files = await Promise.all(Object.entries(review ? {} : BUILD.shell).map(async ([p, d]) => [p, await fetchChecked(p, d)]));
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
      const path = pathOf(url);
      if (path === null) return;
      const key = new URL(path, SCOPE);
      if (await build.match(key)) return;
      const digest = await digestOf(path);
      if (digest) {
        await build.put(key, await fetchChecked(path, digest));
      } else if (digest === null && !(await data.match(url))) {
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

async function respond(event) {
  const path = pathOf(event.request.url);
  const build = await caches.open(CACHE);
  const key = new URL(path, SCOPE);
  const hit = await build.match(key);
  if (hit) return hit;
  const digest = await digestOf(path);
  const res = await fetch(event.request).catch(() => null);
  if (digest) {
    // A file of this build not kept yet: kept when the bytes are this build's.
    if (res?.ok) {
      event.waitUntil(res.clone().arrayBuffer().then(async (bytes) => {
        const kept = await checked(bytes, digest, res.headers);
        if (kept) await build.put(key, kept);
      }));
    }
    return res ?? offline();
  }
  // Not a file of this build (a plan): the network first, the last copy offline. When it is
  // unknown whether it is, nothing is kept (it could be another build's file).
  const data = await caches.open(DATA);
  if (res?.ok && digest === null) event.waitUntil(data.put(event.request, res.clone()));
  return res ?? (await data.match(event.request)) ?? offline();
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || pathOf(req.url) === null) return;
  event.respondWith(respond(event));
});
