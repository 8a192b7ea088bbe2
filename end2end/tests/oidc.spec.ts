// Signing in to one of the organisation's applications with OpenID Connect, in the browser:
// the example application (examples/sign-in-app, a confidential client using the openidconnect
// crate) is registered through Graph's /applications, started beside the server, and a customer
// goes from it through SSPR's pages and back. Seed 000: from the app, Forgot password?, the
// emailed code, a new password, and signed in to the app with the right subject and email.
// Registration at sign-in: stopped for security info on the way, the customer still lands on
// the app, after skipping and after registering. A sign-out request without the customer's own
// ID token is confirmed first.
import { test, expect, Page } from '@playwright/test';
import { spawn, ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { countFor, nextCode, uniqueEmail } from './fixtures/mailbox';
import { registerQuestions, requireMethods, setSnooze } from './fixtures/methods';
import { FlowPages, PASSWORD, SignInPage, signUp } from './fixtures/pages';
import { asAdmin } from './fixtures/user_flows';

const exampleBin =
  process.env.SSPR_EXAMPLE_BIN ?? path.resolve(__dirname, '..', '..', 'target', 'debug', 'sspr-example-sign-in');

let app: ChildProcess | undefined;
let APP_URL = '';
let CLIENT_ID = '';

/** A port nothing listens on now (the machine runs other servers beside these tests). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

test.beforeAll(async ({ baseURL }) => {
  const origin = baseURL!;
  const port = await freePort();
  APP_URL = `http://127.0.0.1:${port}`;
  const admin = await asAdmin(origin);
  const registered = await admin.post('/api/graph/v1.0/applications', {
    data: { displayName: 'Example app', web: { redirectUris: [`${APP_URL}/callback`, `${APP_URL}/`] } },
  });
  expect(registered.status(), await registered.text()).toBe(201);
  const { id, appId } = await registered.json();
  CLIENT_ID = appId;
  const secret = await admin.post(`/api/graph/v1.0/applications/${id}/addPassword`, { data: {} });
  expect(secret.status(), await secret.text()).toBe(200);
  const { secretText } = await secret.json();
  await admin.dispose();
  app = spawn(exampleBin, [], {
    env: {
      ...process.env,
      SSPR_ISSUER: origin,
      CLIENT_ID: appId,
      CLIENT_SECRET: secretText,
      APP_URL,
      APP_LISTEN: `127.0.0.1:${port}`,
    },
    stdio: 'inherit',
  });
  await expect
    .poll(async () => fetch(APP_URL).then((r) => r.text()).catch(() => ''), { timeout: 30_000 })
    .toContain('Example application');
});

test.afterAll(() => {
  app?.kill();
});

/** The subject SSPR gives `email`: its user id, as the admin directory shows it. */
async function userId(baseURL: string, email: string): Promise<string> {
  const admin = await asAdmin(baseURL);
  const found = await admin.get(`/api/admin/users?search=${encodeURIComponent(email)}`);
  expect(found.status(), await found.text()).toBe(200);
  const users: { id: string; email: string }[] = (await found.json()).items;
  await admin.dispose();
  return users.find((u) => u.email === email)!.id;
}

/** The example app's page, signed in: its subject and email. */
async function expectSignedInToTheApp(page: Page, baseURL: string, email: string) {
  await expect(page).toHaveURL(`${APP_URL}/`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Signed in');
  await expect(page.locator('#email')).toHaveText(email);
  await expect(page.locator('#sub')).toHaveText(await userId(baseURL, email));
  await expect(page.locator('#claims')).toContainText(`"iss": "${baseURL}"`);
}

test('from the app, a customer resets a forgotten password and is signed in to the app', async ({ page, context, baseURL }) => {
  const email = uniqueEmail('oidcreset');
  await signUp(page, email);
  await context.clearCookies();

  await page.goto(APP_URL);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sign-in\?client_id=/);
  await new SignInPage(page).enterEmail(email);
  const seen = countFor(email);
  // The address typed on the first page is used, and the code is on its way.
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  const flow = new FlowPages(page);
  await expect(flow.heading()).toHaveText('Enter your code');
  await flow.submitCode(await nextCode(email, seen));
  await expect(flow.heading()).toHaveText('Choose a new password');
  await flow.choosePassword('a new passphrase for the app', 'Reset password');

  await expectSignedInToTheApp(page, baseURL!, email);
});

test('from the app, a newcomer signs up and is signed in to the app', async ({ page, baseURL }) => {
  const email = uniqueEmail('oidcsignup');
  await page.goto(APP_URL);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sign-in\?client_id=/);
  await page.getByRole('link', { name: 'Create account' }).click();
  const flow = new FlowPages(page);
  const seen = countFor(email);
  await flow.submitEmail(email);
  await flow.submitCode(await nextCode(email, seen));
  await expect(flow.heading()).toHaveText('Finish creating your account');
  await page.getByLabel('Display name').fill('Ada Lovelace');
  await flow.choosePassword('correct horse battery staple', 'Create account');

  await expectSignedInToTheApp(page, baseURL!, email);
  await expect(page.locator('#claims')).toContainText('"name": "Ada Lovelace"');
  // Signing out of the app signs out of SSPR too, and comes back to the app.
  await page.getByRole('link', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(`${APP_URL}/`);
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  const session = await page.request.get(`${baseURL}/api/session`);
  expect(session.status()).toBe(401);
});

test('a sign-out request that does not carry the customer\'s own ID token asks before signing out', async ({ page }) => {
  // Any site can send the browser to the logout endpoint: without the user's own ID token as
  // the hint, the user is asked, and only the page's own link signs them out.
  await signUp(page, uniqueEmail('logoutask'));
  await page.goto('/oauth2/logout');
  await expect(page.getByRole('heading', { name: 'Sign out?' })).toBeVisible();
  expect((await page.request.get('/api/session')).status()).toBe(200);
  await page.getByRole('link', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Signed out' })).toBeVisible();
  expect((await page.request.get('/api/session')).status()).toBe(401);
});

test('the login_hint of the application fills the email and its ui_locales picks the language', async ({ page }) => {
  const email = uniqueEmail('oidchint');
  const query = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: `${APP_URL}/callback`,
    response_type: 'code',
    scope: 'openid email',
    state: 'hint-test',
    login_hint: email,
    ui_locales: 'fr-CA en',
  });
  await page.goto(`/oauth2/authorize?${query}`);
  await expect(page).toHaveURL(/\/sign-in\?client_id=/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connexion');
  await expect(page.getByLabel('Adresse e-mail')).toHaveValue(email);
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
});

test('from the app, a customer stopped for security info lands on the app after skipping and after registering', async ({ page, context, baseURL }) => {
  const email = uniqueEmail('oidcregister');
  await signUp(page, email);
  const admin = await asAdmin(baseURL!);
  const restore = await requireMethods(admin, 2, ['email', 'security_questions'], { require_registration: true });
  // Each sign-in asks again, with no snooze after a skip.
  const restoreSnooze = await setSnooze(admin, 0);
  try {
    const heading = page.getByRole('heading', { level: 1 });
    const signInFromTheApp = async () => {
      await context.clearCookies();
      await page.goto(APP_URL);
      await page.getByRole('link', { name: 'Sign in' }).click();
      const signIn = new SignInPage(page);
      await signIn.enterEmail(email);
      await signIn.enterPassword(PASSWORD);
      await expect(heading).toHaveText('More information required');
    };

    await signInFromTheApp();
    await page.getByRole('button', { name: 'Skip for now' }).click();
    await expectSignedInToTheApp(page, baseURL!, email);

    await signInFromTheApp();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(heading).toHaveText('Security info');
    await registerQuestions(page);
    await page.getByRole('button', { name: 'Done' }).click();
    await expectSignedInToTheApp(page, baseURL!, email);
  } finally {
    await restoreSnooze();
    await restore();
    await admin.dispose();
  }
});
