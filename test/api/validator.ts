// Validates a real response against the OpenAPI document's own schema (JSON Schema 2020-12, as OpenAPI 3.1).
import { Ajv2020 } from 'ajv/dist/2020.js';
import { openApiDocument } from '../../shared/api/openapi.ts';

const document = openApiDocument();

/** A validator of one component schema, with the document's other components resolvable. */
export function responseValidator(component: string) {
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  ajv.addSchema({ $id: 'dancu', components: document.components }, 'dancu');
  return ajv.compile({ $ref: `dancu#/components/schemas/${component}` });
}
