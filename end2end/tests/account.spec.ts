// The account page: sessions, signing another one out, and signing out.
import { test, expect } from '@playwright/test';
import { uniqueEmail } from './fixtures/mailbox';
import { PASSWORD, SignInPage, signUp } from './fixtures/pages';

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
  await page.getByRole('button', { name: 'Sign out this session' }).click();
  await expect(sessions.getByRole('listitem')).toHaveCount(1);

  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/sign-in$/);
  await other.close();
});
