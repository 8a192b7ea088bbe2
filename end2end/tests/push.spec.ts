// Authenticator push with number matching (issue 13): the administrator turns on the Microsoft
// Authenticator method and a reset that needs two methods; a customer adds "Authenticator app
// notifications" on the security info page and opens its pairing link in a second browser
// context, the phone, where the companion authenticator app (/authenticator) pairs itself with a
// WebCrypto key kept in IndexedDB. A reset then sends a request: the phone shows it, the number
// shown on the reset page is typed there and approved, and the reset goes on to the new
// password; a request denied on the phone is told on the reset page, and the app code the
// phone shows proves the "Authenticator app" method. axe finds no
// violation on the authenticator's pages. The policies are put back afterwards.
import { test, expect, type Browser, type Page } from '@playwright/test';
import { uniqueEmail } from './fixtures/mailbox';
import {
  axeClean,
  finishAndSignIn,
  openSecurityInfo,
  requireMethods,
  resetUpToTheSecondMethod,
} from './fixtures/methods';
import { signUp } from './fixtures/pages';
import { asAdmin } from './fixtures/user_flows';

const AUTHENTICATOR =
  '/api/graph/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/microsoftAuthenticator';

async function setPush(admin: Awaited<ReturnType<typeof asAdmin>>, state: 'enabled' | 'disabled') {
  const saved = await admin.patch(AUTHENTICATOR, {
    data: { '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration', state },
  });
  expect(saved.status(), await saved.text()).toBe(204);
}

/** Adds "Authenticator app notifications" and pairs it in a new context, the phone. */
async function pairPhone(page: Page, browser: Browser, baseURL: string): Promise<Page> {
  await openSecurityInfo(page);
  await page.getByLabel('Method').selectOption({ label: 'Authenticator app notifications' });
  await page.getByRole('button', { name: 'Add' }).click();
  const link = page.getByRole('link', { name: /\/authenticator#pair=/ });
  const url = (await link.getAttribute('href'))!;
  expect(url).toMatch(/\/authenticator#pair=/);

  const phoneContext = await browser.newContext({ baseURL });
  const phone = await phoneContext.newPage();
  await phone.goto(url);
  await expect(phone.getByRole('heading', { name: 'Pair this device' })).toBeVisible();
  await axeClean(phone, 'authenticator-pairing');
  await phone.getByRole('button', { name: 'Pair this device' }).click();
  await expect(phone.getByRole('status').filter({ hasText: 'This device is paired' })).toBeVisible();
  await expect(phone).toHaveURL(/\/authenticator$/);
  await expect(phone.getByText(/•••@/)).toBeVisible();
  // The app code of "Mobile app code": six digits.
  await expect(phone.getByTestId('app-code')).toHaveText(/^\d{6}$/);
  await phone.screenshot({ path: 'test-results/authenticator.png', fullPage: true });
  await axeClean(phone, 'authenticator');

  await page.getByRole('button', { name: 'I have paired it' }).click();
  await expect(page.getByRole('cell', { name: 'Authenticator app notifications', exact: true }).first()).toBeVisible();
  return phone;
}

/** On the reset's method step: sends a request to the app; the number the page shows. */
async function sendRequest(page: Page): Promise<string> {
  await page.getByRole('radio', { name: 'Authenticator app notifications' }).check();
  await page.getByRole('button', { name: 'Send a request to my app' }).click();
  const number = page.locator('.push-number');
  await expect(number).toHaveText(/^\d{2}$/);
  return (await number.textContent())!.trim();
}

test('a reset is approved on the paired authenticator app by typing the number, and a denial is told', async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await asAdmin(baseURL!);
  await setPush(admin, 'enabled');
  const restore = await requireMethods(admin, 2, ['email', 'authenticator_app']);
  try {
    const email = uniqueEmail('push');
    await signUp(page, email);
    const phone = await pairPhone(page, browser, baseURL!);

    // Denied on the phone: the reset page says so.
    await resetUpToTheSecondMethod(page, email);
    await sendRequest(page);
    const request = phone.getByRole('heading', { name: 'Are you trying to reset your password or sign in?' });
    await expect(request).toBeVisible();
    // The request came from this machine, worded by the app in its own language.
    await expect(phone.getByRole('definition').filter({ hasText: 'This computer' })).toBeVisible();
    await phone.screenshot({ path: 'test-results/authenticator-request.png', fullPage: true });
    await axeClean(phone, 'authenticator-request');
    await phone.getByRole('button', { name: 'Deny' }).click();
    await expect(phone.getByRole('status').filter({ hasText: 'Denied.' })).toBeVisible();
    await expect(page.getByText('The request was denied on your authenticator app.')).toBeVisible();

    // Approving without the number is refused on the phone, and the right number approves.
    const flow = await resetUpToTheSecondMethod(page, email);
    const number = await sendRequest(page);
    await expect(request).toBeVisible();
    await phone.getByRole('button', { name: 'Approve' }).click();
    await expect(phone.getByRole('alert').filter({ hasText: 'Enter the two-digit number' })).toBeVisible();
    await phone.getByLabel('Number shown on the other screen').fill(number);
    await phone.getByRole('button', { name: 'Approve' }).click();
    await expect(phone.getByRole('status').filter({ hasText: 'Approved.' })).toBeVisible();
    await expect(request).toHaveCount(0);
    await finishAndSignIn(page, flow, email);

    // The same app shows the account's app code, which proves the "Authenticator app" method.
    const another = await resetUpToTheSecondMethod(page, email);
    await page.getByRole('radio', { name: 'Authenticator app', exact: true }).check();
    await page.getByLabel('Code from your authenticator app').fill((await phone.getByTestId('app-code').textContent())!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(another.heading()).toHaveText('Choose a new password');
    await phone.context().close();
  } finally {
    await restore();
    await setPush(admin, 'disabled');
    await admin.dispose();
  }
});
