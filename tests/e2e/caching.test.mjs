// Caching (issue 19: reviewers on a phone). The engine's WASM and JS glue are named by their
// content (xtask/src/hashed.rs) and sent `public, max-age=31536000, immutable`, compressed in
// either coding with `Vary: Accept-Encoding`; the pages, sw.js, build.json and the entries a
// portal links to keep their names and are sent `no-cache` with a validator, so a repeat visit
// costs a 304. Run against the dev server (`cargo xtask test`'s e2e step) and through
// docs/deploy.md's nginx and Caddy snippets (its recipe steps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { url, engineFile } from './harness.mjs';

/** GET `path` with `headers`: status, headers, raw body. */
function get(path, headers = {}) {
  return new Promise((resolve, reject) => {
    request(url(path), { headers }, (res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

const decode = { gzip: gunzipSync, br: brotliDecompressSync, undefined: (b) => b };
const YEAR = /^public, max-age=31536000, immutable$/;

/** A conditional GET with the validator `res` carried answers 304, without a body. */
async function revalidates(path, res, accept) {
  const conditional = res.headers.etag
    ? { 'If-None-Match': res.headers.etag }
    : { 'If-Modified-Since': res.headers['last-modified'] };
  assert.ok(res.headers.etag || res.headers['last-modified'], `${path}: a validator`);
  const again = await get(path, { ...accept, ...conditional });
  assert.equal(again.status, 304, `${path} ${JSON.stringify(accept)}: 304 when unchanged`);
  assert.equal(again.body.length, 0);
}

test('the engine files are named by their content and cached for a year, in both codings', async () => {
  const files = [];
  for (const dir of ['pkg', 'pkg-review']) {
    files.push(await engineFile(dir, 'js'), await engineFile(dir, 'wasm'));
  }
  for (const path of files) {
    const plain = await get(path, { 'Accept-Encoding': 'identity' });
    assert.equal(plain.status, 200, path);
    const hash = /\.([0-9a-f]{12})\.(js|wasm)$/.exec(path)[1];
    assert.equal(createHash('sha256').update(plain.body).digest('hex').slice(0, 12), hash, `${path}: the name is the content's`);
    assert.match(plain.headers['cache-control'] ?? '', YEAR, path);
    const codings = new Set();
    for (const accept of ['gzip', 'br, gzip']) {
      const res = await get(path, { 'Accept-Encoding': accept });
      const enc = res.headers['content-encoding'];
      codings.add(enc);
      assert.ok(['gzip', 'br'].includes(enc), `${path} ${accept}: Content-Encoding ${enc}`);
      assert.match(res.headers['cache-control'] ?? '', YEAR, `${path} ${accept}`);
      assert.match(res.headers.vary ?? '', /accept-encoding/i, `${path} ${accept}: Vary`);
      assert.deepEqual(decode[enc](res.body), plain.body, `${path} ${accept}: decodes to the file`);
    }
    // nginx as Debian ships it has no brotli module: gzip either way there.
    assert.ok(codings.has('gzip'), `${path}: ${[...codings]}`);
  }
  // No copy under the old name: a page of an old build cannot get this build's bytes.
  for (const old of ['pkg/kaoping_wasm.js', 'pkg/kaoping_wasm_bg.wasm']) {
    assert.equal((await get(old)).status, 404, old);
  }
});

test('pages, the worker and the portal entries keep their names and are revalidated', async () => {
  for (const path of ['respond.html', 'review.html', 'embed.html', 'host-example.html', 'sw.js', 'build.json', 'js/embed.js', 'js/engine.js', 'css/app.css']) {
    for (const accept of [{}, { 'Accept-Encoding': 'gzip' }, { 'Accept-Encoding': 'br, gzip' }]) {
      const res = await get(path, accept);
      assert.equal(res.status, 200, path);
      assert.match(res.headers['cache-control'] ?? '', /^no-cache$/, `${path} ${JSON.stringify(accept)}`);
      if (res.headers['content-encoding']) assert.match(res.headers.vary ?? '', /accept-encoding/i, `${path}: Vary`);
      await revalidates(path, res, accept);
    }
  }
  // The engine files' conditional request too (a browser whose cache entry was evicted early).
  const wasm = await engineFile('pkg', 'wasm');
  await revalidates(wasm, await get(wasm, { 'Accept-Encoding': 'gzip' }), { 'Accept-Encoding': 'gzip' });
});
