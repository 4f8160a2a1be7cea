// Invitations from a roster file on the office page (docs/trust.md): the engine reads the roster
// (every problem by row and cell) and makes each rater's payload, the office key signs each one
// here (keys.js, WebCrypto), and the engine makes the links, QR codes, the CSV list and the
// printable sheet. This file only draws what the engine returns.
import { h } from './dom.js';
import { errorText, tr } from './i18n.js';
import { state, t, announce, update } from './office-state.js';
import { planEngine } from './office-forms.js';
import { signAsOffice, b64u } from './keys.js';
import { download } from './page.js';
import './i18n-office-roster.js';

const hex = (n) => [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, '0')).join('');

/** The roster's state lives in the invitations' state (the region redrawn when it changes). */
const roster = () => state.invite?.roster ?? {};
const set = (r) => update({ invite: { ...state.invite, roster: r } });

async function read(file, f) {
  const T = t();
  set({ busy: true });
  try {
    const { engine, error } = await planEngine();
    if (error) throw error;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const read = engine.invitationsFromRoster(file.name, bytes,
      { instrument: f.instrument ?? null, valid_from: f.from || null, valid_until: f.until || null },
      state.keys.key?.id ?? '', hex(8));
    if (read.problems.length) {
      set({ problems: read.problems });
      requestAnimationFrame(() => document.getElementById('roster-problems')?.focus());
      return;
    }
    const signatures = [];
    for (const p of read.payloads) signatures.push(b64u(await signAsOffice(new Uint8Array(p.payload))));
    const printed = engine.rosterInvitations(read.payloads.map((p) => p.payload), signatures,
      new URL('./', location.href).href, f.planUrl);
    set({ printed });
    announce(T.rosterIssued(printed.length));
  } catch (err) {
    set({ error: errorText(err, state.lang) });
    requestAnimationFrame(() => document.getElementById('roster-error')?.focus());
  }
}

async function saveCsv() {
  const { engine } = await planEngine();
  const text = engine.invitationsCsv(roster().printed.map((x) => x.invitation), state.lang);
  download('invitations.csv', new Blob([text], { type: 'text/csv;charset=utf-8' }));
}

async function print() {
  const { engine } = await planEngine();
  const html = engine.invitationSheet(roster().printed, state.lang, new URL('css/invite-sheet.css', location.href).href);
  window.open(URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' })), '_blank');
}

/** The units' names in the plan's order, as the printed sheet and the CSV list them (a token
 * lists its units sorted by id); an id the plan does not have last, as it is. */
function unitNames(ids) {
  const units = state.plan?.units ?? [];
  const at = new Map(units.map((u, i) => [u.id, i]));
  const names = new Map(units.map((u) => [u.id, tr(u.name, state.lang)]));
  const place = (id) => at.get(id) ?? units.length;
  return [...ids].sort((a, b) => place(a) - place(b)).map((id) => names.get(id) ?? id).join(state.lang === 'en' ? ', ' : '、');
}

/** A review group's name (its id when the sheet has none). */
function groupName(instrument, id) {
  if (!id) return '';
  const groups = state.plan?.instruments?.find((i) => i.id === instrument)?.review?.groups ?? [];
  const g = groups.find((x) => x.id === id);
  return g ? tr(g.name, state.lang) : id;
}

function list(T, printed) {
  return h('div', { class: 'roster-issued' },
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: saveCsv, text: T.rosterCsv }),
      h('button', { type: 'button', class: 'primary', id: 'roster-print', onclick: print, text: T.rosterPrint })),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': T.rosterIssued(printed.length) },
      h('table', { class: 'data' },
        h('caption', { text: T.rosterIssued(printed.length) }),
        h('thead', {}, h('tr', {}, [T.rosterRater, T.rosterName, T.rosterGroup, T.rosterUnits, T.rosterLink].map((x) => h('th', { scope: 'col', text: x })))),
        h('tbody', {}, printed.map(({ invitation: x }, i) => h('tr', {},
          h('td', { text: x.payload.rater }), h('td', { text: x.payload.name }), h('td', { text: groupName(x.payload.instrument, x.payload.group) }),
          h('td', { text: unitNames(x.payload.units) }),
          h('td', {}, h('a', { href: x.link, id: `roster-link-${i}`, class: 'mono invite-link', text: x.link }))))))));
}

/** The roster part of the invitations step; `f` is the single invitation's form (instrument, dates, plan URL). */
export function renderRoster(f) {
  const T = t();
  const r = roster();
  return h('section', { class: 'invite-roster', 'aria-labelledby': 'roster-h' },
    h('h4', { id: 'roster-h', text: T.rosterLegend }),
    h('p', { class: 'hint', id: 'roster-hint', text: T.rosterHint }),
    h('div', { class: 'field' }, h('label', { for: 'roster-file', text: T.rosterFile }),
      h('input', { id: 'roster-file', type: 'file', accept: '.csv,.xlsx,text/csv', 'aria-describedby': 'roster-hint', disabled: !!r.busy,
        onchange: (e) => { const file = e.target.files[0]; if (file) read(file, f); } })),
    r.problems ? h('div', { id: 'roster-problems', tabindex: '-1', role: 'alert', class: 'error-message' },
      h('p', { text: T.rosterProblems(r.problems.length) }),
      h('ul', {}, r.problems.map((p) => h('li', { text: `${p.cell ?? `#${p.row}`}${p.column ? ` (${p.column})` : ''}: ${tr(p.message, state.lang)}` })))) : null,
    r.error ? h('p', { class: 'error-message', id: 'roster-error', tabindex: '-1', role: 'alert', text: r.error }) : null,
    r.printed ? list(T, r.printed) : null);
}
