// Roles in the portal: a global administrator adds a reader on the Administrators page, who
// sets up their account from the link and signs in with their own authenticator; the reader sees every policy but each
// control that would change one is disabled, with a sentence saying why. Starts signed in as the
// first administrator (admin-setup.spec.ts).
import { test, expect } from '@playwright/test';
import { AdminPortal, adminState, checkPage } from './fixtures/admin_pages';
import { freshCode } from './fixtures/totp';

test.use({ storageState: adminState() });


const READ_ONLY = 'Your role can view these settings but not change them.';

test('a reader sees the policies with every change control disabled', async ({ page, browser }) => {
  // Enrolment and sign-in need two authenticator steps: the second may wait up to 30 s.
  test.setTimeout(120_000);
  // The global administrator adds the reader on the Administrators page.
  const admin = new AdminPortal(page);
  await page.goto('/admin');
  await admin.open('Administrators');
  await page.getByLabel('Email address').fill('reader@contoso.example');
  await page.getByLabel('Name', { exact: true }).fill('Rita Reader');
  await page.getByLabel('Role').selectOption('reader');
  await page.getByRole('button', { name: 'Add administrator' }).click();
  await expect(page.getByText('The administrator is added.')).toBeVisible();
  const link = new URL((await page.getByTestId('admin-setup-link').textContent())!.trim());
  const row = page.getByRole('row').filter({ hasText: 'reader@contoso.example' });
  await expect(row).toContainText('Reader');
  await expect(row).toContainText('Waiting for setup');
  await checkPage(page, 'administrators');
  // The same address twice is refused, in words.
  await page.getByLabel('Email address').fill('Reader@contoso.example');
  await page.getByLabel('Name', { exact: true }).fill('Rita Again');
  await page.getByRole('button', { name: 'Add administrator' }).click();
  await expect(admin.alert()).toHaveText(/exists already/);

  // The reader, in a browser of their own, sets up the account and signs in.
  // (Empty storage: contexts made in a test otherwise start from this file's signed-in state.)
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const readerPage = await context.newPage();
  const portal = new AdminPortal(readerPage);
  await readerPage.goto(link.pathname + link.search);
  await readerPage.getByLabel('Email address').fill('reader@contoso.example');
  await readerPage.getByLabel('Display name').fill('Rita Reader');
  const password = 'quiet harbour lanterns 2026';
  await readerPage.getByLabel('New password').fill(password);
  await readerPage.getByRole('button', { name: 'Continue' }).click();
  const secret = (await readerPage.getByTestId('totp-secret').textContent())!.trim();
  await readerPage.getByLabel('Code from the app').fill(await freshCode(secret));
  await readerPage.getByRole('button', { name: 'Verify and finish' }).click();
  // Wait for the enrolment to land before leaving the page (leaving would cancel it).
  await expect(portal.heading()).toHaveText('Sign in to the admin center');
  await expect(readerPage.getByRole('status').first()).toHaveText(/authenticator app is linked/);
  await portal.signIn({ email: 'reader@contoso.example', password, secret });
  await expect(readerPage.getByRole('banner')).toContainText('Reader');

  // Password reset policy: values readable, nothing changeable.
  await portal.open('Password reset');
  await expect(readerPage.getByText(READ_ONLY)).toBeVisible();
  await expect(readerPage.getByRole('button', { name: 'Save' })).toBeDisabled();
  await expect(readerPage.getByLabel('Notify users on password resets')).toBeDisabled();
  await checkPage(readerPage, 'reader-reset-policy');

  // An authentication method's page.
  await portal.open('Authentication methods');
  await readerPage.getByRole('link', { name: 'Email OTP' }).click();
  await expect(portal.heading()).toHaveText('Email OTP settings');
  await expect(readerPage.getByText(READ_ONLY)).toBeVisible();
  await expect(readerPage.getByRole('button', { name: 'Save' })).toBeDisabled();
  await expect(readerPage.getByRole('switch', { name: 'Enable' })).toBeDisabled();

  // Groups: the list is there, creating one is not.
  await portal.open('Groups');
  await expect(readerPage.getByRole('button', { name: 'Create group' })).toBeDisabled();

  // Administrators: the reader sees the list, not the form.
  await portal.open('Administrators');
  await expect(readerPage.getByRole('button', { name: 'Add administrator' })).toBeDisabled();

  // The global administrator now sees the reader as set up, and their own pages unchanged.
  await page.reload();
  await expect(row).toContainText('Set up');
  await admin.open('Password reset');
  await expect(page.getByText(READ_ONLY)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save' })).toBeEnabled();
  await context.close();
});
