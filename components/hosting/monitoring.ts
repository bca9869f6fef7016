/**
 * Telemetry and alerts for the connector: a Log Analytics workspace, a workspace-based Application
 * Insights component with local (key) auth disabled, and two alert rules.
 */
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import type { ConnectorAlertsArgs } from "./args";
import type { HostingNames } from "./names";

export const defaultAlerts = { latencyP95Ms: 5000, failureCount: 5 } as const;

interface Common {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  tags: Record<string, string>;
  names: HostingNames;
}

export function createTelemetry(name: string, c: Common, opts: pulumi.CustomResourceOptions) {
  const workspace = new operationalinsights.Workspace(
    `${name}-log`,
    {
      workspaceName: c.names.logAnalytics,
      resourceGroupName: c.resourceGroupName,
      location: c.location,
      sku: { name: operationalinsights.WorkspaceSkuNameEnum.PerGB2018 },
      retentionInDays: 30,
      tags: c.tags,
    },
    opts,
  );
  const appInsights = new applicationinsights.Component(
    `${name}-appi`,
    {
      resourceName: c.names.appInsights,
      resourceGroupName: c.resourceGroupName,
      location: c.location,
      kind: "web",
      applicationType: applicationinsights.ApplicationType.Web,
      workspaceResourceId: workspace.id,
      ingestionMode: applicationinsights.IngestionMode.LogAnalytics,
      // Telemetry must carry an Entra token (Monitoring Metrics Publisher); the connection string's
      // instrumentation key alone can no longer write data.
      disableLocalAuth: true,
      tags: c.tags,
    },
    opts,
  );
  return { workspace, appInsights };
}

/** The KQL behind the latency alert; metric alerts cannot aggregate percentiles, log alerts can. */
export function latencyQuery(thresholdMs: number): string {
  return [
    "requests",
    '| where name has "postFederationSignup" or name has "postAttributeCollection"',
    "| summarize p95 = percentile(duration, 95)",
    `| where p95 > ${thresholdMs}`,
  ].join("\n");
}

export function createAlerts(
  name: string,
  c: Common & { appInsightsId: pulumi.Input<string>; alerts?: ConnectorAlertsArgs },
  opts: pulumi.CustomResourceOptions,
) {
  const emails = c.alerts?.actionGroupEmails ?? [];
  const actionGroup =
    emails.length === 0
      ? undefined
      : new monitor.ActionGroup(
          `${name}-alerts`,
          {
            actionGroupName: c.names.actionGroup,
            groupShortName: c.names.actionGroupShort,
            resourceGroupName: c.resourceGroupName,
            location: "global",
            enabled: true,
            emailReceivers: emails.map((emailAddress, i) => ({
              name: `email-${i}`,
              emailAddress,
              useCommonAlertSchema: true,
            })),
            tags: c.tags,
          },
          opts,
        );
  const failureCount = c.alerts?.failureCount ?? defaultAlerts.failureCount;
  const failureAlert = new monitor.MetricAlert(
    `${name}-failures`,
    {
      ruleName: c.names.failureAlert,
      resourceGroupName: c.resourceGroupName,
      location: "global",
      description: `More than ${failureCount} failed connector requests in 5 minutes: sign-ups are failing.`,
      enabled: true,
      severity: 1,
      scopes: [c.appInsightsId],
      evaluationFrequency: "PT1M",
      windowSize: "PT5M",
      criteria: {
        odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
        allOf: [
          {
            criterionType: "StaticThresholdCriterion",
            name: "failed-requests",
            metricNamespace: "microsoft.insights/components",
            metricName: "requests/failed",
            operator: monitor.Operator.GreaterThan,
            threshold: failureCount,
            timeAggregation: monitor.AggregationTypeEnum.Count,
          },
        ],
      },
      actions: actionGroup ? [{ actionGroupId: actionGroup.id }] : [],
      tags: c.tags,
    },
    opts,
  );
  const latencyMs = c.alerts?.latencyP95Ms ?? defaultAlerts.latencyP95Ms;
  const latencyAlert = new monitor.ScheduledQueryRule(
    `${name}-latency`,
    {
      ruleName: c.names.latencyAlert,
      resourceGroupName: c.resourceGroupName,
      location: c.location,
      description: `Connector P95 latency above ${latencyMs} ms over 15 minutes (Entra gives up at 20 s).`,
      enabled: true,
      severity: 2,
      scopes: [c.appInsightsId],
      evaluationFrequency: "PT5M",
      windowSize: "PT15M",
      criteria: {
        allOf: [
          {
            query: latencyQuery(latencyMs),
            timeAggregation: monitor.TimeAggregation.Count,
            operator: monitor.ConditionOperator.GreaterThan,
            threshold: 0,
            failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
          },
        ],
      },
      actions: actionGroup ? { actionGroups: [actionGroup.id] } : undefined,
      tags: c.tags,
    },
    opts,
  );
  return { actionGroup, failureAlert, latencyAlert };
}
