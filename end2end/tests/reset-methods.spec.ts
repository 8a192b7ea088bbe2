// A password reset that needs two verification methods (SPEC C9): the administrator sets the
// reset policy to two methods through the admin API; the customer registers a second method on
// the security info page, then resets: the code mailed to them, then "Verify another method"
// (a radio group of their methods) with an authenticator app code (computed with the otpauth
// package) or their security questions (never their alternate address: that is the email
// method, which the code step proves, and the code step can send its code there instead), then
// the new password, which signs them in; a method the
// administrator turns off meanwhile is refused with its own message and no longer offered. The
// policy is put back after each test, since every spec shares the server.
import { test, expect, APIRequestContext, Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { countFor, nextCode, uniqueEmail } from './fixtures/mailbox';
import {
  answerQuestions,
  axeClean,
  codeAfter,
  finishAndSignIn,
  NEW_PASSWORD,
  openSecurityInfo,
  registerQuestions,
  requireMethods,
  resetUpToTheSecondMethod,
} from './fixtures/methods';
import { FlowPages, signUp } from './fixtures/pages';
import { asAdmin } from './fixtures/user_flows';

const SOFTWARE_OATH =
  '/api/graph/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/softwareOath';

/** Turns the authenticator app method on and requires two methods, email and the app; gives
 * back what puts the policy as it was. */
async function requireAppAndEmail(admin: APIRequestContext): Promise<() => Promise<void>> {
  const enabled = await admin.patch(SOFTWARE_OATH, {
    data: { '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethodConfiguration', state: 'enabled' },
  });
  expect(enabled.status(), await enabled.text()).toBe(204);
  return requireMethods(admin, 2, ['email', 'authenticator_app']);
}

/** Signs `email` up and adds an authenticator app on the security info page; its codes. */
async function signUpWithApp(page: Page, email: string): Promise<OTPAuth.TOTP> {
  await signUp(page, email);
  await openSecurityInfo(page);
  await page.getByLabel('Method').selectOption({ label: 'Authenticator app' });
  await page.getByRole('button', { name: 'Add' }).click();
  const secret = (await page.locator('#totp-secret').textContent())!.trim();
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
  await page.getByLabel('Code from the app').fill(totp.generate());
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The method was added' })).toBeVisible();
  return totp;
}

test('a two-method reset takes the emailed code and an authenticator app code', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await asAdmin(baseURL!);
  const restore = await requireAppAndEmail(admin);
  try {
    const email = uniqueEmail('two-methods-app');
    const totp = await signUpWithApp(page, email);

    const flow = await resetUpToTheSecondMethod(page, email);
    const app = page.getByRole('radio', { name: 'Authenticator app' });
    await expect(app).toBeChecked();
    await expect(page.getByRole('group', { name: 'Choose a verification method' })).toBeVisible();
    await axeClean(page, 'reset-methods-app');

    // The new password is refused until the second method is proven.
    const flowId = new URL(page.url()).searchParams.get('flow')!;
    await page.goto(`/reset/finish?flow=${flowId}`);
    await flow.choosePassword(NEW_PASSWORD, 'Reset password');
    await expect(flow.heading()).toHaveText('Verify another method');

    // A wrong code is announced and the field emptied and focused.
    const code = page.getByLabel('Code from your authenticator app');
    const now = totp.generate();
    await code.fill(now === '123456' ? '654321' : '123456');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(flow.alert()).toHaveText(/That code is not right\. Enter the current six-digit code/);
    await expect(code).toBeFocused();
    await expect(code).toHaveValue('');

    // The enrolment used the current step; each step is accepted once, and the server allows
    // one step of skew, so the next step's code is the one to give.
    await code.fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole('button', { name: 'Verify' }).click();
    await finishAndSignIn(page, flow, email);
  } finally {
    await restore();
    await admin.dispose();
  }
});

test('after ten tries at the app code, the reset says it can no longer go on and offers to start again', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await asAdmin(baseURL!);
  const restore = await requireAppAndEmail(admin);
  try {
    const email = uniqueEmail('two-methods-guessed');
    const totp = await signUpWithApp(page, email);

    const flow = await resetUpToTheSecondMethod(page, email);
    const code = page.getByLabel('Code from your authenticator app');
    const wrong = (offset: number) => totp.generate({ timestamp: Date.now() + offset * 30_000 });
    for (let i = 0; i < 10; i++) {
      await code.fill(wrong(5));
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(flow.alert()).toHaveText(/That code is not right/);
    }
    // The eleventh is not judged, even when right: the request is spent.
    await code.fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(flow.alert()).toContainText('This request can no longer go on: it has expired, had too many wrong tries');
    await expect(page.getByRole('link', { name: 'Start again' })).toBeVisible();
  } finally {
    await restore();
    await admin.dispose();
  }
});

test('a two-method reset takes the emailed code and the answers to the security questions', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await asAdmin(baseURL!);
  const restore = await requireMethods(admin, 2, ['email', 'security_questions']);
  try {
    const email = uniqueEmail('two-methods-questions');
    await signUp(page, email);
    await openSecurityInfo(page);
    const answers = await registerQuestions(page);

    const flow = await resetUpToTheSecondMethod(page, email);
    await expect(page.getByRole('radio', { name: 'Security questions' })).toBeChecked();
    const fields = page.locator('input[id^="answer-"]');
    await expect(fields).toHaveCount(3);
    await axeClean(page, 'reset-methods-questions');

    // Each field is labelled with its question; one wrong answer refuses them all, not saying
    // which.
    await answerQuestions(page, answers, 1);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(flow.alert()).toHaveText(/One or more answers are not right/);
    await answerQuestions(page, answers, null);
    await page.getByRole('button', { name: 'Verify' }).click();
    await finishAndSignIn(page, flow, email);
  } finally {
    await restore();
    await admin.dispose();
  }
});

test('the code goes to the alternate email instead, which is then not offered as the second method', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const admin = await asAdmin(baseURL!);
  const restore = await requireMethods(admin, 2, ['email', 'security_questions']);
  try {
    const email = uniqueEmail('two-methods-alternate');
    const alternate = uniqueEmail('elsewhere');
    await signUp(page, email);
    await openSecurityInfo(page);
    await page.getByLabel('Method').selectOption({ label: 'Alternate email' });
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByLabel('Alternate email address').fill(alternate);
    const before = countFor(alternate);
    await page.getByRole('button', { name: 'Send code' }).click();
    // The code field appears with the answer, and has focus.
    await expect(page.locator('#alternate-code')).toBeFocused();
    await page.locator('#alternate-code').fill(await nextCode(alternate, before));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByRole('cell', { name: 'Alternate email', exact: true }).first()).toBeVisible();
    const answers = await registerQuestions(page);

    // The code step sends its code to the alternate address instead, after the resend wait.
    await page.context().clearCookies();
    const flow = new FlowPages(page);
    await page.goto('/reset');
    await flow.submitEmail(email);
    const instead = page.getByRole('button', { name: 'Send the code to my alternate email instead' });
    await expect(instead).toBeDisabled();
    const seen = countFor(alternate);
    await expect(instead).toBeEnabled({ timeout: 70_000 });
    await instead.click();
    await expect(page.getByRole('status').filter({ hasText: 'If your account has an alternate email address' })).toBeVisible();
    await expect(instead).toBeDisabled();
    await flow.submitCode(await codeAfter(alternate, seen));

    // The alternate address proved the policy's email method: only the questions remain.
    await expect(flow.heading()).toHaveText('Verify another method');
    await expect(page.getByRole('radio')).toHaveCount(1);
    await expect(page.getByRole('radio', { name: /Alternate email/ })).toHaveCount(0);
    await expect(page.getByRole('radio', { name: 'Security questions' })).toBeChecked();
    await answerQuestions(page, answers, null);
    await page.getByRole('button', { name: 'Verify' }).click();
    await finishAndSignIn(page, flow, email);
  } finally {
    await restore();
    await admin.dispose();
  }
});

test('a method the administrator turns off during the reset is refused with a clear message', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await asAdmin(baseURL!);
  const app = (state: 'enabled' | 'disabled') =>
    admin.patch(SOFTWARE_OATH, {
      data: { '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethodConfiguration', state },
    });
  expect((await app('enabled')).status()).toBe(204);
  const restore = await requireMethods(admin, 2, ['email', 'authenticator_app', 'security_questions']);
  try {
    const email = uniqueEmail('two-methods-turned-off');
    const totp = await signUpWithApp(page, email);
    const answers = await registerQuestions(page);

    const flow = await resetUpToTheSecondMethod(page, email);
    await page.getByRole('radio', { name: 'Authenticator app' }).check();
    expect((await app('disabled')).status()).toBe(204);
    await page.getByLabel('Code from your authenticator app').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(flow.alert()).toHaveText('Your administrator has turned this method off. Choose another method.');
    await expect(page.getByRole('radio', { name: 'Authenticator app' })).toHaveCount(0);
    await expect(page.getByRole('radio', { name: 'Security questions' })).toBeChecked();
    await answerQuestions(page, answers, null);
    await page.getByRole('button', { name: 'Verify' }).click();
    await finishAndSignIn(page, flow, email);
  } finally {
    await app('enabled');
    await restore();
    await admin.dispose();
  }
});
