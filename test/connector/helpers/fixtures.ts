/**
 * Settings and requests for the connector's HTTP tests. Secrets are random per run and never printed;
 * the policy is the engine's seed policy (the seeds' partner walkthrough).
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
export const EXTENSIONS_APP_ID = "0123456789abcdef0123456789abcdef";
export const ATTRIBUTE_NAMES = ["CompanyName", "Justification", "PartnerRole", "ApprovedAt"] as const;
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];

export function attributeId(name: AttributeName): string {
  return `extension_${EXTENSIONS_APP_ID}_${name}`;
}

export const ATTRIBUTE_IDS: Record<string, string> = Object.fromEntries(
  ATTRIBUTE_NAMES.map((name) => [name, attributeId(name)]),
);

/** Random per process: tests compare against these but never log them. */
export const SECRETS = {
  username: "entra-connector",
  password: randomBytes(24).toString("base64url"),
  adminKey: randomBytes(32).toString("base64url"),
};

export function seedPolicy(): Record<string, unknown> {
  const file = path.join(REPO_ROOT, "contract", "policy", "examples", "seed-partner-policy.json");
  return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
}

/** The seed policy plus an approval workflow for domains outside the allow-list. */
export function approvalPolicy(): Record<string, unknown> {
  return { ...seedPolicy(), approval: { when: { notInAllowList: true } } };
}

export function basicSettings(
  connectionString: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    SIGNUP_POLICY: JSON.stringify(seedPolicy()),
    SIGNUP_ATTRIBUTE_IDS: JSON.stringify(ATTRIBUTE_IDS),
    SIGNUP_EXTENSIONS_APP_ID: EXTENSIONS_APP_ID,
    CONNECTOR_AUTH_MODE: "basic",
    CONNECTOR_BASIC_USERNAME: SECRETS.username,
    CONNECTOR_BASIC_PASSWORD: SECRETS.password,
    SIGNUP_ADMIN_KEY: SECRETS.adminKey,
    AzureWebJobsStorage: connectionString,
    ...overrides,
  };
}

export function basicAuthHeader(username = SECRETS.username, password = SECRETS.password): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** A postAttributeCollection body that passes every seed rule for `email` at a partner domain. */
export function attributeCollection(
  email: string,
  company: string,
  justification = "I need access to the partner portal for the Q3 project.",
): Record<string, unknown> {
  return {
    email,
    displayName: "Jo Tester",
    givenName: "Jo",
    surname: "Tester",
    [attributeId("CompanyName")]: company,
    [attributeId("Justification")]: justification,
    ui_locales: "en-US",
  };
}
