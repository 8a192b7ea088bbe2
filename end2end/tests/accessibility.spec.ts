// Every customer page passes axe-core at WCAG 2.2 AA, and a screenshot of each step is saved at
// desktop and phone width (end2end/screenshots/, not committed) for people to look at.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { countFor, nextCode, uniqueEmail } from './fixtures/mailbox';
import { FlowPages, signUp } from './fixtures/pages';
import { shortLivedOrigin } from '../playwright.config';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function check(page: Page, name: string) {
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`), name).toEqual([]);
  for (const [width, label] of [
    [1280, 'desktop'],
    [360, 'phone'],
  ] as const) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: `screenshots/${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('the static customer pages have no WCAG 2.2 AA violations', async ({ page }) => {
  for (const [path, name] of [
    ['/', 'home'],
    ['/sign-in', 'sign-in-email'],
    ['/sign-up', 'sign-up-email'],
    ['/reset', 'reset-email'],
    ['/passwordless', 'passwordless-email'],
    ['/unlock', 'unlock-email'],
    ['/access', 'access'],
    ['/guest?invitation=unknown', 'guest-invitation'],
    ['/no/such/page', 'not-found'],
  ]) {
    await page.goto(path);
    await check(page, name);
  }
});

test('every step of the reset and sign-in has no WCAG 2.2 AA violations', async ({ page, context }) => {
  const email = uniqueEmail('a11y');
  await signUp(page, email);
  await check(page, 'account');
  await context.clearCookies();

  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await check(page, 'sign-in-password');
  await page.getByLabel('Password', { exact: true }).fill('wrong password here');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText(/not right/);
  await check(page, 'sign-in-error');

  const flow = new FlowPages(page);
  const seen = countFor(email);
  await page.goto('/reset');
  await flow.submitEmail(email);
  await check(page, 'reset-code');
  await flow.submitCode('00000000');
  await expect(flow.alert()).toHaveText(/not right|no longer works/);
  await check(page, 'reset-code-error');
  await flow.submitCode(await nextCode(email, seen));
  await expect(flow.heading()).toHaveText('Choose a new password');
  await page.getByLabel('New password').fill('a decent new passphrase');
  await check(page, 'reset-new-password');
});

test('the pages work at 200 % zoom and 320 px wide without sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  for (const path of ['/', '/sign-in', '/reset', '/sign-up']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
});

test('the keyboard alone completes the email step, with a visible focus ring', async ({ page }) => {
  await page.goto('/reset');
  // The first Tab once the page is drawn (a Tab pressed while the wasm still loads lands nowhere).
  await expect(page.getByLabel('Email address')).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.getByLabel('Email address').focus();
  const outline = await page.getByLabel('Email address').evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.type(uniqueEmail('keys'));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Enter your code');
  // Focus moved to the new step's heading, so a screen reader announces it.
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
});

test('the sign-up and unlock steps have no WCAG 2.2 AA violations', async ({ page, context }) => {
  const email = uniqueEmail('a11y-steps');
  const flow = new FlowPages(page);
  await page.goto('/sign-up');
  await flow.submitEmail(email);
  await check(page, 'sign-up-code');
  await flow.submitCode(await nextCode(email, 0));
  await expect(flow.heading()).toHaveText('Finish creating your account');
  await check(page, 'sign-up-finish');
  await page.getByLabel('Display name').fill('Ada');
  await flow.choosePassword('a decent new passphrase', 'Create account');
  await expect(page).toHaveURL(/\/account$/);
  await context.clearCookies();

  await page.goto('/unlock');
  await flow.submitEmail(email);
  await flow.submitCode(await nextCode(email, 1));
  await expect(flow.heading()).toHaveText('Your identity is confirmed');
  await check(page, 'unlock-choice');
});

test('the dark theme keeps WCAG 2.2 AA contrast', async ({ page }) => {
  for (const [path, name] of [
    ['/reset', 'dark-reset-email'],
    ['/sign-in', 'dark-sign-in'],
  ]) {
    await page.goto(`${shortLivedOrigin}${path}`);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(17, 22, 29)');
    await check(page, name);
  }
});
