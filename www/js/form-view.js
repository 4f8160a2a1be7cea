// FormView: draws one instrument of the plan and carries answers to and from the engine.
// It decides nothing: which questions show, what is wrong and the record all come from WASM.
import { h } from './dom.js';
import { errorText, tr } from './i18n.js';
import { drafts } from './store.js';
import { SheetView, randomId } from './form.js';

export class FormView extends SheetView {
  /**
   * @param {HTMLElement} root where to draw
   * @param {import('../pkg/kaoping_wasm.js').Engine} engine
   * @param {{instrument: string, lang: string, endpoint?: string}} options
   */
  constructor(root, engine, options) {
    const plan = engine.plan();
    const instrument = plan.instruments.find((i) => i.id === options.instrument);
    if (!instrument) throw new Error(`no instrument "${options.instrument}" in the plan`);
    super(root, engine, options, instrument.id, 'kp');
    this.plan = plan;
    this.planId = plan.id;
    this.instrument = instrument;
    let saved = drafts.load(this.key);
    const other = !saved && drafts.other(this.key, instrument.id, plan.id);
    if (other) {
      // A draft made under another version of the plan: what still fits is carried over, the
      // rest listed (the core decides); the earlier answers stay downloadable until submitted.
      const [key, old] = other;
      const c = engine.carryOver(instrument.id, old.answers);
      saved = { ...old, section: 0, answers: c.answers, carried: { dropped: c.dropped, old: old.answers } };
      if (drafts.save(this.key, saved)) drafts.clear(key);
    }
    this.restored = !!(saved && !saved.carried && Object.keys(saved.answers?.values ?? {}).length);
    this.draft = saved ?? {
      respondent_id: randomId(),
      started_ms: Date.now(),
      section: 0,
      answers: { values: {}, reasons: {} },
    };
    if (this.draft.answers) this.draft.answers.reasons ??= {};
    // A one-time code (the core says if the instrument takes one), or #code= in the link.
    this.coded = engine.needsCode(instrument.id);
    const code = /code=([^&]*)/.exec(location.hash);
    if (this.coded && code) this.draft.code = decodeURIComponent(code[1]);
    this.showErrorsFor = new Set(); // sections whose errors are shown (after a Next attempt)
    this.start(!saved || other);
  }

  get title() {
    return tr(this.instrument.title, this.lang);
  }

  setLang(lang) {
    this.lang = lang;
    this.render();
  }

  id(qid, suffix = '') {
    return `${this.prefix}${qid}${suffix}`;
  }

  /**
   * A new session of the engine over the draft's answers (from here each change goes to it
   * alone, and it says what changed), and every question's status.
   */
  evaluate() {
    this.session?.free();
    this.session = this.engine.formSession(this.instrument.id, this.draft.answers, this.lang);
    this.status = new Map();
    return this.session.all();
  }

  // ---- drawing ---------------------------------------------------------------------------

  render() {
    const t = this.t;
    this.root.replaceChildren();
    if (this.draft.done) return this.renderDone();
    const all = this.evaluate();
    const visible = all.sections;
    if (this.draft.section >= visible.length) this.draft.section = Math.max(0, visible.length - 1);
    const sectionId = visible[this.draft.section];
    const section = (this.instrument.sections ?? []).find((s) => s.id === sectionId);
    this.section = section;

    const header = h('div', { class: 'form-head' },
      h('h1', { text: this.title }),
      this.draft.section === 0 && this.instrument.intro ? h('p', { class: 'intro', text: tr(this.instrument.intro, this.lang) }) : null,
      this.restored ? h('p', { class: 'notice', role: 'status', text: t.restored }) : null,
      this.carriedNotice(),
      ...this.banners(),
    );
    // Its text and length: updateProgress(), from refresh() below.
    const progress = h('div', { class: 'progress' },
      h('p', { id: this.id('progress-label') }),
      h('progress', { value: String(this.draft.section + 1), 'aria-labelledby': this.id('progress-label') }),
    );
    this.summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true, 'aria-labelledby': this.id('summary-title') });
    const form = h('form', { novalidate: true, 'aria-labelledby': this.id('section-title') });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.next();
    });
    const heading = h('h2', { id: this.id('section-title'), tabindex: '-1', text: tr(section.title, this.lang) });
    form.append(heading);
    if (this.coded && !this.draft.section) form.append(this.codeField());
    if (section.description) form.append(h('p', { class: 'hint', text: tr(section.description, this.lang) }));
    this.blocks = new Map();
    for (const q of section.questions) {
      const block = this.renderQuestion(q);
      this.blocks.set(q.id, block);
      form.append(block);
    }
    const last = this.draft.section === visible.length - 1;
    form.append(h('div', { class: 'actions' },
      this.draft.section > 0 ? h('button', { type: 'button', class: 'secondary', onclick: () => this.back(), text: t.back }) : null,
      h('button', { type: 'submit', class: 'primary', text: last ? t.submit : t.next }),
    ));
    form.append(h('p', { class: 'hint saved', text: t.savedLocally }));
    this.root.append(header, progress, this.summary, form);
    this.heading = heading;
    this.refresh(all);
  }

  /** What came over from a draft made under another plan version, and what did not. */
  carriedNotice() {
    const c = this.draft.carried;
    if (!c) return null;
    const t = this.t;
    const qs = (this.instrument.sections ?? []).flatMap((s) => s.questions);
    const url = URL.createObjectURL(new Blob([JSON.stringify(c.old, null, 2)], { type: 'application/json' }));
    return h('div', { class: 'notice', role: 'status' },
      h('p', { text: c.dropped.length ? t.carriedSome : t.carriedAll }),
      c.dropped.length ? h('ul', {}, c.dropped.map((d) => {
        const q = qs.find((x) => x.id === d.question);
        return h('li', { text: `${q ? tr(q.label, this.lang) : d.question}：${tr(d.reason, this.lang)}` });
      })) : null,
      h('p', {}, h('a', { href: url, download: 'kaoping-earlier-answers.json', text: t.carriedDownload })));
  }

  renderQuestion(q) {
    const t = this.t;
    const lang = this.lang;
    const value = this.draft.answers.values[q.id];
    const errId = this.id(q.id, '-error');
    const hintId = this.id(q.id, '-hint');
    const block = h('div', { class: 'question', id: this.id(q.id, '-block'), 'data-question': q.id });
    const labelText = `${tr(q.label, lang)}${q.required ? t.required : t.optional}`;
    const error = h('p', { class: 'error-message', id: errId, hidden: true });
    const hintText = [q.help ? tr(q.help, lang) : '', q.type === 'multiple' && q.max_select ? t.selectUpTo(q.max_select) : ''].filter(Boolean).join(' ');
    const hint = hintText ? h('p', { class: 'hint', id: hintId, text: hintText }) : null;
    const describedBy = [hint ? hintId : null, errId].filter(Boolean).join(' ');
    const set = (v) => this.setAnswer(q.id, v);

    const group = (controls, extraClass = '') => h('fieldset', { class: `group ${extraClass}`, 'aria-describedby': describedBy, id: this.id(q.id) },
      h('legend', { text: labelText }), hint, error, controls);

    const scaleRadios = (name, scale, current, onPick, labelledRow) => {
      const points = [];
      for (let v = scale.min, step = scale.step ?? 1; v <= scale.max + 1e-9; v += step) points.push(Math.round(v * 1e9) / 1e9);
      const opts = points.map((v) => {
        const p = scale.points.find((pt) => pt.value === v);
        const id = this.id(name, `-${v}`);
        return h('div', { class: 'choice' },
          h('input', { type: 'radio', id, name: this.id(name), value: String(v), checked: current === v, onchange: () => onPick(v) }),
          h('label', { for: id, text: p ? `${tr(p.label, lang)}` : String(v), title: p ? String(v) : null }));
      });
      if (q.unable) {
        const id = this.id(name, '-unable');
        opts.push(h('div', { class: 'choice unable' },
          h('input', { type: 'radio', id, name: this.id(name), value: 'unable', checked: current === 'unable', onchange: () => onPick('unable') }),
          h('label', { for: id, text: t.unable })));
      }
      return h('div', { class: `scale${labelledRow ? '' : ' scale-wide'}`, role: 'presentation' }, opts);
    };

    let body;
    switch (q.type) {
      case 'single':
        body = group(h('div', { class: 'choices' }, q.options.map((o) => {
          const id = this.id(q.id, `-${o.value}`);
          return h('div', { class: 'choice' },
            h('input', { type: 'radio', id, name: this.id(q.id), value: o.value, checked: value === o.value, onchange: () => set(o.value) }),
            h('label', { for: id, text: tr(o.label, lang) }));
        })));
        break;
      case 'multiple': {
        const cur = new Set(Array.isArray(value) ? value : []);
        body = group(h('div', { class: 'choices' }, q.options.map((o) => {
          const id = this.id(q.id, `-${o.value}`);
          return h('div', { class: 'choice' },
            h('input', { type: 'checkbox', id, value: o.value, checked: cur.has(o.value), onchange: (e) => {
              const now = new Set(Array.isArray(this.draft.answers.values[q.id]) ? this.draft.answers.values[q.id] : []);
              if (e.target.checked) now.add(o.value); else now.delete(o.value);
              set(q.options.map((x) => x.value).filter((x) => now.has(x)));
            } }),
            h('label', { for: id, text: tr(o.label, lang) }));
        })));
        break;
      }
      case 'rating':
      case 'nps': {
        const scale = q.type === 'nps' ? { min: 0, max: 10, step: 1, points: [] } : q.scale;
        const count = Math.round((scale.max - scale.min) / (scale.step ?? 1)) + 1;
        if (count <= 11) {
          const extra = q.type === 'nps' ? h('p', { class: 'hint', text: `${t.npsLow}；${t.npsHigh}` }) : null;
          body = group([extra, scaleRadios(q.id, scale, value, set, count <= 5)], 'rating');
        } else {
          body = this.numberInput(q, labelText, hint, error, describedBy, value, set, t.scaleRange(scale.min, scale.max));
        }
        break;
      }
      case 'matrix': {
        const cur = value && typeof value === 'object' ? value : {};
        body = group(h('div', { class: 'matrix' }, q.rows.map((row) => {
          const rowName = `${q.id}-${row.value}`;
          const rowErr = this.id(rowName, '-error');
          return h('fieldset', { class: 'matrix-row', id: this.id(rowName), 'aria-describedby': rowErr, 'data-row': row.value },
            h('legend', { text: tr(row.label, lang) }),
            h('p', { class: 'error-message', id: rowErr, hidden: true }),
            scaleRadios(rowName, q.scale, cur[row.value], (v) => {
              const next = { ...(this.draft.answers.values[q.id] || {}) };
              next[row.value] = v;
              set(next);
            }, true));
        })), 'matrix-group');
        break;
      }
      case 'number':
        body = this.numberInput(q, labelText, hint, error, describedBy, value, set, null);
        break;
      case 'text': {
        const id = this.id(q.id);
        const attrs = { id, name: id, 'aria-describedby': describedBy, oninput: (e) => { set(e.target.value); this.counter(q, e.target.value); } };
        const input = q.long ? h('textarea', { ...attrs, rows: '5' }) : h('input', { ...attrs, type: 'text', autocomplete: 'off' });
        input.value = typeof value === 'string' ? value : '';
        const counter = q.max_length ? h('p', { class: 'hint counter', id: this.id(q.id, '-count'), 'aria-live': 'polite' }) : null;
        body = h('div', { class: 'group' }, h('label', { for: id, class: 'label', text: labelText }), hint, error, input, counter);
        break;
      }
      case 'ranking': {
        const order = Array.isArray(value) ? value : q.options.map((o) => o.value);
        const list = h('ol', { class: 'ranking' }, order.map((v, i) => {
          const o = q.options.find((x) => x.value === v);
          const label = o ? tr(o.label, lang) : v;
          const move = (d) => {
            const next = [...order];
            [next[i], next[i + d]] = [next[i + d], next[i]];
            set(next);
            this.render();
            this.root.querySelector(`[data-rank="${v}"][data-dir="${d}"]`)?.focus();
          };
          return h('li', {}, h('span', { text: label }),
            h('button', { type: 'button', class: 'small', 'data-rank': v, 'data-dir': '-1', disabled: i === 0, 'aria-label': `${t.rankUp}：${label}`, onclick: () => move(-1), text: '↑' }),
            h('button', { type: 'button', class: 'small', 'data-rank': v, 'data-dir': '1', disabled: i === order.length - 1, 'aria-label': `${t.rankDown}：${label}`, onclick: () => move(1), text: '↓' }));
        }));
        body = group([h('p', { class: 'hint', text: t.rankHint }), list], 'ranking-group');
        break;
      }
      default:
        body = h('p', { text: q.id });
    }
    block.append(body);
    if (q.reason) {
      const rid = this.id(q.id, '-reason');
      const rerr = this.id(q.id, '-reason-error');
      const area = h('textarea', { id: rid, rows: '3', 'aria-describedby': rerr, oninput: (e) => {
        this.draft.answers.reasons[q.id] = e.target.value;
        this.save();
        this.refresh(this.session.setReason(q.id, e.target.value));
      } });
      area.value = this.draft.answers.reasons[q.id] ?? '';
      block.append(h('div', { class: 'group reason', hidden: true, 'data-reason': q.id },
        h('label', { for: rid, class: 'label', text: tr(q.reason.label, lang) }),
        h('p', { class: 'error-message', id: rerr, hidden: true }),
        area));
    }
    return block;
  }

  numberInput(q, labelText, hint, error, describedBy, value, set, extraHint) {
    const id = this.id(q.id);
    const input = h('input', { id, name: id, type: 'text', inputmode: q.decimals === 0 || q.type !== 'number' ? 'numeric' : 'decimal', autocomplete: 'off', 'aria-describedby': describedBy,
      oninput: (e) => {
        const raw = e.target.value.trim();
        const n = Number(raw);
        set(raw === '' ? null : Number.isFinite(n) && /^[-+]?(\d+\.?\d*|\.\d+)$/.test(raw) ? n : raw);
      } });
    input.value = value ?? '';
    return h('div', { class: 'group' }, h('label', { for: id, class: 'label', text: labelText }),
      extraHint ? h('p', { class: 'hint', text: extraHint }) : null, hint, error, input);
  }

  counter(q, text) {
    const el = this.$(this.id(q.id, '-count'));
    if (!el || !q.max_length) return;
    const left = q.max_length - [...text.trim()].length;
    el.textContent = left >= 0 ? this.t.charsLeft(left) : this.t.charsOver(-left);
    el.classList.toggle('over', left < 0);
  }

  setAnswer(qid, value) {
    if (value === null || value === undefined) delete this.draft.answers.values[qid];
    else this.draft.answers.values[qid] = value;
    this.save();
    this.fire('change', { question: qid, value: value ?? null });
    this.refresh(this.session.setAnswer(qid, value));
  }

  updateProgress() {
    const label = this.$(this.id('progress-label'));
    const bar = this.root.querySelector('progress');
    const n = this.state.sections.length;
    if (label) label.textContent = `${this.t.sectionOf(this.draft.section + 1, n)} · ${this.t.answered(this.state.answered, this.state.total)}`;
    if (bar) bar.max = n;
    const { answered, total } = this.state;
    if (this.progressed !== `${answered}/${total}`) {
      this.progressed = `${answered}/${total}`;
      this.fire('progress', { answered, total });
    }
  }

  /** Apply what the engine says changed (`diff`), without redrawing the inputs. */
  refresh(diff) {
    this.state = { ...diff, sections: diff.sections ?? this.state.sections };
    for (const q of diff.questions) {
      this.status.set(q.question, q);
      const block = this.blocks.get(q.question);
      if (block) block.hidden = !q.shown;
      const reason = block?.querySelector('[data-reason]');
      if (reason) reason.hidden = !q.shown || !q.reason_required;
    }
    this.updateProgress();
    this.showIssues(this.showErrorsFor.has(this.draft.section) ? this.sectionIssues() : [], false);
    for (const q of this.section.questions) if (q.type === 'text') this.counter(q, this.draft.answers.values[q.id] ?? '');
  }

  sectionIssues() {
    return this.section.questions.flatMap((q) => (this.status.get(q.id)?.shown ? this.status.get(q.id).issues : []));
  }

  /** Show issues next to their fields and in the summary at the top (GOV.UK pattern). */
  showIssues(issues, focusSummary) {
    this.clearIssues();
    const links = [];
    for (const issue of issues) {
      let errId;
      let target;
      if (issue.reason) {
        errId = this.id(issue.question, '-reason-error');
        target = this.id(issue.question, '-reason');
      } else if (issue.row) {
        errId = this.id(`${issue.question}-${issue.row}`, '-error');
        target = this.firstInput(this.id(`${issue.question}-${issue.row}`));
      } else {
        errId = this.id(issue.question, '-error');
        target = this.firstInput(this.id(issue.question));
      }
      this.markIssue(errId, issue.message, '.question, .group');
      this.$(target)?.setAttribute('aria-invalid', 'true');
      const q = (this.instrument.sections ?? []).flatMap((s) => s.questions).find((x) => x.id === issue.question);
      const row = issue.row && q?.rows?.find((r) => r.value === issue.row);
      const what = row ? `${tr(q.label, this.lang)} — ${tr(row.label, this.lang)}` : q ? tr(q.label, this.lang) : issue.question;
      links.push({ target, text: `${what}：${issue.message}` });
    }
    const shown = this.summarize(this.t.errorSummary, links, (target) => {
      const input = this.$(target);
      input?.focus();
      input?.scrollIntoView({ block: 'center' });
    });
    if (shown && focusSummary) this.summary.focus();
  }

  firstInput(containerId) {
    const c = this.$(containerId);
    if (!c) return containerId;
    if (c.matches('input, textarea, select')) return containerId;
    const input = c.querySelector('input:checked, input, textarea, select');
    return input?.id || containerId;
  }

  back() {
    if (this.draft.section > 0) this.draft.section -= 1;
    this.save();
    this.restored = false;
    this.render();
    this.heading.focus();
  }

  next() {
    const state = this.state;
    const issues = this.sectionIssues();
    if (issues.length) {
      this.showErrorsFor.add(this.draft.section);
      this.showIssues(issues, true);
      this.fire('invalid', { issues });
      return;
    }
    this.restored = false;
    if (this.draft.section < state.sections.length - 1) {
      this.draft.section += 1;
      this.save();
      this.render();
      this.heading.focus();
      return;
    }
    this.submit();
  }

  submit() {
    try {
      this.finish('submit', { instrument: this.instrument.id, respondent_id: this.draft.respondent_id, reviewer: false, code: this.draft.code, prefill: this.draft.prefill ?? {} });
    } catch (e) {
      // Only the code can be wrong now (every section is complete).
      this.draft.section = 0;
      this.render();
      const id = this.id('code');
      this.markIssue(`${id}-e`, errorText(e, this.lang), '.question');
      this.$(id).focus();
    }
  }

  codeField() {
    const id = this.id('code');
    return h('div', { class: 'question' },
      h('label', { for: id, text: this.t.code }),
      h('p', { class: 'error-message', id: `${id}-e`, hidden: true }),
      h('input', { id, value: this.draft.code ?? '', autocomplete: 'off', 'aria-describedby': `${id}-e`, oninput: (e) => {
        this.draft.code = e.target.value;
        this.save();
      } }));
  }

  renderDone() {
    this.renderReceipt(this.t.receiptId, null, this.draft.record.respondent_id.slice(0, 8));
  }

  restart() {
    drafts.clear(this.key);
    this.draft = { respondent_id: randomId(), started_ms: Date.now(), section: 0, answers: { values: {}, reasons: {} } };
    this.restarted?.(); // the portal's prefill again (prefill.js)
    this.restored = false;
    this.showErrorsFor.clear();
    this.render();
    this.heading.focus();
  }
}
