// Keyboard shortcuts: one window-level listener per registration, combos like 'ctrl+s',
// 'alt+n', 'f2'. The help overlay lists them (SHORTCUTS) so what is shown is what works.
import { useEffect, useRef } from 'react';

export interface ShortcutHelp {
  keys: string;
  zh: string;
  en: string;
}

export const SHORTCUTS: ShortcutHelp[] = [
  { keys: 'Alt+N', zh: '新建受理', en: 'New application' },
  { keys: 'F2', zh: '受理查询（光标进入搜索框）', en: 'Find applications (focus the search box)' },
  { keys: 'Alt+D', zh: '草稿', en: 'Drafts' },
  { keys: 'Alt+F', zh: '意见反馈', en: 'Customer feedback' },
  { keys: 'F8', zh: '读身份证（接有读卡器时）', en: 'Read the ID card (with a reader)' },
  { keys: 'Ctrl+S', zh: '保存草稿', en: 'Save draft' },
  { keys: 'Ctrl+Enter', zh: '提交受理 / 确认', en: 'Submit / confirm' },
  { keys: 'Enter', zh: '下一个输入项', en: 'Next field' },
  { keys: 'Tab / Shift+Tab', zh: '前后切换输入项', en: 'Move between fields' },
  { keys: 'Space', zh: '勾选 / 选择', en: 'Tick / choose' },
  { keys: 'Ctrl+P', zh: '打印回执（回执页）', en: 'Print the receipt (receipt page)' },
  { keys: 'F1 / ?', zh: '显示快捷键帮助', en: 'Show this help' },
  { keys: 'Ctrl+Alt+L', zh: '锁屏（PIN 解锁）', en: 'Lock the desk (PIN unlocks)' },
  { keys: 'Esc', zh: '关闭对话框', en: 'Close a dialog' },
];

function comboOf(e: KeyboardEvent): string {
  const parts: string[] = [];
  if (e.ctrlKey || e.metaKey) parts.push('ctrl');
  if (e.altKey) parts.push('alt');
  if (e.shiftKey && e.key.length > 1) parts.push('shift');
  const key = e.key === ' ' ? 'space' : e.key.toLowerCase();
  // Alt+letter produces other characters on some layouts: use the physical key.
  const k = e.altKey && /^Key[A-Z]$/.test(e.code) ? e.code.slice(3).toLowerCase() : key;
  parts.push(k);
  return parts.join('+');
}

/** True when the key went to a text field (plain-letter shortcuts such as '?' must not fire). */
export function isTyping(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  if (!el) return false;
  return (
    el.tagName === 'INPUT' ||
    el.tagName === 'TEXTAREA' ||
    el.isContentEditable ||
    el.getAttribute('role') === 'combobox'
  );
}

/** Calls `handler` on the combo; the default browser action is prevented. */
export function useShortcut(
  combo: string,
  handler: (e: KeyboardEvent) => void,
  enabled = true,
): void {
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  useEffect(() => {
    if (!enabled) return;
    const want = combo.toLowerCase();
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat || e.isComposing) return;
      if (comboOf(e) !== want) return;
      if (want === '?' && isTyping(e)) return;
      e.preventDefault();
      ref.current(e);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [combo, enabled]);
}
