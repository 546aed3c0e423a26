// Renderer entry: mounts the desk. Global styles and print styles load here so that the build
// has no runtime-injected <link> (the CSP allows only same-origin scripts and styles).
// `./startup` comes first: it starts opening the database before the UI code is evaluated.
import './startup';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
// `?bench=1` only: exposes the store driver for `npm run bench:local` (no-op otherwise).
import './db/benchHook';
import { useLangStore } from './i18n';
import './styles/app.css';
import './styles/print.css';

document.documentElement.lang = useLangStore.getState().lang === 'en' ? 'en' : 'zh-CN';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
