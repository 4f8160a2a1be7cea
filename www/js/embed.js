// <kaoping-form>: the survey as a custom element, for portals. One tag, no build step:
//   <script type="module" src="https://…/js/embed.js"></script>
//   <kaoping-form instrument="public" lang="zh-CN" plan="plan.json" endpoint="/api/responses"></kaoping-form>
// On submit it fires `kaoping-submit` (bubbles, composed) with the response record as `detail`.
// The `endpoint` attribute is set by the host page itself, so it is trusted (unlike a link's
// `?endpoint=`, see store.js); records wait in the outbox until it takes them.
import { loadEngine } from './engine.js';
import { FormView } from './form.js';
import { errorText, pickLang, strings } from './i18n.js';

const STYLE = new URL('../css/app.css', import.meta.url).href;

export class KaopingForm extends HTMLElement {
  static get observedAttributes() {
    return ['lang'];
  }

  async connectedCallback() {
    if (this.shadowRoot) return;
    const shadow = this.attachShadow({ mode: 'open' });
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = STYLE;
    this.mount = document.createElement('div');
    this.mount.className = 'kaoping-embed';
    shadow.append(link, this.mount);
    const lang = pickLang(this.getAttribute('lang') || 'zh-CN');
    const status = document.createElement('p');
    status.setAttribute('role', 'status');
    status.textContent = strings(lang).loading;
    this.mount.append(status);
    try {
      const planUrl = this.getAttribute('plan');
      const endpoint = this.getAttribute('endpoint');
      const engine = await loadEngine(planUrl && new URL(planUrl, document.baseURI).href);
      this.view = new FormView(this.mount, engine, {
        instrument: this.getAttribute('instrument') || 'public',
        lang,
        endpoint: endpoint && new URL(endpoint, document.baseURI).href,
      });
      this.view.addEventListener('submit', (e) => {
        this.dispatchEvent(new CustomEvent('kaoping-submit', { detail: e.detail, bubbles: true, composed: true }));
      });
      this.view.deliver(true);
      addEventListener('online', () => this.view.deliver(true));
      this.dispatchEvent(new CustomEvent('kaoping-ready', { bubbles: true, composed: true }));
    } catch (err) {
      status.className = 'error-message';
      status.setAttribute('role', 'alert');
      status.textContent = strings(lang).loadFailed + errorText(err, lang);
    }
  }

  attributeChangedCallback(name, _old, value) {
    if (name === 'lang' && this.view) this.view.setLang(pickLang(value));
  }
}

if (!customElements.get('kaoping-form')) customElements.define('kaoping-form', KaopingForm);
