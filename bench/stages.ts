/**
 * Where one decision-path request's CPU goes, stage by stage, in process (no sockets): the parts the
 * connector keeps on purpose (undici `Headers`, the real `@azure/functions` `HttpRequest` and
 * `InvocationContext`, the Basic check, the engine) timed one at a time over the bench's request mix.
 * Added to the bare server's CPU per request, they give the decision path's floor with those parts kept.
 * Figures only; `bench:connector` prints them.
 */
import { InvocationContext } from "@azure/functions";
import { randomUUID } from "node:crypto";
import { benchAttributeIds, benchPolicy, benchSignup } from "../functions/engine/bench-fixtures";
import { MemoryApprovalStore, MemoryEventSink, MemoryRateLimiter } from "../functions/engine/memory";
import { processRequest } from "../functions/engine/pipeline";
import { connectorFunctions } from "../functions/registry";
import { createRuntime, pipelineDeps } from "../functions/runtime";
import { loadSettings } from "../functions/settings";
import { requestHeaders } from "../local/connector-host/io";
import { bufferedHttpRequest } from "../local/connector-host/request";

export interface StageCost {
  readonly stage: string;
  /** CPU per call in µs (user + system), after a warm-up. */
  readonly us: number;
}

const PASSWORD = "bench-stage-password-0123456789";

/** Times each stage `calls` times after `calls / 10` warm-up calls. */
export async function stageCosts(calls = 50_000): Promise<StageCost[]> {
  const runtime = createRuntime(
    loadSettings({
      SIGNUP_POLICY: JSON.stringify(benchPolicy),
      SIGNUP_ATTRIBUTE_IDS: JSON.stringify(benchAttributeIds),
      CONNECTOR_AUTH_MODE: "basic",
      CONNECTOR_BASIC_USERNAME: "bench",
      CONNECTOR_BASIC_PASSWORD: PASSWORD,
      AzureWebJobsStorage: "UseDevelopmentStorage=true",
    }),
    {
      ports: {
        rateLimiter: new MemoryRateLimiter(),
        approvals: new MemoryApprovalStore(),
        events: new MemoryEventSink(),
      },
    },
  );
  const registrations = connectorFunctions(() => runtime);
  const registration = (step: string) => registrations.find((r) => r.name === step)!;
  const authorization = `Basic ${Buffer.from(`bench:${PASSWORD}`).toString("base64")}`;
  const raw = {
    host: "127.0.0.1:7071",
    connection: "keep-alive",
    authorization,
    "content-type": "application/json",
    "content-length": "400",
  };
  const mix = Array.from({ length: 100 }, (_, i) => {
    const r = benchSignup(i);
    return { step: r.step, body: r.body, bytes: Buffer.from(JSON.stringify(r.body)) };
  });
  const silent = () => {};
  const context = (functionName: string) =>
    new InvocationContext({
      invocationId: randomUUID(),
      functionName,
      logHandler: silent,
      options: { trigger: { type: "httpTrigger", name: "httpTrigger" } },
    });
  const request = (i: number) => {
    const call = mix[i % mix.length]!;
    return bufferedHttpRequest({
      method: "POST",
      url: `http://127.0.0.1:7071/api/${call.step}`,
      headers: requestHeaders(raw),
      params: {},
      bytes: call.bytes,
    });
  };
  const engineDeps = pipelineDeps(runtime, { decision: silent, warn: silent });
  const time = async (stage: string, run: (i: number) => unknown): Promise<StageCost> => {
    for (let i = 0; i < calls / 10; i++) await run(i);
    const before = process.cpuUsage();
    for (let i = 0; i < calls; i++) await run(i);
    const used = process.cpuUsage(before);
    return { stage, us: (used.user + used.system) / calls };
  };
  return [
    await time("undici Headers from the request's headers", () => requestHeaders(raw)),
    await time("Basic check (refuseBeforeBody)", () =>
      registration("postAttributeCollection").refuseBeforeBody!({ headers: requestHeaders(raw) }),
    ),
    await time("@azure/functions HttpRequest (+ Headers)", request),
    await time("@azure/functions InvocationContext + UUID", () => context("postAttributeCollection")),
    await time("engine (processRequest, memory ports)", (i) => {
      const call = mix[i % mix.length]!;
      return processRequest(call.step, call.body, engineDeps);
    }),
    await time("handler: body, engine, log line, response", (i) => {
      const call = mix[i % mix.length]!;
      return registration(call.step).options.handler(request(i), context(call.step));
    }),
  ];
}
