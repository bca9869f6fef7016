/** The connector-call timeline shown under every sign-up page: one entry per HTTP attempt. */
import { markup, type Html } from "./html";
import type { Session, TimelineEntry } from "./types";

export function timeline(session: Pick<Session, "timeline">, heading = "Connector calls"): Html {
  const entries = session.timeline;
  return markup`<section class="timeline" aria-labelledby="timeline-h" data-testid="timeline">
    <h2 id="timeline-h">${heading}</h2>
    ${
      entries.length === 0
        ? markup`<p class="hint" data-testid="timeline-empty">No connector was called yet.</p>`
        : markup`<ol>
            ${entries.map(entry)}
          </ol>`
    }
  </section>`;
}

function entry(e: TimelineEntry): Html {
  const outcome = e.status === null ? (e.error ?? "no response") : `HTTP ${e.status}`;
  return markup`<li
    data-testid="timeline-entry"
    data-step="${e.step}"
    data-attempt="${e.attempt}"
    data-status="${e.status ?? "none"}"
  >
    <p class="entry-head">
      <strong>${e.step}</strong> · attempt ${e.attempt} ·
      <span class="${e.status === 200 ? "ok" : "bad"}">${outcome}</span> · ${e.latencyMs} ms ·
      <time datetime="${e.at}">${e.at.slice(11, 19)}</time>
    </p>
    <details>
      <summary>Request to ${e.url}</summary>
      <pre data-testid="timeline-request">${pretty(e.request)}</pre>
    </details>
    ${
      e.status === null
        ? ""
        : markup`<details open>
            <summary>Response</summary>
            <pre data-testid="timeline-response">${pretty(e.response)}</pre>
          </details>`
    }
    ${ignored(e)}
  </li>`;
}

/** Returned claims Entra would drop: the local system must not look better than Entra. */
function ignored(e: TimelineEntry): Html | string {
  if (!e.ignoredClaims?.length) return "";
  return markup`<div class="ignored-claims" data-testid="timeline-ignored">
    <p class="bad">Entra ignores ${e.ignoredClaims.length} returned claim(s); they are not stored:</p>
    <ul>
      ${e.ignoredClaims.map(
        (c) =>
          markup`<li data-testid="ignored-claim" data-claim="${c.claim}"><code>${c.claim}</code>: ${c.reason}</li>`,
      )}
    </ul>
  </div>`;
}

function pretty(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}
