// The reports in the admin portal (issue 15): usage & insights, registration details, sign-in
// logs and directory audits, each checked against a small set this spec seeds (one customer,
// one sign-in that works and one that fails, one password reset started, one group added),
// and axe-core on every report page. The run's database is shared with the other specs, so
// usage totals are compared with what they were before the seed, and the lists are filtered to
// what was seeded. Starts signed in as the first administrator (admin-setup.spec.ts).
import { test, expect, type APIRequestContext } from '@playwright/test';
import { uniqueEmail } from './fixtures/mailbox';
import { PASSWORD, signUp } from './fixtures/pages';
import { AdminPortal, adminState, checkPage } from './fixtures/admin_pages';

test.use({ storageState: adminState() });

const csrf = (baseURL: string) => ({ 'x-sspr-csrf': '1', origin: baseURL });

async function passwordSignIn(request: APIRequestContext, baseURL: string, email: string, password: string) {
  const response = await request.post('/api/session', { headers: csrf(baseURL), data: { email, password } });
  return response.status();
}

test('an administrator reads the reports of a small seeded set', async ({ page, browser, baseURL }) => {
  const before = await (await page.request.get('/api/admin/reports/usage')).json();

  // The seed: a customer, a sign-in that works and one that fails, a reset started, a group.
  const email = uniqueEmail('reported');
  const customer = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  await signUp(await customer.newPage(), email);
  expect(await passwordSignIn(customer.request, baseURL!, email, PASSWORD)).toBe(200);
  expect(await passwordSignIn(customer.request, baseURL!, email, 'not the right password')).toBe(401);
  const reset = await customer.request.post('/api/flows', {
    headers: csrf(baseURL!),
    data: { purpose: 'password_reset', email },
  });
  expect(reset.ok()).toBeTruthy();
  await customer.close();
  const group = `Reported ${Date.now()}`;
  const created = await page.request.post('/api/admin/groups', { headers: csrf(baseURL!), data: { display_name: group } });
  expect(created.status()).toBe(201);

  // Usage & insights: one more reset started today, in the totals, the chart's table and the
  // chart's text alternative.
  const portal = new AdminPortal(page);
  await page.goto('/admin');
  await portal.open('Reports', 'Usage & insights');
  const started = before.resets.started + 1;
  const totals = page.getByRole('row', { name: /^Password resets/ });
  await expect(totals.getByRole('cell').first()).toHaveText(String(started));
  const chart = page.getByRole('img', { name: 'Password resets' });
  await expect(chart).toBeVisible();
  await page.getByText('Show the data as a table').first().click();
  const today = page.getByTestId('resets-table').getByRole('row').last();
  await expect(today.getByRole('cell').first()).toHaveText(String(before.by_day[6].resets.started + 1));
  await expect(page.getByTestId('resets-table').getByRole('row')).toHaveCount(8);
  await page.getByRole('button', { name: 'Last 30 days' }).click();
  await expect(page.getByRole('button', { name: 'Last 30 days' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('resets-table').getByRole('row')).toHaveCount(31);
  await checkPage(page, 'report-usage');

  // Registration details: the customer, registered with their address.
  const reports = page.getByRole('navigation', { name: 'Reports' });
  await reports.getByRole('link', { name: 'Registration details' }).click();
  await expect(portal.heading()).toHaveText('Registration details');
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const rows = page.getByTestId('registration-table').getByRole('row');
  await expect(rows).toHaveCount(2);
  await expect(rows.last()).toContainText(email);
  await expect(rows.last().getByRole('cell').nth(3)).toHaveText('Yes');
  await expect(rows.last().getByRole('cell').nth(6)).toHaveText('No');
  // The methods registered are named from the portal's catalog (Graph's `email` is "Email").
  await expect(rows.last().getByRole('cell').nth(7)).toHaveText('Email');
  const csv = page.getByRole('link', { name: 'Download CSV' });
  await expect(csv).toHaveAttribute('href', /registration\.csv\?\$filter=userPrincipalName/);
  const download = await page.request.get((await csv.getAttribute('href'))!);
  expect(download.status()).toBe(200);
  expect((await download.text()).split('\n').filter((l) => l.includes(email))).toHaveLength(1);
  await checkPage(page, 'report-registration');

  // Sign-in logs: the two sign-ins, the failure with its reason.
  await reports.getByRole('link', { name: 'Sign-in logs' }).click();
  await expect(portal.heading()).toHaveText('Sign-in logs');
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const signIns = page.getByTestId('sign-ins-table').getByRole('row');
  await expect(signIns).toHaveCount(3);
  await expect(signIns.nth(1)).toContainText('Invalid username or password. (50126)');
  await expect(signIns.nth(2)).toContainText('Success');
  await page.getByLabel('Outcome').selectOption('failure');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(signIns).toHaveCount(2);
  await checkPage(page, 'report-sign-ins');
  // In French the reason and the method read from the portal's catalog, not the server's English.
  await page.getByLabel(/Language|Langue/).selectOption('fr');
  await expect(signIns.nth(1)).toContainText('Échec\u00a0: Nom d’utilisateur ou mot de passe incorrect. (50126)');
  await expect(signIns.nth(1)).toContainText('Mot de passe');
  await page.getByLabel(/Language|Langue/).selectOption('en');
  await expect(signIns.nth(1)).toContainText('Invalid username or password. (50126)');

  // Directory audits: the group added, under group management.
  await reports.getByRole('link', { name: 'Directory audits' }).click();
  await expect(portal.heading()).toHaveText('Directory audits');
  await expect(page.getByLabel('Outcome')).toHaveValue('');
  await page.getByLabel('Category').selectOption('GroupManagement');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  // Only group changes once the filter is applied (the header row aside).
  const audits = page.getByTestId('audits-table').getByRole('row');
  await expect(audits.filter({ hasNotText: 'Group management' })).toHaveCount(1);
  const change = audits.nth(1);
  await expect(change).toContainText('Add group');
  await expect(change).toContainText('Group management');
  // In French the activity and the category read from the portal's catalog, not Graph's English.
  await page.getByLabel(/Language|Langue/).selectOption('fr');
  await expect(change).toContainText('Ajouter un groupe');
  await expect(change).toContainText('Gestion des groupes');
  await expect(change).toContainText('Groupe ');
  await expect(page.getByLabel('Catégorie').locator('option[value="GroupManagement"]')).toHaveText('Gestion des groupes');
  await page.getByLabel(/Language|Langue/).selectOption('en');
  await expect(change).toContainText('Add group');
  await checkPage(page, 'report-audits');
});
