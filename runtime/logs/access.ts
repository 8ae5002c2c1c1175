/** The access log: one line per script request, from the pipeline's `RequestRecord`. */
import type { RequestRecord } from "../server/exchange.ts";
import { AccessLine, BODY_LIMIT } from "./format.ts";
import { accessLogged, headerNamesLogged } from "./policy.ts";
import type { LogWriter } from "./writer.ts";

const decoder = new TextDecoder();

export function createAccessLog(writer: LogWriter): (record: RequestRecord) => void {
  return (record) => {
    if (!accessLogged(record.logLevel, record.status)) return;
    const body = record.requestBody
      ? decoder.decode(record.requestBody.subarray(0, BODY_LIMIT * 3)).slice(0, BODY_LIMIT)
      : null;
    const headerNames = headerNamesLogged(record.logLevel) ? record.headerNames : null;
    writer.append(record.instance, "access", new AccessLine(record, headerNames, body));
  };
}
