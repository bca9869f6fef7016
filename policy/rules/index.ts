/**
 * Every guardrail rule, as an array. Tests import this module; only `policy/index.ts` constructs the
 * `PolicyPack` (whose constructor starts the analyzer server).
 */
import type { Policies } from "@pulumi/policy";
import {
  basicPublishingOff,
  connectorAlwaysReady,
  functionAppTransport,
  storageNotPublic,
} from "./azureHosting";
import { attributeCollectionConnector, basicAuthAllowed, connectorUrlHttps } from "./connector";
import { externalTenantPolicies } from "./externalTenant";
import { noPlainSecrets } from "./secrets";

export const policies: Policies = [
  connectorUrlHttps,
  basicAuthAllowed,
  functionAppTransport,
  basicPublishingOff,
  storageNotPublic,
  connectorAlwaysReady,
  attributeCollectionConnector,
  noPlainSecrets,
  ...externalTenantPolicies,
];
