/**
 * The pieces of the attribute-collection contract on their own: route names both sides agree on, the
 * envelope reader's value types, client addresses as rate-limit keys, the one-action responses, and B2X
 * responses unchanged by the per-field validation data.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ATTRIBUTE_COLLECTION_EVENTS,
  EXTENSION_ROUTES,
  extensionEventOf,
  extensionTargetUrl,
} from "../../contract/extensionRoutes";
import { parsePolicy } from "../../contract/policy/load";
import { clientAddressKey } from "../../functions/engine/client-address";
import { decide } from "../../functions/engine/decide";
import { blockDecision, validationDecision } from "../../functions/engine/responses";
import { EXTENSION_ACTIONS, extensionResponse } from "../../functions/extension/actions";
import { readEnvelope, type AttributeCollectionCall } from "../../functions/extension/envelope";
import { engineRequest } from "../../functions/extension/engineRequest";
import { connectorFunctions } from "../../functions/registry";
import type { ConnectorRuntime } from "../../functions/runtime";
import { extensionCall } from "../../bench/extension-fixtures";
import { ATTRIBUTE_IDS, attributeCollection, attributeId, seedPolicy } from "./helpers/fixtures";
import { attribute, envelope, ext } from "./helpers/extension";

describe("route names", () => {
  test("the targetUrl the deploy side builds names the event the connector serves there", () => {
    for (const event of ATTRIBUTE_COLLECTION_EVENTS) {
      for (const base of ["https://fn.azurewebsites.net/api", "https://fn.azurewebsites.net/api/"]) {
        const url = extensionTargetUrl(base, event);
        assert.equal(url, `https://fn.azurewebsites.net/api/${EXTENSION_ROUTES[event]}`);
        assert.equal(extensionEventOf(url), event);
      }
    }
    assert.equal(extensionEventOf("https://fn.azurewebsites.net/api/postAttributeCollection"), undefined);
  });

  test("the function table registers each event's route under that name", () => {
    const names = connectorFunctions(() => ({}) as ConnectorRuntime).map((f) => [f.name, f.options.route]);
    for (const route of Object.values(EXTENSION_ROUTES))
      assert.ok(names.some(([n, r]) => n === route && r === route));
  });
});

describe("client addresses as rate-limit keys", () => {
  const cases: Array<[string, string | undefined]> = [
    ["30.51.176.110", "v4:30.51.176.110"],
    ["2a0d:0000:0000:0000:0000:0000:e02d:78d3", "v6:2a0d:0:0:0/64"],
    ["2a0d::e02d:78d3", "v6:2a0d:0:0:0/64"],
    ["2A0D:0:0:0:FFFF::1", "v6:2a0d:0:0:0/64"],
    ["2001:db8:85a3:8d3:1319:8a2e:370:7348", "v6:2001:db8:85a3:8d3/64"],
    ["::ffff:192.0.2.1", "v4:192.0.2.1"],
    ["::1", "v6:0:0:0:0/64"],
    ["192.0.2.1:443", undefined],
    ["fe80::1%eth0", undefined],
    ["not an address", undefined],
    ["", undefined],
  ];
  for (const [input, key] of cases)
    test(`${JSON.stringify(input)} → ${String(key)}`, () => assert.equal(clientAddressKey(input), key));
});

describe("envelope reader", () => {
  test("values keep their declared types; @odata.Type is read; a mismatched or unknown type is opaque", () => {
    const body = envelope("attributeCollectionSubmit", {
      attributes: {
        givenName: attribute("Larissa"),
        groups: attribute("Alumni,Faculty", "@odata.Type"),
        year: attribute(2010),
        mailing: attribute(false),
        notAnInt: { "@odata.type": "microsoft.graph.int64DirectoryAttributeValue", value: "2010" },
        when: { "@odata.type": "microsoft.graph.dateTimeDirectoryAttributeValue", value: "2024-01-01" },
      },
    });
    const read = readEnvelope("attributeCollectionSubmit", body);
    assert.ok(read.ok);
    const types = Object.fromEntries([...read.call.attributes].map(([k, v]) => [k, v.type]));
    assert.deepEqual(types, {
      givenName: "string",
      groups: "string",
      year: "int64",
      mailing: "boolean",
      notAnInt: "opaque",
      when: "opaque",
    });
    const request = engineRequest(read.call);
    assert.equal(request.year, 2010);
    assert.equal(request.mailing, false);
    assert.equal(Object.hasOwn(request, "when"), false, "opaque values never reach the engine");
  });

  test("a __proto__ attribute key stays an own claim and never touches a prototype", () => {
    const body = envelope("attributeCollectionSubmit") as {
      data: { userSignUpInfo: { attributes: object } };
    };
    body.data.userSignUpInfo.attributes = JSON.parse(
      '{"__proto__": {"@odata.type": "microsoft.graph.stringDirectoryAttributeValue", "value": "x"}}',
    ) as object;
    const read = readEnvelope("attributeCollectionSubmit", body);
    assert.ok(read.ok);
    const request = engineRequest(read.call);
    assert.equal(Object.getPrototypeOf(request), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(request, "__proto__")?.value, "x");
  });
});

describe("responses", () => {
  const call = (event: AttributeCollectionCall["event"]): AttributeCollectionCall => {
    const read = readEnvelope(
      event,
      envelope(event, { attributes: { email: "a@b.com", [ext("Justification")]: "x" } }),
    );
    assert.ok(read.ok);
    return read.call;
  };

  test("every decision is exactly one action that the event defines, in camelCase", () => {
    const decisions = [
      blockDecision("postAttributeCollection", "1", "No.", "domain_blocked"),
      validationDecision("postAttributeCollection", "1", "Fix it.", "justification_too_short", undefined, [
        attributeId("Justification"),
      ]),
      {
        ...blockDecision("postAttributeCollection", "1", "x", "allowed"),
        response: { version: "1", action: "Continue" as const },
      },
      {
        ...blockDecision("postAttributeCollection", "1", "x", "allowed"),
        response: { version: "1", action: "Continue" as const, jobTitle: "Partner User" },
      },
    ];
    for (const event of ATTRIBUTE_COLLECTION_EVENTS)
      for (const decision of decisions) {
        const answer = extensionResponse(call(event), decision, { blockTitle: "Blocked" });
        assert.equal(answer.body.data.actions.length, 1);
        const type = String(answer.body.data.actions[0]["@odata.type"]);
        assert.ok(
          (EXTENSION_ACTIONS[event] as readonly string[]).includes(type.split(".").pop()!),
          `${event}: ${type}`,
        );
        assert.match(type, new RegExp(`^microsoft\\.graph\\.${event}\\.[a-z]`));
      }
  });

  test("Start turns a validation decision into a block page (there is no form yet)", () => {
    const decision = validationDecision("postAttributeCollection", "1", "Fix it.", "x", undefined, ["a"]);
    const answer = extensionResponse(call("attributeCollectionStart"), decision, { blockTitle: "Blocked" });
    assert.equal(answer.action, "showBlockPage");
  });

  test("B2X answers are byte-identical: the fields a validation names never reach its body", () => {
    const policy = parsePolicy(seedPolicy());
    const decision = decide({
      step: "postAttributeCollection",
      request: attributeCollection("jo@partner-company.com", "Partner Company", "short"),
      policy,
      now: new Date(0),
      attributeIds: ATTRIBUTE_IDS,
    });
    assert.deepEqual(decision.fields, [attributeId("Justification")]);
    assert.equal(
      JSON.stringify(decision.response),
      JSON.stringify({
        version: "1.0.0",
        action: "ValidationError",
        status: 400,
        userMessage: "Please provide a more detailed justification for your access request.",
        code: "justification_too_short",
      }),
    );
  });
});

test("the benchmark's extension calls are valid envelopes of their route's event", () => {
  for (let i = 0; i < 10; i++) {
    const { path, body } = extensionCall(i);
    const event = extensionEventOf(path);
    assert.ok(event, path);
    const read = readEnvelope(event, JSON.parse(body));
    assert.ok(read.ok, read.ok ? "" : read.problem);
    assert.equal(typeof engineRequest(read.call).email, "string");
  }
});
