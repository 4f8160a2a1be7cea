// Step 4 of the office page: the audit check. A manifest and the files it names, recomputed
// by the engine in the worker; the page shows the engine's verdict and differences.
import { errorText, tr } from './i18n.js';
import { h } from './dom.js';
import { td, dropZone } from './office-view.js';
import { state, t, view, announce, update } from './office-state.js';
import { runner, Cancelled } from './office-runner.js';

const { scrollTable } = view;

/** The keys of the state this step reads. */
export const verifyKeys = ['lang', 'verify'];

async function verifyFiles(list) {
  const files = [...(list ?? [])].map((f) => ({ name: f.name, blob: f }));
  if (!files.length) return;
  update({ verify: { busy: true } });
  let verify;
  try {
    verify = await runner.request({ type: 'verify', files });
  } catch (err) {
    verify = err instanceof Cancelled ? null : { failed: errorText(err, state.lang) };
  }
  update({ verify });
  const el = document.getElementById('verify-status');
  if (el) {
    announce(el.textContent);
    el.focus();
  }
}

export function renderVerify() {
  const T = t();
  const input = h('input', {
    type: 'file', id: 'verify-files', multiple: true, class: 'visually-hidden', tabindex: '-1',
    accept: '.json,.jsonl,.ndjson,.csv,.tsv,.txt,.xlsx', 'aria-label': T.officeVerifyInputLabel,
    onchange: (e) => { verifyFiles(e.target.files); e.target.value = ''; },
  });
  const zone = dropZone('dropzone', [
    h('p', { class: 'hint', id: 'verify-hint', text: T.officeVerifyHint }),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', 'aria-describedby': 'verify-hint',
      disabled: !!state.verify?.busy, onclick: () => input.click(), text: T.officeVerifyChoose })),
    input], verifyFiles);
  const sec = h('section', { class: 'office-step', 'aria-labelledby': 'verify-h' },
    h('h2', { id: 'verify-h', text: T.officeVerifyHeading }), zone);
  const v = state.verify;
  if (!v) return sec;
  const status = h('div', { id: 'verify-status', class: 'plan-status', tabindex: '-1' });
  sec.append(status);
  if (v.busy) status.append(h('p', { class: 'hint', text: T.officeVerifyBusy }));
  else if (v.failed) { status.classList.add('bad'); status.append(h('p', { class: 'error-message', text: T.officeVerifyFailed + v.failed })); }
  else if (v.found !== 'verified') { status.classList.add('bad'); status.append(h('p', { class: 'error-message', text: v.found === 'many_manifests' ? T.officeVerifyManyManifests : T.officeVerifyNoManifest })); }
  else {
    const ver = v.verification;
    status.classList.add(ver.identical ? 'good' : 'bad');
    status.append(h('p', { class: 'verdict' }, h('strong', {
      text: ver.identical ? T.officeVerifyIdentical(v.outputs) : T.officeVerifyDiffers(ver.differences.length) })),
    ver.result_sha256 ? h('p', { class: 'sha' }, `${T.officeVerifyResultSha} `, h('span', { class: 'mono', text: ver.result_sha256 })) : null);
    if (v.missing.length) sec.append(h('p', { class: 'error-message', text: T.officeVerifyMissing(v.missing.join(T.officeSep)) }));
    if (ver.differences.length) {
      sec.append(scrollTable(T.officeVerifyDifferences, T.officeVerifyDifferences,
        [T.officeVerifyWhat, T.officeVerifyExpected, T.officeVerifyFound, T.officeProblemMessage],
        ver.differences.map((d) => h('tr', {}, h('th', { scope: 'row' }, h('code', { text: d.subject || d.code })),
          td(d.expected, 'mono'), td(d.found, 'mono'), td(tr(d.message, state.lang))))));
    }
  }
  return sec;
}
