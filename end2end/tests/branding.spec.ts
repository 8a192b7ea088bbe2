// Company branding (SPEC A8, C11): the first administrator sets a logo, a background colour and
// sign-in texts on the portal's Company branding page and sees them in its light and dark
// previews (a colour below WCAG AA is flagged first), then adds French texts through Graph's
// organizationalBranding; a customer's sign-in page shows them in each language. Screenshots of both are saved (end2end/screenshots/, not committed) and
// axe-core finds no WCAG 2.2 AA violation with the administrator's colours. The branding is put
// back as it was at the end, so the other specs see the product's own look.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AdminPortal, adminState, checkPage } from './fixtures/admin_pages';

const BRANDING = '/api/graph/v1.0/organization/contoso/branding';
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

test.use({ storageState: adminState() });

/** Headers of a state change from the portal's origin. */
function portal(baseURL: string, extra: Record<string, string> = {}) {
  return { 'x-sspr-csrf': '1', origin: baseURL, ...extra };
}

async function noViolations(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`), name).toEqual([]);
}

test('the branding an administrator sets shows on the sign-in page in English and French', async ({
  page,
  baseURL,
  browser,
}) => {
  const request = page.request;
  const headers = portal(baseURL!);
  try {
    // The portal's Company branding page: the preview follows the form as it is typed.
    const admin = new AdminPortal(page);
    await page.goto('/admin');
    await admin.open('Company branding');
    const light = page.getByRole('figure', { name: 'Light' });
    const dark = page.getByRole('figure', { name: 'Dark' });
    await page.getByLabel('Background colour').fill('#333333');
    await expect(page.getByText(/below WCAG AA's 4.5:1 contrast: Light 1\.\d:1/)).toBeVisible();
    await page.getByLabel('Background colour').fill('#E8F0FE');
    await expect(page.getByText(/below WCAG AA's 4.5:1 contrast: Dark/)).toBeVisible();
    await page.getByLabel('Banner logo').setInputFiles(path.join(__dirname, 'fixtures', 'contoso-logo.png'));
    await page.getByLabel('Sign-in page text').fill('Contoso employees and partners sign in here.');
    await page.getByLabel('Username hint').fill('someone@contoso.example');
    await page.getByLabel('"Forgot password?" text').fill('Lost your password?');
    for (const preview of [light, dark]) {
      await expect(preview.getByText('Contoso employees and partners sign in here.')).toBeVisible();
      await expect(preview.getByText('someone@contoso.example')).toBeVisible();
      await expect(preview.getByText('Lost your password?')).toBeVisible();
      await expect(preview.locator('.branding-preview__page')).toHaveCSS('background-color', 'rgb(232, 240, 254)');
    }
    await checkPage(page, 'branding');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Your changes are saved.')).toBeVisible();
    // Once saved, the previews show the stored logo (loaded, not an empty frame).
    await page.reload();
    for (const preview of [light, dark]) {
      const logo = preview.getByRole('img', { name: 'Banner logo' });
      await expect(logo).toBeVisible();
      await expect.poll(() => logo.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(240);
    }

    // The rest through Graph, as a script would: the terms link, and the French texts.
    expect(
      (await request.patch(BRANDING, {
        headers,
        data: { customTermsOfUseText: 'Terms of use', customTermsOfUseUrl: 'https://contoso.example/terms' },
      })).status(),
    ).toBe(204);
    const saved = await (await request.get(BRANDING)).json();
    expect(saved.backgroundColor).toBe('#E8F0FE');
    expect(saved.bannerLogoRelativeUrl).toMatch(/^assets\/[0-9a-f]{64}\.png$/);
    expect(
      (await request.post(`${BRANDING}/localizations`, {
        headers,
        data: {
          id: 'fr-FR',
          signInPageText: 'Les employés et partenaires de Contoso se connectent ici.',
          usernameHintText: 'quelquun@contoso.example',
          customTermsOfUseText: "Conditions d'utilisation",
        },
      })).status(),
    ).toBe(201);

    // A customer, in English.
    const english = await browser.newContext({ locale: 'en-GB' });
    const customer = await english.newPage();
    await customer.goto('/sign-in');
    await expect(customer.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(customer.getByRole('img', { name: 'Contoso' })).toBeVisible();
    await expect(customer.getByText('Contoso employees and partners sign in here.')).toBeVisible();
    await expect(customer.getByLabel('Email address')).toHaveAttribute('placeholder', 'someone@contoso.example');
    await expect(customer.getByRole('link', { name: 'Terms of use' })).toHaveAttribute('href', 'https://contoso.example/terms');
    const background = customer.locator('.branding-background');
    await expect(background).toHaveCSS('background-color', 'rgb(232, 240, 254)');
    await noViolations(customer, 'branded sign-in (en)');
    fs.mkdirSync('screenshots', { recursive: true });
    await customer.screenshot({ path: 'screenshots/branding-sign-in-en.png', fullPage: true });
    // The password page carries the company's own "Forgot password?" text.
    await customer.getByLabel('Email address').fill('someone@contoso.example');
    await customer.getByRole('button', { name: 'Next' }).click();
    await expect(customer.getByRole('link', { name: 'Lost your password?' })).toBeVisible();
    await noViolations(customer, 'branded password page (en)');
    await english.close();

    // The same page in French: the French texts, the default's logo and colour.
    const french = await browser.newContext({ locale: 'fr-FR' });
    const client = await french.newPage();
    await client.goto('/sign-in');
    await expect(client.getByText('Les employés et partenaires de Contoso se connectent ici.')).toBeVisible();
    await expect(client.getByLabel('Adresse e-mail')).toHaveAttribute('placeholder', 'quelquun@contoso.example');
    await expect(client.getByRole('link', { name: "Conditions d'utilisation" })).toBeVisible();
    await expect(client.getByRole('img', { name: 'Contoso' })).toBeVisible();
    await expect(client.locator('.branding-background')).toHaveCSS('background-color', 'rgb(232, 240, 254)');
    await noViolations(client, 'branded sign-in (fr)');
    await client.screenshot({ path: 'screenshots/branding-sign-in-fr.png', fullPage: true });
    // Switching the language in the footer switches the texts.
    await client.getByLabel('Langue').selectOption('en');
    await expect(client.getByText('Contoso employees and partners sign in here.')).toBeVisible();
    await french.close();
  } finally {
    await request.patch(BRANDING, {
      headers,
      data: {
        backgroundColor: null,
        signInPageText: null,
        usernameHintText: null,
        customForgotMyPasswordText: null,
        customTermsOfUseText: null,
        customTermsOfUseUrl: null,
      },
    });
    await request.put(`${BRANDING}/bannerLogo`, { headers: portal(baseURL!, { 'content-type': 'image/png' }), data: Buffer.alloc(0) });
    await request.delete(`${BRANDING}/localizations/fr-FR`, { headers });
  }
});
