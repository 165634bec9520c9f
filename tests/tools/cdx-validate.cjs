// Validate CycloneDX JSON documents with the validator of the
// @cyclonedx/cyclonedx-library npm package (its JsonStrictValidator, on the
// schemas the package ships).  Usage: node cdx-validate.cjs VERSION FILE...
// Prints "valid FILE" or the errors; exit 0 only when every file is valid.
// The package and the peers its validator needs (ajv, ajv-formats,
// ajv-formats-draft2019) are installed by scripts/deps.sh test.
'use strict';
const fs = require('fs');
const { Validation, Spec } = require('@cyclonedx/cyclonedx-library');

const versions = { '1.6': Spec.Version.v1dot6, '1.5': Spec.Version.v1dot5 };
async function main () {
  const [version, ...files] = process.argv.slice(2);
  if (!versions[version] || files.length === 0) {
    console.error('usage: cdx-validate.cjs 1.6|1.5 FILE...');
    return 2;
  }
  const v = new Validation.JsonStrictValidator(versions[version]);
  let bad = 0;
  for (const f of files) {
    const errors = await v.validate(fs.readFileSync(f, 'utf8'));
    if (errors === null) {
      console.log('valid ' + f);
    } else {
      bad++;
      console.log('invalid ' + f + ': ' + JSON.stringify(errors).slice(0, 2000));
    }
  }
  return bad ? 1 : 0;
}
main().then((rc) => process.exit(rc), (e) => { console.error(String(e)); process.exit(2); });
