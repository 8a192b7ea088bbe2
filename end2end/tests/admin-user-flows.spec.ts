// User flows and App registrations in the admin portal: create a sign-up-and-sign-in flow,
// register an application for it (client id, exact redirect URI, a client secret shown once),
// see the flow list it, and delete both — the flow only once no application uses it. Starts
// signed in as the first administrator (admin-setup.spec.ts).
import { test, expect } from '@playwright/test';
import { AdminPortal, adminState, checkPage } from './fixtures/admin_pages';

test.use({ storageState: adminState() });

test('an administrator creates a user flow, registers an application for it, and deletes both', async ({ page }) => {
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
  await checkPage(page, 'user-flow-new');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(portal.heading()).toHaveText(name);
  await expect(page).toHaveURL(/\/admin\/user-flows\/[\w-]+$/);
  await expect(page.getByLabel('Email one-time passcode')).toBeChecked();
  await expect(page.getByLabel('Given name')).toBeChecked();
  await page.getByRole('switch', { name: 'Self-service password reset' }).uncheck();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Your changes are saved.')).toBeVisible();

  // App registrations: the application names this flow.
  await portal.open('App registrations');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(portal.alert()).toHaveText('Enter the application’s name.');
  await page.getByLabel('Application name').fill('Web shop');
  await page.getByLabel('User flow').selectOption({ label: name });
  await page.getByLabel('Web redirect URIs (one per line)').fill('https://shop.contoso.example/callback');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByText('The application is registered.')).toBeVisible();
  // The form is emptied for the next application.
  await expect(page.getByLabel('Application name')).toHaveValue('');
  await expect(page.getByLabel('Web redirect URIs (one per line)')).toHaveValue('');
  // The table is named by its caption.
  await expect(page.getByRole('table', { name: 'App registrations' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: 'Web shop' });
  await expect(row).toContainText('https://shop.contoso.example/callback');
  await row.getByRole('button', { name: 'New client secret Web shop' }).click();
  const secret = page.getByTestId('client-secret');
  await expect(secret).toHaveText(/^[\w-]{40,}$/);
  const hint = (await secret.textContent())!.slice(0, 3);
  await expect(row).toContainText(`${hint}…`);
  await checkPage(page, 'applications');
  // A redirect URI that is not https is refused.
  await page.getByLabel('Application name').fill('Bad app');
  await page.getByLabel('Web redirect URIs (one per line)').fill('http://shop.contoso.example/callback');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(portal.alert()).toContainText('not valid');
  await expect(page.getByRole('row').filter({ hasText: 'Bad app' })).toHaveCount(0);

  // The flow lists its application and cannot be deleted while it is used.
  await portal.open('User flows');
  const flowRow = page.getByRole('row').filter({ hasText: name });
  await expect(flowRow).toContainText('Email one-time passcode');
  await expect(flowRow).toContainText('Web shop');
  await flowRow.getByRole('link', { name }).click();
  await expect(page.getByRole('listitem').filter({ hasText: 'Web shop' })).toBeVisible();
  await checkPage(page, 'user-flow');
  await page.getByRole('button', { name: 'Delete user flow' }).click();
  await expect(portal.alert()).toContainText(/application/i);

  await portal.open('App registrations');
  await page.getByRole('row').filter({ hasText: 'Web shop' }).getByRole('button', { name: 'Delete Web shop' }).click();
  await expect(page.getByText('The application is deleted; its users can no longer sign in to it.')).toBeVisible();
  await portal.open('User flows');
  await page.getByRole('row').filter({ hasText: name }).getByRole('link', { name }).click();
  await page.getByRole('button', { name: 'Delete user flow' }).click();
  await expect(portal.heading()).toHaveText('User flows');
  await expect(page.getByRole('row').filter({ hasText: name })).toHaveCount(0);
});
