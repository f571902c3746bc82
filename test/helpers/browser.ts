import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; playwright-core never downloads a browser of its own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. Install Debian's package: ` +
        'apt-get install -y --no-install-recommends chromium (.ci/run does this).',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught exceptions, console errors (CSP violations among them) and failed requests to our origin. */
  problems: string[];
}

/** A fresh context (own storage) and page, with every page error collected. */
export async function openPage(browser: Browser, opts: { width: number; height: number; baseURL: string; isMobile?: boolean }): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width, height: opts.height },
    baseURL: opts.baseURL,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    acceptDownloads: true,
    ...(opts.isMobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // 4xx answers the page handles (a refused upload, another station's 403) are logged by the browser
    // as failed resources; they are expected. Everything else is a problem.
    if (msg.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) {
      problems.push(`console: ${msg.text()}`);
    }
  });
  return { page, context, problems };
}

/** Signs in through the form with an access token and waits for the header to show who it is. */
export async function signInWithToken(page: Page, token: string): Promise<void> {
  await page.goto('/#/signin');
  // The token way is the second one, folded under the name-and-password form.
  const folded = page.locator('details.signin-token');
  if ((await folded.getAttribute('open')) === null) await folded.locator('summary').click();
  await page.getByLabel('Mã truy cập').fill(token);
  await page.getByRole('button', { name: 'Đăng nhập bằng mã' }).click();
  await page.locator('[data-testid="who"]').waitFor({ state: 'visible' });
}

/** Signs in through the form with a login name and password and waits for the header to show who it is. */
export async function signInWithPassword(page: Page, login: string, password: string): Promise<void> {
  await page.goto('/#/signin');
  await page.getByLabel('Tên đăng nhập').fill(login);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.locator('[data-testid="who"]').waitFor({ state: 'visible' });
}

// Runs in the page (the project's TypeScript has no DOM types, hence a string).
const overflowCheck = (width: number) => `(() => {
  const root = document.documentElement;
  const width = ${width};
  const culprits = [];
  if (root.scrollWidth > width || root.clientWidth > width) {
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      // Content inside a box that scrolls on its own (the wide grid) may be wider.
      if (r.right > width + 1 && !el.closest('.grid-scroll')) culprits.push(el.tagName.toLowerCase() + '.' + el.className + ' (' + Math.round(r.right) + 'px)');
      if (culprits.length > 8) break;
    }
  }
  // A phone browser widens its layout viewport to fit wide content, so both are compared to the real width.
  return { overflows: root.scrollWidth > width || root.clientWidth > width, scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, culprits };
})()`;

/**
 * Whether the page is wider than the viewport's real width (a horizontal scroll bar on the page itself),
 * naming the elements that stick out (wide content inside .grid-scroll does not count).
 */
export async function pageOverflowsX(page: Page): Promise<{ overflows: boolean; scrollWidth: number; clientWidth: number; culprits: string[] }> {
  const width = page.viewportSize()?.width ?? 0;
  return (await page.evaluate(overflowCheck(width))) as { overflows: boolean; scrollWidth: number; clientWidth: number; culprits: string[] };
}

/** The page's location hash. */
export async function hashOf(page: Page): Promise<string> {
  return String(await page.evaluate('location.hash'));
}
