/**
 * Sign-up events on the Azurite queue: one base64 JSON message per accepted/blocked sign-up, one even
 * when Entra retries, and no email address inside.
 */
import { QueueClient } from "@azure/storage-queue";
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SETTING_DEFAULTS } from "../../functions/settings";
import { attributeCollection } from "./helpers/fixtures";
import { startTestConnector, type TestConnector } from "./helpers/host";

let connector: TestConnector;
let queue: QueueClient;
before(async () => {
  connector = await startTestConnector();
  queue = new QueueClient(connector.azurite.connectionString, SETTING_DEFAULTS.SIGNUP_EVENTS_QUEUE);
});
after(() => connector.stop());

async function drain(): Promise<Array<Record<string, unknown>>> {
  const events: Array<Record<string, unknown>> = [];
  for (;;) {
    const { receivedMessageItems } = await queue.receiveMessages({
      numberOfMessages: 32,
      visibilityTimeout: 60,
    });
    if (receivedMessageItems.length === 0) return events;
    for (const item of receivedMessageItems) {
      events.push(
        JSON.parse(Buffer.from(item.messageText, "base64").toString("utf8")) as Record<string, unknown>,
      );
      await queue.deleteMessage(item.messageId, item.popReceipt);
    }
  }
}

test("an accepted sign-up retried by Entra produces exactly one queue message", async () => {
  const body = attributeCollection("jo@partner-company.com", "Partner Company");
  assert.equal((await connector.post("postAttributeCollection", body)).json.action, "Continue");
  assert.equal((await connector.post("postAttributeCollection", body)).json.action, "Continue");
  const events = await drain();
  assert.equal(events.length, 1, JSON.stringify(events));
  assert.equal(events[0]!.type, "signup.accepted");
  assert.equal(events[0]!.step, "postAttributeCollection");
  assert.equal(events[0]!.domain, "partner-company.com");
  assert.ok(!JSON.stringify(events).includes("jo@"), "events carry the domain, never the email");
});

test("a blocked sign-up produces one signup.blocked message; Continue at postFederationSignup none", async () => {
  await connector.post("postFederationSignup", { email: "ann@partner-company.com" });
  await connector.post("postFederationSignup", { email: "someone@gmail.com" });
  await connector.post("postFederationSignup", { email: "someone@gmail.com" });
  const events = await drain();
  assert.deepEqual(
    events.map((e) => [e.type, e.domain, e.reason]),
    [["signup.blocked", "gmail.com", "domain_blocked"]],
  );
});

test("parallel duplicates of one sign-up still produce one message", async () => {
  const body = attributeCollection("par@partner-company.com", "Partner Company");
  await Promise.all(Array.from({ length: 8 }, () => connector.post("postAttributeCollection", body)));
  const events = await drain();
  assert.equal(events.length, 1, JSON.stringify(events));
});
