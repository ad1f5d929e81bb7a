// What the suite does in one browser, page after page: load it under the
// production headers, watch for CSP violations, console errors and requests
// that leave 127.0.0.1, run axe-core, measure overflow at 390 and 320 px,
// check that the legend and notices are visible, take screenshots.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.2 level A and AA, as axe-core tags them. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

export const WIDTHS = [390, 320];

/**
 * The views of a site: every HTML page once; compare pages twice (inline,
 * and side by side through `#side-by-side`); 404 pages through a URL that
 * does not exist (served with status 404), in their locale.
 */
export function views(site) {
  const result = [];
  for (const page of site.pages) {
    if (page.kind === 'other' || page.kind === 'unknown') continue;
    if (page.kind === '404') {
      const prefix = page.locale === site.settings.default_locale ? '' : `/${page.locale}`;
      result.push({ site: site.name, page, kind: '404', locale: page.locale, url: `${prefix}/no-such-page/`, status: 404 });
    } else if (page.kind === 'compare') {
      result.push({ site: site.name, page, kind: 'compare', locale: page.locale, url: page.url, status: 200 });
      result.push({ site: site.name, page, kind: 'compare-side', locale: page.locale, url: `${page.url}#side-by-side`, status: 200 });
    } else {
      result.push({ site: site.name, page, kind: page.kind, locale: page.locale, url: page.url, status: 200 });
    }
  }
  return result;
}

export function label(view) {
  return `${view.site} ${view.url}`;
}

/**
 * Prepares a browser context: every request that leaves 127.0.0.1 is
 * recorded and blocked; CSP violations are recorded as the page sees them.
 */
export async function watchContext(context, onForeignRequest) {
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    onForeignRequest(route.request().url());
    return route.abort('blockedbyclient');
  });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} (${e.sourceFile || ''}:${e.lineNumber || 0})`);
    });
  });
}

/**
 * Loads a view and collects what it shows and does. Returns
 * { status, headers, console, pageErrors, csp, failedRequests, axe, overflow, visibility, views }.
 */
export async function inspect(page, baseUrl, view, { axe = true, widths = WIDTHS, extra } = {}) {
  const result = { console: [], pageErrors: [], failedRequests: [], csp: [], overflow: {}, visibility: {} };
  const fullUrl = baseUrl + view.url;
  const documentUrl = fullUrl.split('#')[0];
  const onConsole = (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    const location = message.location()?.url ?? '';
    // The 404 page itself comes with status 404, as it should.
    if (view.status === 404 && location === documentUrl && /status of 404/.test(message.text())) return;
    result.console.push(`${message.type()}: ${message.text()} ${location}`);
  };
  const onPageError = (error) => result.pageErrors.push(String(error));
  const onResponse = (response) => {
    if (response.status() >= 400 && !(view.status === 404 && response.url() === documentUrl)) {
      result.failedRequests.push(`${response.status()} ${response.url()}`);
    }
  };
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  page.on('response', onResponse);
  try {
    await page.setViewportSize({ width: widths[0], height: 844 });
    // A fresh document for #side-by-side too (not a jump within the page).
    if (view.url.includes('#')) await page.goto('about:blank');
    const response = await page.goto(fullUrl, { waitUntil: 'load' });
    result.status = response?.status();
    result.headers = response?.headers() ?? {};
    if (axe) result.axe = await runAxe(page);
    for (const width of widths) {
      await page.setViewportSize({ width, height: 844 });
      result.overflow[width] = await page.evaluate(measureOverflow);
      result.visibility[width] = await page.evaluate(measureVisibility);
    }
    result.views = await page.evaluate(compareViews);
    if (extra) await extra(page, result);
    // Let late events (a favicon, a blocked resource) arrive.
    await page.waitForTimeout(20);
    result.csp = await page.evaluate(() => window.__cspViolations ?? []);
  } finally {
    page.off('console', onConsole);
    page.off('pageerror', onPageError);
    page.off('response', onResponse);
  }
  return result;
}

/** axe-core's violations for the WCAG 2.2 A/AA rules, in short form. */
export async function runAxe(page, tags = AXE_TAGS) {
  // Playwright evaluates in the page through the DevTools protocol, which
  // the page's CSP does not restrict; the site itself stays script-free.
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    tags,
  );
  return {
    passes: results.passes.length,
    incomplete: results.incomplete.length,
    violations: results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    })),
  };
}

/** Horizontal overflow of the document, and the elements that stick out. */
function measureOverflow() {
  const root = document.documentElement;
  const width = root.clientWidth;
  const overflow = root.scrollWidth - width;
  const culprits = [];
  if (overflow > 0) {
    for (const element of document.body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      if (box.width > 0 && (box.right > width + 0.5 || box.left < -0.5)) {
        let name = element.tagName.toLowerCase();
        if (element.id) name += `#${element.id}`;
        if (element.classList.length) name += `.${[...element.classList].join('.')}`;
        culprits.push(`${name} [${Math.round(box.left)}..${Math.round(box.right)}]`);
      }
    }
  }
  return { width, scrollWidth: root.scrollWidth, overflow, culprits: culprits.slice(0, 8) };
}

/**
 * The redline legend and every notice: shown, with a size, inside the
 * viewport's width. Returns the ones that are not.
 */
function measureVisibility() {
  const width = document.documentElement.clientWidth;
  const problems = [];
  let checked = 0;
  const targets = [
    ...document.querySelectorAll('.rl-legend, .rl-legend li, .notice'),
  ];
  for (const element of targets) {
    checked += 1;
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    const visible =
      element.checkVisibility({ opacityProperty: true, visibilityProperty: true }) &&
      box.width > 0 &&
      box.height > 0 &&
      box.left >= -0.5 &&
      box.right <= width + 0.5 &&
      style.color !== style.backgroundColor;
    if (!visible) problems.push(`${element.className || element.tagName}: ${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
  }
  return { checked, problems, legend: document.querySelectorAll('.rl-legend').length };
}

/** On compare pages: which of the two views is shown. */
function compareViews() {
  const inline = document.querySelector('.rl-inline');
  const side = document.querySelector('.rl-side');
  if (!inline || !side) return null;
  return { inline: inline.checkVisibility(), side: side.checkVisibility() };
}
