// Input normalisation for what a clerk types with a Chinese input method: full-width digits,
// letters and punctuation (１２３, Ｘ, －, （）) become their ASCII forms, the ideographic space a
// plain one. Applied to every ID, credit-code, phone and number field so IME input is taken, not
// refused; names and addresses keep what was typed.

/** Full-width ASCII variants (U+FF01–U+FF5E) and the ideographic space to half-width. */
export function toHalfWidth(input: string): string {
  let out = '';
  for (const ch of input) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCodePoint(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else out += ch;
  }
  return out;
}

/** What an identifier field (ID number, credit code, phone, account no., number) keeps. */
export function normalizeIdentifier(input: string): string {
  return toHalfWidth(input).replace(/。/g, '.');
}
