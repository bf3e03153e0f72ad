// A pact-js consumer test (node's built-in test runner): WebShop's order client against
// pact-js's mock server. It writes the pact WebShop-OrderApi.json into $PACT_DIR.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { PactV4, MatchersV3 } = require('@pact-foundation/pact');

const { integer, decimal, string, regex, eachLike, datetime, like } = MatchersV3;

const pact = new PactV4({
  consumer: 'WebShop',
  provider: 'OrderApi',
  dir: process.env.PACT_DIR,
  logLevel: 'warn',
});

// The consumer's own code under test: a tiny order client.
async function getOrder(baseUrl, id) {
  const res = await fetch(`${baseUrl}/orders/${id}`, { headers: { Accept: 'application/json' } });
  if (res.status === 404) return null;
  return res.json();
}

async function placeOrder(baseUrl, sku, quantity) {
  const res = await fetch(`${baseUrl}/orders`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sku, quantity }),
  });
  return { location: res.headers.get('location'), body: await res.json() };
}

async function shippedOrders(baseUrl) {
  const res = await fetch(`${baseUrl}/orders?status=shipped`);
  return res.json();
}

test('an existing order is read', async () => {
  await pact
    .addInteraction()
    .given('an order exists', { id: 42 })
    .uponReceiving('a request for order 42')
    .withRequest('GET', '/orders/42', (b) => b.headers({ Accept: 'application/json' }))
    .willRespondWith(200, (b) =>
      b.jsonBody({
        id: integer(42),
        status: regex('^(pending|shipped)$', 'shipped'),
        total: decimal(9.99),
        placedAt: datetime("yyyy-MM-dd'T'HH:mm:ssXXX", '2024-01-02T03:04:05+00:00'),
        items: eachLike({ sku: string('A-1'), quantity: integer(1) }),
      }),
    )
    .executeTest(async (mock) => {
      const order = await getOrder(mock.url, 42);
      assert.equal(order.id, 42);
      assert.equal(order.items[0].sku, 'A-1');
    });
});

test('a missing order is null', async () => {
  await pact
    .addInteraction()
    .given('no orders exist')
    .uponReceiving('a request for order 7')
    .withRequest('GET', '/orders/7', (b) => b.headers({ Accept: 'application/json' }))
    .willRespondWith(404)
    .executeTest(async (mock) => {
      assert.equal(await getOrder(mock.url, 7), null);
    });
});

test('an order is placed', async () => {
  await pact
    .addInteraction()
    .uponReceiving('a new order')
    .withRequest('POST', '/orders', (b) => b.jsonBody({ sku: 'A-1', quantity: 2 }))
    .willRespondWith(201, (b) =>
      b
        .headers({ Location: regex('^/orders/\\d+$', '/orders/43') })
        .jsonBody({ id: integer(43), status: like('pending') }),
    )
    .executeTest(async (mock) => {
      const placed = await placeOrder(mock.url, 'A-1', 2);
      assert.equal(placed.location, '/orders/43');
      assert.equal(placed.body.status, 'pending');
    });
});

test('shipped orders are listed', async () => {
  await pact
    .addInteraction()
    .given('an order exists', { id: 42 })
    .uponReceiving('a request for shipped orders')
    .withRequest('GET', '/orders', (b) => b.query({ status: 'shipped' }))
    .willRespondWith(200, (b) => b.jsonBody(eachLike({ id: integer(42), status: 'shipped' })))
    .executeTest(async (mock) => {
      const orders = await shippedOrders(mock.url);
      assert.equal(orders[0].status, 'shipped');
    });
});
