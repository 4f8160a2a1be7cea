// The plan's trust section from the signing-key step (docs/plan.md, 信任设置): the public key
// of this browser put into the plan, keys of the plan revoked, and each instrument's access
// chosen among those the engine offers (Engine.trustChoices). The engine writes the new version
// of the plan (Engine.planWithTrust), which then takes the page's path for an amended plan
// (office-amend.js: the diff, the date and reasons, the record).
import { errorText, tr } from './i18n.js';
import './i18n-office-trust.js';
import { h } from './dom.js';
import { state, t, update } from './office-state.js';
import { runner } from './office-runner.js';
import { offerAmend } from './office-amend.js';

const set = (patch) => update({ trustEdit: { ...(state.trustEdit ?? {}), ...patch } });
// A choice is kept without a redraw, so that focus stays where it is.
const keep = (patch) => { state.trustEdit = { ...(state.trustEdit ?? {}), ...patch }; };

function focusSoon(id) {
  requestAnimationFrame(() => document.getElementById(id)?.focus());
}

/** This browser's key as the plan lists it, or undefined. */
const planKey = () => state.trust?.keys.find((k) => k.id === state.keys.key?.id);

async function put() {
  const e = state.trustEdit ?? {};
  // The access chosen for every instrument; the engine leaves unchanged ones as they are.
  const access = Object.fromEntries(state.trust.instruments.map((c) => [c.instrument, e.access?.[c.instrument] ?? c.access]));
  const edit = { key: planKey() ? null : state.keys.key.public, revoke: e.revoke ?? [], access };
  set({ busy: true, error: null });
  try {
    const next = await runner.request({ type: 'planWithTrust', text: state.planText, edit });
    state.trustEdit = null;
    await offerAmend(next, state.planSource ?? `${state.plan.id}.json`, { force: true });
  } catch (err) {
    set({ busy: false, error: errorText(err, state.lang) });
    focusSoon('trust-error');
  }
}

function revokeBox(T, k, revoke, mine) {
  const id = `trust-revoke-${k.id}`;
  const others = revoke.filter((r) => r !== k.id);
  return h('span', { class: 'choice' },
    h('input', { type: 'checkbox', id, checked: revoke.includes(k.id),
      onchange: (ev) => keep({ revoke: ev.target.checked ? [...others, k.id] : others }) }),
    // The key id is the row's header: read out with the box, not shown twice (320 px).
    ' ', h('label', { for: id }, T.trustRevoke, h('span', { class: 'visually-hidden', text: T.trustRevokeKey(k.id) }),
      k.id === mine ? T.trustRevokeMine : ''));
}

function keysTable(T, keys, revoke) {
  if (!keys.length) return h('p', { text: T.trustNoKeys });
  const mine = state.keys.key?.id;
  return h('table', { class: 'data trust-keys' },
    h('caption', { text: T.trustKeysCaption }),
    h('thead', {}, h('tr', {}, [T.trustKeyId, T.trustKeyState].map((c) => h('th', { scope: 'col', text: c })))),
    h('tbody', {}, keys.map((k) => h('tr', {},
      h('th', { scope: 'row', class: 'mono', text: k.id }),
      h('td', {}, k.revoked ? T.trustRevoked : revokeBox(T, k, revoke, mine))))));
}

function accessField(T, c, e) {
  const ins = state.plan.instruments.find((i) => i.id === c.instrument);
  const id = `trust-access-${c.instrument}`;
  const value = e.access?.[c.instrument] ?? c.access;
  return h('div', { class: 'field' },
    h('label', { for: id, text: T.trustAccess(ins ? tr(ins.title, state.lang) : c.instrument, c.instrument) }),
    h('select', { id, 'data-instrument': c.instrument,
      onchange: (ev) => keep({ access: { ...(state.trustEdit?.access ?? {}), [c.instrument]: ev.target.value } }) },
    c.choices.map((a) => h('option', { value: a, selected: a === value, text: T.trustAccessNames[a] ?? a }))));
}

/** The trust part under the key's facts; null without a key in this browser or a valid plan. */
export function renderTrust() {
  const T = t();
  const trust = state.trust;
  if (!state.keys.key || !state.plan || !trust) return null;
  const e = state.trustEdit ?? {};
  const mine = planKey();
  const status = !mine ? T.trustMineOut : mine.revoked ? T.trustMineRevoked : T.trustMineIn;
  return h('section', { class: 'trust', 'aria-labelledby': 'trust-h' },
    h('h3', { id: 'trust-h', text: T.trustHeading }),
    h('p', { class: 'hint', id: 'trust-hint', text: T.trustHint }),
    h('p', { id: 'trust-mine', class: mine && !mine.revoked ? 'notice' : 'notice warn', text: status }),
    h('form', { class: 'keys-form', novalidate: true, onsubmit: (ev) => { ev.preventDefault(); put(); } },
      h('fieldset', {}, h('legend', { text: T.trustKeysLegend }), keysTable(T, trust.keys, e.revoke ?? [])),
      h('fieldset', {}, h('legend', { text: T.trustAccessLegend }), ...trust.instruments.map((c) => accessField(T, c, e))),
      e.error ? h('p', { class: 'error-message', id: 'trust-error', tabindex: '-1', role: 'alert', text: e.error }) : null,
      e.busy ? h('p', { class: 'hint', role: 'status', text: T.trustBusy }) : null,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', id: 'trust-put', disabled: !!e.busy || !!state.amend?.busy,
          'aria-describedby': 'trust-hint', text: mine ? T.trustPutChanges : T.trustPut }))));
}
