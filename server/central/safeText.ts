// Device-supplied text (names, labels, notes, reasons) shown to the administrator: control
// characters are escaped visibly so that terminal escape codes (ESC, CSI), carriage returns
// that overwrite a line, and bidirectional overrides that reorder it never act on a terminal
// or a page. Used by the back-office CLI and the console.

// C0 controls, DEL, C1 controls (U+009B is a one-byte CSI), bidi marks/embeddings/overrides/
// isolates, and the Unicode line and paragraph separators.
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `s` with every control character written as `\n`, `\t`, `\r` or `\uXXXX`. */
export function escapeControls(s: string): string {
  return s.replace(
    UNSAFE,
    (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
