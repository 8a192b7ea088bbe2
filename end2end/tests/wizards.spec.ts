// The wizards as routed pages: every step has its own URL, so a deep link or a reload lands on
// the same step and the browser's Back button walks back through the steps; Forgot password?
// after the identifier page starts the reset at once (seed 000); server errors are worded in
// the page's language; a load that fails offers to try again.
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { countFor, messageFor, nextCode, uniqueEmail } from './fixtures/mailbox';
import { FlowPages, PASSWORD, SignInPage, signUp } from './fixtures/pages';
import { serverBin, serverEnv } from '../playwright.config';

/** Reloads the page and checks it is still the same step. */
async function reloadKeeps(page: Page, heading: string) {
  const url = page.url();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  expect(page.url()).toBe(url);
}

test('Forgot password? after the identifier page lands on the code page with the code mailed', async ({ page, context }) => {
  const email = uniqueEmail('forgot');
  await signUp(page, email);
  await context.clearCookies();
  const signIn = new SignInPage(page);
  const flow = new FlowPages(page);
  await signIn.open();
  await signIn.enterEmail(email);
  const seen = countFor(email);
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(flow.heading()).toHaveText('Enter your code');
  await expect(page).toHaveURL(/\/reset\/code\?flow=[\w-]+$/);
  // Where the code went, masked, and the code itself in the mailbox.
  await expect(page.getByText(/We sent a code to f•••@contoso\.example/)).toBeVisible();
  const code = await nextCode(email, seen);
  await expect(page.getByRole('button', { name: 'Resend code' })).toBeVisible();
  // A way back to change the address: the reset's first page, the address filled in.
  await page.getByRole('link', { name: 'Use a different email address' }).click();
  await expect(flow.heading()).toHaveText('Reset your password');
  await expect(page.getByLabel('Email address')).toHaveValue(email);
  await page.goBack();
  await expect(flow.heading()).toHaveText('Enter your code');
  await flow.submitCode(code);
  await expect(flow.heading()).toHaveText('Choose a new password');
});

test('/reset opened directly, with no address known, asks for the address first', async ({ page }) => {
  const flow = new FlowPages(page);
  await page.goto('/reset');
  await expect(flow.heading()).toHaveText('Reset your password');
  await expect(page.getByLabel('Email address')).toHaveValue('');
  await expect(page.getByRole('button', { name: 'Send code' })).toBeVisible();
  // A step opened without its flow goes back to the first page.
  await page.goto('/reset/finish');
  await expect(flow.heading()).toHaveText('Reset your password');
  await expect(page).toHaveURL(/\/reset$/);
});

test('every step of the reset, sign-up and passwordless wizards survives a reload and a deep link', async ({ page, browser }) => {
  const flow = new FlowPages(page);

  // Reset: email, code, new password.
  const email = uniqueEmail('deep');
  await signUp(page, email);
  await page.context().clearCookies();
  await page.goto('/reset');
  await reloadKeeps(page, 'Reset your password');
  const seen = countFor(email);
  await flow.submitEmail(email);
  await reloadKeeps(page, 'Enter your code');
  await expect(page.getByText(/We sent a code to d•••@contoso\.example/)).toBeVisible();
  // A deep link to the step, in a new tab of the same browser.
  const codeUrl = page.url();
  const tab = await page.context().newPage();
  await tab.goto(codeUrl);
  await expect(tab.getByRole('heading', { level: 1 })).toHaveText('Enter your code');
  await tab.close();
  await flow.submitCode(await nextCode(email, seen));
  await expect(flow.heading()).toHaveText('Choose a new password');
  await reloadKeeps(page, 'Choose a new password');
  await flow.choosePassword('reloaded and still here 2026', 'Reset password');
  await expect(page).toHaveURL(/\/account$/);

  // The flow is bound to the browser that started it: elsewhere the same link says so.
  const stranger = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const strangerPage = await stranger.newPage();
  await strangerPage.goto(codeUrl);
  await expect(strangerPage.getByRole('alert')).toHaveText(/it has expired, had too many wrong tries, or was opened in another browser/);
  await stranger.close();

  // Sign-up: email, code, details.
  const newcomer = uniqueEmail('deep-signup');
  await page.context().clearCookies();
  await page.goto('/sign-up');
  await reloadKeeps(page, 'Create your account');
  await flow.submitEmail(newcomer);
  await reloadKeeps(page, 'Enter your code');
  await flow.submitCode(await nextCode(newcomer, 0));
  await expect(flow.heading()).toHaveText('Finish creating your account');
  await reloadKeeps(page, 'Finish creating your account');
  await page.getByLabel('Display name').fill('Deep Link');
  await flow.choosePassword(PASSWORD, 'Create account');
  await expect(page).toHaveURL(/\/account$/);

  // Passwordless: email, code, name (a first visit).
  const otp = uniqueEmail('deep-otp');
  await page.context().clearCookies();
  await page.goto('/passwordless');
  await reloadKeeps(page, 'Sign in with an email code');
  await flow.submitEmail(otp);
  await reloadKeeps(page, 'Enter your code');
  await flow.submitCode(await nextCode(otp, 0));
  await expect(flow.heading()).toHaveText('Tell us your name');
  await reloadKeeps(page, 'Tell us your name');
  await page.getByLabel('Display name').fill('Otto Deep');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account$/);
});

test('every step of the unlock and guest wizards survives a reload', async ({ page, context }) => {
  const flow = new FlowPages(page);
  const email = uniqueEmail('deep-unlock');
  await signUp(page, email);
  await context.clearCookies();
  await page.goto('/unlock');
  await reloadKeeps(page, 'Unlock your account');
  const seen = countFor(email);
  await flow.submitEmail(email);
  await reloadKeeps(page, 'Enter your code');
  await flow.submitCode(await nextCode(email, seen));
  await expect(flow.heading()).toHaveText('Your identity is confirmed');
  await reloadKeeps(page, 'Your identity is confirmed');
  await page.getByRole('link', { name: 'Choose a new password' }).click();
  await expect(flow.heading()).toHaveText('Choose a new password');
  await expect(page).toHaveURL(/\/unlock\/finish\?flow=/);
  await reloadKeeps(page, 'Choose a new password');
  await flow.choosePassword('unlocked after a reload 2026', 'Reset password');
  await expect(page).toHaveURL(/\/account$/);

  // A guest's invitation link, then the code step.
  const guest = uniqueEmail('deep-guest');
  const output = execFileSync(serverBin, ['invite', '--email', guest, '--redirect', '/account'], {
    env: { ...process.env, ...serverEnv },
    encoding: 'utf8',
  });
  const link = new URL(/https?:\/\/\S+\/guest\?invitation=[\w-]+/.exec(output)![0]);
  // The invitation mail comes first; the code is the next one.
  await messageFor(guest, 0);
  await context.clearCookies();
  await page.goto(link.pathname + link.search);
  await reloadKeeps(page, 'Guest sign-in');
  const before = countFor(guest);
  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(flow.heading()).toHaveText('Enter your code');
  await reloadKeeps(page, 'Enter your code');
  await flow.submitCode(await nextCode(guest, before));
  await expect(page).toHaveURL(/\/account$/);
});

test("the browser's Back and Forward buttons walk through a wizard's steps", async ({ page }) => {
  const flow = new FlowPages(page);
  const email = uniqueEmail('back');
  await signUp(page, email);
  await page.context().clearCookies();
  await page.goto('/reset');
  const seen = countFor(email);
  await flow.submitEmail(email);
  await expect(page).toHaveURL(/\/reset\/code\?flow=/);
  await page.goBack();
  await expect(flow.heading()).toHaveText('Reset your password');
  await expect(page).toHaveURL(/\/reset$/);
  await expect(page.getByLabel('Email address')).toHaveValue(email);
  await page.goForward();
  await expect(flow.heading()).toHaveText('Enter your code');
  await flow.submitCode(await nextCode(email, seen));
  await expect(flow.heading()).toHaveText('Choose a new password');
  await page.goBack();
  await expect(flow.heading()).toHaveText('Enter your code');
  await expect(page).toHaveURL(/\/reset\/code\?flow=/);
  await page.goForward();
  await expect(flow.heading()).toHaveText('Choose a new password');
  // Focus follows each step's heading, as after a click.
  await expect(flow.heading()).toBeFocused();
  await flow.choosePassword('back and forth again 2026', 'Reset password');
  await expect(page).toHaveURL(/\/account$/);
});

test.describe('with a French browser', () => {
  test.use({ locale: 'fr-FR' });

  test('server errors are shown in French, never as the English server sentence', async ({ page }) => {
    const email = uniqueEmail('francais');
    await page.goto('/reset');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Réinitialiser votre mot de passe');
    await page.getByLabel('Adresse e-mail').fill(email);
    await page.getByRole('button', { name: 'Envoyer le code' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Saisissez votre code');
    await page.getByLabel('Code', { exact: true }).fill('12345678');
    await page.getByRole('button', { name: 'Vérifier' }).click();
    // The server answered `invalid_code` with an English message; the page words it itself.
    await expect(page.getByRole('alert')).toHaveText(/Ce code est incorrect\. Essais restants\u00a0: 4/);
    await expect(page.getByRole('alert')).not.toContainText('not right');

    await page.goto('/sign-in');
    await page.getByLabel('Adresse e-mail').fill(email);
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Mot de passe', { exact: true }).fill('not the password at all');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.getByRole('alert')).toHaveText('L’adresse e-mail ou le mot de passe est incorrect.');
  });
});

test('a load that fails says so and offers to try again', async ({ page }) => {
  await signUp(page, uniqueEmail('retry'));
  // The next request for the sessions fails on the way, as on a dropped connection.
  let failures = 0;
  await page.route('**/api/sessions', async (route) => {
    if (failures++ === 0) await route.abort('connectionreset');
    else await route.continue();
  });
  await page.reload();
  const alert = page.getByRole('alert').filter({ hasText: 'We could not reach the service' });
  await expect(alert).toBeVisible();
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(alert).toHaveCount(0);
  await expect(page.getByText('This session')).toBeVisible();
});
