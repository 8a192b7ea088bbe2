// Authentication methods, external identities and the password reset policy in the admin
// portal, and that each change takes effect for customers at once (seeds 000 and 001). Starts
// signed in as the first administrator (admin-setup.spec.ts).
import { test, expect, type APIRequestContext } from '@playwright/test';
import { countFor, nextCode, uniqueEmail } from './fixtures/mailbox';
import { FlowPages } from './fixtures/pages';
import { AdminPortal, adminState, checkPage } from './fixtures/admin_pages';
import { asAdmin } from './fixtures/user_flows';

test.use({ storageState: adminState() });

/** Starts a password reset as the customer pages do; answers the HTTP status and error code. */
async function startReset(request: APIRequestContext, baseURL: string, email: string) {
  const response = await request.post('/api/flows', {
    headers: { 'x-sspr-csrf': '1', origin: baseURL },
    data: { purpose: 'password_reset', email },
  });
  const body = await response.json();
  return { status: response.status(), code: body.code as string | undefined };
}

test('an administrator enables Email OTP for all users, as seed 000 describes', async ({ page, baseURL }) => {
  const portal = new AdminPortal(page);
  await page.goto('/admin');
  await portal.open('Authentication methods');
  await checkPage(page, 'methods');
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Email OTP' }) });
  await expect(row).toHaveCount(1);

  // Off first, to see the customer side refuse at once.
  await row.getByRole('link', { name: 'Email OTP' }).click();
  await expect(portal.heading()).toHaveText('Email OTP settings');
  await expect(portal.heading()).toBeFocused();
  await page.getByRole('switch', { name: 'Enable' }).uncheck();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Your changes are saved.')).toBeVisible();
  const refused = await startReset(page.request, baseURL!, uniqueEmail('disabled'));
  expect(refused).toEqual({ status: 403, code: 'method_disabled' });

  // Seed 000: Enable, target All users, Save.
  await page.reload();
  await expect(portal.heading()).toHaveText('Email OTP settings');
  await page.getByRole('switch', { name: 'Enable' }).check();
  await page.getByLabel('All users').check();
  await expect(page.getByLabel('Code length')).toHaveValue(/^\d+$/);
  await checkPage(page, 'method-email');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Your changes are saved.')).toBeVisible();
  const accepted = await startReset(page.request, baseURL!, uniqueEmail('enabled'));
  expect(accepted.status).toBeLessThan(300);

  await page.getByRole('link', { name: 'All authentication methods' }).click();
  await expect(row).toContainText('All users');
  await expect(row).toContainText('Yes');

  // Bad input is refused in words that name the field and its bounds, announced.
  await row.getByRole('link', { name: 'Email OTP' }).click();
  await page.getByLabel('Code length').fill('42');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(portal.alert()).toContainText(/6|10|length/i);
});

test('an administrator turns guest passcodes off and on, and resets a guest’s redemption', async ({ page, browser }) => {
  const portal = new AdminPortal(page);
  const email = uniqueEmail('guest-admin');
  await page.goto('/admin');
  await portal.open('External identities');
  await checkPage(page, 'external-identities');

  // Invite a guest from the portal; the link is shown once.
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Display name (optional)').fill('Gia Guest');
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  await expect(page.getByText('The guest is invited.')).toBeVisible();
  const link = (await page.locator('code.secret').textContent())!.trim();
  expect(link).toMatch(/\/guest\?invitation=[\w-]+$/);
  const row = () => page.getByRole('row').filter({ hasText: email });
  await expect(row()).toContainText('Pending acceptance');

  // Guest passcodes off: the guest cannot redeem, and the page says so plainly.
  await page.getByLabel('No').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Your changes are saved.')).toBeVisible();
  const guest = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const guestPage = await guest.newPage();
  const flow = new FlowPages(guestPage);
  const path = new URL(link).pathname + new URL(link).search;
  await guestPage.goto(path);
  await expect(flow.heading()).toHaveText('Guest sign-in');
  await guestPage.getByRole('button', { name: 'Send code' }).click();
  await expect(flow.alert()).toHaveText(/turned off/);

  // On again: the guest redeems.
  await page.getByLabel('Yes').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Your changes are saved.')).toBeVisible();
  const seen = countFor(email);
  await guestPage.goto(path);
  await guestPage.getByRole('button', { name: 'Send code' }).click();
  await expect(flow.heading()).toHaveText('Enter your code');
  await flow.submitCode(await nextCode(email, seen));
  await expect(guestPage).toHaveURL(/\/account$/);
  await guest.close();

  // Redeemed; reset the redemption: the guest must accept a new invitation.
  await page.reload();
  await expect(row()).toContainText('Accepted');
  await row().getByRole('button', { name: `Reset redemption ${email}` }).click();
  await expect(page.getByText('The guest must accept a new invitation before signing in again.')).toBeVisible();
  await expect(row().first()).toContainText('Pending acceptance');
  await checkPage(page, 'external-identities-reset');
});

test('an administrator sets the password reset policy', async ({ page }) => {
  const portal = new AdminPortal(page);
  await page.goto('/admin');
  await portal.open('Password reset');
  await expect(page.getByLabel('All', { exact: true })).toBeVisible();
  await checkPage(page, 'password-reset');
  await page.getByLabel('All', { exact: true }).check();
  await page.getByRole('switch', { name: 'Notify users on password resets' }).check();
  const snooze = page.getByLabel('Days before asking again after a user skips registering');
  await expect(snooze).toHaveValue('1');
  await snooze.fill('3');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Your changes are saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('All', { exact: true })).toBeChecked();
  await expect(page.getByRole('switch', { name: 'Notify users on password resets' })).toBeChecked();
  // The registration campaign's snooze, as Graph shows it.
  await expect(snooze).toHaveValue('3');
  const graph = await page.request.get('/api/graph/v1.0/policies/authenticationMethodsPolicy');
  const campaign = (await graph.json()).registrationEnforcement.authenticationMethodsRegistrationCampaign;
  expect(campaign.snoozeDurationInDays).toBe(3);
  await snooze.fill('1');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Your changes are saved.')).toBeVisible();
  // A number out of bounds is named and its field marked, before the server is asked; the last
  // confirmation goes.
  await snooze.fill('20');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(portal.alert()).toHaveText('“Days before asking again after a user skips registering” must be a whole number from 0 to 14.');
  await expect(snooze).toBeFocused();
  await expect(snooze).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Your changes are saved.')).toHaveCount(0);
});

test('an administrator sets the security question counts and adds questions of their own', async ({ page }) => {
  const portal = new AdminPortal(page);
  await page.goto('/admin');
  await portal.open('Password reset');
  const register = page.getByLabel('Questions each user registers');
  const reset = page.getByLabel('Questions asked at a reset');
  const custom = page.getByLabel('Your own questions');
  const before = { register: await register.inputValue(), reset: await reset.inputValue(), custom: await custom.inputValue() };

  // More to ask than to register: the server refuses, the form says why.
  await register.fill('3');
  await reset.fill('4');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('“Questions asked at a reset” must be a whole number from 1 to 3.');
  await expect(reset).toBeFocused();
  await expect(reset).toHaveAttribute('aria-invalid', 'true');
  await expect(reset).toHaveAttribute('aria-describedby', 'form-error questions-reset-hint');

  await register.fill('4');
  await reset.fill('2');
  await custom.fill('What was the name of your first team?\n\nWhere did you learn to swim?');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Your changes are saved.')).toBeVisible();
  await page.reload();
  await expect(register).toHaveValue('4');
  await expect(reset).toHaveValue('2');
  await expect(custom).toHaveValue('What was the name of your first team?\nWhere did you learn to swim?');
  await checkPage(page, 'password-reset-questions');

  // The form as it was, for the tests that follow.
  await register.fill(before.register);
  await reset.fill(before.reset);
  await custom.fill(before.custom);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Your changes are saved.')).toBeVisible();
});

test('an administrator targets security questions at a group, excluding another, on the methods blade', async ({ page, baseURL }) => {
  const portal = new AdminPortal(page);
  const admin = await asAdmin(baseURL!);
  const group = async (name: string) => {
    const made = await admin.post('/api/admin/groups', { data: { display_name: name } });
    expect(made.status(), await made.text()).toBe(201);
    return (await made.json()).id as string;
  };
  const stamp = Date.now();
  const pilots = await group(`Question pilots ${stamp}`);
  const contractors = await group(`Question contractors ${stamp}`);
  const type = '#sspr.securityQuestionsAuthenticationMethodConfiguration';
  const path = '/api/graph/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/SecurityQuestions';
  try {
    await page.goto('/admin');
    await portal.open('Authentication methods');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Security questions' }) });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('All users');
    await expect(row).toContainText('Yes');
    await row.getByRole('link', { name: 'Security questions' }).click();
    await expect(portal.heading()).toHaveText('Security questions settings');
    await expect(page.getByText(/Microsoft Graph has none/)).toBeVisible();

    await page.getByLabel('Select groups').check();
    await page.getByRole('group', { name: 'Groups included' }).getByLabel(`Question pilots ${stamp}`).check();
    await page.getByRole('group', { name: 'Exclude these groups' }).getByLabel(`Question contractors ${stamp}`).check();
    await checkPage(page, 'method-security-questions');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Your changes are saved.')).toBeVisible();

    const saved = await (await admin.get(path)).json();
    expect(saved['@odata.type']).toBe(type);
    expect(saved.state).toBe('enabled');
    expect(saved.includeTargets.map((t: { id: string }) => t.id)).toEqual([pilots]);
    expect(saved.excludeTargets.map((t: { id: string }) => t.id)).toEqual([contractors]);
    await page.getByRole('link', { name: 'All authentication methods' }).click();
    await expect(row).toContainText(/1 group(?!s)/);
  } finally {
    const restored = await admin.patch(path, {
      data: {
        '@odata.type': type,
        state: 'enabled',
        includeTargets: [{ id: 'all_users', targetType: 'group', isRegistrationRequired: false }],
        excludeTargets: [],
      },
    });
    expect(restored.status(), await restored.text()).toBe(204);
    await admin.dispose();
  }
});

test('an administrator allows countries and caps texts and calls for the phone methods', async ({ page }) => {
  const portal = new AdminPortal(page);
  await page.goto('/admin/methods');
  await page.getByRole('link', { name: 'SMS', exact: true }).click();
  await expect(portal.heading()).toHaveText('SMS settings');
  // Off by default: no country is allowed.
  await expect(page.getByLabel('Allowed countries')).toHaveValue('');
  await expect(page.getByLabel('Texts or calls per number per day')).toHaveValue('5');
  await page.getByRole('switch', { name: 'Enable' }).check();
  await page.getByLabel('Allowed countries').fill('gb, FR');
  await page.getByLabel('Texts or calls per number per day').fill('3');
  await page.getByLabel('Texts or calls per day in all').fill('250');
  await page.getByRole('switch', { name: 'Usable for sign-in' }).uncheck();
  await checkPage(page, 'method-sms');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Your changes are saved.')).toBeVisible();
  const sms = await (await page.request.get('/api/graph/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/sms')).json();
  expect(sms.state).toBe('enabled');
  expect(sms.allowedCountries).toEqual(['FR', 'GB']);
  expect(sms.maxSendsPerNumberPerDay).toBe(3);
  expect(sms.maxSendsPerDay).toBe(250);
  expect(sms.includeTargets[0].isUsableForSignIn).toBe(false);
  await page.reload();
  await expect(page.getByLabel('Allowed countries')).toHaveValue('FR, GB');

  // A cap out of bounds is named with its field; a country that is none is refused by the server.
  await page.getByLabel('Texts or calls per number per day').fill('99');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(portal.alert()).toContainText('Texts or calls per number per day');
  await page.getByLabel('Texts or calls per number per day').fill('3');
  await page.getByLabel('Allowed countries').fill('XX');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(portal.alert()).toBeVisible();

  await page.goto('/admin/methods');
  await page.getByRole('link', { name: 'Voice call', exact: true }).click();
  await expect(portal.heading()).toHaveText('Voice call settings');
  await page.getByRole('switch', { name: 'Allow office phones' }).check();
  await page.getByLabel('Allowed countries').fill('US');
  await checkPage(page, 'method-voice');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Your changes are saved.')).toBeVisible();
  const voice = await (await page.request.get('/api/graph/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/voice')).json();
  expect(voice.isOfficePhoneAllowed).toBe(true);
  expect(voice.allowedCountries).toEqual(['US']);
});
