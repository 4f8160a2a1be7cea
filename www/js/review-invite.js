// The review page opened with an office invitation (`review.html?…#invite=TOKEN`, docs/trust.md):
// the engine opens the token against the plan's keys and says who rates, in which group, which
// units, until when — or why it refuses (foreign, damaged, revoked, expired). The sheet then
// shows only those units, the rater's id and group come from the token, and each record is
// signed by this browser's device key (keys.js) before it is kept or sent: the engine builds
// the record and the message to sign, and puts the signature in. Nothing here decides validity.
import { h } from './dom.js';
import { errorText, tr } from './i18n.js';
import { deviceKey, signAsDevice, b64u } from './keys.js';

/** The invitation token of the page's address (its fragment: never sent to a server), or null. */
export function inviteToken() {
  if (document.body?.dataset.page !== 'review') return null;
  return new URLSearchParams(location.hash.slice(1)).get('invite');
}

/**
 * The engine's reading of `token` for `instrument` now: { invitation, layout } (the layout
 * holding only the assigned units), or { refused: error } when it cannot be used.
 */
export function openInvitation(engine, instrument, token) {
  try {
    return engine.openInvitation(instrument, token, Date.now());
  } catch (err) {
    return { refused: err };
  }
}

/** The page when the invitation is refused: the engine's reason, in `t`'s language. */
export function refusedView(t, lang, err) {
  return h('div', { class: 'panel invite-refused', role: 'alert' },
    h('h1', { tabindex: '-1', text: t.inviteRefusedTitle }),
    h('p', { class: 'error-message', text: errorText(err, lang) }),
    h('p', { text: t.inviteRefusedHelp }));
}

/** Who rates, as the invitation says (not editable): id, name, group, validity. */
export function invitedWho(view) {
  const t = view.t;
  const p = view.invited.invitation.payload;
  const group = p.group ? tr(view.layout.groups.find((g) => g.id === p.group)?.name, view.lang) || p.group : null;
  const until = new Date(p.valid_until).toLocaleString(view.lang, { dateStyle: 'long', timeStyle: 'short' });
  const row = (k, v, cls) => h('div', {}, h('dt', { text: k }), h('dd', { class: cls, text: v }));
  return h('section', { class: 'review-who invited', 'aria-labelledby': view.id('who-title') },
    h('h2', { id: view.id('who-title'), text: t.reviewWho }),
    h('p', { class: 'hint', text: t.inviteFromOffice }),
    h('dl', { class: 'invite-facts' },
      row(t.reviewReviewerId, p.rater, 'mono'),
      row(t.inviteName, p.name),
      group ? row(t.reviewGroup, group) : null,
      row(t.inviteUnits, t.inviteUnitCount(p.units.length)),
      row(t.inviteUntil, until)));
}

/**
 * The signed record of the sheet: the engine's record under the token and this browser's
 * device key, its message signed here, the signature put in by the engine.
 */
export async function signedRecord(view, submission) {
  const key = await deviceKey();
  const prepared = view.engine.submitInvited(view.layout, submission, view.token, key.public);
  const signature = await signAsDevice(view.engine.sheetMessage(prepared));
  return view.engine.attachSignature(prepared, b64u(signature));
}
