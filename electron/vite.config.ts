// Vite build of the Electron side into dist-electron/: main.cjs and hallHost.cjs (CommonJS for
// Node, dependencies left to node_modules) and preload.cjs — ONE self-contained CommonJS file,
// because a sandboxed preload can require nothing but 'electron'.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, defineConfig, type Plugin } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist-electron');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
};

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const deps = Object.keys(pkg.dependencies ?? {});
function isExternal(id: string): boolean {
  if (id === 'electron' || nodeBuiltins.includes(id)) return true;
  return deps.some((d) => id === d || id.startsWith(`${d}/`));
}

/**
 * The hall queue service is another engineer's module; until server/hall/service.ts exists the
 * host process is built against a stand-in that fails at start (the supervisor then reports it).
 */
function hallServiceFallback(): Plugin {
  const real = path.join(root, 'server', 'hall', 'service.ts');
  return {
    name: 'halldesk-hall-service-fallback',
    resolveId(source) {
      if (source.endsWith('server/hall/service') && !fs.existsSync(real))
        return '\0hall-service-missing';
      return null;
    },
    load(id) {
      if (id !== '\0hall-service-missing') return null;
      this.warn(
        'server/hall/service.ts not found: hallHost.cjs will report the service as missing',
      );
      return `export async function startHallService() { throw new Error('hall queue service (server/hall/service.ts) is not part of this build'); }`;
    },
  };
}

/** Builds the preload on its own after the main bundle, with everything inlined. */
function preloadBuild(): Plugin {
  return {
    name: 'halldesk-preload',
    apply: 'build',
    async closeBundle() {
      await build({
        configFile: false,
        root,
        logLevel: 'warn',
        build: {
          outDir,
          emptyOutDir: false,
          minify: false,
          sourcemap: false,
          target: 'node22',
          lib: {
            entry: path.join(root, 'electron', 'preload.ts'),
            formats: ['cjs'],
            fileName: () => 'preload.cjs',
          },
          rollupOptions: { external: ['electron'] },
        },
      });
    },
  };
}

export default defineConfig({
  root,
  publicDir: false,
  plugins: [hallServiceFallback(), preloadBuild()],
  build: {
    outDir,
    emptyOutDir: true,
    ssr: true,
    minify: false,
    sourcemap: false,
    target: 'node22',
    copyPublicDir: false,
    rollupOptions: {
      input: {
        main: path.join(root, 'electron', 'main.ts'),
        hallHost: path.join(root, 'electron', 'hallHost.ts'),
      },
      external: isExternal,
      output: {
        format: 'cjs',
        entryFileNames: '[name].cjs',
        chunkFileNames: 'chunks/[name]-[hash].cjs',
      },
    },
  },
  ssr: { noExternal: true },
});
