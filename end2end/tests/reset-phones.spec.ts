// Phones in a password reset (seed 003, SECURITY.md §26): the administrator turns on the Sms or
// Voice method through the Graph-compatible API with a country allow-list and asks for two
// methods; the customer registers a phone on the security info page with the code it receives,
// then resets: the code mailed to them, then "Text my mobile phone" or "Call my office phone"
// with only the masked number shown, the code the phone received, and the new password. Texts
// and calls leave through the signed webhook provider to the phone sink, where the tests read
// them; an office phone's call carries its extension. Policies are put back after each test,
// since every spec shares the server.
import { test, expect, type APIRequestContext } from '@playwright/test';
import { uniqueEmail } from './fixtures/mailbox';
import {
  axeClean,
  finishAndSignIn,
  openSecurityInfo,
  requireMethods,
  resetUpToTheSecondMethod,
} from './fixtures/methods';
import { signUp } from './fixtures/pages';
import { codeIn, phoneCountFor, phoneMessageFor } from './fixtures/phones';
import { asAdmin } from './fixtures/user_flows';

const CONFIGURATIONS = '/api/graph/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations';
const PHONE_SETTINGS = ['state', 'allowedCountries', 'maxSendsPerNumberPerDay', 'maxSendsPerDay', 'isOfficePhoneAllowed'];

/** Sets the `sms` or `voice` configuration's `settings`; returns a function that puts them back. */
async function configure(admin: APIRequestContext, method: 'sms' | 'voice', settings: Record<string, unknown>) {
  const type = `#microsoft.graph.${method}AuthenticationMethodConfiguration`;
  const before = await (await admin.get(`${CONFIGURATIONS}/${method}`)).json();
  const saved = await admin.patch(`${CONFIGURATIONS}/${method}`, { data: { '@odata.type': type, ...settings } });
  expect(saved.status(), await saved.text()).toBe(204);
  return async () => {
    const kept = Object.fromEntries(PHONE_SETTINGS.filter((k) => k in before && k in settings).map((k) => [k, before[k]]));
    const restored = await admin.patch(`${CONFIGURATIONS}/${method}`, { data: { '@odata.type': type, ...kept } });
    expect(restored.status(), await restored.text()).toBe(204);
  };
}

test('register a mobile phone and reset with a texted code', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await asAdmin(baseURL!);
  const restoreSms = await configure(admin, 'sms', {
    state: 'enabled',
    allowedCountries: ['GB'],
    maxSendsPerNumberPerDay: 20,
    maxSendsPerDay: 1000,
  });
  const restore = await requireMethods(admin, 2, ['email', 'mobile_phone']);
  try {
    const email = uniqueEmail('phone-texted');
    const number = '+447400123456';
    await signUp(page, email);
    await openSecurityInfo(page);
    await page.getByLabel('Method').selectOption({ label: 'Mobile phone' });
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByLabel('Phone number').fill('+44 7400 123456');
    await page.getByLabel('Text me a code').check();
    const registering = phoneCountFor(number);
    await page.getByRole('button', { name: 'Send code' }).click();
    const registration = await phoneMessageFor(number, registering);
    expect(registration.channel).toBe('sms');
    await page.locator('#phone-code').fill(codeIn(registration));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByRole('cell', { name: 'Mobile phone', exact: true }).first()).toBeVisible();
    await expect(page.getByText('7400123456')).toHaveCount(0);

    const flow = await resetUpToTheSecondMethod(page, email);
    const text = page.getByRole('radio', { name: /Text my mobile phone/ });
    await text.check();
    await expect(page.locator('label', { hasText: 'Text my mobile phone' })).toContainText('+•• ••••••• 56');
    await axeClean(page, 'the method step with a phone');
    const before = phoneCountFor(number);
    await page.getByRole('button', { name: 'Send me a text' }).click();
    const texted = await phoneMessageFor(number, before);
    expect(texted.channel).toBe('sms');
    expect(texted.purpose).toBe('password_reset');
    await page.getByLabel('Code from your phone').fill(codeIn(texted));
    await page.getByRole('button', { name: 'Verify' }).click();
    await finishAndSignIn(page, flow, email);
  } finally {
    await restore();
    await restoreSms();
    await admin.dispose();
  }
});

test('reset with an office phone call, whose payload carries the extension', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await asAdmin(baseURL!);
  const restoreVoice = await configure(admin, 'voice', {
    state: 'enabled',
    allowedCountries: ['US'],
    maxSendsPerNumberPerDay: 20,
    maxSendsPerDay: 1000,
    isOfficePhoneAllowed: true,
  });
  const restore = await requireMethods(admin, 2, ['email', 'office_phone']);
  try {
    const email = uniqueEmail('phone-office');
    const number = '+12015550123';
    await signUp(page, email);
    await openSecurityInfo(page);
    await page.getByLabel('Method').selectOption({ label: 'Office phone' });
    await page.getByRole('button', { name: 'Add' }).click();
    // The extension is optional; a number that cannot be read is refused without asking for a
    // mobile one (an office phone is called, a landline will do), on the number's field.
    const extension = page.getByLabel('Extension (optional)');
    await expect(extension).not.toHaveAttribute('required');
    await page.getByLabel('Phone number').fill('hello');
    await page.getByRole('button', { name: 'Send code' }).click();
    await expect(page.getByRole('alert')).toContainText('with its country code');
    await expect(page.getByRole('alert')).not.toContainText('mobile');
    await expect(page.getByLabel('Phone number')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Phone number')).toBeFocused();
    // A malformed extension is named on its own field.
    await page.getByLabel('Phone number').fill('+1 201 555 0123');
    await extension.fill('45-21');
    await page.getByRole('button', { name: 'Send code' }).click();
    await expect(page.getByRole('alert')).toContainText('1 to 10 digits');
    await expect(extension).toHaveAttribute('aria-invalid', 'true');
    await expect(extension).toBeFocused();
    await expect(page.getByLabel('Phone number')).not.toHaveAttribute('aria-invalid', 'true');
    await extension.fill('4521');
    const registering = phoneCountFor(number);
    await page.getByRole('button', { name: 'Send code' }).click();
    const registration = await phoneMessageFor(number, registering);
    expect(registration.channel).toBe('voice');
    expect(registration.extension).toBe('4521');
    // The code field appears with the answer, and has focus.
    await expect(page.locator('#call-phone-code')).toBeFocused();
    await page.locator('#call-phone-code').fill(codeIn(registration));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByRole('cell', { name: 'Office phone', exact: true }).first()).toBeVisible();

    const flow = await resetUpToTheSecondMethod(page, email);
    await page.getByRole('radio', { name: /Call my office phone/ }).check();
    await expect(page.locator('label', { hasText: 'Call my office phone' })).toContainText('+•• ••••••• 23');
    const before = phoneCountFor(number);
    await page.getByRole('button', { name: 'Call me' }).click();
    const call = await phoneMessageFor(number, before);
    expect(call.channel).toBe('voice');
    expect(call.purpose).toBe('password_reset');
    expect(call.extension).toBe('4521');
    expect(call.text).toMatch(/code is (\d, ){5,}\d\. Again:/);
    await expect(page.getByLabel('Code from your phone')).toBeFocused();
    await page.getByLabel('Code from your phone').fill(codeIn(call));
    await page.getByRole('button', { name: 'Verify' }).click();
    await finishAndSignIn(page, flow, email);
  } finally {
    await restore();
    await restoreVoice();
    await admin.dispose();
  }
});
