/**
 * Entra's part of a sign-up, step by step: after the identity provider, call postFederationSignup and
 * prefill; after the attribute page, call postAttributeCollection and either keep the person on the page,
 * block, or create the guest user with the connector's claims applied.
 */
import { randomUUID } from "node:crypto";
import {
  attributeRequest,
  federationRequest,
  guestUser,
  idpClaimsFor,
  identitiesFor,
  mapReturnedClaims,
  missingRequired,
  readForm,
} from "./claims";
import { callConnector, type ConnectorCallOptions } from "./connector-client";
import type { GraphReader } from "./graph";
import type { FlowIdentityProvider, FlowModel, Session } from "./types";

/** Sessions kept in memory; the oldest are forgotten beyond this many. */
const MAX_SESSIONS = 500;

export interface FlowRunnerOptions {
  readonly graph: GraphReader;
  readonly connector?: ConnectorCallOptions;
}

export class FlowRunner {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly opts: FlowRunnerOptions) {}

  session(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** The person signed in with `idp` as `email`: run postFederationSignup (if wired) and open the page. */
  async start(
    flow: FlowModel,
    idp: FlowIdentityProvider,
    email: string,
    uiLocales: string,
  ): Promise<Session> {
    const session: Session = {
      id: randomUUID(),
      flowId: flow.id,
      idp,
      email,
      identities: identitiesFor(idp, email),
      idpClaims: idpClaimsFor(idp, email),
      values: {},
      stage: "attributes",
      missing: [],
      timeline: [],
    };
    this.remember(session);
    for (const field of flow.fields) {
      const preset = field.id.toLowerCase() === "email" ? email : session.idpClaims[field.id];
      const defaults = field.options.filter((o) => o.isDefault).map((o) => o.value);
      session.values[field.id] = preset ?? defaults.join(",");
    }
    const connector = flow.connectors.postFederationSignup;
    if (!connector) return session;
    const { outcome, attempts } = await callConnector(
      connector,
      "postFederationSignup",
      federationRequest(session, uiLocales),
      this.opts.connector,
    );
    session.timeline.push(...attempts);
    if (outcome.kind === "continue")
      Object.assign(session.values, prefillable(flow, returned(session, outcome.claims, flow)));
    else if (outcome.kind === "block") end(session, "blocked", outcome.message);
    else end(session, "failed", outcome.kind === "failed" ? outcome.reason : outcome.message);
    return session;
  }

  /** The attribute page was submitted. */
  async submit(flow: FlowModel, session: Session, form: URLSearchParams, uiLocales: string): Promise<void> {
    if (session.stage !== "attributes") return;
    session.values = readForm(flow, form, session.email);
    session.missing = missingRequired(flow, session.values);
    session.message = undefined;
    if (session.missing.length > 0) return;
    const request = attributeRequest(flow, session, uiLocales);
    const connector = flow.connectors.postAttributeCollection;
    let overwrites: Record<string, string> = {};
    if (connector) {
      const { outcome, attempts } = await callConnector(
        connector,
        "postAttributeCollection",
        request,
        this.opts.connector,
      );
      session.timeline.push(...attempts);
      if (outcome.kind === "validation") {
        session.message = outcome.message;
        return;
      }
      if (outcome.kind === "block") return end(session, "blocked", outcome.message);
      if (outcome.kind === "failed") return end(session, "failed", outcome.reason);
      overwrites = returned(session, outcome.claims, flow);
    }
    const claims: Record<string, string> = { ...session.idpClaims, ...session.values, ...overwrites };
    try {
      session.user = await this.opts.graph.createUser(guestUser(flow, session, claims));
      session.stage = "created";
    } catch (err) {
      end(session, "failed", `creating the guest user failed: ${(err as Error).message}`);
    }
  }

  private remember(session: Session): void {
    this.sessions.set(session.id, session);
    for (const id of this.sessions.keys()) {
      if (this.sessions.size <= MAX_SESSIONS) break;
      this.sessions.delete(id);
    }
  }
}

/** The claims Entra applies; the ones it drops are noted on the timeline entry that answered. */
function returned(
  session: Session,
  claims: Record<string, unknown>,
  flow: FlowModel,
): Record<string, string> {
  const { applied, ignored } = mapReturnedClaims(flow, claims);
  const answered = session.timeline.at(-1);
  if (answered !== undefined && ignored.length > 0) answered.ignoredClaims = ignored;
  return applied;
}

/** Prefill applies to fields on the page; the verified email is never replaced. */
function prefillable(flow: FlowModel, claims: Record<string, string>): Record<string, string> {
  const onPage = new Set(flow.fields.map((f) => f.id));
  return Object.fromEntries(
    Object.entries(claims).filter(([k]) => onPage.has(k) && k.toLowerCase() !== "email"),
  );
}

function end(session: Session, stage: "blocked" | "failed", message: string): void {
  session.stage = stage;
  session.message = message;
}
