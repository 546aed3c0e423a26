// Language of the desk UI: Chinese first, English on request; the choice is remembered in
// localStorage so that it survives a reload even before the database opens.
import { create } from 'zustand';

export type Lang = 'zh' | 'en';

const STORAGE_KEY = 'halldesk.lang';

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

interface LangState {
  lang: Lang;
  setLang: (lang: Lang) => void;
}

export const useLangStore = create<LangState>((set) => ({
  lang: initialLang(),
  setLang: (lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // storage unavailable: the choice lasts for this session only
    }
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    set({ lang });
  },
}));

/** Current language. */
export function useLang(): Lang {
  return useLangStore((s) => s.lang);
}

/** Translator bound to the current language: `t('新建受理', 'New application')`. */
export type Tr = (zh: string, en: string) => string;

export function useT(): Tr {
  const lang = useLang();
  return lang === 'en' ? (_zh, en) => en : (zh) => zh;
}

/** Non-hook variant for code outside components (event handlers reading the store). */
export function tr(zh: string, en: string): string {
  return useLangStore.getState().lang === 'en' ? en : zh;
}

/** Picks the label of a catalogue item that carries `label`/`labelEn` or `name`/`nameEn`. */
export function pick(lang: Lang, zh: string, en: string | undefined): string {
  return lang === 'en' && en ? en : zh;
}
