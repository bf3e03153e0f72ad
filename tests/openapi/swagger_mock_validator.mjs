// Runs PactFlow's open-source swagger-mock-validator on a list of {name, spec, mock} files and
// prints {name: {success, errors, warnings}} as JSON (used by test_openapi_vs_pactflow.py).
import { SwaggerMockValidatorFactory } from '@pactflow/swagger-mock-validator';
import fs from 'fs';
const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = {};
for (const c of cases) {
  try {
    const result = await SwaggerMockValidatorFactory.create().validate(
      { specPathOrUrl: c.spec, mockPathOrUrl: c.mock });
    out[c.name] = { success: result.success, errors: result.errors.map((e) => e.code),
                    warnings: result.warnings.map((e) => e.code) };
  } catch (error) {
    out[c.name] = { success: false, errors: [], crash: String(error) };
  }
}
process.stdout.write(JSON.stringify(out));
