/**
 * The simulator applies a connector's returned claims the way Entra does: only attributes that are user
 * attributes of the flow (on its page) are pre-filled or stored; everything else is dropped and listed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { mapReturnedClaims } from "../../local/simulator/claims";
import type { FlowField, FlowModel } from "../../local/simulator/types";

const APP = "0123456789abcdef0123456789abcdef";
function field(id: string, custom = false): FlowField {
  const name = custom ? id.replace(/^extension_[0-9a-f]{32}_/, "") : id;
  return {
    id,
    name,
    label: name,
    description: "",
    inputType: "textBox",
    optional: true,
    requiresVerification: false,
    options: [],
    dataType: "string",
    custom,
  };
}
const flow: FlowModel = {
  id: "B2X_1_Test",
  identityProviders: [],
  connectors: {},
  fields: [field("email"), field("givenName"), field(`extension_${APP}_PartnerRole`, true)],
};

test("a built-in claim that is not on the page (jobTitle) is dropped, with the reason", () => {
  const { applied, ignored } = mapReturnedClaims(flow, {
    jobTitle: "Partner User",
    givenName: "Ada",
    extension_PartnerRole: "Partner",
  });
  assert.deepEqual(applied, { givenName: "Ada", [`extension_${APP}_PartnerRole`]: "Partner" });
  assert.deepEqual(
    ignored.map((c) => c.claim),
    ["jobTitle"],
  );
  assert.match(ignored[0]!.reason, /not a user attribute of this flow/);
});

test("unknown keys, email, identities and object values are dropped and listed, never applied", () => {
  const { applied, ignored } = mapReturnedClaims(flow, {
    extension_Unknown: "x",
    email: "other@example.com",
    identities: [],
    givenName: { first: "Ada" },
    constructor: "c",
  });
  assert.deepEqual(applied, {});
  assert.deepEqual(ignored.map((c) => c.claim).sort(), [
    "constructor",
    "email",
    "extension_Unknown",
    "givenName",
    "identities",
  ]);
});
