// The admin portal with a keyboard, at phone width, and in French. Starts signed in as the first
// administrator (admin-setup.spec.ts); every page's axe-core check is in the spec that uses it.
import { test, expect } from '@playwright/test';
import { AdminPortal, adminState, checkPage } from './fixtures/admin_pages';

test.use({ storageState: adminState() });

test('the keyboard alone moves through the navigation, with a visible focus ring', async ({ page }) => {
  const portal = new AdminPortal(page);
  await page.goto('/admin');
  await expect(portal.heading()).toHaveText('Overview');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  const users = portal.nav().getByRole('link', { name: 'Users' });
  await users.focus();
  const outline = await users.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Enter');
  await expect(portal.heading()).toHaveText('Users');
  // Focus moved to the new page's heading, and the title follows it.
  await expect(portal.heading()).toBeFocused();
  await expect(page).toHaveTitle(/^Users/);
  await expect(users).toHaveAttribute('aria-current', 'page');
});

test('the portal fits a 320 px screen and speaks French', async ({ page }) => {
  const portal = new AdminPortal(page);
  await page.setViewportSize({ width: 320, height: 640 });
  for (const path of ['/admin', '/admin/users', '/admin/methods', '/admin/external-identities', '/admin/audit']) {
    await page.goto(path);
    await expect(portal.heading()).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/admin/users');
  await page.getByLabel('Language').selectOption('fr');
  await expect(portal.heading()).toHaveText('Utilisateurs');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('navigation', { name: 'Centre d’administration' }).getByRole('link', { name: 'Journal d’audit' })).toBeVisible();
  await checkPage(page, 'users-fr');
  await page.getByLabel('Langue').selectOption('en');
  await expect(portal.heading()).toHaveText('Users');
});

test('the signed-out pages fit a 320 px screen too', async ({ browser }) => {
  const context = await browser.newContext({
    storageState: { cookies: [], origins: [] },
    viewport: { width: 320, height: 640 },
  });
  const page = await context.newPage();
  for (const path of ['/admin/sign-in', '/admin/setup']) {
    await page.goto(path);
    await expect(new AdminPortal(page).heading()).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
  await context.close();
});

test('an unknown admin address shows a page, not a blank screen', async ({ page }) => {
  await page.goto('/admin/no-such-page');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await checkPage(page, 'not-found');
});

test('an ended session sends the administrator to the sign-in page, saying why', async ({ page, context }) => {
  const portal = new AdminPortal(page);
  await page.goto('/admin/users');
  await expect(portal.heading()).toHaveText('Users');
  // The cookie goes (as when the session times out); the next request is refused.
  await context.clearCookies();
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(portal.heading()).toHaveText('Sign in to the admin center');
  await expect(page.getByText('Your session has ended. Sign in again.')).toBeVisible();
});
