import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

// Schemas describe themselves for /openapi.json with `.openapi()`; importing z from here
// guarantees the method exists before any schema is built.
extendZodWithOpenApi(z);

export { z };
