/** Links into the Entra admin center for the objects a stack manages, per national cloud. */
import type { GraphCloud, GraphConnection } from "../graph";
import { isLoopbackUrl } from "../../contract/url";

const entraPortal: Record<GraphCloud, string> = {
  global: "https://entra.microsoft.com",
  usgov: "https://entra.microsoft.us",
  usgovdod: "https://entra.microsoft.us",
  china: "https://entra.microsoftonline.cn",
};

const azurePortal: Record<GraphCloud, string> = {
  global: "https://portal.azure.com",
  usgov: "https://portal.azure.us",
  usgovdod: "https://portal.azure.us",
  china: "https://portal.azure.cn",
};

export interface PortalLinks {
  readonly userFlows: string;
  readonly externalCollaborationSettings: string;
  readonly appRegistrations: string;
}

/**
 * The admin-center pages for the stack's tenant; undefined when the connection's `baseUrl` is a loopback
 * Graph emulator, whose tenant exists only on this machine (a link would open a real tenant's portal).
 */
export function portalLinks(connection: Pick<GraphConnection, "cloud" | "tenantId" | "baseUrl">) {
  if (connection.baseUrl !== undefined && isLoopbackUrl(connection.baseUrl)) return undefined;
  return cloudPortalLinks(connection.cloud, connection.tenantId ?? "");
}

function cloudPortalLinks(cloud: GraphCloud, tenantId: string): PortalLinks {
  const entra = entraPortal[cloud];
  const azure = azurePortal[cloud];
  return {
    userFlows: `${azure}/${tenantId}/#view/Microsoft_AAD_IAM/CompanyRelationshipsMenuBlade/~/UserFlows`,
    externalCollaborationSettings: `${azure}/${tenantId}/#view/Microsoft_AAD_IAM/CompanyRelationshipsMenuBlade/~/Settings`,
    appRegistrations: `${entra}/${tenantId}/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade`,
  };
}
