/**
 * Approval requests on Azure Tables. The row key is derived from the email, so Entra's retry (or two
 * instances racing) can only ever create one pending request: insert, and on 409 read what is there.
 * Decisions use the entity's ETag, so two admins deciding at once cannot silently overwrite each other.
 */
import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import type { ApprovalRequest, ApprovalStatus, ApprovalStore } from "../engine/types";
import { once, type StorageClients } from "./clients";
import { ApprovalNotFoundError, StorageUnavailableError, statusOf } from "./errors";
import { backoffMs, emailHandle, sleep } from "./keys";

const PARTITION = "approval";
const ID_PATTERN = /^[0-9a-f]{32}$/;
const STATUSES: readonly ApprovalStatus[] = ["pending", "approved", "denied"];

interface ApprovalEntity {
  email: string;
  domain: string;
  displayName?: string;
  status: string;
  createdAt: string;
  decidedAt?: string;
  decidedBy?: string;
  reason?: string;
}

/** What the admin surfaces see: the engine's request plus the admin's free-text reason, if any. */
export interface ApprovalRecord extends ApprovalRequest {
  readonly reason?: string;
}

/** The deterministic approval id for an email (also what the admin endpoint and CLI take). */
export function approvalId(email: string): string {
  return emailHandle(email, 32);
}

function toRequest(entity: TableEntityResult<ApprovalEntity>): ApprovalRecord {
  const status = STATUSES.includes(entity.status as ApprovalStatus)
    ? (entity.status as ApprovalStatus)
    : "pending";
  return {
    id: entity.rowKey ?? "",
    email: entity.email,
    domain: entity.domain,
    status,
    createdAt: entity.createdAt,
    ...(entity.displayName === undefined ? {} : { displayName: entity.displayName }),
    ...(entity.decidedAt === undefined ? {} : { decidedAt: entity.decidedAt }),
    ...(entity.decidedBy === undefined ? {} : { decidedBy: entity.decidedBy }),
    ...(entity.reason === undefined ? {} : { reason: entity.reason }),
  };
}

export class TableApprovalStore implements ApprovalStore {
  private readonly table: TableClient;
  private readonly ensureTable: () => Promise<void>;

  constructor(
    private readonly clients: StorageClients,
    tableName: string,
  ) {
    this.table = clients.table(tableName);
    this.ensureTable = once(() => this.table.createTable(clients.callOptions()));
  }

  /** Creates the table ahead of the first request (start-up); a failure is retried on first use. */
  prepare(): Promise<void> {
    return this.ensureTable();
  }

  async getOrCreate(input: { email: string; domain: string; displayName?: string; now: Date }) {
    const id = approvalId(input.email);
    return this.guard("approval lookup", async () => {
      const existing = await this.find(id);
      if (existing !== undefined) return toRequest(existing);
      const entity: ApprovalEntity = {
        email: input.email.trim().toLowerCase(),
        domain: input.domain,
        status: "pending",
        createdAt: input.now.toISOString(),
        ...(input.displayName === undefined ? {} : { displayName: input.displayName.slice(0, 256) }),
      };
      try {
        await this.table.createEntity(
          { partitionKey: PARTITION, rowKey: id, ...entity },
          this.clients.callOptions(),
        );
        return toRequest({ partitionKey: PARTITION, rowKey: id, etag: "", ...entity });
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
        const winner = await this.find(id);
        if (winner === undefined) throw error;
        return toRequest(winner);
      }
    });
  }

  async list(filter: { status?: ApprovalStatus } = {}) {
    return this.guard("approval list", async () => {
      const query =
        filter.status === undefined
          ? odata`PartitionKey eq ${PARTITION}`
          : odata`PartitionKey eq ${PARTITION} and status eq ${filter.status}`;
      const found: ApprovalRecord[] = [];
      const pages = this.table.listEntities<ApprovalEntity>({ queryOptions: { filter: query } });
      for await (const entity of pages) found.push(toRequest(entity));
      return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    });
  }

  /** `reason` is optional free text from an admin (the engine's port does not pass one). */
  async decide(id: string, status: "approved" | "denied", by: string, now: Date, reason?: string) {
    if (!ID_PATTERN.test(id)) throw new ApprovalNotFoundError(id);
    return this.guard("approval decision", async () => {
      for (let attempt = 0; ; attempt++) {
        const current = await this.find(id);
        if (current === undefined) throw new ApprovalNotFoundError(id);
        // Copy only our fields: the read result also carries etag/timestamp metadata the service rejects.
        const { email, domain, displayName, createdAt } = current;
        const decided: ApprovalEntity = {
          email,
          domain,
          createdAt,
          status,
          decidedAt: now.toISOString(),
          decidedBy: by.slice(0, 256),
          ...(displayName === undefined ? {} : { displayName }),
          ...(reason === undefined ? {} : { reason: reason.slice(0, 1024) }),
        };
        const entity = { partitionKey: PARTITION, rowKey: id, ...decided };
        try {
          await this.table.updateEntity(entity, "Replace", {
            etag: current.etag,
            ...this.clients.callOptions(),
          });
          return toRequest({ ...entity, etag: "" });
        } catch (error) {
          if (statusOf(error) !== 412 || attempt >= 5) throw error;
          await sleep(backoffMs(attempt));
        }
      }
    });
  }

  private async find(id: string): Promise<TableEntityResult<ApprovalEntity> | undefined> {
    try {
      return await this.table.getEntity<ApprovalEntity>(PARTITION, id, this.clients.callOptions());
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Ensures the table, and turns infrastructure failures into one typed error for the engine. */
  private async guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      await this.ensureTable();
      return await work();
    } catch (error) {
      if (error instanceof ApprovalNotFoundError) throw error;
      throw new StorageUnavailableError(operation, error);
    }
  }
}
