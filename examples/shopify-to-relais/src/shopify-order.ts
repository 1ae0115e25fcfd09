/**
 * A Shopify `orders/paid` webhook body as Shopify sends it (REST Admin API 2024-01 shape,
 * trimmed to the fields that matter here).
 */
export function shopifyPaidOrder(orderNumber: number): string {
  return JSON.stringify({
    id: 5_000_000_000 + orderNumber,
    admin_graphql_api_id: `gid://shopify/Order/${5_000_000_000 + orderNumber}`,
    name: `#${orderNumber}`,
    order_number: orderNumber,
    email: "camille.martin@example.org",
    created_at: "2026-11-30T10:15:02+01:00",
    updated_at: "2026-11-30T10:16:45+01:00",
    processed_at: "2026-11-30T10:15:01+01:00",
    currency: "EUR",
    presentment_currency: "EUR",
    financial_status: "paid",
    fulfillment_status: null,
    subtotal_price: "54.90",
    total_tax: "9.15",
    total_price: "59.85",
    total_price_set: {
      shop_money: { amount: "59.85", currency_code: "EUR" },
      presentment_money: { amount: "59.85", currency_code: "EUR" },
    },
    line_items: [
      { id: 13_000_000_001, title: "Espresso cups (set of 2)", quantity: 1, price: "24.90", sku: "CUP-ESP-2" },
      { id: 13_000_000_002, title: "Whole beans 1 kg", quantity: 1, price: "30.00", sku: "BEAN-1KG" },
    ],
    shipping_lines: [{ id: 14_000_000_001, title: "Colissimo", price: "4.95" }],
    customer: { id: 7_000_000_001, email: "camille.martin@example.org", first_name: "Camille", last_name: "Martin" },
  });
}
