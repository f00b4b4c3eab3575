// Asks the editors' own language services about payload documents, as an editor would.
// stdin: {"schemas": {uri: schema}, "queries": [{"language": "json"|"yaml", "schema": uri,
//          "text": "...", "complete": offset|null, "hover": offset|null}]}
// stdout: one answer per query: {"completions": [labels], "hover": "markdown", "diagnostics": [...]}.
// Nothing is fetched: a schema the services ask for that is not in "schemas" is an error.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const jsonService = require("vscode-json-languageservice");
const { TextDocument } = require("vscode-languageserver-textdocument");
const yamlService = require("yaml-language-server/lib/umd/languageservice/yamlLanguageService.js");

const input = JSON.parse(readFileSync(0, "utf8"));

async function schemaRequest(uri) {
  if (!(uri in input.schemas)) throw new Error(`the probe fetches nothing: ${uri}`);
  return JSON.stringify(input.schemas[uri]);
}

function hoverText(hover) {
  if (!hover) return null;
  const parts = Array.isArray(hover.contents) ? hover.contents : [hover.contents];
  return parts.map((part) => (typeof part === "string" ? part : part.value)).join("\n");
}

function diagnostics(found) {
  return found.map((d) => ({ message: d.message, severity: d.severity, line: d.range.start.line }));
}

async function askJson(query) {
  const service = jsonService.getLanguageService({ schemaRequestService: schemaRequest });
  service.configure({ validate: true, allowComments: false,
                      schemas: [{ uri: query.schema, fileMatch: ["*.json"] }] });
  const document = TextDocument.create(`file:///workspace/payload-${query.n}.json`, "json", 1, query.text);
  const parsed = service.parseJSONDocument(document);
  const answer = { diagnostics: diagnostics(await service.doValidation(document, parsed)) };
  if (query.complete != null) {
    const list = await service.doComplete(document, document.positionAt(query.complete), parsed);
    answer.completions = list ? list.items.map((item) => item.label) : [];
  }
  if (query.hover != null) {
    answer.hover = hoverText(await service.doHover(document, document.positionAt(query.hover), parsed));
  }
  return answer;
}

async function askYaml(query) {
  const workspaceContext = { resolveRelativePath: (relative, resource) => new URL(relative, resource).toString() };
  const service = yamlService.getLanguageService({ schemaRequestService: schemaRequest, workspaceContext });
  service.configure({ validate: true, hover: true, completion: true,
                      schemas: [{ uri: query.schema, fileMatch: ["*.yaml"] }] });
  const document = TextDocument.create(`file:///workspace/payload-${query.n}.yaml`, "yaml", 1, query.text);
  const answer = { diagnostics: diagnostics(await service.doValidation(document, false)) };
  if (query.complete != null) {
    const list = await service.doComplete(document, document.positionAt(query.complete), false);
    answer.completions = list ? list.items.map((item) => item.label) : [];
  }
  if (query.hover != null) {
    answer.hover = hoverText(await service.doHover(document, document.positionAt(query.hover)));
  }
  return answer;
}

const answers = [];
// yaml-language-server caches parsed documents by URI and version, across services: each
// query gets a document of its own.
for (const [n, query] of input.queries.entries()) {
  query.n = n;
  answers.push(await (query.language === "yaml" ? askYaml(query) : askJson(query)));
}
process.stdout.write(JSON.stringify(answers));
