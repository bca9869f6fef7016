/**
 * Every Graph provider by resource kind, as the stored shim (resources/provider-shim.ts) loads them in the
 * provider process, with the release handling every kind shares: the {@link providerVersionKey} input is
 * kept in inputs and outputs, a different version is a change (an in-place update, never a replacement),
 * and an update that only moves the version touches nothing in Graph.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  graphResourceKinds,
  packageName,
  providerVersionKey,
  type GraphResourceKind,
} from "../resources/provider-shim";
import { userFlowAttributeProvider } from "./attribute";
import { apiConnectorProvider } from "./connector";
import { customAuthenticationExtensionProvider } from "./custom-extension";
import { authenticationEventsFlowProvider } from "./events-flow";
import { userFlowAppAssociationProvider } from "./listener";
import { selfServiceSignUpPolicyProvider } from "./policy";
import { socialIdentityProviderProvider } from "./social-idp";
import { b2xUserFlowProvider } from "./userflow";
import { extensionApiApplicationProvider } from "./api-application";
import { tokenIssuanceStartListenerProvider } from "./token-listener";
import { claimsMappingPolicyProvider } from "./claims-policy";
import { mappedClaimsAcceptanceProvider } from "./claims-policy-acceptance";

type Provider = pulumi.dynamic.ResourceProvider;
type Props = Record<string, unknown>;

/** The provider code of each kind (without the release handling). */
export const graphProviderCode: Record<GraphResourceKind, Provider> = {
  SelfServiceSignUpPolicy: selfServiceSignUpPolicyProvider,
  UserFlowAttribute: userFlowAttributeProvider,
  ApiConnector: apiConnectorProvider,
  B2xUserFlow: b2xUserFlowProvider,
  UserFlowAppAssociation: userFlowAppAssociationProvider,
  SocialIdentityProvider: socialIdentityProviderProvider,
  AuthenticationEventsFlow: authenticationEventsFlowProvider,
  CustomAuthenticationExtension: customAuthenticationExtensionProvider,
  ExtensionApiApplication: extensionApiApplicationProvider,
  TokenIssuanceStartListener: tokenIssuanceStartListenerProvider,
  ClaimsMappingPolicy: claimsMappingPolicyProvider,
  MappedClaimsAcceptance: mappedClaimsAcceptanceProvider,
};

/**
 * `props` with the version of `from` (outputs keep the release that wrote them); without the key when
 * `from` has none (state of an older release): the provider host refuses `undefined` members.
 */
function withVersion<T extends Props | undefined>(props: T, from: Props): T {
  if (props === undefined) return props;
  const version = from[providerVersionKey];
  return (version === undefined ? withoutVersion(props) : { ...props, [providerVersionKey]: version }) as T;
}

function withoutVersion(props: Props): Props {
  const { [providerVersionKey]: _version, ...rest } = props;
  return rest;
}

/** `provider` with the release handling described in the module comment. */
export function withReleaseHandling(p: Provider): Provider {
  return {
    async check(olds: Props, news: Props) {
      const result = p.check ? await p.check(olds, withoutVersion(news)) : { inputs: withoutVersion(news) };
      return { ...result, inputs: withVersion(result.inputs as Props, news) };
    },

    async diff(id: string, olds: Props, news: Props) {
      const result = p.diff ? await p.diff(id, withoutVersion(olds), withoutVersion(news)) : {};
      if (olds[providerVersionKey] === news[providerVersionKey]) return result;
      // A new release: update in place so the new shim and outputs reach state.
      return { ...result, changes: true };
    },

    async create(inputs: Props) {
      const result = await p.create(withoutVersion(inputs));
      return { ...result, outs: withVersion(result.outs as Props, inputs) };
    },

    async read(id: string, props: Props) {
      if (!p.read) return { id, props };
      const result = await p.read(id, withoutVersion(props));
      if (result.props === undefined || Object.keys(result.props as Props).length === 0) return result;
      return {
        ...result,
        props: withVersion(result.props as Props, props),
        inputs: withVersion(result.inputs as Props | undefined, props),
      };
    },

    async update(id: string, olds: Props, news: Props) {
      const oldProps = withoutVersion(olds);
      const newInputs = withoutVersion(news);
      // Only the release changed: rewrite state without touching Graph.
      const real = p.diff ? await p.diff(id, oldProps, newInputs) : { changes: true };
      const result =
        real.changes === false
          ? { outs: oldProps }
          : p.update
            ? await p.update(id, oldProps, newInputs)
            : { outs: { ...oldProps, ...newInputs } };
      return { ...result, outs: withVersion((result.outs ?? oldProps) as Props, news) };
    },

    async delete(id: string, props: Props) {
      if (p.delete) await p.delete(id, withoutVersion(props));
    },
  };
}

const wrapped = new Map<string, Provider>();

/** The provider the stored shim of `kind` runs. */
export function providerFor(kind: string): Provider {
  const known = wrapped.get(kind);
  if (known) return known;
  if (!(graphResourceKinds as readonly string[]).includes(kind)) {
    throw new Error(
      `${packageName}: this release has no Graph provider for ${JSON.stringify(kind)} ` +
        `(known: ${graphResourceKinds.join(", ")}); the state was written by another release: install it, or a newer one`,
    );
  }
  const p = withReleaseHandling(graphProviderCode[kind as GraphResourceKind]);
  wrapped.set(kind, p);
  return p;
}
