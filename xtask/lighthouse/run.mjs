// Lighthouse 12 (its default config: the mobile preset with simulated throttling) against a
// running Fairline demo, three runs for each of two situations: the check step of a fresh page,
// and the wait step, opened by reloading with a held ticket. Prints every run, the median of each
// measure, the targets of issue 11 and what limits the score; writes target/lighthouse/summary.json
// and the last run of each situation as HTML (and its final screenshot).
//
// Usage: node xtask/lighthouse/run.mjs URL [--runs N]   (`cargo xtask lighthouse` starts the server
// and runs this). CHROMIUM_PATH overrides /usr/bin/chromium.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { JourneyPage, STATE_PATH } from '../../e2e/pages/journey-page.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = path.join(repoRoot, 'target', 'lighthouse');
const CATEGORIES = ['performance', 'accessibility', 'best-practices'];
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--disable-extensions', '--remote-debugging-address=127.0.0.1',
  '--remote-debugging-port=0',
];
/** Issue 11's targets, checked against the medians. */
const TARGETS = [
  ['performance', (m) => m.performance >= 95, '≥ 95'],
  ['accessibility', (m) => m.accessibility === 100, '= 100'],
  ['best-practices', (m) => m.bestPractices === 100, '= 100'],
  ['LCP', (m) => m.lcpS <= 2.0, '≤ 2.0 s'],
  ['CLS', (m) => m.cls <= 0.02, '≤ 0.02'],
];

function parseArgs(argv) {
  const options = { url: undefined, runs: 3 };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--runs') options.runs = Number(argv[(i += 1)]);
    else options.url = argv[i];
  }
  if (!options.url || !(options.runs >= 1)) {
    throw new Error('usage: node xtask/lighthouse/run.mjs URL [--runs N]');
  }
  return options;
}

/** Debian Chromium, headless, on a DevTools port of its choosing, with a throwaway profile. */
async function launchChromium() {
  const profile = mkdtempSync(path.join(tmpdir(), 'fairline-lighthouse-'));
  const executable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const child = spawn(executable, [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let log = '';
  child.stderr.on('data', (chunk) => { log += chunk; });
  let port;
  for (let tries = 0; tries < 300 && port === undefined; tries += 1) {
    if (child.exitCode !== null) throw new Error(`chromium exited (${child.exitCode}):\n${log}`);
    try {
      port = Number(readFileSync(path.join(profile, 'DevToolsActivePort'), 'utf8').split('\n')[0]);
    } catch {
      await sleep(100);
    }
  }
  if (!port) throw new Error(`chromium opened no DevTools port in 30 s:\n${log}`);
  return {
    port,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        try { process.kill(-child.pid, 'SIGTERM'); } catch { child.kill('SIGTERM'); }
        await Promise.race([exited, sleep(5_000)]);
        if (child.exitCode === null) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
      }
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The measures of one Lighthouse result. */
function measures(lhr) {
  const audit = (id) => lhr.audits[id]?.numericValue ?? NaN;
  const score = (id) => Math.round((lhr.categories[id]?.score ?? NaN) * 100);
  return {
    performance: score('performance'),
    accessibility: score('accessibility'),
    bestPractices: score('best-practices'),
    lcpS: audit('largest-contentful-paint') / 1000,
    cls: audit('cumulative-layout-shift'),
    fcpS: audit('first-contentful-paint') / 1000,
    tbtMs: audit('total-blocking-time'),
    bytes: audit('total-byte-weight'),
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function medians(runs) {
  const keys = Object.keys(runs[0]);
  return Object.fromEntries(keys.map((key) => [key, median(runs.map((run) => run[key]))]));
}

/** Which step the page Lighthouse loaded showed: only the wait step polls the queue state. */
function stepSeen(lhr) {
  const requests = lhr.audits['network-requests']?.details?.items ?? [];
  const polled = requests.some((r) => new URL(r.url).pathname === STATE_PATH);
  return polled ? 'wait' : 'check';
}

/** Audits of `category` that count and did not pass, with the elements they name. */
function failingAudits(lhr, category) {
  const failing = [];
  for (const ref of lhr.categories[category]?.auditRefs ?? []) {
    const audit = lhr.audits[ref.id];
    if (!audit || audit.score === null || audit.score >= 1) continue;
    if (['notApplicable', 'manual', 'informative'].includes(audit.scoreDisplayMode)) continue;
    if (category === 'performance' && (ref.group === 'metrics' || audit.score >= 0.9)) continue;
    const items = audit.details?.items ?? [];
    const nodes = items
      .map((item) => item.node?.snippet ?? (typeof item.url === 'string' ? item.url : ''))
      .filter(Boolean)
      .slice(0, 5);
    failing.push({ id: audit.id, title: audit.title, displayValue: audit.displayValue ?? '', weight: ref.weight, nodes });
  }
  return failing;
}

/** What limits the performance score, from one result. */
function diagnostics(lhr) {
  const lcpAudit = lhr.audits['largest-contentful-paint-element'];
  const lcpTables = lcpAudit?.details?.items ?? [];
  const lcpNode = lcpTables[0]?.items?.[0]?.node;
  const phases = (lcpTables[1]?.items ?? []).map((p) => ({ phase: p.phase ?? p.label, ms: Math.round(p.timing) }));
  const shortUrl = (url) => { try { return new URL(url).pathname; } catch { return url; } };
  const table = (id, pick) => (lhr.audits[id]?.details?.items ?? []).map(pick);
  return {
    lcpElement: lcpNode ? { label: lcpNode.nodeLabel, selector: lcpNode.selector, snippet: lcpNode.snippet } : null,
    lcpPhases: phases,
    renderBlocking: table('render-blocking-resources', (i) => ({ url: shortUrl(i.url), bytes: i.totalBytes, wastedMs: i.wastedMs })),
    bootup: table('bootup-time', (i) => ({ url: shortUrl(i.url), totalMs: Math.round(i.total), scriptingMs: Math.round(i.scripting), parseCompileMs: Math.round(i.scriptParseCompile) })),
    unusedJavascript: table('unused-javascript', (i) => ({ url: shortUrl(i.url), bytes: i.totalBytes, wastedBytes: i.wastedBytes })),
    mainThread: table('mainthread-work-breakdown', (i) => ({ group: i.groupLabel ?? i.group, ms: Math.round(i.duration) })),
    layoutShifts: table('layout-shifts', (i) => ({ score: i.score, element: i.node?.snippet, selector: i.node?.selector })),
    requests: table('network-requests', (i) => ({
      url: shortUrl(i.url), type: i.resourceType, transferBytes: i.transferSize, resourceBytes: i.resourceSize,
      startMs: Math.round(i.networkRequestTime), endMs: Math.round(i.networkEndTime),
    })),
    serverResponseMs: Math.round(lhr.audits['server-response-time']?.numericValue ?? NaN),
    warnings: lhr.runWarnings ?? [],
  };
}

/**
 * Connects playwright to the Chromium for `use(browser)` only, then disconnects, so playwright is
 * not attached to the tabs Lighthouse measures.
 */
async function withPlaywright(port, use) {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  try {
    return await use(browser);
  } finally {
    await browser.close();
  }
}

/** Joins the queue in the browser's default context, so its local storage holds the ticket. */
async function holdTicket(browser, url) {
  const context = browser.contexts()[0];
  const page = await context.newPage();
  try {
    const widget = new JourneyPage(page, url);
    await widget.open();
    await widget.fillDetails({ birthDate: '1964-03-15' });
    await widget.check();
    await widget.join();
    const held = await page.evaluate(() => Object.keys(localStorage));
    console.log(`wait step: joined the queue with playwright; local storage holds ${held.join(', ')}`);
  } finally {
    await page.close();
  }
}

/** Empties the HTTP cache (Lighthouse leaves it alone when storage reset is off). */
async function clearHttpCache(browser) {
  const context = browser.contexts()[0];
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
    await cdp.detach();
  } finally {
    await page.close();
  }
}

/** After the runs: a plain reload in the same profile still opens the wait step. */
async function waitStepOnReload(browser, url) {
  const page = await browser.contexts()[0].newPage();
  try {
    await page.goto(url);
    await page.locator('#fl-step-heading').waitFor({ timeout: 20_000 });
    return (await page.locator('#fl-step-heading').textContent()).trim();
  } finally {
    await page.close();
  }
}

async function measureSituation(chrome, url, situation, runs) {
  const results = [];
  let last;
  for (let run = 1; run <= runs; run += 1) {
    if (situation.holdsTicket) await withPlaywright(chrome.port, clearHttpCache);
    const result = await lighthouse(url, {
      port: chrome.port,
      output: ['json', 'html'],
      logLevel: 'error',
      onlyCategories: CATEGORIES,
      disableStorageReset: situation.holdsTicket,
    });
    if (!result) throw new Error(`${situation.name}: lighthouse returned nothing`);
    const { lhr } = result;
    if (lhr.runtimeError) throw new Error(`${situation.name}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const seen = stepSeen(lhr);
    const expected = situation.holdsTicket ? 'wait' : 'check';
    if (seen !== expected) {
      throw new Error(`${situation.name} run ${run}: the page showed the ${seen} step, not the ${expected} step`);
    }
    const m = measures(lhr);
    results.push(m);
    printRow(`${situation.name} #${run}`, m);
    last = result;
  }
  return { results, last };
}

const COLUMNS = ['', 'perf', 'a11y', 'best-pr', 'LCP s', 'CLS', 'FCP s', 'TBT ms', 'bytes'];
const WIDTHS = [16, 5, 5, 8, 6, 6, 6, 7, 8];

function printHeader() {
  console.log(COLUMNS.map((c, i) => (i ? c.padStart(WIDTHS[i]) : c.padEnd(WIDTHS[i]))).join(' '));
}

function printRow(label, m) {
  const cells = [label, m.performance, m.accessibility, m.bestPractices, m.lcpS.toFixed(2),
    m.cls.toFixed(3), m.fcpS.toFixed(2), Math.round(m.tbtMs), Math.round(m.bytes)];
  console.log(cells.map((c, i) => (i ? String(c).padStart(WIDTHS[i]) : String(c).padEnd(WIDTHS[i]))).join(' '));
}

function printFindings(name, lhr, diag) {
  console.log(`\n== ${name}: what limits the score (last run)`);
  if (diag.lcpElement) {
    console.log(`LCP element: ${diag.lcpElement.snippet} "${diag.lcpElement.label}"`);
  }
  if (diag.lcpPhases.length) {
    console.log(`LCP phases: ${diag.lcpPhases.map((p) => `${p.phase} ${p.ms} ms`).join(', ')}`);
  }
  console.log(`server response: ${diag.serverResponseMs} ms`);
  const list = (title, rows, show) => {
    console.log(`${title}: ${rows.length ? '' : 'none'}`);
    for (const row of rows) console.log(`  ${show(row)}`);
  };
  list('render-blocking', diag.renderBlocking, (r) => `${r.url} ${r.bytes} B, ${Math.round(r.wastedMs)} ms`);
  list('bootup-time', diag.bootup, (r) => `${r.url} total ${r.totalMs} ms (scripting ${r.scriptingMs}, parse/compile ${r.parseCompileMs})`);
  list('unused-javascript', diag.unusedJavascript, (r) => `${r.url} ${r.wastedBytes} of ${r.bytes} B unused`);
  list('main thread', diag.mainThread, (r) => `${r.group} ${r.ms} ms`);
  list('layout shifts', diag.layoutShifts, (r) => `${r.score.toFixed(3)} ${r.selector} ${r.element}`);
  list('requests (unthrottled load, ms from navigation)', diag.requests,
    (r) => `${String(r.startMs).padStart(5)}–${String(r.endMs).padEnd(5)} ${r.url} ${r.transferBytes} B sent (${r.resourceBytes} B)`);
  for (const category of CATEGORIES) {
    const failing = failingAudits(lhr, category);
    const label = category === 'performance' ? 'performance audits below 0.9' : `failing ${category} audits`;
    list(label, failing, (a) => `${a.id}: ${a.title}${a.displayValue ? ` (${a.displayValue})` : ''}${a.nodes.length ? `\n      ${a.nodes.join('\n      ')}` : ''}`);
  }
  for (const warning of diag.warnings) console.log(`lighthouse warning: ${warning}`);
}

async function main() {
  const { url, runs } = parseArgs(process.argv.slice(2));
  mkdirSync(outDir, { recursive: true });
  const chrome = await launchChromium();
  try {
    const version = await withPlaywright(chrome.port, async (browser) => browser.version());
    console.log(`lighthouse 12 mobile preset (simulated throttling), ${runs} runs each, Chromium ${version}, ${url}\n`);
    const situations = [
      { name: 'check', holdsTicket: false, title: 'check step (fresh page, storage reset)' },
      { name: 'wait', holdsTicket: true, title: 'wait step (reload with a held ticket)' },
    ];
    const summary = { url, chromium: version, runs, situations: {} };
    for (const situation of situations) {
      if (situation.holdsTicket) await withPlaywright(chrome.port, (browser) => holdTicket(browser, url));
      console.log(`\n== ${situation.title}`);
      printHeader();
      const { results, last } = await measureSituation(chrome, url, situation, runs);
      const middle = medians(results);
      printRow(`${situation.name} median`, middle);
      const targets = TARGETS.map(([name, met, target]) => ({ name, target, met: met(middle) }));
      console.log(targets.map((t) => `${t.name} ${t.target}: ${t.met ? 'met' : 'MISSED'}`).join('; '));
      const [json, html] = last.report;
      writeFileSync(path.join(outDir, `${situation.name}.report.html`), html);
      writeFileSync(path.join(outDir, `${situation.name}.report.json`), json);
      const shot = last.lhr.audits['final-screenshot']?.details?.data;
      if (shot) writeFileSync(path.join(outDir, `${situation.name}.final.jpg`), Buffer.from(shot.split(',')[1], 'base64'));
      const diag = diagnostics(last.lhr);
      const step = { seenInEveryRun: stepSeen(last.lhr) };
      if (situation.holdsTicket) {
        step.headingOnReloadAfterRuns = await withPlaywright(chrome.port, (browser) => waitStepOnReload(browser, url));
        console.log(`wait step confirmed: every run's page polled ${STATE_PATH} (only the wait step does); `
          + `a reload after the runs shows "${step.headingOnReloadAfterRuns}"`);
      } else {
        console.log(`check step confirmed: no run's page polled ${STATE_PATH}`);
      }
      printFindings(situation.name, last.lhr, diag);
      summary.situations[situation.name] = {
        title: situation.title,
        runs: results,
        median: middle,
        targets,
        step,
        diagnostics: diag,
        failing: Object.fromEntries(CATEGORIES.map((c) => [c, failingAudits(last.lhr, c)])),
      };
    }
    writeFileSync(path.join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`\nwrote ${path.relative(repoRoot, outDir)}/summary.json, {check,wait}.report.html, .report.json, .final.jpg`);
  } finally {
    await chrome.close();
  }
}

main().catch((error) => {
  console.error(`lighthouse: ${error.stack ?? error}`);
  process.exit(1);
});
