/**
 * The logs panel's side view: exactly one request's lines (`logs/read` with `executionId`, and
 * its access line from `logs/search`), or the past lines a search found (`logs/search`, text or
 * regex). Only the newest question's answer is shown; every failure says the API's code and message.
 */
import { call } from "../../api.ts";
import { fill, h, say, statusLine } from "../../dom.ts";
import { accessFields, type LogLine, parseLine } from "./lines.ts";
import { logTable, type PickRequest, rowOf } from "./view.ts";

interface ReadAnswer {
  totalLines: number;
  returnedLines: number;
  lines: string[];
}
interface SearchAnswer {
  matchesFound: number;
  truncated: boolean;
  results: { file: string; line: number; content: string }[];
}

/** The most lines the side view asks for (the API's own limit). */
const LIMIT = 1000;

export interface SearchQuery {
  text: string;
  regex: boolean;
  caseSensitive: boolean;
}

export class SideView {
  readonly element: HTMLElement;
  private readonly title = h("h3", { id: "logs-side-title" });
  private readonly summary = h("p", { class: "log-summary" });
  private readonly status = statusLine();
  private readonly content = h("div", { class: "log-side-lines" });
  /** Counts questions: an answer to an older one is dropped. */
  private asked = 0;

  constructor(private readonly pick: PickRequest) {
    this.element = h(
      "aside",
      { class: "log-side", "aria-labelledby": "logs-side-title", hidden: true },
      h(
        "div",
        { class: "toolbar" },
        this.title,
        h("button", {
          type: "button",
          "aria-label": "Close the side view",
          onclick: () => this.close(),
        }, "Close"),
      ),
      this.summary,
      this.status,
      this.content,
    );
  }

  close(): void {
    this.asked++;
    this.element.hidden = true;
    this.content.replaceChildren();
  }

  private open(title: string): number {
    this.element.hidden = false;
    this.title.textContent = title;
    this.summary.textContent = "";
    this.content.replaceChildren();
    say(this.status, "Loading…");
    return ++this.asked;
  }

  /** The side view's narrow table: `omit` names the columns left out (all rows share them). */
  private table(lines: readonly LogLine[], label: string, omit: string[]): HTMLTableElement {
    const { table, body } = logTable("execution", label, omit);
    body.append(...lines.map((line) => rowOf(line, "execution", this.pick, omit)));
    return table;
  }

  /** Every line request `executionId` printed, and its access line when there is one. */
  async showRequest(execId: string, executionId: string): Promise<void> {
    const ask = this.open(`Request ${executionId}`);
    try {
      const [read, access] = await Promise.all([
        call<ReadAnswer>("POST", "/logs/read", { execId, executionId, lines: LIMIT }),
        call<SearchAnswer>("POST", "/logs/search", {
          execId,
          query: `${executionId}]`,
          caseSensitive: true,
          limit: 10,
        }),
      ]);
      if (ask !== this.asked) return;
      const request = access.results
        .filter((r) => r.file.startsWith("access-"))
        .map((r) => parseLine(r.content))
        .find((line) => line.executionId === executionId);
      const fields = request ? accessFields(request) : null;
      this.summary.textContent = fields
        ? `${fields.method} ${fields.path} answered ${fields.status} in ${
          fields.durationMs.toFixed(1)
        } ms (${request!.script})`
        : "No access line for this request (yet).";
      const lines = read.lines.map(parseLine);
      fill(
        this.content,
        this.table(lines, `Lines of request ${executionId}`, ["script", "request"]),
      );
      say(
        this.status,
        read.totalLines === 0
          ? "This request printed no line (yet)."
          : read.returnedLines < read.totalLines
          ? `The last ${read.returnedLines} of ${read.totalLines} lines`
          : `${read.totalLines} line${read.totalLines === 1 ? "" : "s"}`,
      );
    } catch (error) {
      if (ask === this.asked) say(this.status, error, "error");
    }
  }

  /** The past lines of every log file of the instance that hold `query.text` (or match it). */
  async showSearch(execId: string, query: SearchQuery): Promise<void> {
    const what = query.regex ? `/${query.text}/` : `“${query.text}”`;
    const ask = this.open(`Past lines matching ${what}`);
    try {
      const answer = await call<SearchAnswer>("POST", "/logs/search", {
        execId,
        ...(query.regex ? { regex: query.text } : { query: query.text }),
        caseSensitive: query.caseSensitive,
        limit: LIMIT,
      });
      if (ask !== this.asked) return;
      const lines = answer.results.map((r) => parseLine(r.content));
      fill(this.content, this.table(lines, "Search results", ["script"]));
      say(
        this.status,
        answer.truncated
          ? `The first ${answer.results.length} of ${answer.matchesFound} matches (newest files first)`
          : `${answer.matchesFound} match${answer.matchesFound === 1 ? "" : "es"}`,
      );
    } catch (error) {
      if (ask === this.asked) say(this.status, error, "error");
    }
  }
}
