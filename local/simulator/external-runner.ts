/**
 * Entra's part of an external tenant's sign-up, step by step: after sign-in, call the
 * OnAttributeCollectionStart extension (prefill or block); on submit, check the page like Entra's page
 * does (required fields, data types, `validationRegEx`), call the OnAttributeCollectionSubmit extension
 * (continue, modify values, per-field validation errors, or block), then create the customer user.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-attribute-collection
 */
import { randomUUID } from "node:crypto";
import {
  directoryAttributes,
  pageText,
  returnedValues,
  typedValue,
  type TypedValue,
} from "./attribute-values";
import { idpClaimsFor } from "./claims";
import { customerUser, signUpIdentities } from "./customer-account";
import {
  checkExtension,
  readOrganization,
  type ExternalFlowModel,
  type OrganizationView,
} from "./events-flow";
import type { EnvelopeServicePrincipal } from "../extension-callout";
import { callExtension, extensionEnvelope, type ExtensionOutcome } from "./extension-client";
import type { GraphReader } from "./graph";
import { checkPage, readPage } from "./page-checks";
import type { TokenSignIn } from "./token-sign-in";
import type { ExtensionEvent, FlowIdentityProvider, Identity, SessionStage, TimelineEntry } from "./types";

const MAX_SESSIONS = 500;
/** One person's external-tenant sign-up in progress. */
export interface ExternalSession {
  readonly kind: "external";
  readonly id: string;
  readonly flowId: string;
  readonly idp: FlowIdentityProvider;
  readonly email: string;
  readonly organization: OrganizationView;
  readonly identities?: readonly Identity[];
  /** Claims the identity provider returned (social providers: the name). */
  readonly idpClaims: Record<string, string>;
  readonly clientIp: string;
  readonly locale: string;
  /** One per sign-up; every extension call (and its retry) carries it. */
  readonly correlationId: string;
  readonly clientApp: EnvelopeServicePrincipal;
  /** The page's values by attribute id, as text (checkboxes `true`/`false`, multi-select comma-separated). */
  values: Record<string, string>;
  stage: SessionStage;
  /** Block page title (showBlockPage `title`). */
  title?: string;
  /** The validation message at the top of the page, the block message, or the failure reason. */
  message?: string;
  /** Attribute id → the message shown beside its field. */
  fieldErrors: Record<string, string>;
  timeline: TimelineEntry[];
  /** The created user, as Graph returned it. */
  user?: Record<string, unknown>;
  /** The created user's last sign-in to an app (token-sign-in.ts). */
  tokenSignIn?: TokenSignIn;
}

export interface ExternalStart {
  readonly idp: FlowIdentityProvider;
  readonly email: string;
  /** The client application the person signs up to (one of the flow's `includeApplications`). */
  readonly appId: string;
  readonly clientIp: string;
  readonly locale: string;
}

export interface ExternalRunnerOptions {
  readonly graph: GraphReader;
  /** Called once per extension attempt (for logs); carries no secret. */
  readonly onAttempt?: (entry: TimelineEntry) => void;
}

export class ExternalRunner {
  private readonly sessions = new Map<string, ExternalSession>();

  constructor(private readonly opts: ExternalRunnerOptions) {}

  session(id: string): ExternalSession | undefined {
    return this.sessions.get(id);
  }

  /** The person signed in: run OnAttributeCollectionStart (if wired) and open the page. */
  async start(flow: ExternalFlowModel, start: ExternalStart): Promise<ExternalSession> {
    const organization = await readOrganization(this.opts.graph);
    const session: ExternalSession = {
      kind: "external",
      id: randomUUID(),
      flowId: flow.id,
      idp: start.idp,
      email: start.email,
      organization,
      identities: signUpIdentities(start.idp, start.email, organization.initialDomain),
      idpClaims: idpClaimsFor(start.idp, start.email),
      clientIp: start.clientIp,
      locale: start.locale.toLowerCase(),
      correlationId: randomUUID(),
      clientApp: await this.servicePrincipal(start.appId),
      values: {},
      stage: "attributes",
      fieldErrors: {},
      timeline: [],
    };
    this.remember(session);
    for (const input of flow.inputs) {
      const preset = same(input.attribute, "email") ? start.email : session.idpClaims[input.attribute];
      session.values[input.attribute] = preset ?? input.defaultValue ?? "";
    }
    const known = typedValues(flow, session, (key) => same(key, "email") || key in session.idpClaims);
    const outcome = await this.call(flow, session, "attributeCollectionStart", known);
    if (!outcome || outcome.kind === "continue") return session;
    if (outcome.kind === "prefill") {
      const returned = this.returned(flow, session, outcome.inputs);
      if (returned) for (const [k, v] of Object.entries(returned)) session.values[k] = pageText(v);
      return session;
    }
    this.settle(session, outcome);
    return session;
  }

  /** The attribute page was submitted. */
  async submit(flow: ExternalFlowModel, session: ExternalSession, form: URLSearchParams): Promise<void> {
    if (session.stage !== "attributes") return;
    session.values = { ...session.values, ...readPage(flow.inputs, form) };
    session.message = undefined;
    session.fieldErrors = checkPage(flow.inputs, session.values);
    if (Object.keys(session.fieldErrors).length > 0) return;
    const collected = typedValues(
      flow,
      session,
      (key) => same(key, "email") || key in session.idpClaims || flow.inputs.some((i) => i.attribute === key),
    );
    const outcome = await this.call(flow, session, "attributeCollectionSubmit", collected);
    let final = collected;
    if (outcome?.kind === "validation") {
      session.message = outcome.message;
      session.fieldErrors = this.fieldErrors(flow, session, outcome.attributeErrors);
      return;
    }
    if (outcome?.kind === "modify") {
      const returned = this.returned(flow, session, outcome.attributes);
      if (!returned) return;
      final = { ...collected, ...returned };
      for (const [k, v] of Object.entries(returned)) session.values[k] = pageText(v);
    } else if (outcome && outcome.kind !== "continue") return this.settle(session, outcome);
    try {
      session.user = await this.opts.graph.call("POST", "/users", customerUser(flow, session, final));
      session.stage = "created";
    } catch (err) {
      end(session, "failed", `creating the user failed: ${(err as Error).message}`);
    }
  }

  /** Calls the extension wired to `event`; `undefined` when none is wired (Entra goes on). */
  private async call(
    flow: ExternalFlowModel,
    session: ExternalSession,
    event: ExtensionEvent,
    values: Record<string, TypedValue>,
  ): Promise<ExtensionOutcome | undefined> {
    const slot = flow.extensions[event];
    if (!slot) return undefined;
    if (slot.state === "missing")
      return failure(
        "1003011 CustomExtensionNotFound",
        `the flow's ${event} handler references extension ${slot.id}, which does not exist`,
      );
    const extension = slot.extension;
    const checked = checkExtension(extension, event);
    if ("code" in checked) return failure(checked.code, checked.message);
    let token: string;
    try {
      const minted = await this.opts.graph.call("POST", "/_emulator/tokens/authentication-events", {
        audience: checked.appId,
        // The issuer follows the tenant kind: `{tenant}.ciamlogin.com` for external tenants.
        kind: session.organization.tenantType === "CIAM" ? "external" : "workforce",
      });
      token = String(minted.access_token);
    } catch (err) {
      return failure(
        "1003016 ResourceServicePrincipalNotFound",
        `no token for ${extension.resourceId}: ${(err as Error).message}`,
      );
    }
    const envelope = extensionEnvelope({
      event,
      tenantId: session.organization.tenantId,
      listenerId: flow.id,
      extensionId: extension.id,
      correlationId: session.correlationId,
      clientIp: session.clientIp,
      locale: session.locale,
      clientServicePrincipal: session.clientApp,
      attributes: directoryAttributes(flow, values),
      identities: session.identities,
    });
    const { outcome, attempts } = await callExtension(envelope, {
      targetUrl: extension.targetUrl,
      event,
      timeoutInMilliseconds: extension.timeoutInMilliseconds,
      maximumRetries: extension.maximumRetries,
      token,
      onAttempt: this.opts.onAttempt,
    });
    session.timeline.push(...attempts);
    return outcome;
  }

  /** Typed returned values, or `undefined` after failing the sign-up when one has the wrong type. */
  private returned(
    flow: ExternalFlowModel,
    session: ExternalSession,
    values: Record<string, unknown>,
  ): Record<string, TypedValue> | undefined {
    const { applied, ignored, mistyped } = returnedValues(flow, values);
    const answered = session.timeline.at(-1);
    if (answered && ignored.length > 0) answered.ignoredClaims = ignored;
    if (mistyped.length === 0) return applied;
    end(
      session,
      "failed",
      `1003003 InvalidResponseBody: values must keep the attribute's data type (${mistyped.join("; ")})`,
    );
    return undefined;
  }

  /** attributeErrors keyed by a field on the page; the others are noted on the timeline. */
  private fieldErrors(
    flow: ExternalFlowModel,
    session: ExternalSession,
    errors: Record<string, string>,
  ): Record<string, string> {
    const shown: Record<string, string> = {};
    const ignored: Array<{ claim: string; reason: string }> = [];
    for (const [key, message] of Object.entries(errors)) {
      const input = flow.inputs.find((i) => i.attribute === key && !i.hidden);
      if (input) Object.defineProperty(shown, key, { enumerable: true, value: message });
      else ignored.push({ claim: key, reason: "no field on the page to show this error beside" });
    }
    const answered = session.timeline.at(-1);
    if (answered && ignored.length > 0) answered.ignoredClaims = ignored;
    return shown;
  }

  private settle(session: ExternalSession, outcome: ExtensionOutcome): void {
    if (outcome.kind === "block") {
      session.title = outcome.title;
      end(session, "blocked", outcome.message);
    } else if (outcome.kind === "failed") end(session, "failed", `${outcome.code}: ${outcome.reason}`);
  }

  /** The client application's service principal as the envelope names it. */
  private async servicePrincipal(appId: string): Promise<EnvelopeServicePrincipal> {
    try {
      const found = await this.opts.graph.call(
        "GET",
        `/servicePrincipals?$filter=appId eq '${encodeURIComponent(appId)}'`,
      );
      const sp = (Array.isArray(found.value) ? found.value : [])[0] as Record<string, unknown> | undefined;
      if (sp)
        return {
          id: String(sp.id),
          appId,
          appDisplayName: String(sp.appDisplayName ?? sp.displayName ?? appId),
          displayName: String(sp.displayName ?? appId),
        };
    } catch {
      // A tenant without the service principal still signs people up; the envelope then names the app only.
    }
    return { id: appId, appId, appDisplayName: appId, displayName: appId };
  }

  private remember(session: ExternalSession): void {
    this.sessions.set(session.id, session);
    for (const id of this.sessions.keys()) {
      if (this.sessions.size <= MAX_SESSIONS) break;
      this.sessions.delete(id);
    }
  }
}

/** Typed values of the flow's attributes whose key `include` accepts; empty text is not sent. */
function typedValues(
  flow: ExternalFlowModel,
  session: ExternalSession,
  include: (key: string) => boolean,
): Record<string, TypedValue> {
  const texts: Record<string, string> = { ...session.idpClaims, ...session.values, email: session.email };
  const out: Record<string, TypedValue> = {};
  for (const [key, text] of Object.entries(texts)) {
    const attribute = flow.attributes.get(key);
    if (!attribute || !include(key) || text === "") continue;
    const value = typedValue(attribute.dataType, text);
    if (value !== undefined) Object.defineProperty(out, key, { enumerable: true, value });
  }
  return out;
}

function failure(code: string, reason: string): ExtensionOutcome {
  return { kind: "failed", code, reason };
}

function end(session: ExternalSession, stage: "blocked" | "failed", message: string): void {
  session.stage = stage;
  session.message = message;
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
