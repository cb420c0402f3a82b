// Holds docs/openapi.json against real answers: every response a test gets through `call`
// must be documented for its route and status and match its schema (Ajv, JSON Schema
// 2020-12, the dialect of OpenAPI 3.1); `missing()` names each documented (route, status,
// error code) no answer has shown yet.
import fs from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';

export const docPath = new URL('../../../docs/openapi.json', import.meta.url);
const docId = 'https://ordercast.example/openapi.json';

const pointer = (parts) => `#/${parts.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;

export function openapiChecker() {
  const doc = JSON.parse(fs.readFileSync(docPath));
  // OpenAPI's own keywords beside JSON Schema's are allowed (strict off).
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ ...doc, $id: docId });
  const routes = Object.keys(doc.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  const resolve = (r) => (r.$ref ? doc.components.responses[r.$ref.split('/').pop()] : r);
  const validators = new Map();
  const observed = new Set();

  function validatorFor(template, method, status, type) {
    const key = `${template} ${method} ${status} ${type}`;
    if (!validators.has(key)) {
      const r = doc.paths[template][method].responses[status];
      const where = r.$ref
        ? [...r.$ref.slice(2).split('/'), 'content', type, 'schema']
        : ['paths', template, method, 'responses', status, 'content', type, 'schema'];
      validators.set(key, ajv.compile({ $ref: `${docId}${pointer(where)}` }));
    }
    return validators.get(key);
  }

  // Checks one answer; returns what a test needs of it.
  async function check(method, url, res) {
    const path = new URL(url, 'http://x').pathname;
    const route = routes.find((r) => r.pattern.test(path));
    if (!route) throw new Error(`${method} ${path}: no such path in openapi.json`);
    const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
    const operation = doc.paths[route.template][m];
    if (!operation) throw new Error(`${method} ${route.template}: not in openapi.json`);
    const status = String(res.status);
    const documented = operation.responses[status];
    const text = await res.text();
    if (!documented) throw new Error(`${method} ${route.template} answered ${status}, which openapi.json does not list: ${text}`);
    const content = resolve(documented).content;
    let body = null;
    if (content) {
      const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
      if (!content[type]) throw new Error(`${method} ${route.template} ${status}: content type '${type}' not documented`);
      body = type === 'application/json' ? JSON.parse(text) : text;
      const validate = validatorFor(route.template, m, status, type);
      if (!validate(body)) {
        throw new Error(`${method} ${route.template} ${status} does not match openapi.json: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 2000)}`);
      }
    } else if (text !== '') {
      throw new Error(`${method} ${route.template} ${status}: a body where openapi.json documents none`);
    }
    observed.add(`${m} ${route.template} ${status} ${body?.error ?? ''}`.trim());
    return { status: res.status, body, headers: res.headers, template: route.template };
  }

  // Every documented answer: "method template status [code]".
  function documented() {
    const out = [];
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, r] of Object.entries(operation.responses)) {
          const schema = resolve(r).content?.['application/json']?.schema;
          const codes = schema?.allOf?.[1]?.properties?.error?.enum;
          if (codes) for (const code of codes) out.push(`${method} ${template} ${status} ${code}`);
          else out.push(`${method} ${template} ${status}`);
        }
      }
    }
    return out;
  }

  return {
    doc,
    check,
    observed,
    documented,
    missing: (exempt) => documented().filter((d) => !observed.has(d) && !exempt(d)),
  };
}
