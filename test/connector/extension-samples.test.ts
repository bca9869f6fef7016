/**
 * Microsoft's documented Start and Submit requests (with `@odata.type` and `@odata.Type` as the samples mix
 * them, and the data-level type in either spelling) are decided through the local connector host, and the
 * answers keep the samples' value types: the int64 stays a number, the boolean a boolean, the multi-value
 * attribute a comma-delimited string.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { EXTENSION_ROUTES, type AttributeCollectionEvent } from "../../contract/extensionRoutes";
import { EXTENSIONS_APP_ID, seedPolicy } from "./helpers/fixtures";
import { documentedSample } from "./helpers/extension-samples";
import { onlyAction, startExtensionHost, type ExtensionHost } from "./helpers/extension";

const key = (name: string) => `extension_${EXTENSIONS_APP_ID}_${name}`;
const EVENTS: AttributeCollectionEvent[] = ["attributeCollectionStart", "attributeCollectionSubmit"];

/** The sample with `data["@odata.type"]` spelt `@odata.Type`. */
function withCapitalType(body: Record<string, unknown>): Record<string, unknown> {
  const { "@odata.type": type, ...rest } = body.data as Record<string, unknown>;
  return { ...body, data: { "@odata.Type": type, ...rest } };
}

describe("Microsoft's documented samples under the seed policy", () => {
  let x: ExtensionHost;
  before(async () => (x = await startExtensionHost(seedPolicy())));
  after(() => x.stop());

  for (const event of EVENTS)
    for (const [spelling, body] of [
      ["@odata.type", documentedSample(event)],
      ["@odata.Type", withCapitalType(documentedSample(event))],
    ] as const)
      test(`${event} (${spelling}): a domain outside the allow-list gets one showBlockPage`, async () => {
        const answer = await x.call(EXTENSION_ROUTES[event], body);
        assert.equal(answer.status, 200);
        assert.equal(answer.headers.get("content-type"), "application/json");
        const action = onlyAction(answer.json);
        assert.equal(action["@odata.type"], `microsoft.graph.${event}.showBlockPage`);
        assert.match(String(action.message), /approved partner organizations/);
      });
});

describe("Microsoft's documented Submit sample with enrichment of its typed attributes", () => {
  let x: ExtensionHost;
  before(
    async () =>
      (x = await startExtensionHost({
        version: "1.0.0",
        enrichment: {
          attributes: {
            graduationYear: "2011",
            onMailingList: "true",
            universityGroups: "Alumni,Faculty,Staff",
          },
        },
      })),
  );
  after(() => x.stop());

  test("modifyAttributeValues answers in the request's types", async () => {
    const answer = await x.call(
      EXTENSION_ROUTES.attributeCollectionSubmit,
      documentedSample("attributeCollectionSubmit"),
    );
    assert.deepEqual(answer.json, {
      data: {
        "@odata.type": "microsoft.graph.onAttributeCollectionSubmitResponseData",
        actions: [
          {
            "@odata.type": "microsoft.graph.attributeCollectionSubmit.modifyAttributeValues",
            attributes: {
              [key("graduationYear")]: 2011,
              [key("onMailingList")]: true,
              [key("universityGroups")]: "Alumni,Faculty,Staff",
            },
          },
        ],
      },
    });
  });

  test("the Start sample continues with the default behaviour (enrichment writes at Submit only)", async () => {
    const answer = await x.call(
      EXTENSION_ROUTES.attributeCollectionStart,
      documentedSample("attributeCollectionStart"),
    );
    assert.deepEqual(onlyAction(answer.json), {
      "@odata.type": "microsoft.graph.attributeCollectionStart.continueWithDefaultBehavior",
    });
  });
});
