// Lighthouse (accessibility, SEO, best practices) in the machine's
// Chromium, started by chrome-launcher with the same flags as the rest.

import { rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import defaultConfig from 'lighthouse/core/config/default-config.js';
import BaseGatherer from 'lighthouse/core/gather/base-gatherer.js';
import { CHROMIUM, CHROMIUM_FLAGS, freshProfile } from './browser.mjs';

export const CATEGORIES = ['accessibility', 'seo', 'best-practices'];

/**
 * Lighthouse's RobotsTxt gatherer fetches /robots.txt from inside the page
 * (Network.loadNetworkResource for the page's frame), so the page's CSP
 * applies to it: under `default-src 'none'` (no connect-src) the fetch is
 * refused and the robots-txt audit fails with "Lighthouse was unable to
 * download a robots.txt file" (GoogleChrome/lighthouse#4386), whatever the
 * file says. A crawler fetches it as a document of its own. This gatherer
 * does the same from Node, on the same server; the robots-txt audit itself
 * is Lighthouse's own and judges the content.
 */
class RobotsTxtAsACrawler extends BaseGatherer {
  meta = { supportedModes: ['snapshot', 'navigation'] };

  async getArtifact(context) {
    const url = new URL('/robots.txt', context.baseArtifacts.URL.finalDisplayedUrl);
    try {
      const response = await fetch(url);
      return { status: response.status, content: response.ok ? await response.text() : null };
    } catch (error) {
      return { status: null, content: null, errorMessage: error.message };
    }
  }
}

/** Lighthouse's default config with that one gatherer replaced. */
const CONFIG = {
  ...defaultConfig,
  artifacts: defaultConfig.artifacts.map((artifact) =>
    artifact.id === 'RobotsTxt' ? { id: 'RobotsTxt', gatherer: { implementation: RobotsTxtAsACrawler } } : artifact,
  ),
};

/**
 * Audits each `{ name, url }` in one Chromium; writes the HTML and JSON
 * reports to `${outDir}/${name}.report.{html,json}`. Returns, per page,
 * the scores and the audits that did not pass.
 */
export async function audit(pages, outDir) {
  const profile = freshProfile();
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: CHROMIUM_FLAGS,
    userDataDir: profile,
    logLevel: 'silent',
  });
  const results = [];
  try {
    for (const { name, url } of pages) {
      const runnerResult = await lighthouse(
        url,
        { port: chrome.port, output: ['html', 'json'], logLevel: 'error', onlyCategories: CATEGORIES },
        CONFIG,
      );
      const { lhr, report } = runnerResult;
      await writeFile(`${outDir}/${name}.report.html`, report[0]);
      await writeFile(`${outDir}/${name}.report.json`, report[1]);
      const scores = Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c]?.score ?? null]));
      const failing = [];
      for (const category of CATEGORIES) {
        for (const ref of lhr.categories[category]?.auditRefs ?? []) {
          const result = lhr.audits[ref.id];
          if (ref.weight > 0 && result.score !== null && result.score < 1) {
            failing.push(`${category}/${ref.id}: ${result.title}${result.displayValue ? ` (${result.displayValue})` : ''}`);
          }
        }
      }
      results.push({ name, url, scores, failing, runtimeError: lhr.runtimeError?.message ?? null });
    }
  } finally {
    await chrome.kill();
    rmSync(profile, { recursive: true, force: true });
  }
  return results;
}
