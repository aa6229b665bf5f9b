// The public pages in a real browser (Debian's Chromium, headless, driven by
// puppeteer-core; axe-core checks accessibility). Called by
// tests/web_browser.rs, which starts the service and reads the JSON this
// prints; the assertions are there. Never fetches anything but the service.
//
// Usage: NODE_PATH=<judge>/node_modules node web_browser.cjs PLAN.json
// PLAN: { base, out, chromium, pages: [{ name, path, lang }],
//         uploads: [{ name, file, lang }] }
// Prints: { pages: [...], uploads: [...] }, one entry per plan entry.

const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

// Every request a page makes that is not to the service under test.
function watch(page, base) {
  const external = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('about:')) external.push(u);
  });
  return external;
}

async function facts(page) {
  return page.evaluate(() => {
    const v = document.getElementById('verdict');
    return {
      lang: document.documentElement.lang,
      title: document.title,
      text: document.body ? document.body.innerText : '',
      indication: v ? v.getAttribute('data-indication') : null,
      scripts: document.scripts.length,
      width: document.documentElement.scrollWidth,
    };
  });
}

async function visit(browser, entry, js) {
  const page = await browser.newPage();
  await page.setJavaScriptEnabled(js);
  // A phone: the QR code is scanned with one.
  await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1, isMobile: true });
  const external = watch(page, plan.base);
  const resp = await page.goto(plan.base + entry.path, { waitUntil: 'load' });
  const f = await facts(page);
  const shot = path.join(plan.out, `${entry.name}-${entry.lang}${js ? '' : '-nojs'}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  await page.close();
  return { status: resp.status(), csp: resp.headers()['content-security-policy'] || '', external, screenshot: shot, ...f };
}

// axe-core in a page that lets it in (the service's CSP rightly refuses
// injected scripts; the rules read the same DOM).
async function axe(browser, entry) {
  const page = await browser.newPage();
  await page.setBypassCSP(true);
  await page.goto(plan.base + entry.path, { waitUntil: 'load' });
  await page.addScriptTag({ content: axeSource });
  const r = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const res = await axe.run(document, { resultTypes: ['violations'] });
    return res.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
  });
  await page.close();
  return r;
}

async function upload(browser, u) {
  const page = await browser.newPage();
  await page.setJavaScriptEnabled(false);
  const external = watch(page, plan.base);
  await page.goto(`${plan.base}/check?lang=${u.lang}`, { waitUntil: 'load' });
  const input = await page.$('input[name=file]');
  await input.uploadFile(u.file);
  const [resp] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.click('button[name=format][value=html]'),
  ]);
  const f = await facts(page);
  const shot = path.join(plan.out, `check-${u.name}-${u.lang}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  await page.close();
  return { name: u.name, status: resp.status(), external, screenshot: shot, ...f };
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: plan.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-default-apps'],
  });
  const out = { pages: [], uploads: [] };
  try {
    for (const entry of plan.pages) {
      const withJs = await visit(browser, entry, true);
      const withoutJs = await visit(browser, entry, false);
      const violations = await axe(browser, entry);
      out.pages.push({ name: entry.name, lang: entry.lang, path: entry.path, js: withJs, nojs: withoutJs, axe: violations });
    }
    for (const u of plan.uploads) out.uploads.push(await upload(browser, u));
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e));
  process.exit(2);
});
