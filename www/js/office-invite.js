// Invitations on the office page (docs/trust.md): the office names a rater, the units and the
// validity; the engine makes the invitation's payload (checking it against the plan: units,
// group, the key listed in the plan), the office key signs it here (keys.js, WebCrypto), and the
// engine makes the token and the link, checked as the review page will check it. Every refusal
// is the engine's, shown as it says it.
// A roster file read into many invitations at once, and the sheet of QR codes: office-roster.js.
import { h } from './dom.js';
import { errorText, tr } from './i18n.js';
import { state, t, announce, update } from './office-state.js';
import { planEngine } from './office-forms.js';
import { signAsOffice, b64u } from './keys.js';
import { renderRoster } from './office-roster.js';

/** What is typed is kept in the state as it changes (no redraw), like the key's form. */
const form = () => (state.invite ??= { units: [], issued: [] });

const hex = (n) => [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, '0')).join('');

/** Today in the office's time zone as `YYYY-MM-DD`, moved by `days`. */
function day(days = 0) {
  const d = new Date(Date.now() + days * 86400000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

async function issue() {
  const f = form();
  const T = t();
  update({ invite: { ...f, busy: true, error: null } });
  try {
    const { engine, error } = await planEngine();
    if (error) throw error;
    // The days as typed: the engine reads them as China-time days, as in rosters, and checks them.
    const payload = engine.invitationPayload({
      rater: f.rater ?? '', name: f.name ?? '', group: f.group || null, instrument: f.instrument,
      units: f.units, valid_from: f.from ?? '', valid_until: f.until ?? '',
      key: state.keys.key?.id ?? '', serial: hex(8),
    });
    const signature = b64u(await signAsOffice(payload));
    const link = engine.invitationLink(payload, signature, new URL('./', location.href).href, f.planUrl);
    update({ invite: { ...form(), busy: false, issued: [...f.issued, link] } });
    announce(T.issueIssued(link.payload.rater));
    requestAnimationFrame(() => document.getElementById(`invite-link-${f.issued.length}`)?.focus());
  } catch (err) {
    update({ invite: { ...form(), busy: false, error: errorText(err, state.lang) } });
    requestAnimationFrame(() => document.getElementById('invite-error')?.focus());
  }
}

function input(id, label, name, attrs = {}) {
  const f = form();
  return h('div', { class: 'field' }, h('label', { for: id, text: label }),
    h('input', { id, value: f[name] ?? '', oninput: (e) => { f[name] = e.target.value; }, ...attrs }));
}

function sheetFields(T, f, layout) {
  const lang = state.lang;
  const chosen = new Set(f.units);
  return [
    layout.groups.length ? h('div', { class: 'field' }, h('label', { for: 'invite-group', text: T.issueGroup }),
      h('select', { id: 'invite-group', onchange: (e) => { f.group = e.target.value; } },
        h('option', { value: '', text: T.issueNoGroup }),
        layout.groups.map((g) => h('option', { value: g.id, selected: f.group === g.id, text: tr(g.name, lang) })))) : null,
    h('fieldset', { class: 'invite-units' }, h('legend', { text: T.issueUnitsLegend }),
      layout.categories.map((c) => h('div', { class: 'choices' }, h('p', { class: 'coi-cat-name', text: tr(c.name, lang) }),
        c.units.map((u) => h('div', { class: 'choice' },
          h('input', { type: 'checkbox', id: `invite-unit-${u.id}`, value: u.id, checked: chosen.has(u.id),
            onchange: (e) => { f.units = e.target.checked ? [...f.units, u.id] : f.units.filter((x) => x !== u.id); } }),
          h('label', { for: `invite-unit-${u.id}`, text: tr(u.name, lang) })))))),
  ];
}

function issued(T, list) {
  if (!list.length) return null;
  return h('div', { class: 'invite-issued' }, h('h3', { text: T.issueIssuedHeading(list.length) }),
    h('ul', {}, list.map((x, i) => h('li', {},
      h('strong', { text: `${x.payload.rater} ${x.payload.name}` }), ' ', T.issueUnitCount(x.payload.units.length), ' ',
      h('a', { href: x.link, id: `invite-link-${i}`, class: 'mono invite-link', text: x.link })))));
}

let layouts = { text: undefined, of: {} };

/** The review sheet of `instrument` from the page's engine; null until it is there (then a redraw). */
function layoutOf(instrument) {
  if (layouts.text !== state.planText) layouts = { text: state.planText, of: {} };
  const mine = layouts;
  if (!(instrument in mine.of)) {
    mine.of[instrument] = null;
    planEngine().then(({ engine }) => {
      mine.of[instrument] = engine?.reviewSheet(instrument) ?? null;
      if (layouts === mine) update({ invite: form() });
    });
  }
  return mine.of[instrument];
}

/** The invitations part: null until the plan is valid and this browser holds the office key. */
export function renderInvite() {
  const T = t();
  const plan = state.plan;
  if (!plan || !state.keys.key) return null;
  const reviews = plan.instruments.filter((i) => i.review);
  if (!reviews.length) return null;
  const f = form();
  if (f.plan !== state.planText) {
    // Another plan: what was chosen for the last one does not carry over (the list stays).
    Object.assign(f, { plan: state.planText, instrument: undefined, units: [], group: '', planUrl: undefined });
  }
  f.instrument ??= reviews[0].id;
  f.from ??= day();
  f.until ??= day(30);
  f.planUrl ??= state.planSource ?? `${plan.id}.json`;
  const layout = layoutOf(f.instrument);
  return h('section', { class: 'invite', 'aria-labelledby': 'invite-h' },
    h('h3', { id: 'invite-h', text: T.issueHeading }),
    h('p', { class: 'hint', text: T.issueHint }),
    h('form', { class: 'keys-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); issue(); } },
      h('fieldset', {}, h('legend', { text: T.issueLegend }),
        reviews.length > 1 ? h('div', { class: 'field' }, h('label', { for: 'invite-instrument', text: T.issueInstrument }),
          h('select', { id: 'invite-instrument', onchange: (e) => update({ invite: { ...f, instrument: e.target.value, units: [], group: '' } }) },
            reviews.map((i) => h('option', { value: i.id, selected: f.instrument === i.id, text: tr(i.title, state.lang) })))) : null,
        input('invite-rater', T.issueRater, 'rater', { autocomplete: 'off' }),
        input('invite-name', T.issueName, 'name', { autocomplete: 'off' }),
        layout ? sheetFields(T, f, layout) : null,
        input('invite-from', T.issueFrom, 'from', { type: 'date' }),
        input('invite-until', T.issueUntil, 'until', { type: 'date' }),
        input('invite-plan-url', T.issuePlanUrl, 'planUrl', { 'aria-describedby': 'invite-plan-url-hint' }),
        h('p', { class: 'hint', id: 'invite-plan-url-hint', text: T.issuePlanUrlHint }),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', disabled: !!f.busy, text: T.issueIssue })))),
    f.error ? h('p', { class: 'error-message', id: 'invite-error', tabindex: '-1', role: 'alert', text: f.error }) : null,
    issued(T, f.issued),
    renderRoster(f));
}
