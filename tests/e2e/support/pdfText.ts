// Text of a PDF that Chromium printed (page.pdf), through poppler's pdftotext (Debian
// poppler-utils; .ci/run installs it). Whitespace is collapsed so table cells compare as text.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function pdfText(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdf-text-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    fs.writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], {
      encoding: 'utf8',
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The PDF's text without any whitespace (layout spacing differs between renderers). */
export function pdfCompact(pdf: Buffer): string {
  return pdfText(pdf).replace(/\s+/g, '');
}
