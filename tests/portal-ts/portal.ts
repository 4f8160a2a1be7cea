// A portal written in TypeScript, type-checked against www/js/embed.d.ts by check.mjs (never
// run): every attribute, property, method and event of <kaoping-form>, with its `detail` type.
// The `@ts-expect-error` lines must be errors: were the types `any`, tsc would fail on them.
import { KaopingForm, KaopingPrefillError } from '../../www/js/embed.js';
import type { KaopingChangeDetail, KaopingDeliveryDetail, KaopingFormEventMap } from '../../www/js/embed.js';

const el: KaopingForm = document.createElement('kaoping-form');
const found: KaopingForm | null = document.querySelector('kaoping-form');

// Attributes, and the properties that reflect them.
el.setAttribute('instrument', 'public');
el.setAttribute('plan', '/plans/2026.json');
el.setAttribute('endpoint', '/api/responses');
el.setAttribute('lang', 'en');
el.setAttribute('prefill', JSON.stringify({ district: 'hanyang' }));
el.instrument = 'cadre';
el.plan = null;
el.endpoint = 'https://collect.example.gov.cn/api/responses';
el.lang = 'zh-CN';
const instrument: string = el.instrument;
const plan: string | null = el.plan;
const endpoint: string | null = el.endpoint;
// @ts-expect-error the instrument is an id, not a number
el.instrument = 7;

// Methods.
async function setUp(form: KaopingForm): Promise<void> {
  await form.ready;
  try {
    await form.prefill({ district: 'hanyang', age_group: '30-44' });
  } catch (e) {
    if (e instanceof KaopingPrefillError) {
      const zh: string | undefined = e.text['zh-CN'];
      for (const issue of e.issues) console.log(issue.question, issue.code, issue.message.en, zh);
    }
  }
  form.setDeliveryHeaders({ authorization: 'Bearer portal-token' });
  form.beforeDeliver = (request: Request) => {
    request.headers.set('x-portal-user', 'u-42');
  };
  form.beforeDeliver = async (request) => new Request(request, { headers: { authorization: 'Bearer fresh' } });
  form.beforeDeliver = null;
  // @ts-expect-error headers are strings
  form.setDeliveryHeaders({ authorization: 42 });
  // @ts-expect-error prefill takes an object of answers
  await form.prefill('district=hanyang');
}
void setUp(el);

// Events, each with its detail.
el.addEventListener('kaoping-ready', (e) => {
  const nothing: null = e.detail;
  console.log(nothing);
});
el.addEventListener('kaoping-change', (e) => {
  const q: string = e.detail.question;
  const v: unknown = e.detail.value;
  console.log(q, v);
});
el.addEventListener('kaoping-progress', (e) => {
  const share: number = e.detail.answered / e.detail.total;
  console.log(share);
});
el.addEventListener('kaoping-invalid', (e) => {
  const source: 'answers' | 'prefill' = e.detail.source;
  for (const issue of e.detail.issues) console.log(source, issue.question, issue.row, issue.code, issue.message);
});
el.addEventListener('kaoping-submit', (e) => {
  const checksum: string = e.detail.checksum;
  const prefilled: string[] | undefined = e.detail.prefilled;
  console.log(checksum, e.detail.instrument, e.detail.answers, prefilled);
});
const delivery = (e: CustomEvent<KaopingDeliveryDetail>) => {
  const checksum: string = e.detail.checksum;
  const reason = e.detail.reason;
  const text: string = reason === null ? '' : typeof reason === 'string' ? reason : (reason['zh-CN'] ?? '');
  console.log(checksum, text);
};
el.addEventListener('kaoping-delivered', delivery);
el.addEventListener('kaoping-queued', delivery);
el.addEventListener('kaoping-failed', delivery);
el.removeEventListener('kaoping-failed', delivery);
// Any other event, as on any element.
el.addEventListener('click', (e) => console.log(e.clientX));

// The events bubble out of the shadow root: typed on the document and the window too.
document.addEventListener('kaoping-submit', (e) => console.log(e.detail.respondent_id));
window.addEventListener('kaoping-progress', (e) => console.log(e.detail.total));
found?.addEventListener('kaoping-change', function (e) {
  const self: KaopingForm = this;
  console.log(self.instrument, e.detail.question);
});

// The event map, for a portal's own helpers.
function on<K extends keyof KaopingFormEventMap>(form: KaopingForm, type: K, f: (d: KaopingFormEventMap[K]['detail']) => void) {
  form.addEventListener(type, (e) => f(e.detail));
}
on(el, 'kaoping-change', (d: KaopingChangeDetail) => console.log(d.question));

el.addEventListener('kaoping-change', (e) => {
  // @ts-expect-error a change has no `answered`
  console.log(e.detail.answered);
});
el.addEventListener('kaoping-progress', (e) => {
  // @ts-expect-error progress counts are numbers
  const s: string = e.detail.total;
  console.log(s);
});
// @ts-expect-error a delivery listener does not take a change
el.addEventListener('kaoping-delivered', (e: CustomEvent<KaopingChangeDetail>) => console.log(e));

console.log(instrument, plan, endpoint);
