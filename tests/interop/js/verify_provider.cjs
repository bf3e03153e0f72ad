// pact-js's Verifier: OrderApi at $PROVIDER_URL against the pacts that the broker at $BROKER_URL
// selects for the main branch, publishing the results as $PROVIDER_VERSION (branch main).
// Provider states are set up by pact-js state handlers, which tell the provider over HTTP.
'use strict';
const { Verifier } = require('@pact-foundation/pact');

const providerUrl = process.env.PROVIDER_URL;

async function tellProvider(state, params, action) {
  const res = await fetch(`${providerUrl}/_pact/state`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ state, params, action }),
  });
  if (!res.ok) throw new Error(`state ${state} failed: ${res.status}`);
}

const verifier = new Verifier({
  provider: 'OrderApi',
  providerBaseUrl: providerUrl,
  pactBrokerUrl: process.env.BROKER_URL,
  consumerVersionSelectors: [{ mainBranch: true }],
  enablePending: false,
  publishVerificationResult: true,
  providerVersion: process.env.PROVIDER_VERSION,
  providerVersionBranch: 'main',
  logLevel: 'warn',
  stateHandlers: {
    'an order exists': (params) => tellProvider('an order exists', params, 'setup'),
    'no orders exist': () => tellProvider('no orders exist', {}, 'setup'),
  },
});

verifier.verifyProvider().then(
  () => {
    console.log('pact-js verification passed');
  },
  (error) => {
    console.error(`pact-js verification failed: ${error.message || error}`);
    process.exitCode = 1;
  },
);
