// Must NOT type-check (check.mjs asserts that tsc refuses it, naming `questionId`): proof that
// the TypeScript check can fail. A change's detail has `question`, not `questionId`.
import '../../www/js/embed.js';

document.querySelector('kaoping-form')?.addEventListener('kaoping-change', (e) => {
  console.log(e.detail.questionId);
});
