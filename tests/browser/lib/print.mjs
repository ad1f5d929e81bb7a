// Printing: Chromium's own `--print-to-pdf` (no header and footer of the
// browser's, so whatever the PDF says, the page says), then `pdftotext`.

import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { CHROMIUM, CHROMIUM_FLAGS, freshProfile } from './browser.mjs';

const run = promisify(execFile);

/** Prints `url` to `pdf` with headless Chromium. */
export async function printToPdf(url, pdf) {
  const profile = freshProfile();
  try {
    await run(
      CHROMIUM,
      [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, '--no-pdf-header-footer', `--print-to-pdf=${pdf}`, url],
      { timeout: 60_000 },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The text of a PDF, in reading order as pdftotext finds it. */
export async function pdfText(pdf) {
  const { stdout } = await run('pdftotext', ['-raw', '-enc', 'UTF-8', pdf, '-'], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** HTML text to plain text: tags dropped, entities decoded, spaces collapsed. */
export function htmlText(html) {
  return decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
}

export function decodeEntities(text) {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&amp;/g, '&');
}
