/**
 * Client certificates on Flex Consumption are not confirmed: App Service documents client certificate
 * mode (`clientCertEnabled`, `clientCertMode: Required`) for its plans, but no Microsoft page states that a
 * Flex Consumption app enforces it at the front end. If it is not enforced, the app would also see
 * requests without a certificate, and the platform's `X-ARR-ClientCert` header is what the connector
 * trusts. Until the deployed-app check in docs/deploy.md ("Certificate auth: check the deployed app")
 * passes, every preview warns when certificate auth is chosen with Flex hosting.
 * https://learn.microsoft.com/azure/app-service/app-service-web-configure-tls-mutual-auth
 * https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan
 */
import * as pulumi from "@pulumi/pulumi";

export const certificateOnFlexWarning =
  "certificate auth on Flex Consumption is unconfirmed: check that the deployed Function App refuses a request " +
  "without a client certificate and one with a forged X-ARR-ClientCert header before relying on it " +
  "(docs/deploy.md, 'Certificate auth: check the deployed app'); Basic auth is the confirmed alternative";

/** Logs the warning on the component when it is about to serve certificate auth from a Flex app. */
export function warnIfCertificateOnFlex(clientCertificate: unknown, resource: pulumi.Resource): void {
  if (clientCertificate) void pulumi.log.warn(certificateOnFlexWarning, resource);
}
