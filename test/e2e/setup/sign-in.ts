import type { Page } from "playwright-core";

/** Signs in through the form at `signinUrl` and waits until the header shows the account. */
export async function signIn(page: Page, signinUrl: string, account: { email: string; password: string }): Promise<void> {
  await page.goto(signinUrl);
  const main = page.locator("#main");
  await main.getByLabel("Email").fill(account.email);
  await main.getByLabel("Password").fill(account.password);
  await main.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByTestId("account-name").waitFor();
}
