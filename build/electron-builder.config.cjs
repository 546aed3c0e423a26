// electron-builder configuration for HallDesk 营业厅受理台: Windows NSIS x64, Linux deb and
// AppImage for x64 and arm64 (Kylin / UOS on ARM). Used by build/dist.ts (`npm run dist`).
// ELECTRON_DIST: a local unpacked Electron (no download); HALLDESK_UPDATE_URL: the update feed.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS config read by electron-builder */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** Packages the Electron bundles require at run time (everything else is bundled or renderer-only). */
function runtimePackages() {
  const dir = path.join(root, 'dist-electron');
  const found = new Set();
  if (!fs.existsSync(dir)) return found;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.cjs') || e.name.endsWith('.js')) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/require\("([^"./][^"]*)"\)/g)) {
          const id = m[1];
          if (id.startsWith('node:') || id === 'electron') continue;
          found.add(id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]);
        }
      }
    }
  };
  walk(dir);
  return found;
}

const needed = runtimePackages();
// Loaded only when needed (koffi for the ID card reader): no plain require in the bundle to find.
for (const p of pkg.halldeskLazyPackages ?? []) needed.add(p);
// The renderer is bundled by Vite: its dependencies (React, antd, echarts, …) stay out of the app.
const rendererOnly = Object.keys(pkg.dependencies ?? {}).filter((d) => !needed.has(d));

const updateUrl = process.env.HALLDESK_UPDATE_URL || 'http://127.0.0.1:8600/updates/';

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'cn.halldesk.desk',
  productName: 'HallDesk',
  executableName: 'halldesk',
  copyright: 'HallDesk 营业厅受理台',
  directories: { output: 'release', buildResources: 'build' },
  files: [
    'dist/renderer/**',
    // dist-electron holds main, preload and the hall queue service host (server/hall bundled in).
    'dist-electron/**',
    'package.json',
    '!**/*.map',
    ...rendererOnly.map((d) => `!node_modules/${d}/**`),
  ],
  extraMetadata: { main: 'dist-electron/main.cjs' },
  asar: true,
  electronDist: process.env.ELECTRON_DIST || undefined,
  electronVersion: require(path.join(root, 'node_modules/electron/package.json')).version,
  npmRebuild: false,
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: 'build/icons/icon.ico',
  },
  nsis: {
    oneClick: false,
    perMachine: true,
    allowToChangeInstallationDirectory: true,
    shortcutName: '营业厅受理台',
    uninstallDisplayName: 'HallDesk 营业厅受理台',
    artifactName: 'HallDesk-Setup-${version}-${arch}.${ext}',
    // Keep the hall's data (IndexedDB, settings, signatures) on uninstall: it may not be synced.
    deleteAppDataOnUninstall: false,
  },
  linux: {
    target: [
      { target: 'deb', arch: ['x64', 'arm64'] },
      { target: 'AppImage', arch: ['x64', 'arm64'] },
    ],
    icon: 'build/icons',
    category: 'Office',
    maintainer: 'HallDesk <halldesk@localhost>',
    vendor: 'HallDesk',
    synopsis: '营业厅受理台 — electricity service hall intake desk and queue',
    description: pkg.description,
    desktop: { entry: { Name: '营业厅受理台 HallDesk', Comment: '用电业务受理与排队叫号' } },
    artifactName: 'HallDesk-${version}-${arch}.${ext}',
  },
  deb: {
    // Fonts for Chinese UI and tickets on minimal installs.
    depends: [
      'libnss3',
      'libgtk-3-0',
      'libxss1',
      'libasound2',
      'fonts-noto-cjk | fonts-wqy-microhei',
    ],
  },
  publish: [{ provider: 'generic', url: updateUrl, channel: 'latest' }],
};
