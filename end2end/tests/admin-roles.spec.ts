// Roles in the portal: a global administrator creates a reader, who sets up their account from
// the link and signs in with their own authenticator; the reader sees every policy but each
// control that would change one is disabled, with a sentence saying why. Starts signed in as the
// first administrator (admin-setup.spec.ts).
import { test, expect } from '@playwright/test';
import { AdminPortal, adminState, checkPage } from './fixtures/admin_pages';
import { freshCode } from './fixtures/totp';

test.use({ storageState: adminState() });

const READ_ONLY = 'Your role can view these settings but not change them.';

test('a reader sees the policies with every change control disabled', async ({ page, browser, baseURL }) => {
  // Enrolment and sign-in need two authenticator steps: the second may wait up to 30 s.
  test.setTimeout(120_000);
  // The global administrator creates the reader (the portal has no page for it yet).
  const created = await page.request.post('/api/admin/admins', {
    headers: { 'x-sspr-csrf': '1', origin: baseURL! },
    data: { email: 'reader@contoso.example', display_name: 'Rita Reader', role: 'reader' },
  });
  expect(created.status()).toBe(201);
  const link = new URL((await created.json()).setup_link);

  // The reader, in a browser of their own, sets up the account and signs in.
  const context = await browser.newContext();
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

  // The global administrator's own view of the same page is unchanged.
  const admin = new AdminPortal(page);
  await page.goto('/admin');
  await admin.open('Password reset');
  await expect(page.getByText(READ_ONLY)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save' })).toBeEnabled();
  await context.close();
});
