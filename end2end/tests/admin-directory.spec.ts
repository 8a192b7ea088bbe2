// The directory in the admin portal: find a locked-out customer and unlock them, groups and
// their members, and the audit log that records it all. Starts signed in as the first
// administrator (admin-setup.spec.ts).
import { test, expect, type APIRequestContext } from '@playwright/test';
import { uniqueEmail } from './fixtures/mailbox';
import { PASSWORD, signUp } from './fixtures/pages';
import { AdminPortal, adminState, checkPage } from './fixtures/admin_pages';

test.use({ storageState: adminState() });

/** A password sign-in as the customer pages send it; answers the HTTP status. */
async function passwordSignIn(request: APIRequestContext, baseURL: string, email: string, password: string) {
  const response = await request.post('/api/session', {
    headers: { 'x-sspr-csrf': '1', origin: baseURL },
    data: { email, password },
  });
  return response.status();
}

test('an administrator finds a locked-out user and unlocks them', async ({ page, browser, baseURL }) => {
  const email = uniqueEmail('locked');
  const customer = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const customerPage = await customer.newPage();
  await signUp(customerPage, email);
  for (let i = 0; i < 10; i++) {
    expect(await passwordSignIn(customer.request, baseURL!, email, `wrong password ${i}`)).toBe(401);
  }
  // Locked: the right password is refused too.
  expect(await passwordSignIn(customer.request, baseURL!, email, PASSWORD)).toBe(401);

  const portal = new AdminPortal(page);
  await page.goto('/admin');
  await portal.open('Users');
  await checkPage(page, 'users');
  await page.getByLabel('Search by name or email').fill(email);
  await page.getByRole('button', { name: 'Search' }).click();
  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Locked');
  await row.getByRole('link').click();
  await expect(portal.heading()).toHaveText('Jane Doe');
  await expect(portal.heading()).toBeFocused();
  await checkPage(page, 'user-locked');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByText('The user is unlocked.')).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: /^Active$/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Unlock' })).toHaveCount(0);
  // The customer can sign in again.
  expect(await passwordSignIn(customer.request, baseURL!, email, PASSWORD)).toBe(200);
  await customer.close();

  // The audit log shows the unlock, by this administrator, about this user.
  await portal.open('Audit log');
  await page.getByLabel('User (id or email)').fill(email);
  await page.getByLabel('Event').fill('admin_change');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const entry = page.getByRole('row').filter({ hasText: 'user.unlock' });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('admin:');
  await expect(entry).toContainText('Success');
  // The outcome reads from the portal's catalog, in French too.
  await page.getByLabel(/Language|Langue/).selectOption('fr');
  await expect(entry).toContainText('Réussite');
  await page.getByLabel(/Language|Langue/).selectOption('en');
  await checkPage(page, 'audit');
  // The CSV export carries the same filters.
  const csv = page.getByRole('link', { name: 'Download CSV' });
  await expect(csv).toHaveAttribute('href', /\/api\/admin\/audit\.csv\?user=.*&event=admin_change/);
  const download = await page.request.get((await csv.getAttribute('href'))!);
  expect(download.status()).toBe(200);
  expect(await download.text()).toContain('user.unlock');
});

test('an administrator creates a group and adds a member', async ({ page, browser }) => {
  const email = uniqueEmail('member');
  const customer = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  await signUp(await customer.newPage(), email);
  await customer.close();

  const portal = new AdminPortal(page);
  const name = `Pilot ${Date.now()}`;
  await page.goto('/admin/groups');
  await expect(portal.heading()).toHaveText('Groups');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Description').fill('Early adopters');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByText('The group is created.')).toBeVisible();
  await checkPage(page, 'groups');
  // An empty name: the field is marked and described by the error, and the last
  // confirmation is no longer shown beside it.
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(portal.alert()).toHaveText('Enter the group’s name.');
  await expect(page.getByLabel('Name')).toBeFocused();
  await expect(page.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Name')).toHaveAttribute('aria-describedby', 'form-error');
  await expect(page.getByText('The group is created.')).toHaveCount(0);
  await page.getByRole('link', { name }).click();
  await expect(portal.heading()).toHaveText(name);
  // A search that finds nobody says so (announced) instead of showing nothing.
  await page.getByLabel('Search by name or email').fill(`nobody-${Date.now()}@example.invalid`);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'No user matches.' })).toBeVisible();
  await page.getByLabel('Search by name or email').fill(email);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('button', { name: 'Add Jane Doe' }).click();
  await expect(page.getByText('The member is added.')).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: email })).toHaveCount(1);
  await checkPage(page, 'group');
});
