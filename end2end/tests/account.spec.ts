// The account page: sessions, signing another one out, signing out, and changing the password.
import { test, expect } from '@playwright/test';
import { countFor, messageFor, nextCode, uniqueEmail } from './fixtures/mailbox';
import { axeClean } from './fixtures/methods';
import { FlowPages, PASSWORD, SignInPage, signUp } from './fixtures/pages';

test('signing out ends the session on the server', async ({ page }) => {
  await signUp(page, uniqueEmail('signout'));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/account');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('a customer signs out another of their sessions', async ({ page, browser }) => {
  const email = uniqueEmail('revoke');
  await signUp(page, email);
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await new SignInPage(otherPage).signIn(email, PASSWORD);
  await expect(otherPage).toHaveURL(/\/account$/);

  await page.reload();
  const sessions = page.getByRole('list').filter({ has: page.getByText('This session') });
  await expect(sessions.getByRole('listitem')).toHaveCount(2);
  const revoke = page.getByRole('button', { name: 'Sign out this session' });
  // The button is described by its session (browser and address), so each is told apart.
  await expect(revoke).toHaveAccessibleDescription(/127\.0\.0\.1/);
  // A try that fails is said; the next one that works clears it.
  let failed = false;
  await page.route('**/api/sessions/*', (route) => {
    if (route.request().method() === 'DELETE' && !failed) {
      failed = true;
      return route.abort();
    }
    return route.continue();
  });
  await revoke.click();
  await expect(page.locator('#form-error')).toBeVisible();
  await revoke.click();
  await expect(sessions.getByRole('listitem')).toHaveCount(1);
  await expect(page.locator('#form-error')).toHaveCount(0);

  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/sign-in$/);
  await other.close();
});

test('a customer changes their password: the current one first, the rules as they type, other sessions signed out', async ({
  page,
  browser,
}) => {
  const email = uniqueEmail('change');
  const newPassword = 'another long passphrase 2027';
  await signUp(page, email);
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await new SignInPage(otherPage).signIn(email, PASSWORD);
  await expect(otherPage).toHaveURL(/\/account$/);

  await page.getByRole('link', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/\/account\/password$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Change your password');
  await expect(page.locator('input[autocomplete="username"]')).toHaveValue(email);
  await axeClean(page, 'change password');

  // A wrong current password is refused, and that field is the one marked.
  const current = page.getByLabel('Current password', { exact: true });
  await current.fill('not my password at all');
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Confirm password', { exact: true }).fill(newPassword);
  await expect(page.locator('.rule[data-met="true"]')).toHaveCount(4);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('alert')).toHaveText(/current password is not right/);
  await expect(current).toHaveAttribute('aria-invalid', 'true');
  await expect(current).toBeFocused();

  // Confirmation that differs is caught before anything is sent.
  await current.fill(PASSWORD);
  await page.getByLabel('Confirm password', { exact: true }).fill(`${newPassword}!`);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('alert')).toHaveText(/not the same/);
  await expect(page.getByLabel('Confirm password', { exact: true })).toHaveAttribute('aria-invalid', 'true');

  const seen = countFor(email);
  await page.getByLabel('Confirm password', { exact: true }).fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your password was changed' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await expect(page.getByLabel('Current password', { exact: true })).toHaveCount(0);
  expect((await messageFor(email, seen)).data).toContain('password was changed');

  // The other session is gone; the new password signs in and the old one does not.
  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/sign-in$/);
  await other.close();
  await page.getByRole('link', { name: 'Back to your account' }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  const signIn = new SignInPage(page);
  await signIn.signIn(email, PASSWORD);
  await expect(page.getByRole('alert')).toHaveText(/email address or password is not right/);
  await signIn.signIn(email, newPassword);
  await expect(page).toHaveURL(/\/account$/);
});

test('the password change page sends a visitor who is not signed in to sign in', async ({ page }) => {
  await page.goto('/account/password');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('an account without a password is told it has none to change', async ({ page }) => {
  const email = uniqueEmail('nopassword');
  const flow = new FlowPages(page);
  await page.goto('/passwordless');
  await flow.submitEmail(email);
  await flow.submitCode(await nextCode(email, 0));
  await page.getByLabel('Display name').fill('Codes Only');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('link', { name: 'Change password' })).toHaveCount(0);
  await page.goto('/account/password');
  await expect(page.getByText('has no password to change')).toBeVisible();
  await expect(page.getByLabel('Current password', { exact: true })).toHaveCount(0);
});
