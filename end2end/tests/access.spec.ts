// "Can't access your account?" (SPEC C10) in the browser. By default the page asks for the
// email and the digits of an on-screen picture from the start; only development mode shows the
// answer (beside its outbox, at /dev/outbox), so that part runs on a development-mode server
// this spec starts for itself with the default, mail still going to the SMTP sink. The unlock
// choice runs on the suite's production-mode server, which allows three tries without the
// picture (SSPR_CAPTCHA_FREE_TRIES=3), where the entry point is tried once.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { countFor, nextCode, uniqueEmail } from './fixtures/mailbox';
import { FlowPages, PASSWORD, SignInPage, signUp } from './fixtures/pages';
import { serverBin, serverEnv } from '../playwright.config';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const HEADING = 'Can’t access your account?';

let dev: ChildProcess | undefined;
let devOrigin = '';

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

test.beforeAll(async () => {
  const port = await freePort();
  devOrigin = `http://127.0.0.1:${port}`;
  // Development mode as `cargo xtask run` starts it: no SSPR_SECRET (one is kept in the data
  // folder), the answers listed beside the outbox.
  const env: Record<string, string> = {
    ...serverEnv,
    SSPR_DEV: 'true',
    SSPR_LISTEN: `127.0.0.1:${port}`,
    SSPR_PUBLIC_ORIGIN: devOrigin,
    SSPR_DATABASE_URL: `sqlite://${path.join(process.env.SSPR_E2E_DIR!, 'development', 'sspr.db')}`,
  };
  delete env.SSPR_CAPTCHA_FREE_TRIES;
  delete env.SSPR_SECRET;
  dev = spawn(serverBin, [], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
  await expect
    .poll(async () => fetch(`${devOrigin}/api/health`).then((r) => r.status).catch(() => 0), { timeout: 30_000 })
    .toBe(200);
});

test.afterAll(() => {
  dev?.kill();
});

/** Fills the entry point and presses Next. */
async function tryAccess(page: Page, email: string, choice: 'I forgot my password' | 'I know my password, but still can’t sign in') {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel(choice).check();
  await page.getByRole('button', { name: 'Next' }).click();
}

/** The answer of the picture on `page`, read where development mode shows it. */
async function shownAnswer(page: Page): Promise<string> {
  const src = await page.getByRole('img', { name: /Verification picture/ }).getAttribute('src');
  const id = /\/api\/captcha\/([^/]+)\/image/.exec(src ?? '')![1];
  const outbox = await page.context().newPage();
  await outbox.goto(`${devOrigin}/dev/outbox`);
  const answer = await outbox.locator(`.captcha-answer[data-captcha-id="${id}"]`).textContent();
  await outbox.close();
  return answer!.trim();
}

test('Can’t access your account? asks for the email and the on-screen code from the start, and the reset goes through it', async ({ page, context }) => {
  const email = uniqueEmail('captcha');
  const flow = new FlowPages(page);
  // Every page on the development server (the fixtures' own paths lead to the suite's server).
  await page.goto(`${devOrigin}/sign-up`);
  await flow.submitEmail(email);
  await flow.submitCode(await nextCode(email, 0));
  await page.getByLabel('Display name').fill('Jane Doe');
  await flow.choosePassword(PASSWORD, 'Create account');
  await expect(page).toHaveURL(/\/account$/);
  await context.clearCookies();

  // From the sign-in page's password step.
  await page.goto(`${devOrigin}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('link', { name: HEADING }).click();
  await expect(flow.heading()).toHaveText(HEADING);
  await expect(page).toHaveURL(/\/access$/);
  await expect(page.getByLabel('Email address')).toHaveValue(email);
  // The picture is there from the start, without taking the focus from the page's heading.
  const picture = page.getByRole('img', { name: /Verification picture/ });
  await expect(picture).toBeVisible();
  await expect(flow.heading()).toBeFocused();

  // Next without its digits is refused on the page, and the field focused.
  await tryAccess(page, email, 'I forgot my password');
  await expect(flow.alert()).toHaveText('Type the digits in the picture.');
  await expect(page.getByLabel('Digits in the picture')).toBeFocused();
  await expect(page.getByRole('link', { name: /Listen to the digits/ })).toHaveAttribute('href', /\/api\/captcha\/.+\/audio$/);
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
  await page.screenshot({ path: 'screenshots/access-captcha-desktop.png', fullPage: true });

  // A wrong answer is refused and brings a new picture.
  const first = await picture.getAttribute('src');
  const answer = await shownAnswer(page);
  await page.getByLabel('Digits in the picture').fill(answer === '111111' ? '222222' : '111111');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(flow.alert()).toHaveText(/did not match/);
  await expect(picture).not.toHaveAttribute('src', first!);
  await expect(page.getByLabel('Digits in the picture')).toBeFocused();
  await expect(page.getByLabel('Digits in the picture')).toHaveValue('');

  // The right one starts the reset: code, new password, signed in.
  const seen = countFor(email);
  await page.getByLabel('Digits in the picture').fill(await shownAnswer(page));
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(flow.heading()).toHaveText('Enter your code');
  await expect(page).toHaveURL(/\/reset\/code\?flow=/);
  await flow.submitCode(await nextCode(email, seen));
  await expect(flow.heading()).toHaveText('Choose a new password');
  await flow.choosePassword('through the picture 2026', 'Reset password');
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText(`(${email})`)).toBeVisible();
});

test('a picture about to expire with nothing typed is replaced quietly', async ({ page }) => {
  await page.clock.install();
  await page.goto(`${devOrigin}/access`);
  const picture = page.getByRole('img', { name: /Verification picture/ });
  await expect(picture).toBeVisible();
  const first = await picture.getAttribute('src');
  // Four minutes on (a picture lives five), nothing typed: still the same one.
  await page.clock.runFor('04:00');
  await expect(picture).toHaveAttribute('src', first!);
  // Within half a minute of its end it is replaced, and the focus stays where it was.
  await page.clock.runFor('00:45');
  await expect(picture).not.toHaveAttribute('src', first!);
  await expect(page.getByLabel('Digits in the picture')).not.toBeFocused();
});

test('the unlock choice of Can’t access your account? leads to the unlock steps', async ({ page, context }) => {
  const email = uniqueEmail('access-unlock');
  await signUp(page, email);
  await context.clearCookies();
  const signIn = new SignInPage(page);
  await signIn.open();
  await signIn.enterEmail(email);
  const prompt = page.waitForResponse((r) => r.url().endsWith('/api/flows/access') && r.request().method() === 'GET');
  await page.getByRole('link', { name: HEADING }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(HEADING);
  // This server allows a few tries without the picture: none is shown.
  expect(await (await prompt).json()).toEqual({ captcha_required: false });
  await expect(page.getByRole('img', { name: /Verification picture/ })).toHaveCount(0);
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
  // Nothing chosen: said, and the first choice focused.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('alert')).toHaveText('Choose what happened.');
  await expect(page.getByLabel('I forgot my password')).toBeFocused();

  const flow = new FlowPages(page);
  const seen = countFor(email);
  await tryAccess(page, email, 'I know my password, but still can’t sign in');
  await expect(flow.heading()).toHaveText('Enter your code');
  await expect(page).toHaveURL(/\/unlock\/code\?flow=/);
  await flow.submitCode(await nextCode(email, seen));
  await expect(flow.heading()).toHaveText('Your identity is confirmed');
  await page.getByRole('button', { name: 'Unlock and keep my password' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await signIn.enterEmail(email);
  await signIn.enterPassword(PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
});
