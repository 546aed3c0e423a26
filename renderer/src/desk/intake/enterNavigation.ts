// Enter moves to the next field (F1 says so), selects included: Enter on a select that has a value
// and is closed moves on instead of opening it; Enter in an open select takes the highlighted
// option and then moves on. The move happens inside the key event (React's pending render is
// flushed first, so fields that the choice reveals exist), so keys typed right after it at full
// speed land in the next field instead of being dropped or going into the select's search.
import type React from 'react';
import { flushSync } from 'react-dom';

function isPlainEnter(e: React.KeyboardEvent): boolean {
  return e.key === 'Enter' && !e.ctrlKey && !e.metaKey && !e.altKey && !e.shiftKey;
}

function isSelect(el: HTMLElement): boolean {
  return el.getAttribute('role') === 'combobox';
}

/** An antd select (the combobox input inside it) showing a chosen value. */
function selectHasValue(el: HTMLElement): boolean {
  return !!el.closest('.ant-select')?.querySelector('.ant-select-content-has-value');
}

/** The open dropdown of a select has a highlighted option that Enter takes. */
function hasActiveOption(el: HTMLElement): boolean {
  const listId = el.getAttribute('aria-controls');
  const list = listId ? document.getElementById(listId) : null;
  const popup = list?.closest('.ant-select-dropdown');
  return !!popup?.querySelector(
    '.ant-select-item-option-active:not(.ant-select-item-option-disabled)',
  );
}

function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(
    root.querySelectorAll<HTMLElement>(
      'input:not([type=hidden]):not([disabled]), textarea, [role=combobox]',
    ),
  ).filter((x) => x.offsetParent !== null && !(x as HTMLInputElement).hidden && x.tabIndex >= 0);
}

/** Focuses the field after `from` (a radio group counts once), or the submit button. */
export function focusNext(root: HTMLElement, from: HTMLElement): void {
  const all = focusables(root);
  const i = all.indexOf(from);
  let next = all[i + 1];
  // Radio groups: skip the other radios of the same group.
  while (
    next &&
    from instanceof HTMLInputElement &&
    from.type === 'radio' &&
    next instanceof HTMLInputElement &&
    next.type === 'radio' &&
    next.name === from.name
  ) {
    next = all[all.indexOf(next) + 1];
  }
  if (next) next.focus();
  else root.querySelector<HTMLElement>('[data-action=submit]')?.focus();
}

/**
 * Capture phase: Enter on a closed select that has its value moves on before the select sees the
 * key (which would open its dropdown and swallow what is typed next).
 */
export function onEnterCapture(root: HTMLElement | null, e: React.KeyboardEvent): void {
  if (!root || !isPlainEnter(e)) return;
  const el = e.target as HTMLElement;
  if (!isSelect(el) || el.getAttribute('aria-expanded') === 'true' || !selectHasValue(el)) return;
  e.preventDefault();
  e.stopPropagation();
  focusNext(root, el);
}

/** Bubble phase: Enter in a text field moves on; in an open select, after it took the option. */
export function onEnter(root: HTMLElement | null, e: React.KeyboardEvent): void {
  if (!root || !isPlainEnter(e)) return;
  const el = e.target as HTMLElement;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'BUTTON' || el.tagName === 'A') return;
  if (isSelect(el)) {
    // The select handled the key already (the DOM is not re-rendered yet): an open one took its
    // highlighted option, if it had one; a closed empty one opens now, and the clerk chooses.
    if (el.getAttribute('aria-expanded') !== 'true' || !hasActiveOption(el)) return;
    // Render the choice now (fields it reveals must exist to be focused); the dropdown itself
    // closes a moment later on its own.
    flushSync(() => {});
    if (selectHasValue(el)) focusNext(root, el);
    return;
  }
  e.preventDefault();
  focusNext(root, el);
}
