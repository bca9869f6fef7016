/**
 * `GeneratedPassword`: a random secret created once by the engine and kept (encrypted) in state.
 *
 * Why a dynamic resource and not `@pulumi/random`: the project pins its providers and cannot download
 * plugins; this needs only `node:crypto`. The one password feeds both the Graph `ApiConnector` (Basic
 * auth) and the Function App (Key Vault secret or app setting), so neither depends on the other.
 *
 * Rules kept here (docs/architecture.md "Connector credential"):
 * - the provider captures nothing (no module, client or secret), `node:crypto` is imported inside
 *   `create`, so the serialized `__provider` text is harmless in state;
 * - `value` is marked secret through `additionalSecretOutputs`, because a dynamic provider cannot return
 *   `pulumi.secret(...)` (docs/pulumi-notes.md §A3.5) and new output names are not secret automatically
 *   (§A4);
 * - only a change of `length` or `rotationKey` replaces it; nothing else ever regenerates it.
 */
import * as pulumi from "@pulumi/pulumi";
import { PREVIEW_UNKNOWN } from "../contract/preview";
import { DEFAULT_PASSWORD_BYTES, newPassword, rotationDue } from "./password";

/** Default entropy in bytes: 256 bits, rendered as 43 base64url characters. */
export const defaultPasswordBytes = DEFAULT_PASSWORD_BYTES;
const minPasswordBytes = 16;
const maxPasswordBytes = 96;

export interface GeneratedPasswordArgs {
  /**
   * Number of random bytes; the password is their base64url text (4 characters per 3 bytes, so it
   * contains only `A–Z a–z 0–9 - _`, safe in Basic auth, URLs and app settings). Between 16 and 96.
   * Changing it replaces the password.
   * @default 32 bytes (a 43-character password)
   */
  readonly length?: pulumi.Input<number>;
  /**
   * Any text; changing it generates a new password (rotation), e.g. a date `"2026-09"`. Consumers
   * (the API connector, the Function App setting) then update in the same deployment.
   * @default - no rotation: the password lives as long as the resource
   */
  readonly rotationKey?: pulumi.Input<string>;
}

/** The state of a `GeneratedPassword` as the provider sees it. */
interface PasswordState {
  length: number;
  rotationKey: string;
  value?: string;
}

const unknownSentinel = PREVIEW_UNKNOWN;

/**
 * Checks the inputs; exported for tests. Returns problems as readable strings; unknown (preview)
 * values are accepted because they are checked again on `up`.
 */
export function validatePasswordLength(length: unknown): string[] {
  if (length === undefined || length === unknownSentinel) return [];
  if (typeof length !== "number" || !Number.isInteger(length)) {
    return [`length: expected a whole number of bytes, got ${JSON.stringify(length)}`];
  }
  if (length < minPasswordBytes || length > maxPasswordBytes) {
    return [`length: ${length} is outside ${minPasswordBytes}..${maxPasswordBytes} bytes; use e.g. 32`];
  }
  return [];
}

/**
 * The provider. Plain object, no captured state: every value it needs arrives as inputs, and the
 * crypto module is imported inside `create`. `validatePasswordLength` and the constants are captured by
 * value (they are small pure values).
 */
export const generatedPasswordProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    const failures = validatePasswordLength(news.length).map((reason) => ({
      property: "length",
      reason,
    }));
    // Normalise defaults so that state always carries them and diffs compare like with like.
    const inputs = {
      ...news,
      length: news.length ?? defaultPasswordBytes,
      rotationKey: news.rotationKey ?? "",
    };
    return { inputs, failures };
  },

  async diff(_id, olds: PasswordState, news: PasswordState) {
    const replaces: string[] = [];
    if ((olds.length ?? defaultPasswordBytes) !== news.length) replaces.push("length");
    if (rotationDue(olds, news)) replaces.push("rotationKey");
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(inputs: PasswordState) {
    const crypto = await import("node:crypto");
    const value = newPassword(crypto.randomBytes, inputs.length);
    return {
      id: crypto.randomUUID(),
      outs: { length: inputs.length, rotationKey: inputs.rotationKey, value },
    };
  },

  // Nothing exists outside state, so deleting is forgetting.
  async delete() {},
};

/**
 * A random password generated at deployment time and stored only as an encrypted secret in state.
 * Type token: `pulumi-nodejs:dynamic/entra-signup/secrets:GeneratedPassword`.
 */
export class GeneratedPassword extends pulumi.dynamic.Resource {
  /** The password (secret). */
  declare readonly value: pulumi.Output<string>;
  /** The number of random bytes behind `value`. */
  declare readonly length: pulumi.Output<number>;
  /** The rotation key the current value was generated for ("" when none was given). */
  declare readonly rotationKey: pulumi.Output<string>;

  constructor(name: string, args: GeneratedPasswordArgs = {}, opts: pulumi.CustomResourceOptions = {}) {
    super(
      generatedPasswordProvider,
      name,
      { length: args.length, rotationKey: args.rotationKey, value: undefined },
      {
        ...opts,
        additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), "value"],
      },
      "entra-signup/secrets",
      "GeneratedPassword",
    );
  }
}
