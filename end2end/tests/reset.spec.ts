// Self-service password reset in the browser, as seed 000 shows it: sign-in page → Forgot
// password? → the code sent to the email typed on the first page → new password → signed in.
import { test, expect } from '@playwright/test';
import { countFor, messageFor, nextCode, uniqueEmail } from './fixtures/mailbox';
import { FlowPages, PASSWORD, SignInPage, signUp } from './fixtures/pages';
import { shortLivedOrigin } from '../playwright.config';

const NEW_PASSWORD = 'a brand new passphrase 2026';

test('a customer resets a forgotten password and is signed back in', async ({ page, context }) => {
  const email = uniqueEmail('reset');
  await signUp(page, email);
  await context.clearCookies();

  const signIn = new SignInPage(page);
  await signIn.open();
  await signIn.enterEmail(email);
  const seen = countFor(email);
  // The address typed on the first page is used: nothing to retype, and the code is on its way.
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  const flow = new FlowPages(page);
  await expect(flow.heading()).toHaveText('Enter your code');
  await expect(page.getByText(/We sent a code to r•••@contoso\.example/)).toBeVisible();
  await expect(page).toHaveURL(/\/reset\/code\?flow=/);

  await flow.submitCode(await nextCode(email, seen));
  await expect(flow.heading()).toHaveText('Choose a new password');
  await expect(page).toHaveURL(/\/reset\/finish\?flow=/);
  await flow.choosePassword(NEW_PASSWORD, 'Reset password');

  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText(`(${email})`)).toBeVisible();
  // The customer is told by mail, and the old password is gone.
  const notice = await messageFor(email, seen + 1);
  expect(notice.data).toContain('password was changed');
  await context.clearCookies();
  await signIn.signIn(email, PASSWORD);
  await expect(page.getByRole('alert')).toHaveText(/email address or password is not right/);
  await signIn.signIn(email, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
});

test('a wrong code says how many tries are left, then the right code works', async ({ page }) => {
  const email = uniqueEmail('wrongcode');
  await signUp(page, email);
  const flow = new FlowPages(page);
  const seen = countFor(email);
  await page.goto('/reset');
  await flow.submitEmail(email);
  const code = await nextCode(email, seen);
  await flow.submitCode(code === '00000000' ? '11111111' : '00000000');
  await expect(flow.alert()).toHaveText(/That code is not right\. Tries left: 4/);
  await expect(page.getByLabel('Code', { exact: true })).toBeFocused();
  await expect(page.getByLabel('Code', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await flow.submitCode(code);
  await expect(flow.heading()).toHaveText('Choose a new password');
});

test('the password checklist follows the shared rules as the customer types', async ({ page }) => {
  const email = uniqueEmail('checklist');
  await signUp(page, email);
  const flow = new FlowPages(page);
  const seen = countFor(email);
  await page.goto('/reset');
  await flow.submitEmail(email);
  await flow.submitCode(await nextCode(email, seen));
  const length = page.getByRole('listitem').filter({ hasText: 'have 12 to 256 characters' });
  await page.getByLabel('New password').fill('short');
  await expect(length).toHaveAttribute('data-met', 'false');
  await page.getByLabel('New password').fill('long enough passphrase');
  await expect(length).toHaveAttribute('data-met', 'true');
  // The server's verdict on common passwords is shown too.
  await page.getByLabel('New password').fill('qwertyuiop123');
  await page.getByLabel('Confirm password').fill('qwertyuiop123');
  await page.getByRole('button', { name: 'Reset password' }).click();
  await expect(flow.alert()).toHaveText(/too common/);
  // Show password reveals what was typed.
  await page.getByRole('button', { name: 'Show password' }).first().click();
  await expect(page.getByLabel('New password')).toHaveAttribute('type', 'text');
});

test('a resent code replaces the old one, which then fails', async ({ page }) => {
  test.setTimeout(120_000);
  const email = uniqueEmail('resend');
  await signUp(page, email);
  const flow = new FlowPages(page);
  const seen = countFor(email);
  await page.goto('/reset');
  await flow.submitEmail(email);
  const old = await nextCode(email, seen);
  const resend = page.getByRole('button', { name: 'Resend code' });
  await expect(resend).toBeDisabled();
  await expect(page.getByText(/You can ask for a new code in \d+ s/)).toBeVisible();
  await expect(resend).toBeEnabled({ timeout: 70_000 });
  await resend.click();
  await expect(page.getByRole('status').filter({ hasText: 'A new code is on its way' })).toBeVisible();
  const fresh = await nextCode(email, seen + 1);
  if (old !== fresh) {
    await flow.submitCode(old);
    await expect(flow.alert()).toHaveText(/not right/);
  }
  await flow.submitCode(fresh);
  await expect(flow.heading()).toHaveText('Choose a new password');
});

test('an unknown address sees exactly the same screens and gets no mail', async ({ page }) => {
  const email = uniqueEmail('nobody');
  const flow = new FlowPages(page);
  await page.goto('/reset');
  await flow.submitEmail(email);
  await expect(page.getByText(/We sent a code to n•••@contoso\.example/)).toBeVisible();
  await flow.submitCode('12345678');
  await expect(flow.alert()).toHaveText(/That code is not right\. Tries left: 4/);
  await page.waitForTimeout(1500);
  expect(countFor(email)).toBe(0);
});

test('an expired or foreign flow link offers to start again', async ({ page }) => {
  await page.goto('/reset/code?flow=doesnotexist');
  await expect(page.getByRole('alert')).toHaveText(/it has expired, had too many wrong tries, or was opened in another browser/);
  await page.getByRole('link', { name: 'Start again' }).click();
  await expect(page).toHaveURL(/\/reset$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reset your password');
});

test('an expired code is refused with a way to get a new one', async ({ page }) => {
  // This server's codes live 3 seconds (SSPR_PASSCODE_LIFETIME_SECS); the main one's 10 minutes.
  const email = uniqueEmail('expired');
  const flow = new FlowPages(page);
  await page.goto(`${shortLivedOrigin}/sign-up`);
  await flow.submitEmail(email);
  const code = await nextCode(email, 0);
  await page.waitForTimeout(3500);
  await flow.submitCode(code);
  await expect(flow.alert()).toHaveText(/This code no longer works\. Ask for a new code\./);
  await expect(page.getByRole('button', { name: 'Resend code' })).toBeVisible();
});
