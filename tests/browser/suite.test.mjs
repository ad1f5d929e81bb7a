// legalsite's browser test suite. Run by `.ci/run` (after `cargo test`) as
// `npm test` in tests/browser, or alone:
//
//   cargo build --release && (cd tests/browser && npm ci && npm test)
//
// It builds HexGen's portal and the multilingual fixture (en, de, fr, es,
// ar) for a fixed day, serves each on 127.0.0.1 with the headers of
// netlify.toml, and checks every page kind in every locale: accessibility
// (axe-core, WCAG 2.2 AA), validity (Nu Html Checker), security (CSP,
// console, requests), links (lychee, offline, with fragments), layout
// (overflow at 320 and 390 px, screenshots), print (PDF text) and
// Lighthouse. Everything it writes goes to target/browser/.
//
// Environment: LEGALSITE_BIN (default: the release build), CHROMIUM_PATH
// (default /usr/bin/chromium), LYCHEE (default: lychee on PATH or in
// ~/.cargo/bin), SKIP_LIGHTHOUSE=1 to leave Lighthouse out while working.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { launch } from './lib/browser.mjs';
import { audit } from './lib/lighthouse.mjs';
import { checkLinks } from './lib/links.mjs';
import { AXE_TAGS, WIDTHS, inspect, label, runAxe, views, watchContext } from './lib/pages.mjs';
import { pdfText, printToPdf } from './lib/print.mjs';
import { collectMarks, printProblems } from './lib/printcheck.mjs';
import { readNetlifyHeaders, serve } from './lib/server.mjs';
import { DATE, OUT, REPO, SITES, build, describeSite } from './lib/sites.mjs';
import { isLanguageMessage, vnu, writeLanguageCanary } from './lib/validity.mjs';

const SCREENSHOTS = path.join(OUT, 'screenshots');
const PDFS = path.join(OUT, 'pdf');
const LIGHTHOUSE = path.join(OUT, 'lighthouse');

/** Counts for the closing summary and target/browser/report.json. */
const report = { date: DATE, sites: {}, checks: {} };

let sites = [];
let rules = [];
const servers = {};
let browser;
let allViews = [];
/** What each view showed: label -> inspect() result. */
const seen = new Map();
const foreignRequests = [];

before(async () => {
  rmSync(OUT, { recursive: true, force: true });
  for (const dir of [SCREENSHOTS, PDFS, LIGHTHOUSE]) mkdirSync(dir, { recursive: true });
  rules = await readNetlifyHeaders(path.join(REPO, 'netlify.toml'));
  for (const site of SITES) {
    build(site);
    const described = describeSite(site);
    sites.push(described);
    servers[site.name] = await serve({ root: described.out, rules, locales: described.prefixes });
    report.sites[site.name] = {
      locales: described.locales,
      htmlFiles: described.pages.length,
      server: servers[site.name].url,
    };
  }
  allViews = sites.flatMap(views);
  browser = await launch({ viewport: { width: 390, height: 844 } });
  await watchContext(browser.context, (url) => foreignRequests.push(url));
});

after(async () => {
  await browser?.close();
  for (const server of Object.values(servers)) await server.close();
  writeFileSync(path.join(OUT, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const lines = ['', 'Browser suite summary (target/browser/report.json):'];
  for (const [name, counts] of Object.entries(report.checks)) {
    lines.push(`  ${name.padEnd(14)} ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  console.log(lines.join('\n'));
});

/**
 * The views axe-core checks: one of each kind in each locale of each site
 * (AXE_ALL=1: all). Where a kind has several pages, each locale takes
 * another one, so that every policy and version gets its turn.
 */
function axeSample(list) {
  if (process.env.AXE_ALL === '1') return list;
  const groups = new Map();
  for (const view of list) {
    const key = `${view.site} ${view.kind} ${view.locale}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(view);
  }
  return [...groups.values()].map((group) => {
    const site = siteOf(group[0].site);
    return group[site.locales.indexOf(group[0].locale) % group.length];
  });
}

function siteOf(name) {
  return sites.find((s) => s.name === name);
}

/** The kinds a site has in each locale, for "every page kind in every locale". */
function kindsByLocale(list) {
  const map = {};
  for (const view of list) (map[`${view.site} ${view.locale}`] ??= new Set()).add(view.kind);
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, [...v].sort()]));
}

test('every page kind exists in every locale', () => {
  const expected = {
    hexgen: ['portal', 'site-changes', 'current', 'version', 'archived', 'upcoming', 'changelog', 'compare', 'compare-side', '404', 'notice'],
    multilingual: ['portal', 'site-changes', 'current', 'version', 'archived', 'changelog', 'compare', 'compare-side', '404'],
  };
  const kinds = kindsByLocale(allViews);
  report.kinds = kinds;
  for (const site of sites) {
    for (const locale of site.locales) {
      const have = kinds[`${site.name} ${locale}`] ?? [];
      for (const kind of expected[site.name]) {
        assert.ok(have.includes(kind), `${site.name} ${locale} has no ${kind} page (has ${have.join(', ')})`);
      }
    }
  }
  assert.ok(siteOf('multilingual').locales.includes('ar'), 'the fixture has Arabic');
});

test('load every page in headless Chromium under the production headers', async () => {
  const page = await browser.context.newPage();
  const axeViews = new Set(axeSample(allViews));
  for (const view of allViews) {
    const server = servers[view.site];
    seen.set(label(view), await inspect(page, server.url, view, { axe: axeViews.has(view) }));
  }
  await page.close();
  assert.equal(seen.size, allViews.length);
});

test('accessibility: axe-core, WCAG 2.2 A and AA, 0 violations', async (t) => {
  let violations = 0;
  let nodes = 0;
  let checked = 0;
  for (const view of allViews) {
    const result = seen.get(label(view));
    if (!result.axe) continue;
    checked += 1;
    violations += result.axe.violations.length;
    nodes += result.axe.violations.reduce((n, v) => n + v.nodes.length, 0);
    await t.test(`${label(view)} (${view.kind}, ${view.locale})`, () => {
      assert.deepEqual(
        result.axe.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => `${n.target}: ${n.summary}`).join(' | ')}`),
        [],
      );
    });
  }
  report.checks.accessibility = { tags: AXE_TAGS.join(' '), views: checked, violations, nodes };
});

test('accessibility in dark mode: axe-core on one page of each kind, left-to-right and right-to-left', async (t) => {
  const page = await browser.context.newPage();
  await page.emulateMedia({ colorScheme: 'dark' });
  const picked = [];
  const keys = new Set();
  for (const view of allViews) {
    if (!['en', 'ar'].includes(view.locale)) continue;
    const key = `${view.site} ${view.kind} ${view.locale}`;
    if (!keys.has(key)) {
      keys.add(key);
      picked.push(view);
    }
  }
  let violations = 0;
  for (const view of picked) {
    await page.goto('about:blank');
    await page.goto(servers[view.site].url + view.url);
    const result = await runAxe(page);
    violations += result.violations.length;
    await t.test(`${label(view)} (dark)`, () => {
      assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' | ')}`), []);
    });
  }
  await page.close();
  report.checks['a11y-dark'] = { views: picked.length, violations };
});

test('security: production headers, no CSP violation, no console error, nothing leaves 127.0.0.1', async (t) => {
  const csp = rules.find((r) => r.for === '/*').values['Content-Security-Policy'];
  let problems = 0;
  for (const view of allViews) {
    const result = seen.get(label(view));
    const found = [
      ...(result.status === view.status ? [] : [`status ${result.status}, expected ${view.status}`]),
      ...(result.headers['content-security-policy'] === csp ? [] : [`CSP header: ${result.headers['content-security-policy']}`]),
      ...result.csp.map((v) => `CSP violation: ${v}`),
      ...result.console.map((c) => `console ${c}`),
      ...result.pageErrors.map((e) => `page error: ${e}`),
      ...result.failedRequests.map((r) => `failed request: ${r}`),
    ];
    problems += found.length;
    await t.test(`${label(view)}`, () => assert.deepEqual(found, []));
  }
  await t.test('no request left 127.0.0.1', () => assert.deepEqual(foreignRequests, []));
  report.checks.security = { views: allViews.length, problems, foreignRequests: foreignRequests.length };
});

test('layout: no horizontal overflow at 320 and 390 px; legend and notices visible; both compare views', async (t) => {
  let overflowing = 0;
  let hidden = 0;
  let checked = 0;
  for (const view of allViews) {
    const result = seen.get(label(view));
    await t.test(label(view), () => {
      const problems = [];
      for (const width of WIDTHS) {
        const o = result.overflow[width];
        checked += 1;
        if (o.overflow > 0) {
          overflowing += 1;
          problems.push(`${width} px: ${o.overflow} px too wide: ${o.culprits.join(', ')}`);
        }
        const v = result.visibility[width];
        hidden += v.problems.length;
        for (const p of v.problems) problems.push(`${width} px: not visible: ${p}`);
      }
      if (view.kind === 'compare' || view.kind === 'compare-side') {
        if (result.visibility[WIDTHS[0]].legend !== 1) problems.push('no redline legend');
        const side = view.kind === 'compare-side';
        if (!result.views || result.views.inline === side || result.views.side !== side) {
          problems.push(`views shown: ${JSON.stringify(result.views)}, expected ${side ? 'side by side' : 'inline'}`);
        }
      }
      assert.deepEqual(problems, []);
    });
  }
  report.checks.layout = { views: allViews.length, widths: WIDTHS.join('+'), pageWidthsChecked: checked, overflowing, hidden };
});

test('screenshots of each page kind at 390 and 1280 px (target/browser/screenshots)', async () => {
  const page = await browser.context.newPage();
  const picked = new Map();
  for (const view of allViews) {
    const site = siteOf(view.site);
    const locale = view.site === 'hexgen' ? site.settings.default_locale : 'ar';
    if (view.locale !== locale) continue;
    const key = `${view.site}-${view.locale}-${view.kind}`;
    if (!picked.has(key)) picked.set(key, view);
  }
  // The German portal too: the longest words of the three.
  picked.set('hexgen-de-portal', allViews.find((v) => v.site === 'hexgen' && v.locale === 'de' && v.kind === 'portal'));
  let count = 0;
  for (const [key, view] of picked) {
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto('about:blank');
      await page.goto(servers[view.site].url + view.url);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${key}-${width}.png`), fullPage: true });
      count += 1;
    }
  }
  await page.close();
  report.checks.screenshots = { kinds: picked.size, files: count, dir: path.relative(REPO, SCREENSHOTS) };
  assert.ok(count >= 20);
});

test('validity: Nu Html Checker over the whole output, 0 errors, no lang that disagrees with the text', async (t) => {
  const canary = writeLanguageCanary(path.join(OUT, 'vnu-canary'));
  const messages = await vnu([...sites.map((s) => s.out), canary]);
  writeFileSync(path.join(OUT, 'vnu.json'), `${JSON.stringify(messages, null, 2)}\n`);
  const ours = messages.filter((m) => !m.url.includes('vnu-canary'));
  const errors = ours.filter((m) => m.type === 'error' || m.subType === 'fatal');
  const language = ours.filter(isLanguageMessage);
  report.checks.validity = {
    htmlFiles: sites.reduce((n, s) => n + s.pages.length, 0),
    errors: errors.length,
    warnings: ours.filter((m) => m.subType === 'warning').length,
    languageMismatches: language.length,
  };
  await t.test('language detection is on (a lang="de" page in English is flagged)', () => {
    assert.ok(messages.some((m) => m.url.includes('vnu-canary') && isLanguageMessage(m)), 'vnu did not flag the canary');
  });
  await t.test('0 errors', () => {
    assert.deepEqual(errors.map((m) => `${m.url.replace(`file:${OUT}/`, '')}:${m.lastLine}: ${m.message}`), []);
  });
  await t.test('no page whose lang disagrees with its text', () => {
    assert.deepEqual(language.map((m) => `${m.url.replace(`file:${OUT}/`, '')}: ${m.message}`), []);
  });
});

test('links: lychee --offline with fragments, absolute URLs mapped to the output', async (t) => {
  let links = 0;
  let broken = 0;
  // A page of broken links beside HexGen's: lychee must find each, or a
  // clean result would prove nothing.
  const canaryDir = path.join(OUT, 'links-canary');
  mkdirSync(canaryDir, { recursive: true });
  const canary = path.join(canaryDir, 'index.html');
  writeFileSync(
    canary,
    '<!doctype html><html lang="en"><title>canary</title>' +
      '<a href="/privacy/#no-such-section">a</a> <a href="https://hexgen.app/no-such-page/">b</a> ' +
      '<link rel="alternate" hreflang="de" href="https://hexgen.app/de/privacy/#no-such-section">\n',
  );
  for (const site of sites) {
    const extra = site.name === 'hexgen' ? [canary] : [];
    const result = await checkLinks(site, path.join(OUT, `links-${site.name}.json`), extra);
    const canaryErrors = result.errors.filter((e) => e.includes('links-canary'));
    const errors = result.errors.filter((e) => !e.includes('links-canary'));
    links += result.total - (extra.length ? 3 : 0);
    broken += errors.length;
    await t.test(`${site.name}: ${result.total} links, 0 broken`, () => {
      assert.ok(result.total > 100, `lychee found only ${result.total} links`);
      assert.ok(result.fragments > 0, 'no link with a #fragment was checked');
      assert.ok(result.absolute > 0, 'no absolute URL (canonical, hreflang) was checked');
      if (extra.length) assert.equal(canaryErrors.length, 3, `lychee missed broken links of the canary: ${canaryErrors.join(', ')}`);
      assert.deepEqual(errors, []);
    });
  }
  report.checks.links = { links, broken };
});

test('print: version and compare pages print to PDF with title, date and address, no navigation, marked changes', async (t) => {
  const jobs = [];
  const cliKinds = new Set();
  for (const site of sites) {
    for (const p of site.pages) {
      if (!['current', 'version', 'archived', 'upcoming', 'compare'].includes(p.kind)) continue;
      const name = `${site.name}${p.url.replace(/[/.]+/g, '-')}`.replace(/-+$/, '');
      jobs.push({ site, page: p, pdf: path.join(PDFS, `${name}.pdf`), via: 'printToPDF' });
      // Chromium's command line, --print-to-pdf, for one page of each kind
      // of each site, in its default locale and in Arabic.
      const key = `${site.name} ${p.kind} ${p.locale}`;
      if ((p.locale === site.settings.default_locale || p.locale === 'ar') && !cliKinds.has(key)) {
        cliKinds.add(key);
        jobs.push({ site, page: p, pdf: path.join(PDFS, `${name}.cli.pdf`), via: '--print-to-pdf' });
      }
    }
  }
  const page = await browser.context.newPage();
  await page.emulateMedia({ media: 'print' });
  let failures = 0;
  for (const job of jobs) {
    const url = servers[job.site.name].url + job.page.url;
    let marks = null;
    await page.goto(url);
    if (job.page.kind === 'compare') marks = await page.evaluate(collectMarks);
    if (job.via === '--print-to-pdf') {
      await printToPdf(url, job.pdf);
    } else {
      // The DevTools command that --print-to-pdf runs, in the suite's browser.
      await page.pdf({ path: job.pdf, preferCSSPageSize: true, margin: { top: '0.4in', bottom: '0.4in', left: '0.4in', right: '0.4in' } });
    }
    const pdf = await pdfText(job.pdf);
    writeFileSync(job.pdf.replace(/\.pdf$/, '.txt'), pdf);
    const html = readFileSync(path.join(job.site.out, job.page.file), 'utf8');
    const rtl = /<html [^>]*dir="rtl"/.test(html);
    await t.test(`${job.site.name} ${job.page.url} (${job.page.kind}, ${job.page.locale}, ${job.via})`, () => {
      const problems = printProblems({ page: job.page, html, pdf, site: job.site, marks, rtl });
      if (marks && !marks.some((m) => m.tag === 'del') && !marks.some((m) => m.tag === 'ins')) problems.push('no changes found to check');
      failures += problems.length ? 1 : 0;
      assert.deepEqual(problems, []);
    });
  }
  await page.close();
  report.checks.print = {
    pdfs: jobs.length,
    viaCommandLine: jobs.filter((j) => j.via === '--print-to-pdf').length,
    failures,
    dir: path.relative(REPO, PDFS),
  };
});

test('lighthouse: accessibility and SEO 1.0 on the portal, a policy page and a compare page', { skip: process.env.SKIP_LIGHTHOUSE === '1' }, async (t) => {
  const server = servers.hexgen;
  const pages = [
    { name: 'portal', url: `${server.url}/` },
    { name: 'policy', url: `${server.url}/privacy/` },
    { name: 'compare', url: `${server.url}/privacy/compare/2026-05-24...2027-01-15/` },
  ];
  const results = await audit(pages, LIGHTHOUSE);
  report.checks.lighthouse = Object.fromEntries(
    results.map((r) => [r.name, Object.entries(r.scores).map(([c, s]) => `${c} ${s}`).join(' ')]),
  );
  report.lighthouse = results;
  for (const result of results) {
    await t.test(`${result.name}: ${JSON.stringify(result.scores)}`, () => {
      assert.equal(result.runtimeError, null);
      assert.deepEqual(
        { accessibility: result.scores.accessibility, seo: result.scores.seo, failing: result.failing.filter((f) => !f.startsWith('best-practices/')) },
        { accessibility: 1, seo: 1, failing: [] },
      );
    });
  }
});
