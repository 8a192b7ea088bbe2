// The SPA shell: it loads in Chromium, talks to the API, routes on the client, and speaks two
// languages.
import { test, expect } from '@playwright/test';
import { ShellPage } from './fixtures/shell_page';

test('the home page renders and shows the service status from the API', async ({ page }) => {
  const shell = new ShellPage(page);
  const health = page.waitForResponse('**/api/health');
  await shell.goto('/');
  expect((await health).status()).toBe(200);
  await expect(shell.heading).toHaveText('Welcome');
  await shell.expectHealthy();
});

test('an unknown client route shows the not-found page, not a blank one', async ({ page }) => {
  const shell = new ShellPage(page);
  await shell.goto('/some/client/route');
  await expect(shell.heading).toHaveText('Page not found');
  await page.getByRole('link', { name: 'Go to the home page' }).click();
  await expect(shell.heading).toHaveText('Welcome');
  await expect(page).toHaveURL('/');
});

test('the language follows the switcher and sets the document language', async ({ page }) => {
  const shell = new ShellPage(page);
  await shell.goto('/');
  await shell.language.selectOption('fr');
  await expect(shell.heading).toHaveText('Bienvenue');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(shell.status).toContainText('Le service fonctionne');
});

test('the API hears the language chosen in the footer, not only the browser\'s', async ({ page }) => {
  const shell = new ShellPage(page);
  await shell.goto('/sign-in');
  await expect(shell.heading).toHaveText('Sign in');
  const branding = page.waitForRequest((r) => r.url().includes('/api/branding?language=fr'));
  await shell.language.selectOption('fr');
  // The branding of the new language is read in it...
  expect((await branding).headers()['accept-language']).toBe('fr');
  // ...and a state change (here a sign-in) asks in it too, so the mail, notices and texts it causes
  // speak French.
  await page.getByRole('textbox').first().fill('nobody@contoso.example');
  await page.getByRole('textbox').first().press('Enter');
  const post = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/session'));
  await page.locator('input[type="password"]').fill('not the password of anyone');
  await page.locator('input[type="password"]').press('Enter');
  expect((await post).headers()['accept-language']).toBe('fr');
});

test.describe('with a French browser', () => {
  test.use({ locale: 'fr-FR' });
  test('the page starts in French', async ({ page }) => {
    const shell = new ShellPage(page);
    await shell.goto('/');
    await expect(shell.heading).toHaveText('Bienvenue');
  });
  test('the authenticator app names itself and its skip link in French', async ({ page }) => {
    await page.goto('/authenticator');
    await expect(page).toHaveTitle('Authentificateur');
    await expect(page.locator('.skip-link')).toHaveText('Aller au contenu');
  });
});

test('the page runs under the strict content security policy without violations', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
  });
  const response = await page.goto('/');
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("'wasm-unsafe-eval'");
  expect(csp).not.toContain('unsafe-inline');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome');
  expect(violations).toEqual([]);
});
