// The office page's cadre roster (干部名单): the file chosen for a run (read by the engine with
// role `cadre_roster`, kept across reloads like the code batches), and, in the results, each
// named cadre with grade and the plan's cap flag, and the talk lists. The engine decides every
// grade, flag and list; this only draws them.
import { h } from './dom.js';
import { td, num } from './office-view.js';
import { state, t, view, announce, update, persist } from './office-state.js';
import './i18n-office-cadres.js';

const { scrollTable, fmtInt, yesNo, label, unitName, cadreName } = view;

function setCadreRoster(cadreRoster) {
  Object.assign(state, { cadreRoster, ingest: null });
  persist();
  update({ cadreRoster, ingest: null });
}

/** The run's inputs for the roster: its file and role, or nothing. */
export function cadreRosterInputs() {
  const r = state.cadreRoster;
  return r ? { files: [{ name: r.name, blob: r.blob }], roles: { [r.name]: 'cadre_roster' } } : { files: [], roles: {} };
}

/** The chooser of the cadre roster file (one file; a new one replaces it). */
export function cadreRosterInput(T, busy) {
  const roster = state.cadreRoster;
  const input = h('input', {
    type: 'file', id: 'cadre-roster', accept: '.csv,.tsv,.txt,.xlsx,text/csv', disabled: busy,
    class: 'visually-hidden', tabindex: '-1', 'aria-label': T.cadreRosterLabel,
    onchange: (e) => {
      const f = e.target.files[0];
      e.target.value = '';
      if (f) setCadreRoster({ name: f.name, blob: f, size: f.size });
    },
  });
  const clear = () => {
    setCadreRoster(null);
    announce(T.cadreRosterCleared);
    document.getElementById('cadre-roster-choose')?.focus();
  };
  return h('div', { class: 'code-batches cadre-roster', role: 'group', 'aria-labelledby': 'cadre-roster-label' },
    h('p', { class: 'label', id: 'cadre-roster-label', text: T.cadreRosterLabel }),
    h('p', { class: 'hint', id: 'cadre-roster-hint', text: roster ? T.cadreRosterChosen(roster.name) : T.cadreRosterHint }),
    input,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', id: 'cadre-roster-choose', disabled: busy, 'aria-describedby': 'cadre-roster-hint', onclick: () => input.click(), text: T.cadreRosterChoose }),
      roster ? h('button', { type: 'button', class: 'secondary', id: 'cadre-roster-clear', disabled: busy, onclick: clear, text: T.cadreRosterClear }) : null));
}

/** Whether the result names its cadres (it was scored with a roster). */
const named = (r) => r.units.some((u) => u.talks);

/** The head and row cells of a unit's cadres with names, posts and the flags the plan has. */
export function cadreColumns(T, r) {
  const withNames = named(r);
  const capped = r.rules?.cadre?.excellent_max_share != null;
  const reminder = r.rules?.cadre?.reminder_talk_above != null;
  const head = [T.officeCadre, ...(withNames ? [T.cadreName, T.cadrePost] : []), ...T.officeVotes, T.officeN, T.officeCadreGrade,
    ...(capped ? [T.cadreCapped] : []), T.officeAdmonition, ...(reminder ? [T.cadreReminder] : [])];
  const cells = (cd) => [
    h('th', { scope: 'row', text: cadreName(cd.cadre) }),
    ...(withNames ? [td(cd.name ?? ''), td(cd.post ?? '')] : []),
    ...cd.votes.map((v) => num(fmtInt(v))), num(fmtInt(cd.n)),
    h('td', { title: cd.excellent_capped ? T.cadreCappedNote : null, text: label(T.officeCadreGrades, cd.grade) }),
    ...(capped ? [td(cd.excellent_capped ? `${yesNo(true)}${T.officeParen(T.cadreCappedNote)}` : yesNo(false))] : []),
    td(yesNo(cd.admonition_talk)),
    ...(reminder ? [td(yesNo(cd.reminder_talk))] : []),
  ];
  return { head, cells };
}

/** The results' cadre section: only when the result was scored with a cadre roster. */
export function renderCadresSection(r) {
  if (!named(r)) return '';
  const T = t();
  const { head, cells } = cadreColumns(T, r);
  const rows = r.units.flatMap((u) => u.cadres.map((cd) => h('tr', { class: cd.admonition_talk ? 'flagged' : null },
    h('td', { text: unitName(u.unit) }), ...cells(cd))));
  const names = (list) => (list.length ? list.map((e) => T.talkName(e.name, e.post || cadreName(e.cadre))).join(T.talksJoin) : T.talksNone);
  const talks = r.units.filter((u) => u.talks).map((u) => h('tr', {},
    h('th', { scope: 'row', text: unitName(u.unit) }), td(names(u.talks.admonition)), td(names(u.talks.reminder))));
  const capped = r.units.some((u) => u.cadres.some((cd) => cd.excellent_capped));
  return h('section', { class: 'cadres', 'aria-labelledby': 'cadres-h' },
    h('h3', { id: 'cadres-h', text: T.cadresHeading }),
    h('p', { class: 'hint', text: T.cadresHint(capped) }),
    scrollTable(T.cadresHeading, T.cadresCaption, [T.officeUnit, ...head], rows, { cls: 'cadres' }),
    h('h4', { id: 'talks-h', text: T.talksHeading }),
    scrollTable(T.talksHeading, T.talksCaption, [T.officeUnit, T.talksAdmonition, T.talksReminder], talks, { cls: 'talks' }));
}
