/**
 * Test helpers for packages that talk to a real Relais server, such as the SDK's integration
 * tests: `import { startTestServer } from "@relais/server/testing"`.
 *
 * @packageDocumentation
 */
export {
  startTestServer,
  TEST_MASTER_KEY,
  type ApiObject,
  type TestRequestOptions,
  type TestResponse,
  type TestServer,
} from "./test-server.js";
export { createTestDatabase, type TestDatabase } from "./test-database.js";
