// What the portal-package and portal-frameworks tests share: the npm tarball of
// `cargo xtask package` installed as a portal would install it, the portal's own server
// (its origin, its strict CSP, the installed files served as they are) and a records endpoint
// on a third origin that answers with exactly the CORS headers docs/embed.md documents.
//
// Origins: the portal is http://localhost:P, the endpoint http://127.0.0.1:Q (another host name,
// so another origin and another site); both ports are picked free here.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');
/** Where `cargo xtask package` writes (xtask/src/package.rs, `OUT`). */
export const PACKAGE_DIR = join(ROOT, 'target/package');

/** The tarball: `$KAOPING_PACKAGE`, else the one `cargo xtask package` left in target/package/. */
export async function tarball() {
  if (process.env.KAOPING_PACKAGE) return resolve(process.env.KAOPING_PACKAGE);
  const names = (await readdir(PACKAGE_DIR).catch(() => [])).filter((n) => /^kaoping-embed-.*\.tgz$/.test(n));
  if (names.length !== 1) {
    throw new Error(`expected one kaoping-embed-*.tgz in ${PACKAGE_DIR}, found ${names.length}: run \`cargo xtask package\``);
  }
  return join(PACKAGE_DIR, names[0]);
}

/**
 * A fresh portal project in a temporary folder with the tarball installed the way a portal
 * developer installs it (`npm install FILE.tgz`), offline: nothing comes from a registry.
 * Resolves to `{dir, pkg}`, `pkg` the installed package's folder.
 */
export async function installPackage() {
  const file = await tarball();
  const dir = await mkdtemp(join(tmpdir(), 'kaoping-portal-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'portal', private: true, version: '1.0.0' }));
  await promisify(execFile)('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', file], { cwd: dir });
  const pkg = join(dir, 'node_modules/@kaoping/embed');
  const manifest = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8'));
  return { dir, pkg, manifest };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** `body` of a request as text. */
async function bodyOf(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server) {
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  return server.address().port;
}

/**
 * A small static server: `pages` maps a path to `{type, body}`; `dirs` maps a path prefix
 * (`/kaoping/`) to a folder served as it is. Every answer carries `headers` (the portal's CSP).
 * Both are read at each request, so a test may fill them in once it knows the origins.
 * `POST /api/responses` (the portal's own endpoint, same origin: no CORS) keeps the records in
 * `received`. `requests` lists every path asked for.
 */
export async function servePortal({ pages = {}, dirs = {}, headers = {}, host = 'localhost' }) {
  const received = [];
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(`${req.method} ${path}`);
    if (req.method === 'POST' && path === '/api/responses') {
      const record = JSON.parse(await bodyOf(req));
      const again = received.some((r) => r.checksum === record.checksum);
      if (!again) received.push(record);
      res.writeHead(again ? 200 : 201, { 'Content-Type': 'application/json' }).end('{}');
      return;
    }
    let file = pages[path];
    if (!file) {
      const prefix = Object.keys(dirs).find((p) => path.startsWith(p));
      if (prefix) {
        const base = dirs[prefix];
        const full = normalize(join(base, path.slice(prefix.length)));
        if (full.startsWith(base + sep) && (await stat(full).catch(() => null))?.isFile()) {
          file = { type: TYPES[extname(full)] ?? 'application/octet-stream', body: await readFile(full) };
        }
      }
    }
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-cache', ...headers, ...file.headers }).end(file.body);
  });
  const port = await listen(server);
  return { server, origin: `http://${host}:${port}`, received, requests };
}

/**
 * The records endpoint on a third origin (http://127.0.0.1:Q), answering as docs/embed.md
 * says: the preflight and the POST with `Access-Control-Allow-Origin: portal`, the preflight with
 * `Access-Control-Allow-Methods: POST` and `Access-Control-Allow-Headers: Content-Type,
 * Idempotency-Key`; 201 stored, 200 already held. Another origin gets no CORS headers.
 * `received` holds `{record, idempotencyKey, origin}`; `preflights` the preflights' request headers.
 */
export async function serveEndpoint(portalOrigin, { allowHeaders = 'Content-Type, Idempotency-Key' } = {}) {
  const received = [];
  const preflights = [];
  const server = createServer(async (req, res) => {
    const origin = req.headers.origin;
    const cors = origin === portalOrigin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : { Vary: 'Origin' };
    const path = new URL(req.url, 'http://x').pathname;
    if (path !== '/api/responses') {
      res.writeHead(404, cors).end();
      return;
    }
    if (req.method === 'OPTIONS') {
      preflights.push({ origin, method: req.headers['access-control-request-method'], headers: req.headers['access-control-request-headers'] });
      res.writeHead(204, {
        ...cors,
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': allowHeaders,
        'Access-Control-Max-Age': '600',
      }).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, cors).end();
      return;
    }
    const record = JSON.parse(await bodyOf(req));
    const again = received.some((r) => r.record.checksum === record.checksum);
    if (!again) received.push({ record, idempotencyKey: req.headers['idempotency-key'], authorization: req.headers.authorization, origin });
    res.writeHead(again ? 200 : 201, { ...cors, 'Content-Type': 'application/json' }).end('{}');
  });
  const port = await listen(server);
  return { server, origin: `http://127.0.0.1:${port}`, url: `http://127.0.0.1:${port}/api/responses`, received, preflights };
}

/** The portal's strict CSP: no 'unsafe-inline' anywhere; scripts from `scripts` only. */
export function strictCsp({ scripts = "'self'", connect = [], frames = "'self'", styles = "'self'" } = {}) {
  return [
    "default-src 'self'",
    `script-src ${scripts} 'wasm-unsafe-eval'`,
    `style-src ${styles}`,
    `connect-src 'self' ${connect.join(' ')}`.trim(),
    `frame-src ${frames}`,
    "img-src 'self' data:",
    "worker-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/** Wait until `check()` is true (every 100 ms, at most `ms`); resolves to its last value. */
export async function until(check, ms = 10_000) {
  const end = Date.now() + ms;
  let ok = await check();
  while (!ok && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    ok = await check();
  }
  return ok;
}
