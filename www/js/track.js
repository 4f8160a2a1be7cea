// The tracking page (跟踪管理): load a year's period figures, project reports and constraint
// events (or the demo's), and show what the engine found: who is behind time progress, the
// trend of an indicator with peers side by side, the warning list (CSV export) and a printable
// notice per warned unit. Tracking is fast, so it runs on the page's thread. No rule about
// progress or warnings lives here: the engine decides, this page draws.
import { errorText, pickLang, strings, tr } from './i18n.js';
import './i18n-track.js';
import { loadEngine } from './engine.js';
import { mountChart } from './charts.js';
import { trendChart } from './track-chart.js';
import { yearEndStep } from './track-yearend.js';
import { h } from './dom.js';
import { applyChrome as chrome, announce as say, download as offer } from './page.js';

const params = new URLSearchParams(location.search);
const main = document.getElementById('main');
const switcher = document.getElementById('lang-switch');

const state = {
  lang: pickLang(params.get('lang') || localStorage.getItem('kaoping:lang') || 'zh-CN'),
  engine: null,
  plan: null,
  bootError: null,
  through: null, // the month chosen for the demo
  files: null, // { periods, projects, events }: [{ name, text }]
  source: null, // text describing where the files came from
  output: null, // { report, warnings_csv, notices }
  yearEnd: null, // { out, error, overrides, pick, draft }: the year-end step (track-yearend.js)
  error: null,
  indicator: null,
  unit: null,
  notice: null, // unit id of the notice shown
  register: null, // the notice register kept so far: { name, text } (the engine reads it)
  issue: null, // the day notices are issued (YYYY-MM-DD), when the office asks to issue
};

/** Today's date in China (YYYY-MM-DD): the day of the register's statuses. */
function chinaToday() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

const t = () => strings(state.lang);

const announce = (text) => say('track-announce', text);

// ---- DOM helpers ---------------------------------------------------------------------------

function scrollTable(label, head, rows, cls = '') {
  const table = h('table', { class: `data ${cls}` },
    h('caption', { class: 'visually-hidden', text: label }),
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col', text: c })))),
    h('tbody', {}, rows));
  return h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': t().trackRegion(label) }, table);
}

const td = (text, cls) => h('td', { class: cls, text: text ?? '' });
const num = (text, cls = '') => td(text, `num ${cls}`);
const rowHead = (text) => h('th', { scope: 'row', text });

// ---- formatting (how numbers look; the values come from the engine) ------------------------

const fmt = (x, d = 2) => (x === null || x === undefined ? '—'
  : new Intl.NumberFormat(state.lang, { maximumFractionDigits: d }).format(x));
const pct = (x) => (x === null || x === undefined ? '—' : `${fmt(x)}%`);
const signed = (x) => (x === null || x === undefined ? '—' : `${x > 0 ? '+' : ''}${fmt(x)}`);
const gapClass = (g) => (g === null || g === undefined ? '' : g < 0 ? 'behind' : 'ahead');

const unitName = (id) => tr(state.plan?.units.find((u) => u.id === id)?.name, state.lang) || id;
const indicator = (id) => state.plan?.indicators.find((i) => i.id === id);
const indicatorName = (id) => tr(indicator(id)?.name, state.lang) || id;
const measure = (id) => tr(indicator(id)?.measure, state.lang);
const projectName = (id) => tr(state.plan?.tracking?.projects?.find((p) => p.id === id)?.name, state.lang) || id;
const categoryName = (id) => tr(state.plan?.categories.find((c) => c.id === id)?.name, state.lang) || id;
const levelTag = (level) => h('span', { class: `level level-${level}`, text: t().trackLevels[level] ?? level });

const download = (name, text, type) => offer(name, new Blob([text], { type }));

// ---- running the engine --------------------------------------------------------------------

function analyse() {
  state.error = null;
  try {
    state.output = state.engine.track({
      ...state.files, through: state.through, lang: state.lang,
      register: state.register, issue: state.issue, today: chinaToday(),
    });
  } catch (err) {
    state.output = null;
    state.error = errorText(err, state.lang);
  }
  const series = state.output?.report.series ?? [];
  // at first, the indicator and unit furthest behind
  const first = state.output?.report.behind[0];
  if (!series.some((s) => s.indicator === state.indicator)) state.indicator = first?.indicator ?? series[0]?.indicator ?? null;
  const units = series.filter((s) => s.indicator === state.indicator);
  if (!units.some((s) => s.unit === state.unit)) {
    const behind = state.output?.report.behind.find((b) => b.indicator === state.indicator);
    state.unit = behind?.unit ?? units[0]?.unit ?? null;
  }
  if (!state.output?.notices.some((n) => n.unit === state.notice)) state.notice = null;
}

function loadDemo() {
  const d = state.engine.constructor.demoPeriods(42, state.through);
  state.files = {
    periods: [{ name: 'periods.csv', text: d.periods_csv }],
    projects: [{ name: 'projects.json', text: d.projects_json }, { name: 'site-checks.jsonl', text: d.site_checks_jsonl }],
    events: [{ name: 'events.json', text: d.events_json }],
  };
  state.source = { demo: d.through };
  state.yearEnd = null;
  analyse();
  renderAll();
  announce(state.error ?? t().trackDone(state.output.report.warnings.length));
  document.getElementById('summary-h')?.focus();
}

async function loadFiles() {
  const pick = (id) => Array.from(document.getElementById(id)?.files ?? []);
  const periods = pick('periods-files');
  if (!periods.length) {
    state.error = t().trackNoFiles;
    renderAll();
    document.getElementById('track-error')?.focus();
    return;
  }
  // The engine reads the bytes: an Excel workbook's first sheet as CSV text, else the text in
  // its encoding (UTF-8, UTF-16 or GB18030/GBK as Excel on Chinese Windows writes it).
  const text = async (f) => state.engine.constructor.fileText(f.name, new Uint8Array(await f.arrayBuffer()));
  const read = async (list) => Promise.all(list.map(async (f) => ({ name: f.name, text: await text(f) })));
  try {
    state.files = {
      periods: await read(periods),
      projects: await read(pick('projects-file')),
      events: await read(pick('events-file')),
    };
  } catch (err) {
    state.error = t().trackReadFailed + errorText(err, state.lang);
    renderAll();
    return;
  }
  state.source = { files: [...state.files.periods, ...state.files.projects, ...state.files.events].map((f) => f.name) };
  state.through = null;
  state.yearEnd = null;
  analyse();
  renderAll();
  announce(state.error ?? t().trackDone(state.output.report.warnings.length));
  document.getElementById('summary-h')?.focus();
}

// ---- sections ------------------------------------------------------------------------------

function section(id, title, ...children) {
  return h('section', { class: 'office-step', 'aria-labelledby': id },
    h('h2', { id, tabindex: '-1', text: title }), ...children);
}

function renderData() {
  const T = t();
  const year = state.plan.year;
  const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
  state.through ??= `${year}-09`;
  const select = h('select', { id: 'demo-through', onchange: (e) => { state.through = e.target.value; } },
    months.map((m) => h('option', { value: m, selected: m === state.through, text: m })));
  const demo = h('div', { class: 'track-inputs' },
    h('p', { class: 'hint', text: T.trackDemoHint }),
    h('div', { class: 'field' }, h('label', { for: 'demo-through', text: T.trackThrough }), select),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'load-demo', onclick: loadDemo, text: T.trackLoadDemo })));
  const file = (id, text, multiple) => h('div', { class: 'field' },
    h('label', { for: id, text }),
    h('input', { type: 'file', id, multiple, accept: '.csv,.json,.jsonl,.xlsx,text/csv,application/json' }));
  const files = h('div', { class: 'track-inputs' },
    h('p', { text: T.trackFilesHint }),
    file('periods-files', T.trackPeriodsFiles, true),
    file('projects-file', T.trackProjectsFile, true),
    file('events-file', T.trackEventsFile, false),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', id: 'analyse-files', onclick: loadFiles, text: T.trackAnalyse })));
  const error = state.error
    ? h('div', { class: 'error-summary', id: 'track-error', tabindex: '-1', role: 'alert' }, h('p', { text: state.error }))
    : null;
  return section('data-h', T.trackDataHeading, error, demo, files);
}

function renderSummary(r) {
  const T = t();
  const source = state.source?.demo ? T.trackSourceDemo(state.source.demo) : (state.source?.files ?? []).join(', ');
  const fact = (k, v) => h('div', {}, h('dt', { text: k }), h('dd', { text: v }));
  const warned = new Set(r.warnings.map((w) => w.unit));
  const facts = h('dl', { class: 'facts' },
    fact(T.trackAsOf, r.through),
    fact(T.trackRows, fmt(r.read)),
    fact(T.trackAccepted, fmt(r.accepted)),
    fact(T.trackRejectedN, fmt(r.rejected.length)),
    fact(T.trackWarningsN, fmt(r.warnings.length)),
    fact(T.trackWarnedUnits, fmt(warned.size)),
    fact(T.trackVetoed, r.vetoed.length ? r.vetoed.map(unitName).join('、') : T.trackNone));
  const rejected = r.rejected.length ? [
    h('h3', { text: T.trackRejectedHeading }),
    scrollTable(T.trackRejectedHeading, [T.trackFile, T.trackRow, T.trackColumn, T.trackReason],
      r.rejected.map((x) => h('tr', {}, td(x.file), num(x.row), td(x.column ?? ''), td(tr(x.message, state.lang))))),
  ] : [];
  const byVersion = Object.entries(r.versions ?? {});
  const versions = byVersion.length ? [
    h('h3', { text: T.trackVersionsHeading }),
    scrollTable(T.trackVersionsHeading, [T.trackVersion, T.trackAccepted],
      byVersion.map(([v, n]) => h('tr', {}, rowHead(v), num(fmt(n))))),
  ] : [];
  const gaps = r.series.filter((s) => s.missing.length);
  const missing = gaps.length ? [
    h('h3', { text: T.trackMissingHeading }),
    scrollTable(T.trackMissingHeading, [T.trackUnit, T.trackIndicator, T.trackMissingPeriods],
      gaps.map((s) => h('tr', {}, rowHead(unitName(s.unit)), td(indicatorName(s.indicator)), td(s.missing.join(', '))))),
  ] : [];
  return section('summary-h', T.trackSummaryHeading, h('p', { class: 'muted', text: T.trackSource(source) }), facts, rejected, versions, missing);
}

function renderBehind(r) {
  const T = t();
  if (!r.behind.length) return section('behind-h', T.trackBehindHeading, h('p', { text: T.trackBehindNone }));
  return section('behind-h', T.trackBehindHeading,
    scrollTable(T.trackBehindHeading, [T.trackUnit, T.trackIndicator, T.trackCompletion, T.trackProgress, T.trackGap, T.trackRank],
      r.behind.map((b) => h('tr', {},
        rowHead(unitName(b.unit)), td(indicatorName(b.indicator)), num(pct(b.completion)), num(pct(b.progress)),
        num(signed(b.gap), 'behind'), num(T.trackRankOf(b.rank, b.peers)))), 'behind-table'));
}

function renderTrend(r) {
  const T = t();
  const indicators = [...new Set(r.series.map((s) => s.indicator))];
  if (!indicators.length) return null;
  const units = r.series.filter((s) => s.indicator === state.indicator);
  const s = units.find((x) => x.unit === state.unit) ?? units[0];
  const keep = (id) => () => { const el = document.getElementById(id); el?.focus(); };
  const pickInd = h('select', { id: 'pick-indicator', onchange: (e) => { state.indicator = e.target.value; state.unit = null; analyse(); renderAll(); keep('pick-indicator')(); } },
    indicators.map((i) => h('option', { value: i, selected: i === state.indicator, text: indicatorName(i) })));
  const pickUnit = h('select', { id: 'pick-unit', onchange: (e) => { state.unit = e.target.value; renderAll(); keep('pick-unit')(); } },
    units.map((u) => h('option', { value: u.unit, selected: u.unit === s?.unit, text: unitName(u.unit) })));
  const picks = h('div', { class: 'track-pick' },
    h('div', {}, h('label', { for: 'pick-indicator', text: T.trackPickIndicator }), pickInd),
    h('div', {}, h('label', { for: 'pick-unit', text: T.trackPickUnit }), pickUnit));
  if (!s) return section('trend-h', T.trackTrendHeading, picks);
  const m = measure(s.indicator);
  const title = T.trackChartTitle(unitName(s.unit), indicatorName(s.indicator));
  const host = h('div', { class: 'chart-host' });
  const figure = h('figure', { class: 'chart-figure' }, host, h('figcaption', { text: T.trackChartCaption }));
  const table = scrollTable(T.trackSeriesTable(unitName(s.unit), indicatorName(s.indicator)),
    [T.trackPeriod, `${T.trackActual}${m ? ` (${m})` : ''}`, T.trackValue, T.trackCompletion, T.trackProgress, T.trackGap, T.trackLastYear, T.trackYoy, T.trackPeerCity, T.trackVsPeerCity, T.trackRank],
    s.points.map((p) => h('tr', {},
      rowHead(p.period), num(fmt(p.actual)), num(fmt(p.value)), num(pct(p.completion)), num(pct(p.progress)),
      num(signed(p.gap), gapClass(p.gap)), num(fmt(p.last_year)),
      num(p.yoy_pct !== null ? `${signed(p.yoy_pct)}%` : signed(p.yoy_change)),
      num(fmt(p.peer_city)), num(signed(p.vs_peer_city)), num(T.trackRankOf(p.rank, p.peers)))), 'series-table');
  // peers of the unit's category at the period analysed
  const peers = units.filter((u) => u.category === s.category).map((u) => ({ u, p: u.points.find((x) => x.period === r.through) }));
  const peerTable = scrollTable(T.trackPeersHeading(indicatorName(s.indicator), categoryName(s.category)),
    [T.trackUnit, T.trackTarget, T.trackValue, T.trackCompletion, T.trackGap, T.trackYoy, T.trackVsPeerCity, T.trackRank],
    peers.map(({ u, p }) => h('tr', { class: u.unit === s.unit ? 'current' : null },
      rowHead(unitName(u.unit)), num(fmt(u.target)), num(fmt(p?.value)), num(pct(p?.completion)),
      num(signed(p?.gap), gapClass(p?.gap)),
      num(p?.yoy_pct !== null && p?.yoy_pct !== undefined ? `${signed(p.yoy_pct)}%` : signed(p?.yoy_change)),
      num(signed(p?.vs_peer_city)), num(T.trackRankOf(p?.rank, p?.peers ?? 0)))), 'peers-table');
  const sec = section('trend-h', T.trackTrendHeading, picks, figure, table,
    h('h3', { text: T.trackPeersHeading(indicatorName(s.indicator), categoryName(s.category)) }), peerTable);
  queueMicrotask(() => mountChart(host, (width) => trendChart({
    width,
    title,
    points: s.points.map((p) => ({ label: p.period.slice(5), completion: p.completion, progress: p.progress })),
    keys: { completion: T.trackKeyCompletion, progress: T.trackKeyProgress, target: T.trackKeyTarget },
    format: (x) => `${fmt(x, 0)}%`,
  })));
  return sec;
}

function renderWarnings(out) {
  const T = t();
  const r = out.report;
  const exportBtn = h('button', {
    type: 'button', class: 'secondary', id: 'export-csv',
    onclick: () => download(`warnings-${r.through}.csv`, out.warnings_csv, 'text/csv;charset=utf-8'),
    text: T.trackExportCsv,
  });
  const xlsxBtn = h('button', {
    type: 'button', class: 'secondary', id: 'export-xlsx',
    onclick: () => download(`warnings-${r.through}.xlsx`,
      state.engine.trackWarningsXlsx({ ...state.files, through: state.through, lang: state.lang }),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
    text: T.trackExportXlsx,
  });
  if (!r.warnings.length) return section('warnings-h', T.trackWarningsHeading, h('p', { text: T.trackWarningsNone }));
  return section('warnings-h', T.trackWarningsHeading,
    h('div', { class: 'actions' }, exportBtn, xlsxBtn),
    scrollTable(T.trackWarningsHeading, [T.trackLevel, T.trackUnit, T.trackIndicator, T.trackPeriod, T.trackRule, T.trackMessage],
      r.warnings.map((w) => h('tr', {},
        h('td', {}, levelTag(w.level)), rowHead(unitName(w.unit)),
        td(w.project ? projectName(w.project) : indicatorName(w.indicator ?? '')), td(w.period, 'nowrap'),
        td(w.rule, 'mono'), td(tr(w.message, state.lang)))), 'warnings-table'));
}

function renderNotices(out) {
  const T = t();
  const list = !out.notices.length ? h('p', { text: T.trackNoNotices }) : scrollTable(T.trackNoticesHeading, [T.trackUnit, T.trackLevel, T.trackNoticeCol],
    out.notices.map((n) => h('tr', {},
      rowHead(unitName(n.unit)), h('td', {}, levelTag(n.level)),
      h('td', {}, h('button', {
        type: 'button', class: 'linklike', id: `notice-${n.unit}`, 'aria-label': T.trackNoticeFor(unitName(n.unit)),
        onclick: () => { state.notice = n.unit; renderAll(); document.getElementById('notice-view-h')?.focus(); },
        text: T.trackNoticeShow,
      })))), 'narrow');
  const shown = out.notices.find((n) => n.unit === state.notice);
  let view = null;
  if (shown) {
    // The notice's content as the engine made it (markup only: no scripts, no styles).
    const doc = new DOMParser().parseFromString(`<!doctype html><body>${shown.body}</body>`, 'text/html');
    const body = h('div', { class: 'notice-view', lang: state.lang });
    for (const node of Array.from(doc.body.childNodes)) body.append(document.importNode(node, true));
    const title = body.querySelector('h1');
    if (title) {
      const h3 = h('h3', { id: 'notice-view-h', tabindex: '-1', text: title.textContent });
      title.replaceWith(h3);
    }
    body.querySelectorAll('table').forEach((tb) => {
      const wrap = h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': t().trackRegion(title?.textContent ?? '') });
      tb.replaceWith(wrap);
      wrap.append(tb);
    });
    view = [
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', id: 'print-notice', onclick: () => { document.body.classList.add('print-notice'); window.print(); }, text: T.trackNoticePrint }),
        h('button', { type: 'button', class: 'secondary', id: 'download-notice', onclick: () => download(`notice-${shown.unit}.html`, shown.html, 'text/html;charset=utf-8'), text: T.trackNoticeDownload })),
      body,
    ];
  }
  return h('section', { class: 'office-step', id: 'notice-section', 'aria-labelledby': 'notices-h' },
    h('h2', { id: 'notices-h', tabindex: '-1', text: T.trackNoticesHeading }),
    h('p', { class: 'hint', text: T.trackNoticesHint }), list, view, renderRegister(out));
}

/** Reads the register file and the issue day from the form, then runs the year again with them. */
async function issueNotices() {
  const T = t();
  const file = document.getElementById('register-file')?.files?.[0];
  const day = document.getElementById('issue-date')?.value || null;
  try {
    state.register = file
      ? { name: file.name, text: state.engine.constructor.fileText(file.name, new Uint8Array(await file.arrayBuffer())) }
      : state.register;
  } catch (err) {
    state.error = T.trackReadFailed + errorText(err, state.lang);
    renderAll();
    document.getElementById('track-error')?.focus();
    return;
  }
  state.issue = day;
  analyse();
  renderAll();
  const r = state.output?.register;
  announce(r ? T.trackRegisterDone(r.rows.length, r.issued_now.length, r.overdue) : T.trackRegisterRefused);
  document.getElementById('register-h')?.focus();
}

/** The notice register: the form to issue, its problems, its table and download. */
function renderRegister(out) {
  const T = t();
  const r = out.register;
  const form = h('div', { class: 'track-inputs' },
    h('p', { class: 'hint', text: T.trackRegisterHint }),
    h('div', { class: 'field' }, h('label', { for: 'register-file', text: T.trackRegisterFile }),
      state.register ? h('p', { class: 'hint', id: 'register-file-hint', text: T.trackRegisterLoaded(state.register.name) }) : null,
      h('input', { type: 'file', id: 'register-file', accept: '.csv,.xlsx,text/csv', 'aria-describedby': state.register ? 'register-file-hint' : null })),
    h('div', { class: 'field' }, h('label', { for: 'issue-date', text: T.trackIssueDate }),
      h('input', { type: 'date', id: 'issue-date', value: state.issue ?? chinaToday() })),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'issue-notices', onclick: issueNotices, text: T.trackIssue })));
  const problems = out.register_problems?.length
    ? h('div', { class: 'error-summary', role: 'alert' },
      h('p', { text: T.trackRegisterRefused }),
      h('ul', {}, out.register_problems.map((p) => h('li', {
        text: `${p.row ? T.trackRegisterAt(p.row, p.column) : ''}${tr(p.message, state.lang)}`,
      }))))
    : null;
  let table = null;
  if (r) {
    const status = (row) => `${T.trackStatuses[row.status] ?? row.status}${row.late ? T.trackLate : ''}`;
    table = [
      h('p', { class: r.overdue ? 'notice warn' : 'hint', role: r.overdue ? 'status' : null, text: T.trackRegisterDone(r.rows.length, r.issued_now.length, r.overdue) }),
      scrollTable(T.trackRegisterHeading,
        [T.trackNumber, T.trackUnit, T.trackLevel, T.trackPeriod, T.trackIssued, T.trackDeadline, T.trackAnswered, T.trackStatus],
        r.rows.map((row) => h('tr', { class: row.status === 'overdue' ? 'behind' : null },
          rowHead(row.number), td(unitName(row.unit)), h('td', {}, levelTag(row.level)),
          td(row.period, 'nowrap'), td(row.issued, 'nowrap'), td(row.deadline, 'nowrap'),
          td(row.answered ?? '—', 'nowrap'), td(status(row))))),
      h('div', { class: 'actions' }, h('button', {
        type: 'button', class: 'secondary', id: 'download-register',
        onclick: () => download(state.lang === 'en' ? 'notices.csv' : '通知单台账.csv', out.register_csv, 'text/csv;charset=utf-8'),
        text: T.trackRegisterDownload,
      })),
    ];
  }
  return h('div', { class: 'register' },
    h('h3', { id: 'register-h', tabindex: '-1', text: T.trackRegisterHeading }), form, problems, table);
}

function renderProjects(r) {
  const T = t();
  if (!r.projects.length) return null;
  return section('projects-h', T.trackProjectsHeading,
    scrollTable(T.trackProjectsHeading, [T.trackProject, T.trackUnit, T.trackMilestones, T.trackDueByNow, T.trackOverdue, T.trackRatings],
      r.projects.map((p) => {
        const overdue = p.milestones.filter((m) => m.status === 'overdue');
        const last = p.ratings.length ? p.ratings[p.ratings.length - 1].quarter : null;
        const ratings = p.ratings.filter((x) => x.quarter === last)
          .map((x) => `${T.trackRaters[x.rater] ?? x.rater} ${fmt(x.mean, 1)}`).join('；');
        return h('tr', {},
          rowHead(projectName(p.project)), td(unitName(p.unit)), num(`${p.done} / ${p.total}`),
          num(`${p.done_of_due} / ${p.due_by_now}`),
          td(overdue.map((m) => `${m.milestone} (${m.due}, ${T.trackDays(m.slip_days)})`).join('；'), overdue.length ? 'behind' : ''),
          td(last ? `${last}：${ratings}` : '—'));
      })));
}

function renderEvents(r) {
  const T = t();
  if (!r.events.length) return null;
  return section('events-h', T.trackEventsHeading,
    scrollTable(T.trackEventsHeading, [T.trackUnit, T.trackIndicator, T.trackDate, T.trackVeto, T.trackEvidence],
      r.events.map((e) => h('tr', { class: e.veto ? 'vetoed' : null },
        rowHead(unitName(e.unit)), td(indicatorName(e.indicator)), td(e.date, 'nowrap'),
        td(e.veto ? T.trackYes : T.trackNo, e.veto ? 'veto' : ''),
        td([e.evidence, e.description].filter(Boolean).join('：'))))));
}

// ---- page ----------------------------------------------------------------------------------

function applyChrome() {
  const T = t();
  chrome(T, state.lang, T.trackTitle);
}

function renderAll() {
  const T = t();
  applyChrome();
  if (state.bootError || !state.engine) {
    main.replaceChildren(h('h1', { id: 'track-title', text: T.trackTitle }),
      h('p', { class: 'error-message', role: 'alert', text: T.trackEngineFailed + (state.bootError ?? '') }));
    return;
  }
  const out = state.output;
  main.replaceChildren(
    h('h1', { id: 'track-title', text: T.trackTitle }),
    h('p', { class: 'intro', text: T.trackIntro }),
    renderData(),
    out ? renderSummary(out.report) : null,
    out ? renderBehind(out.report) : null,
    out ? renderTrend(out.report) : null,
    out ? renderWarnings(out) : null,
    out ? renderNotices(out) : null,
    out ? renderProjects(out.report) : null,
    out ? renderEvents(out.report) : null,
    out ? yearEnd.render() : null,
  );
}

const yearEnd = yearEndStep({
  state, rerender: renderAll, announce, download, section, scrollTable, td, rowHead, unitName, indicatorName, fmt,
});

window.addEventListener('afterprint', () => document.body.classList.remove('print-notice'));

switcher.addEventListener('click', () => {
  state.lang = state.lang === 'en' ? 'zh-CN' : 'en';
  localStorage.setItem('kaoping:lang', state.lang);
  const focusedId = document.activeElement?.id;
  if (state.files) analyse(); // the exports are made in the page's language
  renderAll();
  if (focusedId && focusedId !== 'lang-switch') document.getElementById(focusedId)?.focus();
});

try {
  state.engine = await loadEngine(params.get('plan'), { office: true });
  state.plan = state.engine.plan();
} catch (err) {
  state.bootError = errorText(err, state.lang);
}
renderAll();
if (params.get('demo') !== null && state.engine) loadDemo();
