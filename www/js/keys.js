// Ed25519 keys in the browser, by WebCrypto (docs/trust.md): the office's signing key and a
// rater's device key. Only crypto plumbing lives here (make, keep, back up, restore, sign);
// what a signature or a token means is decided by the engine, never here.
//
// - The office key is generated extractable, exported once (PKCS#8) into the encrypted backup
//   file `kaoping.key/1` (PBKDF2-SHA-256, 600 000 iterations → AES-256-GCM; the same file
//   `kaoping keys` reads and writes), then imported again NON-extractable and kept in IndexedDB
//   (database `kaoping-keys`); the extractable copy is dropped. A backup file and its password
//   bring the key back on another browser.
// - The device key of a rater's browser is generated non-extractable on first use and kept in
//   the same database: it signs the rater's sheets and never leaves the browser.
// Public key text: `ed25519:` + base64url(32 raw bytes); key id: the first 16 hex digits of
// SHA-256(raw bytes).
import { kvStore } from './office-store.js';

const ALG = { name: 'Ed25519' };
const ITERATIONS = 600000;
const FORMAT = 'kaoping.key/1';
const store = kvStore('kaoping-keys');
const memory = {}; // name → what `keep` kept, also when IndexedDB refused it

/** A failure the page words in its language: `code` is one of 'unsupported', 'not_backup',
 * 'wrong_password', 'mismatch', 'no_key'. */
export class KeyError extends Error {
  constructor(code, detail = '') {
    super(detail ? `${code}: ${detail}` : code);
    this.code = code;
  }
}

/** Bytes as base64url without padding. */
export function b64u(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url (padding optional) as bytes; throws on anything else. */
export function fromB64u(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*=*$/.test(text)) throw new KeyError('not_backup', 'base64url');
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, ''));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** The key id of a raw public key: the first 16 hex digits of its SHA-256. */
export async function keyId(raw) {
  const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', raw));
  return Array.from(sum.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

const publicText = (raw) => `ed25519:${b64u(raw)}`;

/** The AES-256-GCM key a password and salt give (PBKDF2-SHA-256, `iterations`). */
async function passwordKey(password, salt, iterations) {
  const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base,
    { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

async function generate(extractable) {
  try {
    return await crypto.subtle.generateKey(ALG, extractable, ['sign', 'verify']);
  } catch (err) {
    throw new KeyError('unsupported', err?.message);
  }
}

/** Whether `privateKey` signs for the raw public key `raw` (a restored file's halves match). */
async function matches(privateKey, raw) {
  const pub = await crypto.subtle.importKey('raw', raw, ALG, false, ['verify']);
  const probe = crypto.getRandomValues(new Uint8Array(32));
  const sig = await crypto.subtle.sign(ALG, privateKey, probe);
  return crypto.subtle.verify(ALG, pub, sig, probe);
}

/** What is kept of a key: { id, public, created, key (the CryptoKey) }; `kept`: whether
 * IndexedDB took it (false: it lives only while the page is open). */
async function keep(name, id, raw, created, key) {
  const entry = { id, public: publicText(raw), created, key };
  const kept = await store.put(name, entry);
  memory[name] = entry;
  return { id, public: entry.public, created, kept };
}

async function entry(name) {
  return memory[name] ?? (memory[name] = await store.get(name));
}

// ---- the office key --------------------------------------------------------------------------

/**
 * Makes the office key protected by `password`: returns { id, public, created, kept, file }
 * where `file` is the text of the backup file (the only copy of the secret outside this browser).
 */
export async function makeOfficeKey(password, now = new Date()) {
  const pair = await generate(true);
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const der = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const aes = await passwordKey(password, salt, ITERATIONS);
  const secret = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aes, der));
  const key = await crypto.subtle.importKey('pkcs8', der, ALG, false, ['sign']);
  der.fill(0);
  const id = await keyId(raw);
  const created = now.toISOString();
  const backup = {
    format: FORMAT, id, public: publicText(raw), created,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: ITERATIONS, salt: b64u(salt) },
    cipher: { name: 'AES-GCM', iv: b64u(iv) },
    secret: b64u(secret),
  };
  const kept = await keep('office', id, raw, created, key);
  return { ...kept, file: `${JSON.stringify(backup, null, 2)}\n` };
}

/**
 * Brings the office key back from the text of a backup file and its password; returns
 * { id, public, created, kept }. Throws KeyError: not_backup, wrong_password, mismatch.
 */
export async function restoreOfficeKey(text, password) {
  let b;
  try {
    b = JSON.parse(text);
  } catch {
    throw new KeyError('not_backup', 'JSON');
  }
  if (b?.format !== FORMAT || typeof b.public !== 'string' || !b.public.startsWith('ed25519:')) throw new KeyError('not_backup', 'format');
  const raw = fromB64u(b.public.slice('ed25519:'.length));
  let aes;
  let iv;
  try {
    aes = await passwordKey(password, fromB64u(b.kdf?.salt), b.kdf?.iterations);
    iv = fromB64u(b.cipher?.iv);
  } catch {
    throw new KeyError('not_backup', 'kdf');
  }
  let der;
  try {
    der = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, aes, fromB64u(b.secret)));
  } catch {
    throw new KeyError('wrong_password');
  }
  let key;
  try {
    key = await crypto.subtle.importKey('pkcs8', der, ALG, false, ['sign']);
  } catch {
    throw new KeyError('not_backup', 'pkcs8');
  } finally {
    der.fill(0);
  }
  const id = await keyId(raw);
  if (id !== b.id || !(await matches(key, raw))) throw new KeyError('mismatch');
  return keep('office', id, raw, b.created ?? new Date().toISOString(), key);
}

/** The office key kept in this browser: { id, public, created } or null. */
export async function officeKey() {
  const e = await entry('office');
  return e ? { id: e.id, public: e.public, created: e.created } : null;
}

/** The office key's Ed25519 signature (64 bytes) over `bytes`. Throws KeyError no_key. */
export async function signAsOffice(bytes) {
  const e = await entry('office');
  if (!e) throw new KeyError('no_key');
  return new Uint8Array(await crypto.subtle.sign(ALG, e.key, bytes));
}

// ---- the rater's device key ------------------------------------------------------------------

let making = null; // the device key being made: one, however many sheets ask at once

/** This browser's device key, made (non-extractable) on first use: { id, public, created, kept }. */
export function deviceKey() {
  making ??= (async () => {
    const e = await entry('device');
    if (e) return { id: e.id, public: e.public, created: e.created, kept: true };
    const pair = await generate(false);
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    return keep('device', await keyId(raw), raw, new Date().toISOString(), pair.privateKey);
  })();
  making.catch(() => { making = null; });
  return making;
}

/** The device key's Ed25519 signature (64 bytes) over `bytes`. */
export async function signAsDevice(bytes) {
  await deviceKey();
  return new Uint8Array(await crypto.subtle.sign(ALG, memory.device.key, bytes));
}
