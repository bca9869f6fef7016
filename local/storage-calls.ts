/**
 * A counting proxy in front of Azurite's Table and Queue endpoints: every storage round trip the connector
 * makes (whatever client, host process or SDK retry made it) passes through here and is recorded with its
 * operation and status. Tests and `bench:connector` hand the connector `connectionString` instead of
 * Azurite's and diff `calls` around one decision to count that decision's round trips.
 * SharedKey signatures cover the account and path, not the host, so forwarding to another port is invisible.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { AZURITE_ACCOUNT, connectionStringFor, type Azurite } from "./azurite";

export interface StorageCall {
  readonly service: "table" | "queue";
  /** e.g. `query entities`, `transaction`, `insert entity`, `send message` (see `operationOf`). */
  readonly operation: string;
  readonly status: number;
}

export interface StorageCallCounter {
  /** Azurite's connection string with the Table and Queue endpoints pointing at this proxy. */
  readonly connectionString: string;
  /** Every call so far, in the order their responses completed. */
  readonly calls: readonly StorageCall[];
  close(): Promise<void>;
}

/** Starts the proxy on free loopback ports. */
export async function startStorageCallCounter(azurite: Azurite): Promise<StorageCallCounter> {
  const calls: StorageCall[] = [];
  const agent = new http.Agent({ keepAlive: true });
  const proxy = (service: StorageCall["service"], port: number) =>
    http.createServer((req, res) => {
      const upstream = http.request(
        { host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers, agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on("end", () =>
            calls.push({
              service,
              operation: operationOf(service, req.method ?? "GET", req.url ?? "/"),
              status: answer.statusCode ?? 0,
            }),
          );
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    });
  const table = proxy("table", azurite.tablePort);
  const queue = proxy("queue", azurite.queuePort);
  await Promise.all([listen(table), listen(queue)]);
  return {
    connectionString: connectionStringFor({
      blob: azurite.blobPort,
      queue: (queue.address() as AddressInfo).port,
      table: (table.address() as AddressInfo).port,
    }),
    calls,
    close: async () => {
      agent.destroy();
      await Promise.all([table, queue].map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}

function listen(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
}

/** Names a Table/Queue REST call (https://learn.microsoft.com/rest/api/storageservices/). */
export function operationOf(service: StorageCall["service"], method: string, url: string): string {
  const path = decodeURIComponent(url.split("?")[0] ?? "/").replace(`/${AZURITE_ACCOUNT}`, "");
  if (service === "queue") {
    if (/\/messages$/.test(path)) return method === "POST" ? "send message" : `${method} messages`;
    return method === "PUT" ? "create queue" : `${method} queue`;
  }
  if (path === "/$batch") return "transaction";
  if (/^\/Tables/.test(path)) return method === "POST" ? "create table" : `${method} tables`;
  const entity = /\(PartitionKey=.*\)$/.test(path);
  switch (method) {
    case "GET":
      return entity ? "get entity" : "query entities";
    case "POST":
      return "insert entity";
    case "PUT":
      return "update entity";
    case "MERGE":
    case "PATCH":
      return "merge entity";
    case "DELETE":
      return "delete entity";
    default:
      return `${method} ${entity ? "entity" : "table"}`;
  }
}

/** One decision to count: what to send and the answer that proves the outcome happened. */
export interface OutcomeProbe<Outcome extends string = string> {
  readonly outcome: Outcome;
  readonly step: "postFederationSignup" | "postAttributeCollection";
  readonly body: unknown;
  /** e.g. `Continue`, `ShowBlockPage:rate_limited`, `ValidationError` (action, then `:code` when set). */
  readonly expect: string;
}

export interface OutcomeCount<Outcome extends string = string> {
  readonly outcome: Outcome;
  readonly answer: string;
  readonly calls: readonly StorageCall[];
}

/**
 * Sends each probe in turn and returns the storage calls made between sending it and its answer. `post`
 * answers the response body; the connector finishes every storage call of a decision before answering.
 */
export async function countCallsPerOutcome<Outcome extends string>(
  counter: StorageCallCounter,
  post: (step: string, body: unknown) => Promise<Record<string, unknown>>,
  probes: readonly OutcomeProbe<Outcome>[],
): Promise<OutcomeCount<Outcome>[]> {
  const out: OutcomeCount<Outcome>[] = [];
  for (const probe of probes) {
    const mark = counter.calls.length;
    const body = await post(probe.step, probe.body);
    const answer =
      typeof body.code === "string" ? `${String(body.action)}:${body.code}` : String(body.action);
    out.push({ outcome: probe.outcome, answer, calls: counter.calls.slice(mark) });
  }
  return out;
}

/** `insert entity 201, send message 201, …`: what a count consisted of, for messages and the bench. */
export function describeCalls(calls: readonly StorageCall[]): string {
  return calls.map((c) => `${c.operation} ${c.status}`).join(", ") || "none";
}

/** `16× transaction 202, 16× insert entity 204, …`: many calls by kind, in order of first appearance. */
export function tallyCalls(calls: readonly StorageCall[]): string {
  const tally = new Map<string, number>();
  for (const c of calls)
    tally.set(`${c.operation} ${c.status}`, (tally.get(`${c.operation} ${c.status}`) ?? 0) + 1);
  return [...tally].map(([call, n]) => `${n}× ${call}`).join(", ") || "none";
}
