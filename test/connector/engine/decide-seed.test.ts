/** The seeds' walkthrough through `decide`, with the shipped seed policy. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { APP, ATTRIBUTE_IDS, NOW, partnerRequest, policyWith, run, seedPolicy } from "./fixtures";

test("an approved partner domain continues with PartnerRole, jobTitle and the approval timestamp", () => {
  const d = run("postAttributeCollection", partnerRequest());
  assert.equal(d.httpStatus, 200);
  assert.equal(d.reason, "allowed");
  assert.equal(d.domain, "partner-company.com");
  assert.deepEqual(d.response, {
    version: "1.0.0",
    action: "Continue",
    [`extension_${APP}_PartnerRole`]: "Partner",
    [`extension_${APP}_ApprovedAt`]: NOW.toISOString(),
    jobTitle: "Partner User",
  });
});

test("each partner domain gets its own role", () => {
  const d = run(
    "postAttributeCollection",
    partnerRequest({ email: "x@consulting-firm.net", [ATTRIBUTE_IDS.CompanyName!]: "Consulting Firm" }),
  );
  assert.equal(d.response[`extension_${APP}_PartnerRole`], "Consultant");
  assert.equal(d.response.jobTitle, "Consultant User");
});

test("gmail.com gets a block page at both steps, HTTP 200", () => {
  for (const step of ["postFederationSignup", "postAttributeCollection"] as const) {
    const d = run(step, partnerRequest({ email: "someone@gmail.com" }));
    assert.equal(d.httpStatus, 200);
    assert.equal(d.reason, "domain_blocked");
    assert.equal(d.response.action, "ShowBlockPage");
    assert.match(String(d.response.userMessage), /Personal email addresses/);
  }
});

test("a domain outside the allow-list gets a block page", () => {
  const d = run("postAttributeCollection", partnerRequest({ email: "eve@unknown.example" }));
  assert.equal(d.reason, "domain_not_allowed");
  assert.equal(d.response.action, "ShowBlockPage");
  assert.match(String(d.response.userMessage), /approved partner organizations/);
});

test("a short justification is a ValidationError with HTTP 400 and status 400 in the body", () => {
  const d = run(
    "postAttributeCollection",
    partnerRequest({ [ATTRIBUTE_IDS.Justification!]: "  need access   " }),
  );
  assert.equal(d.httpStatus, 400);
  assert.equal(d.reason, "justification_too_short");
  assert.deepEqual(d.response, {
    version: "1.0.0",
    action: "ValidationError",
    status: 400,
    userMessage: "Please provide a more detailed justification for your access request.",
    code: "justification_too_short",
  });
});

test("the justification length counts characters, not UTF-16 units, after trimming", () => {
  const emoji = "🙂".repeat(19);
  assert.equal(
    run("postAttributeCollection", partnerRequest({ [ATTRIBUTE_IDS.Justification!]: emoji })).reason,
    "justification_too_short",
  );
  const twenty = "🙂".repeat(20);
  assert.equal(
    run("postAttributeCollection", partnerRequest({ [ATTRIBUTE_IDS.Justification!]: twenty })).reason,
    "allowed",
  );
});

test("a company name that does not match the email domain is a ValidationError", () => {
  const d = run(
    "postAttributeCollection",
    partnerRequest({ [ATTRIBUTE_IDS.CompanyName!]: "Trusted Vendor" }),
  );
  assert.equal(d.reason, "company_mismatch");
  assert.equal(d.httpStatus, 400);
  assert.equal(d.response.status, 400);
});

test("the company name matches regardless of case and whitespace", () => {
  const d = run(
    "postAttributeCollection",
    partnerRequest({ [ATTRIBUTE_IDS.CompanyName!]: "  PARTNER\tcompany " }),
  );
  assert.equal(d.reason, "allowed");
});

test("a missing required attribute is a ValidationError", () => {
  const request = partnerRequest();
  delete request[ATTRIBUTE_IDS.CompanyName!];
  const d = run("postAttributeCollection", request);
  assert.equal(d.reason, "required_attribute_missing");
  assert.equal(d.httpStatus, 400);
  const blank = run("postAttributeCollection", partnerRequest({ [ATTRIBUTE_IDS.CompanyName!]: "   " }));
  assert.equal(blank.reason, "required_attribute_missing");
});

test("postFederationSignup pre-fills the company name from the domain lookup and never validates attributes", () => {
  const d = run("postFederationSignup", {
    email: "ann@trusted-vendor.org",
    displayName: "Ann Lee",
    ui_locales: "en-US",
  });
  assert.equal(d.reason, "allowed");
  assert.deepEqual(d.response, {
    version: "1.0.0",
    action: "Continue",
    [`extension_${APP}_CompanyName`]: "Trusted Vendor",
  });
});

test("pre-fill keeps a value the identity provider already supplied", () => {
  const d = run("postFederationSignup", {
    email: "ann@trusted-vendor.org",
    [`extension_${APP}_CompanyName`]: "TV Ltd",
  });
  assert.deepEqual(d.response, { version: "1.0.0", action: "Continue" });
});

test("a subdomain of an includeSubdomains partner is allowed and inherits its role", () => {
  const d = run(
    "postAttributeCollection",
    partnerRequest({ email: "bo@EU.Trusted-Vendor.org", [ATTRIBUTE_IDS.CompanyName!]: "Trusted Vendor" }),
  );
  assert.equal(d.reason, "allowed");
  assert.equal(d.domain, "eu.trusted-vendor.org");
  assert.equal(d.response.jobTitle, "Vendor User");
  assert.equal(
    run("postFederationSignup", { email: "bo@eu.partner-company.com" }).reason,
    "domain_not_allowed",
  );
});

test("names typed in all caps or all lower case are capitalised and returned only when they change", () => {
  const d = run(
    "postAttributeCollection",
    partnerRequest({ givenName: "ANN-MARIE", surname: "o'neil", displayName: "McDonald" }),
  );
  assert.equal(d.response.givenName, "Ann-Marie");
  assert.equal(d.response.surname, "O'Neil");
  assert.equal(d.response.displayName, undefined, "mixed case is a deliberate choice and is kept");
  const fed = run("postFederationSignup", {
    email: "a@partner-company.com",
    givenName: "ann",
    lastName: "LEE",
  });
  assert.equal(fed.response.givenName, "Ann");
  assert.equal(fed.response.surname, "Lee", "lastName (DOC-CONFLICT) is answered as surname");
});

test("ui_locales selects the catalogue: exact tag, then language, then the fallback locale", () => {
  const gmail = (ui_locales?: string) =>
    String(
      run("postFederationSignup", { email: "x@gmail.com", ...(ui_locales ? { ui_locales } : {}) }).response
        .userMessage,
    );
  assert.match(gmail("fr-FR"), /^Les adresses e-mail personnelles/);
  assert.match(gmail("fr"), /^Les adresses/);
  assert.match(gmail("de-DE fr-CA"), /^Les adresses/, "the first supported tag of a list wins");
  assert.match(gmail("de-DE"), /^Personal email addresses/, "unknown locale falls back to en");
  assert.match(gmail(), /^Personal email addresses/);
  const frShort = run(
    "postAttributeCollection",
    partnerRequest({ ui_locales: "fr-BE", [ATTRIBUTE_IDS.Justification!]: "court" }),
  );
  assert.match(String(frShort.response.userMessage), /^Veuillez justifier/);
  const frMissing = run(
    "postAttributeCollection",
    partnerRequest({ ui_locales: "fr", email: "a@b.invalid" }),
  );
  assert.equal(frMissing.reason, "domain_not_allowed");
  const frRequired = run(
    "postAttributeCollection",
    partnerRequest({ ui_locales: "fr", [ATTRIBUTE_IDS.CompanyName!]: "" }),
  );
  assert.equal(
    frRequired.response.userMessage,
    "Please fill in all required fields.",
    "a locale without the message falls back per message",
  );
});

test("a non-en fallback locale is used for unknown locales", () => {
  const policy = policyWith({
    messages: { fallbackLocale: "fr", locales: { fr: { domain_blocked: "Bloqué." } } },
  });
  assert.equal(
    run("postFederationSignup", { email: "x@gmail.com", ui_locales: "ja-JP" }, policy).response.userMessage,
    "Bloqué.",
  );
});

test("without attribute ids, any extension_<32 hex>_<Name> or extension_<Name> key is matched case-insensitively", () => {
  const request = partnerRequest();
  delete request[ATTRIBUTE_IDS.CompanyName!];
  delete request[ATTRIBUTE_IDS.Justification!];
  const other = "fedcba9876543210fedcba9876543210";
  const d = run(
    "postAttributeCollection",
    {
      ...request,
      [`EXTENSION_${other}_companyname`]: "Partner Company",
      extension_Justification: "x".repeat(25),
    },
    seedPolicy,
    { attributeIds: {} },
  );
  assert.equal(d.reason, "allowed");
  assert.equal(
    d.response.extension_PartnerRole,
    "Partner",
    "unknown output ids use the short extension_<Name> form",
  );
  const wrong = run(
    "postAttributeCollection",
    { ...request, [`extension_${other}x_CompanyName`]: "Partner Company" },
    seedPolicy,
    {
      attributeIds: {},
    },
  );
  assert.equal(wrong.reason, "required_attribute_missing", "a malformed app id segment is not matched");
});

test("typed custom attribute values (numbers, booleans) are read as text", () => {
  const d = run(
    "postAttributeCollection",
    partnerRequest({ [ATTRIBUTE_IDS.Justification!]: 123456789012345678901 }),
  );
  assert.equal(d.reason, "allowed");
});
