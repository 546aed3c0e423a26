// The renderer's view of the desktop shell: the preload API under Electron, browser fallbacks
// otherwise. Placeholder until the Electron-shell work lands.
export const shell = {
  isElectron: false,
  async print(): Promise<void> {
    window.print();
  },
};
