// The first administrator: bootstrap with the one-time setup token from the server's command
// line, link an authenticator (the test computes its codes from the secret the page shows), sign
// in with the second factor, sign out, sign in again. Runs first (the `admin-setup` project);
// the signed-in browser state it leaves is what the other admin specs start from.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { serverBin, serverEnv } from '../playwright.config';
import { AdminPortal, adminState, checkPage, saveAccount } from './fixtures/admin_pages';
import { freshCode } from './fixtures/totp';

test.describe.configure({ mode: 'serial' });

const account = {
  email: 'first.admin@contoso.example',
  password: 'a long admin passphrase 42',
  secret: '',
};

test('a person with the setup link becomes the first administrator and enrols TOTP', async ({ page }) => {
  // The server logged a link at its first start; --replace issues a fresh one to read here.
  const output = execFileSync(serverBin, ['bootstrap-admin', '--replace'], {
    env: { ...process.env, ...serverEnv },
    encoding: 'utf8',
  });
  const link = /https?:\/\/\S+\/admin\/setup\?token=[\w-]+/.exec(output)?.[0];
  expect(link, output).toBeTruthy();
  const url = new URL(link!);
  const portal = new AdminPortal(page);

  // Without a token the page says what to do.
  await page.goto('/admin/setup');
  await expect(portal.heading()).toHaveText('Set up your administrator account');
  await expect(page.getByText(/one-time setup link/)).toBeVisible();

  // Protected pages send a stranger to the sign-in page.
  await page.goto('/admin/users');
  await expect(portal.heading()).toHaveText('Sign in to the admin center');

  await page.goto(url.pathname + url.search);
  await expect(portal.heading()).toHaveText('Set up your administrator account');
  await checkPage(page, 'setup');
  // A local check first: the email must look like one.
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(portal.alert()).toHaveText(/valid email address/);
  await expect(page.getByLabel('Email address')).toBeFocused();

  await page.getByLabel('Email address').fill(account.email);
  await page.getByLabel('Display name').fill('First Admin');
  await page.getByLabel('New password').fill(account.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(portal.heading()).toHaveText('Link your authenticator app');
  await expect(page.getByRole('img', { name: 'QR code of the authenticator secret' })).toBeVisible();
  account.secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  expect(account.secret).toMatch(/^[A-Z2-7]{32}$/);
  await expect(page.getByText(/^otpauth:\/\/totp\//)).toBeVisible();
  await checkPage(page, 'enrol');

  // A wrong code is refused and announced; the right one enrols the app.
  await page.getByLabel('Code from the app').fill('000000');
  await page.getByRole('button', { name: 'Verify and finish' }).click();
  await expect(portal.alert()).toHaveText(/not right/);
  await page.getByLabel('Code from the app').fill(await freshCode(account.secret));
  await page.getByRole('button', { name: 'Verify and finish' }).click();
  await expect(portal.heading()).toHaveText('Sign in to the admin center');
  await expect(page.getByRole('status').first()).toHaveText(/authenticator app is linked/);
  saveAccount(account);

  // The same setup link does not work twice.
  await page.goto(url.pathname + url.search);
  await page.getByLabel('Email address').fill(account.email);
  await page.getByLabel('Display name').fill('Someone Else');
  await page.getByLabel('New password').fill(account.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(portal.alert()).toHaveText(/not valid any more/);
});

test('the administrator signs in with password and authenticator code, and signs out', async ({ page }) => {
  // Two sign-ins need two unused authenticator steps: the second may wait up to 30 s for one.
  test.setTimeout(120_000);
  const portal = new AdminPortal(page);
  await page.goto('/admin/sign-in');
  await checkPage(page, 'sign-in');
  // A wrong code gets the one message for every wrong credential.
  await page.getByLabel('Email address').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByLabel('Authenticator code').fill('123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(portal.alert()).toHaveText(/six-digit code/);
  await expect(page.getByLabel('Authenticator code')).toBeFocused();
  await page.getByLabel('Authenticator code').fill('000000');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(portal.alert()).toHaveText(/email address, password or code is not right/);
  await checkPage(page, 'sign-in-error');

  await portal.signIn(account);
  await expect(page.getByRole('banner')).toContainText('First Admin');
  await expect(page.getByRole('banner')).toContainText('Global administrator');
  await expect(portal.heading()).toBeVisible();
  await checkPage(page, 'overview');
  await portal.signOut();
  await expect(page.getByRole('status').first()).toHaveText('You are signed out.');
  // Signed out means signed out: the portal sends the browser back to the sign-in page.
  await page.goto('/admin');
  await expect(portal.heading()).toHaveText('Sign in to the admin center');

  // Signed in again, for the other admin specs.
  await portal.signIn(account);
  await page.context().storageState({ path: adminState() });
});
