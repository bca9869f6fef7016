/**
 * The attribute-collection routes through the local connector host (the same function table as Azure),
 * with valid tokens from the Graph emulator: the envelope is checked against the route's event, and the
 * seed policy's decisions come back as exactly one action of the event, HTTP 200, plain `application/json`,
 * in the request's value types, with per-field `attributeErrors`.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { EXTENSION_ROUTES, extensionEventType } from "../../contract/extensionRoutes";
import { seedPolicy } from "./helpers/fixtures";
import {
  envelope,
  ext,
  onlyAction,
  partnerSubmit,
  startExtensionHost,
  type ExtensionHost,
} from "./helpers/extension";

const START = EXTENSION_ROUTES.attributeCollectionStart;
const SUBMIT = EXTENSION_ROUTES.attributeCollectionSubmit;
const SUBMIT_ACTION = "microsoft.graph.attributeCollectionSubmit.";
const START_ACTION = "microsoft.graph.attributeCollectionStart.";

let x: ExtensionHost;
before(async () => {
  x = await startExtensionHost({
    ...seedPolicy(),
    enrichment: {
      roleAttribute: "PartnerRole",
      defaultRole: "External",
      claims: { jobTitle: "{role} User" },
      attributes: { GraduationYear: "2024", OnMailingList: "true", LuckyNumber: "{role}" },
    },
  });
});
after(() => x.stop());

describe("the local connector host serves the attribute-collection routes", () => {
  test("both routes are in the host's function table, POST only", async () => {
    for (const route of [START, SUBMIT]) {
      const fn = x.host.functions.find((f) => f.route === `/api/${route}`);
      assert.deepEqual(fn?.methods, ["POST"], route);
    }
    const get = await fetch(`${x.host.url}/api/${SUBMIT}`);
    await get.arrayBuffer();
    assert.equal(get.status, 405);
  });
});

describe("envelope and event dispatch", () => {
  test("a Start payload at the Submit route is refused with 400 and no decision", async () => {
    const decisions = x.events("signup.decision").length;
    const answer = await x.call(
      SUBMIT,
      envelope("attributeCollectionStart", { attributes: { email: "a@b.com" } }),
    );
    assert.equal(answer.status, 400);
    assert.match(
      String(answer.json.message),
      /attributeCollectionStart extension's targetUrl at \/api\/onAttributeCollectionStart/,
    );
    assert.equal(x.events("signup.decision").length, decisions);
  });

  test("a TokenIssuanceStart payload is refused at both routes", async () => {
    for (const route of [START, SUBMIT]) {
      const body = envelope("attributeCollectionStart");
      body.type = "microsoft.graph.authenticationEvent.tokenIssuanceStart";
      const answer = await x.call(route, body);
      assert.equal(answer.status, 400, route);
      assert.match(String(answer.json.message), /tokenIssuanceStart/);
    }
  });

  test("a type that disagrees with data[@odata.type] is refused", async () => {
    const body = envelope("attributeCollectionSubmit");
    (body.data as Record<string, unknown>)["@odata.type"] =
      "microsoft.graph.onAttributeCollectionStartCalloutData";
    const answer = await x.call(SUBMIT, body);
    assert.equal(answer.status, 400);
    assert.match(String(answer.json.message), /onAttributeCollectionSubmitCalloutData/);
  });

  test("a body that is not JSON, or JSON that is not an envelope, is refused with 400", async () => {
    for (const body of ["not json", "[]", JSON.stringify({ email: "jo@partner-company.com" })]) {
      const answer = await x.call(SUBMIT, body);
      assert.equal(answer.status, 400, body);
      assert.equal(answer.json.error, "bad_request");
    }
  });

  test("@odata.Type (as in Microsoft's samples) and another letter case of type are accepted", async () => {
    const body = partnerSubmit("casing@partner-company.com");
    const data = body.data as Record<string, unknown>;
    data["@odata.Type"] = data["@odata.type"];
    delete data["@odata.type"];
    body.type = extensionEventType("attributeCollectionSubmit").toUpperCase();
    const answer = await x.call(SUBMIT, body);
    assert.equal(answer.status, 200);
    assert.equal(onlyAction(answer.json)["@odata.type"], `${SUBMIT_ACTION}modifyAttributeValues`);
  });
});

describe("Start: prefill or block", () => {
  test("a partner domain gets its company name prefilled under the request's attribute key", async () => {
    const answer = await x.call(
      START,
      envelope("attributeCollectionStart", {
        attributes: { email: "jo@partner-company.com", [ext("CompanyName")]: "" },
      }),
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("content-type"), "application/json");
    const logged = x.events("signup.decision").at(-1);
    assert.equal(logged?.route, START, "the decision line names the extension route");
    assert.equal(logged?.step, "postFederationSignup");
    assert.deepEqual(answer.json, {
      data: {
        "@odata.type": "microsoft.graph.onAttributeCollectionStartResponseData",
        actions: [
          {
            "@odata.type": `${START_ACTION}setPrefillValues`,
            inputs: { [ext("CompanyName")]: "Partner Company" },
          },
        ],
      },
    });
  });

  test("the email can come from the verified identity alone (email one-time passcode)", async () => {
    const answer = await x.call(
      START,
      envelope("attributeCollectionStart", {
        identities: [
          { signInType: "federated", issuer: "mail", issuerAssignedId: "otp@partner-company.com" },
        ],
      }),
    );
    assert.equal(onlyAction(answer.json)["@odata.type"], `${START_ACTION}setPrefillValues`);
  });

  test("a blocked domain gets a block page with message and title, HTTP 200", async () => {
    const answer = await x.call(
      START,
      envelope("attributeCollectionStart", { attributes: { email: "jo@gmail.com" } }),
    );
    assert.equal(answer.status, 200);
    const action = onlyAction(answer.json);
    assert.deepEqual(Object.keys(action).sort(), ["@odata.type", "message", "title"]);
    assert.equal(action["@odata.type"], `${START_ACTION}showBlockPage`);
    assert.match(String(action.message), /Personal email addresses cannot be used/);
    assert.ok(String(action.title).length > 0);
  });

  test("a domain with nothing to prefill continues with the default behaviour", async () => {
    const answer = await x.call(
      START,
      envelope("attributeCollectionStart", {
        attributes: { email: "jo@partner-company.com", [ext("CompanyName")]: "Already There" },
      }),
    );
    assert.deepEqual(onlyAction(answer.json), {
      "@odata.type": `${START_ACTION}continueWithDefaultBehavior`,
    });
  });

  test("the block page follows the client's locale", async () => {
    const answer = await x.call(
      START,
      envelope("attributeCollectionStart", { attributes: { email: "jo@gmail.com" }, locale: "fr-fr" }),
    );
    assert.match(String(onlyAction(answer.json).message), /Les adresses e-mail personnelles/);
  });
});

describe("Submit: modify (types kept), validation errors per field, block", () => {
  test("int64 and boolean attributes come back as a number and a boolean; strings stay strings", async () => {
    const answer = await x.call(
      SUBMIT,
      partnerSubmit("types@partner-company.com", {
        attributes: {
          [ext("GraduationYear")]: 2010,
          [ext("OnMailingList")]: false,
          [ext("PartnerRole")]: "",
          jobTitle: "",
        },
      }),
    );
    const action = onlyAction(answer.json);
    assert.equal(action["@odata.type"], `${SUBMIT_ACTION}modifyAttributeValues`);
    const attributes = action.attributes as Record<string, unknown>;
    assert.equal(attributes[ext("GraduationYear")], 2024);
    assert.equal(attributes[ext("OnMailingList")], true);
    assert.equal(attributes[ext("PartnerRole")], "Partner");
    assert.equal(attributes.jobTitle, "Partner User");
    assert.equal(attributes.givenName, "Jo", "names are normalised");
    assert.equal(attributes.surname, "Tester");
  });

  test("a value that does not fit its attribute's type is left out and logged, not sent as a string", async () => {
    const warnings = x.events("signup.warning").length;
    const answer = await x.call(
      SUBMIT,
      partnerSubmit("lucky@partner-company.com", { attributes: { [ext("LuckyNumber")]: 7 } }),
    );
    const attributes = onlyAction(answer.json).attributes as Record<string, unknown>;
    assert.equal(Object.hasOwn(attributes, ext("LuckyNumber")), false);
    const logged = x.events("signup.warning").slice(warnings);
    assert.deepEqual(logged.at(-1)?.attributes, [ext("LuckyNumber")]);
  });

  test("a short justification is a validation error beside the justification field", async () => {
    const answer = await x.call(
      SUBMIT,
      partnerSubmit("short@partner-company.com", { attributes: { [ext("Justification")]: "too short" } }),
    );
    assert.equal(answer.status, 200);
    const action = onlyAction(answer.json);
    assert.equal(action["@odata.type"], `${SUBMIT_ACTION}showValidationError`);
    assert.match(String(action.message), /more detailed justification/);
    assert.deepEqual(action.attributeErrors, { [ext("Justification")]: action.message });
  });

  test("every missing required field gets its own error", async () => {
    const answer = await x.call(
      SUBMIT,
      partnerSubmit("empty@partner-company.com", {
        attributes: { [ext("CompanyName")]: " ", [ext("Justification")]: "" },
      }),
    );
    const action = onlyAction(answer.json);
    assert.equal(action["@odata.type"], `${SUBMIT_ACTION}showValidationError`);
    assert.deepEqual(
      Object.keys(action.attributeErrors as object).sort(),
      [ext("CompanyName"), ext("Justification")].sort(),
    );
  });

  test("a company that does not match the domain is an error beside the company field", async () => {
    const answer = await x.call(
      SUBMIT,
      partnerSubmit("co@partner-company.com", { attributes: { [ext("CompanyName")]: "Someone Else" } }),
    );
    assert.deepEqual(Object.keys(onlyAction(answer.json).attributeErrors as object), [ext("CompanyName")]);
  });

  test("a domain outside the allow-list gets a block page", async () => {
    const answer = await x.call(SUBMIT, partnerSubmit("jo@unknown-company.com"));
    const action = onlyAction(answer.json);
    assert.equal(action["@odata.type"], `${SUBMIT_ACTION}showBlockPage`);
    assert.match(String(action.message), /approved partner organizations/);
  });

  test("a social account's Submit without identities is decided from the email attribute (EmailAddress)", async () => {
    const body = partnerSubmit("ignored@partner-company.com", { identities: [] });
    const signUp = (body.data as { userSignUpInfo: Record<string, unknown> }).userSignUpInfo;
    delete signUp.identities;
    const attributes = signUp.attributes as Record<string, unknown>;
    attributes.EmailAddress = attributes.email;
    delete attributes.email;
    const answer = await x.call(SUBMIT, body);
    assert.equal(onlyAction(answer.json)["@odata.type"], `${SUBMIT_ACTION}modifyAttributeValues`);
  });

  test("an attribute of an unknown value type is carried opaquely and never answered", async () => {
    const answer = await x.call(
      SUBMIT,
      partnerSubmit("opaque@partner-company.com", {
        attributes: {
          [ext("PartnerRole")]: {
            "@odata.type": "microsoft.graph.dateTimeDirectoryAttributeValue",
            value: "2024-01-01",
          },
        },
      }),
    );
    assert.equal(answer.status, 200);
    const attributes = onlyAction(answer.json).attributes as Record<string, unknown>;
    assert.equal(Object.hasOwn(attributes, ext("PartnerRole")), false);
  });
});
