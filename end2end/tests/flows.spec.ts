// Sign-up, passwordless sign-in, guest redemption, and unlocking a locked account.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { countFor, messageFor, nextCode, uniqueEmail } from './fixtures/mailbox';
import { lockOut } from './fixtures/methods';
import { FlowPages, PASSWORD, signUp } from './fixtures/pages';
import { serverBin, serverEnv } from '../playwright.config';

test('a customer signs up: email, code, name and password, then signed in', async ({ page }) => {
  const email = uniqueEmail('signup');
  await signUp(page, email);
  await expect(page.getByRole('heading', { name: 'Sign-in methods' })).toBeVisible();
  const password = page.getByRole('listitem').filter({ hasText: /^Password\b/ });
  await expect(password).toBeVisible();
  await expect(password.getByRole('link', { name: 'Change password' })).toBeVisible();
});

test('a customer signs in with an emailed code and no password', async ({ page }) => {
  const email = uniqueEmail('otp');
  const flow = new FlowPages(page);
  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Sign in with an email code instead' }).click();
  await expect(flow.heading()).toHaveText('Sign in with an email code');
  await flow.submitEmail(email);
  await flow.submitCode(await nextCode(email, 0));
  // A first visit creates the account: only a name is asked.
  await expect(flow.heading()).toHaveText('Tell us your name');
  await expect(page.getByLabel('New password')).toHaveCount(0);
  await page.getByLabel('Display name').fill('Otto');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account$/);
  // The next time, the code alone signs in.
  await page.context().clearCookies();
  await page.goto('/passwordless');
  await flow.submitEmail(email);
  await flow.submitCode(await nextCode(email, 1));
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText('Otto')).toBeVisible();
});

test('an invited guest redeems the invitation with an emailed code', async ({ page }) => {
  const email = uniqueEmail('guest');
  const output = execFileSync(serverBin, ['invite', '--email', email, '--redirect', '/account'], {
    env: { ...process.env, ...serverEnv },
    encoding: 'utf8',
  });
  const link = /https?:\/\/\S+\/guest\?invitation=[\w-]+/.exec(output)?.[0];
  expect(link).toBeTruthy();
  const path = new URL(link!).pathname + new URL(link!).search;
  // The invitation arrives by mail first, as the guest would get it.
  const invitation = await messageFor(email, 0);
  expect(invitation.data).toContain('invited');
  const flow = new FlowPages(page);
  await page.goto(path);
  await expect(flow.heading()).toHaveText('Guest sign-in');
  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(flow.heading()).toHaveText('Enter your code');
  await flow.submitCode(await nextCode(email, 1));
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText('Guest', { exact: true })).toBeVisible();
});

test('a locked-out customer unlocks the account by resetting the password', async ({ page }) => {
  const email = uniqueEmail('lockout');
  await signUp(page, email);
  const signIn = await lockOut(page, email);
  // Locked: the right password gets the same message.
  await signIn.enterPassword(PASSWORD);
  await expect(page.getByRole('alert')).toHaveText(/email address or password is not right/);

  await page.getByRole('link', { name: 'Can’t access your account?' }).click();
  const flow = new FlowPages(page);
  await expect(flow.heading()).toHaveText('Can’t access your account?');
  const seen = countFor(email);
  await page.getByLabel('I know my password, but still can’t sign in').check();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(flow.heading()).toHaveText('Enter your code');
  await expect(page).toHaveURL(/\/unlock\/code\?flow=/);
  await flow.submitCode(await nextCode(email, seen));
  await expect(flow.heading()).toHaveText('Your identity is confirmed');
  await page.getByRole('link', { name: 'Choose a new password' }).click();
  await flow.choosePassword('unlocked and renewed 2026', 'Reset password');
  await expect(page).toHaveURL(/\/account$/);
});

test('a locked-out customer unlocks the account and keeps the password', async ({ page }) => {
  const email = uniqueEmail('unlockkeep');
  await signUp(page, email);
  const signIn = await lockOut(page, email, 'still wrong');
  const flow = new FlowPages(page);
  await page.goto('/unlock');
  const seen = countFor(email);
  await flow.submitEmail(email);
  await flow.submitCode(await nextCode(email, seen));
  await page.getByRole('button', { name: 'Unlock and keep my password' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('status').filter({ hasText: 'Your account is unlocked' })).toBeVisible();
  await signIn.enterEmail(email);
  await signIn.enterPassword(PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
});
