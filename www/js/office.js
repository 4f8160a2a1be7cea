// The evaluation office's page (考评办): check a plan, score data, read the results, check an
// audit. Validation and scoring run in a module worker (office-worker.js); this page only
// draws what the engine returns. No rule about scores or grades lives here.
//
// One state object (office-state.js) changed through `update(patch)`, which redraws only the
// steps that read a changed key: the plan (office-plan.js), the forms' preview and import
// (office-forms.js, office-import.js), the signing key (office-keys.js), the one-time codes
// (office-codes.js), the data (office-data.js), the results (office-results.js), the audit
// check (office-verify.js) and a unit's dialog (office-unit.js). The language switch redraws
// them all.
import { h } from './dom.js';
import { applyChrome } from './page.js';
import { state, t, region, drawAll, restore } from './office-state.js';
import { runner } from './office-runner.js';
import { planKeys, renderPlan, checkPlan } from './office-plan.js';
import { formsKeys, renderForms } from './office-forms.js';
import { dataKeys, renderData, runDemo, runFiles } from './office-data.js';
import { resultsKeys, renderResults } from './office-results.js';
import { verifyKeys, renderVerify } from './office-verify.js';
import { keysKeys, renderKeys, loadKey } from './office-keys.js';
import { codesKeys, renderCodes } from './office-codes.js';
import { unitKeys, redrawUnit } from './office-unit.js';
import { withKinds } from './office-preview.js';

const main = document.getElementById('main');
const switcher = document.getElementById('lang-switch');

region(planKeys, renderPlan);
region(formsKeys, renderForms);
region(keysKeys, renderKeys);
region(codesKeys, renderCodes);
region(dataKeys, renderData);
region(resultsKeys, renderResults);
region(verifyKeys, renderVerify);
region(unitKeys, redrawUnit);

/** The whole page afresh: the chrome, the heading and every step (the language changed). */
function renderAll() {
  const T = t();
  applyChrome(T, state.lang, T.officeTitle);
  main.replaceChildren(
    h('h1', { id: 'office-title', text: T.officeTitle }),
    h('p', { class: 'intro', text: T.officeIntro }),
    h('p', {}, h('a', { href: `track.html${state.lang === 'en' ? '?lang=en' : ''}`, text: T.officeTrackLink })),
    ...drawAll(),
  );
}

switcher.addEventListener('click', () => {
  state.lang = state.lang === 'en' ? 'zh-CN' : 'en';
  localStorage.setItem('kaoping:lang', state.lang);
  const focusedId = document.activeElement?.id;
  renderAll();
  if (focusedId && focusedId !== 'lang-switch') document.getElementById(focusedId)?.focus();
});

// Boot: the working state of the last visit (plan, files, what was scored), then the plan
// check, then the same run again so that the results come back as they were.
runner.spawn();
(async () => {
  if (await restore()) state.files = await withKinds(state.files);
  renderAll();
  loadKey();
  await checkPlan();
  if (!state.plan) return;
  if (state.lastRun === 'files' && state.files.length) runFiles();
  else if (state.lastRun === 'demo') runDemo();
})();
