// What a printed page must say, judged on the text pdftotext finds in its
// PDF: the title, the version's date and its address; no navigation; and on
// compare pages, every deletion and insertion marked [-…-] and {+…+}.
//
// pdftotext gives right-to-left lines in visual order (words reversed), so
// for RTL pages phrases are compared as sets of words; addresses, which the
// theme isolates as left-to-right, are compared as they are.

import { decodeEntities, htmlText } from './print.mjs';

const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text without spaces, line-end hyphens, soft hyphens and bidi controls. */
export function flat(text) {
  return text
    .normalize('NFC')
    .replace(BIDI_CONTROLS, '')
    .replace(/[\s\u00ad\u200b]+/g, '')
    .replace(/[-\u2010]/g, '');
}

function words(text) {
  return text
    .normalize('NFC')
    .replace(BIDI_CONTROLS, '')
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{M}\p{N}]/gu, ''))
    .filter(Boolean);
}

/**
 * A phrase is in the PDF's text: as a string (left to right), or (right to
 * left) word by word. pdftotext splits right-to-left words that carry
 * combining marks (shadda, damma) into pieces it then reorders, so those
 * words are left out; every other word of the phrase must be there.
 */
function containsPhrase(pdf, phrase, rtl) {
  if (!rtl) return flat(pdf).includes(flat(phrase));
  const have = new Set(words(pdf));
  const plain = words(phrase).filter((w) => !/\p{M}/u.test(w));
  return plain.length > 0 && plain.every((w) => have.has(w));
}

function hasLine(pdf, phrase, rtl) {
  const wanted = rtl ? words(phrase).sort().join(' ') : flat(phrase);
  if (!wanted) return false;
  return pdf.split('\n').some((line) => (rtl ? words(line).sort().join(' ') : flat(line)) === wanted);
}

/**
 * Problems of one printed page. `page` is the suite's page record, `html`
 * its file, `pdf` the PDF's text, `marks` (compare pages) the deletions
 * and insertions as the page shows them: [{ tag, text }] where `text` has
 * nested changes already marked.
 */
export function printProblems({ page, html, pdf, site, marks, rtl }) {
  const problems = [];
  const need = (phrase, what) => {
    if (!containsPhrase(pdf, phrase, rtl)) problems.push(`${what} "${phrase}" is not in the PDF`);
  };
  const needExact = (text, what) => {
    if (!flat(pdf).includes(flat(text))) problems.push(`${what} "${text}" is not in the PDF`);
  };

  need(htmlText(html.match(/<h1[^>]*>([\s\S]*?)<\/h1>/)[1]), 'title');

  const stamp = html.match(/<p class="stamp">([\s\S]*?)<\/p>/)?.[1] ?? '';
  const dates = [...stamp.matchAll(/<time datetime="([^"]+)">([^<]+)<\/time>/g)];
  if (!dates.length) problems.push('the page has no date in its stamp');
  for (const [, iso, shown] of dates) need(decodeEntities(shown), `date ${iso}`);

  if (page.kind === 'compare') {
    needExact(decodeEntities(html.match(/<link rel="canonical" href="([^"]+)">/)[1]), 'address');
  } else {
    const permalink = html.match(/<p class="print-only">[^<]*<bdi dir="ltr">([^<]+)<\/bdi>/)?.[1];
    const base = site.settings.base_url.replace(/\/$/, '');
    if (!permalink || !permalink.startsWith(base)) problems.push('the page has no permanent address to print');
    else needExact(decodeEntities(permalink), 'permanent address');
  }

  // Navigation: the skip link, the language menu, the site's navigation,
  // the table of contents and the list of versions have no place on paper.
  const skip = html.match(/<a class="skip-link"[^>]*>([\s\S]*?)<\/a>/)?.[1];
  const nav = html.match(/<nav class="site-nav"[\s\S]*?<\/nav>/)?.[0] ?? '';
  const navLinks = [...nav.matchAll(/<a [^>]*>([^<]*)<\/a>/g)].map((m) => decodeEntities(m[1]));
  const toc = html.match(/<h2 id="ls-toc-title">([^<]*)<\/h2>/)?.[1];
  const versions = html.match(/<h2 id="ls-history">([^<]*)<\/h2>/)?.[1];
  const views = html.match(/<a class="rl-view-side" [^>]*>([^<]*)<\/a>/)?.[1];
  for (const [text, what] of [
    [skip && htmlText(skip), 'skip link'],
    [navLinks.at(-1), 'navigation'],
    [toc && decodeEntities(toc), 'table of contents'],
    [versions && decodeEntities(versions), 'list of versions'],
    [views && decodeEntities(views), 'switch of views'],
  ]) {
    if (text && hasLine(pdf, text, rtl)) problems.push(`${what} "${text}" is in the PDF`);
  }

  if (marks) {
    // Links print their address after them, inside the marks: leave those out.
    const text = pdf.replace(/<(?:https?|mailto):[^>]*>/g, '');
    for (const mark of marks) {
      const [open, close] = mark.tag === 'del' ? ['[-', '-]'] : ['{+', '+}'];
      if (rtl) {
        need(mark.text, `${mark.tag} text`);
      } else if (!flat(text).includes(flat(`${open}${mark.text}${close}`))) {
        problems.push(`${mark.tag} "${mark.text}" is not marked ${open}…${close} in the PDF`);
      }
    }
    if (rtl) {
      const count = (re) => (pdf.match(re) ?? []).length;
      const dels = marks.filter((m) => m.tag === 'del').length;
      const inss = marks.filter((m) => m.tag === 'ins').length;
      if (count(/[[\]]/g) < 2 * dels) problems.push(`${dels} deletions, ${count(/[[\]]/g)} [ ] marks in the PDF`);
      if (count(/[{}]/g) < 2 * inss) problems.push(`${inss} insertions, ${count(/[{}]/g)} { } marks in the PDF`);
    }
  }
  return problems;
}

/**
 * In the page (print media): the outermost deletions and insertions of the
 * inline redline and of the legend's first two items, each with its text as
 * printed, nested changes marked.
 */
export function collectMarks() {
  const marked = (node) => {
    let out = '';
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) out += child.textContent;
      else if (child.nodeType === Node.ELEMENT_NODE) {
        if (!child.checkVisibility() || child.matches('.rl-sr')) continue;
        const inner = marked(child);
        if (child.matches('.rl del')) out += `[-${inner}-]`;
        else if (child.matches('.rl ins')) out += `{+${inner}+}`;
        else out += inner;
      }
    }
    return out;
  };
  const elements = [
    ...document.querySelectorAll('.rl-legend li:nth-child(-n+2) :is(del, ins)'),
    ...[...document.querySelectorAll('#policy-text :is(del, ins)')].filter((e) => !e.parentElement.closest('#policy-text :is(del, ins)')),
  ];
  return elements
    .filter((e) => e.checkVisibility() && e.textContent.trim())
    .map((e) => ({ tag: e.tagName.toLowerCase(), text: marked(e) }));
}
