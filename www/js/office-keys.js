// The office's signing key on the office page (docs/trust.md): make one (a password twice; the
// encrypted backup file is downloaded), restore one from its backup file, and show the key in
// this browser. The crypto is keys.js (WebCrypto); what a key may sign is the engine's matter.
import { h } from './dom.js';
import { tr } from './i18n.js';
import { download } from './page.js';
import './i18n-office-keys.js';
import { state, t, announce, update } from './office-state.js';
import { makeOfficeKey, restoreOfficeKey, officeKey, KeyError } from './keys.js';
import { renderInvite } from './office-invite.js';
import { engineClass } from './engine.js';
import { renderTrust } from './office-trust.js';

/** The keys of the state this step reads. */
export const keysKeys = ['lang', 'keys', 'plan', 'trust', 'invite', 'trustEdit', 'amend'];

const set = (patch) => update({ keys: { ...state.keys, ...patch } });

function focusSoon(id) {
  requestAnimationFrame(() => document.getElementById(id)?.focus());
}

/** The key kept in this browser, read once at boot. */
export async function loadKey() {
  set({ key: await officeKey() });
}

// What is typed (and the file chosen) is kept in the state as it changes, without a redraw,
// so that a message under the form (which redraws the step) does not empty it.
const typed = (name) => ({ value: state.keys[name] ?? '', oninput: (e) => { state.keys[name] = e.target.value; } });
const FORM = { password: null, again: null, file: null, restorePassword: null };

/** Runs `work` with the form busy; a KeyError (or a refusal by the page) shows under the form. */
async function busy(work) {
  set({ busy: true, error: null, done: null });
  try {
    const patch = await work();
    // Another key: what was chosen (and refused) for the plan's trust part is the old key's.
    state.trustEdit = null;
    set({ busy: false, mode: null, ...FORM, ...patch });
    focusSoon('keys-status');
  } catch (err) {
    // A KeyError names its text by code; the engine's errors carry their own (err.text).
    set({ busy: false, error: err instanceof KeyError ? err.code : err?.text ?? String(err?.message ?? err) });
    focusSoon('keys-error');
  }
}

function make() {
  const { password = '', again = '' } = state.keys;
  busy(async () => {
    (await engineClass(true)).checkKeyPassword(password ?? '');
    if (password !== again) throw new KeyError('not_same');
    const made = await makeOfficeKey(password);
    const name = `kaoping-key-${made.id}.json`;
    download(name, new Blob([made.file], { type: 'application/json' }));
    const done = t().keysMade(made.id, name);
    announce(done);
    return { key: made, done };
  });
}

function restore() {
  const { file, restorePassword } = state.keys;
  busy(async () => {
    if (!file) throw new KeyError('no_file');
    const key = await restoreOfficeKey(await file.text(), restorePassword ?? '');
    const done = t().keysRestored(key.id);
    announce(done);
    return { key, done };
  });
}

function field(id, label, attrs = {}) {
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), h('input', { id, ...attrs }));
}

function makeForm(T, k) {
  return h('form', { class: 'keys-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); make(); } },
    h('fieldset', {}, h('legend', { text: T.keysMakeLegend }),
      k.key ? h('p', { class: 'notice warn', text: T.keysReplaceWarn }) : null,
      h('p', { class: 'hint', id: 'keys-password-hint', text: T.keysPasswordHint }),
      field('keys-password', T.keysPassword, { type: 'password', autocomplete: 'new-password', required: true, 'aria-describedby': 'keys-password-hint', ...typed('password') }),
      field('keys-password-again', T.keysPasswordAgain, { type: 'password', autocomplete: 'new-password', required: true, ...typed('again') }),
      actions(T, k, T.keysMakeSubmit)));
}

function restoreForm(T, k) {
  return h('form', { class: 'keys-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); restore(); } },
    h('fieldset', {}, h('legend', { text: T.keysRestoreLegend }),
      field('keys-file', T.keysFile, { type: 'file', accept: '.json,application/json', required: true,
        'aria-describedby': k.file ? 'keys-file-chosen' : null, onchange: (e) => { state.keys.file = e.target.files[0] ?? null; } }),
      k.file ? h('p', { class: 'hint', id: 'keys-file-chosen', text: T.keysFileChosen(k.file.name) }) : null,
      field('keys-restore-password', T.keysRestorePassword, { type: 'password', autocomplete: 'current-password', required: true, ...typed('restorePassword') }),
      actions(T, k, T.keysRestoreSubmit)));
}

function actions(T, k, submit) {
  return h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary', disabled: !!k.busy, text: submit }),
    h('button', { type: 'button', class: 'secondary', disabled: !!k.busy, onclick: () => { set({ mode: null, error: null, ...FORM }); focusSoon('keys-h'); }, text: T.keysCancel }));
}

function keyFacts(T, key) {
  return h('dl', { class: 'facts keys-facts' },
    h('div', {}, h('dt', { text: T.keysId }), h('dd', { class: 'mono', id: 'keys-id', text: key.id })),
    h('div', {}, h('dt', { text: T.keysPublic }), h('dd', { class: 'mono keys-public', text: key.public })),
    h('div', {}, h('dt', { text: T.keysCreated }), h('dd', { text: new Date(key.created).toLocaleString(state.lang) })),
    // The entry of the plan's trust.keys that names this key, to put into the plan.
    h('div', {}, h('dt', { text: T.keysPlanEntry }), h('dd', {}, h('code', { class: 'keys-public', id: 'keys-entry', text: JSON.stringify({ id: key.id, public: key.public }) }))));
}

export function renderKeys() {
  const T = t();
  const k = state.keys;
  const status = h('div', { id: 'keys-status', class: `plan-status${k.key ? ' good' : ''}`, tabindex: '-1' },
    k.done ? h('p', { class: 'verdict' }, h('strong', { text: k.done })) : null,
    k.key ? keyFacts(T, k.key) : h('p', { text: T.keysNone }),
    k.key && k.key.kept === false ? h('p', { class: 'notice warn', text: T.keysNotKept }) : null);
  const sec = h('section', { class: 'office-step', id: 'keys', 'aria-labelledby': 'keys-h' },
    h('h2', { id: 'keys-h', tabindex: '-1', text: T.keysHeading }),
    h('p', { class: 'hint', text: T.keysHint }), status);
  if (k.mode === 'make') sec.append(makeForm(T, k));
  else if (k.mode === 'restore') sec.append(restoreForm(T, k));
  else {
    sec.append(h('div', { class: 'actions' },
      h('button', { type: 'button', class: k.key ? 'secondary' : 'primary', id: 'keys-make',
        onclick: () => { set({ mode: 'make', error: null, done: null }); focusSoon('keys-password'); }, text: k.key ? T.keysMakeAgain : T.keysMake }),
      h('button', { type: 'button', class: 'secondary', id: 'keys-restore',
        onclick: () => { set({ mode: 'restore', error: null, done: null }); focusSoon('keys-file'); }, text: T.keysRestore })));
  }
  if (k.busy) sec.append(h('p', { class: 'hint', role: 'status', text: k.mode === 'restore' ? T.keysRestoring : T.keysMaking }));
  if (k.error) {
    sec.append(h('p', { class: 'error-message', id: 'keys-error', tabindex: '-1', role: 'alert',
      text: typeof k.error === 'object' ? tr(k.error, state.lang) : T.keysErrors[k.error] ?? k.error }));
  }
  const trust = k.mode ? null : renderTrust();
  if (trust) sec.append(trust);
  const invite = renderInvite();
  if (invite) sec.append(invite);
  return sec;
}
