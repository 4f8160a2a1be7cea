// A portal's prefill taken into a FormView: for the element (embed.js) and the iframe
// (frame.js) only, so the respondent's page does not load it.

/**
 * Take the portal's answers (answer per question id) into `view`, checked by the core first:
 * every problem as `PrefillIssue`s, and nothing taken, when any is wrong. A question the
 * respondent has answered otherwise keeps the respondent's answer; the next draft (after a
 * submission) is prefilled too. Returns the problems (none: taken).
 */
export function prefill(view, values) {
  const issues = view.engine.checkPrefill(view.instrument.id, view.draft.answers ?? { values: {} }, values);
  if (issues.length) return issues;
  view.prefilled = { ...view.prefilled, ...values };
  view.restarted = () => take(view);
  if (!view.draft.done) take(view);
  return [];
}

/** Put `view.prefilled` into its draft, where the respondent has not answered otherwise. */
function take(view) {
  const answers = view.draft.answers.values;
  const had = view.draft.prefill ?? {};
  const now = {};
  for (const [q, v] of Object.entries(view.prefilled)) {
    const mine = q in answers && JSON.stringify(answers[q]) !== JSON.stringify(had[q]);
    if (!mine) answers[q] = now[q] = v;
  }
  // The submission sends these; the core names in the record those still as given.
  view.draft.prefill = { ...had, ...now };
  view.save();
  view.render();
}
