// The React host page of tests/e2e/portal-frameworks.test.mjs: a portal's React app renders
// <kaoping-form> with its attributes bound from state and listens to its events through a ref
// (React 19 passes attributes to custom elements; events are added with addEventListener).
// Bundled with esbuild from npm by the test; kaoping's own files are the installed package's,
// loaded by the page's module script, not bundled (they find their WASM by import.meta.url).
import { useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';

function App({ endpoint }) {
  const [lang, setLang] = useState('zh-CN');
  const [instrument] = useState('public');
  const [ready, setReady] = useState(false);
  const [received, setReceived] = useState([]);
  const form = useRef(null);
  useEffect(() => {
    const el = form.current;
    const onReady = () => setReady(true);
    const onSubmit = (e) => setReceived((all) => [...all, e.detail.checksum]);
    el.addEventListener('kaoping-ready', onReady);
    el.addEventListener('kaoping-submit', onSubmit);
    return () => {
      el.removeEventListener('kaoping-ready', onReady);
      el.removeEventListener('kaoping-submit', onSubmit);
    };
  }, []);
  return (
    <main>
      <h1>React 门户</h1>
      <button type="button" id="switch" onClick={() => setLang((l) => (l === 'en' ? 'zh-CN' : 'en'))}>
        {lang === 'en' ? '中文' : 'English'}
      </button>
      <kaoping-form ref={form} instrument={instrument} lang={lang} endpoint={endpoint}></kaoping-form>
      <p role="status" id="state">{ready ? 'react: ready' : 'react: loading'}</p>
      <ol id="received">
        {received.map((sum) => <li key={sum}>react submit {sum}</li>)}
      </ol>
    </main>
  );
}

const root = document.getElementById('app');
createRoot(root).render(<App endpoint={root.dataset.endpoint} />);
