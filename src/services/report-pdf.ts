import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import type { Logger } from '../logger.js';

/** Why no PDF could be made; the route answers 503 with a message a person can act on. */
export class PdfUnavailableError extends Error {
  override name = 'PdfUnavailableError';
  constructor(
    readonly reason: 'no_browser' | 'busy' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

export interface PdfRequest {
  /** The service as this process itself reaches it (its own listening address), e.g. http://127.0.0.1:8080. */
  readonly origin: string;
  /** The dashboard route to print, e.g. `/reports/print?preset=H1&year=2026`. */
  readonly route: string;
  /** The requester's own access token: the page sees exactly what the requester may see. */
  readonly token: string;
  readonly lang: 'vi' | 'en';
}

// A print job is one browser (~150 MB); two at once is plenty for reports asked for a few times a month.
const MAX_CONCURRENT = 2;

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-extensions'];

/**
 * Renders the dashboard's print page to PDF in Chromium: the same page, the same CSS, as a person printing it
 * from the browser gets. A browser is started per document and closed after it, so nothing stays resident.
 */
export function reportPdfRenderer(deps: { chromiumPath: string; timeoutMs: number; logger: Logger }) {
  let running = 0;

  return {
    available(): boolean {
      return fs.existsSync(deps.chromiumPath);
    },

    async render(req: PdfRequest): Promise<Buffer> {
      if (!this.available()) throw new PdfUnavailableError('no_browser', `no Chromium at ${deps.chromiumPath}`);
      if (running >= MAX_CONCURRENT) throw new PdfUnavailableError('busy', 'another PDF is being rendered');
      running += 1;
      let browser: Browser | undefined;
      const started = Date.now();
      try {
        try {
          // playwright-core adds about 50 MB to a process that loads it; a PDF is asked for a few times a month.
          const { chromium } = await import('playwright-core');
          browser = await chromium.launch({ executablePath: deps.chromiumPath, args: ARGS, headless: true, timeout: deps.timeoutMs });
        } catch (err) {
          throw new PdfUnavailableError('no_browser', `Chromium at ${deps.chromiumPath} did not start: ${(err as Error).message.split('\n')[0]}`);
        }
        const context = await browser.newContext({ locale: req.lang === 'vi' ? 'vi-VN' : 'en-GB', timezoneId: 'Asia/Ho_Chi_Minh', serviceWorkers: 'block' });
        context.setDefaultTimeout(deps.timeoutMs);
        // The page may talk to this service only: nothing else is fetched on the server's behalf.
        await context.route('**/*', (route) => (route.request().url().startsWith(`${req.origin}/`) ? route.continue() : route.abort('blockedbyclient')));
        // Signed in as the dashboard signs in: the token and language in the page's own storage (a script of ours, not
        // the page's, so the page's CSP does not apply to it). Text, not a function: this code has no DOM types.
        await context.addInitScript({
          content: `localStorage.setItem('loaxa.token', ${JSON.stringify(req.token)}); localStorage.setItem('loaxa.lang', ${JSON.stringify(req.lang)});`,
        });
        const page = await context.newPage();
        await page.goto(`${req.origin}/#${req.route}`);
        const outcome = await page.waitForSelector('[data-print-ready], [data-print-error]');
        if ((await outcome.getAttribute('data-print-error')) !== null) {
          throw new PdfUnavailableError('failed', `the print page could not load the report: ${(await outcome.innerText()).slice(0, 300)}`);
        }
        await page.evaluate('document.fonts.ready.then(() => true)');
        const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
        deps.logger.info({ ms: Date.now() - started, bytes: pdf.length }, 'report PDF rendered');
        return pdf;
      } catch (err) {
        if (err instanceof PdfUnavailableError) throw err;
        throw new PdfUnavailableError('failed', (err as Error).message.split('\n')[0] ?? 'rendering failed');
      } finally {
        running -= 1;
        await browser?.close().catch(() => undefined);
      }
    },
  };
}

export type ReportPdfRenderer = ReturnType<typeof reportPdfRenderer>;
