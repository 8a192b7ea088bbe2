// The security info page (/account/security-info): reached from the account page, it adds an
// authenticator app from the secret key it shows (codes computed with the otpauth package) and
// security questions, each addition mailed to the user; axe finds no violation on it.
import { test, expect } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { countFor, messageFor, uniqueEmail } from './fixtures/mailbox';
import { axeClean, openSecurityInfo } from './fixtures/methods';
import { signUp } from './fixtures/pages';
import { asAdmin } from './fixtures/user_flows';

test('a customer registers an authenticator app from its secret key and is told by email', async ({ page, baseURL }) => {
  const admin = await asAdmin(baseURL!);
  const enabled = await admin.patch(
    '/api/graph/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/softwareOath',
    { data: { '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethodConfiguration', state: 'enabled' } },
  );
  expect(enabled.status(), await enabled.text()).toBe(204);

  const email = uniqueEmail('totp-user');
  await signUp(page, email);
  await openSecurityInfo(page);
  // The document title names the page, then the organisation.
  await expect(page).toHaveTitle(/^Security info – \S/);
  await expect(page.getByRole('cell', { name: /•••@/ })).toBeVisible();
  await axeClean(page, 'security-info');

  await page.getByLabel('Method').selectOption({ label: 'Authenticator app' });
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = (await page.locator('#totp-secret').textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await axeClean(page, 'security-info-app');

  const seen = countFor(email);
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
  // A wrong code: refused, and the code field is marked, described by the alert and focused.
  const appCode = page.getByLabel('Code from the app');
  await appCode.fill(totp.generate() === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.locator('#form-error')).toBeVisible();
  await expect(appCode).toHaveAttribute('aria-invalid', 'true');
  await expect(appCode).toHaveAttribute('aria-describedby', 'form-error');
  await expect(appCode).toBeFocused();
  await appCode.fill(totp.generate());
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The method was added' })).toBeVisible();
  // The method's name, once: its detail cell stays empty rather than repeat the name in English.
  await expect(page.getByRole('cell', { name: 'Authenticator app', exact: true })).toHaveCount(1);
  const notice = await messageFor(email, seen);
  expect(notice.data).toContain('sign-in method was added');
});

test('a customer registers security questions on the security info page', async ({ page, baseURL }) => {
  const admin = await asAdmin(baseURL!);
  const policy = await (await admin.get('/api/admin/reset-policy')).json();
  if (!policy.methods.includes('security_questions')) {
    policy.methods.push('security_questions');
    const saved = await admin.put('/api/admin/reset-policy', { data: policy });
    expect(saved.status(), await saved.text()).toBe(200);
  }
  await signUp(page, uniqueEmail('questions-user'));
  await openSecurityInfo(page);
  await page.getByLabel('Method').selectOption({ label: 'Security questions' });
  await page.getByRole('button', { name: 'Add' }).click();
  for (let i = 0; i < 3; i++) {
    await page.locator(`#answer-${i}`).fill(`Answer number ${i}`);
  }
  await axeClean(page, 'security-info-questions');
  // In French the built-in questions read in French; what is chosen and typed stays, and what is
  // sent is still the question's English text.
  await page.locator('#question-0').selectOption({ index: 7 });
  await page.getByLabel(/Language|Langue/).selectOption('fr');
  await expect(page.locator('#question-0 option:checked')).toHaveText(
    'Quel était le nom de votre premier animal de compagnie\u00a0?',
  );
  await expect(page.locator('#question-0')).toHaveValue('What was the name of your first pet?');
  await expect(page.locator('#answer-0')).toHaveValue('Answer number 0');
  await page.getByLabel(/Language|Langue/).selectOption('en');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('cell', { name: 'Security questions', exact: true })).toHaveCount(1);
});

test('a customer asks for a code to add a mobile phone, texted or by call, and sees the number masked', async ({ page, baseURL }) => {
  const admin = await asAdmin(baseURL!);
  const sms = '/api/graph/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/sms';
  const smsType = '#microsoft.graph.smsAuthenticationMethodConfiguration';
  const enabled = await admin.patch(sms, { data: { '@odata.type': smsType, state: 'enabled', allowedCountries: ['GB'] } });
  expect(enabled.status(), await enabled.text()).toBe(204);
  try {
    await signUp(page, uniqueEmail('phone-user'));
    await openSecurityInfo(page);
    await page.getByLabel('Method').selectOption({ label: 'Mobile phone' });
    await page.getByRole('button', { name: 'Add' }).click();
    await expect(page.getByRole('heading', { name: 'Mobile phone' })).toBeVisible();
    await axeClean(page, 'security-info-phone');
    // Not a number: refused, announced, focus back on the field.
    await page.getByLabel('Phone number').fill('hello');
    await page.getByRole('button', { name: 'Send code' }).click();
    await expect(page.getByRole('alert')).toContainText('with its country code');
    await expect(page.getByLabel('Phone number')).toBeFocused();
    await expect(page.getByLabel('Phone number')).toHaveAttribute('aria-invalid', 'true');
    // Calls are off: only texts may be chosen by the server.
    await page.getByLabel('Phone number').fill('+44 7400 123456');
    await page.getByLabel('Call me').check();
    await page.getByRole('button', { name: 'Send code' }).click();
    await expect(page.getByRole('alert')).toContainText('Codes cannot be sent this way');
    // The way of sending is refused, not the number: the field is not marked.
    await expect(page.getByLabel('Phone number')).not.toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel('Text me a code').check();
    await page.getByRole('button', { name: 'Send code' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'We sent a code to' })).toContainText('+•• ••••••• 56');
    await expect(page.getByLabel('Code', { exact: true })).toBeFocused();
    await axeClean(page, 'security-info-phone-sent');
    await page.screenshot({ path: 'screenshots/security-info-phone.png', fullPage: true });
  } finally {
    const off = await admin.patch(sms, { data: { '@odata.type': smsType, state: 'disabled', allowedCountries: [] } });
    expect(off.status()).toBe(204);
  }
});
