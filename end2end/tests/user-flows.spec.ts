// User flows (SPEC A5, C1, C4): the customer pages follow the flow of the application named by
// `?client_id=…` — an Email OTP flow signs in with a code only, a flow with SSPR off offers no
// "Forgot password?", and sign-up asks for the attributes the flow collects.
import { test, expect } from '@playwright/test';
import { nextCode, uniqueEmail } from './fixtures/mailbox';
import { FlowPages, PASSWORD, SignInPage, signUp } from './fixtures/pages';
import { seedUserFlow } from './fixtures/user_flows';

test('an application whose flow is Email OTP gets the Send code page, not a password', async ({ page, baseURL }) => {
  await seedUserFlow(baseURL!, { clientId: 'e2e-otp-app', identityProvider: 'email_otp', ssprEnabled: true });
  const flow = new FlowPages(page);
  const email = uniqueEmail('otp-app');
  await page.goto('/sign-in?client_id=e2e-otp-app');
  await expect(flow.heading()).toHaveText('Sign in with an email code');
  await expect(page.getByRole('button', { name: 'Next' })).toHaveCount(0);
  await flow.submitEmail(email);
  await flow.submitCode(await nextCode(email, 0));
  // A first visit creates the account with a name and no password.
  await expect(flow.heading()).toHaveText('Tell us your name');
  await expect(page.getByLabel('New password')).toHaveCount(0);
  await page.getByLabel('Display name').fill('Otis');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account$/);
});

test('an application with SSPR off shows no Forgot password link; the default flow does', async ({ page, baseURL }) => {
  await seedUserFlow(baseURL!, { clientId: 'e2e-no-sspr', identityProvider: 'email_password', ssprEnabled: false });
  const email = uniqueEmail('no-sspr');
  await signUp(page, email);
  await page.context().clearCookies();
  const signIn = new SignInPage(page);

  await page.goto('/sign-in?client_id=e2e-no-sspr');
  await signIn.enterEmail(email);
  await expect(page.getByLabel('Password', { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Forgot password?' })).toHaveCount(0);
  await signIn.enterPassword(PASSWORD);
  await expect(page).toHaveURL(/\/account$/);

  await page.context().clearCookies();
  await signIn.open();
  await signIn.enterEmail(email);
  await expect(page.getByRole('link', { name: 'Forgot password?' })).toBeVisible();
});

test('sign-up for an application asks for the attributes its flow collects', async ({ page, baseURL }) => {
  await seedUserFlow(baseURL!, {
    clientId: 'e2e-names-app',
    identityProvider: 'email_password',
    attributes: ['givenName', 'surname'],
    ssprEnabled: true,
  });
  const flow = new FlowPages(page);
  const email = uniqueEmail('names');
  await page.goto('/sign-up?client_id=e2e-names-app');
  await flow.submitEmail(email);
  await flow.submitCode(await nextCode(email, 0));
  await expect(flow.heading()).toHaveText('Finish creating your account');
  await page.getByLabel('Display name').fill('Ada Lovelace');
  await page.getByLabel('Given name').fill('Ada');
  await flow.choosePassword(PASSWORD, 'Create account');
  // The surname is required.
  await expect(flow.alert()).toContainText('Fill in every field.');
  await expect(page.getByLabel('Surname')).toBeFocused();
  await page.getByLabel('Surname').fill('Lovelace');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account$/);
});
