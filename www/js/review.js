// ReviewView: the expert review sheet (专家评审表). Draws the units × indicators the engine
// lays out and carries the expert's entries to and from it. It decides nothing: which cells
// exist, what is missing or wrong, completeness and the record all come from WASM.
// The same view draws a site-check sheet (现场查核评价表, ?instrument=site_check): the
// engine's layout then has kind "site_check", tracking projects as rows (grouped by unit),
// criteria as columns, the rater groups expert / beneficiary / builder and the quarters to
// choose from; the page's words come from the `site…` strings.
// It shares with the survey's FormView what any sheet has (form.js: SheetView).
// Opened with an office invitation (#invite=TOKEN), the sheet is the engine's for that token
// only (review-invite.js): its units, the rater and group it names, each record signed.
import { h } from './dom.js';
import { SheetView, startPage } from './form.js';
import { errorText, tr } from './i18n.js';
import './i18n-review.js';
import { drafts, draftKey, submissions } from './store.js';
import { inviteToken, openInvitation, refusedView, invitedWho, signedRecord } from './review-invite.js';
import { registerOffline } from './offline.js';

const vh = (text) => h('span', { class: 'vh', text });

/** What was typed in a score box: '' (none), a number, or the raw text for the engine to reject. */
function parseScore(raw) {
  const s = raw.replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xFEE0)).replace(/\uFF0E/g, '.').trim();
  if (s === '') return null;
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(s) ? Number(s) : s;
}

const emptyDraft = () => ({
  started_ms: Date.now(),
  answers: { reviewer: '', group: null, quarter: null, recused: [], scores: {}, comments: {} },
});

/** "2026-Q2" as people read it. */
const quarterName = (q, lang) => {
  const m = /^(\d{4})-Q([1-4])$/.exec(q);
  if (!m) return q;
  return lang === 'en' ? `Q${m[2]} ${m[1]}` : `${m[1]} 年第 ${m[2]} 季度`;
};

export class ReviewView extends SheetView {
  /**
   * @param {HTMLElement} root where to draw
   * @param {import('../pkg-review/kaoping_wasm.js').Engine} engine
   * @param {{instrument: string, lang: string, endpoint?: string}} options
   */
  constructor(root, engine, options) {
    const token = inviteToken();
    const invited = token ? openInvitation(engine, options.instrument, token) : null;
    const layout = invited?.layout ?? engine.reviewSheet(options.instrument);
    super(root, engine, options, layout.instrument, 'rv');
    this.layout = layout;
    this.site = layout.kind === 'site_check';
    if (invited?.refused) {
      this.refusal = invited.refused;
      this.render();
      return;
    }
    if (invited) {
      // One draft per invitation, so that two raters sharing a browser never mix their sheets.
      Object.assign(this, { invited, token, key: draftKey(engine.planSha256, `${layout.instrument}@${invited.invitation.token_id}`) });
    }
    let saved = drafts.load(this.key);
    this.planId = engine.plan().id;
    const other = !saved && !invited && drafts.other(this.key, layout.instrument, this.planId);
    if (other) {
      // A sheet begun under another version of the plan: what still has its place is carried
      // over, the rest listed (the core decides); the earlier entries stay downloadable.
      const [key, old] = other;
      const c = engine.carryOverReview(layout.instrument, old.answers ?? {});
      saved = { ...old, answers: c.answers, carried: { dropped: c.dropped, old: old.answers } };
      if (drafts.save(this.key, saved)) drafts.clear(key);
    }
    const a = saved?.answers;
    this.restored = !!(!saved?.carried && a && (a.reviewer || a.group || a.quarter || a.recused?.length || Object.keys(a.scores ?? {}).length));
    this.draft = saved ?? emptyDraft();
    const ans = this.draft.answers ?? (this.draft.answers = emptyDraft().answers);
    ans.recused ??= [];
    ans.scores ??= {};
    ans.comments ??= {};
    this.fromInvitation(ans);
    this.showErrors = false;
    this.units = this.layout.categories.flatMap((c) => c.units);
    this.start(!saved);
  }

  get kind() {
    return 'review';
  }

  get title() {
    return tr(this.layout.title, this.lang);
  }

  /** The page's strings; on a site-check sheet each `siteX` string stands in for `reviewX`. */
  get t() {
    const t = super.t;
    if (!this.site) return t;
    if (this.siteStrings?.base !== t) {
      const own = Object.keys(t).filter((k) => k.startsWith('site')).map((k) => [`review${k.slice(4)}`, t[k]]);
      this.siteStrings = { base: t, merged: { ...t, ...Object.fromEntries(own) } };
    }
    return this.siteStrings.merged;
  }

  get words() {
    const t = this.t;
    return { thanksTitle: t.reviewThanksTitle, thanksBody: t.reviewThanksBody, download: t.reviewDownload, startAgain: t.reviewStartAgain, queued: t.reviewQueued, delivered: t.reviewDelivered, saveFailed: t.reviewSaveFailed };
  }

  id(...parts) {
    return `${this.prefix}${parts.join('-')}`;
  }

  setLang(lang) {
    this.lang = lang;
    const focused = document.activeElement?.id;
    this.render();
    if (focused) this.$(focused)?.focus();
  }

  evaluate() {
    if (this.invited) return this.engine.evaluateReviewLayout(this.layout, this.draft.answers, this.lang);
    return this.engine.evaluateReview(this.layout.instrument, this.draft.answers, this.lang);
  }

  /** The rater and group the invitation names, put in the answers (they are not typed). */
  fromInvitation(ans) {
    if (!this.invited) return;
    const p = this.invited.invitation.payload;
    ans.reviewer = p.rater;
    ans.group = p.group ?? ans.group;
  }

  indicatorName(id) {
    return tr(this.layout.indicators.find((i) => i.id === id)?.name, this.lang);
  }

  // ---- drawing ---------------------------------------------------------------------------

  render() {
    const t = this.t;
    const lang = this.lang;
    this.root.replaceChildren();
    if (this.refusal) return this.root.append(refusedView(t, lang, this.refusal));
    if (this.draft.done) return this.renderDone();
    const ans = this.draft.answers;

    const head = h('div', { class: 'form-head' },
      h('h1', { id: this.id('title'), tabindex: '-1', text: this.title }),
      this.layout.intro ? h('p', { class: 'intro', text: tr(this.layout.intro, lang) }) : null,
      this.restored ? h('p', { class: 'notice', role: 'status', text: t.reviewRestored }) : null,
      this.carriedNotice(),
      ...this.banners());

    this.summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true, 'aria-labelledby': this.id('summary-title') });

    const form = h('form', { novalidate: true, 'aria-labelledby': this.id('title'), class: 'review' });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });

    // Who is rating.
    const rid = this.id('reviewer');
    const reviewer = h('input', { type: 'text', id: rid, name: 'reviewer', autocomplete: 'off', spellcheck: 'false',
      'aria-describedby': `${this.id('reviewer-hint')} ${this.id('reviewer-error')}`,
      oninput: (e) => this.change(() => { ans.reviewer = e.target.value; }) });
    reviewer.value = ans.reviewer ?? '';
    const who = this.invited ? invitedWho(this) : h('section', { class: 'review-who', 'aria-labelledby': this.id('who-title') },
      h('h2', { id: this.id('who-title'), text: t.reviewWho }),
      h('div', { class: 'group', 'data-field': 'reviewer' },
        h('label', { for: rid, class: 'label', text: `${t.reviewReviewerId}${t.reviewRequired}` }),
        h('p', { class: 'hint', id: this.id('reviewer-hint'), text: t.reviewReviewerHint }),
        h('p', { class: 'error-message', id: this.id('reviewer-error'), hidden: true }),
        reviewer));
    if (this.layout.groups.length && !this.invited) {
      who.append(h('fieldset', { class: 'group', id: this.id('group'), 'data-field': 'group', 'aria-describedby': this.id('group-error') },
        h('legend', { text: `${t.reviewGroup}${t.reviewRequired}` }),
        h('p', { class: 'error-message', id: this.id('group-error'), hidden: true }),
        h('div', { class: 'choices review-groups' }, this.layout.groups.map((g) => {
          const id = this.id('group', g.id);
          return h('div', { class: 'choice' },
            h('input', { type: 'radio', id, name: this.id('group'), value: g.id, checked: ans.group === g.id,
              onchange: () => this.change(() => { ans.group = g.id; }) }),
            h('label', { for: id, text: tr(g.name, lang) }));
        }))));
    }
    if (this.layout.quarters?.length) {
      who.append(h('fieldset', { class: 'group', id: this.id('quarter'), 'data-field': 'quarter', 'aria-describedby': this.id('quarter-error') },
        h('legend', { text: `${t.siteQuarter}${t.reviewRequired}` }),
        h('p', { class: 'error-message', id: this.id('quarter-error'), hidden: true }),
        h('div', { class: 'choices review-groups' }, this.layout.quarters.map((q) => {
          const id = this.id('quarter', q);
          return h('div', { class: 'choice' },
            h('input', { type: 'radio', id, name: this.id('quarter'), value: q, checked: ans.quarter === q,
              onchange: () => this.change(() => { ans.quarter = q; }) }),
            h('label', { for: id, text: quarterName(q, lang) }));
        }))));
    }

    // Conflicts of interest (回避).
    const recused = new Set(ans.recused);
    const conflicts = h('section', { class: 'review-conflicts', 'aria-labelledby': this.id('coi-title') },
      h('h2', { id: this.id('coi-title'), text: t.reviewConflicts }),
      h('fieldset', { class: 'group', id: this.id('recused'), 'data-field': 'recused', 'aria-describedby': `${this.id('recused-hint')} ${this.id('recused-error')}` },
        h('legend', { text: t.reviewConflictLegend }),
        h('p', { class: 'hint', id: this.id('recused-hint'), text: t.reviewConflictHint }),
        h('p', { class: 'error-message', id: this.id('recused-error'), hidden: true }),
        this.layout.categories.map((c) => h('div', { class: 'coi-category' },
          h('p', { class: 'coi-cat-name', 'aria-hidden': 'true', text: tr(c.name, lang) }),
          h('div', { class: 'choices coi-units' }, c.units.map((u) => {
            const id = this.id('recuse', u.id);
            return h('div', { class: 'choice' },
              h('input', { type: 'checkbox', id, value: u.id, checked: recused.has(u.id), 'data-recuse': u.id,
                onchange: (e) => this.change(() => {
                  const now = new Set(ans.recused);
                  if (e.target.checked) now.add(u.id); else now.delete(u.id);
                  ans.recused = this.units.map((x) => x.id).filter((x) => now.has(x));
                }) }),
              h('label', { for: id }, vh(`${tr(c.name, lang)} `), tr(u.name, lang)));
          }))))));

    // The sheet.
    const anchors = this.layout.scale.points.map((p) => `${p.value} ${tr(p.label, lang)}`).join(t.reviewListSep);
    const nav = h('nav', { class: 'unit-nav', 'aria-labelledby': this.id('nav-title') },
      h('h3', { id: this.id('nav-title'), class: 'nav-title', text: t.reviewUnitNav }),
      this.layout.categories.map((c) => h('div', { class: 'nav-cat', 'data-category': c.id },
        h('p', { class: 'nav-cat-name', id: this.id('navcat', c.id), text: tr(c.name, lang) }),
        h('ul', { 'aria-labelledby': this.id('navcat', c.id) }, c.units.map((u) => h('li', { 'data-nav': u.id },
          h('a', { href: `#${this.id('unit', u.id)}`, onclick: (e) => {
            e.preventDefault();
            this.goToUnit(u.id);
          } }, h('span', { class: 'nav-name', text: tr(u.name, lang) }), ' ', h('span', { class: 'nav-status', 'data-status': u.id }))))))));

    const sheet = h('section', { class: 'review-sheet', 'aria-labelledby': this.id('sheet-title') },
      h('h2', { id: this.id('sheet-title'), text: t.reviewSheet }),
      h('p', { class: 'hint', id: this.id('anchors'), text: t.reviewAnchors(anchors, this.layout.scale.min, this.layout.scale.max) }),
      h('div', { class: 'review-progress' },
        h('p', { class: 'progress-line' }, h('span', { id: this.id('progress'), text: '' }), ' ',
          h('a', { href: `#${this.id('nav-title')}`, class: 'to-nav', onclick: (e) => {
            e.preventDefault();
            const nav = this.root.querySelector('.unit-nav');
            nav?.scrollIntoView({ block: 'start' });
            nav?.querySelector('li:not([hidden]) a')?.focus({ preventScroll: true });
          }, text: t.reviewToNav })),
        h('progress', { id: this.id('bar'), max: '1', value: '0', 'aria-labelledby': this.id('progress') })),
      nav,
      this.layout.categories.map((c) => h('div', { class: 'unit-category', 'data-category': c.id },
        h('h3', { text: tr(c.name, lang) }),
        c.units.map((u) => this.renderUnit(c, u)))));

    form.append(who, conflicts, sheet,
      h('p', { class: 'error-message sign-failed', role: 'alert', hidden: true }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', text: t.reviewSubmit })),
      h('p', { class: 'hint saved', text: t.reviewSaved }));
    this.root.append(head, this.summary, form);
    this.refresh();
  }

  renderUnit(cat, u) {
    const t = this.t;
    const lang = this.lang;
    const ans = this.draft.answers;
    const unitName = tr(u.name, lang);
    const headId = this.id('unit', u.id, 'title');
    const card = h('section', { class: 'unit-card', id: this.id('unit', u.id), 'data-unit': u.id, 'aria-labelledby': headId, tabindex: '-1' },
      h('h4', { id: headId }, h('span', { text: unitName }), ' ', h('span', { class: 'unit-status', 'data-unit-status': u.id })));
    const at = this.layout.comment_at_or_below;
    for (const ind of u.indicators) {
      const base = this.id('cell', u.id, ind);
      const indName = this.indicatorName(ind);
      const value = ans.scores[u.id]?.[ind];
      const input = h('input', { type: 'text', id: base, inputmode: 'numeric', enterkeyhint: 'next', autocomplete: 'off', class: 'score',
        'data-unit': u.id, 'data-indicator': ind, 'aria-describedby': `${this.id('anchors')} ${base}-error`,
        oninput: (e) => this.setScore(u.id, ind, parseScore(e.target.value)),
        onkeydown: (e) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          this.focusNextScore(e.target);
        } });
      input.value = value === undefined || value === null || value === 'unable' ? '' : String(value);
      const cell = h('div', { class: 'cell', 'data-cell': `${u.id}/${ind}` },
        h('div', { class: 'cell-score' },
          h('label', { for: base, class: 'cell-label' }, vh(`${unitName} `), indName),
          h('p', { class: 'error-message', id: `${base}-error`, hidden: true }),
          h('div', { class: 'score-row' }, input, h('span', { class: 'score-max', 'aria-hidden': 'true', text: `/ ${this.layout.scale.max}` }),
            this.layout.unable ? this.unableBox(u, ind, unitName, indName, value === 'unable') : null)));
      if (at !== null && at !== undefined) {
        const cid = `${base}-comment`;
        const area = h('textarea', { id: cid, rows: '2', 'aria-describedby': `${cid}-error`,
          oninput: (e) => this.change(() => {
            const key = `${u.id}/${ind}`;
            if (e.target.value === '') delete ans.comments[key]; else ans.comments[key] = e.target.value;
          }) });
        area.value = ans.comments[`${u.id}/${ind}`] ?? '';
        cell.append(h('div', { class: 'cell-comment', hidden: true, 'data-comment': `${u.id}/${ind}` },
          h('label', { for: cid, class: 'label' }, vh(`${unitName} · ${indName} · `), t.reviewComment(at)),
          h('p', { class: 'error-message', id: `${cid}-error`, hidden: true }),
          area));
      }
      card.append(cell);
    }
    return card;
  }

  unableBox(u, ind, unitName, indName, checked) {
    const id = this.id('cell', u.id, ind, 'unable');
    return h('span', { class: 'unable-box' },
      h('input', { type: 'checkbox', id, checked, onchange: (e) => {
        const input = this.$(this.id('cell', u.id, ind));
        if (e.target.checked && input) input.value = '';
        this.setScore(u.id, ind, e.target.checked ? 'unable' : parseScore(input?.value ?? ''));
      } }),
      h('label', { for: id }, vh(`${unitName} · ${indName} · `), this.t.reviewUnable));
  }

  // ---- changes ---------------------------------------------------------------------------

  /** Apply a change to the answers, save it at once and update what is shown. */
  change(apply) {
    apply();
    this.save();
    this.refresh();
  }

  setScore(unit, indicator, value) {
    this.change(() => {
      const scores = this.draft.answers.scores;
      if (value === null) {
        if (scores[unit]) delete scores[unit][indicator];
        if (scores[unit] && !Object.keys(scores[unit]).length) delete scores[unit];
      } else {
        (scores[unit] ??= {})[indicator] = value;
      }
      if (this.layout.unable && value !== 'unable') {
        const box = this.$(this.id('cell', unit, indicator, 'unable'));
        if (box) box.checked = false;
      }
    });
  }

  focusNextScore(from) {
    const all = [...this.root.querySelectorAll('input.score')].filter((x) => !x.closest('[hidden]'));
    const next = all[all.indexOf(from) + 1];
    if (next) next.focus();
    else this.root.querySelector('button[type=submit]')?.focus();
  }

  goToUnit(unitId) {
    const card = this.$(this.id('unit', unitId));
    if (!card) return;
    card.scrollIntoView({ block: 'start' });
    const first = card.querySelector('input.score');
    (first ?? card).focus({ preventScroll: true });
  }

  /** Re-evaluate and update progress, ticks, comment fields and errors, keeping every input. */
  refresh() {
    const t = this.t;
    const state = this.evaluate();
    this.state = state;
    const recused = new Set(this.draft.answers.recused);
    for (const p of state.units) {
      const card = this.root.querySelector(`[data-unit="${CSS.escape(p.unit)}"].unit-card`);
      const navItem = this.root.querySelector(`[data-nav="${CSS.escape(p.unit)}"]`);
      if (card) card.hidden = p.recused;
      if (navItem) navItem.hidden = p.recused;
      const status = p.complete ? t.reviewUnitDone : t.reviewUnitCount(p.done, p.total);
      const navStatus = this.root.querySelector(`[data-status="${CSS.escape(p.unit)}"]`);
      if (navStatus) {
        navStatus.textContent = p.complete ? `✓ ${t.reviewUnitDone}` : t.reviewUnitCount(p.done, p.total);
        navStatus.classList.toggle('done', p.complete);
      }
      const unitStatus = this.root.querySelector(`[data-unit-status="${CSS.escape(p.unit)}"]`);
      if (unitStatus) {
        unitStatus.textContent = p.complete ? `✓ ${status}` : status;
        unitStatus.classList.toggle('done', p.complete);
      }
    }
    for (const cat of this.root.querySelectorAll('.unit-category, .nav-cat')) {
      const units = this.layout.categories.find((c) => c.id === cat.dataset.category)?.units ?? [];
      cat.hidden = units.every((u) => recused.has(u.id));
    }
    const required = new Set(state.comments_required);
    for (const el of this.root.querySelectorAll('[data-comment]')) {
      const key = el.dataset.comment;
      el.hidden = !required.has(key) && !(this.draft.answers.comments[key] ?? '').trim();
    }
    const progress = this.$(this.id('progress'));
    if (progress) progress.textContent = t.reviewProgress(state.cells_done, state.cells_total);
    const bar = this.$(this.id('bar'));
    if (bar) {
      bar.max = Math.max(1, state.cells_total);
      bar.value = state.cells_done;
    }
    this.showIssues(this.showErrors ? state.issues : [], false);
  }

  /** Where an issue is shown and where its summary link leads. */
  issueTarget(issue) {
    switch (issue.field) {
      case 'reviewer':
        return { err: this.id('reviewer-error'), input: this.id('reviewer') };
      case 'group':
      case 'quarter': {
        const set = CSS.escape(this.id(issue.field));
        const first = this.root.querySelector(`#${set} input:checked, #${set} input`);
        return { err: this.id(`${issue.field}-error`), input: first?.id ?? this.id(issue.field) };
      }
      case 'recused': {
        const first = this.root.querySelector(`#${CSS.escape(this.id('recused'))} input`);
        return { err: this.id('recused-error'), input: first?.id ?? this.id('recused') };
      }
      case 'comment': {
        const base = this.id('cell', issue.unit, issue.indicator);
        return { err: `${base}-comment-error`, input: `${base}-comment` };
      }
      default: {
        const base = this.id('cell', issue.unit, issue.indicator);
        return { err: `${base}-error`, input: base };
      }
    }
  }

  /** Show issues next to their fields and in the summary at the top (GOV.UK pattern). */
  showIssues(issues, focusSummary) {
    this.clearIssues();
    const links = [];
    for (const issue of issues) {
      const { err, input } = this.issueTarget(issue);
      this.markIssue(err, issue.message, '.cell-score, .cell-comment, .group');
      const field = this.$(input);
      if (field && (field.type === 'text' || field.tagName === 'TEXTAREA')) field.setAttribute('aria-invalid', 'true');
      // Several unscored cells of one unit make one line of the summary, leading to the first.
      const prev = links[links.length - 1];
      if (issue.code === 'score_required' && prev?.unit === issue.unit && prev.code === issue.code) {
        prev.count += 1;
        const unit = this.units.find((u) => u.id === issue.unit);
        prev.text = this.t.reviewUnitMissing(tr(unit?.name, this.lang), prev.count);
      } else {
        links.push({ target: input, text: issue.message, unit: issue.unit, code: issue.code, count: 1 });
      }
    }
    const shown = this.summarize(this.t.reviewErrorSummary(links.length), links, (target) => {
      const field = this.$(target);
      if (!field) return;
      field.focus({ preventScroll: true });
      (field.closest('.cell, .group') ?? field).scrollIntoView({ block: 'center' });
    });
    if (shown && focusSummary) {
      this.summary.focus({ preventScroll: true });
      this.summary.scrollIntoView({ block: 'start' });
    }
  }

  // ---- submitting ------------------------------------------------------------------------

  submit() {
    const state = this.evaluate();
    this.state = state;
    if (!state.complete) {
      this.showErrors = true;
      this.refresh();
      this.showIssues(state.issues, true);
      return;
    }
    if (this.invited) this.finishSigned();
    else this.finish('submitReview', { instrument: this.layout.instrument });
  }

  /**
   * SheetView.finish for an invited sheet: the record is signed (asynchronously) before it is
   * remembered, kept as the receipt and sent. (form.js stays as it is: the respondent's page
   * has a size budget.)
   */
  async finishSigned() {
    if (this.signing) return;
    this.signing = true;
    const sha = this.engine.planSha256;
    const instrument = this.layout.instrument;
    let record;
    try {
      record = await signedRecord(this, {
        instrument, started_ms: this.draft.started_ms, submitted_ms: Date.now(), lang: this.lang,
        answers: this.draft.answers, earlier_submissions: submissions.count(sha, instrument),
      });
    } catch (err) {
      const el = this.root.querySelector('.sign-failed');
      el.hidden = false;
      el.textContent = this.t.inviteSignFailed + errorText(err, this.lang);
      return;
    } finally {
      this.signing = false;
    }
    submissions.remember(sha, instrument, { checksum: record.checksum, submitted_at: record.submitted_at });
    this.draft = { done: true, record, endpoint: this.endpoint };
    this.save();
    this.render();
    this.dispatchEvent(new CustomEvent('submit', { detail: record }));
  }

  /** What came over from a sheet begun under another plan version, and what did not. */
  carriedNotice() {
    const c = this.draft.carried;
    if (!c) return null;
    const t = this.t;
    const lang = this.lang;
    // A unit or indicator that left the sheet may still be in the plan: its name from there.
    const plan = this.engine.plan();
    const named = (list, id) => tr(list.find((x) => x.id === id)?.name, lang) || id;
    const unitName = (id) => named([...this.units, ...plan.units], id);
    const cell = (d) => [unitName(d.unit), named([...this.layout.indicators, ...plan.indicators], d.indicator)].join(' · ');
    const what = (d) => ({
      group: () => t.reviewGroup,
      quarter: () => t.siteQuarter,
      recused: () => `${t.reviewConflicts} · ${unitName(d.unit)}`,
      comment: () => `${cell(d)} · ${t.reviewCommentWord}`,
    }[d.field] ?? (() => cell(d)))();
    const url = URL.createObjectURL(new Blob([JSON.stringify(c.old, null, 2)], { type: 'application/json' }));
    return h('div', { class: 'notice', role: 'status' },
      h('p', { text: c.dropped.length ? t.reviewCarriedSome : t.reviewCarriedAll }),
      c.dropped.length ? h('ul', {}, c.dropped.map((d) => h('li', { text: `${what(d)}（${d.entered}）：${tr(d.reason, lang)}` }))) : null,
      h('p', {}, h('a', { href: url, download: `kaoping-${this.layout.instrument}-earlier.json`, text: t.reviewOlderDownload })));
  }

  renderDone() {
    const t = this.t;
    const rec = this.draft.record;
    const scored = Object.values(rec.answers.scores ?? {}).reduce((n, row) => n + Object.keys(row).length, 0);
    const safeId = rec.respondent_id.replace(/[^\w.-]+/g, '_').slice(0, 32) || 'reviewer';
    const more = [h('dt', { text: t.reviewScored }), h('dd', { text: t.reviewScoredCount(scored, (rec.answers.recused ?? []).length) })];
    if (rec.answers.quarter) more.unshift(h('dt', { text: t.siteQuarter }), h('dd', { text: quarterName(rec.answers.quarter, this.lang) }));
    this.renderReceipt(t.reviewReviewerId, more, safeId);
  }

  restart() {
    drafts.clear(this.key);
    this.draft = emptyDraft();
    this.fromInvitation(this.draft.answers);
    this.restored = false;
    this.showErrors = false;
    this.render();
    this.$(this.id('title'))?.focus();
  }
}

// ---- the page -----------------------------------------------------------------------------

if (document.body?.dataset.page === 'review') {
  startPage(ReviewView, { instrument: 'expert', build: 'review', failed: 'reviewLoadFailed', title: 'reviewPageTitle' }, () => {
    registerOffline(null, ['review.html', 'css/review.css', 'js/review.js', 'js/i18n-review.js', 'js/review-invite.js', 'js/keys.js', 'js/office-store.js', 'js/engine.js', 'pkg-review/kaoping_wasm.js', 'pkg-review/kaoping_wasm_bg.wasm']);
  });
}
