/**
 * External-tenant sign-up flows (`externalUsersSelfServiceSignUpEventsFlow`): created with the page
 * (it is PATCHable later only if it existed at creation), then identity providers, attributes, page,
 * properties, Start/Submit extensions and applications converge by read-then-write. Preview refuses what
 * Graph or Entra would fail on later: an application already in another flow (one flow per app), and an
 * extension whose event does not match its slot (Entra error 1003012).
 * https://learn.microsoft.com/graph/api/resources/externalusersselfservicesignupeventsflow
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GraphApi } from "../client";
import { graphStatus } from "../errors";
import {
  changedFields,
  connectionOf,
  createdNow,
  isUnknown,
  PartialCreateError,
  recentlyCreated,
  sameCi,
  toCheckResult,
  type Problem,
} from "./common";
import { clearLedger } from "./create-ledger";
import { createSafely } from "./create-safely";
import { providerApi } from "./engine-guard";
import { attach, detach, readSlot, syncListenerApps } from "./events-flow-attach";
import {
  convergeApplications,
  convergeFlowParts,
  createBody,
  findFlowsByName,
  flowPath,
  flowsWithApp,
  pageOf,
  readApplications,
  readAttributes,
  readIdentityProviders,
  resolveIdentityProviders,
  type GraphEventsFlow,
} from "./events-flow-graph";
import {
  inKnownOrder,
  normalizeFlowInputs,
  pageAsDesired,
  removedInputs,
  sameSet,
  slotInput,
  slots,
  validateFlowInputs,
  type AuthenticationEventsFlowInputs,
  type AuthenticationEventsFlowOutputs,
  type Slot,
  type SlotWiring,
} from "./events-flow-inputs";
import { convergeRetrying } from "./idempotent";
import { extensionPath, extensionTypes, type GraphExtension } from "./custom-extension-inputs";

const ledgerOf = (i: Pick<AuthenticationEventsFlowInputs, "connection" | "displayName">) => ({
  connection: i.connection,
  kind: "authenticationEventsFlow",
  key: String(i.displayName ?? "").toLowerCase(),
});

const extensionTypeOfSlot: Record<Slot, string> = {
  onAttributeCollectionStart: extensionTypes.attributeCollectionStart,
  onAttributeCollectionSubmit: extensionTypes.attributeCollectionSubmit,
};

/**
 * Preview-time refusals that need Graph: an app already in another flow (named), and an extension of
 * the wrong event for its slot. `ownNames`: this flow's display names (old and new), which are not
 * "another flow".
 */
export async function graphProblems(
  api: GraphApi,
  news: AuthenticationEventsFlowInputs,
  ownNames: readonly string[],
): Promise<Problem[]> {
  const problems: Problem[] = [];
  const apps = Array.isArray(news.includeApplications) ? news.includeApplications : [];
  for (const [i, appId] of apps.entries()) {
    if (isUnknown(appId) || typeof appId !== "string") continue;
    const other = (await flowsWithApp(api, appId)).find(
      (f) => !ownNames.some((n) => sameCi(n, f.displayName)),
    );
    if (other)
      problems.push([
        "includeApplications",
        `includeApplications[${i}]: application ${appId} is already in user flow "${other.displayName}" (${other.id}); ` +
          "an application can be in only one user flow. Fix: remove it from that flow first (or from the stack that " +
          "manages it) and run up, or drop it here",
      ]);
  }
  for (const slot of slots) {
    const key = slotInput[slot];
    const id = news[key];
    if (typeof id !== "string" || isUnknown(id)) continue;
    const ext = await api.find<GraphExtension>(extensionPath(id));
    if (!ext)
      problems.push([
        key,
        `${key}: custom extension ${id} does not exist (Entra would fail sign-ups with 1003011 CustomExtensionNotFound)`,
      ]);
    else if (!sameCi(ext["@odata.type"], extensionTypeOfSlot[slot]))
      problems.push([
        key,
        `${key}: extension ${id} ("${ext.displayName}") is a ${ext["@odata.type"]}, but ${slot} needs a ` +
          `${extensionTypeOfSlot[slot]} (Entra would fail with 1003012 InvalidActionType). Fix: pass the extensionId ` +
          `of a CustomAuthenticationExtension with eventType ${slot === "onAttributeCollectionStart" ? "attributeCollectionStart" : "attributeCollectionSubmit"}`,
      ]);
  }
  return problems;
}

async function convergeWiring(
  api: GraphApi,
  flowId: string,
  desired: AuthenticationEventsFlowInputs,
  known: Partial<Record<Slot, SlotWiring>>,
): Promise<Partial<Record<Slot, SlotWiring>>> {
  const wiring: Partial<Record<Slot, SlotWiring>> = {};
  for (const slot of slots) {
    const want = desired[slotInput[slot]];
    const current = await readSlot(api, flowId, slot, known[slot]);
    if (current && want && sameCi(current.extensionId, want)) {
      wiring[slot] = current;
      continue;
    }
    if (current) await detach(api, flowId, slot, current);
    if (want)
      wiring[slot] = await attach(
        api,
        flowId,
        slot,
        want,
        desired.attachVariant,
        desired.includeApplications,
      );
  }
  return wiring;
}

/** Everything after the flow exists: parts, extensions, then applications (after the one-flow check). */
async function convergeAll(
  api: GraphApi,
  flowId: string,
  desired: AuthenticationEventsFlowInputs,
  known: Partial<Record<Slot, SlotWiring>>,
): Promise<Partial<Record<Slot, SlotWiring>>> {
  return convergeRetrying(async () => {
    await convergeFlowParts(api, flowId, desired);
    const wiring = await convergeWiring(api, flowId, desired, known);
    await convergeApplications(api, flowId, desired.includeApplications);
    for (const slot of slots) {
      const w = wiring[slot];
      if (w) await syncListenerApps(api, slot, w, desired.includeApplications);
    }
    return wiring;
  });
}

const outputsFor = (
  i: AuthenticationEventsFlowInputs,
  flowId: string,
  wiring: Partial<Record<Slot, SlotWiring>>,
  converged: boolean,
  createdAt: string | undefined,
): AuthenticationEventsFlowOutputs => ({
  ...i,
  flowId,
  wiring,
  converged,
  ...(createdAt === undefined ? {} : { createdAt }),
});

async function createFlow(inputs: AuthenticationEventsFlowInputs) {
  const api = providerApi(inputs.connection);
  const idps = await resolveIdentityProviders(api, inputs.identityProviderIds);
  const { object } = await createSafely({
    adoptExisting: inputs.adoptExisting,
    describe: `user flow "${inputs.displayName}"`,
    ledger: ledgerOf(inputs),
    unique: true,
    findAll: () => findFlowsByName(api, inputs.displayName),
    create: () =>
      api.post<GraphEventsFlow>("/identity/authenticationEventsFlows", createBody(inputs, idps), {
        create: true,
      }),
  });
  const createdAt = createdNow();
  try {
    const wiring = await convergeAll(api, object.id, inputs, {});
    return { id: object.id, outs: outputsFor(inputs, object.id, wiring, true, createdAt) };
  } catch (e) {
    const outs = outputsFor(inputs, object.id, {}, false, createdAt);
    throw new PartialCreateError(object.id, { ...outs } as Record<string, unknown>, e);
  }
}

/** Detach applications, unwire Start/Submit, then delete the flow (the documented teardown order). */
async function deleteFlow(id: string, props: AuthenticationEventsFlowOutputs): Promise<void> {
  const api = providerApi(connectionOf(props));
  if (!(await api.find<GraphEventsFlow>(flowPath(id)))) return;
  await convergeRetrying(async () => {
    await convergeApplications(api, id, []);
    for (const slot of slots) {
      const current = await readSlot(api, id, slot, props.wiring?.[slot]);
      if (current) await detach(api, id, slot, current);
    }
  });
  await api.delete(flowPath(id));
}

export const authenticationEventsFlowProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    const inputs = normalizeFlowInputs(news);
    const problems = validateFlowInputs(news);
    const removed = removedInputs((olds as Partial<AuthenticationEventsFlowInputs>).inputs, inputs.inputs);
    if (problems.length === 0 && !isUnknown(inputs.connection)) {
      const names = [olds.displayName, inputs.displayName].filter((n): n is string => typeof n === "string");
      problems.push(...(await graphProblems(providerApi(inputs.connection), inputs, names)));
    }
    return toCheckResult({ ...inputs, removedPageInputs: removed }, problems);
  },

  async diff(_id, olds: AuthenticationEventsFlowOutputs, news: AuthenticationEventsFlowInputs) {
    clearLedger(ledgerOf(olds));
    const fields = changedFields({ ...olds }, { ...news }, [
      "displayName",
      "description",
      "attributes",
      "inputs",
      "isSignUpAllowed",
      "onAttributeCollectionStartExtensionId",
      "onAttributeCollectionSubmitExtensionId",
      "attachVariant",
      "connection",
      "adoptExisting",
    ]);
    for (const k of ["identityProviderIds", "includeApplications"] as const)
      if (isUnknown(news[k]) || !sameSet(olds[k] ?? [], news[k])) fields.push(k);
    if (olds.converged === false) fields.push("converged");
    // Everything updates in place; the id is Graph's and never changes.
    return { changes: fields.length > 0, replaces: [], deleteBeforeReplace: false };
  },

  create: (inputs: AuthenticationEventsFlowInputs) => createFlow(inputs),

  async read(id, props: AuthenticationEventsFlowOutputs) {
    clearLedger(ledgerOf(props));
    const api = providerApi(connectionOf(props));
    const fresh = { afterCreate: recentlyCreated(props) };
    const f = await api.find<GraphEventsFlow>(flowPath(id), fresh);
    if (!f) return {};
    const [idps, attrs, apps, resolved] = await Promise.all([
      readIdentityProviders(api, id, fresh),
      readAttributes(api, id, fresh),
      readApplications(api, id, fresh),
      resolveIdentityProviders(api, props.identityProviderIds ?? []),
    ]);
    const wiring: Partial<Record<Slot, SlotWiring>> = {};
    for (const slot of slots) {
      const w = await readSlot(api, id, slot, props.wiring?.[slot]);
      if (w) wiring[slot] = w;
    }
    const knownAttrs = props.attributes ?? [];
    const sameAttrs = sameSet(
      attrs.map((a) => a.id),
      knownAttrs.map((a) => a.id),
    );
    const outs: AuthenticationEventsFlowOutputs = {
      ...props,
      flowId: id,
      displayName: f.displayName ?? props.displayName,
      ...(props.description === undefined && !f.description ? {} : { description: f.description ?? "" }),
      identityProviderIds: sameSet(idps, resolved) ? [...props.identityProviderIds] : idps,
      attributes: sameAttrs ? knownAttrs : attrs,
      inputs: pageAsDesired(pageOf(f), props.inputs ?? []),
      isSignUpAllowed: f.onInteractiveAuthFlowStart?.isSignUpAllowed ?? true,
      includeApplications: inKnownOrder(apps, props.includeApplications),
      wiring,
    };
    const withSlots = { ...outs } as Record<string, unknown>;
    for (const slot of slots) {
      if (wiring[slot]) withSlots[slotInput[slot]] = wiring[slot]!.extensionId;
      else delete withSlots[slotInput[slot]];
    }
    const {
      flowId: _f,
      wiring: _w,
      converged: _c,
      createdAt: _t,
      removedPageInputs: _r,
      ...inputs
    } = withSlots;
    return { id, props: withSlots, inputs };
  },

  async update(id, olds: AuthenticationEventsFlowOutputs, news: AuthenticationEventsFlowInputs) {
    clearLedger(ledgerOf(olds));
    const api = providerApi(news.connection);
    try {
      const wiring = await convergeAll(api, id, news, olds.wiring ?? {});
      return { outs: outputsFor(news, id, wiring, true, olds.createdAt) };
    } catch (e) {
      if (graphStatus(e) !== 404 || (await api.find(flowPath(id)))) throw e;
      throw new Error(
        `user flow "${olds.displayName}" (${id}) was deleted outside this stack; run \`pulumi refresh\` and then up to recreate it`,
      );
    }
  },

  delete: (id, props: AuthenticationEventsFlowOutputs) =>
    deleteFlow(id, props).then(() => clearLedger(ledgerOf(props))),
};
