/**
 * What the sign-up simulator knows about a flow (read fresh from Graph on every page load) and about one
 * person's sign-up in progress. Connector passwords live only in memory and never reach a page or a log.
 */

/** The two B2X connector steps (docs/graph-contract.md §4.4). */
export type { ConnectorStep } from "../../contract/userFlow";
import type { ConnectorStep } from "../../contract/userFlow";

/** The custom-authentication-extension events of an external tenant's sign-up. */
export type ExtensionEvent = "attributeCollectionStart" | "attributeCollectionSubmit";

/** One option of a radio/dropdown/checkbox field (`userAttributeValues`). */
export interface FieldOption {
  readonly label: string;
  readonly value: string;
  readonly isDefault: boolean;
}

/** One field of the attribute page: an attribute assignment with its attribute expanded. */
export interface FlowField {
  /** The attribute id, which is also the claim key (`givenName`, `extension_<appId>_CompanyName`). */
  readonly id: string;
  /** The attribute's short name (`CompanyName` for a custom attribute, the id for a built-in). */
  readonly name: string;
  readonly label: string;
  /** The attribute's `description`, shown under the field as Entra does; empty when it has none. */
  readonly description: string;
  /** Normalised camelCase `userInputType` (`textBox`, `radioSingleSelect`, …). */
  readonly inputType: string;
  readonly optional: boolean;
  readonly requiresVerification: boolean;
  readonly options: readonly FieldOption[];
  readonly dataType: "string" | "boolean" | "int64";
  readonly custom: boolean;
}

/** A tenant identity provider linked to the flow. */
export interface FlowIdentityProvider {
  readonly id: string;
  readonly displayName: string;
  /** `EmailOTP`, `Google`, `Facebook`, `AADSignup`, `MicrosoftAccount`. */
  readonly type: string;
}

/** How the simulator (playing Entra) authenticates to a connector. */
export type ConnectorAuth =
  | { readonly type: "basic"; readonly username: string; readonly password: string }
  | { readonly type: "certificate" };

/** A connector wired to a step of the flow. */
export interface FlowConnector {
  readonly id: string;
  readonly displayName: string;
  readonly targetUrl: string;
  readonly auth: ConnectorAuth;
}

/** Everything one page load needs to know about a flow. */
export interface FlowModel {
  readonly id: string;
  readonly identityProviders: readonly FlowIdentityProvider[];
  /** In page order (`getOrder`). */
  readonly fields: readonly FlowField[];
  readonly connectors: Partial<Record<ConnectorStep, FlowConnector>>;
}

/** `identities` item as Entra sends it and as the guest user is created with. */
export interface Identity {
  readonly signInType: string;
  readonly issuer: string;
  readonly issuerAssignedId: string;
}

/** One HTTP attempt at a connector, as shown in the page's timeline. */
export interface TimelineEntry {
  readonly step: ConnectorStep | ExtensionEvent | "tokenIssuanceStart";
  readonly attempt: number;
  readonly url: string;
  readonly request: Record<string, unknown>;
  /** `null` when no response arrived (timeout or network error). */
  readonly status: number | null;
  /** Parsed JSON, or the raw text when it was not JSON. */
  readonly response?: unknown;
  readonly error?: string;
  readonly latencyMs: number;
  readonly at: string;
  /** Claims of a Continue answer that Entra drops (not a user attribute of the flow, or never taken). */
  ignoredClaims?: ReadonlyArray<{ readonly claim: string; readonly reason: string }>;
}

/** Where a sign-up stands. */
export type SessionStage = "attributes" | "blocked" | "created" | "failed";

/** One person's sign-up in progress. */
export interface Session {
  readonly id: string;
  readonly flowId: string;
  readonly idp: FlowIdentityProvider;
  readonly email: string;
  readonly identities?: readonly Identity[];
  /** Claims the identity provider returned (sent again at postAttributeCollection). */
  readonly idpClaims: Record<string, string>;
  /** The attribute page's values by attribute id (prefill, then what the person typed). */
  values: Record<string, string>;
  stage: SessionStage;
  /** Validation error (stage attributes), block message or failure reason. */
  message?: string;
  /** Required fields left empty on the last submit. */
  missing: string[];
  timeline: TimelineEntry[];
  /** The created guest user, as Graph returned it. */
  user?: Record<string, unknown>;
}
