// Vite build of the renderer (desk, kiosk, display, customer screen): one SPA with hash routes,
// relative asset paths so it loads from file://, a custom protocol, or the hall service.
// Pages are split into chunks (see renderer/src/ui/lazyPage.tsx); the desk's chunks are also
// listed in index.html (<meta name="halldesk-desk-chunks">), and main.tsx turns the list into
// same-origin <link rel="modulepreload"> as soon as the first page's own code is in: the browser
// fetches them with the first page load (after what that page needs, not competing with it), and
// a desk whose network (or LAN service) goes away afterwards still has every page's code.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { inputsHash, writeStamp } from './scripts/rendererBuild.js';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

/**
 * `import { Button, Select } from 'antd'` → `import Button from 'antd/es/button'` … (what
 * babel-plugin-import does). Through antd's barrel every component that any page uses is
 * reachable from the first chunk, and the bundler then puts them all there (tables, pickers,
 * trees… before the first row can paint); component-path imports let each page's chunk carry
 * only what it uses. Names the barrel does not re-export as a default stay on the barrel.
 */
function antdComponentImports(): Plugin {
  const barrel = path.join(ROOT, 'node_modules/antd/es/index.js');
  const dirs = new Map<string, string>();
  for (const m of fs
    .readFileSync(barrel, 'utf8')
    .matchAll(/export \{ default as (\w+) \} from '\.\/([\w-]+)';/g)) {
    dirs.set(m[1]!, m[2]!);
  }
  return {
    name: 'halldesk-antd-component-imports',
    apply: 'build',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]renderer[\\/]src[\\/].*\.tsx?$/.test(id) || !code.includes("from 'antd'"))
        return null;
      const out = code.replace(/import\s*\{([^}]*)\}\s*from\s*'antd';/g, (whole, list: string) => {
        const direct: string[] = [];
        const rest: string[] = [];
        for (const raw of list.split(',')) {
          const spec = raw.trim();
          if (!spec) continue;
          const m = /^(\w+)(?:\s+as\s+(\w+))?$/.exec(spec);
          const dir = m ? dirs.get(m[1]!) : undefined;
          if (m && dir) direct.push(`import ${m[2] ?? m[1]} from 'antd/es/${dir}';`);
          else rest.push(spec);
        }
        if (direct.length === 0) return whole;
        return [
          ...direct,
          ...(rest.length ? [`import { ${rest.join(', ')} } from 'antd';`] : []),
        ].join('\n');
      });
      return out === code ? null : { code: out, map: null };
    },
  };
}

interface ChunkInfo {
  type: 'chunk';
  fileName: string;
  isEntry: boolean;
  isDynamicEntry: boolean;
  facadeModuleId: string | null;
  imports: string[];
}

// Chunks that a desk never needs offline: the bench driver and the full-screen hall devices
// (they load their own page as their first page).
const NOT_FOR_THE_DESK =
  /[\\/](db[\\/]benchImpl|queue[\\/](Kiosk|Display|RatePage)|customer[\\/]CustomerScreen)\.tsx?$/;

const MOUNT = /[\\/]renderer[\\/]src[\\/]mount\.tsx$/;

function preloadDeskChunks(): Plugin {
  return {
    name: 'halldesk-preload-desk-chunks',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        if (!ctx.bundle) return [];
        const chunks = Object.values(ctx.bundle).filter(
          (c): c is typeof c & ChunkInfo => c.type === 'chunk',
        );
        const byFile = new Map(chunks.map((c) => [c.fileName, c]));
        const already = new Set<string>();
        const want = new Set<string>();
        const visit = (c: ChunkInfo, into: Set<string>) => {
          if (into.has(c.fileName)) return;
          into.add(c.fileName);
          for (const dep of c.imports) {
            const d = byFile.get(dep);
            if (d) visit(d, into);
          }
        };
        for (const c of chunks) if (c.isEntry) visit(c, already);
        // The UI every route needs is not linked here: main.tsx imports it (which fetches its
        // whole graph at once) right away, or on 受理查询 right after the start-up first paint,
        // which these downloads would otherwise hold up on a 2-core PC (measured, bench:local).
        const ui = new Set<string>();
        const mount = chunks.find((c) => c.facadeModuleId && MOUNT.test(c.facadeModuleId));
        if (mount) visit(mount, ui);
        for (const c of chunks) {
          if (!c.isDynamicEntry || c.isEntry) continue;
          if (c.facadeModuleId && NOT_FOR_THE_DESK.test(c.facadeModuleId)) continue;
          visit(c, want);
        }
        const rest = [...want].filter((f) => !already.has(f) && !ui.has(f)).sort();
        return [
          {
            tag: 'meta',
            attrs: { name: 'halldesk-desk-chunks', content: rest.join(' ') },
            injectTo: 'head' as const,
          },
        ];
      },
    },
  };
}

/**
 * Writes the hash of the build's inputs beside its output (scripts/rendererBuild.ts), taken when
 * the build starts: `npm start` reuses a build whose stamp matches the sources.
 */
function stampInputs(): Plugin {
  let hash = '';
  let outDir = '';
  return {
    name: 'halldesk-stamp-inputs',
    apply: 'build',
    configResolved(cfg) {
      outDir = path.resolve(cfg.root, cfg.build.outDir);
    },
    buildStart() {
      hash = inputsHash(ROOT);
    },
    closeBundle() {
      if (hash && fs.existsSync(outDir)) writeStamp(outDir, hash);
    },
  };
}

/**
 * The app shell's service worker (browser mode, where the hall service serves the desk): sw.js,
 * emitted with the list of every file of this build. Installed on the first visit, it keeps them
 * in a cache named after the build, so a reload while the hall service is down still opens the
 * desk (which works offline on its own database). Pages are network first (a new build is seen
 * at once when the service is up), hashed assets cache first; API calls are never touched.
 * Electron loads app:// and registers none (main.tsx).
 */
function appShellServiceWorker(): Plugin {
  return {
    name: 'halldesk-app-shell-sw',
    apply: 'build',
    // After the HTML and CSS plugins have emitted index.html and the stylesheet.
    enforce: 'post',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => f !== 'sw.js');
      const version = createHash('sha256').update(files.sort().join('\n')).digest('hex');
      const source = `// HallDesk app-shell service worker (generated by vite.config.ts; do not edit).
const CACHE = 'halldesk-shell-${version.slice(0, 16)}';
const FILES = ${JSON.stringify(['./', ...files.map((f) => `./${f}`)])};
const scope = () => self.registration.scope;
self.addEventListener('install', (e) => {
  e.waitUntil(
    caches.open(CACHE).then((c) => c.addAll(FILES.map((f) => new URL(f, scope()).href))).then(() => self.skipWaiting()),
  );
});
self.addEventListener('activate', (e) => {
  e.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('halldesk-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});
self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  const shell = new URL('./', scope()).href;
  if (req.mode === 'navigate' || url.href === shell || url.pathname.endsWith('/index.html')) {
    // Network first: the page as the service has it now; its cached copy when it is down.
    e.respondWith(
      fetch(req).catch(() =>
        caches.open(CACHE)
          .then((c) => c.match(shell).then((r) => r || c.match(new URL('./index.html', scope()).href)))
          .then((r) => r || Response.error()),
      ),
    );
    return;
  }
  if (!FILES.some((f) => new URL(f, scope()).pathname === url.pathname)) return;
  e.respondWith(
    caches.open(CACHE).then((c) => c.match(req, { ignoreSearch: true }).then((hit) => hit || fetch(req))),
  );
});
`;
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [
    antdComponentImports(),
    react(),
    preloadDeskChunks(),
    stampInputs(),
    appShellServiceWorker(),
  ],
  build: {
    // RENDERER_OUT lets several people build and preview their own copy on one machine.
    outDir: process.env.RENDERER_OUT ?? '../dist/renderer',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
    // Our CSS in one stylesheet linked from index.html, antd's linked by mount.tsx at start:
    // a page chunk loaded later (perhaps offline) never needs a CSS fetch.
    cssCodeSplit: false,
    rolldownOptions: {
      // `import { X } from 'antd'` reaches every component through antd's barrel: without this
      // every component used by any page lands in the first chunk.
      experimental: { lazyBarrel: true, chunkOptimization: false },
    },
  },
  server: { host: '127.0.0.1' },
});
