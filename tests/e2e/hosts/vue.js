// The Vue host page of tests/e2e/portal-frameworks.test.mjs: a portal's Vue 3 app renders
// <kaoping-form> with its attributes bound from state and its events as listeners
// (`onKaopingSubmit` listens to `kaoping-submit`). Render functions, not templates: the runtime
// build, which compiles nothing in the browser and so needs no 'unsafe-eval' in the portal's
// CSP (a template compiled at build time with `isCustomElement` does the same). Bundled with
// esbuild from npm by the test; kaoping's own files are the installed package's.
import { createApp, defineComponent, h, ref } from 'vue';

const root = document.getElementById('app');
const endpoint = root.dataset.endpoint;

const App = defineComponent({
  setup() {
    const lang = ref('zh-CN');
    const instrument = ref('public');
    const ready = ref(false);
    const received = ref([]);
    return () => h('main', [
      h('h1', 'Vue 门户'),
      h('button', { type: 'button', id: 'switch', onClick: () => { lang.value = lang.value === 'en' ? 'zh-CN' : 'en'; } },
        lang.value === 'en' ? '中文' : 'English'),
      h('kaoping-form', {
        instrument: instrument.value,
        lang: lang.value,
        endpoint,
        onKaopingReady: () => { ready.value = true; },
        onKaopingSubmit: (e) => { received.value.push(e.detail.checksum); },
      }),
      h('p', { role: 'status', id: 'state' }, ready.value ? 'vue: ready' : 'vue: loading'),
      h('ol', { id: 'received' }, received.value.map((sum) => h('li', { key: sum }, `vue submit ${sum}`))),
    ]);
  },
});

createApp(App).mount(root);
