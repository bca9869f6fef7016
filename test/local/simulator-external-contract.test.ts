/**
 * The pure parts of the simulator's external-tenant sign-up: the envelope Entra POSTs, the strict reading
 * of an extension's answer (each 1003xxx code), the checks Entra makes before calling an extension, typed
 * attribute values, the page's own checks, and the attribute page's per-field errors.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  directoryAttributes,
  pageText,
  returnedValues,
  typedValue,
} from "../../local/simulator/attribute-values";
import { checkExtension, pageInputs, toExtension } from "../../local/simulator/events-flow";
import {
  extensionEnvelope,
  interpretAnswer,
  type ExtensionAnswer,
} from "../../local/simulator/extension-client";
import { externalAttributePage } from "../../local/simulator/external-page";
import { customerUser, signUpIdentities } from "../../local/simulator/customer-account";
import type { ExternalSession } from "../../local/simulator/external-runner";
import { checkPage } from "../../local/simulator/page-checks";
import { ATTRIBUTES, INPUTS, eventsFlow, ext, extensionBody, respond } from "./external-tenant-fakes";

const json = (body: unknown, contentType = "application/json"): ExtensionAnswer => ({
  status: 200,
  contentType,
  text: JSON.stringify(body),
});

const ATTRIBUTE_MAP = new Map(
  ATTRIBUTES.map((a) => [
    String(a.id),
    { dataType: a.dataType as "string" | "int64" | "boolean", custom: a.userFlowAttributeType === "custom" },
  ]),
);

test("every action of each event is accepted in camelCase and in the PascalCase of Microsoft's 2024 samples, with or without a charset", () => {
  const cases = [
    ["attributeCollectionStart", "continueWithDefaultBehavior", {}, "continue"],
    ["attributeCollectionStart", "SetPrefillValues", { inputs: { city: "Oslo" } }, "prefill"],
    ["attributeCollectionStart", "setPreFillValues", { inputs: {} }, "prefill"],
    ["attributeCollectionStart", "ShowBlockPage", { message: "No." }, "block"],
    ["attributeCollectionSubmit", "ContinueWithDefaultBehavior", {}, "continue"],
    ["attributeCollectionSubmit", "modifyAttributeValues", { attributes: { city: "Oslo" } }, "modify"],
    [
      "attributeCollectionSubmit",
      "ShowValidationError",
      { message: "Fix it.", attributeErrors: { city: "Not here." } },
      "validation",
    ],
    ["attributeCollectionSubmit", "showBlockPage", { message: "No.", title: "Closed" }, "block"],
  ] as const;
  for (const [event, action, fields, kind] of cases) {
    const outcome = interpretAnswer(
      event,
      json(respond(event, action, fields), "application/json; charset=utf-8"),
    );
    assert.equal(outcome.kind, kind, `${event}.${action}`);
  }
  const block = interpretAnswer(
    "attributeCollectionSubmit",
    json(respond("attributeCollectionSubmit", "showBlockPage", { message: "No.", title: "Closed" })),
  );
  assert.deepEqual(block, { kind: "block", message: "No.", title: "Closed" });
});

test("each answer Entra refuses is reported with its 1003xxx code", () => {
  const start = "attributeCollectionStart" as const;
  const submit = "attributeCollectionSubmit" as const;
  const cases: Array<[string, typeof start | typeof submit, ExtensionAnswer, string]> = [
    ["HTTP 500", start, { status: 500, contentType: "application/json", text: "{}" }, "1003002"],
    ["HTTP 401 without a body", start, { status: 401, contentType: "", text: "" }, "1003002"],
    ["an empty body", start, { status: 200, contentType: "application/json", text: " " }, "1003009"],
    ["no Content-Type", start, { status: 200, contentType: "", text: "{}" }, "1003006"],
    ["text/json", start, { status: 200, contentType: "text/json", text: "{}" }, "1003006"],
    ["invalid JSON", start, { status: 200, contentType: "application/json", text: "{" }, "1003003"],
    ["no data", start, json({ actions: [] }), "1003003"],
    [
      "the other event's response type",
      start,
      json(respond(submit, "continueWithDefaultBehavior")),
      "1003003",
    ],
    [
      "no actions",
      start,
      json({
        data: { "@odata.type": "microsoft.graph.onAttributeCollectionStartResponseData", actions: [] },
      }),
      "1003010",
    ],
    [
      "actions not a list",
      submit,
      json({
        data: { "@odata.type": "microsoft.graph.onAttributeCollectionSubmitResponseData", actions: {} },
      }),
      "1003010",
    ],
    [
      "setPrefillValues at Submit",
      submit,
      json(respond(submit, "setPrefillValues", { inputs: {} })),
      "1003012",
    ],
    [
      "modifyAttributeValues at Start",
      start,
      json(respond(start, "modifyAttributeValues", { attributes: {} })),
      "1003012",
    ],
    ["an unknown action", submit, json(respond(submit, "redirect")), "1003012"],
    ["showBlockPage without a message", start, json(respond(start, "showBlockPage")), "1003003"],
    ["setPrefillValues without inputs", start, json(respond(start, "setPrefillValues")), "1003003"],
    [
      "showValidationError with an empty field message",
      submit,
      json(respond(submit, "showValidationError", { message: "Fix.", attributeErrors: { city: "" } })),
      "1003003",
    ],
    [
      "showValidationError without a message",
      submit,
      json(respond(submit, "showValidationError", { attributeErrors: { city: "No." } })),
      "1003003",
    ],
  ];
  for (const [name, event, answer, code] of cases) {
    const outcome = interpretAnswer(event, answer);
    assert.equal(outcome.kind, "failed", name);
    if (outcome.kind === "failed") assert.match(outcome.code, new RegExp(`^${code} `), name);
  }
});

test("before calling an extension Entra refuses a non-https target, a resourceId that is not api://<host>/<appId>, and an extension of the other event", () => {
  const good = toExtension(extensionBody("e1", "Start", "https://contoso-fn.azurewebsites.net/api/start"));
  assert.deepEqual(checkExtension(good, "attributeCollectionStart"), {
    appId: "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
  });
  const code = (e: ReturnType<typeof toExtension>, event = "attributeCollectionStart" as const) => {
    const checked = checkExtension(e, event);
    return "code" in checked ? checked.code.split(" ")[0] : "ok";
  };
  assert.equal(code({ ...good, targetUrl: "http://contoso-fn.azurewebsites.net/api/start" }), "1003020");
  assert.equal(code({ ...good, resourceId: "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d" }), "1003014");
  assert.equal(
    code({ ...good, resourceId: "api://elsewhere.example/0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d" }),
    "1003015",
  );
  assert.equal(checkExtension(good, "attributeCollectionSubmit").hasOwnProperty("code"), true);
  assert.equal(
    code({
      ...good,
      targetUrl: "http://127.0.0.1:7071/api/start",
      resourceId: "api://127.0.0.1:7071/0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
    }),
    "ok",
    "loopback http is local only",
  );
});

test("a handler's extension read with a null clientConfiguration gets Entra's defaults (1000 ms, one retry)", () => {
  const body = extensionBody("e1", "Submit", "https://x.example/api/submit");
  body.clientConfiguration = { timeoutInMilliseconds: null, maximumRetries: null };
  const e = toExtension(body);
  assert.equal(e.timeoutInMilliseconds, 1000);
  assert.equal(e.maximumRetries, 1);
  assert.equal(e.event, "attributeCollectionSubmit");
});

test("the envelope carries the event's type, callout data, context and typed attributes, and no identities when there are none", () => {
  const envelope = extensionEnvelope({
    event: "attributeCollectionSubmit",
    tenantId: "t1",
    listenerId: "flow1",
    extensionId: "e1",
    correlationId: "c1",
    clientIp: "30.51.176.110",
    locale: "en-us",
    clientServicePrincipal: { id: "sp", appId: "app", appDisplayName: "App", displayName: "App" },
    attributes: directoryAttributes(
      { attributes: ATTRIBUTE_MAP },
      { [ext("Newsletter")]: false, city: "Oslo" },
    ),
  }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.equal(envelope.type, "microsoft.graph.authenticationEvent.attributeCollectionSubmit");
  assert.equal(envelope.data["@odata.type"], "microsoft.graph.onAttributeCollectionSubmitCalloutData");
  assert.equal(envelope.data.authenticationContext.protocol, "OAUTH2.0");
  assert.deepEqual(envelope.data.authenticationContext.client, {
    ip: "30.51.176.110",
    locale: "en-us",
    market: "en-us",
  });
  assert.deepEqual(envelope.data.userSignUpInfo, {
    attributes: {
      [ext("Newsletter")]: {
        "@odata.type": "microsoft.graph.booleanDirectoryAttributeValue",
        value: false,
        attributeType: "directorySchemaExtension",
      },
      city: {
        "@odata.type": "microsoft.graph.stringDirectoryAttributeValue",
        value: "Oslo",
        attributeType: "builtIn",
      },
    },
  });
});

test("returned values keep their attribute's type: wrong JSON types are refused, unknown keys and the email ignored", () => {
  const { applied, ignored, mistyped } = returnedValues(
    { attributes: ATTRIBUTE_MAP },
    {
      [ext("LoyaltyNumber")]: 12,
      [ext("Newsletter")]: "true",
      [ext("Terms")]: 1.5,
      city: "Oslo",
      email: "other@x.example",
      favouriteColour: "blue",
    },
  );
  assert.deepEqual(applied, { [ext("LoyaltyNumber")]: 12, city: "Oslo" });
  assert.deepEqual(
    ignored.map((i) => i.claim),
    ["email", "favouriteColour"],
  );
  assert.equal(mistyped.length, 2);
});

test("a typed value survives the page: int64 and boolean values read back from their page text unchanged", () => {
  fc.assert(fc.property(fc.maxSafeInteger(), (n) => typedValue("int64", pageText(n)) === n));
  fc.assert(fc.property(fc.boolean(), (b) => typedValue("boolean", pageText(b)) === b));
  assert.equal(typedValue("int64", "12.5"), undefined);
  assert.equal(typedValue("int64", "99999999999999999999"), undefined);
});

test("page inputs keep their order across views; input types compare case-insensitively", () => {
  const inputs = pageInputs(eventsFlow("f").onAttributeCollection.attributeCollectionPage, ATTRIBUTE_MAP);
  assert.deepEqual(
    inputs.map((i) => i.attribute),
    INPUTS.map((i) => i.attribute),
  );
  assert.equal(inputs.find((i) => i.attribute === "givenName")?.inputType, "text", '"Text" is text');
  assert.equal(inputs.find((i) => i.attribute === ext("LoyaltyNumber"))?.dataType, "int64");
});

test("a validationRegEx the browser cannot compile is not held against the person", () => {
  const inputs = pageInputs(
    { views: [{ inputs: [{ attribute: "city", label: "City", validationRegEx: "(?<=" }] }] },
    ATTRIBUTE_MAP,
  );
  assert.deepEqual(checkPage(inputs, { city: "Oslo" }), {});
});

test("the attribute page puts each field's error beside it, linked by aria-describedby, with the text escaped", () => {
  const inputs = pageInputs(eventsFlow("f").onAttributeCollection.attributeCollectionPage, ATTRIBUTE_MAP);
  const session = {
    kind: "external",
    id: "00000000-0000-4000-8000-000000000000",
    email: "a@b.example",
    idp: { id: "EmailPassword-OAUTH", displayName: "Email with password", type: "EmailPassword" },
    values: { [ext("Tier")]: "gold" },
    message: "Please fix <these> fields.",
    fieldErrors: {
      [ext("Tier")]: "Gold is <b>full</b>.",
      [ext("Terms")]: "Accept the terms.",
      givenName: "Too short.",
    },
    timeline: [],
  } as unknown as ExternalSession;
  const page = externalAttributePage(
    { kind: "external", id: "f", inputs, attributes: ATTRIBUTE_MAP } as never,
    session,
  );
  assert.match(page, /data-testid="validation-message">Please fix &lt;these&gt; fields\.</);
  for (const [attr, text] of [
    [ext("Tier"), "Gold is &lt;b&gt;full&lt;/b&gt;."],
    [ext("Terms"), "Accept the terms."],
    ["givenName", "Too short."],
  ] as const) {
    assert.match(page, new RegExp(`aria-describedby="x-${attr}-error"`), attr);
    assert.match(
      page,
      new RegExp(
        `<p class="field-error" id="x-${attr}-error" data-testid="field-error-${attr}">${text.replace(/\./g, "\\.")}</p>`,
      ),
      attr,
    );
  }
  assert.doesNotMatch(page, /field-error-city/, "no error element for a field without an error");
});

test("identities follow the identity provider: password under the initial domain, one-time passcode as federated mail, social by the provider's stable id; the user is a member with a local identity", () => {
  const idp = (id: string, type: string) => ({ id, displayName: id, type });
  const domain = "contoso.onmicrosoft.com";
  assert.deepEqual(signUpIdentities(idp("EmailPassword-OAUTH", "EmailPassword"), "a@x.example", domain), [
    { signInType: "email", issuer: domain, issuerAssignedId: "a@x.example" },
  ]);
  assert.deepEqual(signUpIdentities(idp("EmailOtpSignup-OAUTH", "EmailOtpSignup"), "a@x.example", domain), [
    { signInType: "federated", issuer: "mail", issuerAssignedId: "a@x.example" },
  ]);
  const google = signUpIdentities(idp("Google-OAUTH", "Google"), "a@x.example", domain);
  assert.equal(google[0]?.issuer, "google.com");
  assert.deepEqual(google, signUpIdentities(idp("Google-OAUTH", "Google"), "A@X.example", domain), "stable");
  const user = customerUser(
    { attributes: ATTRIBUTE_MAP } as never,
    {
      email: "a@x.example",
      idp: idp("EmailOtpSignup-OAUTH", "EmailOtpSignup"),
      organization: { tenantId: "t", tenantType: "CIAM", initialDomain: domain },
      identities: [],
    } as unknown as ExternalSession,
    { givenName: "Ada", surname: "Lovelace", [ext("LoyaltyNumber")]: 7, favourite: "x" },
  );
  assert.deepEqual(user, {
    accountEnabled: true,
    userType: "Member",
    creationType: "LocalAccount",
    mail: "a@x.example",
    identities: [{ signInType: "emailAddress", issuer: domain, issuerAssignedId: "a@x.example" }],
    givenName: "Ada",
    surname: "Lovelace",
    [ext("LoyaltyNumber")]: 7,
    displayName: "Ada Lovelace",
  });
});
