// API tokens for scripts calling the Graph-compatible API: created in the portal, the secret
// shown once, accepted as a Bearer token, refused once revoked. Starts signed in as the first
// administrator (admin-setup.spec.ts).
import { test, expect, request as http } from '@playwright/test';
import { AdminPortal, adminState, checkPage } from './fixtures/admin_pages';

test.use({ storageState: adminState() });

const POLICY = '/api/graph/v1.0/policies/authenticationMethodsPolicy';

test('an administrator creates an API token a script uses, then revokes it', async ({ page, baseURL }) => {
  const portal = new AdminPortal(page);
  await page.goto('/admin');
  await portal.open('API tokens');
  await page.getByLabel('Name').fill('Nightly policy export');
  await page.getByLabel('Role').selectOption('authentication_policy_administrator');
  // A lifetime out of bounds is named, and the field is marked and focused.
  const days = page.getByLabel('Valid for (days)');
  await days.fill('400');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(portal.alert()).toHaveText('“Valid for (days)” must be a whole number from 1 to 365.');
  await expect(days).toBeFocused();
  await expect(days).toHaveAttribute('aria-invalid', 'true');
  await expect(days).toHaveAttribute('aria-describedby', 'form-error token-days-hint');
  await days.fill('30');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByText('The token is created.')).toBeVisible();
  const secret = (await page.getByTestId('token-secret').textContent())!.trim();
  expect(secret.length).toBeGreaterThan(20);
  await checkPage(page, 'api-tokens');

  // A script with no cookie, only the token.
  const script = await http.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${secret}` } });
  const read = await script.get(POLICY);
  expect(read.status()).toBe(200);
  expect((await read.json()).id).toBe('authenticationMethodsPolicy');

  const row = page.getByRole('row').filter({ hasText: 'Nightly policy export' });
  await expect(row).toContainText('Authentication policy administrator');
  await row.getByRole('button', { name: 'Revoke Nightly policy export' }).click();
  await expect(page.getByText(/The token is revoked/)).toBeVisible();
  await expect(row).toContainText('Revoked');
  expect((await script.get(POLICY)).status()).toBe(401);
  await script.dispose();
});
