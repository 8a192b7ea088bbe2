// User flows in the admin portal: create a sign-up-and-sign-in flow for an application, edit
// it, delete it. Starts signed in as the first administrator (admin-setup.spec.ts).
import { test, expect } from '@playwright/test';
import { AdminPortal, adminState, checkPage } from './fixtures/admin_pages';

test.use({ storageState: adminState() });

test('an administrator creates, edits and deletes a user flow for an application', async ({ page }) => {
  const portal = new AdminPortal(page);
  const name = `Shop ${Date.now()}`;
  await page.goto('/admin');
  await portal.open('User flows');
  await expect(page.getByRole('row').filter({ hasText: 'Default' })).toHaveCount(1);
  await checkPage(page, 'user-flows');

  await page.getByRole('link', { name: 'New user flow' }).click();
  await expect(portal.heading()).toHaveText('New user flow');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(portal.alert()).toHaveText('Enter the user flow’s name.');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Email one-time passcode').check();
  await page.getByLabel('Given name').check();
  await page.getByRole('button', { name: 'Add application' }).click();
  await page.getByLabel('Application name').fill('Web shop');
  await page.getByLabel('Client id').fill(`shop-${Date.now()}`);
  await checkPage(page, 'user-flow-new');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(portal.heading()).toHaveText(name);
  await expect(page).toHaveURL(/\/admin\/user-flows\/[\w-]+$/);
  await expect(page.getByLabel('Email one-time passcode')).toBeChecked();
  await expect(page.getByLabel('Given name')).toBeChecked();
  await expect(page.getByLabel('Application name')).toHaveValue('Web shop');

  // Self-service reset off, saved.
  await page.getByRole('switch', { name: 'Self-service password reset' }).uncheck();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Your changes are saved.')).toBeVisible();
  await checkPage(page, 'user-flow');

  await page.getByRole('link', { name: 'All user flows' }).click();
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('Email one-time passcode');
  await expect(row).toContainText('Web shop');
  await row.getByRole('link', { name }).click();
  // A flow still used by an application cannot be deleted; the server says why.
  await page.getByRole('button', { name: 'Delete user flow' }).click();
  await expect(portal.alert()).toContainText(/application/i);
  await page.getByRole('button', { name: 'Remove application' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Your changes are saved.')).toBeVisible();
  await page.getByRole('button', { name: 'Delete user flow' }).click();
  await expect(portal.heading()).toHaveText('User flows');
  await expect(page.getByRole('row').filter({ hasText: name })).toHaveCount(0);
});
