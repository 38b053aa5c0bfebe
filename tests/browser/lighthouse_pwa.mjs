// Lighthouse's PWA checks (its "pwa" category, as in Lighthouse 11: installable manifest,
// service worker, themed address bar, splash screen, maskable icon, viewport, content width)
// on each page given, in one Chromium, for tests/browser/test_lighthouse_pwa.py.
// Usage: node lighthouse_pwa.mjs '{"chromePath": "...", "cookie": "...", "urls": [...]}'
// Prints one JSON object: {url: {finalUrl, audits: {id: {score, explanation}}}}.
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const options = JSON.parse(process.argv[2]);
const chrome = await chromeLauncher.launch({
  chromePath: options.chromePath,
  chromeFlags: [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
const results = {};
try {
  for (const url of options.urls) {
    const run = await lighthouse(url, {
      port: chrome.port,
      onlyCategories: ["pwa"],
      extraHeaders: options.cookie ? { Cookie: options.cookie } : {},
      logLevel: "error",
      output: "json",
    });
    const report = run.lhr;
    const audits = {};
    for (const ref of report.categories.pwa.auditRefs) {
      const audit = report.audits[ref.id];
      if (audit.scoreDisplayMode === "manual") continue;
      audits[ref.id] = { score: audit.score, explanation: audit.explanation || "" };
    }
    results[url] = { finalUrl: report.finalDisplayedUrl, audits };
  }
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(results));
